"""Interrupted multi-step changes: the next run finishes them and no container loses its endpoint.

A bridge on the private engine carries eight running containers, each with a fixed IPv4
address, an alias, and some a link or an endpoint driver option. A task that toggles
``internal`` re-creates the network (journal, 8 disconnects, remove, create, 8 connects,
journal removed). Its module talks to the engine through a gate (rel_gate) that holds every
write; the test lets them through one by one and, once the daemon's own event stream
(``docker events``) shows the chosen point - after the k-th disconnect, after the remove,
after the create, after the k-th reconnect - it interrupts the run while the module waits
for its next write: SIGKILL of the module process, SIGINT of the ansible-playbook process
group (Ctrl-C), or a restart of the daemon. Then a re-run of the same task, or a different
module on that network, must leave every container with exactly its old endpoint settings.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import tempfile
import threading
import time

import pytest
from docker.types import IPAMConfig, IPAMPool

from ansible_collections.labnet.docker.tests.integration.harness import ansible_env, play, playbook_command, remove_prefixed, task, write_play
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures
from ansible_collections.labnet.docker.tests.integration.reliability.rel_gate import WriteGate

P = 'lnrel-intr'
NET = P + '-net'
JOURNAL = NET + '.labnet-journal'
SUBNET = '10.210.80.0/24'
COUNT = 8
IMAGE = 'labnet/busybox:latest'
JOURNAL_LABEL = 'labnet.docker.journal'


def _name(index):
    return '%s-c%d' % (P, index)


def _address(index):
    return '10.210.80.%d' % (10 + index)


def build(client):
    """The network and its eight containers, from scratch."""
    remove_prefixed(client, P)
    for net in journals(client):
        if net['Name'].startswith(P):
            client.api.remove_network(net['Id'])
    ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=SUBNET)])
    network = client.networks.create(NET, driver='bridge', ipam=ipam, labels={'test': P})
    for index in range(1, COUNT + 1):
        container = client.containers.run(IMAGE, ['sleep', '3600'], name=_name(index), detach=True, dns=['127.0.0.1'])
        extra = {}
        if index == 2:
            extra['links'] = [(_name(1), 'db')]
        if index == 3:
            extra['driver_opt'] = {'com.example.lab': 'three'}
        network.connect(container, ipv4_address=_address(index), aliases=['a%d' % index], **extra)


@pytest.fixture(scope='module')
def lab(engine):
    """The network and its eight containers, made once for the module's scenarios."""
    if not engine.running:
        engine.start()
    client = engine.client()
    build(client)
    client.close()
    yield engine
    client = engine.client() if engine.running else None
    if client is not None:
        remove_prefixed(client, P)
        client.close()


def endpoints(client):
    """Every container's configured endpoint on the network, as a comparable value."""
    found = {}
    for index in range(1, COUNT + 1):
        attrs = client.api.inspect_container(_name(index))
        endpoint = (attrs['NetworkSettings']['Networks'] or {}).get(NET)
        if endpoint is None:
            found[_name(index)] = None
            continue
        short = attrs['Id'][:12]
        found[_name(index)] = dict(
            address=(endpoint.get('IPAMConfig') or {}).get('IPv4Address'),
            aliases=sorted(set(endpoint.get('Aliases') or []) - {short, attrs['Id']}),
            links=sorted(endpoint.get('Links') or []),
            driver_opts=endpoint.get('DriverOpts') or {},
        )
    return found


def intact(engine):
    """The endpoints before a scenario; a scenario that failed before this one is not allowed to spoil it."""
    client = engine.client()
    try:
        found = endpoints(client) if [n for n in client.api.networks() if n['Name'] == NET] else {}
        if not found or not all(found.values()) or journals(client):
            build(client)
            found = endpoints(client)
        return found
    finally:
        client.close()


def internal_now(client):
    return bool(client.api.inspect_network(NET)['Internal'])


def journals(client):
    return [net for net in client.api.networks() if JOURNAL_LABEL in (net.get('Labels') or {})]


def recreate_task(internal):
    return task('network', name=NET, internal=internal, ipam_config=[dict(subnet=SUBNET)])


class Events:
    """The daemon's network events for the network and its journal, read as they come."""

    def __init__(self, client):
        self.queue = queue.Queue()
        self.seen = []
        # Live events only (no ``since``): the stream is open before the run starts.
        self._stream = client.events(decode=True, filters={'type': 'network'})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for event in self._stream:
                actor = event.get('Actor') or {}
                attributes = actor.get('Attributes') or {}
                if attributes.get('name') in (NET, JOURNAL):
                    self.queue.put((event.get('Action'), attributes['name'], actor.get('ID'), attributes.get('container')))
        except Exception:  # noqa: BLE001 - the stream ends when closed or when the daemon stops
            pass

    def wait_for(self, total, timeout=20):
        """Until ``total`` distinct changes were seen. Docker 20.10 reports a disconnect twice: each
        (action, network, container) counts once, and a run changes each of them once."""
        deadline = time.monotonic() + timeout
        while len(self.seen) < total and time.monotonic() < deadline:
            try:
                event = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if event not in self.seen:
                self.seen.append(event)
        assert len(self.seen) >= total, 'expected %d network changes, saw %s' % (total, self.seen)

    def count(self, action):
        return sum(1 for event in self.seen if event[:2] == (action, NET))

    def close(self):
        self._stream.close()


def run_interrupted(engine, tasks, point, how):
    """Run ``tasks`` through the gate and interrupt at ``point`` ((action, k)); returns the events seen."""
    action, k = point
    client = engine.client()
    events = Events(client)
    with tempfile.TemporaryDirectory(prefix='labnet-intr-') as tmp:
        gate = WriteGate(engine.socket_path, os.path.join(tmp, 'gate.sock')).start()
        path = write_play(tmp, [dict(entry, ignore_errors=False) for entry in tasks])
        env = ansible_env(DOCKER_HOST=gate.url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
                          ANSIBLE_PIPELINING='true')
        out = open(os.path.join(tmp, 'out.txt'), 'w+')
        proc = subprocess.Popen(playbook_command(path), env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        released = 0
        try:
            while True:
                held = gate.next_held(timeout=60)
                if held is None:
                    out.seek(0)
                    raise AssertionError('the run did not reach %s (events: %s)\n%s'
                                         % (point, [event[:2] for event in events.seen], out.read()[-3000:]))
                events.wait_for(released)  # every write let through so far has shown up in docker events
                if events.count(action) >= k:
                    break
                held.release()
                released += 1
            if how == 'sigkill':
                os.kill(held.pid, signal.SIGKILL)
            elif how == 'sigint':
                os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
                time.sleep(1)  # the module dies of its KeyboardInterrupt while it waits for the answer
            elif how == 'restart':
                engine.stop()
            held.drop()
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                late = gate.next_held(timeout=0.2)  # a write after the interruption never reaches the daemon
                if late is not None:
                    late.drop()
            assert proc.poll() is not None, 'ansible-playbook did not end after %s' % how
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            gate.close()
            events.close()
            client.close()
            if how == 'restart' and not engine.running:
                engine.start()
        out.seek(0)
        return proc.returncode, out.read()


def recovery_tasks(kind, internal):
    if kind == 'same':
        return [recreate_task(internal)]
    if kind == 'attachment':
        return [task('network_attachment', network=NET, container=_name(1))]
    if kind == 'topology':
        return [task('topology', networks=[dict(name=NET)])]
    if kind == 'prune':
        return [task('network_prune', filters={'label': 'test=%s' % P})]
    raise ValueError(kind)


def check_restored(engine, before, name, results):
    """Every container has exactly its old endpoint; one network, no journal left. Records the figures."""
    client = engine.client()
    try:
        after = endpoints(client)
        lost = sorted(container for container, endpoint in before.items() if after.get(container) != endpoint)
        networks = [net for net in client.api.networks() if net['Name'] == NET]
        left = journals(client)
    finally:
        client.close()
    failures = [result.get('msg') for result in results if result.get('failed')]
    recovered = [entry for result in results for entry in result.get('recovered') or []]
    ok = not lost and len(networks) == 1 and not left and not failures and bool(recovered)
    rel_figures.interruption(name, len(before), len(lost), ok)
    assert failures == [], failures
    assert lost == [], dict((container, (before[container], after.get(container))) for container in lost)
    assert len(networks) == 1 and left == []
    assert recovered, 'no run reported the recovery: %s' % results
    return recovered


POINTS = [('disconnect', 1), ('disconnect', COUNT), ('destroy', 1), ('create', 1), ('connect', 1),
          ('connect', COUNT - 1), ('connect', COUNT)]
OTHERS = ['attachment', 'topology', 'prune']


def _scenarios():
    cases = []
    for index, point in enumerate(POINTS):
        cases.append(('sigkill', point, 'same'))
        cases.append(('sigkill', point, OTHERS[index % len(OTHERS)]))
    for index, point in enumerate([('disconnect', 3), ('destroy', 1), ('connect', 2)]):
        cases.append(('sigint', point, 'same'))
        cases.append(('sigint', point, OTHERS[index % len(OTHERS)]))
    return cases


@pytest.mark.parametrize('how,point,recovery', _scenarios(),
                         ids=['%s-%s%d-%s' % (how, point[0], point[1], rec) for how, point, rec in _scenarios()])
def test_interrupted_recreate_is_finished_by_the_next_run(lab, how, point, recovery):
    before = intact(lab)
    client = lab.client()
    internal = not internal_now(client)
    client.close()
    assert all(before.values()), before
    code, output = run_interrupted(lab, [recreate_task(internal)], point, how)
    assert code != 0, output[-2000:]
    client = lab.client()
    assert [net['Name'] for net in journals(client)] == [JOURNAL], 'the interrupted run left no journal'
    client.close()
    results = play(recovery_tasks(recovery, internal), env={'DOCKER_HOST': lab.unix_url})
    recovered = check_restored(lab, before, '%s after %s #%d, then %s' % (how, point[0], point[1], recovery), results)
    assert recovered[0]['network'] == NET and recovered[0]['operation'] == 'recreate'
    assert any('interrupted recreate' in warning for result in results for warning in result.get('warnings') or [])
    if recovery == 'same':  # the task itself then converged: a second run changes nothing
        again = play([recreate_task(internal)], env={'DOCKER_HOST': lab.unix_url})[0]
        assert again['changed'] is False and again['recovered'] == []


def test_check_mode_reports_the_recovery_and_two_recoverers_do_not_fight(lab):
    before = intact(lab)
    client = lab.client()
    internal = not internal_now(client)
    client.close()
    run_interrupted(lab, [recreate_task(internal)], ('destroy', 1), 'sigkill')
    env = {'DOCKER_HOST': lab.unix_url}
    checked = play([recreate_task(internal)], check=True, env=env)[0]
    assert checked['changed'] is True and not checked.get('failed'), checked
    actions = checked['recovered'][0]['actions']
    assert actions[0] == dict(action='create', network=NET)
    assert sorted(a['container'] for a in actions if a['action'] == 'connect') == sorted(before)
    client = lab.client()
    assert [net['Name'] for net in journals(client)] == [JOURNAL]  # check mode changed nothing
    info = play([task('network_info', names=[NET])], env=env)[0]
    assert [entry['journal'] for entry in info['journals']] == [JOURNAL]
    assert info['journals'][0]['abandoned'] is True and sorted(info['journals'][0]['endpoints']) == sorted(before)
    client.close()
    # Two different modules recover at once, each in its own ansible-playbook process.
    with tempfile.TemporaryDirectory(prefix='labnet-intr-') as tmp:
        procs = []
        for number, tasks in enumerate([[recreate_task(internal)], recovery_tasks('attachment', internal)]):
            directory = os.path.join(tmp, str(number))
            os.mkdir(directory)
            path = write_play(directory, [dict(entry, register='out') for entry in tasks] + [
                {'ansible.builtin.copy': {'content': '{{ out | to_json }}', 'dest': os.path.join(directory, 'r.json'),
                                          'mode': '0600'}}])
            environ = ansible_env(DOCKER_HOST=lab.unix_url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default')
            procs.append((directory, subprocess.Popen(playbook_command(path), env=environ, cwd=directory,
                                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        results = []
        for directory, proc in procs:
            output = proc.communicate(timeout=300)[0]
            assert proc.returncode == 0, output[-3000:]
            with open(os.path.join(directory, 'r.json')) as handle:
                results.append(json.load(handle))
    check_restored(lab, before, 'sigkill after destroy #1, then two recoverers at once', results)


def test_interrupted_topology_converge(lab):
    """topology re-creates through the same executor: killed after its third reconnect, finished by its re-run."""
    before = intact(lab)
    client = lab.client()
    internal = not internal_now(client)
    client.close()
    converge = task('topology', networks=[dict(name=NET, internal=internal, ipam_config=[dict(subnet=SUBNET)])],
                    attachments=[dict(network=NET, container=_name(1))])
    run_interrupted(lab, [converge], ('connect', 3), 'sigkill')
    results = play([converge, converge], env={'DOCKER_HOST': lab.unix_url})
    check_restored(lab, before, 'sigkill of topology after connect #3, then the same topology', results[:1])
    assert results[1]['changed'] is False and results[1]['recovered'] == []


def test_interrupted_attachment_reconnect(lab):
    """network_attachment's reconnect (disconnect, then connect with new settings), killed in between."""
    before = intact(lab)
    change = task('network_attachment', network=NET, container=_name(4), ipv4_address=_address(4),
                  aliases=['a4', 'extra'])
    run_interrupted(lab, [change], ('disconnect', 1), 'sigkill')
    results = play([task('network', name=NET)], env={'DOCKER_HOST': lab.unix_url})  # a different module
    recovered = check_restored(lab, before, 'sigkill between the disconnect and the connect of a reconnect, '
                                            'then network', results)
    assert recovered[0]['operation'] == 'reconnect'
    run_interrupted(lab, [change], ('disconnect', 1), 'sigkill')
    result = play([change], env={'DOCKER_HOST': lab.unix_url})[0]  # the same task: recovers, then reconnects
    assert not result.get('failed') and result['recovered'], result
    client = lab.client()
    assert endpoints(client)[_name(4)]['aliases'] == ['a4', 'extra'] and journals(client) == []
    client.close()
    restore = play([task('network_attachment', network=NET, container=_name(4), aliases=['a4'])],
                   env={'DOCKER_HOST': lab.unix_url})[0]
    assert not restore.get('failed'), restore


@pytest.mark.parametrize('point', [('disconnect', COUNT), ('destroy', 1)], ids=['disconnect8', 'destroy1'])
def test_daemon_restarted_in_the_middle(lab, point):
    before = intact(lab)
    client = lab.client()
    internal = not internal_now(client)
    client.close()
    run_interrupted(lab, [recreate_task(internal)], point, 'restart')
    results = play([recreate_task(internal)], env={'DOCKER_HOST': lab.unix_url})
    check_restored(lab, before, 'daemon restarted after %s #%d, then the same task' % point, results)
    client = lab.client()
    try:
        for index in range(1, COUNT + 1):  # the daemon stopped them; they start again with their fixed address
            container = client.containers.get(_name(index))
            if container.status != 'running':
                container.start()
        for index in range(1, COUNT + 1):
            attrs = client.api.inspect_container(_name(index))
            assert attrs['NetworkSettings']['Networks'][NET]['IPAddress'] == _address(index)
    finally:
        client.close()
