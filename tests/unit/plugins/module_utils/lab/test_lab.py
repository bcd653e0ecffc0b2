"""The lab file's validation and plan, and Docker's reachability rules for every pair (pure, no daemon)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.matrix import derive_matrix, observed_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.lab.spec import lab_plan

NETS = [
    {'name': 'a', 'ipam_config': [{'subnet': '10.9.1.0/24'}]},
    {'name': 'b', 'ipam_config': [{'subnet': '10.9.2.0/24'}]},
    {'name': 'int', 'internal': True, 'ipam_config': [{'subnet': '10.9.3.0/24'}]},
    {'name': 'noicc', 'driver_options': {'com.docker.network.bridge.enable_icc': 'false'},
     'ipam_config': [{'subnet': '10.9.4.0/24'}]},
    {'name': 'v6', 'enable_ipv6': True, 'ipam_config': [{'subnet': '10.9.5.0/24'}, {'subnet': 'fd09:5::/64'}]},
]


def row(name, networks=None, ports=None):
    """A container as docker_host_info lists it (verbose)."""
    return {'Names': ['/' + name],
            'NetworkSettings': {'Networks': dict((net, {'IPAddress': v4, 'GlobalIPv6Address': v6})
                                                 for net, v4, v6 in networks or [])},
            'Ports': ports or []}


def plan_of(containers, expect=None, prefix=''):
    return lab_plan({'networks': NETS, 'containers': containers, 'expect': expect or []}, 'unit', prefix)


def expectations(containers, rows, host_address='172.17.0.1'):
    lab = plan_of(containers)['lab']
    return dict(((p['probe']['from'], p['probe']['to'], p['probe']['kind'], p['probe'].get('port')), p['probe']['expect'])
                for p in derive_matrix(lab, observed_from_inspect(rows), host_address))


CNM = [{'name': 'A', 'networks': ['a']}, {'name': 'B', 'networks': ['a', 'b']}, {'name': 'C', 'networks': ['b']}]
CNM_ROWS = [row('A', [('a', '10.9.1.2', '')]), row('B', [('a', '10.9.1.3', ''), ('b', '10.9.2.3', '')]),
            row('C', [('b', '10.9.2.2', '')])]


@pytest.mark.parametrize('containers, rows, key, expected', [
    # CNM: A-B on a, B-C on b, A-C never (not through B, and not B's address on b)
    (CNM, CNM_ROWS, ('A', '10.9.1.3', 'ping', None), 'reachable'),
    (CNM, CNM_ROWS, ('A', '10.9.2.3', 'ping', None), 'unreachable'),
    (CNM, CNM_ROWS, ('A', '10.9.2.2', 'ping', None), 'unreachable'),
    (CNM, CNM_ROWS, ('A', 'C', 'dns', None), 'unreachable'),
    (CNM, CNM_ROWS, ('C', 'B', 'dns', None), 'reachable'),
    # default bridge: by address, never by name
    ([{'name': 'd1'}, {'name': 'd2'}], [row('d1', [('bridge', '172.17.0.2', '')]), row('d2', [('bridge', '172.17.0.3', '')])],
     ('d1', '172.17.0.3', 'ping', None), 'reachable'),
    ([{'name': 'd1'}, {'name': 'd2'}], [row('d1', [('bridge', '172.17.0.2', '')]), row('d2', [('bridge', '172.17.0.3', '')])],
     ('d1', 'd2', 'dns', None), 'unreachable'),
    # internal: peers talk and resolve
    ([{'name': 'i1', 'networks': ['int']}, {'name': 'i2', 'networks': ['int']}],
     [row('i1', [('int', '10.9.3.2', '')]), row('i2', [('int', '10.9.3.3', '')])], ('i1', '10.9.3.3', 'ping', None),
     'reachable'),
    # ICC off: names resolve, addresses do not answer
    ([{'name': 'n1', 'networks': ['noicc']}, {'name': 'n2', 'networks': ['noicc']}],
     [row('n1', [('noicc', '10.9.4.2', '')]), row('n2', [('noicc', '10.9.4.3', '')])], ('n1', '10.9.4.3', 'ping', None),
     'unreachable'),
    ([{'name': 'n1', 'networks': ['noicc']}, {'name': 'n2', 'networks': ['noicc']}],
     [row('n1', [('noicc', '10.9.4.2', '')]), row('n2', [('noicc', '10.9.4.3', '')])], ('n1', 'n2', 'dns', None),
     'reachable'),
    # IPv6: each family's address is a target of its own
    ([{'name': 'v1', 'networks': ['v6']}, {'name': 'v2', 'networks': ['v6']}],
     [row('v1', [('v6', '10.9.5.2', 'fd09:5::2')]), row('v2', [('v6', '10.9.5.3', 'fd09:5::3')])],
     ('v1', 'fd09:5::3', 'ping', None), 'reachable'),
    # none reaches nothing, and has no name
    ([{'name': 'x', 'networks': ['a']}, {'name': 'nn', 'network_mode': 'none'}],
     [row('x', [('a', '10.9.1.2', '')]), row('nn', [('none', '', '')])], ('nn', '10.9.1.2', 'ping', None), 'unreachable'),
    ([{'name': 'x', 'networks': ['a']}, {'name': 'nn', 'network_mode': 'none'}],
     [row('x', [('a', '10.9.1.2', '')]), row('nn', [('none', '', '')])], ('x', 'nn', 'dns', None), 'unreachable'),
    # container:X sees what X sees, X's name resolves, its own never does
    ([{'name': 'w', 'networks': ['a']}, {'name': 's', 'network_mode': 'container:w'}, {'name': 'o', 'networks': ['a']}],
     [row('w', [('a', '10.9.1.2', '')]), row('s'), row('o', [('a', '10.9.1.3', '')])], ('s', '10.9.1.3', 'ping', None),
     'reachable'),
    ([{'name': 'w', 'networks': ['a']}, {'name': 's', 'network_mode': 'container:w'}, {'name': 'o', 'networks': ['a']}],
     [row('w', [('a', '10.9.1.2', '')]), row('s'), row('o', [('a', '10.9.1.3', '')])], ('s', '10.9.1.2', 'ping', None),
     'reachable'),
    ([{'name': 'w', 'networks': ['a']}, {'name': 's', 'network_mode': 'container:w'}, {'name': 'o', 'networks': ['a']}],
     [row('w', [('a', '10.9.1.2', '')]), row('s'), row('o', [('a', '10.9.1.3', '')])], ('o', 's', 'dns', None),
     'unreachable'),
    ([{'name': 'w', 'networks': ['a']}, {'name': 's', 'network_mode': 'container:w'}, {'name': 'o', 'networks': ['a']}],
     [row('w', [('a', '10.9.1.2', '')]), row('s'), row('o', [('a', '10.9.1.3', '')])], ('s', 'o', 'dns', None),
     'reachable'),
    # a host-network container is the host: it reaches bridges (internal too) but resolves no name
    ([{'name': 'h', 'network_mode': 'host'}, {'name': 'i', 'networks': ['int']}],
     [row('h', [('host', '', '')]), row('i', [('int', '10.9.3.2', '')])], ('h', '10.9.3.2', 'ping', None), 'reachable'),
    ([{'name': 'h', 'network_mode': 'host'}, {'name': 'i', 'networks': ['int']}],
     [row('h', [('host', '', '')]), row('i', [('int', '10.9.3.2', '')])], ('h', 'i', 'dns', None), 'unreachable'),
    # published ports: the published address answers, another address of the host does not
    ([{'name': 'web', 'networks': ['a'], 'published_ports': ['127.0.0.1:8090:80']}],
     [row('web', [('a', '10.9.1.2', '')], [{'IP': '127.0.0.1', 'PrivatePort': 80, 'PublicPort': 8090, 'Type': 'tcp'}])],
     ('host', '127.0.0.1', 'tcp', 8090), 'reachable'),
    ([{'name': 'web', 'networks': ['a'], 'published_ports': ['127.0.0.1:8090:80']}],
     [row('web', [('a', '10.9.1.2', '')], [{'IP': '127.0.0.1', 'PrivatePort': 80, 'PublicPort': 8090, 'Type': 'tcp'}])],
     ('host', '172.17.0.1', 'tcp', 8090), 'unreachable'),
])
def test_rules(containers, rows, key, expected):
    assert expectations(containers, rows)[key] == expected


def test_published_on_every_address_is_probed_on_loopback_only():
    found = expectations([{'name': 'web', 'networks': ['a'], 'publish_all': True}],
                         [row('web', [('a', '10.9.1.2', '')],
                              [{'IP': '0.0.0.0', 'PrivatePort': 80, 'PublicPort': 49153, 'Type': 'tcp'},
                               {'IP': '::', 'PrivatePort': 80, 'PublicPort': 49153, 'Type': 'tcp'}])])
    assert found == {('host', '127.0.0.1', 'tcp', 49153): 'reachable'}


def test_every_ordered_pair_is_probed_by_address_and_name():
    lab = plan_of(CNM)['lab']
    probes = [p['probe'] for p in derive_matrix(lab, observed_from_inspect(CNM_ROWS))]
    assert len(probes) == 14  # 4 addresses seen from 2 others each (8 pings) + 6 ordered pairs by name
    assert all(p['timeout'] == 1 for p in probes)


def test_plan_applies_the_prefix_and_keeps_topology_entries():
    plan = plan_of([{'name': 'A', 'networks': [{'name': 'a', 'ipv4_address': '10.9.1.10', 'aliases': ['x']}, 'b']},
                    {'name': 'S', 'network_mode': 'container:A'}],
                   expect=[{'from': 'S', 'to': 'A', 'kind': 'ping'}], prefix='p-')
    assert plan['networks'][0] == dict(NETS[0], name='p-a')
    assert plan['attachments'] == [
        {'network': 'p-a', 'container': 'p-A', 'ipv4_address': '10.9.1.10', 'aliases': ['x']},
        {'network': 'p-b', 'container': 'p-A'}]
    first, sidecar = plan['containers']
    assert first['network_mode'] == 'p-a' and first['networks'] == [
        {'name': 'p-a', 'ipv4_address': '10.9.1.10', 'aliases': ['x']}]
    assert first['dns_servers'] == ['127.0.0.1'] and first['labels'] == {'labnet.docker.lab': 'unit'}
    assert sidecar['network_mode'] == 'container:p-A' and 'dns_servers' not in sidecar
    assert plan['expect'] == [{'check': 'S -> A ping is reachable',
                               'probe': {'from': 'p-S', 'to': 'p-A', 'kind': 'ping'}}]


@pytest.mark.parametrize('definition, message', [
    ({'containers': [{'name': 'x', 'networks': ['nowhere']}]},
     "container 'x'.networks[0]: network 'nowhere' is neither in the lab's networks nor bridge"),
    ({'networks': NETS, 'containers': [{'name': 'x', 'networks': [{'name': 'a', 'ipv4_address': '10.9.9.9'}]}]},
     "ipv4_address 10.9.9.9 is not in a configured IPv4 subnet of network 'a' (10.9.1.0/24)"),
    ({'containers': [{'name': 'x', 'network_mode': 'container:ghost'}]},
     "container 'x': network_mode 'container:ghost' names no other container of the lab"),
    ({'containers': [{'name': 'x', 'network_mode': 'bridged'}]},
     "network_mode 'bridged' must be host, none or container:<another lab container>"),
    ({'containers': [{'name': 'x', 'published_ports': ['127.0.0.1:99999:80']}]},
     "published port '127.0.0.1:99999:80' is not [address:][host_port:]container_port[/protocol]"),
    ({'containers': [{'name': 'x', 'network_mode': 'host', 'published_ports': ['80']}]},
     "published ports need a network of the container's own, not network_mode 'host'"),
    ({'containers': [{'name': 'x', 'nets': []}]}, "containers[0]: unknown key 'nets'"),
    ({'containers': [{'name': 'x'}, {'name': 'x'}]}, "containers[1]: container 'x' is listed twice"),
    ({'matrix': 'sometimes'}, "matrix: 'sometimes' must be auto or off"),
    ({'containers': [{'name': 'x'}], 'expect': [{'from': 'y', 'to': 'x'}]},
     "expect[0]: from 'y' is neither host nor a container of the lab (x)"),
    ({'containers': [{'name': 'x', 'networks': [{'name': 'bridge', 'aliases': ['n']}]}]},
     'the default bridge takes no fixed address or alias'),
])
def test_bad_lab_is_refused_naming_the_value(definition, message):
    with pytest.raises(LabnetDockerError) as caught:
        lab_plan(definition, 'unit')
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(LabnetDockerError) as caught:
        lab_plan({'containers': [{'name': 'x', 'networks': ['ghost']}, {'name': 'bad name'}]}, 'unit')
    assert "'ghost'" in str(caught.value) and "'bad name'" in str(caught.value)


@pytest.mark.parametrize('port', ['8088:80', '80', '53/udp', '127.0.0.1::80', '[::1]:8080:80', '0.0.0.0:8088:80/tcp'])
def test_published_ports_take_every_docker_run_form(port):
    plan = lab_plan({'containers': [{'name': 'web', 'published_ports': [port]}]}, 'unit')
    assert plan['containers'][0]['published_ports'] == [port]
