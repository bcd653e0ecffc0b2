"""Sixteen ansible-playbook processes converge, then remove, the same state at once (issue 14, item 5).

All sixteen run one play on the private engine. Its phases are: three rounds of
a topology (ten networks, two attachments) made present and then absent, then a
network made present, containers attached to it with network_attachment,
detached again, and the network removed. Before each phase every process says it
is ready and waits for a go file; the test checks the daemon's state left by the
previous phase (all processes are waiting, so nothing moves), freezes the daemon
(SIGSTOP), gives the go, waits until every process has connected and thaws it: the
sixteen tasks read the same state and write at the same moment.

Every task of every process must succeed - each either does the work or finds it
done - with no duplicate network, no lost attachment, and never changed=true next
to a failure. The tasks run with ignore_errors and a test-only callback
(callback_plugins/rel_record.py) writes each process's results as they come, so
one failed phase does not hide the later ones.
"""

import json
import os
import tempfile
import time

from ansible_collections.labnet.docker.tests.integration.harness import ansible_env, write_play
from ansible_collections.labnet.docker.tests.integration.reliability.rel_barrier import (
    Processes, barrier_task, remove_prefixed, until)
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures

PROCESSES = 16
ROUNDS = 3
P = 'lnrel-c16'
IMAGE = 'labnet/busybox:latest'
CONTAINERS = ('c1', 'c2', 'c3')
NETS = ['%s-t%d' % (P, index) for index in range(10)]
SUBNETS = dict((name, '10.211.%d.0/24' % (100 + index)) for index, name in enumerate(NETS))
T0_FIXED = '10.211.100.11'
NET = P + '-n'
NET_SUBNET = '10.212.10.0/24'
NET_FIXED = '10.212.10.21'
CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')
TIMINGS = []  # (phase, seconds from the go until every process reached the next barrier)


def _topology(state):
    args = dict(state=state, networks=[dict(name=name, ipam_config=[dict(subnet=SUBNETS[name])],
                                            labels={'test': P}) for name in NETS],
                attachments=[dict(network=NETS[0], container=P + '-c1', ipv4_address=T0_FIXED, aliases=['one']),
                             dict(network=NETS[1], containers=[P + '-c1', P + '-c2'])])
    return {'labnet.docker.topology': args}


PHASES = []
for _round in range(ROUNDS):
    PHASES.append(('topology present (round %d)' % (_round + 1), _topology('present')))
    PHASES.append(('topology absent (round %d)' % (_round + 1), _topology('absent')))
PHASES += [
    ('network present', {'labnet.docker.network': dict(name=NET, ipam_config=[dict(subnet=NET_SUBNET)],
                                                       labels={'test': P})}),
    ('network_attachment fixed address', {'labnet.docker.network_attachment': dict(
        network=NET, container=P + '-c1', ipv4_address=NET_FIXED, aliases=['first'])}),
    ('network_attachment two containers', {'labnet.docker.network_attachment': dict(
        network=NET, containers=[P + '-c2', P + '-c3'], aliases=['pair'])}),
    ('network_attachment absent', {'labnet.docker.network_attachment': dict(
        network=NET, containers=[P + '-c2', P + '-c3'], state='absent')}),
    # c1 is still attached: force disconnects it, sixteen times at once.
    ('network absent', {'labnet.docker.network': dict(name=NET, state='absent', force=True)}),
]


def _tasks(directory):
    tasks = []
    for phase, (label, step) in enumerate(PHASES):
        tasks.append(barrier_task(directory, phase))
        tasks.append(dict(step, name='phase %d' % phase, ignore_errors=True))
    return tasks


def _results(path):
    """One result per phase from a process's callback file, or None when it did not record them all."""
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        found = dict((line['task'], line['result']) for line in map(json.loads, handle))
    results = [found.get('phase %d' % phase) for phase in range(len(PHASES))]
    return None if None in results else results


def _attached(client, name):
    """{network name: [container names]} for networks called ``name``, from the network's own endpoint list."""
    found = []
    for row in client.api.networks(filters={'name': name}):
        if row['Name'] != name:
            continue
        net = client.api.inspect_network(row['Id'])
        found.append(sorted(entry['Name'] for entry in (net.get('Containers') or {}).values()))
    return found


def _container_networks(client):
    """{container: sorted network names of its own record} (what a half-made endpoint would show)."""
    return dict((name, sorted(client.api.inspect_container(P + '-' + name)['NetworkSettings']['Networks']))
                for name in CONTAINERS)


def _address(client, container, network):
    endpoint = client.api.inspect_container(P + '-' + container)['NetworkSettings']['Networks'][network]
    return (endpoint.get('IPAMConfig') or {}).get('IPv4Address'), endpoint.get('IPAddress')


def _state_problems(client, phase):
    """What is wrong with the daemon's state after ``phase`` (a list of sentences; empty when right)."""
    label = PHASES[phase][0]
    problems = []
    mine = sorted(row['Name'] for row in client.api.networks() if row['Name'].startswith(P))
    records = _container_networks(client)
    if label.startswith('topology present'):
        if mine != sorted(NETS):
            problems.append('networks: %s' % mine)  # a duplicate shows as a name listed twice
        for name in NETS:
            want = [[P + '-c1']] if name == NETS[0] else [[P + '-c1', P + '-c2']] if name == NETS[1] else [[]]
            if _attached(client, name) != want:
                problems.append('%s endpoints: %s, want %s' % (name, _attached(client, name), want))
            subnets = [pool['Subnet'] for row in client.api.networks(filters={'name': name}) if row['Name'] == name
                       for pool in row['IPAM']['Config']]
            if subnets != [SUBNETS[name]]:
                problems.append('%s subnets: %s' % (name, subnets))
        if records != dict(c1=sorted(['bridge', NETS[0], NETS[1]]), c2=sorted(['bridge', NETS[1]]), c3=['bridge']):
            problems.append('container records: %s' % records)
        elif _address(client, 'c1', NETS[0]) != (T0_FIXED, T0_FIXED):
            problems.append('c1 on %s: %s' % (NETS[0], _address(client, 'c1', NETS[0])))
    elif label.startswith('topology absent') or label == 'network absent':
        if mine:
            problems.append('networks left: %s' % mine)
        if records != dict((name, ['bridge']) for name in CONTAINERS):
            problems.append('container records: %s' % records)
    else:
        want = {'network present': [], 'network_attachment fixed address': [P + '-c1'],
                'network_attachment two containers': [P + '-c1', P + '-c2', P + '-c3'],
                'network_attachment absent': [P + '-c1']}[label]
        if mine != [NET]:
            problems.append('networks: %s' % mine)
        if _attached(client, NET) != [want]:
            problems.append('%s endpoints: %s, want %s' % (NET, _attached(client, NET), want))
        on = sorted(name for name, nets in records.items() if NET in nets)
        if on != sorted(name[len(P) + 1:] for name in want):
            problems.append('container records on %s: %s' % (NET, on))
        if want and _address(client, 'c1', NET) != (NET_FIXED, NET_FIXED):
            problems.append('c1 on %s: %s' % (NET, _address(client, 'c1', NET)))
    return problems


def _run(engine, client, tmp):
    """Start the sixteen processes and hold every barrier; returns (outputs, held, state problems per phase)."""
    path = write_play(tmp, _tasks(tmp))
    # The test-only callback writes each task's result as it arrives (no module run to dump them).
    envs = [ansible_env(DOCKER_HOST=engine.unix_url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
                        ANSIBLE_PIPELINING='true', ANSIBLE_CALLBACK_PLUGINS=CALLBACKS,
                        ANSIBLE_CALLBACKS_ENABLED='rel_record',
                        LNREL_GEN_OUT=os.path.join(tmp, 'results-%d.jsonl' % number)) for number in range(PROCESSES)]
    held, states, go_time = [], [], None
    with Processes(tmp, path, envs) as procs:
        for phase in range(len(PHASES) + 1):
            if phase < len(PHASES):
                assert procs.reach(phase, timeout=600), 'the processes did not reach barrier %d' % phase
            else:
                until(lambda: not procs.alive(), timeout=600)
            if phase:
                TIMINGS.append((PHASES[phase - 1][0], time.monotonic() - go_time))
                states.append(_state_problems(client, phase - 1))
            if phase == len(PHASES):
                break
            go_time = time.monotonic()
            held.append(procs.release(engine, phase))
        outputs = [(code, text, _results(os.path.join(tmp, 'results-%d.jsonl' % number)))
                   for number, code, text in procs.outputs(timeout=60)]
    return outputs, held, states


def test_sixteen_playbooks_converge_and_remove_the_same_state(live_engine):
    client = live_engine.client()
    remove_prefixed(client, P)
    started = time.monotonic()
    try:
        for name in CONTAINERS:
            client.containers.run(IMAGE, ['sleep', '3600'], name='%s-%s' % (P, name), detach=True, dns=['127.0.0.1'])
        with tempfile.TemporaryDirectory(prefix='labnet-c16-') as tmp:
            outputs, held, states = _run(live_engine, client, tmp)
        assert not any('Traceback' in text or 'MODULE FAILURE' in text for dummy, text, dummy2 in outputs)
        missing = [number for number, (dummy, dummy2, results) in enumerate(outputs) if results is None]
        assert not missing, 'processes %s did not finish the play:\n%s' % (missing, outputs[missing[0]][1][-3000:])
        report, failures, wrong = [], [], []
        for phase, (label, dummy) in enumerate(PHASES):
            results = [results[phase] for dummy, dummy2, results in outputs]
            failed = [result for result in results if result.get('failed')]
            changed = sum(1 for result in results if result.get('changed'))
            report.append('%s: %d of %d succeeded, %d reported changed, %.1f s%s' % (
                label, len(results) - len(failed), len(results), changed, TIMINGS[phase][1],
                '; state: ' + '; '.join(states[phase]) if states[phase] else ''))
            failures.extend('%s: changed=%s %s' % (label, result.get('changed'), result.get('msg'))
                            for result in failed)
            if not failed and not changed:
                wrong.append('%s: no process reported the change' % label)
            if states[phase]:
                wrong.append('%s: %s' % (label, '; '.join(states[phase])))
        rel_figures.FIGURES['processes_at_once'] = max(rel_figures.FIGURES['processes_at_once'], PROCESSES)
        rel_figures.add('processes_succeeded', sum(
            1 for dummy, dummy2, results in outputs if not any(result.get('failed') for result in results)))
        rel_figures.CONVERGENCE.extend(report)
        rel_figures.CONVERGENCE.append('16-process convergence test: %.0f s' % (time.monotonic() - started))
        print('\n'.join(report))
        assert not failures, '\n'.join(failures)
        assert not wrong, '\n'.join(wrong)
        assert held == [PROCESSES] * len(PHASES)  # every barrier really held all sixteen requests
    finally:
        remove_prefixed(client, P)
        client.close()
