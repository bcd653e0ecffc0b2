import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import (
    Observation, Probe, judge, normalize_parallel, normalize_probe, normalize_probes, summarize)


@pytest.mark.parametrize('raw, expected', [
    ({'from': 'c1', 'to': 'c2'},
     {'from': 'c1', 'to': 'c2', 'kind': 'ping', 'expect': 'reachable', 'timeout': 3, 'count': 1}),
    ({'from': 'c1', 'to': '10.0.0.2', 'kind': 'tcp', 'port': '80', 'expect': 'unreachable', 'timeout': 1},
     {'from': 'c1', 'to': '10.0.0.2', 'kind': 'tcp', 'expect': 'unreachable', 'timeout': 1, 'port': 80}),
    ({'from': 'c1', 'to': 'c2', 'kind': 'dns', 'address': 'FD00:0::3'},
     {'from': 'c1', 'to': 'c2', 'kind': 'dns', 'expect': 'reachable', 'timeout': 3, 'address': 'fd00::3'}),
    ({'from': 'host', 'kind': 'http', 'url': 'http://127.0.0.1:8080/x'},
     {'from': 'host', 'to': '127.0.0.1', 'kind': 'http', 'expect': 'reachable', 'timeout': 3,
      'url': 'http://127.0.0.1:8080/x', 'status': 200}),
    ({'from': 'host', 'to': 'web', 'kind': 'http', 'url': 'https://[fd00::5]/', 'status': 204},
     {'from': 'host', 'to': 'web', 'kind': 'http', 'expect': 'reachable', 'timeout': 3,
      'url': 'https://[fd00::5]/', 'status': 204}),
    ({'from': 'c1', 'to': 'c2', 'kind': 'http', 'url': '/health', 'port': 8080},
     {'from': 'c1', 'to': 'c2', 'kind': 'http', 'expect': 'reachable', 'timeout': 3, 'port': 8080,
      'url': 'http://c2:8080/health', 'status': 200}),
    ({'from': 'c1', 'to': '[fd00::0005]', 'kind': 'http', 'url': '/'},
     {'from': 'c1', 'to': 'fd00::5', 'kind': 'http', 'expect': 'reachable', 'timeout': 3,
      'url': 'http://[fd00::5]/', 'status': 200}),
    # What the module's argument spec hands over: every field, unset ones None.
    ({'from': 'c1', 'to': 'c2', 'kind': 'ping', 'port': None, 'url': None, 'status': None, 'address': None,
      'count': 3, 'expect': 'reachable', 'timeout': 2},
     {'from': 'c1', 'to': 'c2', 'kind': 'ping', 'expect': 'reachable', 'timeout': 2, 'count': 3}),
])
def test_normalize_probe(raw, expected):
    assert normalize_probe(raw).as_dict() == expected


@pytest.mark.parametrize('raw, message', [
    ({'to': 'c2'}, 'from is missing: name the source container, or host'),
    ({'from': 'c1'}, 'to is missing: give the container name, DNS name or IP address to reach'),
    ({'from': 'c1', 'kind': 'dns'}, 'to is missing: give the name to look up'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'tcp'}, 'a tcp probe needs port'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'http'}, 'an http probe needs url'),
    ({'from': 'c1', 'kind': 'http', 'url': '/x'}, 'url /x is a path, so to must name the server'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'http', 'url': 'ftp://c2/'}, "url 'ftp://c2/' is neither"),
    ({'from': 'c1', 'kind': 'http', 'url': 'http://c2:99999/'}, "url 'http://c2:99999/' has an invalid port"),
    ({'from': 'c1', 'kind': 'http', 'url': 'http://[::1/'}, "url 'http://[::1/' is not a valid URL: Invalid IPv6 URL"),
    ({'from': 'c1', 'kind': 'http', 'url': 'http://c2/', 'port': 80}, 'port 80 is not used with a full url'),
    ({'from': 'c1', 'to': 'c2', 'port': 80}, 'port does not apply to a ping probe'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'tcp', 'port': 80, 'count': 2}, 'count does not apply to a tcp probe'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'tcp', 'port': 0}, 'port 0 is out of range 1-65535'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'tcp', 'port': True}, 'port must be a number, not True'),
    ({'from': 'c1', 'to': 'c2', 'timeout': 0}, 'timeout 0 is out of range 1-300'),
    ({'from': 'c1', 'to': 'c2', 'count': 'many'}, "count must be a number, not 'many'"),
    ({'from': 'c1', 'to': 'c2', 'kind': 'icmp'}, "kind 'icmp' is not one of ping, tcp, dns, http"),
    ({'from': 'c1', 'to': 'c2', 'expect': 'maybe'}, "expect 'maybe' is not one of reachable, unreachable"),
    ({'from': 'c1', 'to': '10.0.0.1', 'kind': 'dns'}, 'to 10.0.0.1 is an IP address'),
    ({'from': 'c1', 'to': 'c2', 'kind': 'dns', 'address': 'c3'}, "address 'c3' is not an IP address"),
    ({'from': 'c1', 'to': '-c 9'}, "to '-c 9' is not a container name, DNS name or IP address"),
    ({'from': 'c1', 'to': 'c2', 'source': 'x'}, 'unknown field source'),
    ('c1 -> c2', "a probe must be a dict with from, to and kind, not 'c1 -> c2'"),
])
def test_normalize_probe_rejects(raw, message):
    with pytest.raises(ValueError) as caught:
        normalize_probe(raw)
    assert str(caught.value).startswith(message)


def test_normalize_probes_names_every_bad_probe():
    with pytest.raises(LabnetDockerError) as caught:
        normalize_probes([{'from': 'c1', 'to': 'c2'}, {'from': 'c1', 'kind': 'tcp', 'to': 'c2'}, 'x'])
    assert caught.value.msg == ("invalid probes: probes[1] (c1 -> c2 tcp): a tcp probe needs port; "
                                "probes[2]: a probe must be a dict with from, to and kind, not 'x'")
    assert len(caught.value.details['problems']) == 2


def test_normalize_probes_refuses_empty_list():
    with pytest.raises(LabnetDockerError, match='probes is empty'):
        normalize_probes([])


@pytest.mark.parametrize('probe, label', [
    (Probe('c1', 'c2', 'ping'), 'c1 -> c2 ping'),
    (Probe('c1', 'c2', 'tcp', port=80), 'c1 -> c2:80 tcp'),
    (Probe('host', 'fd00::2', 'tcp', port=443), 'host -> [fd00::2]:443 tcp'),
    (Probe('c1', 'web', 'http', url='http://10.0.0.2/'), 'c1 -> web http'),
])
def test_label(probe, label):
    assert probe.label == label


@pytest.mark.parametrize('expect, observed, ok', [
    ('reachable', 'reachable', True),
    ('unreachable', 'unreachable', True),
    ('reachable', 'unreachable', False),
    ('unreachable', 'reachable', False),
    ('reachable', 'error', False),
    ('unreachable', 'error', False),  # a probe that could not run proves nothing
])
def test_judge(expect, observed, ok):
    result = judge(Probe('c1', 'c2', 'ping', expect=expect, count=1), Observation(observed, 'ping c2'))
    assert result['ok'] is ok
    assert (result['expected'], result['observed'], result['pair']) == (expect, observed, 'c1 -> c2 ping')


def test_judge_carries_kind_specific_fields():
    observation = Observation('reachable', 'wget', latency_ms=1.5, extra={'status': 200})
    result = judge(Probe('c1', 'c2', 'http', url='http://c2/', status=200), observation)
    assert result['status'] == 200 and result['latency_ms'] == 1.5 and result['error'] is None


def test_summarize_names_each_failing_pair():
    results = [
        judge(Probe('c1', 'c2', 'ping', count=1), Observation('reachable', 'x')),
        judge(Probe('c1', 'c3', 'ping', count=1), Observation('unreachable', 'x', error='ping: bad address')),
        judge(Probe('c1', 'c2', 'tcp', port=22, expect='unreachable'), Observation('reachable', 'x')),
    ]
    assert summarize(results) == ('2 of 3 probes did not hold: c1 -> c3 ping: expected reachable, observed '
                                  'unreachable (ping: bad address); c1 -> c2:22 tcp: expected unreachable, '
                                  'observed reachable')
    assert summarize(results[:1]) is None


@pytest.mark.parametrize('value, expected', [(None, 16), (1, 1), ('4', 4), (64, 64)])
def test_normalize_parallel(value, expected):
    assert normalize_parallel(value) == expected


@pytest.mark.parametrize('value, message', [
    (0, 'invalid parallel: parallel 0 is out of range 1-64'),
    (65, 'invalid parallel: parallel 65 is out of range 1-64'),
    (-2, 'invalid parallel: parallel -2 is out of range 1-64'),
    ('many', "invalid parallel: parallel must be a number, not 'many'"),
    (True, 'invalid parallel: parallel must be a number, not True'),
])
def test_normalize_parallel_rejects(value, message):
    with pytest.raises(LabnetDockerError) as caught:
        normalize_parallel(value)
    assert caught.value.msg == message
