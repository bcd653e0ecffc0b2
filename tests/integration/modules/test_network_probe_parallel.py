"""network_probe runs its probes in parallel: order kept, outcomes unchanged, the bound held.

The bound is observed where the probes arrive: a busybox httpd whose CGI script logs
when each request starts and ends, so the log shows how many probes were in flight
at once. Every packet goes to this machine and to containers these tests start.
"""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import free_subnet, play, task

pytestmark = pytest.mark.slow

# A CGI that holds each request for a while, logging its start and end (appends of a
# few bytes are atomic, so concurrent requests cannot interleave within a line).
SLOW_CGI = ('#!/bin/sh\necho start >> /tmp/requests\nsleep 2\necho end >> /tmp/requests\n'
            'printf "Content-Type: text/plain\\r\\n\\r\\nok\\n"\n')
SLOW_SERVER = ('sh', '-c', 'mkdir -p /www/cgi-bin && exec httpd -f -p 80 -h /www')
SLOW_URL = '/cgi-bin/slow'


def probe_task(probes, **args):
    return task('network_probe', probes=probes, **args)


def address(container, network):
    container.reload()
    return container.attrs['NetworkSettings']['Networks'][network]['IPAddress']


@pytest.fixture
def two_bridges(docker_client, prefix, make_network):
    """Two isolated bridges with /24s of their own; the prefix fixture removes them."""
    block = ipaddress.ip_network(free_subnet(docker_client, new_prefix=23))
    one, two = [str(subnet) for subnet in block.subnets(new_prefix=24)]
    return make_network(prefix + '-one', one), make_network(prefix + '-two', two)


def start_slow_server(make_container, network):
    """A busybox httpd whose /cgi-bin/slow takes 2 s per request and logs it; waits until it answers."""
    server = make_container('server', command=SLOW_SERVER, network=network)
    install = ['sh', '-c', 'mkdir -p /www/cgi-bin && printf "%s" "$0" > /www/cgi-bin/slow && chmod +x /www/cgi-bin/slow',
               SLOW_CGI]
    assert server.exec_run(install).exit_code == 0
    server_ip = address(server, network)
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection((server_ip, 80), timeout=1):  # the host reaches its bridges
                return server, server_ip
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def most_in_flight(server):
    """The largest number of requests the server was handling at once, and how many it served."""
    lines = server.exec_run(['cat', '/tmp/requests']).output.decode().split()
    running = most = 0
    for line in lines:
        running += 1 if line == 'start' else -1
        most = max(most, running)
    return most, lines.count('end')


def reset_log(server):
    assert server.exec_run(['rm', '-f', '/tmp/requests']).exit_code == 0


def test_results_keep_input_order_with_reachable_and_unreachable_mixed(two_bridges, make_container):
    one, two = two_bridges
    a1 = make_container('a1', network=one.name)
    a2 = make_container('a2', network=one.name)
    b1 = make_container('b1', network=two.name)
    a2_ip, b1_ip = address(a2, one.name), address(b1, two.name)
    # The slow, unreachable probes come first: finishing order is the reverse of the input order.
    probes = [
        {'from': a1.name, 'to': b1_ip, 'expect': 'unreachable', 'timeout': 2},
        {'from': a2.name, 'to': b1_ip, 'kind': 'tcp', 'port': 80, 'expect': 'unreachable', 'timeout': 2},
        {'from': b1.name, 'to': a2_ip, 'expect': 'unreachable', 'timeout': 2},
        {'from': a1.name, 'to': a2.name},
        {'from': a1.name, 'to': a2.name, 'kind': 'dns', 'address': a2_ip},
        {'from': a2.name, 'to': a2.name, 'kind': 'tcp', 'port': 80, 'expect': 'unreachable'},  # refused at once
        {'from': a2.name, 'to': a1.name},
        {'from': b1.name, 'to': '127.0.0.1'},
    ]
    expected = ['unreachable'] * 3 + ['reachable'] * 2 + ['unreachable'] + ['reachable'] * 2
    parallel, serial = play([probe_task(probes), probe_task(probes, parallel=1)])
    for result in (parallel, serial):
        assert not result.get('failed'), result.get('msg')
        assert result['changed'] is False
        assert [item['probe'] for item in result['results']] == [
            dict(probe, kind=probe.get('kind', 'ping'), expect=probe.get('expect', 'reachable'),
                 timeout=probe.get('timeout', 3), **({'count': 1} if probe.get('kind', 'ping') == 'ping' else {}))
            for probe in probes]
        assert [item['observed'] for item in result['results']] == expected
        assert result['results'][0]['error'] == '1 packets transmitted, 0 packets received, 100% packet loss'
        assert result['results'][4]['addresses'] == [a2_ip]
    # Outcomes do not depend on how many run at once.
    assert [(item['pair'], item['observed'], item['error']) for item in parallel['results']] == \
        [(item['pair'], item['observed'], item['error']) for item in serial['results']]


def test_failures_are_named_in_input_order_when_run_in_parallel(two_bridges, make_container):
    one, two = two_bridges
    a1 = make_container('a1', network=one.name)
    b1 = make_container('b1', network=two.name)
    b1_ip = address(b1, two.name)
    probes = [
        {'from': a1.name, 'to': b1_ip, 'timeout': 1},  # isolated: does not hold, and ends last
        {'from': a1.name, 'to': '127.0.0.1'},
        {'from': a1.name, 'to': '127.0.0.1', 'expect': 'unreachable'},  # does not hold, ends first
    ]
    result = play([probe_task(probes, parallel=3)])[0]
    assert result['failed']
    assert result['msg'] == (
        '2 of 3 probes did not hold: '
        '{a1} -> {b1} ping: expected reachable, observed unreachable '
        '(1 packets transmitted, 0 packets received, 100% packet loss); '
        '{a1} -> 127.0.0.1 ping: expected unreachable, observed reachable').format(a1=a1.name, b1=b1_ip)
    assert [item['ok'] for item in result['results']] == [False, True, False]


def test_no_more_probes_run_at_once_than_parallel_allows(two_bridges, make_container):
    one, _two = two_bridges
    server, server_ip = start_slow_server(make_container, one.name)
    c1 = make_container('c1', network=one.name)
    c2 = make_container('c2', network=one.name)
    fetch = [{'from': source.name, 'to': server.name, 'kind': 'http', 'url': SLOW_URL, 'timeout': 10}
             for source in (c1, c2, c1, c2, c1, c2)]
    from_host = [{'from': 'host', 'to': server_ip, 'kind': 'http', 'url': SLOW_URL, 'timeout': 10}] * 4
    seen = []
    for probes, parallel in ((fetch, 3), (fetch[:3], 1), (from_host, 2)):
        reset_log(server)
        result = play([probe_task(probes, parallel=parallel)])[0]
        assert not result.get('failed'), result.get('msg')
        assert [item['observed'] for item in result['results']] == ['reachable'] * len(probes)
        seen.append(most_in_flight(server))
    # Exactly the bound: never more at once, and really that many together.
    assert seen == [(3, 6), (1, 3), (2, 4)]


def test_host_pings_in_parallel_tell_their_replies_apart(two_bridges, make_container):
    """As root the host pings through raw sockets, which see every echo reply on the host."""
    one, _two = two_bridges
    targets = [make_container('t%d' % index, network=one.name) for index in range(3)]
    addresses = [address(target, one.name) for target in targets]
    subnet = ipaddress.ip_network(one.attrs['IPAM']['Config'][0]['Subnet'])
    # Addresses on the test's own bridge that no container holds: asked for by ARP, never answered.
    vacant = [str(subnet.network_address + offset) for offset in (200, 201)]
    probes = [{'from': 'host', 'to': vacant[0], 'expect': 'unreachable', 'timeout': 2}]
    probes += [{'from': 'host', 'to': ip} for ip in addresses]
    probes += [{'from': 'host', 'to': vacant[1], 'expect': 'unreachable', 'timeout': 2}]
    result = play([probe_task(probes, parallel=5)])[0]
    assert not result.get('failed'), result.get('msg')
    assert [item['pair'] for item in result['results']] == ['host -> %s ping' % probe['to'] for probe in probes]
    assert [item['observed'] for item in result['results']] == ['unreachable'] + ['reachable'] * 3 + ['unreachable']
    assert [item['error'] for item in result['results']][::4] == ['no reply to 1 echo request within 2 s'] * 2


def test_bad_parallel_is_refused_naming_the_value(make_container):
    c1 = make_container('c1')
    results = play([probe_task([{'from': c1.name, 'to': '127.0.0.1'}], parallel=value) for value in (0, 65)])
    assert [result['msg'] for result in results] == [
        'invalid parallel: parallel 0 is out of range 1-64', 'invalid parallel: parallel 65 is out of range 1-64']
    assert all(result['failed'] and 'results' not in result for result in results)
