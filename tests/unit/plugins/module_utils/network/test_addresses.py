import pytest

from ansible_collections.labnet.docker.plugins.module_utils.network.addresses import (
    address_holders, address_problems, reserved_addresses, subnet_is_user_configured)

NET_ID = 'e' * 64


def network(config, ipv6=False, containers=None, name='labnet'):
    return {'Name': name, 'Id': NET_ID, 'EnableIPv6': ipv6, 'IPAM': {'Driver': 'default', 'Config': config},
            'Containers': containers or {}}


USER = network([{'Subnet': '10.202.1.0/24'}])
WITH_GW = network([{'Subnet': '10.202.1.0/24', 'Gateway': '10.202.1.254',
                    'AuxiliaryAddresses': {'router': '10.202.1.253'}}])
DUAL = network([{'Subnet': '10.202.1.0/24'}, {'Subnet': 'fd00:202:1::/64'}], ipv6=True)


def test_reserved_addresses_default_gateway_network_and_broadcast():
    assert reserved_addresses(USER, 4) == {
        '10.202.1.0': 'the network address of subnet 10.202.1.0/24',
        '10.202.1.255': 'the broadcast address of subnet 10.202.1.0/24',
        '10.202.1.1': "the network's gateway",
    }
    assert reserved_addresses(DUAL, 6) == {
        'fd00:202:1::': 'the network address of subnet fd00:202:1::/64',
        'fd00:202:1::1': "the network's gateway",
    }


@pytest.mark.parametrize('net, settings, problems', [
    (USER, {'ipv4_address': '10.202.1.10'}, []),
    (USER, {'ipv4_address': '10.202.2.10'},
     ['ipv4_address 10.202.2.10 is outside the pools of network labnet (10.202.1.0/24)']),
    (USER, {'ipv4_address': '10.202.1.1'},
     ["ipv4_address 10.202.1.1 is already held by the network's gateway on network labnet"]),
    (USER, {'ipv4_address': '10.202.1.255'},
     ['ipv4_address 10.202.1.255 is already held by the broadcast address of subnet 10.202.1.0/24 on network labnet']),
    (WITH_GW, {'ipv4_address': '10.202.1.1'}, []),      # the gateway was moved away from .1
    (WITH_GW, {'ipv4_address': '10.202.1.254'},
     ["ipv4_address 10.202.1.254 is already held by the network's gateway on network labnet"]),
    (WITH_GW, {'ipv4_address': '10.202.1.253'},
     ['ipv4_address 10.202.1.253 is already held by auxiliary address router on network labnet']),
    (USER, {'ipv6_address': 'fd00:202:1::5'}, ['ipv6_address fd00:202:1::5: network labnet does not have IPv6 enabled']),
    (network([{'Subnet': '10.202.1.0/24'}], ipv6=True), {'ipv6_address': 'fd00:202:1::5'},
     ['ipv6_address fd00:202:1::5: network labnet has no user-configured IPv6 subnet, and a fixed address needs one']),
    (network([]), {'ipv4_address': '10.202.1.5'},
     ['ipv4_address 10.202.1.5: network labnet has no user-configured IPv4 subnet, and a fixed address needs one']),
    (DUAL, {'ipv4_address': '10.202.1.7', 'ipv6_address': 'fd00:202:1::7'}, []),
    (DUAL, {'ipv6_address': 'fd00:202:2::7'},
     ['ipv6_address fd00:202:2::7 is outside the pools of network labnet (fd00:202:1::/64)']),
])
def test_address_problems(net, settings, problems):
    assert address_problems(settings, net) == problems


def record(cid, name, state, endpoint):
    return {'Id': cid, 'Name': '/' + name, 'State': {'Status': state},
            'NetworkSettings': {'Networks': {'labnet': endpoint}}}


RUNNING = network([{'Subnet': '10.202.1.0/24'}], containers={
    'a' * 64: {'Name': 'web', 'IPv4Address': '10.202.1.10/24', 'IPv6Address': ''},
    'ep-1234': {'Name': 'labnet-sbox', 'IPv4Address': '10.202.1.11/24', 'IPv6Address': ''},
})
STOPPED = record('b' * 64, 'db', 'exited', {'IPAMConfig': {'IPv4Address': '10.202.1.20'}, 'NetworkID': NET_ID})
CREATED = record('c' * 64, 'cache', 'created', {'IPAMConfig': {'IPv4Address': '10.202.1.21'}, 'NetworkID': ''})


@pytest.mark.parametrize('address, exclude, holders', [
    ('10.202.1.10', None, ['running container web']),
    ('10.202.1.10', 'a' * 64, []),                       # the container itself does not count
    ('10.202.1.11', None, ['endpoint labnet-sbox']),
    ('10.202.1.20', None, ['container db (exited)']),   # only configured: the daemon would not notice
    ('10.202.1.21', None, ['container cache (created)']),
    ('10.202.1.22', None, []),
])
def test_address_holders(address, exclude, holders):
    assert address_holders(address, RUNNING, [STOPPED, CREATED], exclude) == holders


@pytest.mark.parametrize('config, records, expected', [
    ([], [], False),
    ([{'Subnet': '10.202.1.0/24'}], [], True),                                   # no gateway: configured
    ([{'Subnet': '10.202.1.0/24', 'Gateway': '10.202.1.1', 'IPRange': '10.202.1.128/25'}], [], True),
    ([{'Subnet': '172.18.0.0/16', 'Gateway': '172.18.0.1'}], [], None),          # looks like a daemon pick
    ([{'Subnet': '10.202.1.0/24', 'Gateway': '10.202.1.1'}], [STOPPED], True),    # someone has a fixed address
])
def test_subnet_is_user_configured(config, records, expected):
    assert subnet_is_user_configured(network(config), 4, records) is expected
