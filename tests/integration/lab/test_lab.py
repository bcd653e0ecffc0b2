"""The main job: playbooks/lab.yml and playbooks/teardown.yml against the real daemon.

Each test runs the lab under its own lab name (the test's prefix), with its own host ports and
subnets from 10.230.0.0/16 and 10.231.0.0/16, so it cannot collide with `make lab` or with other
tests. The full run includes scenario 7 (a swarm of three lab-machine containers).
"""

from __future__ import annotations

import ipaddress
import json
import random
import urllib.request

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import free_ports, python_warnings, run_playbook, taken_port

pytestmark = pytest.mark.slow

LAB_LABEL = 'labnet.docker.lab'
SCENARIOS = {'default_bridge', 'user_bridge', 'published_ports', 'host_network', 'container_network', 'no_network',
             'overlay'}


def failures(report):
    """(task name, message) of every failed, not ignored, task result."""
    found = []
    for play in report['plays']:
        for task in play['tasks']:
            for result in task['hosts'].values():
                if result.get('failed'):
                    found.append((task['task']['name'], result.get('msg')))
    return found


def changed_tasks(report):
    return [task['task']['name'] for play in report['plays'] for task in play['tasks']
            if task['hosts'].get('localhost', {}).get('changed')]


def assert_check_mode_report(tmp_path, planned_scenarios):
    """The report of a --check run: nothing failed; every check of a planned scenario is "not run in check mode"."""
    report = json.loads((tmp_path / 'report' / 'report.json').read_text())
    rows = report['checks']
    assert set(row['scenario'] for row in rows) == SCENARIOS
    assert report['summary']['failed'] == 0, report['failed']
    assert report['summary']['not_run'] == len([row for row in rows if row['ok'] is None])
    for row in rows:
        if row['scenario'] in planned_scenarios:
            assert row['ok'] is None and row['observed'].startswith('not run in check mode: '), row
        else:
            assert row['ok'] is not False, row
    return rows


def lab_objects(docker_client, lab):
    label = '%s=%s' % (LAB_LABEL, lab)
    return (sorted(c.name for c in docker_client.containers.list(all=True, filters={'label': label})),
            sorted(n.name for n in docker_client.networks.list(filters={'label': label})))


def lab_vars(lab, tmp_path, **extra):
    settings = {
        'labnet_lab': lab,
        'labnet_report_dir': str(tmp_path / 'report'),
    }
    settings.update(extra)
    return settings


def page(port):
    with urllib.request.urlopen('http://127.0.0.1:%d/' % port, timeout=5) as response:
        return response.read().decode().strip()


def test_lab_builds_checks_reports_stays_unchanged_and_tears_down(docker_client, prefix, make_container, tmp_path, make_network):
    block = '10.230.%d.0/24' % random.randrange(1, 250)
    blocker = make_network(prefix + '-blocker', block)
    bystander = make_container('bystander')  # on the default bridge, not part of the lab
    swarm_state = docker_client.info()['Swarm']['LocalNodeState']
    port1, port2, hostnet_port = free_ports(3)
    extra = lab_vars(prefix, tmp_path, host_network_probe_port=hostnet_port,
                     user_bridge_subnet=block, user_bridge_subnet_candidates=['10.230.0.0/16'],
                     overlay_node_subnet='10.231.%d.0/24' % random.randrange(1, 250),
                     published_ports_servers=[{'name': 'web1', 'host_port': port1},
                                              {'name': 'web2', 'host_port': port2}])
    try:
        # `make lab LAB_ARGS=--check` on a daemon without the lab: every role says what it would change, creates
        # nothing, and reports its checks as not run instead of failing them.
        rc, planned, stderr = run_playbook('lab', tmp_path, extra, '--check')
        assert rc == 0, (failures(planned), stderr[-2000:])
        assert planned['stats']['localhost']['changed'] > 0
        assert lab_objects(docker_client, prefix) == ([], [])
        assert_check_mode_report(tmp_path, planned_scenarios=SCENARIOS)

        rc, first, stderr = run_playbook('lab', tmp_path, extra)
        assert rc == 0, (failures(first), stderr[-2000:])
        # A clean first screen (issue 31): our own dependency set prints no Python warning on a normal run (with
        # cryptography 51, ansible-core 2.19's start-up printed its DSA deprecation on every run).
        assert python_warnings(stderr) == [], stderr[-2000:]
        assert first['stats']['localhost']['changed'] > 0

        report = json.loads((tmp_path / 'report' / 'report.json').read_text())
        assert report['lab'] == prefix
        assert report['summary']['failed'] == 0, report['failed']
        checks = report['checks']
        assert report['summary']['checks'] == len(checks) > 30
        assert set(row['scenario'] for row in checks) == SCENARIOS
        assert all(row['ok'] is True and row['host'] == 'localhost' for row in checks)
        by_check = dict((row['check'], row) for row in checks)

        # scenario 2 moved off the taken subnet, to a free /24 of the candidate pool, and said why
        subnet_row = by_check['new-bridge has the wanted subnet, or a free one when it is taken']
        new_bridge = docker_client.networks.get(prefix + '-new-bridge')
        chosen = new_bridge.attrs['IPAM']['Config'][0]['Subnet']
        assert chosen != block and chosen.startswith('10.230.') and chosen.endswith('.0/24')
        assert subnet_row['observed'] == '%s (moved: %s overlaps network %s-blocker (%s), interface br-%s (%s))' % (
            chosen, block, prefix, block, blocker.id[:12], block)
        fixed = str(ipaddress.ip_network(chosen)[100])
        multihomed = docker_client.containers.get(prefix + '-multihomed')
        assert multihomed.attrs['NetworkSettings']['Networks'][prefix + '-new-bridge']['IPAddress'] == fixed
        assert by_check['multihomed has its fixed address on new-bridge']['observed'] == fixed

        # scenario 3, seen from this test rather than from the lab: each server answers with its own page
        assert page(port1) == 'labnet.docker lab %s: this is %s-web1' % (prefix, prefix)
        assert page(port2) == 'labnet.docker lab %s: this is %s-web2' % (prefix, prefix)
        web3 = docker_client.containers.get(prefix + '-web3')
        random_port = int(web3.attrs['NetworkSettings']['Ports']['80/tcp'][0]['HostPort'])
        assert random_port not in (port1, port2)
        assert page(random_port).endswith('this is %s-web3' % prefix)
        assert by_check['web3 publishes 80/tcp on a random host port (-P)']['observed'] == 'running, host port %d' % random_port

        # scenario 4: the host-network container's server is on this machine's loopback, no port published
        assert page(hostnet_port) == 'this is %s-hostnet' % prefix
        assert by_check["the host reaches hostnet's web server on 127.0.0.1 with no port published"]['ok'] is True
        assert docker_client.containers.get(prefix + '-hostnet').attrs['HostConfig']['PortBindings'] in (None, {})

        # scenario 5 left both containers running in one namespace
        nc1 = docker_client.containers.get(prefix + '-netcontainer1')
        nc2 = docker_client.containers.get(prefix + '-netcontainer2')
        assert nc1.status == nc2.status == 'running'
        assert nc2.attrs['HostConfig']['NetworkMode'] == 'container:' + nc1.id
        assert 'with netcontainer1 stopped, netcontainer2 has only loopback' in by_check

        # scenario 7 built its swarm nodes on this engine, which stays out of the swarm
        assert len([row for row in checks if row['scenario'] == 'overlay']) >= 5
        assert docker_client.info()['Swarm']['LocalNodeState'] == swarm_state

        containers, networks = lab_objects(docker_client, prefix)
        assert networks == [prefix + '-new-bridge', prefix + '-other-bridge', prefix + '-overlay-nodes']
        assert containers == sorted(prefix + '-' + name for name in (
            'c1', 'c2', 'c3', 'c4', 'outsider', 'multihomed', 'web1', 'web2', 'web3', 'hostnet',
            'netcontainer1', 'netcontainer2', 'nonet', 'overlay-node1', 'overlay-node2', 'overlay-node3'))

        markdown = (tmp_path / 'report' / 'report.md').read_text()
        assert markdown.startswith('# Lab report: %s\n\nAll %d checks passed.' % (prefix, len(checks)))
        assert '```mermaid\nflowchart LR\n' in markdown
        assert '[("%s-new-bridge<br/>%s")]' % (prefix, chosen) in markdown
        assert '["%s-web1<br/>0.0.0.0:%d->80/tcp"]' % (prefix, port1) in markdown
        assert '-.->|"shares network namespace"|' in markdown
        assert '| %s | %s-new-bridge | bridge | %s |' % ('localhost', prefix, chosen) in markdown

        # --check on the built lab: nothing would change, and every check runs except the stop-and-restart
        # experiment of scenario 5 (stopping a container is a change).
        rc, checked, stderr = run_playbook('lab', tmp_path, extra, '--check')
        assert rc == 0, (failures(checked), stderr[-2000:])
        assert checked['stats']['localhost']['changed'] == 0, changed_tasks(checked)
        rows = assert_check_mode_report(tmp_path, planned_scenarios=set())
        assert sorted(row['check'] for row in rows if row['ok'] is None) == sorted([
            'with netcontainer1 stopped, netcontainer2 has only loopback',
            "after both restart, netcontainer2 has netcontainer1's IPv4 address again",
            "after both restart, netcontainer2 has netcontainer1's MAC address again",
            'after both restart, netcontainer2 reaches the web server on localhost:80 again'])
        assert len(rows) == len(checks)

        # teardown --check plans the removal and removes nothing
        before = lab_objects(docker_client, prefix)
        rc, down_planned, stderr = run_playbook('teardown', tmp_path, extra, '--check')
        assert rc == 0, (failures(down_planned), stderr[-2000:])
        assert down_planned['stats']['localhost']['changed'] > 0
        assert lab_objects(docker_client, prefix) == before

        rc, second, stderr = run_playbook('lab', tmp_path, extra)
        assert rc == 0, (failures(second), stderr[-2000:])
        assert second['stats']['localhost']['changed'] == 0, changed_tasks(second)
        again = json.loads((tmp_path / 'report' / 'report.json').read_text())
        assert again['summary'] == report['summary']
        assert docker_client.networks.get(prefix + '-new-bridge').id == new_bridge.id
    finally:
        rc, down, stderr = run_playbook('teardown', tmp_path, extra)
    assert rc == 0, (failures(down), stderr[-2000:])
    assert down['stats']['localhost']['changed'] > 0
    assert lab_objects(docker_client, prefix) == ([], [])
    # what the lab did not create is still there
    blocker.reload()
    bystander.reload()
    assert bystander.status == 'running'

    rc, again, stderr = run_playbook('teardown', tmp_path, extra)
    assert rc == 0 and again['stats']['localhost']['changed'] == 0, (failures(again), stderr[-2000:])


def test_taken_port_fails_the_run_naming_the_check(docker_client, prefix, tmp_path):
    taken, port = taken_port()
    other = free_ports(1)[0]
    extra = lab_vars(prefix, tmp_path, labnet_scenarios=['published_ports'], labnet_engine=False, published_ports_publish_all_name='',
                     published_ports_servers=[{'name': 'web1', 'host_port': port}, {'name': 'web2', 'host_port': other}])
    try:
        rc, result, stderr = run_playbook('lab', tmp_path, extra)
    finally:
        taken.close()
        rc_down, down, _stderr = run_playbook('teardown', tmp_path, extra)
    assert rc != 0
    failed = failures(result)
    assert [name for name, _msg in failed] == ['labnet.docker.lab_report : Fail naming every failing check'], failed
    message = failed[0][1]
    assert message.startswith('3 of 6 lab checks failed: ')
    assert 'localhost: published_ports / web1 publishes 80/tcp on host port %d (expected running, host port %d, ' \
           'observed not running: ' % (port, port) in message
    assert 'address already in use' in message
    assert 'web1 answers HTTP from the host on port %d' % port in message
    assert 'web1 serves its own page' in message
    assert 'web2' not in message

    report = json.loads((tmp_path / 'report' / 'report.json').read_text())
    assert report['summary'] == {'checks': 6, 'passed': 3, 'failed': 3, 'not_run': 0}
    assert all(row['ok'] for row in report['checks'] if row['check'].startswith('web2'))
    # The page is drawn before the play fails, failing checks included.
    assert 'web1 serves its own page' in (tmp_path / 'report' / 'report.html').read_text()
    assert rc_down == 0, failures(down)
    assert lab_objects(docker_client, prefix) == ([], [])
