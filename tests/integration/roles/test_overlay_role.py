"""The overlay role's default mode: a swarm of lab-machine containers on this engine.

One ansible-playbook run builds the lab, builds it again (nothing may change),
tears it down and tears it down again; the plays' results and the daemon's state
before and after are compared. The engine the tests talk to is never a swarm member.
"""

from __future__ import annotations

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import run_plays

LAB_MACHINE_IMAGE = 'labnet/lab-machine:latest'
NODE_SUBNET = '10.205.40.0/24'
ADDRESS_POOL = '10.205.128.0/18'


def role_play(name, **role_vars):
    return {'name': name, 'hosts': 'localhost', 'gather_facts': False,
            'roles': [{'role': 'labnet.docker.overlay', 'vars': role_vars}],
            'post_tasks': [{'name': 'checks', 'ansible.builtin.debug': {'var': 'overlay_checks'}}]}


def changed_tasks(results):
    return ['%s (%s)' % (task['name'], item.get('item', ''))
            for task in results
            for item in (task.get('results') or [task])
            if item.get('changed')]


def labelled(client, lab):
    label = 'labnet.docker.lab=%s' % lab
    return ([c.name for c in client.containers.list(all=True, filters={'label': label})],
            [n.name for n in client.networks.list(filters={'label': label})])


@pytest.fixture
def lab_machine_image(docker_client):
    try:
        docker_client.images.get(LAB_MACHINE_IMAGE)
    except Exception:  # pylint: disable=broad-except
        pytest.fail('%s is missing: run `make setup`' % LAB_MACHINE_IMAGE)


@pytest.mark.slow
def test_swarm_of_lab_machines_builds_checks_and_tears_down(docker_client, prefix, lab_machine_image):
    swarm_before = docker_client.info()['Swarm']['LocalNodeState']
    lab = prefix  # names <prefix>-overlay-*: the prefix fixture removes leftovers even when the test fails
    present = dict(overlay_lab=lab, overlay_node_subnet=NODE_SUBNET, overlay_address_pool=ADDRESS_POOL)
    try:
        code, plays, stderr = run_plays([
            role_play('build', **present),
            role_play('build again', **present),
            role_play('tear down', overlay_lab=lab, overlay_state='absent'),
            role_play('tear down again', overlay_lab=lab, overlay_state='absent'),
        ])
        assert code == 0, [t for play in plays for t in play if t.get('failed')] or stderr[-3000:]
        build, again, down, down_again = plays

        checks = build[-1]['overlay_checks']
        assert len(checks) == 7
        assert [c for c in checks if not c['ok']] == []
        assert {c['expected'].split()[-1] for c in checks} == {'reachable', 'unreachable'}
        assert again[-1]['overlay_checks'] == checks
        assert changed_tasks(build), 'the first run must create the lab'
        assert changed_tasks(again) == []

        assert changed_tasks(down), 'teardown must remove the lab'
        assert changed_tasks(down_again) == []
        assert down[-1]['overlay_checks'] == []
        assert labelled(docker_client, lab) == ([], [])
    finally:
        # the engine under test never joined a swarm, whatever happened
        assert docker_client.info()['Swarm']['LocalNodeState'] == swarm_before


def test_refuses_the_local_engine_as_a_swarm_node(docker_client, prefix):
    swarm_before = docker_client.info()['Swarm']['LocalNodeState']
    # three inventory hosts, all of them this machine (a local connection)
    play = role_play('refused', overlay_lab=prefix, overlay_nodes=['localhost', 'here1', 'here2'])
    code, plays, unused_stderr = run_plays([play], inventory_lines=[
        'localhost ansible_connection=local', 'here1 ansible_connection=local', 'here2 ansible_connection=local'])
    assert code != 0
    failed = [t for t in plays[0] if t.get('failed')]
    assert len(failed) == 1
    assert failed[0]['msg'].startswith('localhost, here1, here2 would make the engine of this machine a swarm member')
    assert 'overlay_allow_local_engine' in failed[0]['msg']
    assert labelled(docker_client, prefix) == ([], [])
    assert docker_client.info()['Swarm']['LocalNodeState'] == swarm_before


def test_refuses_too_few_nodes(prefix):
    code, plays, unused_stderr = run_plays([role_play('refused', overlay_lab=prefix, overlay_node_count=2)])
    assert code != 0
    failed = [t for t in plays[0] if t.get('failed')]
    assert 'at least three different swarm nodes' in failed[0]['msg']
