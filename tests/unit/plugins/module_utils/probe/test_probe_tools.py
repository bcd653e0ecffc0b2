import pytest

from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import Probe
from ansible_collections.labnet.docker.plugins.module_utils.probe.host import echo_request, is_echo_reply
from ansible_collections.labnet.docker.plugins.module_utils.probe.tools import (
    container_command, error_text, interpret, missing_tool, nc_unsupported, parse_http_status, parse_nslookup,
    parse_ping, quote_command)

BUSYBOX_PING = '''PING c2 (10.203.1.3): 56 data bytes
64 bytes from 10.203.1.3: seq=0 ttl=64 time=0.161 ms
64 bytes from 10.203.1.3: seq=1 ttl=64 time=0.091 ms

--- c2 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.091/0.126/0.161 ms
'''
IPUTILS_PING = '''PING 10.0.0.3 (10.0.0.3) 56(84) bytes of data.
64 bytes from 10.0.0.3: icmp_seq=1 ttl=64 time=0.052 ms
64 bytes from 10.0.0.3: icmp_seq=3 ttl=64 time=0.060 ms

--- 10.0.0.3 ping statistics ---
3 packets transmitted, 2 received, 33.3333% packet loss, time 2030ms
rtt min/avg/max/mdev = 0.052/0.056/0.060/0.004 ms
'''
LOST_PING = '''PING 10.203.3.2 (10.203.3.2): 56 data bytes

--- 10.203.3.2 ping statistics ---
1 packets transmitted, 0 packets received, 100% packet loss
'''
BUSYBOX_NSLOOKUP = '''Server:\t\t127.0.0.11
Address:\t127.0.0.11:53

Non-authoritative answer:
Name:\tc2
Address: 10.203.1.3

Non-authoritative answer:
Name:\tc2
Address: fd00:203:1::3
'''
OLD_BUSYBOX_NSLOOKUP = '''Server:    127.0.0.11
Address 1: 127.0.0.11

Name:      c2
Address 1: 10.0.0.3 c2.lab
Address 2: 10.0.0.3 c2.lab
'''
BIND_NSLOOKUP = '''Server:\t\t127.0.0.11
Address:\t127.0.0.11#53

Non-authoritative answer:
Name:\tc2
Address: 10.0.0.3
'''
NSLOOKUP_FAILED = '''nslookup: write to '127.0.0.1': Connection refused
;; connection timed out; no servers could be reached

'''
WGET_404 = '''Connecting to c2 (10.203.1.3:80)
  HTTP/1.1 404 Not Found
wget: server returned error: HTTP/1.1 404 Not Found
'''
WGET_REDIRECTED = '''Connecting to c2 (10.0.0.3:80)
  HTTP/1.1 302 Found
  Location: /home
Connecting to c2 (10.0.0.3:80)
  HTTP/1.1 200 OK
  Content-Length: 24
'''


@pytest.mark.parametrize('probe, argv', [
    (Probe('c1', 'c2', 'ping', count=1), ['timeout', '4', 'ping', '-c', '1', '-W', '3', '-w', '3', 'c2']),
    (Probe('c1', 'c2', 'ping', count=3, timeout=1), ['timeout', '4', 'ping', '-c', '3', '-W', '1', '-w', '3', 'c2']),
    (Probe('c1', 'c2', 'tcp', port=80), ['timeout', '4', 'nc', '-w', '3', 'c2', '80', '-e', 'true']),
    (Probe('c1', 'c2', 'http', url='http://c2/', timeout=5),
     ['timeout', '5', 'wget', '-S', '-O', '/dev/null', 'http://c2/']),
    (Probe('c1', 'c2', 'dns', timeout=8), ['timeout', '8', 'nslookup', 'c2']),
])
def test_container_command(probe, argv):
    assert container_command(probe) == argv


def test_container_command_nc_zero_style():
    argv = container_command(Probe('c1', 'fd00::3', 'tcp', port=22, timeout=2), 'zero')
    assert argv == ['timeout', '3', 'nc', '-z', '-w', '2', 'fd00::3', '22']


def test_quote_command():
    assert quote_command(['wget', '-O', '/dev/null', 'http://c2/a b']) == "wget -O /dev/null 'http://c2/a b'"


@pytest.mark.parametrize('code, output, tool', [
    (126, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "timeout": '
          'executable file not found in $PATH: unknown\r\n', 'timeout'),
    (127, "timeout: can't execute 'ping': No such file or directory\n", 'ping'),
    (127, "timeout: failed to run command \u2018nslookup\u2019: No such file or directory\n", 'nslookup'),
    (127, "timeout: failed to run command 'wget': No such file or directory\n", 'wget'),
    (1, "timeout: can't execute 'ping': No such file or directory\n", None),
    (127, 'sh: 1: something else\n', None),
    (0, '', None),
])
def test_missing_tool(code, output, tool):
    assert missing_tool(code, output) == tool


@pytest.mark.parametrize('code, output, unsupported', [
    (1, "nc: invalid option -- 'z'\nBusyBox v1.35.0 multi-call binary.\nUsage: nc [-iN] [-wN]", True),
    (1, "nc: invalid option -- 'e'\nusage: nc [-46CDdFhklNnrStUuvZz]", True),
    (1, "nc: can't connect to remote host (10.0.0.3): Connection refused", False),
    (0, '', False),
])
def test_nc_unsupported(code, output, unsupported):
    assert nc_unsupported(code, output) is unsupported


@pytest.mark.parametrize('output, stats', [
    (BUSYBOX_PING, (2, 2, 0.126)),
    (IPUTILS_PING, (3, 2, 0.056)),
    (LOST_PING, (1, 0, None)),
    ("ping: bad address 'c2'\n", None),
])
def test_parse_ping(output, stats):
    assert parse_ping(output) == stats


@pytest.mark.parametrize('output, status', [(WGET_404, 404), (WGET_REDIRECTED, 200),
                                            ("wget: can't connect to remote host: Connection refused", None)])
def test_parse_http_status(output, status):
    assert parse_http_status(output) == status


@pytest.mark.parametrize('output, addresses', [
    (BUSYBOX_NSLOOKUP, ['10.203.1.3', 'fd00:203:1::3']),
    (OLD_BUSYBOX_NSLOOKUP, ['10.0.0.3']),
    (BIND_NSLOOKUP, ['10.0.0.3']),
    (NSLOOKUP_FAILED, []),
    ("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find c9: NXDOMAIN\n", []),
])
def test_parse_nslookup(output, addresses):
    assert parse_nslookup(output) == addresses


@pytest.mark.parametrize('output, tool, text', [
    ("ping: bad address 'c2'\n", 'ping', "ping: bad address 'c2'"),
    (LOST_PING, 'ping', '1 packets transmitted, 0 packets received, 100% packet loss'),
    (NSLOOKUP_FAILED, 'nslookup', "nslookup: write to '127.0.0.1': Connection refused; "
                                  'connection timed out; no servers could be reached'),
    ('Connecting to c2 (10.0.0.3:80)\nwget: can\'t connect to remote host (10.0.0.3): Connection refused\n',
     'wget', "wget: can't connect to remote host (10.0.0.3): Connection refused"),
    ('', 'nc', None),
])
def test_error_text(output, tool, text):
    assert error_text(output, tool) == text


PING = Probe('c1', 'c2', 'ping', count=2)
HTTP = Probe('c1', 'c2', 'http', url='http://c2/missing', status=404)
DNS = Probe('c1', 'c2', 'dns', address='fd00:203:1::3')


@pytest.mark.parametrize('probe, code, output, observed, latency, error', [
    (PING, 0, BUSYBOX_PING, 'reachable', 0.126, None),
    (PING, 1, LOST_PING, 'unreachable', None, '1 packets transmitted, 0 packets received, 100% packet loss'),
    (PING, 143, '', 'unreachable', None, 'no answer within 5 s'),
    (Probe('c1', 'c2', 'tcp', port=80), 0, '', 'reachable', 12.5, None),
    (Probe('c1', 'c2', 'tcp', port=80), 124, '', 'unreachable', None, 'no answer within 4 s'),
    (Probe('c1', 'c2', 'tcp', port=80), 1, 'nc: timed out\n', 'unreachable', None, 'nc: timed out'),
    (Probe('c1', 'c2', 'tcp', port=80), 1, '', 'unreachable', None, 'nc exited with 1'),
    (HTTP, 1, WGET_404, 'reachable', 12.5, None),
    (Probe('c1', 'c2', 'http', url='http://c2/missing', status=200), 1, WGET_404, 'unreachable', 12.5,
     'answered HTTP 404, expected 200'),
    (HTTP, 143, 'Connecting to c2 (10.0.0.3:80)\n', 'unreachable', None, 'no answer within 3 s'),
    (DNS, 0, BUSYBOX_NSLOOKUP, 'reachable', 12.5, None),
    (Probe('c1', 'c2', 'dns', address='10.0.0.9'), 0, BUSYBOX_NSLOOKUP, 'unreachable', 12.5,
     'resolved to 10.203.1.3, fd00:203:1::3, not 10.0.0.9'),
    (DNS, 1, NSLOOKUP_FAILED, 'unreachable', None,
     "nslookup: write to '127.0.0.1': Connection refused; connection timed out; no servers could be reached"),
])
def test_interpret(probe, code, output, observed, latency, error):
    observation = interpret(probe, code, output, 12.5, 'cmd')
    assert (observation.observed, observation.latency_ms, observation.error) == (observed, latency, error)


def test_interpret_keeps_kind_details_and_trims_output():
    observation = interpret(DNS, 0, BUSYBOX_NSLOOKUP, 1.0, 'cmd')
    assert observation.extra == {'addresses': ['10.203.1.3', 'fd00:203:1::3']}
    assert interpret(HTTP, 1, WGET_404, 1.0, 'cmd').extra == {'status': 404}
    long_output = 'x' * 5000 + BUSYBOX_PING
    observation = interpret(PING, 0, long_output, 1.0, 'cmd')
    assert len(observation.output) < 1600 and observation.output.endswith('0.091/0.126/0.161 ms')


@pytest.mark.parametrize('version', [4, 6])
def test_echo_request_and_reply(version):
    request = echo_request(version, 0x1234, 7)
    assert request[0] == (128 if version == 6 else 8)
    if version == 4:  # the ICMP checksum over the whole message folds to zero
        total = sum(int.from_bytes(request[i:i + 2], 'big') for i in range(0, len(request), 2))
        while total >> 16:
            total = (total & 0xffff) + (total >> 16)
        assert total == 0xffff
    reply = bytes([129 if version == 6 else 0]) + request[1:]
    assert is_echo_reply(reply, version, False, 0x1234, 7)
    assert not is_echo_reply(reply, version, False, 0x1234, 8)
    assert not is_echo_reply(request, version, False, 0x1234, 7)  # our own request, seen on loopback


def test_raw_ipv4_reply_skips_ip_header_and_checks_identifier():
    reply = bytes([0]) + echo_request(4, 0x1234, 1)[1:]
    ip_header = bytes([0x45]) + bytes(19)
    assert is_echo_reply(ip_header + reply, 4, True, 0x1234, 1)
    assert not is_echo_reply(ip_header + reply, 4, True, 0x4321, 1)  # another process's ping
