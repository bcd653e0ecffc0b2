# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lab's containers as desired state: what each one was declared with, and the steps that bring the
daemon's containers there (pure).

Entry points:

- :func:`spec_label` - the declared spec of a container as the text of its :data:`SPEC_LABEL` label
  (canonical JSON), so a later run can tell, field by field, whether the declaration changed.
- :func:`declared_spec` / :func:`create_body` - a lab container (lab.spec's container parameters) ->
  the spec its label records, and the Engine API create body that carries that label.
- :func:`plan_containers` - declared containers plus the records of the lab's containers already on
  the daemon -> the ordered :class:`ContainerStep` list (create, recreate, start, restart, remove), each
  with its reason; raises one LabnetDockerError naming every container that cannot be planned.

A container is re-created only when its declared spec differs from the one its label recorded (the
reason names the fields: ``config drift: command, image``), never by comparing what the daemon reports
with what was asked (defaults, engine versions and image settings would make every run differ). A
container that shares another's network namespace (``network_mode: container:<owner>``) is planned
after its owner; when its owner is created or re-created it is re-created (its mode names the old
owner's ID), and when its owner is started or restarted it is restarted (the namespace it joined is
gone). The same holds when a run was killed between the two: a member whose ``container:<id>`` names
an earlier owner is re-created, and one whose owner started after it is restarted. Undeclared containers
of the lab are removed, members before their owners.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_name, is_running, namespace_owner)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.timespec import parse_timestamp
from ansible_collections.labnet.docker.plugins.module_utils.lab.spec import PORT_RE

SPEC_LABEL = 'labnet.docker.lab.spec'


@dataclass(frozen=True)
class ContainerStep:
    """One change to one container: ``action`` is create, recreate, start, restart or remove."""
    action: str
    name: str
    reason: str


def spec_label(spec):
    """The label text that records ``spec`` (a JSON-able dict): sorted keys, no spaces (pure)."""
    return json.dumps(spec, sort_keys=True, separators=(',', ':'))


# What a container is declared with, of lab.spec's container parameters: a change to any of these re-creates
# it. Its endpoints are not among them: topology converges those by connecting and reconnecting.
DECLARED = ('image', 'command', 'network_mode', 'published_ports', 'publish_all_ports', 'dns_servers')


def declared_spec(params):
    """The spec a lab container's label records: the DECLARED fields of its parameters (pure)."""
    spec = dict((key, params.get(key)) for key in DECLARED)
    spec['published_ports'] = sorted(spec['published_ports'] or [])
    spec['publish_all_ports'] = bool(spec['publish_all_ports'])
    return spec


def _port_bindings(ports):
    """``ExposedPorts`` and ``HostConfig.PortBindings`` of ``[address:][host_port:]container_port[/protocol]`` texts."""
    exposed, bindings = {}, {}
    for text in ports:
        match = PORT_RE.match(str(text))
        key = '%s/%s' % (match.group('ctr'), match.group('proto') or 'tcp')
        exposed[key] = {}
        bindings.setdefault(key, []).append(dict(HostIp=(match.group('ip') or '').strip('[]'),
                                                 HostPort=match.group('host') or ''))
    return exposed, bindings


def create_body(params):
    """The Engine API body that creates the container ``params`` declare (lab.spec's parameters), labelled
    with its :func:`declared_spec` (pure). Its first network's endpoint (fixed address, aliases) is set at
    create, as ``docker run --network --ip --network-alias`` does."""
    command = params.get('command')
    if isinstance(command, str):
        command = shlex.split(command)
    exposed, bindings = _port_bindings(params.get('published_ports') or [])
    host = dict(NetworkMode=params['network_mode'], PortBindings=bindings,
                PublishAllPorts=bool(params.get('publish_all_ports')))
    if params.get('dns_servers') is not None:
        host['Dns'] = list(params['dns_servers'])
    labels = dict(params.get('labels') or {})
    labels[SPEC_LABEL] = spec_label(declared_spec(params))
    body = dict(Image=params['image'], Cmd=command, Labels=labels, ExposedPorts=exposed, HostConfig=host)
    endpoints = {}
    for endpoint in params.get('networks') or []:
        config = {}
        fixed = (('ipv4_address', 'IPv4Address'), ('ipv6_address', 'IPv6Address'))
        addresses = dict((key, endpoint[name]) for name, key in fixed if endpoint.get(name))
        if addresses:
            config['IPAMConfig'] = addresses
        if endpoint.get('aliases'):
            config['Aliases'] = list(endpoint['aliases'])
        endpoints[endpoint['name']] = config
    if endpoints:
        body['NetworkingConfig'] = dict(EndpointsConfig=endpoints)
    return body


def _labels(record):
    return ((record.get('Config') or {}).get('Labels') if 'Config' in record else record.get('Labels')) or {}


def _recorded(record):
    """The spec a container's label recorded, or None when it has none (or one that is not a spec)."""
    text = _labels(record).get(SPEC_LABEL)
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _joined_another(member, owner):
    """Whether a member's inspect record names, as its ``container:<id>`` mode, a container that is not ``owner``.

    The daemon resolves ``container:<name>`` to the owner's ID when it creates the member: after the owner
    is re-created (by hand, or by a run killed before it re-created the member) the member still points
    at the old ID. Listing rows carry the mode too; without an ID there (a name), nothing can be told.
    """
    target = namespace_owner((member.get('HostConfig') or {}).get('NetworkMode'))
    if owner is None or target is None:
        return False
    return len(target) == 64 and target != owner.get('Id')


def _started_after(owner, member):
    """Whether ``owner`` was (re)started after ``member``: the namespace the member joined is gone then.

    Inspect records only (``State.StartedAt``); listing rows tell nothing.
    """
    def started(record):
        state = (record or {}).get('State')
        return parse_timestamp(state.get('StartedAt') or '') if isinstance(state, dict) else None
    owner_started, member_started = started(owner), started(member)
    return owner_started is not None and member_started is not None and owner_started > member_started


def drift(declared, recorded):
    """The fields whose declared value differs from the recorded one, sorted (pure)."""
    return sorted(key for key in set(declared) | set(recorded) if declared.get(key) != recorded.get(key))


def owner_order(containers):
    """The declared containers with every owner before its members; raises naming a cycle or a missing owner."""
    by_name = dict((ctr['name'], ctr) for ctr in containers)
    ordered, state, problems = [], {}, []

    def visit(ctr, path):
        name = ctr['name']
        if state.get(name) == 'done':
            return
        if state.get(name) == 'visiting':
            problems.append('containers %s share network namespaces in a cycle (network_mode container:)'
                            % ' -> '.join(path + [name]))
            return
        state[name] = 'visiting'
        owner = ctr.get('owner')
        if owner is not None:
            if owner not in by_name:
                problems.append('container %s: network_mode container:%s names no container of the lab' % (name, owner))
            else:
                visit(by_name[owner], path + [name])
        state[name] = 'done'
        ordered.append(ctr)

    for ctr in containers:
        visit(ctr, [])
    if problems:
        raise LabnetDockerError('; '.join(sorted(set(problems))))
    return ordered


def _removal_order(records, owners):
    """Undeclared containers, members before the owners they share a namespace with."""
    names = sorted(records)
    ordered, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for other in names:  # members of ``name`` go first
            if owners.get(other) == name:
                visit(other)
        ordered.append(name)

    for name in names:
        visit(name)
    return ordered


def plan_containers(declared, records, owners_of_records=None):
    """The steps that make the lab's containers what ``declared`` says (pure).

    ``declared`` are dicts with ``name`` (the container's name on the daemon), ``spec`` (what it is
    declared with, JSON-able) and ``owner`` (the name of the container whose namespace it shares, or
    None). ``records`` maps names to the inspect records or listing rows of the lab's containers on the
    daemon (found by the lab's label); ``owners_of_records`` maps an undeclared container's name to its
    owner's name, for the order of removals.
    """
    records = dict(records or {})
    steps, planned = [], {}
    for ctr in owner_order(declared):
        name, record = ctr['name'], records.get(ctr['name'])
        owner_step = planned.get(ctr.get('owner'))
        if record is None:
            step = ContainerStep('create', name, 'missing')
        elif _recorded(record) is None:
            step = ContainerStep('recreate', name, 'no recorded spec (made by another version, or by hand)')
        elif drift(ctr['spec'], _recorded(record)):
            step = ContainerStep('recreate', name, 'config drift: %s' % ', '.join(drift(ctr['spec'], _recorded(record))))
        elif owner_step is not None and owner_step.action in ('create', 'recreate'):
            step = ContainerStep('recreate', name, 'owner %s %sd: its network namespace is new'
                                 % (owner_step.name, owner_step.action))
        elif owner_step is not None:
            step = ContainerStep('restart', name, 'owner %s %sed: the network namespace it joined is gone'
                                 % (owner_step.name, owner_step.action))
        elif ctr.get('owner') and _joined_another(record, records.get(ctr['owner'])):
            step = ContainerStep('recreate', name, 'it shares the namespace of an earlier %s (re-created since)'
                                 % ctr['owner'])
        elif ctr.get('owner') and is_running(record) and _started_after(records.get(ctr['owner']), record):
            step = ContainerStep('restart', name, 'owner %s started after it: the network namespace it joined is gone'
                                 % ctr['owner'])
        elif not is_running(record):
            step = ContainerStep('start', name, 'not running')
        else:
            step = None
        if step is not None:
            planned[name] = step
            steps.append(step)
    declared_names = set(ctr['name'] for ctr in declared)
    undeclared = dict((name, record) for name, record in records.items() if name not in declared_names)
    removals = [ContainerStep('remove', name, 'not in the lab any more')
                for name in _removal_order(undeclared, owners_of_records or {})]
    return removals + steps


def records_by_name(records):
    """{name: record} of inspect records or listing rows (pure)."""
    return dict((container_name(record), record) for record in records or ())
