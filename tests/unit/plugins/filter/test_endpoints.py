import pytest

from ansible_collections.labnet.docker.plugins.filter.endpoints import (
    container_addresses, endpoint_addresses, host_ports, inspect_addresses, swarm_members)


def test_host_ports():
    container = {'NetworkSettings': {'Ports': {'80/tcp': [{'HostIp': '0.0.0.0', 'HostPort': '49153'},
                                                          {'HostIp': '::', 'HostPort': '49153'}],
                                               '53/udp': None}}}
    assert host_ports(container, 80) == [49153]
    assert host_ports(container, '53/udp') == []
    assert host_ports(None, 80) == []


def test_inspect_addresses_from_every_network():
    settings = {'IPAddress': '172.17.0.9', 'Networks': {
        'bridge': {'IPAddress': '172.17.0.9', 'IPPrefixLen': 16, 'MacAddress': '02:42:AC:11:00:09'},
        'other': {'IPAddress': '', 'IPPrefixLen': 0, 'MacAddress': ''},
    }}
    assert inspect_addresses(settings) == {'ipv4': ['172.17.0.9/16'], 'mac': ['02:42:ac:11:00:09']}
    assert inspect_addresses({'Networks': {'none': {'IPAddress': ''}}}) == {'ipv4': [], 'mac': []}
    assert inspect_addresses(None) == {'ipv4': [], 'mac': []}


def test_endpoint_addresses_of_a_verbose_network():
    network = {'Name': 'bridge', 'endpoints': [
        {'container': 'c1', 'ipv4_address': None, 'assigned_ipv4_address': '172.17.0.2'},  # picked by the daemon
        {'container': 'c2', 'ipv4_address': '172.17.0.3', 'assigned_ipv4_address': '172.17.0.3'},  # fixed
        {'container': 'v6only', 'ipv4_address': None, 'assigned_ipv4_address': None},
    ]}
    assert endpoint_addresses(network) == {'c1': '172.17.0.2', 'c2': '172.17.0.3'}


@pytest.mark.parametrize('network', [None, {}, {'Name': 'x'}, {'endpoints': None}])
def test_endpoint_addresses_of_a_missing_network_are_empty(network):
    assert endpoint_addresses(network) == {}


def _container(name, networks):
    return {'Name': '/' + name, 'NetworkSettings': {'Networks': networks}}


def test_container_addresses_on_the_only_network_or_a_named_one():
    one = _container('c1', {'ov': {'IPAddress': '10.0.1.3'}})
    two = _container('m', {'a': {'IPAddress': '10.1.0.2'}, 'b': {'IPAddress': '10.2.0.2'}})
    none = _container('n', {'none': {'IPAddress': ''}})
    assert container_addresses([one, two, none, {}, None]) == {'c1': '10.0.1.3'}
    assert container_addresses([one, two], 'b') == {'m': '10.2.0.2'}
    assert container_addresses(None) == {}


ENGINES = [
    {'item': 'node1', 'host_info': {'Name': 'lab-node1'}},
    {'item': 'node2', 'host_info': {'Name': 'lab-node2'}},
    {'item': 'stray', 'host_info': {'Name': 'elsewhere'}},
    {'item': 'down', 'skipped': True},
]
NODES = [
    {'ID': 'id1', 'Description': {'Hostname': 'lab-node1'}},
    {'ID': 'id2', 'Description': {'Hostname': 'lab-node2'}},
    {'ID': 'id9', 'Description': {'Hostname': 'not-in-inventory'}},
]


def test_swarm_members_match_engine_names_with_node_hostnames():
    assert swarm_members(ENGINES, NODES) == {'node1': 'id1', 'node2': 'id2'}
    assert swarm_members(ENGINES, []) == {}
    assert swarm_members(None, NODES) == {}
