import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.filter.subnets import (
    free_subnet, network_subnets, subnet_contains, subnet_host)


def test_wanted_subnet_is_kept_when_free():
    result = free_subnet('172.18.0.0/16', ['172.17.0.0/16', '10.0.0.0/8'], ['172.16.0.0/12'])
    assert result == dict(wanted='172.18.0.0/16', subnet='172.18.0.0/16', moved=False, conflicts=[])


@pytest.mark.parametrize('taken, expected', [
    (['172.18.0.0/16'], '172.16.0.0/16'),
    (['172.16.0.0/15', '172.18.0.0/16'], '172.19.0.0/16'),
    (['172.18.5.1/24', {'subnet': '172.16.0.0/14', 'owner': 'network big'}], '172.20.0.0/16'),
    # an interface address with host bits is read as its network
    (['172.18.0.1/16', '172.16.0.1/255.254.0.0'], '172.19.0.0/16'),
])
def test_taken_subnet_moves_to_first_free_of_same_size(taken, expected):
    result = free_subnet('172.18.0.0/16', taken, ['172.16.0.0/12'])
    assert result['subnet'] == expected
    assert result['moved'] is True
    assert result['wanted'] == '172.18.0.0/16'


def test_conflicts_name_their_owner():
    taken = [{'subnet': '172.18.0.0/16', 'owner': 'network other'}, {'subnet': '172.18.3.0/24', 'owner': 'interface eth1'}]
    result = free_subnet('172.18.0.0/16', taken, ['172.16.0.0/12'])
    assert result['conflicts'] == ['network other (172.18.0.0/16)', 'interface eth1 (172.18.3.0/24)']


def test_skips_pools_of_other_family_or_too_small():
    result = free_subnet('172.18.0.0/16', ['172.18.0.0/16'], ['fd00::/8', '192.168.10.0/24', '192.168.0.0/16'])
    assert result['subnet'] == '192.168.0.0/16'


def test_large_pool_search_jumps_over_blockers():
    taken = ['10.0.0.0/9', '10.128.0.0/10']
    assert free_subnet('10.0.0.0/24', taken, ['10.0.0.0/8'])['subnet'] == '10.192.0.0/24'


def test_ipv6_taken_entries_do_not_block_ipv4():
    assert free_subnet('172.18.0.0/16', ['fd00::/64'], [])['moved'] is False


def test_no_room_is_an_error_naming_the_conflict():
    with pytest.raises(AnsibleFilterError, match=r'172.18.0.0/16 overlaps network x \(172.16.0.0/12\), and no free /16 is left in 172.16.0.0/12'):
        free_subnet('172.18.0.0/16', [{'subnet': '172.16.0.0/12', 'owner': 'network x'}], ['172.16.0.0/12'])


@pytest.mark.parametrize('wanted, message', [
    ('172.18.0.1/16', 'has host bits set'),
    ('banana', 'does not appear to be an IPv4 or IPv6 network'),
])
def test_bad_wanted_subnet_is_named(wanted, message):
    with pytest.raises(AnsibleFilterError, match="wanted subnet '%s' is not a valid subnet: .*%s" % (wanted, message)):
        free_subnet(wanted, [], [])


@pytest.mark.parametrize('subnet, index, expected', [
    ('172.18.0.0/16', 100, '172.18.0.100'),
    ('172.18.0.0/16', 1, '172.18.0.1'),
    ('172.18.0.0/16', -1, '172.18.255.254'),
    ('10.0.0.0/31', 2, '10.0.0.1'),
    ('fd00::/64', 5, 'fd00::5'),
    ('fd00::/64', -1, 'fd00::ffff:ffff:ffff:ffff'),
    ('10.0.0.7/32', 1, '10.0.0.7'),
])
def test_subnet_host(subnet, index, expected):
    assert subnet_host(subnet, index) == expected


@pytest.mark.parametrize('index', [0, 255, -255, 'x'])
def test_subnet_host_out_of_range(index):
    with pytest.raises(AnsibleFilterError, match='host index'):
        subnet_host('192.168.1.0/24', index)


@pytest.mark.parametrize('subnet, address, expected', [
    ('172.17.0.0/16', '172.17.0.2', True),
    ('172.17.0.0/16', '172.17.0.2/16', True),
    ('172.17.0.0/16', '172.18.0.2', False),
    ('172.17.0.0/16', '', False),
    ('', '172.17.0.2', False),
    ('172.17.0.0/16', 'no address', False),
    ('172.17.0.0/16', 'fd00::1', False),
])
def test_subnet_contains(subnet, address, expected):
    assert subnet_contains(subnet, address) is expected


def test_network_subnets_names_owner_and_skips_excluded():
    networks = [
        {'Name': 'bridge', 'IPAM': {'Config': [{'Subnet': '172.17.0.0/16', 'Gateway': '172.17.0.1'}]}},
        {'Name': 'host', 'IPAM': {'Config': []}},
        {'Name': 'mine', 'IPAM': {'Config': [{'Subnet': '172.18.0.0/16'}]}},
        {'Name': 'dual', 'IPAM': {'Config': [{'Subnet': '10.1.0.0/24'}, {'Subnet': 'fd00::/64'}]}},
    ]
    assert network_subnets(networks, ['mine']) == [
        {'subnet': '172.17.0.0/16', 'owner': 'network bridge'},
        {'subnet': '10.1.0.0/24', 'owner': 'network dual'},
        {'subnet': 'fd00::/64', 'owner': 'network dual'},
    ]


def test_free_subnet_names_the_setting_of_an_invalid_subnet():
    with pytest.raises(AnsibleFilterError, match=r"^user_bridge_subnet '172.18.0.0/33' is not a valid subnet: "):
        free_subnet('172.18.0.0/33', [], ['172.16.0.0/12'], 'user_bridge_subnet')


BLOCKER = {'subnet': '10.230.5.0/24', 'owner': 'network blocker'}


def test_keep_returns_the_subnet_the_network_was_given_for_this_wanted_subnet():
    # run 1 moved 10.230.5.0/24 to 10.230.0.0/24; run 2 sees its own bridge and interface there, and keeps it
    taken = [BLOCKER, {'subnet': '10.230.0.0/24', 'owner': 'network mine'}, '10.230.0.1/24']
    result = free_subnet('10.230.5.0/24', taken, ['10.230.0.0/16'], keep={'subnet': '10.230.0.0/24', 'wanted': '10.230.5.0/24'})
    assert result == dict(wanted='10.230.5.0/24', subnet='10.230.0.0/24', moved=True, conflicts=['network blocker (10.230.5.0/24)'])


def test_keep_a_moved_subnet_whose_blocker_is_gone():
    result = free_subnet('10.230.5.0/24', [], ['10.230.0.0/16'], keep={'subnet': '10.230.0.0/24', 'wanted': '10.230.5.0/24'})
    assert result == dict(wanted='10.230.5.0/24', subnet='10.230.0.0/24', moved=True, conflicts=['taken when this lab was built'])


def test_keep_the_wanted_subnet_itself_is_no_conflict():
    taken = [{'subnet': '172.18.0.0/16', 'owner': 'network mine'}, {'subnet': '172.18.0.0/16', 'owner': 'interface br-0123'}]
    result = free_subnet('172.18.0.0/16', taken, [], keep={'subnet': '172.18.0.0/16', 'wanted': '172.18.0.0/16'})
    assert result == dict(wanted='172.18.0.0/16', subnet='172.18.0.0/16', moved=False, conflicts=[])


@pytest.mark.parametrize('made_for', ['10.9.0.0/24', '', None, 'not a subnet'])
def test_keep_made_for_another_wanted_subnet_chooses_afresh_ignoring_its_own(made_for):
    # the wanted subnet changed: the network's old subnet (its bridge interface too) is no conflict, nothing is kept
    taken = [{'subnet': '10.230.0.0/24', 'owner': 'network mine'}, '10.230.0.1/24']
    keep = {'subnet': '10.230.0.0/24', 'wanted': made_for}
    assert free_subnet('10.230.0.0/16', taken, [], keep=keep) == dict(
        wanted='10.230.0.0/16', subnet='10.230.0.0/16', moved=False, conflicts=[])


@pytest.mark.parametrize('keep', [None, {}, {'subnet': ''}, {'subnet': None, 'wanted': '10.0.0.0/8'}])
def test_no_keep_changes_nothing(keep):
    assert free_subnet('172.18.0.0/16', ['172.18.0.0/16'], ['172.16.0.0/12'], keep=keep)['subnet'] == '172.16.0.0/16'


def test_keep_with_an_invalid_subnet_is_refused():
    with pytest.raises(AnsibleFilterError, match="kept subnet 'nope' is not a valid subnet"):
        free_subnet('172.18.0.0/16', [], [], keep={'subnet': 'nope', 'wanted': '172.18.0.0/16'})
