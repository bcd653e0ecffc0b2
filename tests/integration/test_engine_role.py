"""The engine role on this machine, which `make setup` already made ready: it must change nothing."""

from __future__ import annotations

from test_overlay_role import run_plays


def engine_play(name, check=False):
    return {'name': name, 'hosts': 'localhost', 'gather_facts': False, 'check_mode': check,
            'roles': [{'role': 'labnet.docker.engine'}],
            'post_tasks': [{'name': 'facts', 'ansible.builtin.debug': {'var': 'engine_facts'}}]}


def test_a_ready_host_is_left_alone(docker_client):
    code, plays, stderr = run_plays([engine_play('check mode', check=True), engine_play('for real')])
    assert code == 0, [t for play in plays for t in play if t.get('failed')] or stderr[-3000:]
    version = docker_client.version()['Version']
    for play in plays:
        assert [t['name'] for t in play if t.get('changed')] == []
        assert play[-1]['engine_facts'] == {'server_version': version, 'default_bridge': True,
                                            'busybox_image': 'labnet/busybox:latest'}
