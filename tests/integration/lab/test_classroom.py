"""`make classroom CLASSROOM_SIZE=3`: three lab machines reached over SSH, the whole lab on each, the
swarm made of them, the cross-host checks; a second run changes nothing; `make classroom-down` leaves
nothing behind.

Then, on the same classroom, the faults a classroom has: m3's machine stopped (unreachable) and the engine
inside m2 stopped. A run fails m3 as unreachable (rc 4) while m1 and m2 build, check and report everything, m2's
engine started again by the engine role; `make classroom` starts m3 again, and the run after that changes nothing.

The classroom gets an id and a folder of its own (CLASSROOM_ID, CLASSROOM_DIR), so a classroom the
user started from this checkout is not touched. It runs once in the suite (about 6 to 12 minutes).
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


def machine(client, label, host):
    return client.containers.list(all=True, filters={'label': [label, 'labnet.classroom.host=%s' % host]})[0]


def engine_answers(container):
    return container.exec_run(['docker', 'version', '--format', '{{.Server.Version}}']).exit_code == 0


# The entry point (scripts/lab-machine/lab-machine-init) started dockerd in the background and keeps running
# without it: TERM it and wait until it has exited (a zombie until the entry point reaps it counts as gone).
STOP_DOCKERD = ('pid=$(cat /var/run/docker.pid) && kill -TERM "$pid" || exit 1; '
                'for _ in $(seq 1 300); do grep -qs "^State:[[:space:]]*[^Z]" /proc/$pid/status || exit 0; sleep 0.2; done; '
                'exit 1')


def task_output(output, task):
    """The lines ansible-playbook printed for one task (every time it ran)."""
    return '\n'.join(part for part in output.split('TASK [')[1:] if part.startswith(task + ']'))


def check_report(directory, hosts, dropped=()):
    with open(os.path.join(directory, 'report', 'report.json')) as handle:
        report = json.load(handle)
    assert report['summary']['failed'] == 0 and report['summary']['not_run'] == 0, report['failed']
    assert sorted(host['host'] for host in report['hosts']) == hosts
    assert sorted({row['host'] for row in report['checks']}) == hosts
    assert {row['scenario'] for row in report['checks']} == SCENARIOS
    assert all(row['ok'] is True for row in report['checks'])
    assert [entry['host'] for entry in report['dropped_hosts']] == list(dropped), report['dropped_hosts']
    return report


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

        # Faults: m3's machine is stopped (it does not answer over SSH), the engine inside m2 is stopped (m2 answers).
        m2, m3 = machine(client, label, 'm2'), machine(client, label, 'm3')
        stopped = m2.exec_run(['sh', '-c', STOP_DOCKERD])
        assert stopped.exit_code == 0, stopped.output
        assert not engine_answers(m2)
        m3.stop(timeout=20)

        # The run step only (`make classroom` would start m3 again): m3 drops out as unreachable, the others go on.
        code, output = make('classroom-run', env)
        assert code == 2, output[-6000:]  # make's own code for a failed recipe; ansible-playbook's is below
        with open(os.path.join(directory, 'wall_time.json')) as handle:
            assert json.load(handle)['rc'] == 4  # ansible-playbook: a host was unreachable, none failed
        assert re.search(r'classroom: lab\.yml on 3 machines: wall time [0-9.]+ s \(rc 4\)', output), output[-3000:]
        assert re.search(r'^fatal: \[m3\]: UNREACHABLE!', output, re.M), output[-6000:]
        assert re.search(r'^classroom: dropped out of the run: m3 \(unreachable: ', output, re.M), output[-3000:]
        counts = recap(output)
        assert sorted(counts) == ['m1', 'm2', 'm3'], output[-3000:]
        assert counts['m3']['unreachable'] == 1 and counts['m3']['ok'] == 0, counts
        assert all(counts[host]['failed'] == 0 and counts[host]['unreachable'] == 0 for host in ('m1', 'm2')), counts
        # m2's engine was started by labnet.docker.engine, m1's was left alone.
        started = task_output(output, 'labnet.docker.engine : Start dockerd in the background')
        assert 'changed: [m2]' in started and '[m1]' not in started.replace('skipping: [m1]', ''), started
        assert engine_answers(m2)
        report = check_report(directory, ['m1', 'm2'], dropped=['m3'])
        assert report['dropped_hosts'][0]['reason'].startswith('unreachable: '), report['dropped_hosts']
        # The swarm is checked on the two machines left: c1 on m1, c2 on m2, and none of m3's containers.
        overlay = [row for row in report['checks'] if row['scenario'] == 'overlay']
        assert any('across nodes' in row['check'] for row in overlay) and not any('-c3' in row['check'] for row in overlay)
        cross = [row for row in report['checks'] if row['scenario'] == 'cross_host']
        assert sorted(row['host'] for row in cross) == ['m1'] * 6 + ['m2'] * 6
        with open(os.path.join(directory, 'report', 'report.md')) as handle:
            assert '**m3 is not in this report: unreachable: ' in handle.read()

        # `make classroom` starts m3 again (its entry point brings sshd and dockerd back) and the lab converges on it.
        code, output = make('classroom', env)
        assert code == 0, output[-6000:]
        assert 'classroom: starting the stopped machine m3 again' in output
        counts = recap(output)
        assert sorted(counts) == ['m1', 'm2', 'm3'], output[-3000:]
        assert all(host['failed'] == 0 and host['unreachable'] == 0 for host in counts.values()), counts
        check_report(directory, ['m1', 'm2', 'm3'])
        assert sorted(m.id for m in client.containers.list(filters={'label': label})) == sorted(m.id for m in machines)

        # m3's inner containers were stopped with it, so that run started them: the next one changes nothing.
        code, output = make('classroom', env)
        assert code == 0, output[-6000:]
        counts = recap(output)
        assert sorted(counts) == ['m1', 'm2', 'm3'], output[-3000:]
        assert all(host['changed'] == 0 and host['failed'] == 0 for host in counts.values()), counts
    finally:
        code, output = make('classroom-down', env)
    assert code == 0, output
    assert client.containers.list(all=True, filters={'label': label}) == []
    assert client.networks.list(filters={'label': label}) == []
    left = [name for name in volumes if name in {volume.name for volume in client.volumes.list()}]
    assert left == []
    assert not os.path.exists(directory)
