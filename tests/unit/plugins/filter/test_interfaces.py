from ansible_collections.labnet.docker.plugins.filter.endpoints import inspect_addresses
from ansible_collections.labnet.docker.plugins.filter.interfaces import (
    host_interfaces, host_subnets, interface_addresses, ip_interfaces, stable_interfaces)

BUSYBOX = '''1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
202: eth0@if203: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue \\    link/ether 02:42:AC:11:00:04 brd ff:ff:ff:ff:ff:ff
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
202: eth0    inet 172.17.0.4/16 brd 172.17.255.255 scope global eth0\\       valid_lft forever preferred_lft forever
202: eth0    inet6 fe80::42:acff:fe11:4/64 scope link \\       valid_lft forever preferred_lft forever
'''

IPROUTE2 = '\n'.join([
    '5: docker0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default '
    '\\    link/ether 02:42:f0:7b:a2:97 brd ff:ff:ff:ff:ff:ff',
    '9: veth1a2b3c4@if8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master docker0 state UP '
    '\\    link/ether 6e:11:22:33:44:55 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
])


def test_busybox_output():
    assert ip_interfaces(BUSYBOX) == {
        'lo': {'mac': None, 'ipv4': ['127.0.0.1/8'], 'ipv6': []},
        'eth0': {'mac': '02:42:ac:11:00:04', 'ipv4': ['172.17.0.4/16'], 'ipv6': ['fe80::42:acff:fe11:4/64']},
    }


def test_iproute2_output_drops_peer_suffix():
    assert sorted(ip_interfaces(IPROUTE2)) == ['docker0', 'veth1a2b3c4']
    assert ip_interfaces(IPROUTE2)['docker0']['mac'] == '02:42:f0:7b:a2:97'


def test_empty_output():
    assert ip_interfaces('') == {}
    assert ip_interfaces(None) == {}


FACTS = {
    'interfaces': ['lo', 'eth0', 'br-0123456789ab', 'docker0'],
    'lo': {'ipv4': {'address': '127.0.0.1', 'netmask': '255.0.0.0'}},
    'eth0': {'macaddress': '02:FC:00:00:00:01', 'ipv4': {'address': '10.0.2.15', 'netmask': '255.255.255.0'},
             'ipv4_secondaries': [{'address': '10.0.3.15', 'netmask': '255.255.255.128'}],
             'ipv6': [{'address': 'fe80::1', 'prefix': '64'}]},
    'br_0123456789ab': {'ipv4': {'address': '172.18.0.1', 'netmask': '255.255.0.0'}},
    'docker0': {'macaddress': '02:42:f0:7b:a2:97'},
}


def test_host_interfaces_from_facts():
    result = host_interfaces(FACTS)
    assert result['eth0'] == {'mac': '02:fc:00:00:00:01', 'ipv4': ['10.0.2.15/24', '10.0.3.15/25'], 'ipv6': ['fe80::1/64']}
    assert result['br-0123456789ab']['ipv4'] == ['172.18.0.1/16']
    assert result['docker0'] == {'mac': '02:42:f0:7b:a2:97', 'ipv4': [], 'ipv6': []}


def test_host_subnets_skip_excluded_interfaces():
    assert host_subnets(FACTS, ['br-0123456789ab']) == [
        {'subnet': '10.0.2.0/24', 'owner': 'interface eth0'},
        {'subnet': '10.0.3.0/25', 'owner': 'interface eth0'},
        {'subnet': '127.0.0.0/8', 'owner': 'interface lo'},
    ]


def test_stable_interfaces():
    assert stable_interfaces(['veth12', 'eth0', 'br-abc', 'docker0', 'lo']) == ['docker0', 'eth0', 'lo']


def test_interface_addresses_leave_out_loopback_and_match_inspect():
    seen = interface_addresses(ip_interfaces(BUSYBOX))
    assert seen == {'ipv4': ['172.17.0.4/16'], 'mac': ['02:42:ac:11:00:04']}
    docker = inspect_addresses({'Networks': {'bridge': {'IPAddress': '172.17.0.4', 'IPPrefixLen': 16,
                                                        'MacAddress': '02:42:ac:11:00:04'}}})
    assert seen == docker
    assert interface_addresses({'lo': {'mac': None, 'ipv4': ['127.0.0.1/8']}}) == {'ipv4': [], 'mac': []}
