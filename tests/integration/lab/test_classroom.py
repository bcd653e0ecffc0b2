"""`make classroom CLASSROOM_SIZE=3`: three lab machines reached over SSH, the whole lab on each, the
swarm made of them, the cross-host checks; a second run changes nothing; `make classroom-down` leaves
nothing behind.

The classroom gets an id and a folder of its own (CLASSROOM_ID, CLASSROOM_DIR), so a classroom the
user started from this checkout is not touched. It runs once in the suite (about 3 to 8 minutes).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid

import docker

from ansible_collections.labnet.docker.tests.integration.harness import ROOT

SCENARIOS = {'default_bridge', 'user_bridge', 'published_ports', 'host_network', 'container_network', 'no_network',
             'overlay', 'cross_host'}


def make(target, env, timeout=1800):
    proc = subprocess.run(['make', '--no-print-directory', '-C', ROOT, target, 'CLASSROOM_SIZE=3'], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    """{host: {ok, changed, unreachable, failed, ...}} from ansible-playbook's PLAY RECAP."""
    hosts = {}
    for host, counts in re.findall(r'^(m\d+)\s+:\s+(.*)$', output, re.M):
        hosts[host] = {key: int(value) for key, value in re.findall(r'(\w+)=(\d+)', counts)}
    return hosts


def test_classroom_of_three(tmp_path):
    run = uuid.uuid4().hex[:8]
    classroom = 'crt%s' % run
    directory = str(tmp_path / 'classroom')
    env = dict(os.environ, CLASSROOM_ID=classroom, CLASSROOM_DIR=directory)
    env.pop('CLASSROOM_ARGS', None)
    client = docker.from_env()
    label = 'labnet.classroom=%s' % classroom
    volumes = []
    try:
        code, output = make('classroom', env)
        assert code == 0, output[-6000:]
        assert re.search(r'classroom: lab\.yml on 3 machines: wall time [0-9.]+ s \(rc 0\)', output), output[-2000:]
        with open(os.path.join(directory, 'inventory.yml')) as handle:
            inventory = handle.read()
        # Reached over SSH with pinned host keys, never with host key checking off.
        assert 'ansible_connection: ssh' in inventory and 'ansible_host_key_checking: true' in inventory
        assert 'StrictHostKeyChecking=no' not in inventory
        with open(os.path.join(directory, 'known_hosts')) as handle:
            assert len(handle.read().splitlines()) == 3
        with open(os.path.join(directory, 'report', 'report.json')) as handle:
            report = json.load(handle)
        assert report['summary']['failed'] == 0 and report['summary']['not_run'] == 0, report['failed']
        assert sorted(host['host'] for host in report['hosts']) == ['m1', 'm2', 'm3']
        assert {row['scenario'] for row in report['checks']} == SCENARIOS
        cross = [row for row in report['checks'] if row['scenario'] == 'cross_host']
        # Per machine: web1, web2 (-p), web3 (-P), web4 (127.0.0.1 only), the host-network server, c3's address.
        assert sorted(row['host'] for row in cross) == ['m1'] * 6 + ['m2'] * 6 + ['m3'] * 6
        assert sum('127.0.0.1 only' in row['check'] and row['observed'] == 'unreachable' for row in cross) == 3
        assert sum('user-bridge address' in row['check'] and row['observed'] == 'unreachable' for row in cross) == 3
        assert sum('-P, a random port' in row['check'] and row['observed'] == 'reachable' for row in cross) == 3
        # The swarm is the classroom: its containers run on m1, m2 and m3 and reach each other.
        assert any(row['scenario'] == 'overlay' and 'across nodes' in row['check'] for row in report['checks'])

        machines = client.containers.list(all=True, filters={'label': label})
        assert len(machines) == 3
        volumes = [mount['Name'] for machine in machines for mount in machine.attrs['Mounts'] if mount['Type'] == 'volume']
        assert len(volumes) == 3

        code, output = make('classroom', env)
        assert code == 0, output[-6000:]
        counts = recap(output)
        assert sorted(counts) == ['m1', 'm2', 'm3'], output[-3000:]
        assert all(host['changed'] == 0 and host['failed'] == 0 for host in counts.values()), counts
        # The same machines, kept.
        assert sorted(m.id for m in client.containers.list(filters={'label': label})) == sorted(m.id for m in machines)
    finally:
        code, output = make('classroom-down', env)
    assert code == 0, output
    assert client.containers.list(all=True, filters={'label': label}) == []
    assert client.networks.list(filters={'label': label}) == []
    left = [name for name in volumes if name in {volume.name for volume in client.volumes.list()}]
    assert left == []
    assert not os.path.exists(directory)
