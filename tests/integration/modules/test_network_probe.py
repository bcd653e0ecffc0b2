"""network_probe against the real daemon: Docker's documented network behaviour, as assertions.

Every packet goes to this machine: loopback, the host's own bridge addresses, or
containers these tests start (with dns 127.0.0.1, so no lookup leaves either).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import tarfile
import time

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import free_ports, play, task

HTTPD = ('httpd', '-f', '-vv', '-p', '80', '-h', '/www')  # -vv logs each request: proof it arrived
pytestmark = pytest.mark.slow


def probe_task(probes, check=False):
    return task('network_probe', check=check, probes=probes)


def address(container, network='bridge', key='IPAddress'):
    container.reload()
    return container.attrs['NetworkSettings']['Networks'][network][key]


def wait_serving(container, port=80, seconds=10):
    """httpd needs a moment after the container starts: wait until it listens, asking from inside the container.

    (From inside, so the wait sends nothing to addresses this machine may not route, as with an engine in a
    lab machine.)
    """
    deadline = time.monotonic() + seconds
    while container.exec_run(['sh', '-c', 'nc -w 1 127.0.0.1 %d </dev/null' % port])[0] != 0:
        if time.monotonic() > deadline:
            raise AssertionError('%s does not listen on port %d after %d s' % (container.name, port, seconds))
        time.sleep(0.1)


def wait_listening(host, port, seconds=10):
    """A published port answers on the engine's address (this machine's loopback for the host's engine)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def requests_seen(container):
    return [line.split('url:')[1] for line in container.logs().decode().splitlines() if 'url:' in line]


def assert_held(result, observed):
    assert not result.get('failed'), result.get('msg')
    assert result['changed'] is False
    assert [item['observed'] for item in result['results']] == observed
    assert all(item['ok'] for item in result['results'])


def test_default_bridge_reaches_by_ip_but_not_by_name(make_container):
    c1 = make_container('c1')
    c2 = make_container('c2', command=HTTPD)
    ip2 = address(c2)
    wait_serving(c2)
    probes = [
        {'from': c1.name, 'to': ip2, 'count': 2},
        {'from': c1.name, 'to': ip2, 'kind': 'tcp', 'port': 80},
        {'from': c1.name, 'to': ip2, 'kind': 'http', 'url': '/'},
        {'from': c1.name, 'to': c2.name, 'kind': 'dns', 'expect': 'unreachable'},
        {'from': c1.name, 'to': c2.name, 'kind': 'ping', 'expect': 'unreachable'},
    ]
    run, checked = play([probe_task(probes), probe_task(probes, check=True)])
    for result in (run, checked):  # probes only read, so check mode runs them too
        assert_held(result, ['reachable'] * 3 + ['unreachable'] * 2)
    ping, _tcp, http, dns, by_name = run['results']
    assert ping['pair'] == '%s -> %s ping' % (c1.name, ip2)
    assert ping['command'] == 'timeout 5 ping -c 2 -W 3 -w 4 %s' % ip2
    assert ping['latency_ms'] > 0 and ping['error'] is None
    assert '2 packets transmitted, 2 packets received' in ping['output']
    assert http['status'] == 200
    assert dns['addresses'] == []
    assert by_name['error'] == "ping: bad address '%s'" % c2.name
    assert requests_seen(c2) == ['/', '/']  # one GET per run, from inside c1


def test_user_defined_bridge_resolves_and_reaches_by_name(docker_client, prefix, make_container, make_network):
    net = make_network(prefix + '-net', '10.203.1.0/24', 'fd00:203:1::/64', enable_ipv6=True)
    c1 = make_container('c1', network=net.name)
    c2 = make_container('c2', command=HTTPD, network=net.name)
    ip2, ip6 = address(c2, net.name), address(c2, net.name, 'GlobalIPv6Address')
    wait_serving(c2)
    probes = [
        {'from': c1.name, 'to': c2.name},
        {'from': c1.name, 'to': c2.name, 'kind': 'tcp', 'port': 80},
        {'from': c1.name, 'to': c2.name, 'kind': 'http', 'url': '/'},
        {'from': c1.name, 'to': c2.name, 'kind': 'http', 'url': '/missing', 'status': 404},
        {'from': c1.name, 'to': c2.name, 'kind': 'dns', 'address': ip2},
        {'from': c1.name, 'to': c2.name, 'kind': 'dns', 'address': ip6},
        {'from': c1.name, 'to': ip6},
        {'from': c1.name, 'kind': 'http', 'url': 'http://[%s]/' % ip6},
        {'from': c1.name, 'to': c2.name, 'kind': 'tcp', 'port': 81, 'expect': 'unreachable'},
    ]
    result = play([probe_task(probes)])[0]
    assert_held(result, ['reachable'] * 8 + ['unreachable'])
    results = result['results']
    assert results[2]['command'] == 'timeout 3 wget -S -O /dev/null http://%s/' % c2.name
    assert results[3]['status'] == 404 and results[3]['error'] is None
    assert sorted(results[4]['addresses']) == sorted([ip2, ip6])  # A and AAAA answers come in either order
    assert results[7]['pair'] == '%s -> %s http' % (c1.name, ip6)
    assert results[8]['error'].startswith("nc: can't connect to remote host")
    assert results[8]['error'].endswith(': Connection refused')
    assert sorted(requests_seen(c2)) == ['/', '/', '/missing']  # probes run in parallel: any arrival order


def test_two_user_defined_bridges_are_isolated(docker_client, prefix, make_container, make_network):
    net1 = make_network(prefix + '-one', '10.203.2.0/24')
    net2 = make_network(prefix + '-two', '10.203.3.0/24')
    a1 = make_container('a1', network=net1.name)
    a2 = make_container('a2', command=HTTPD, network=net1.name)
    b1 = make_container('b1', command=HTTPD, network=net2.name)
    a2_ip, b1_ip = address(a2, net1.name), address(b1, net2.name)
    wait_serving(a2)
    wait_serving(b1)
    probes = [
        {'from': a1.name, 'to': a2.name, 'kind': 'tcp', 'port': 80},  # the probe itself works
        {'from': a1.name, 'to': b1_ip, 'expect': 'unreachable', 'timeout': 1},
        {'from': a1.name, 'to': b1_ip, 'kind': 'tcp', 'port': 80, 'expect': 'unreachable', 'timeout': 1},
        {'from': b1.name, 'to': a2_ip, 'kind': 'http', 'url': '/', 'expect': 'unreachable', 'timeout': 1},
        # net1's embedded DNS does not know b1; it gives up after about 5 s.
        {'from': a1.name, 'to': b1.name, 'kind': 'dns', 'expect': 'unreachable', 'timeout': 8},
    ]
    result = play([probe_task(probes)])[0]
    assert_held(result, ['reachable'] + ['unreachable'] * 4)
    assert result['results'][1]['error'] == '1 packets transmitted, 0 packets received, 100% packet loss'
    assert result['results'][4]['addresses'] == []
    assert requests_seen(a2) == [] and requests_seen(b1) == []


def test_network_none_reaches_nothing(make_container):
    lonely = make_container('none', network_mode='none')
    web = make_container('web', command=HTTPD)
    web_ip = address(web)
    probes = [
        {'from': lonely.name, 'to': '127.0.0.1'},  # only loopback exists
        {'from': lonely.name, 'to': web_ip, 'expect': 'unreachable', 'timeout': 1},
        {'from': lonely.name, 'to': web_ip, 'kind': 'tcp', 'port': 80, 'expect': 'unreachable', 'timeout': 1},
        {'from': lonely.name, 'to': web_ip, 'kind': 'http', 'url': '/', 'expect': 'unreachable', 'timeout': 1},
        {'from': lonely.name, 'to': web.name, 'kind': 'dns', 'expect': 'unreachable', 'timeout': 1},
    ]
    result = play([probe_task(probes)])[0]
    assert_held(result, ['reachable'] + ['unreachable'] * 4)
    errors = [item['error'] for item in result['results'][1:4]]
    assert errors == ['ping: sendto: Network is unreachable',
                      "nc: can't connect to remote host (%s): Network is unreachable" % web_ip,
                      "wget: can't connect to remote host (%s): Network is unreachable" % web_ip]
    assert requests_seen(web) == []


def test_published_port_answers_from_host(make_container, engine_target, engine_address):
    """Probes from ``host`` run on the machine the module runs on. The published port answers there at the
    engine's address (loopback for this machine's engine, the lab machine's address for one in a lab machine);
    container addresses are probed only where that machine routes them, i.e. on this machine's own engine."""
    port, closed = free_ports(2)
    web = make_container('web', command=HTTPD, ports={'80/tcp': port})
    web_ip = address(web)
    wait_listening(engine_address, port)
    probes = [
        {'from': 'host', 'to': web.name, 'kind': 'http', 'url': 'http://%s:%d/' % (engine_address, port)},
        {'from': 'host', 'kind': 'http', 'url': 'http://%s:%d/missing' % (engine_address, port), 'status': 404},
        {'from': 'host', 'to': engine_address, 'kind': 'tcp', 'port': port},
        {'from': 'host', 'to': engine_address, 'kind': 'tcp', 'port': closed, 'expect': 'unreachable'},
        {'from': 'host', 'to': 'localhost', 'kind': 'dns', 'address': '127.0.0.1'},
    ]
    if engine_target is None:
        probes += [{'from': 'host', 'to': web_ip, 'count': 2}, {'from': 'host', 'to': web_ip, 'kind': 'http', 'url': '/'}]
    result = play([probe_task(probes)])[0]
    assert_held(result, ['reachable'] * 3 + ['unreachable'] + ['reachable'] * (len(probes) - 4))
    results = result['results']
    assert results[0]['pair'] == 'host -> %s http' % web.name
    assert [results[0]['status'], results[1]['status']] == [200, 404]
    assert results[3]['error'] == 'connecting to %s:%d: Connection refused' % (engine_address, closed)
    assert '127.0.0.1' in results[4]['addresses']
    if engine_target is None:
        assert results[5]['command'].startswith('python: 2 ICMP echo request(s) to %s' % web_ip)
        assert results[5]['latency_ms'] > 0
    # probes run in parallel: the requests arrive in any order
    assert sorted(requests_seen(web)) == sorted(['/', '/missing'] + (['/'] if engine_target is None else []))


def test_internal_network_cannot_reach_published_port(docker_client, prefix, make_container, engine_address, make_network):
    port = free_ports(1)[0]
    web = make_container('web', command=HTTPD, ports={'80/tcp': port})
    wait_listening(engine_address, port)
    inner = make_network(prefix + '-internal', '10.203.4.0/24', internal=True)
    outer = make_network(prefix + '-outer', '10.203.5.0/24')
    i1 = make_container('i1', network=inner.name)
    i2 = make_container('i2', network=inner.name)
    r1 = make_container('r1', network=outer.name)
    docker0 = address(web, key='Gateway')
    inner_gw, outer_gw = '10.203.4.1', '10.203.5.1'
    probes = [
        {'from': i1.name, 'to': i2.name},  # containers on an internal network still reach each other
        {'from': r1.name, 'to': outer_gw, 'kind': 'tcp', 'port': port},  # a normal bridge reaches the port
        {'from': r1.name, 'to': docker0, 'kind': 'tcp', 'port': port},
        {'from': i1.name, 'to': inner_gw, 'kind': 'tcp', 'port': port, 'expect': 'unreachable', 'timeout': 1},
        {'from': i1.name, 'to': docker0, 'kind': 'tcp', 'port': port, 'expect': 'unreachable', 'timeout': 1},
        {'from': i1.name, 'to': inner_gw, 'kind': 'http', 'url': '/', 'port': port, 'expect': 'unreachable',
         'timeout': 1},
    ]
    result = play([probe_task(probes)])[0]
    assert_held(result, ['reachable'] * 3 + ['unreachable'] * 3)
    assert result['results'][5]['probe']['url'] == 'http://%s:%d/' % (inner_gw, port)
    assert requests_seen(web) == []


def test_expectation_that_does_not_hold_fails_naming_the_pair(docker_client, prefix, make_container, make_network):
    net = make_network(prefix + '-net', '10.203.6.0/24')
    c1 = make_container('c1', network=net.name)
    c2 = make_container('c2', network=net.name)  # sleeps: nothing listens on port 80
    ip2 = address(c2, net.name)
    probes = [
        {'from': c1.name, 'to': c2.name},
        {'from': c1.name, 'to': c2.name, 'expect': 'unreachable'},
        {'from': c1.name, 'to': c2.name, 'kind': 'dns', 'address': '10.203.6.99'},
        {'from': c1.name, 'to': c2.name, 'kind': 'tcp', 'port': 80},
    ]
    run, checked = play([probe_task(probes), probe_task(probes, check=True)])
    expected = ('3 of 4 probes did not hold: '
                '{c1} -> {c2} ping: expected unreachable, observed reachable; '
                '{c1} -> {c2} dns: expected reachable, observed unreachable (resolved to {ip2}, not 10.203.6.99); '
                "{c1} -> {c2}:80 tcp: expected reachable, observed unreachable "
                "(nc: can't connect to remote host ({ip2}): Connection refused)").format(c1=c1.name, c2=c2.name, ip2=ip2)
    for result in (run, checked):
        assert result['failed'] and result['changed'] is False
        assert result['msg'] == expected
        assert [item['ok'] for item in result['results']] == [True, False, False, False]


def shared_libraries(program):
    """The host's files a dynamically linked program needs, from ldd."""
    output = subprocess.run(['ldd', program], capture_output=True, text=True, check=True).stdout
    return [word for line in output.splitlines() for word in line.split() if word.startswith('/')]


@pytest.fixture
def lean_image(docker_client, prefix):
    """Build small images from this host's files; remove them (and their containers) afterwards.

    Busybox runs its own applets even where no link names them (timeout, sh), so a
    busybox-only image never truly lacks ping; these images hold exactly the
    programs a test names: busybox applet links and, copied with their libraries,
    host programs such as coreutils' timeout (a Debian-slim-like image).
    """
    tags = []

    def build(name, applets, programs=()):
        tag = '%s-%s:latest' % (prefix, name)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w') as archive:
            archive.add('/bin/busybox', arcname='bin/busybox')
            for applet in applets:
                info = tarfile.TarInfo('bin/' + applet)
                info.type, info.linkname = tarfile.SYMTYPE, 'busybox'
                archive.addfile(info)
            for path in sorted(set(programs) | set(lib for program in programs for lib in shared_libraries(program))):
                archive.add(os.path.realpath(path), arcname=path.lstrip('/'))
        docker_client.api.import_image_from_data(buffer.getvalue(), repository=tag.split(':')[0], tag='latest',
                                                 changes=['ENV PATH=/bin:/usr/bin'])
        tags.append(tag)
        return tag

    yield build
    for tag in tags:
        for container in docker_client.containers.list(all=True, filters={'ancestor': tag}):
            if container.name.startswith(prefix):
                container.remove(force=True)
        docker_client.images.remove(tag)


def test_missing_tool_is_named(lean_image, make_container):
    lean_tag = lean_image('lean', ['sleep', 'nc', 'true'], programs=['/usr/bin/timeout'])
    bare_tag = lean_image('bare', ['sleep', 'ping'])
    lean = make_container('lean', image=lean_tag)
    bare = make_container('bare', image=bare_tag)
    probes = [
        {'from': lean.name, 'to': '127.0.0.1'},
        {'from': lean.name, 'to': '127.0.0.1', 'expect': 'unreachable'},  # a probe that cannot run never passes
        {'from': lean.name, 'to': 'localhost', 'kind': 'dns'},
        {'from': lean.name, 'to': '127.0.0.1', 'kind': 'http', 'url': '/'},
        {'from': lean.name, 'to': '127.0.0.1', 'kind': 'tcp', 'port': 9, 'expect': 'unreachable'},  # nc is there
        {'from': bare.name, 'to': '127.0.0.1'},
    ]
    result = play([probe_task(probes)])[0]
    assert result['failed']
    assert [item['observed'] for item in result['results']] == ['error'] * 4 + ['unreachable', 'error']
    errors = [item['error'] for item in result['results']]
    lacks = 'container %s (image %s) has no %s command; %s'
    assert errors[0] == errors[1] == lacks % (lean.name, lean_tag, 'ping', 'a ping probe runs it')
    assert errors[2] == lacks % (lean.name, lean_tag, 'nslookup', 'a dns probe runs it')
    assert errors[3] == lacks % (lean.name, lean_tag, 'wget', 'a http probe runs it')
    assert errors[4] == "nc: can't connect to remote host (127.0.0.1): Connection refused"
    assert errors[5] == lacks % (bare.name, bare_tag, 'timeout', 'every probe needs it to bound its run')
    assert result['msg'].startswith('5 of 6 probes did not hold: %s -> 127.0.0.1 ping: expected reachable, '
                                    'observed error (container %s' % (lean.name, lean.name))


def test_bad_input_fails_before_any_probe_runs(prefix, make_container):
    web = make_container('web', command=HTTPD)
    web_ip = address(web)
    wait_serving(web)
    stopped = make_container('stopped', start=False)
    paused = make_container('paused')
    paused.pause()
    fetch = {'from': web.name, 'to': web_ip, 'kind': 'http', 'url': '/'}  # would leave a line in web's log
    ghost = prefix + '-ghost'
    tasks = [
        probe_task([fetch, {'from': ghost, 'to': web_ip}, {'from': stopped.name, 'to': web_ip},
                    {'from': paused.name, 'to': web_ip}]),
        probe_task([fetch, {'from': web.name, 'to': web_ip, 'kind': 'tcp'},
                    {'from': web.name, 'to': web_ip, 'kind': 'http'},
                    {'from': web.name, 'kind': 'dns'},
                    {'from': web.name},
                    {'from': web.name, 'to': web_ip, 'port': 80},
                    {'from': web.name, 'to': web_ip, 'kind': 'dns'},
                    {'from': web.name, 'to': 'web', 'kind': 'dns', 'address': 'ten.0.0.1'},
                    {'from': web.name, 'to': '-e sh', 'count': 2}]),
        probe_task([fetch, {'from': web.name, 'to': web_ip, 'kind': 'icmp'}]),
    ]
    sources, fields, kind = play(tasks)
    assert sources['msg'] == (
        'cannot probe: probes[1]: source container {ghost} does not exist; probes[2]: source container {stopped} '
        'is not running (status created); probes[3]: source container {paused} is paused'
    ).format(ghost=ghost, stopped=stopped.name, paused=paused.name)
    assert fields['msg'] == (
        'invalid probes: probes[1] ({web} -> {ip} tcp): a tcp probe needs port; '
        'probes[2] ({web} -> {ip} http): an http probe needs url (a full URL, or a path fetched from to); '
        'probes[3] ({web} -> ? dns): to is missing: give the name to look up; '
        'probes[4] ({web} -> ? ping): to is missing: give the container name, DNS name or IP address to reach; '
        'probes[5] ({web} -> {ip} ping): port does not apply to a ping probe; '
        'probes[6] ({web} -> {ip} dns): to {ip} is an IP address; a dns probe needs a name to look up; '
        "probes[7] ({web} -> web dns): address 'ten.0.0.1' is not an IP address; "
        "probes[8] ({web} -> -e sh ping): to '-e sh' is not a container name, DNS name or IP address"
    ).format(web=web.name, ip=web_ip)
    assert 'icmp' in kind['msg'] and 'ping, tcp, dns, http' in kind['msg']
    for result in (sources, fields, kind):
        assert result['failed'] and 'results' not in result
        assert 'Traceback' not in str(result)
    assert requests_seen(web) == []  # no probe ran, not even the valid first one
