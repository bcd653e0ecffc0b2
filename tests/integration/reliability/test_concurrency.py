"""Eight ansible-playbook processes converge the same networks and attachments at once, on the private engine.

All eight run the same play. Before each contended task every process says it
is ready and waits for a go file; the test then freezes the daemon (SIGSTOP),
gives the go, waits until all eight modules have connected (their connections
queue in the daemon's socket backlog) and thaws it, so the eight tasks read
the same state and write at the same moment. The tasks between barriers race
as they come. Then: every process succeeded, each name has exactly one
network, and each container is attached once, with the address it was given.
"""

import tempfile

from ansible_collections.labnet.docker.tests.integration.harness import ansible_env, task, write_play
from ansible_collections.labnet.docker.tests.integration.reliability.rel_barrier import Processes, barrier_task, remove_prefixed
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
        tasks.append(barrier_task(directory, phase))
        tasks.append(dict(step, ignore_errors=False))
    return tasks + [dict(step, ignore_errors=False) for step in FREE]


def _run_all(engine, tmp):
    """Start the eight processes, hold each barrier, return [(exit code, output)] and the requests held."""
    path = write_play(tmp, _tasks(tmp))
    env = ansible_env(DOCKER_HOST=engine.unix_url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
                      ANSIBLE_PIPELINING='true')
    held = []
    with Processes(tmp, path, [env] * PROCESSES) as procs:
        for phase in range(len(CONTENDED)):
            assert procs.reach(phase, timeout=240), 'the processes did not reach barrier %d' % phase
            held.append(procs.release(engine, phase))
        return [(code, text) for dummy, code, text in procs.outputs(timeout=300)], held


def test_eight_playbooks_at_once_converge_to_one_state(live_engine):
    client = live_engine.client()
    remove_prefixed(client, P)
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
        remove_prefixed(client, P)
        client.close()
