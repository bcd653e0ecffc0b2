# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers attached to a network as desired state: validate and plan (pure).

Entry points, meant to be reused by modules that converge many attachments
after one listing of networks and containers (see attachment.read for what one task
reads, attachment.apply for the executor and the single-task flow):

- :func:`plan_attachment` takes an :class:`Attachment` (``attachment.spec``) plus state already fetched
  (the network's inspect result, one container inspect record per requested
  container, the Engine API version, and optionally other containers' records
  to find who holds a fixed address: an :class:`AttachmentFacts` from attachment.read
  holds them for one task) and returns an :class:`AttachmentPlan`:
  ordered connect / disconnect / reconnect steps with their differences. It
  raises one LabnetDockerError listing every problem, so nothing is applied
  unless every container of the task can be handled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.network.addresses import (
    ADDRESS_FIELDS, address_holders, address_problems, subnet_is_user_configured)
from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import (
    endpoint_config, endpoint_differences, endpoint_from_inspect, MAC_ON_CONNECT, unsupported_endpoint_fields)
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import describe_differences, difference_dicts
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_name, endpoint_on, half_made, live_endpoint, namespace_owner)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DEFAULT_NETWORK, MODE_ONLY_NETWORKS

# Fields the daemon stores as configuration; a reconnect keeps those the task does not set.
# (The MAC address is left out: the daemon makes one up for each endpoint, and carrying it would pin it.)
CARRIED_FIELDS = ('ipv4_address', 'ipv6_address', 'aliases', 'links', 'driver_options', 'gw_priority')


@dataclass
class Step:
    """One change: ``action`` is connect, disconnect or reconnect (disconnect, then connect)."""
    action: str
    container: str
    container_id: str
    config: dict = None  # EndpointConfig sent on connect
    previous: dict = None  # EndpointConfig of the endpoint a reconnect replaces, to restore it on failure
    differences: list = field(default_factory=list)  # [(field, before, after)]
    before: dict = None  # configured endpoint before (None: not connected)
    after: dict = None  # configured endpoint after (None: disconnected)
    force: bool = False
    verify_subnet: bool = False  # ask the daemon whether the fixed address is allowed before disconnecting
    repair: bool = False  # the container's record holds a half-made endpoint on the network (see half_made)


@dataclass
class AttachmentFacts:
    """What planning one task needs, read before planning (attachment.read.read_facts)."""
    network: dict | None  # the network's inspect result; None when it does not exist
    records: list  # the inspect record of each of the task's containers, in order (None: not found)
    api_version: str
    others: list = field(default_factory=list)  # listing rows of the network's containers: address holders, strays
    members: set | None = None  # IDs of the containers the network's inspect lists (see half_made)
    strays: dict = field(default_factory=dict)  # exclusive: {ID: inspect record} of the network's other containers


@dataclass
class AttachmentPlan:
    network: dict  # {'name', 'id'}, or None when the network does not exist (only for state=absent)
    state: str
    steps: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)  # [{'container', 'id', 'connected', 'endpoint'}]


def network_problems(network, ref):
    """Why containers cannot be connected to ``network`` at all ([] when they can)."""
    if network is None:
        return ['network %s not found' % ref]
    name, driver = network.get('Name'), network.get('Driver')
    if name in MODE_ONLY_NETWORKS or driver in ('host', 'null'):
        return ['network %s: containers cannot be connected to the %s network; a container gets host or no '
                'networking only through its network_mode when it is created' % (name, name)]
    if network.get('Ingress'):
        return ['network %s is the swarm ingress network (routing mesh); containers cannot be attached to it' % name]
    if network.get('ConfigOnly'):
        return ['network %s is a config-only network; attach containers to a network created from it' % name]
    if network.get('Scope') == 'swarm' and not network.get('Attachable'):
        return ['network %s is a swarm network that is not attachable; only services can use it' % name]
    return []


def settings_problems(settings, network, api_version):
    """Why ``settings`` cannot be used on ``network`` with this daemon ([] when they can)."""
    problems = []
    for name, minimum in unsupported_endpoint_fields(settings, api_version):
        problems.append('%s needs Docker Engine API %s or newer on connect; this daemon speaks %s'
                        % (name, minimum, api_version))
    if network.get('Name') == DEFAULT_NETWORK:  # the default bridge has no user-defined features
        for name, address in [(n, settings.get(n)) for n, dummy in ADDRESS_FIELDS if settings.get(n)]:
            problems.append('%s %s: fixed addresses work only on user-defined networks, not on the default '
                            'bridge' % (name, address))
        if settings.get('aliases'):
            problems.append('aliases %s: network-scoped aliases work only on user-defined networks, not on the '
                            'default bridge' % ', '.join(settings['aliases']))
        return problems
    return problems + address_problems(settings, network)


def container_problems(ref, record, network_name):
    """Why the container ``ref`` (its inspect ``record``) cannot be attached ([] when it can)."""
    if record is None:
        return ['container %s not found' % ref]
    mode = (record.get('HostConfig') or {}).get('NetworkMode') or ''
    name = container_name(record)
    if mode == 'host':
        return ['container %s uses host networking (network_mode host) and cannot be connected to network %s'
                % (name, network_name)]
    if mode == 'none':
        return ['container %s has networking disabled (network_mode none) and cannot be connected to network %s'
                % (name, network_name)]
    owner = namespace_owner(mode)
    if owner is not None:
        return ['container %s shares the network namespace of container %s (network_mode %s) and cannot be '
                'connected to network %s' % (name, owner[:12], mode, network_name)]
    return []


def configured_view(settings, extra=()):
    """The configured endpoint fields, for diffs and results."""
    view = dict(
        ipv4_address=settings.get('ipv4_address'),
        ipv6_address=settings.get('ipv6_address'),
        aliases=sorted(settings.get('aliases') or []),
        links=sorted(settings.get('links') or []),
        driver_options=dict(settings.get('driver_options') or {}),
    )
    for name in extra:
        view[name] = settings.get(name)
    return view


def _own_desired(settings, cid):
    """The desired settings for one container: its own ID never counts as an alias."""
    desired = dict(settings)
    if desired.get('aliases') is not None:
        desired['aliases'] = sorted(set(desired['aliases']) - {cid, cid[:12]})
    return desired


def _plan_absent(attachment, network, records, members=None):
    """Disconnect each container that is connected; a missing network or container is already absent.

    A half-made endpoint is cleared (connected for real, then disconnected), since the daemon
    cannot disconnect it as it is.
    """
    plan = AttachmentPlan(network=dict(name=network['Name'], id=network['Id']) if network else None, state='absent')
    problems = []
    seen = set()
    for ref, record in zip(attachment.containers, records):
        cid = record['Id'] if record else None
        if cid and cid in seen:
            continue
        seen.add(cid)
        if record and network and half_made(record, network, members):
            plan.steps.append(Step('clear', container_name(record), cid, config={}, repair=True, force=True,
                                   before=configured_view(endpoint_from_inspect(endpoint_on(record, network), cid))))
            continue
        endpoint = live_endpoint(record, network) if record and network else None
        if endpoint is None:
            plan.unchanged.append(dict(container=container_name(record) if record else ref, id=cid,
                                       connected=False, endpoint=None))
            continue
        if network['Name'] in MODE_ONLY_NETWORKS:
            problems.append('container %s is on the %s network through its network_mode, which is fixed when a '
                            'container is created; it cannot be disconnected' % (container_name(record), network['Name']))
            continue
        before = configured_view(endpoint_from_inspect(endpoint, cid))
        plan.steps.append(Step('disconnect', container_name(record), cid, before=before, force=attachment.force))
    if problems:
        raise LabnetDockerError('; '.join(problems), problems=problems)
    return plan


def plan_attachment(attachment, network, records, api_version, others=(), members=None):
    """Plan the changes that make ``attachment`` true (pure).

    ``network`` is the network's inspect result (None when it does not exist),
    ``records`` the inspect record of each of ``attachment.containers`` in the
    same order (None for one that does not exist; listing rows will not do, as
    they lack aliases and driver options), ``api_version`` the Engine API
    version spoken ('1.41'), ``others`` container records (inspect results or
    listing rows, e.g. one listing of all containers) searched for holders of
    a fixed address; without them only running holders are found, ``members``
    the container IDs the network's inspect result lists (to tell half-made
    endpoints, see :func:`half_made`; None when not known). Raises one
    LabnetDockerError naming every problem (details: ``problems`` and, for
    refused reconnects, ``differences``); otherwise nothing in it is refused.
    """
    if attachment.state == 'absent':
        return _plan_absent(attachment, network, records, members)
    problems = network_problems(network, attachment.network)
    if problems:
        raise LabnetDockerError('; '.join(problems), problems=problems)
    net_name = network['Name']
    settings = attachment.settings
    problems = settings_problems(settings, network, api_version)
    count = len(set(record['Id'] for record in records if record)) + sum(1 for record in records if not record)
    if attachment.fixed_addresses and count > 1:
        problems.append('%s: a fixed address can be given to one container only, not to %d'
                        % (', '.join('%s %s' % pair for pair in attachment.fixed_addresses), count))
    plan = AttachmentPlan(network=dict(name=net_name, id=network['Id']), state='present')
    refused = []
    seen = set()
    extra = [name for name in ('mac_address', 'gw_priority') if settings.get(name) is not None]
    for ref, record in zip(attachment.containers, records):
        found = container_problems(ref, record, net_name)
        if found or record['Id'] in seen:
            problems.extend(found)
            continue
        cid, name = record['Id'], container_name(record)
        seen.add(cid)
        desired = _own_desired(settings, cid)
        repair = half_made(record, network, members)
        endpoint = live_endpoint(record, network, members)
        actual = endpoint_from_inspect(endpoint, cid) if endpoint is not None else None
        differences = endpoint_differences(desired, actual) if actual is not None else []
        if desired.get('mac_address') and (actual is None or differences):
            # A (re)connect would leave the container with a MAC the daemon picks, never the asked-for one.
            problems.append('container %s: mac_address %s on network %s: %s'
                            % (name, desired['mac_address'], net_name, MAC_ON_CONNECT))
            continue
        if actual is not None:
            if not differences:
                plan.unchanged.append(dict(container=name, id=cid, connected=True, endpoint=actual))
                continue
            if not attachment.reconnect:
                refused.append((name, differences))
                continue
        for address_field, address in attachment.fixed_addresses:
            holders = address_holders(address, network, list(others or ()) + [r for r in records if r], cid)
            if holders:
                problems.append('%s %s is already held by %s on network %s'
                                % (address_field, address, ', '.join(holders), net_name))
        target = dict((key, actual.get(key)) for key in CARRIED_FIELDS) if actual else {}
        target.update(desired)
        step = Step('connect', name, cid, config=endpoint_config(target), after=configured_view(target, extra),
                    repair=repair)
        if actual is not None:
            carried = dict((key, actual.get(key)) for key in CARRIED_FIELDS)
            step.action, step.force = 'reconnect', attachment.force
            step.previous = endpoint_config(carried)
            step.differences = differences
            step.before = configured_view(actual, extra)
            step.verify_subnet = any(
                subnet_is_user_configured(network, version, list(others or ()) + [record]) is None
                for address_field, version in ADDRESS_FIELDS if desired.get(address_field))
        plan.steps.append(step)
    for name, differences in refused:
        problems.append('container %s is connected to network %s with other settings and reconnect is false: %s'
                        % (name, net_name, describe_differences(differences)))
    if problems:
        details = dict(problems=problems)
        if refused:
            details['differences'] = [entry for name, differences in refused
                                      for entry in result_differences(differences, container=name)]
        raise LabnetDockerError('; '.join(problems), **details)
    return plan


def result_differences(differences, **extra):
    """Step differences ``[(field, before, after)]`` as results show them: ``before`` and ``after``.

    ``current`` and ``desired`` repeat them under their former names, for one release only
    (deprecated, see the changelog).
    """
    return [dict(entry, current=entry['before'], desired=entry['after'])
            for entry in difference_dicts(differences, **extra)]
