"""The one stand-in for DockerApi (plugins/module_utils/common/client.py) in unit tests: a daemon in dicts.

Every method that DockerApi also has takes the same arguments (tests/unit/plugins/module_utils/common/
test_fake_api.py checks the signatures, so a renamed or reshaped client method fails there, not silently
here) and answers the way the daemon does, as far as the collection reads it:

- ``networks`` and ``containers``: inspect records by full ID. References resolve like the daemon's: full
  ID, name (a container's with or without its leading ``/``), or a unique ID prefix.
- ``list_networks`` / ``list_containers`` return listing rows (a container row's endpoints have no
  Aliases, as in GET /containers/json); a filter the fake does not know fails the test instead of
  being ignored.
- writes change the state (connect adds an endpoint, disconnect drops it, a network with endpoints is
  not removed) and are recorded twice: ``calls`` as DockerApi got them (IDs), ``writes`` by name
  (``('connect', network, container)``) for tests that read the order. Journals (config-only networks,
  see common/journal.py) go to ``journal_calls`` instead, so the calls read as the change itself.
- ``reads``: (method, argument) of every read; ``runs``: (container, argv, user) of every exec, answered
  by ``answer(argv) -> (exit code, output)``.
- :class:`ReadOnlyFakeApi`: the same daemon whose every write (``WRITES``) fails the test and is kept in
  ``refused``; what planners and readers run against.

What it does not model: the daemon choosing a subnet (a network made without pools has none), and
name conflicts (like two racing creates before API 1.44, both succeed).
"""

from __future__ import annotations

import copy

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

# Methods of the fake that DockerApi does not have: ways for a test to set the daemon up.
FAKE_ONLY = ('add_network', 'add_container')
# The client methods that change the daemon (ReadOnlyFakeApi refuses each); every other one only reads.
WRITES = ('create_network', 'remove_network', 'remove_unused_network', 'connect', 'disconnect', 'exec_run',
          'create_container', 'start_container', 'restart_container', 'remove_container')


def network(name, net_id=None, subnets=(), labels=None, **fields):
    """An inspect record of a local bridge network (``fields`` override, e.g. Internal=True)."""
    record = {'Name': name, 'Id': net_id or (name.encode().hex() + 'f' * 64)[:64], 'Created': '2026-01-01T00:00:01Z',
              'Scope': 'local', 'Driver': 'bridge', 'EnableIPv6': False, 'Internal': False, 'Attachable': False,
              'Ingress': False, 'ConfigOnly': False, 'ConfigFrom': {'Network': ''}, 'Options': {},
              'Labels': dict(labels or {}), 'Containers': {},
              'IPAM': {'Driver': 'default', 'Options': None, 'Config': [{'Subnet': subnet} for subnet in subnets]}}
    record.update(fields)
    return record


def container(name, cid=None, running=True, image='labnet/busybox:latest', networks=None, **fields):
    """An inspect record of a container; ``networks`` maps network name -> endpoint settings."""
    record = {'Id': cid or (name.encode().hex() + '0' * 64)[:64], 'Name': '/' + name, 'Config': {'Image': image},
              'State': {'Running': running, 'Status': 'running' if running else 'exited'},
              'HostConfig': {'NetworkMode': 'default'}, 'NetworkSettings': {'Networks': dict(networks or {})}}
    record.update(fields)
    return record


def _endpoint(net, config):
    """The endpoint a connect (or a create on that network) records, from its EndpointConfig."""
    config = config or {}
    return {'NetworkID': net['Id'], 'IPAMConfig': config.get('IPAMConfig'), 'Aliases': list(config.get('Aliases') or []),
            'Links': config.get('Links'), 'DriverOpts': config.get('DriverOpts'),
            'IPAddress': (config.get('IPAMConfig') or {}).get('IPv4Address', '')}


def _refused(action, why):
    return LabnetDockerError('%s failed: %s' % (action, why))


class FakeApi:
    """A daemon in dicts behind DockerApi's methods; see the module docstring."""

    api_version = '1.41'

    def __init__(self, networks=(), containers=(), answer=None, fail_create=None):
        self.networks = dict((net['Id'], copy.deepcopy(net)) for net in networks)
        self.containers = dict((record['Id'], copy.deepcopy(record)) for record in containers)
        self.answer = answer or (lambda argv: (0, ''))
        self.fail_create = fail_create  # body -> True: that create is refused
        self.calls, self.writes, self.journal_calls, self.reads, self.runs = [], [], [], [], []
        self.created = 0

    # -- setting the daemon up (FAKE_ONLY) ----------------------------------
    def add_network(self, name, subnet=None, labels=None, **fields):
        """Create network ``name`` without recording a call; returns its ID."""
        net_id = self._next_id()
        self.networks[net_id] = network(name, net_id, [subnet] if subnet else [], labels,
                                        Created=self._stamp(), **fields)
        return net_id

    def add_container(self, name, **fields):
        """A container (see ``container``) on no network; returns its ID."""
        record = container(name, **fields)
        self.containers[record['Id']] = record
        return record['Id']

    # -- references ------------------------------------------------------------
    def _next_id(self):
        self.created += 1
        return (str(self.created) * 64)[:64]

    def _stamp(self):
        return '2026-01-02T00:%02d:%02dZ' % divmod(self.created, 60)

    @staticmethod
    def _resolve(records, ref, names):
        if not ref:
            return None
        if ref in records:
            return records[ref]
        by_name = [record for record in records.values() if record['Name'] in names]
        if by_name:
            return by_name[0]
        by_prefix = [record for net_id, record in records.items() if net_id.startswith(ref)]
        return by_prefix[0] if len(by_prefix) == 1 else None

    def _network(self, ref):
        return self._resolve(self.networks, ref, (ref,))

    def _container(self, ref):
        return self._resolve(self.containers, ref, ('/' + ref.lstrip('/'),) if ref else ())

    def _attached(self, net):
        return [(cid, record) for cid, record in self.containers.items()
                if any(endpoint.get('NetworkID') == net['Id'] or name == net['Name']
                       for name, endpoint in record['NetworkSettings']['Networks'].items())]

    # -- the engine ----------------------------------------------------------
    swarm = 'inactive'  # what swarm_role answers: manager, worker, inactive

    def swarm_role(self):
        self.reads.append(('swarm_role',))
        return self.swarm

    # what drivers answers: the engine info's network drivers and the enabled IPAM plugins
    offered = dict(driver=['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], ipam_driver=[])

    def drivers(self, field):
        self.reads.append(('drivers', field))
        return copy.deepcopy(self.offered[field])

    # -- networks ----------------------------------------------------------
    def list_networks(self, filters=None):
        self.reads.append(('list_networks', filters))
        filters = dict(filters or {})
        unknown = set(filters) - {'name', 'id', 'label', 'driver'}
        assert not unknown, 'FakeApi.list_networks has no filter %s' % sorted(unknown)
        rows = []
        for net in self.networks.values():
            labels = net.get('Labels') or {}
            if filters.get('name') and not any(part in net['Name'] for part in filters['name']):
                continue
            if filters.get('id') and not any(net['Id'].startswith(part) for part in filters['id']):
                continue
            if filters.get('driver') and net['Driver'] not in filters['driver']:
                continue
            wanted = [label.split('=', 1) for label in filters.get('label') or []]
            if not all(pair[0] in labels and (len(pair) == 1 or labels[pair[0]] == pair[1]) for pair in wanted):
                continue
            rows.append(dict(copy.deepcopy(net), Containers={}))  # a listing has no endpoints
        return rows

    def inspect_network(self, name_or_id, verbose=False):
        self.reads.append(('inspect_network', name_or_id))
        net = self._network(name_or_id)
        if net is None:
            return None
        record = copy.deepcopy(net)
        record['Containers'] = dict(
            (cid, {'Name': attached['Name'].lstrip('/'), 'EndpointID': 'e' * 64, 'MacAddress': '',
                   'IPv4Address': '', 'IPv6Address': ''})
            for cid, attached in self._attached(net) if attached['State'].get('Running'))
        return record

    def create_network(self, body):
        (self.journal_calls if body.get('ConfigOnly') else self.calls).append(('create', body['Name']))
        if not body.get('ConfigOnly'):
            self.writes.append(('create', body['Name']))
        if self.fail_create and self.fail_create(body):
            raise _refused('creating network %s' % body['Name'], 'refused')
        net_id = self._next_id()
        ipam = copy.deepcopy(body.get('IPAM') or {'Driver': 'default', 'Config': []})
        self.networks[net_id] = network(
            body['Name'], net_id, labels=body.get('Labels'), Created=self._stamp(), IPAM=ipam,
            Driver=body.get('Driver') or 'bridge', Options=dict(body.get('Options') or {}),
            Internal=bool(body.get('Internal')), Attachable=bool(body.get('Attachable')),
            EnableIPv6=bool(body.get('EnableIPv6')), ConfigOnly=bool(body.get('ConfigOnly')),
            ConfigFrom=dict(body.get('ConfigFrom') or {'Network': ''}))
        return net_id

    def _remove(self, net_id):
        """None once removed, else the daemon's reason (gone already, or in use)."""
        net = self.networks.get(net_id)
        journal = bool(net and net['ConfigOnly'])
        (self.journal_calls if journal else self.calls).append(('remove', net_id))
        if not journal:
            self.writes.append(('remove', net['Name'] if net else net_id))
        if net is None:
            return 'it no longer exists'
        if any(record['State'].get('Running') for dummy, record in self._attached(net)):
            return 'error while removing network: network %s id %s has active endpoints' % (net['Name'], net_id)
        del self.networks[net_id]
        return None

    def remove_network(self, net_id):
        reason = self._remove(net_id)
        if reason == 'it no longer exists':  # DockerApi.remove_network: False for a network already gone
            return False
        if reason:
            raise _refused('removing network %s' % net_id, reason)
        return True

    def remove_unused_network(self, net_id):
        return self._remove(net_id)

    def connect(self, net_id, container, endpoint_config):
        self.calls.append(('connect', net_id, container, endpoint_config))
        net, record = self._network(net_id), self._container(container)
        self.writes.append(('connect', net['Name'] if net else net_id,
                            record['Name'][1:] if record else container))
        if net is None or record is None:
            raise _refused('connecting container %s to network %s' % (container, net_id), 'No such network or container')
        record['NetworkSettings']['Networks'][net['Name']] = _endpoint(net, endpoint_config)

    def disconnect(self, net_id, container, force=False):
        self.calls.append(('disconnect', net_id, container, force))
        net, record = self._network(net_id), self._container(container)
        self.writes.append(('disconnect', net['Name'] if net else net_id,
                            record['Name'][1:] if record else container))
        if record is not None and net is not None:
            record['NetworkSettings']['Networks'].pop(net['Name'], None)

    # -- containers --------------------------------------------------------
    def inspect_container(self, name_or_id):
        self.reads.append(('inspect_container', name_or_id))
        record = self._container(name_or_id)
        return copy.deepcopy(record) if record is not None else None

    def list_containers(self, filters=None):
        self.reads.append(('list_containers', filters))
        filters = dict(filters or {})
        unknown = set(filters) - {'network', 'label'}
        assert not unknown, 'FakeApi.list_containers has no filter %s' % sorted(unknown)
        rows = []
        for cid, record in self.containers.items():
            endpoints = record['NetworkSettings']['Networks']
            labels = (record.get('Config') or {}).get('Labels') or {}
            if any(labels.get(key) != value for key, dummy, value in (text.partition('=') for text in
                                                                      filters.get('label') or [])):
                continue
            if filters.get('network'):
                wanted = set(filters['network'])
                ids = set(endpoint.get('NetworkID') for endpoint in endpoints.values())
                if not (set(endpoints) & wanted or ids & wanted):
                    continue
            state = record['State']
            rows.append({'Id': cid, 'Names': [record['Name']], 'Image': (record.get('Config') or {}).get('Image'),
                         'Labels': dict(labels),
                         'State': 'running' if state.get('Running') else state.get('Status', 'created'),
                         'HostConfig': copy.deepcopy(record.get('HostConfig') or {'NetworkMode': 'default'}),
                         'NetworkSettings': {'Networks': dict((name, dict(endpoint, Aliases=None))
                                                              for name, endpoint in endpoints.items())}})
        return rows

    def exec_run(self, container, cmd, timeout=None, user=None, environment=None):
        self.runs.append((container, cmd, user))
        return self.answer(cmd)

    def create_container(self, name, body):
        self.calls.append(('create_container', name, body))
        self.writes.append(('create_container', name))
        cid = self._next_id()
        self.containers[cid] = container(name, cid, running=False, image=body.get('Image'),
                                         HostConfig=copy.deepcopy(body.get('HostConfig') or {}))
        self.containers[cid]['Config']['Labels'] = dict(body.get('Labels') or {})
        # Created on its first network, with that endpoint's settings, as the daemon does.
        for net_name, config in ((body.get('NetworkingConfig') or {}).get('EndpointsConfig') or {}).items():
            net = self._network(net_name)
            if net is None:
                del self.containers[cid]
                raise _refused('creating container %s' % name, 'network %s not found' % net_name)
            self.containers[cid]['NetworkSettings']['Networks'][net['Name']] = _endpoint(net, config)
        return cid

    def start_container(self, container):
        self.calls.append(('start_container', container))
        self.writes.append(('start_container', container))
        self._container(container)['State'] = {'Running': True, 'Status': 'running'}

    def restart_container(self, container, timeout=10):
        self.calls.append(('restart_container', container))
        self.writes.append(('restart_container', container))
        self._container(container)['State'] = {'Running': True, 'Status': 'running'}

    def remove_container(self, container):
        record = self._container(container)
        if record is None:
            return False
        self.calls.append(('remove_container', container))
        self.writes.append(('remove_container', container))
        del self.containers[record['Id']]
        return True


class ReadOnlyFakeApi(FakeApi):
    """A FakeApi on which every write fails the test: planners and readers must never write.

    A refused write raises AssertionError (no LabnetDockerError handler swallows it) and is kept
    in ``refused`` (method, arguments), so that even a broad ``except`` cannot hide it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = []

    def _refuse(self, method, *args):
        self.refused.append((method,) + args)
        raise AssertionError('%s%r called on a read-only API' % (method, args))

    def create_network(self, body):
        self._refuse('create_network', body)

    def remove_network(self, net_id):
        self._refuse('remove_network', net_id)

    def remove_unused_network(self, net_id):
        self._refuse('remove_unused_network', net_id)

    def connect(self, net_id, container, endpoint_config):
        self._refuse('connect', net_id, container, endpoint_config)

    def disconnect(self, net_id, container, force=False):
        self._refuse('disconnect', net_id, container, force)

    def exec_run(self, container, cmd, timeout=None, user=None, environment=None):
        self._refuse('exec_run', container, cmd)

    def create_container(self, name, body):
        self._refuse('create_container', name, body)

    def start_container(self, container):
        self._refuse('start_container', container)

    def restart_container(self, container, timeout=10):
        self._refuse('restart_container', container)

    def remove_container(self, container):
        self._refuse('remove_container', container)
