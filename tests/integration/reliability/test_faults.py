"""Faults: the daemon restarted or stopped, objects removed in the middle of a task, a shared namespace lost.

Daemon faults use the private engine (the shared dockerd is never stopped).
Races are provoked deterministically: the managers run in this process with
the real API, wrapped so that a competitor acts at the exact moment between
the task's reading and its writing.
"""

import time

import pytest
from docker.types import IPAMConfig, IPAMPool

from ansible_collections.labnet.docker.plugins.module_utils.attachment.apply import converge_attachment
from ansible_collections.labnet.docker.plugins.module_utils.common.client import DockerApi
from ansible_collections.labnet.docker.plugins.module_utils.common.connection import connect
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.apply import ensure_network
from ansible_collections.labnet.docker.plugins.module_utils.prune.apply import prune_networks
from ansible_collections.labnet.docker.tests.integration.harness import create_network, play, remove_prefixed, run_tasks, task
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures
from ansible_collections.labnet.docker.tests.integration.reliability.rel_snapshot import lost, snapshot

IMAGE = 'labnet/busybox:latest'


def _wait_running(client, name, timeout=30):
    """A container with restart policy always comes back after the daemon starts; wait for that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        container = client.containers.get(name)
        if container.status == 'running':
            return container
        time.sleep(0.2)
    raise AssertionError('%s did not come back after the daemon restarted' % name)


def _converge_tasks(prefix, subnet, address):
    """The network, an attachment with a fixed address and an alias, and the network's listing."""
    tasks = [task('network', name=prefix + '-net', ipam_config=[dict(subnet=subnet)])]
    tasks.append(task('network_attachment', network=prefix + '-net', container=prefix + '-c1', ipv4_address=address,
                      aliases=['web']))
    tasks.append(task('network_info', names=[prefix + '-net'], verbose=True))
    return tasks


def test_daemon_restarted_between_two_plays(live_engine):
    prefix, subnet, address = 'lnrel-rst', '10.210.66.0/24', '10.210.66.10'
    client = live_engine.client()
    remove_prefixed(client, prefix)
    try:
        client.containers.run(IMAGE, ['sleep', '3600'], name=prefix + '-c1', detach=True, dns=['127.0.0.1'],
                              restart_policy={'Name': 'always'})
        env = {'DOCKER_HOST': live_engine.unix_url, 'ANSIBLE_PIPELINING': 'true'}
        first = play(_converge_tasks(prefix, subnet, address), env=env)
        assert not any(result.get('failed') for result in first), [result.get('msg') for result in first]
        before = snapshot(client.api, prefix)
        client.close()

        live_engine.restart()
        client = live_engine.client()
        _wait_running(client, prefix + '-c1')
        second = play(_converge_tasks(prefix, subnet, address), env=env)
        after = snapshot(client.api, prefix)
        failures = [result.get('msg') for result in second if result.get('failed')]
        missing = lost(before, after)
        rel_figures.add('objects_lost', len(missing))
        survived = not failures and not missing
        rel_figures.fault('dockerd restarted between two plays', survived)
        assert failures == []
        assert not any(result['changed'] for result in second)  # the first play's state outlived the restart
        assert missing == []
        endpoint = second[-1]['networks'][0]['endpoints'][0]
        assert (endpoint['container'], endpoint['ipv4_address']) == (prefix + '-c1', address)
        assert 'web' in endpoint['aliases']
    finally:
        remove_prefixed(client, prefix)
        client.close()


def test_daemon_stopped_fails_clearly_and_loses_nothing(live_engine):
    prefix = 'lnrel-stop'
    client = live_engine.client()
    remove_prefixed(client, prefix)
    try:
        net = create_network(client, prefix + '-net', '10.210.67.0/24')
        container = client.containers.create(IMAGE, ['sleep', '3600'], name=prefix + '-c1', dns=['127.0.0.1'])
        net.connect(container, ipv4_address='10.210.67.10')
        before = snapshot(client.api, prefix)
        client.close()
        live_engine.stop()
        try:
            proc = run_tasks([
                dict(task('network_info', docker_host=live_engine.tcp_url, names=['bridge']), name='over TCP'),
                {'name': 'over the socket', 'labnet.docker.network_attachment': {
                    'docker_host': live_engine.unix_url, 'network': prefix + '-net', 'container': prefix + '-c1'}},
                {'name': 'never reached', 'ansible.builtin.debug': {'msg': 'the play went on'}},
            ], env={'ANSIBLE_PIPELINING': 'true'})
        finally:
            live_engine.start()
        output = proc.stdout + proc.stderr
        client = live_engine.client()
        missing = lost(before, snapshot(client.api, prefix))
        rel_figures.add('objects_lost', len(missing))
        clear = ('cannot reach the Docker daemon at %s: Connection refused' % live_engine.tcp_url in output
                 and 'cannot reach the Docker daemon at %s: ' % live_engine.unix_url in output)
        survived = proc.returncode != 0 and clear and 'Traceback' not in output and not missing
        rel_figures.fault('dockerd stopped', survived)
        assert proc.returncode == 2, output[-3000:]
        assert 'cannot reach the Docker daemon at %s: Connection refused' % live_engine.tcp_url in output
        socket_msg = 'cannot reach the Docker daemon at %s: ' % live_engine.unix_url
        assert socket_msg + 'No such file or directory' in output or socket_msg + 'Connection refused' in output
        assert 'the play went on' not in output
        assert 'Traceback' not in output and 'MODULE FAILURE' not in output
        assert missing == []
    finally:
        remove_prefixed(client, prefix)
        client.close()


class RacingApi(DockerApi):
    """The real API, with a competitor's move run right before the n-th call of a write method.

    ``moves`` maps a method name to a list: entry n (a callable or None) runs before call n.
    """

    def __init__(self, api, **moves):
        super().__init__(api.api, api.host)
        self.moves = moves

    def _before(self, method):
        pending = self.moves.get(method) or []
        move = pending.pop(0) if pending else None
        if move:
            move()

    def connect(self, net_id, container, endpoint_config):
        self._before('connect')
        return super().connect(net_id, container, endpoint_config)

    def disconnect(self, net_id, container, force=False):
        self._before('disconnect')
        return super().disconnect(net_id, container, force=force)

    def remove_unused_network(self, net_id):
        self._before('remove_unused_network')
        return super().remove_unused_network(net_id)


@pytest.fixture
def race(live_engine):
    prefix = 'lnrel-race'
    client = live_engine.client()
    remove_prefixed(client, prefix)
    api = connect(dict(docker_host=live_engine.unix_url))
    yield prefix, client, api
    remove_prefixed(client, prefix)
    client.close()


def _expect_clear_error(name, call, *parts):
    try:
        result = call()
    except LabnetDockerError as exc:
        ok = all(part in exc.msg for part in parts)
        rel_figures.fault(name, ok)
        assert ok, exc.msg
        return exc
    except Exception as exc:  # noqa: BLE001 - any other exception is the failure this test looks for
        rel_figures.fault(name, False)
        raise AssertionError('%s: %r instead of a clear error' % (name, exc))
    rel_figures.fault(name, False)
    raise AssertionError('%s: no error at all: %r' % (name, result))


def test_container_removed_between_listing_and_connecting(race):
    prefix, client, api = race
    create_network(client, prefix + '-net', '10.210.68.0/24')
    for name in ('c1', 'c2', 'c3'):
        client.containers.run(IMAGE, ['sleep', '3600'], name='%s-%s' % (prefix, name), detach=True, dns=['127.0.0.1'])

    def remove(name):
        return lambda: client.containers.get('%s-%s' % (prefix, name)).remove(force=True)

    # One container, gone by the time the connect is sent.
    racing = RacingApi(api, connect=[remove('c1')])
    _expect_clear_error('container removed between listing and connect', lambda: converge_attachment(racing, dict(
        network=prefix + '-net', container=prefix + '-c1', ipv4_address='10.210.68.10')),
        'connecting container %s-c1 to network %s-net failed: No such container: %s-c1' % (prefix, prefix, prefix))

    # Two containers: the first is connected, the second vanishes; the error says what was already done.
    racing = RacingApi(api, connect=[None, remove('c3')])
    exc = _expect_clear_error('second of two containers removed mid-task', lambda: converge_attachment(racing, dict(
        network=prefix + '-net', containers=[prefix + '-c2', prefix + '-c3'])),
        'connecting container %s-c3 to network %s-net failed: No such container: %s-c3 (already done: connect %s-c2)'
        % (prefix, prefix, prefix, prefix))
    assert exc.details['changed'] is True
    attached = client.networks.get(prefix + '-net').attrs['Containers']
    assert [entry['Name'] for entry in attached.values()] == [prefix + '-c2']

    # A reconnect whose container goes before the disconnect.
    racing = RacingApi(api, disconnect=[remove('c2')])
    _expect_clear_error('container removed before a reconnect', lambda: converge_attachment(racing, dict(
        network=prefix + '-net', container=prefix + '-c2', aliases=['other'])),
        'disconnecting container %s-c2 from network %s-net failed: No such container: %s-c2' % (prefix, prefix, prefix))

    # The network goes instead of the container.
    client.containers.run(IMAGE, ['sleep', '3600'], name=prefix + '-c4', detach=True, dns=['127.0.0.1'])
    racing = RacingApi(api, connect=[lambda: client.networks.get(prefix + '-net').remove()])
    _expect_clear_error('network removed between listing and connect', lambda: converge_attachment(racing, dict(
        network=prefix + '-net', container=prefix + '-c4')),
        'connecting container %s-c4 to network %s-net failed: network %s-net not found' % (prefix, prefix, prefix))


def test_prune_races_keep_busy_networks(race):
    prefix, client, api = race
    label = prefix + '-scope'
    for name in ('idle', 'taken'):
        client.networks.create('%s-%s' % (prefix, name), labels={label: '1'})

    def competitor():
        # Between the prune's listing and its removals another client starts a container on
        # one network and removes the other network itself.
        client.containers.run(IMAGE, ['sleep', '3600'], name=prefix + '-grab', detach=True,
                              network=prefix + '-taken', dns=['127.0.0.1'])
        client.networks.get(prefix + '-idle').remove()

    racing = RacingApi(api, remove_unused_network=[competitor])
    try:
        result = prune_networks(racing, dict(filters={'label': label}))
    except Exception as exc:  # noqa: BLE001 - any exception is the failure this test looks for
        rel_figures.fault('networks taken or removed by another client during a prune', False)
        raise AssertionError('prune failed: %r' % exc)
    reasons = dict((entry['name'], entry['reason']) for entry in result['not_removed'])
    ok = (sorted(reasons) == [prefix + '-idle', prefix + '-taken'] and reasons[prefix + '-idle'] == 'it no longer exists'
          and 'active endpoints' in reasons[prefix + '-taken'])
    rel_figures.fault('networks taken or removed by another client during a prune', ok)
    assert ok, result
    # The warnings come back in the result, as from every module (run_module turns them into Ansible's).
    assert sorted(result['warnings']) == sorted('network %s was not removed: %s' % item for item in reasons.items())
    assert result['networks'] == [] and result['changed'] is False
    assert client.containers.get(prefix + '-grab').status == 'running'
    assert client.networks.get(prefix + '-taken')


class CreatingApi(RacingApi):
    """RacingApi that can also race the creation of a network."""

    def create_network(self, body):
        self._before('create_network')
        return super().create_network(body)


@pytest.mark.parametrize('subnet', ['10.210.71.0/24', None], ids=['fixed-subnet', 'daemon-picked-subnet'])
def test_network_created_by_another_client_meanwhile(race, subnet):
    prefix, client, api = race
    name = prefix + '-same'
    params = dict(name=name, labels={'who': 'module'})
    if subnet:
        params['ipam_config'] = [dict(subnet=subnet)]

    def competitor():
        # The same desired state, created by another run between this task's listing and its create.
        ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)]) if subnet else None
        client.networks.create(name, driver='bridge', ipam=ipam,
                               labels={'who': 'module', 'labnet.docker.managed': 'true'})

    racing = CreatingApi(api, create_network=[competitor])
    fault = 'network of the same name created by another client meanwhile (%s)' % (subnet or 'daemon-picked subnet')
    try:
        result = ensure_network(racing, params)
    except LabnetDockerError as exc:
        rel_figures.fault(fault, False)
        raise AssertionError('refused instead of converging: %s' % exc.msg)
    same = [net for net in client.networks.list() if net.name == name]
    ok = len(same) == 1 and result['network']['Id'] == same[0].id
    rel_figures.fault(fault, ok)
    assert ok, (result, [net.id for net in same])


def test_container_connected_by_another_client_meanwhile(race):
    prefix, client, api = race
    net = create_network(client, prefix + '-net', '10.210.73.0/24')
    client.containers.run(IMAGE, ['sleep', '3600'], name=prefix + '-c1', detach=True, dns=['127.0.0.1'])
    params = dict(network=prefix + '-net', container=prefix + '-c1', ipv4_address='10.210.73.10', aliases=['one'])

    def competitor():
        net.connect(prefix + '-c1', ipv4_address='10.210.73.10', aliases=['one'])

    racing = RacingApi(api, connect=[competitor])
    fault = 'container connected by another client meanwhile (same settings)'
    try:
        result = converge_attachment(racing, params)
    except LabnetDockerError as exc:
        rel_figures.fault(fault, False)
        raise AssertionError('refused instead of converging: %s' % exc.msg)
    endpoint = client.api.inspect_container(prefix + '-c1')['NetworkSettings']['Networks'][prefix + '-net']
    ok = endpoint['IPAddress'] == '10.210.73.10' and 'one' in endpoint['Aliases']
    rel_figures.fault(fault, ok)
    assert ok, endpoint
    assert result['containers'][0]['endpoint']['ipv4_address'] == '10.210.73.10'


def test_address_taken_by_another_container_meanwhile(race):
    prefix, client, api = race
    net = create_network(client, prefix + '-net', '10.210.74.0/24')
    for name in ('c1', 'c2'):
        client.containers.run(IMAGE, ['sleep', '3600'], name='%s-%s' % (prefix, name), detach=True, dns=['127.0.0.1'])
    racing = RacingApi(api, connect=[lambda: net.connect(prefix + '-c2', ipv4_address='10.210.74.10')])
    _expect_clear_error('fixed address taken by another container meanwhile', lambda: converge_attachment(racing, dict(
        network=prefix + '-net', container=prefix + '-c1', ipv4_address='10.210.74.10')),
        'ipv4_address 10.210.74.10 is already held by running container %s-c2 on network %s-net' % (prefix, prefix))
    attached = client.api.inspect_network(prefix + '-net')['Containers']
    assert [entry['Name'] for entry in attached.values()] == [prefix + '-c2']
    # The daemon keeps the refused settings in c1's record, without an endpoint; the module must not take that
    # for a connection (it would report "unchanged" on the next run).
    stale = client.api.inspect_container(prefix + '-c1')['NetworkSettings']['Networks'].get(prefix + '-net')
    assert stale is None or stale['EndpointID'] == ''


def test_topology_converges_when_another_client_makes_the_same_changes_meanwhile(race):
    prefix, client, api = race
    from ansible_collections.labnet.docker.plugins.module_utils.topology.apply import converge_topology
    client.containers.run(IMAGE, ['sleep', '3600'], name=prefix + '-c1', detach=True, dns=['127.0.0.1'])
    params = dict(state='present', lab=prefix, networks=[dict(name=prefix + '-topo', ipam_config=[
        dict(subnet='10.210.76.0/24')])], attachments=[dict(network=prefix + '-topo', container=prefix + '-c1',
                                                            ipv4_address='10.210.76.10')])

    def create_first():
        client.networks.create(prefix + '-topo', driver='bridge', ipam=IPAMConfig(pool_configs=[
            IPAMPool(subnet='10.210.76.0/24')]), labels={'labnet.docker.managed': 'true', 'labnet.docker.lab': prefix})

    def connect_first():
        client.networks.get(prefix + '-topo').connect(prefix + '-c1', ipv4_address='10.210.76.10')

    fault = 'topology: the same network created and the same container connected by another client meanwhile'
    for competitor in (dict(create_network=[create_first]), dict(connect=[connect_first])):
        for net in client.networks.list(names=[prefix + '-topo']):
            net.reload()
            for cid in net.attrs.get('Containers') or {}:
                net.disconnect(cid, force=True)
            net.remove()
        racing = CreatingApi(api, **competitor)
        try:
            converge_topology(racing, params)
        except LabnetDockerError as exc:
            rel_figures.fault(fault, False)
            raise AssertionError('refused instead of converging: %s' % exc.msg)
        same = [net for net in client.networks.list() if net.name == prefix + '-topo']
        endpoint = client.api.inspect_container(prefix + '-c1')['NetworkSettings']['Networks'].get(prefix + '-topo')
        ok = len(same) == 1 and endpoint and endpoint['IPAddress'] == '10.210.76.10'
        if not ok:
            rel_figures.fault(fault, False)
        assert ok, (competitor, [net.id for net in same], endpoint)
    rel_figures.fault(fault, True)
