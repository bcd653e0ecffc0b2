import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import (
    address_space, normalize_pools, overlapping_network, pools_differ, pools_from_inspect)


def pool(subnet, gateway=None, ip_range=None, aux_addresses=None):
    return dict(subnet=subnet, gateway=gateway, ip_range=ip_range, aux_addresses=aux_addresses)


@pytest.mark.parametrize('given, expected', [
    ({'subnet': '10.201.1.0/24'}, pool('10.201.1.0/24')),
    ({'subnet': '10.201.1.0/24', 'gateway': '10.201.1.1', 'ip_range': '10.201.1.128/25',
      'aux_addresses': {'router': '10.201.1.2'}},
     pool('10.201.1.0/24', '10.201.1.1', '10.201.1.128/25', {'router': '10.201.1.2'})),
    ({'subnet': 'FD00:201:0:0::/64', 'gateway': 'fd00:201::0001'}, pool('fd00:201::/64', 'fd00:201::1')),
    ({'subnet': 'fd00:0201:0000:0001:0000:0000:0000:0000/64', 'ip_range': 'fd00:201:0:1:8000::/65'},
     pool('fd00:201:0:1::/64', ip_range='fd00:201:0:1:8000::/65')),
    ({'subnet': '10.201.1.0/24', 'aux_addresses': {}}, pool('10.201.1.0/24', aux_addresses={})),
])
def test_normalize_pools(given, expected):
    assert normalize_pools([given], enable_ipv6=True) == [expected]


@pytest.mark.parametrize('pools, message', [
    ([{'subnet': '10.201.1.0'}],
     "ipam_config[0].subnet '10.201.1.0' is not in CIDR notation (address/prefix length, like 10.0.0.0/24)"),
    ([{'subnet': '10.201.300.0/24'}], "ipam_config[0].subnet '10.201.300.0/24' is not a valid IPv4 or IPv6 network"),
    ([{'subnet': '10.201.1.0/33'}], "ipam_config[0].subnet '10.201.1.0/33' is not a valid IPv4 or IPv6 network"),
    ([{'subnet': 'banana/8'}], "ipam_config[0].subnet 'banana/8' is not a valid IPv4 or IPv6 network"),
    ([{'subnet': '10.201.1.5/24'}], 'ipam_config[0].subnet 10.201.1.5/24 has host bits set; the network is 10.201.1.0/24'),
    ([{'subnet': 'fd00:201::1/64'}], 'ipam_config[0].subnet fd00:201::1/64 has host bits set; the network is fd00:201::/64'),
    ([{'subnet': '10.201.1.0/24', 'gateway': '10.201.2.1'}],
     'ipam_config[0].gateway 10.201.2.1 is outside subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'gateway': 'fd00::1'}], 'ipam_config[0].gateway fd00::1 is outside subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'gateway': '10.201.1'}], "ipam_config[0].gateway '10.201.1' is not a valid IP address"),
    ([{'subnet': '10.201.1.0/24', 'ip_range': '10.201.0.0/23'}],
     'ipam_config[0].ip_range 10.201.0.0/23 is outside subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'ip_range': 'fd00::/64'}], 'ipam_config[0].ip_range fd00::/64 is outside subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'ip_range': '10.201.1.129/25'}],
     'ipam_config[0].ip_range 10.201.1.129/25 has host bits set; the network is 10.201.1.128/25'),
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': {'router': '10.201.9.9'}}],
     'ipam_config[0].aux_addresses.router 10.201.9.9 is outside subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': {'router': 'x'}}],
     "ipam_config[0].aux_addresses.router 'x' is not a valid IP address"),
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': ['10.201.1.2']}],
     'ipam_config[0].aux_addresses must be a dict of name: address'),
    ([{'gateway': '10.201.1.1'}], 'ipam_config[0] needs a subnet'),
    ([{'subnet': '10.201.1.0/24', 'ip-range': '10.201.1.0/25'}],
     'ipam_config[0] has unknown keys ip-range; use subnet, gateway, ip_range, aux_addresses'),
    (['10.201.1.0/24'], 'ipam_config[0] must be a dict with subnet, gateway, ip_range and aux_addresses'),
    # CIDR as the daemon takes it, nothing normalised from other notations
    ([{'subnet': ' 10.201.1.0/24 '}], "ipam_config[0].subnet ' 10.201.1.0/24 ' has surrounding spaces"),
    ([{'subnet': '10.201.1.0/255.255.255.0'}],
     "ipam_config[0].subnet '10.201.1.0/255.255.255.0': the prefix length must be a number of bits like /24 (no "
     "netmask, no leading zeros)"),
    ([{'subnet': '10.201.1.0/024'}],
     "ipam_config[0].subnet '10.201.1.0/024': the prefix length must be a number of bits like /24 (no netmask, no "
     "leading zeros)"),
    # no room for a gateway and a container
    ([{'subnet': '10.201.1.0/31'}], 'ipam_config[0].subnet 10.201.1.0/31 is too small: a /31 leaves no address for a '
                                    'gateway and a container (IPv4 needs /30 or larger)'),
    ([{'subnet': '10.201.1.1/32'}], 'ipam_config[0].subnet 10.201.1.1/32 is too small: a /32 leaves no address for a '
                                    'gateway and a container (IPv4 needs /30 or larger)'),
    ([{'subnet': 'fd00:201::1/128'}], 'ipam_config[0].subnet fd00:201::1/128 is too small: a /128 leaves no address '
                                      'for a gateway and a container (IPv6 needs /127 or larger)'),
    # reserved addresses
    ([{'subnet': '10.201.1.0/24', 'gateway': '10.201.1.0'}],
     'ipam_config[0].gateway 10.201.1.0 is the network address of subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'gateway': '10.201.1.255'}],
     'ipam_config[0].gateway 10.201.1.255 is the broadcast address of subnet 10.201.1.0/24'),
    ([{'subnet': 'fd00:201::/64', 'gateway': 'fd00:201::1%eth0'}],
     "ipam_config[0].gateway 'fd00:201::1%eth0' has a zone id (%...); the daemon takes plain addresses"),
    ([{'subnet': '::ffff:10.244.0.0/120', 'gateway': '::ffff:10.244.9.1'}],
     'ipam_config[0].gateway ::ffff:10.244.9.1 is outside subnet'),  # as written, not ::ffff:af4:901
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': {'gw': '10.201.1.1'}}],
     'ipam_config[0].aux_addresses.gw 10.201.1.1 is the gateway of subnet 10.201.1.0/24 (the first address, as none '
     'is given)'),
    ([{'subnet': '10.201.1.0/24', 'gateway': '10.201.1.9', 'aux_addresses': {'gw': '10.201.1.9'}}],
     'ipam_config[0].aux_addresses.gw 10.201.1.9 is the gateway of subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': {'a': '10.201.1.5', 'b': '10.201.1.5'}}],
     'ipam_config[0].aux_addresses.b 10.201.1.5 is also aux address a'),
    ([{'subnet': '10.201.1.0/24', 'aux_addresses': {'bcast': '10.201.1.255'}}],
     'ipam_config[0].aux_addresses.bcast 10.201.1.255 is the broadcast address of subnet 10.201.1.0/24'),
    ([{'subnet': '10.201.0.0/16'}, {'subnet': '10.201.1.0/24'}],
     'ipam_config[1].subnet 10.201.1.0/24 overlaps ipam_config[0].subnet 10.201.0.0/16'),
    ([{'subnet': '10.201.1.0/24'}, {'subnet': '10.201.1.0/24'}],
     'ipam_config[1].subnet 10.201.1.0/24 overlaps ipam_config[0].subnet 10.201.1.0/24'),
    ([{'subnet': 'fd00:201::/48'}, {'subnet': 'FD00:201:0:1::/64'}],
     'ipam_config[1].subnet fd00:201:0:1::/64 overlaps ipam_config[0].subnet fd00:201::/48'),
])
def test_normalize_pools_rejects(pools, message):
    with pytest.raises(LabnetDockerError) as caught:
        normalize_pools(pools, enable_ipv6=True)
    assert caught.value.msg.startswith(message)


@pytest.mark.parametrize('enable_ipv6', [None, False])
def test_ipv6_pool_needs_enable_ipv6(enable_ipv6):
    with pytest.raises(LabnetDockerError) as caught:
        normalize_pools([{'subnet': '10.201.1.0/24'}, {'subnet': 'fd00:201:1::/64'}], enable_ipv6)
    assert caught.value.msg == 'ipam_config[1].subnet fd00:201:1::/64 is IPv6, which needs enable_ipv6: true'


def test_ipv4_and_ipv6_pools_do_not_overlap_each_other():
    pools = normalize_pools([{'subnet': '10.201.0.0/16'}, {'subnet': '::/0'}], True)
    assert [p['subnet'] for p in pools] == ['10.201.0.0/16', '::/0']


def test_pools_from_inspect_normalises_and_sorts():
    config = [{'Subnet': 'FD00:201:1::/64', 'Gateway': 'fd00:201:1:0::1'},
              {'Subnet': '10.201.1.0/24', 'IPRange': '10.201.1.128/25', 'AuxiliaryAddresses': {'a': '10.201.1.5'}},
              {'Gateway': '10.9.9.9'}]
    assert pools_from_inspect(config) == [
        pool('10.201.1.0/24', ip_range='10.201.1.128/25', aux_addresses={'a': '10.201.1.5'}),
        pool('fd00:201:1::/64', 'fd00:201:1::1')]


ACTUAL = [pool('10.201.1.0/24', '10.201.1.1'), pool('fd00:201:1::/64')]


@pytest.mark.parametrize('wanted, differs', [
    ([pool('10.201.1.0/24'), pool('fd00:201:1::/64')], False),
    ([pool('fd00:201:1::/64'), pool('10.201.1.0/24', '10.201.1.1')], False),
    ([pool('10.201.1.0/24')], False),                                  # IPv6 left out: not compared
    ([pool('fd00:201:1::/64')], False),                                # IPv4 left out (the daemon's own pool)
    ([pool('10.201.9.0/24')], True),                                   # another IPv4 subnet
    ([], False),                                                       # no family given, nothing compared
    ([pool('10.201.1.0/24'), pool('fd00:201:1::/64'), pool('10.201.2.0/24')], True),
    ([pool('10.201.1.0/24', '10.201.1.254'), pool('fd00:201:1::/64')], True),
    ([pool('10.201.1.0/24', ip_range='10.201.1.0/25'), pool('fd00:201:1::/64')], True),
    ([pool('10.201.1.0/24', aux_addresses={}), pool('fd00:201:1::/64')], False),
    ([pool('10.201.1.0/24', aux_addresses={'r': '10.201.1.2'}), pool('fd00:201:1::/64')], True),
    ([pool('10.201.1.0/24'), pool('fd00:201:1::/64', 'fd00:201:1::1')], True),  # gateway not recorded
])
def test_pools_differ(wanted, differs):
    assert pools_differ(wanted, ACTUAL)[0] is differs


def test_pools_differ_merges_left_out_fields():
    merged = pools_differ([pool('fd00:201:1::/64', 'fd00:201:1::1'), pool('10.201.1.0/24')], ACTUAL)[1]
    assert merged == [pool('10.201.1.0/24', '10.201.1.1'), pool('fd00:201:1::/64', 'fd00:201:1::1')]


def test_pools_differ_keeps_the_families_left_out():
    merged = pools_differ([pool('10.201.9.0/24')], ACTUAL)[1]
    assert merged == [pool('10.201.9.0/24'), pool('fd00:201:1::/64')]


def row(name, subnets, scope='local', driver='bridge', config_only=False, ipam_driver='default', net_id=None):
    return {'Name': name, 'Id': net_id or name * 4, 'Scope': scope, 'Driver': driver, 'ConfigOnly': config_only,
            'IPAM': {'Driver': ipam_driver, 'Config': [{'Subnet': s} for s in subnets]}}


ROWS = [
    row('bridge', ['172.17.0.0/16']),
    row('wide', ['10.201.0.0/16', 'fd00:201::/48']),
    row('cfg', ['10.202.0.0/24'], config_only=True),
    row('swarmy', ['10.203.0.0/24'], scope='swarm', driver='overlay'),
    row('plugin', ['10.204.0.0/24'], ipam_driver='other'),
    row('host', []),
]


@pytest.mark.parametrize('subnets, exclude, space, expected', [
    (['10.201.5.0/24'], set(), 'local',
     'ipam_config[0].subnet 10.201.5.0/24 overlaps subnet 10.201.0.0/16 of existing network wide'),
    (['10.9.0.0/24', 'fd00:201:0:7::/64'], set(), 'local',
     'ipam_config[1].subnet fd00:201:0:7::/64 overlaps subnet fd00:201::/48 of existing network wide'),
    (['172.16.0.0/12'], set(), 'local',
     'ipam_config[0].subnet 172.16.0.0/12 overlaps subnet 172.17.0.0/16 of existing network bridge'),
    (['10.201.5.0/24'], {'wide' * 4}, 'local', None),  # the network being re-created
    (['10.202.0.0/24'], set(), 'local', None),         # config-only networks allocate nothing
    (['10.203.0.0/24'], set(), 'local', None),         # other address space
    (['10.203.0.0/24'], set(), 'global',
     'ipam_config[0].subnet 10.203.0.0/24 overlaps subnet 10.203.0.0/24 of existing network swarmy'),
    (['10.204.0.0/24'], set(), 'local', None),         # another IPAM driver's pools
    (['10.9.0.0/24'], set(), 'local', None),
])
def test_overlapping_network(subnets, exclude, space, expected):
    hit = overlapping_network([pool(s) for s in subnets], ROWS, exclude, space)
    assert (hit[0] if hit else None) == expected


@pytest.mark.parametrize('scope, driver, space', [
    (None, 'bridge', 'local'), ('local', 'macvlan', 'local'), (None, 'overlay', 'global'), ('swarm', None, 'global'),
])
def test_address_space(scope, driver, space):
    assert address_space(scope, driver) == space


@pytest.mark.parametrize('given, expected', [
    # community.docker's iprange, alone or next to the ip_range the argument spec copied it to
    ({'subnet': '10.201.1.0/24', 'iprange': '10.201.1.128/25'}, pool('10.201.1.0/24', ip_range='10.201.1.128/25')),
    ({'subnet': '10.201.1.0/24', 'iprange': '10.201.1.128/25', 'ip_range': '10.201.1.128/25'},
     pool('10.201.1.0/24', ip_range='10.201.1.128/25')),
    ({'subnet': '10.201.1.0/24', 'iprange': None, 'ip_range': '10.201.1.0/25'},
     pool('10.201.1.0/24', ip_range='10.201.1.0/25')),
])
def test_iprange_alias(given, expected):
    assert normalize_pools([given], enable_ipv6=False) == [expected]


@pytest.mark.parametrize('given, message', [
    ({'subnet': '10.201.1.0/24', 'iprange': '10.201.1.128/25', 'ip_range': '10.201.1.0/25'},
     'ipam_config[0] sets ip_range 10.201.1.0/25 and its alias iprange 10.201.1.128/25; give one of them'),
    ({'subnet': '10.201.1.0/24', 'iprange': '10.9.0.0/25'},
     'ipam_config[0].ip_range 10.9.0.0/25 is outside subnet 10.201.1.0/24'),
])
def test_iprange_alias_refused(given, message):
    with pytest.raises(LabnetDockerError) as info:
        normalize_pools([given], enable_ipv6=False)
    assert info.value.msg == message
