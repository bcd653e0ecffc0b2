import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.filter.checks import checks_not_run, probe_checks
from ansible_collections.labnet.docker.plugins.filter.report import (
    lab_report, lab_report_failure, lab_report_markdown, lab_report_mermaid, lab_report_table)

C1 = {'Id': 'a' * 64, 'Names': ['/lab-c1'], 'State': 'running',
      'Labels': {'labnet.docker.lab': 'lab', 'labnet.docker.scenario': 'default_bridge'},
      'HostConfig': {'NetworkMode': 'default'},
      'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.2'}}}, 'Ports': []}
C3 = {'Id': 'b' * 64, 'Names': ['/lab-c3'], 'State': 'running', 'Labels': {'labnet.docker.scenario': 'user_bridge'},
      'HostConfig': {'NetworkMode': 'lab-new-bridge'},
      'NetworkSettings': {'Networks': {'lab-new-bridge': {'IPAddress': '172.18.0.2'}}}, 'Ports': []}
WEB = {'Id': 'c' * 64, 'Names': ['/lab-web1'], 'State': 'running', 'Labels': {},
       'HostConfig': {'NetworkMode': 'default'},
       'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.3'}}},
       'Ports': [{'IP': '0.0.0.0', 'PrivatePort': 80, 'PublicPort': 8088, 'Type': 'tcp'},
                 {'IP': '::', 'PrivatePort': 80, 'PublicPort': 8088, 'Type': 'tcp'}]}
NC1 = {'Id': 'd' * 64, 'Names': ['/lab-nc1'], 'State': 'running', 'Labels': {},
       'HostConfig': {'NetworkMode': 'default'},
       'NetworkSettings': {'Networks': {'bridge': {'IPAddress': '172.17.0.4'}}}}
NC2 = {'Id': 'e' * 64, 'Names': ['/lab-nc2'], 'State': 'running', 'Labels': {},
       'HostConfig': {'NetworkMode': 'container:' + 'd' * 64}, 'NetworkSettings': {'Networks': {}}}
NONE = {'Id': 'f' * 64, 'Names': ['/lab-nonet'], 'State': 'running', 'Labels': {},
        'HostConfig': {'NetworkMode': 'none'}, 'NetworkSettings': {'Networks': {'none': {'IPAddress': ''}}}}
NETWORKS = [
    {'Name': 'bridge', 'Driver': 'bridge', 'Scope': 'local', 'IPAM': {'Config': [{'Subnet': '172.17.0.0/16'}]}},
    {'Name': 'host', 'Driver': 'host', 'Scope': 'local', 'IPAM': {'Config': []}},
    {'Name': 'none', 'Driver': 'null', 'Scope': 'local', 'IPAM': {'Config': []}},
    {'Name': 'lab-new-bridge', 'Driver': 'bridge', 'Scope': 'local', 'Labels': {'labnet.docker.lab': 'lab'},
     'IPAM': {'Config': [{'Subnet': '172.18.0.0/16'}]}},
    {'Name': 'lab-empty', 'Driver': 'bridge', 'Scope': 'local', 'Labels': {'labnet.docker.lab': 'lab'},
     'IPAM': {'Config': [{'Subnet': '172.19.0.0/16'}]}},
]
CHECKS = [
    {'scenario': 'default_bridge', 'check': 'c1 pings c2 by address', 'expected': 'ping 172.17.0.3 reachable',
     'observed': 'reachable', 'ok': True},
    {'scenario': 'published_ports', 'check': 'web1 serves its own page', 'expected': 'page | web1',
     'observed': 'no page: Connection refused', 'ok': 'False'},
]


def report(hosts=None):
    return lab_report(hosts or [{'host': 'localhost', 'checks': CHECKS, 'containers': [C1, C3, WEB, NC1, NC2, NONE],
                                 'networks': NETWORKS}], 'lab')


def test_report_summary_and_failures():
    result = report()
    assert result['summary'] == {'checks': 2, 'passed': 1, 'failed': 1, 'not_run': 0}
    assert result['failed'] == ['localhost: published_ports / web1 serves its own page '
                                '(expected page | web1, observed no page: Connection refused)']
    assert [row['ok'] for row in result['checks']] == [True, False]
    json.dumps(result)  # report.json must be plain data


def test_topology_networks_and_containers():
    machine = report()['hosts'][0]
    names = [net['name'] for net in machine['networks']]
    # the lab's own networks, and predefined ones only where a lab container sits; `host` has none here
    assert names == ['bridge', 'lab-empty', 'lab-new-bridge', 'none']
    bridge = machine['networks'][0]
    assert bridge['subnets'] == ['172.17.0.0/16']
    assert [m['name'] for m in bridge['containers']] == ['lab-c1', 'lab-nc1', 'lab-web1']
    by_name = dict((ctr['name'], ctr) for ctr in machine['containers'])
    assert by_name['lab-nc2']['network_mode'] == 'container:lab-nc1'
    assert by_name['lab-nc2']['shares_namespace_of'] == 'lab-nc1'
    assert by_name['lab-web1']['ports'] == ['0.0.0.0:8088->80/tcp']
    assert by_name['lab-c1']['scenario'] == 'default_bridge'


def test_check_rows_must_have_every_field():
    with pytest.raises(AnsibleFilterError, match='lacks one of the fields'):
        lab_report([{'host': 'h', 'checks': [{'scenario': 's', 'check': 'c'}]}], 'lab')


def test_table_lists_every_check_and_marks_failures():
    table = lab_report_table(report())
    lines = table.splitlines()
    assert lines[1].split('|')[1:-1] == [' scenario        ', ' check                    ', ' expected                  ',
                                         ' observed                    ', ' ok   ']
    assert '| ok   |' in lines[3] and '| FAIL |' in lines[4]
    assert lines[-1] == '1 of 2 checks passed'
    assert len(set(len(line) for line in lines[:-1])) == 1  # aligned


def test_table_clips_long_cells_and_adds_host_column_for_several_hosts():
    long = dict(CHECKS[0], observed='x' * 200)
    result = lab_report([{'host': 'a', 'checks': [long]}, {'host': 'b', 'checks': []}], 'lab')
    table = lab_report_table(result, width=20)
    assert 'host' in table.splitlines()[1]
    assert 'x' * 17 + '...' in table and 'x' * 21 not in table


def test_mermaid_diagram():
    diagram = lab_report_mermaid(report())
    assert diagram.splitlines()[0] == 'flowchart LR'
    assert 'subgraph h0["localhost"]' in diagram
    assert 'h0_n2[("lab-new-bridge<br/>172.18.0.0/16")]' in diagram
    assert 'h0_n2 ---|"172.18.0.2"| h0_c1' in diagram   # lab-c3 is the second container, sorted by name
    assert 'h0_c3 -.->|"shares network namespace"| h0_c2' in diagram
    assert 'h0_n3 --- h0_c4' in diagram                  # nonet on none, no address
    assert '0.0.0.0:8088->80/tcp' in diagram


def test_markdown_has_summary_diagram_networks_and_escaped_checks():
    text = lab_report_markdown(report())
    assert text.startswith('# Lab report: lab\n')
    assert '**1 of 2 checks failed.**' in text
    assert '```mermaid\nflowchart LR' in text
    assert '| localhost | lab-new-bridge | bridge | 172.18.0.0/16 | lab-c3 (172.18.0.2) |' in text
    assert '| localhost | container:lab-nc1 | container | - | lab-nc2 |' in text
    assert '| published_ports | web1 serves its own page | page \\| web1 | no page: Connection refused | **FAIL** |' in text


def test_markdown_all_passed():
    result = lab_report([{'host': 'h', 'checks': CHECKS[:1]}], 'lab')
    assert 'All 1 checks passed.' in lab_report_markdown(result)


PLAN = [
    {'check': 'c1 pings c2', 'probe': {'from': 'c1', 'to': '172.17.0.3', 'kind': 'ping'}},
    {'check': 'c1 cannot resolve c2', 'probe': {'from': 'c1', 'to': 'c2', 'kind': 'dns', 'expect': 'unreachable'}},
    {'check': 'web answers', 'probe': {'from': 'host', 'to': '127.0.0.1', 'kind': 'tcp', 'port': 8088}},
]


def test_probe_checks_from_results():
    result = {'results': [{'observed': 'reachable', 'ok': True},
                          {'observed': 'reachable', 'ok': False, 'error': 'c2 resolved to 172.17.0.3'},
                          {'observed': 'reachable'}]}
    rows = probe_checks(result, 'default_bridge', PLAN)
    assert rows == [
        {'scenario': 'default_bridge', 'check': 'c1 pings c2', 'expected': 'ping 172.17.0.3 reachable',
         'observed': 'reachable', 'ok': True},
        {'scenario': 'default_bridge', 'check': 'c1 cannot resolve c2', 'expected': 'dns c2 unreachable',
         'observed': 'reachable: c2 resolved to 172.17.0.3', 'ok': False},
        {'scenario': 'default_bridge', 'check': 'web answers', 'expected': 'tcp 127.0.0.1:8088 reachable',
         'observed': 'reachable', 'ok': True},
    ]


def test_probe_checks_when_the_task_failed_before_probing():
    rows = probe_checks({'failed': True, 'msg': 'container c1 is not running'}, 's', PLAN)
    assert [row['observed'] for row in rows] == ['probe not run: container c1 is not running'] * 3
    assert not any(row['ok'] for row in rows)


def test_probe_checks_rejects_a_bad_plan():
    with pytest.raises(AnsibleFilterError, match='plan must be a list'):
        probe_checks({}, 's', [{'probe': {}}])


class _Undefined(dict):
    """Stands for a check row whose other fields cannot be evaluated (they refer to results check mode lacks)."""

    def __getitem__(self, key):
        if key != 'check':
            raise AssertionError('only the check name may be read, not %s' % key)
        return dict.__getitem__(self, key)


def test_checks_not_run_reads_only_the_names():
    plan = [_Undefined(check='c1 pings c2', probe=None), _Undefined(check='c1 has an address', observed=None)]
    rows = checks_not_run(plan, 'default_bridge', 'c1 and c2 would be created first')
    assert rows == [
        {'scenario': 'default_bridge', 'check': 'c1 pings c2', 'expected': 'checked in a real run',
         'observed': 'not run in check mode: c1 and c2 would be created first', 'ok': None},
        {'scenario': 'default_bridge', 'check': 'c1 has an address', 'expected': 'checked in a real run',
         'observed': 'not run in check mode: c1 and c2 would be created first', 'ok': None},
    ]


def test_checks_not_run_takes_names():
    assert [row['check'] for row in checks_not_run(['web1 publishes', 'web2 publishes'], 'published_ports', 'why')] == [
        'web1 publishes', 'web2 publishes']


def test_checks_not_run_outside_check_mode():
    rows = checks_not_run(['c1 pings c2'], 'overlay', 'swarm node m1 dropped out of the play', False)
    assert rows[0]['observed'] == 'not run: swarm node m1 dropped out of the play' and rows[0]['ok'] is None


def test_checks_not_run_rejects_rows_without_a_name():
    with pytest.raises(AnsibleFilterError, match='plan must be a list of check names or dicts with a check'):
        checks_not_run([{'probe': {}}], 'x', 'why')


def test_not_run_rows_neither_pass_nor_fail():
    rows = CHECKS[:1] + checks_not_run([{'check': 'web1 serves its own page'}], 'published_ports', 'web1 would be created')
    result = lab_report([{'host': 'localhost', 'checks': rows, 'containers': [], 'networks': []}], 'lab')
    assert result['summary'] == {'checks': 2, 'passed': 1, 'failed': 0, 'not_run': 1}
    assert result['failed'] == []
    assert [row['ok'] for row in result['checks']] == [True, None]
    table = lab_report_table(result)
    assert table.splitlines()[-1] == '1 of 2 checks passed, 1 not run'
    assert '| not run |' in table
    markdown = lab_report_markdown(result)
    assert '1 of 2 checks passed; 1 not run.' in markdown
    assert markdown.rstrip().endswith('| not run |')


def test_failure_message_names_every_failing_check():
    assert lab_report_failure(report()) == (
        '1 of 2 lab checks failed: localhost: published_ports / web1 serves its own page '
        '(expected page | web1, observed no page: Connection refused)')


UNREACHABLE = {'unreachable': True, 'changed': False,
               'msg': 'Failed to connect to the host via ssh: ssh: connect to host 10.0.0.4 port 22: No route to host'}


@pytest.mark.parametrize('dropped, expected', [
    (None, []),
    ([], []),
    ({}, []),
    (['m3'], [{'host': 'm3', 'reason': 'dropped out of the run before the report (a task failed there, or it was unreachable)'}]),
    ({'m3': UNREACHABLE, 'm2': {'ping': 'pong', 'changed': False}},
     [{'host': 'm2', 'reason': 'dropped out of the run before the report (a task failed there, or it was unreachable)'},
      {'host': 'm3', 'reason': 'unreachable: Failed to connect to the host via ssh: ssh: connect to host 10.0.0.4 port 22: '
                               'No route to host'}]),
    ({'m3': {'unreachable': True}}, [{'host': 'm3', 'reason': 'unreachable: no answer'}]),
    ({'m3': {'unreachable': True, 'msg': 'Task failed: Failed to connect to the host via ssh: refused'}},
     [{'host': 'm3', 'reason': 'unreachable: Failed to connect to the host via ssh: refused'}]),
])
def test_dropped_hosts_are_named_with_the_reason(dropped, expected):
    result = lab_report([{'host': 'm1', 'checks': CHECKS[:1], 'containers': [], 'networks': []}], 'lab', dropped=dropped)
    assert result['dropped_hosts'] == expected
    # Named, not counted as failed checks: Ansible itself fails those hosts.
    assert result['summary'] == {'checks': 1, 'passed': 1, 'failed': 0, 'not_run': 0}
    json.dumps(result)


def test_dropped_hosts_in_table_and_markdown():
    result = lab_report([{'host': 'm1', 'checks': CHECKS[:1], 'containers': [], 'networks': []}], 'lab',
                        dropped={'m3': UNREACHABLE})
    line = 'm3 is not in this report: unreachable: ' + UNREACHABLE['msg']
    assert lab_report_table(result).splitlines()[-2:] == ['1 of 1 checks passed', line]
    markdown = lab_report_markdown(result)
    assert 'All 1 checks passed.\n\n- **%s**\n' % line in markdown
    assert 'm3' not in lab_report_markdown(lab_report([{'host': 'm1', 'checks': CHECKS[:1]}], 'lab'))
