"""The engine role on this machine, which `make setup` already made ready: it must change nothing.

An engine answers here, so the engine's own packages are not wanted, not even one that is not
installed (a host running docker-ce must not get docker.io).
"""

from __future__ import annotations

from ansible_collections.labnet.docker.tests.integration.harness import run_plays


def engine_play(name, check=False):
    return {'name': name, 'hosts': 'localhost', 'gather_facts': False, 'check_mode': check,
            'roles': [{'role': 'labnet.docker.engine', 'vars': {'engine_packages': ['labnet-absent-engine-package']}}],
            'post_tasks': [{'name': 'wanted', 'ansible.builtin.debug': {'var': 'engine_wanted_packages'}},
                           {'name': 'facts', 'ansible.builtin.debug': {'var': 'engine_facts'}}]}


def test_a_ready_host_is_left_alone(docker_client):
    code, plays, stderr = run_plays([engine_play('check mode', check=True), engine_play('for real')])
    assert code == 0, [t for play in plays for t in play if t.get('failed')] or stderr[-3000:]
    version = docker_client.version()['Version']
    for play in plays:
        assert [t['name'] for t in play if t.get('changed')] == []
        assert play[-2]['engine_wanted_packages'] == ['busybox-static']
        assert play[-1]['engine_facts'] == {'server_version': version, 'default_bridge': True,
                                            'busybox_image': 'labnet/busybox:latest'}
