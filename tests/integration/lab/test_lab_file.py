"""Labs as data: the labnet.docker.lab role builds each example of labs/, proves it, draws it and removes it.

Every run uses the test's prefix as lab name and as name prefix, so it never meets `make lab` or another
test. The examples' subnets come from 10.218.0.0/16, which no other test uses. The report page is opened
in headless Chromium, with a fresh profile and no network access of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from ansible_collections.labnet.docker.tests.integration.harness import ROOT, run_playbook

pytestmark = pytest.mark.slow

LAB_LABEL = 'labnet.docker.lab'
EXAMPLES = {  # example -> (containers, matrix probes Docker's rules give for it)
    'cnm': (['cnm-a', 'cnm-b', 'cnm-c'], 14),
    'three-tier': (['tt-web', 'tt-app', 'tt-db'], 16),
    'sidecar': (['sc-web', 'sc-sidecar', 'sc-client'], 12),
    'dual-stack': (['ds-one', 'ds-two'], 6),
}
CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--no-first-run']


def run_lab(tmp_path, prefix, *extra_args, state='present', **settings):
    """Run playbooks/lab_file.yml with the lab role's variables; return (rc, json output)."""
    settings.update(lab_name=prefix, lab_prefix=prefix + '-', lab_state=state, lab_report_dir=str(tmp_path / 'report'))
    rc, report, dummy = run_playbook('lab_file', tmp_path, settings, *extra_args, timeout=900)
    return rc, report


def task_results(output, name):
    return [result for play in output['plays'] for task in play['tasks'] if task['task']['name'].endswith(name)
            for result in task['hosts'].values()]


def failed_messages(output):
    return [result.get('msg') for play in output['plays'] for task in play['tasks']
            for result in task['hosts'].values() if result.get('failed')]


def lab_objects(client, lab):
    label = '%s=%s' % (LAB_LABEL, lab)
    return (sorted(c.name for c in client.containers.list(all=True, filters={'label': label})),
            sorted(n.name for n in client.networks.list(filters={'label': label})))


def chromium(*args, profile):
    proc = subprocess.run(['chromium'] + CHROMIUM_FLAGS + ['--user-data-dir=%s' % profile] + list(args),
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize('example', sorted(EXAMPLES))
def test_example_lab_converges_proves_stays_unchanged_and_goes(docker_client, prefix, tmp_path, example, make_network):
    names, matrix_probes = EXAMPLES[example]
    lab_file = os.path.join(ROOT, 'labs', example + '.yml')
    other = make_network(prefix + '-other-lab', labels={LAB_LABEL: prefix + '-other'})
    try:
        # Check mode on a daemon without the lab: the plan names every network and container, nothing is made,
        # and the lab file's expectations are "not run".
        rc, planned = run_lab(tmp_path, prefix, '--check', lab_file=lab_file)
        assert rc == 0, failed_messages(planned)
        built = task_results(planned, 'Build the lab - networks, containers and their endpoints')[0]
        assert built['changed'] is True
        assert sorted(step['container'] for step in built['containers_plan'] if step['action'] == 'create') == \
            sorted('%s-%s' % (prefix, name) for name in names)
        assert lab_objects(docker_client, prefix) == ([], [])
        report = json.loads((tmp_path / 'report' / 'report.json').read_text())
        assert report['summary']['not_run'] == len(yaml.safe_load(open(lab_file))['expect']), report['summary']

        rc, first = run_lab(tmp_path, prefix, lab_file=lab_file)
        assert rc == 0, failed_messages(first)
        assert first['stats']['localhost']['changed'] > 0
        report = json.loads((tmp_path / 'report' / 'report.json').read_text())
        expected_checks = matrix_probes + len(yaml.safe_load(open(lab_file))['expect'])
        assert report['summary'] == {'checks': expected_checks, 'passed': expected_checks, 'failed': 0, 'not_run': 0}, report['failed']
        shown = task_results(first, 'Show what matrix auto ran')[0]['msg']
        assert shown.startswith('lab %s on localhost: matrix auto ran %d probes in ' % (prefix, matrix_probes)), shown
        page = (tmp_path / 'report' / 'report.html').read_text()
        assert 'matrix: auto ran %d probes in' % matrix_probes in page
        # fetches nothing: no script, stylesheet, frame or image to load, and a policy that forbids any
        assert not re.search(r'<(script|link|iframe|img|object)\b|\b(src|href)\s*=|@import|url\(', page)
        assert "content=\"default-src 'none'" in page

        containers, networks = lab_objects(docker_client, prefix)
        assert containers == sorted('%s-%s' % (prefix, name) for name in names)
        for name in containers:
            config = docker_client.containers.get(name).attrs['HostConfig']
            if not config['NetworkMode'].startswith('container:'):
                assert config['Dns'] == ['127.0.0.1'], name

        rc, again = run_lab(tmp_path, prefix, lab_file=lab_file)
        assert rc == 0, failed_messages(again)
        assert again['stats']['localhost']['changed'] == 0

        # Check mode on the built lab: nothing to change, and every check probed as in a real run.
        rc, checked = run_lab(tmp_path, prefix, '--check', lab_file=lab_file)
        assert rc == 0, failed_messages(checked)
        assert checked['stats']['localhost']['changed'] == 0
        report = json.loads((tmp_path / 'report' / 'report.json').read_text())
        assert report['summary'] == {'checks': expected_checks, 'passed': expected_checks, 'failed': 0, 'not_run': 0}

        rc, gone = run_lab(tmp_path, prefix, state='absent', lab_file=lab_file)
        assert rc == 0, failed_messages(gone)
        assert lab_objects(docker_client, prefix) == ([], [])
        other.reload()  # another lab's network is untouched
    finally:
        other.remove()


BROKEN = {
    'networks': [{'name': 'left', 'ipam_config': [{'subnet': '10.218.41.0/24'}]},
                 {'name': 'right', 'ipam_config': [{'subnet': '10.218.42.0/24'}]}],
    'containers': [{'name': 'b1', 'networks': ['left']}, {'name': 'b2', 'networks': ['right']}],
    # false: two user-defined bridges are isolated
    'expect': [{'from': 'b1', 'to': 'b2', 'kind': 'ping', 'timeout': 1}],
}


def test_broken_lab_fails_naming_the_pair_and_the_page_marks_it(docker_client, prefix, tmp_path):
    lab_file = tmp_path / 'broken.yml'
    lab_file.write_text(yaml.safe_dump(BROKEN))
    try:
        rc, output = run_lab(tmp_path, prefix, lab_file=str(lab_file))
        assert rc != 0
        messages = failed_messages(output)
        assert len(messages) == 1, messages
        assert messages[0].startswith('lab %s: 1 of 5 checks failed: b1 -> b2 ping is reachable (expected ping %s-b2 '
                                      'reachable, observed unreachable' % (prefix, prefix)), messages[0]

        page = tmp_path / 'report' / 'report.html'
        shot = os.path.join(ROOT, 'build', 'lab-report-broken.png')
        chromium('--window-size=1400,1000', '--screenshot=%s' % shot, page.as_uri(), profile=tmp_path / 'profile1')
        assert os.path.getsize(shot) > 10000
        dom = chromium('--dump-dom', page.as_uri(), profile=tmp_path / 'profile2')
        for name in ('b1', 'b2'):
            assert 'id="ctr-localhost-%s-%s"' % (prefix, name) in dom
        for name in ('left', 'right'):
            assert 'id="net-localhost-%s-%s"' % (prefix, name) in dom
        assert 'class="node container fail"' in dom and 'class="edge check fail"' in dom
        assert '<tr class="fail"><td>localhost</td><td>expect</td><td>b1 -&gt; b2 ping is reachable</td>' in dom
        assert dom.count('<tr class="ok">') == 4
        assert '1 of 5 checks failed' not in dom and '4 of 5 checks passed, 1 failed.' in dom
    finally:
        rc, gone = run_lab(tmp_path, prefix, state='absent', lab_file=str(lab_file))
        assert rc == 0, failed_messages(gone)
        assert lab_objects(docker_client, prefix) == ([], [])


def test_bad_lab_file_is_refused_naming_each_value_and_changes_nothing(docker_client, prefix, tmp_path):
    lab_file = tmp_path / 'bad.yml'
    lab_file.write_text(yaml.safe_dump({
        'networks': [{'name': 'n', 'ipam_config': [{'subnet': '10.218.51.0/24'}]}],
        'containers': [{'name': 'x', 'networks': [{'name': 'n', 'ipv4_address': '10.218.52.5'}]},
                       {'name': 'y', 'network_mode': 'container:ghost'}],
    }))
    rc, output = run_lab(tmp_path, prefix, lab_file=str(lab_file))
    assert rc != 0
    message = ' '.join(failed_messages(output))
    assert "ipv4_address 10.218.52.5 is not in a configured IPv4 subnet of network 'n' (10.218.51.0/24)" in message
    assert "network_mode 'container:ghost' names no other container of the lab" in message
    assert lab_objects(docker_client, prefix) == ([], [])
    assert not docker_client.networks.list(filters={'name': prefix})
