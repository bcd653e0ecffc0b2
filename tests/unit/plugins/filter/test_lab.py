"""The lab role's filters: the diagram's source and the self-contained page (pure)."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.filter.lab import lab_dot, lab_failure, lab_html, lab_pairs, lab_plan

REPORT = {
    'lab': 'unit', 'summary': {'checks': 2, 'passed': 1, 'failed': 1},
    'checks': [
        {'host': 'h1', 'scenario': 'matrix', 'check': 'a reaches b', 'expected': 'ping 10.9.1.3 reachable',
         'observed': 'reachable', 'ok': True},
        {'host': 'h1', 'scenario': 'expect', 'check': 'a -> c ping is reachable', 'expected': 'ping c reachable',
         'observed': 'unreachable', 'ok': False}],
    'hosts': [{'host': 'h1',
               'networks': [{'name': 'n "1"', 'driver': 'bridge', 'subnets': ['10.9.1.0/24'],
                             'containers': [{'name': 'a', 'ipv4_address': '10.9.1.2'}]}],
               'containers': [
                   {'name': 'a', 'network_mode': 'n "1"', 'shares_namespace_of': None, 'ports': [],
                    'networks': [{'network': 'n "1"', 'ipv4_address': '10.9.1.2'}]},
                   {'name': 'b', 'network_mode': 'container:a', 'shares_namespace_of': 'a', 'ports': [], 'networks': []},
                   {'name': 'c', 'network_mode': 'none', 'shares_namespace_of': None, 'ports': [], 'networks': []}]}],
}
INSPECTED = [{'Names': ['/a'], 'NetworkSettings': {'Networks': {'n "1"': {'IPAddress': '10.9.1.2'}}}},
             {'Names': ['/c'], 'NetworkSettings': {'Networks': {}}}]
PLAN = [{'check': 'a reaches b', 'probe': {'from': 'a', 'to': '10.9.1.2'}},
        {'check': 'a -> c ping is reachable', 'probe': {'from': 'a', 'to': 'c'}}]


def pairs():
    return {'h1': lab_pairs(PLAN, REPORT['checks'], INSPECTED)}


def test_pairs_name_the_target_container_of_an_address():
    assert pairs()['h1'] == [{'source': 'a', 'target': 'a', 'check': 'a reaches b', 'ok': True},
                             {'source': 'a', 'target': 'c', 'check': 'a -> c ping is reachable', 'ok': False}]


def test_dot_draws_every_network_container_and_failing_check():
    dot = lab_dot(REPORT, pairs())
    assert 'id="net-h1-n__1_"' in dot and 'label="n \\"1\\"\\nbridge\\n10.9.1.0/24"' in dot
    assert 'id="ctr-h1-a", class="container fail"' in dot and 'id="ctr-h1-b", class="container ok"' in dot
    assert '"c:h1:b" -> "c:h1:a" [style=dotted' in dot
    assert '"c:h1:a" -> "c:h1:c" [id="fail-h1-1", class="check fail"' in dot
    assert dot.count('class="check fail"') == 1


def test_page_is_self_contained_and_marks_results():
    page = lab_html(REPORT, '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>',
                    {'h1': {'probes': 14, 'seconds': '8.25'}})
    assert '<?xml' not in page and 'src=' not in page and '<link' not in page
    assert "default-src 'none'" in page
    assert 'h1: matrix: auto ran 14 probes in 8.2 s' in page
    assert '<tr class="fail"><td>h1</td><td>expect</td><td>a -&gt; c ping is reachable</td>' in page
    assert page.count('<tr class="ok">') == 1


def test_failure_line_names_pair_expected_and_observed():
    assert lab_failure(REPORT['checks'][1]) == 'a -> c ping is reachable (expected ping c reachable, observed unreachable)'


def test_plan_errors_become_filter_errors():
    with pytest.raises(AnsibleFilterError, match="lab unit is not valid: containers: 'x' must be a list"):
        lab_plan({'containers': 'x'}, 'unit')
