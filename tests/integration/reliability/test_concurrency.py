"""Eight ansible-playbook processes converge the same networks and attachments at once, on the private engine.

All eight run the same play. Before each contended task every process says it
is ready and waits for a go file; the test then freezes the daemon (SIGSTOP),
gives the go, waits until all eight modules have connected (their connections
queue in the daemon's socket backlog) and thaws it, so the eight tasks read
the same state and write at the same moment. The tasks between barriers race
as they come. Then: every process succeeded, each name has exactly one
network, and each container is attached once, with the address it was given.
"""

import os
import subprocess
import tempfile
import time

from ansible_collections.labnet.docker.tests.integration.harness import ansible_env, playbook_command, task, write_play
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures

PROCESSES = 8
P = 'lnrel-conc'
SUBNET = '10.210.72.0/24'
FIXED = {'c1': '10.210.72.11', 'c2': '10.210.72.12'}
IMAGE = 'labnet/busybox:latest'
CONTENDED = [  # each preceded by a barrier
    task('network', name=P + '-a', ipam_config=[dict(subnet=SUBNET)], labels={'test': P}),
    task('network', name=P + '-b', labels={'test': P}),  # daemon-picked subnet: the daemon lets duplicates through
    task('network_attachment', network=P + '-a', container=P + '-c1', ipv4_address=FIXED['c1'], aliases=['one']),
    task('network_attachment', network=P + '-b', containers=[P + '-c3', P + '-c4'], aliases=['pair']),
]
FREE = [  # raced without a barrier, right after the last one
    task('network_attachment', network=P + '-a', container=P + '-c2', ipv4_address=FIXED['c2']),
    task('network_attachment', network=P + '-a', container=P + '-c3'),
]


def _tasks(directory):
    tasks = []
    for phase, step in enumerate(CONTENDED):
        ready, go = os.path.join(directory, 'ready-%d-{{ n }}' % phase), os.path.join(directory, 'go-%d' % phase)
        # A pipe lookup runs in the ansible-playbook process: a shell, no module start, so the
        # barrier itself costs next to nothing and releases within 10 ms.
        wait = 'touch %s; while [ ! -e %s ]; do sleep 0.01; done' % (ready, go)
        tasks.append({'name': 'barrier %d' % phase, 'ansible.builtin.set_fact': {
            'barrier_%d' % phase: "{{ lookup('ansible.builtin.pipe', %r) }}" % wait}})
        tasks.append(dict(step, ignore_errors=False))
    return tasks + [dict(step, ignore_errors=False) for step in FREE]


def _clean(client):
    for container in client.containers.list(all=True):
        if container.name.startswith(P):
            container.remove(force=True)
    for network in client.networks.list():
        if network.name.startswith(P):
            network.remove()


def _until(condition, timeout=240):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _run_all(engine, tmp):
    """Start the eight processes, hold each barrier, return [(exit code, output)] and the requests held."""
    path = write_play(tmp, _tasks(tmp))
    env = ansible_env(DOCKER_HOST=engine.unix_url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
                      ANSIBLE_PIPELINING='true')
    procs = []
    for number in range(PROCESSES):
        out = open(os.path.join(tmp, 'out-%d.txt' % number), 'w+')
        procs.append((number, subprocess.Popen(playbook_command(path, None, ['-e', 'n=%d' % number]), env=env, cwd=tmp,
                                               stdout=out, stderr=subprocess.STDOUT), out))
    held = []
    try:
        for phase in range(len(CONTENDED)):
            def alive():
                return [n for n, proc, dummy in procs if proc.poll() is None]

            def ready():  # a process that failed on the way is not waited for; its failure is reported below
                return all(os.path.exists(os.path.join(tmp, 'ready-%d-%d' % (phase, n))) for n in alive())

            assert _until(ready), 'the processes did not reach barrier %d' % phase
            engine.freeze()
            try:
                open(os.path.join(tmp, 'go-%d' % phase), 'w').close()
                # A safety net, not an expectation: thaw anyway if they do not all connect within 90 s.
                _until(lambda: engine.pending_connections() >= len(alive()), timeout=90)
                held.append(engine.pending_connections())
            finally:
                engine.thaw()
        outputs = []
        for dummy, proc, out in procs:
            proc.wait(timeout=300)
            out.seek(0)
            outputs.append((proc.returncode, out.read()))
    finally:
        for dummy, proc, out in procs:
            if proc.poll() is None:
                proc.kill()
            out.close()
    return outputs, held


def test_eight_playbooks_at_once_converge_to_one_state(live_engine):
    client = live_engine.client()
    _clean(client)
    try:
        for name in ('c1', 'c2', 'c3', 'c4'):
            client.containers.run(IMAGE, ['sleep', '3600'], name='%s-%s' % (P, name), detach=True, dns=['127.0.0.1'])
        with tempfile.TemporaryDirectory(prefix='labnet-conc-') as tmp:
            outputs, held = _run_all(live_engine, tmp)
        rel_figures.FIGURES['processes_at_once'] = max(rel_figures.FIGURES['processes_at_once'], PROCESSES)
        rel_figures.add('processes_succeeded', sum(1 for code, dummy in outputs if code == 0))
        failed = ['rc=%d: %s' % (code, ' | '.join(line for line in text.splitlines() if line.startswith('fatal:')))
                  for code, text in outputs if code != 0]
        assert not failed, '\n'.join(failed)
        assert not any('Traceback' in text for dummy, text in outputs)
        assert held == [PROCESSES] * len(CONTENDED)  # every barrier really held all eight requests

        networks = [net for net in client.networks.list() if net.name.startswith(P)]
        assert sorted(net.name for net in networks) == [P + '-a', P + '-b']  # exactly one network per name
        by_name = dict((net.name, net) for net in networks)
        for net in networks:
            net.reload()
        for name, address in FIXED.items():
            endpoint = client.api.inspect_container('%s-%s' % (P, name))['NetworkSettings']['Networks'][P + '-a']
            assert endpoint['NetworkID'] == by_name[P + '-a'].id
            assert (endpoint['IPAMConfig']['IPv4Address'], endpoint['IPAddress']) == (address, address)
        attached = dict((net.name, sorted(entry['Name'] for entry in net.attrs['Containers'].values()))
                        for net in networks)
        assert attached == {P + '-a': [P + '-c1', P + '-c2', P + '-c3'], P + '-b': [P + '-c3', P + '-c4']}
        one = client.api.inspect_container(P + '-c1')['NetworkSettings']['Networks'][P + '-a']
        assert 'one' in one['Aliases']
    finally:
        _clean(client)
        client.close()
