# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deciding what to do to one network, from state that was already fetched (pure).

Entry points, shared by ``labnet.docker.network`` and ``labnet.docker.topology``:

- :func:`choose_network` - among listing rows carrying one name, the one to keep
  (oldest ``Created``, then lowest ID) and the duplicates.
- :func:`plan_network` - the whole plan, the one planner of the network family: it resolves
  references first (config_from, by name or ID, among the listing rows), then decides the verb
  once, asks the injected reader for the attached containers' endpoints only when that verb
  needs them (a recreate restores them, a removal disconnects them: network.read.ApiReader,
  or topology's reader over its container listing), validates (overlap with other networks'
  pools, kept addresses inside the new pools, attached containers on removal) and returns
  the ordered actions. Raises before anything is written.
- :func:`decide` - ``(verb, differences)`` with verb ``create``, ``recreate``,
  ``remove`` or ``none``, for a spec whose references are resolved; raises for refusals
  that need no more state (predefined networks, ``recreate: never``, unsupported API options).
- :func:`needs_endpoints` - whether a verb needs the attached containers' endpoints
  (reading them costs one inspect per container).

The executor (``network.apply.apply_plan``) performs ``plan.tracker.actions``
in order. Keys starting with ``_`` in an action are for the executor only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker, describe_differences, difference_dicts
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.addresses import address_problems
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import (
    address_space, family_problems, overlapping_network)
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import PREDEFINED_NETWORKS, pick_network
from ansible_collections.labnet.docker.plugins.module_utils.network.driver_options import (
    DEFAULT_DRIVER, driver_or_default, missing_driver_problems, plugin_drivers)
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import (
    actual_from_inspect, check_combination, compare, create_body, merge_spec, planned_row, spec_summary,
    unsupported_options)

# Endpoint settings restored after a recreate. Addresses are the user-fixed ones
# (IPAMConfig); a dynamically assigned address is not pinned. MAC addresses are
# not restored: the Engine API takes them per endpoint only from 1.44 on, and an
# inspect cannot tell a fixed MAC from a generated one. A gateway priority of 0 is the default.
RESTORED_FIELDS = ('ipv4_address', 'ipv6_address', 'aliases', 'links', 'driver_options', 'gw_priority')


@dataclass
class NetworkFacts:
    """What the planner needs to know about the daemon, read by the caller before planning.

    What only some verbs need (the attached containers' endpoints) is not here: the planner
    asks its reader for it once it knows the verb.
    """

    network: dict | None  # inspect result (or listing row) of the network with the name; None if absent
    rows: list  # listing rows of every network on the daemon (overlaps, config_from)
    api_version: str
    duplicates: list = field(default_factory=list)  # [{'id', 'created', 'containers': [names]}]


@dataclass
class Plan:
    name: str
    state: str
    verb: str
    network: dict | None
    tracker: ChangeTracker
    warnings: list
    diff: dict
    spec: object = None  # the spec created (merged for a recreate)


def created_key(row):
    """Sort key for "oldest first": ``Created`` as (seconds text, nanoseconds), then ID.

    The daemon trims trailing zeros from the fraction, so the text alone does not sort.
    """
    text = row.get('Created') or ''
    base, rest = (text.split('.', 1) + [''])[:2]
    digits = ''.join(ch for ch in rest if ch.isdigit())
    base = base.rstrip('Z')
    return (base, int((digits + '000000000')[:9]), row.get('Id') or '')


def choose_network(rows, name):
    """(kept row or None, [duplicate rows]) among ``rows`` whose Name is exactly ``name``."""
    same = sorted((row for row in rows if row.get('Name') == name), key=created_key)
    if not same:
        return None, []
    return same[0], same[1:]


def decide(spec, state, network, recreate, api_version):
    """``(verb, differences)`` for one network; raises for refusals needing no more state."""
    missing = unsupported_options(spec, api_version)
    if missing:
        raise LabnetDockerError('; '.join('%s needs Docker Engine API %s or newer; the daemon speaks %s'
                                          % (option, minimum, api_version) for option, minimum in missing))
    predefined = spec.name in PREDEFINED_NETWORKS and network is not None
    if state == 'absent':
        if predefined:
            raise LabnetDockerError('%s is a network predefined by Docker; it cannot be removed' % spec.name)
        return ('remove' if network else 'none'), []
    if network is None:
        return 'create', []
    differences = compare(spec, actual_from_inspect(network))
    if recreate == 'never' and differences:
        raise LabnetDockerError('network %s differs from the task and recreate is never: %s'
                                % (spec.name, describe_differences(differences)), differences=difference_dicts(differences))
    if recreate == 'always' or differences:
        if predefined:
            reason = describe_differences(differences) if differences else 'recreate is always'
            raise LabnetDockerError('%s is a network predefined by Docker; it cannot be recreated (%s)'
                                    % (spec.name, reason), differences=difference_dicts(differences))
        return 'recreate', differences
    return 'none', differences


def needs_endpoints(verb):
    return verb in ('recreate', 'remove')


def restorable_endpoint(settings):
    """The part of a recorded endpoint that is put back on reconnect."""
    return dict((key, settings.get(key)) for key in RESTORED_FIELDS if settings.get(key))


def resolve_config_from(spec, rows):
    """Point config_from at the configuration network's name; it must exist and be config-only."""
    if not spec.config_from:
        return spec
    row = pick_network(rows, spec.config_from)
    if row is None:
        raise LabnetDockerError('config_from network %s does not exist' % spec.config_from)
    if not row.get('ConfigOnly'):
        raise LabnetDockerError('config_from network %s is not a config-only network (create it with config_only: true)'
                                % row.get('Name'))
    return replace(spec, config_from=row['Name'])


def driver_problem(spec):
    """Why the daemon would refuse to create ``spec`` with its driver and IPAM driver (None when fine; pure)."""
    if spec.config_only or spec.config_from:
        return None
    driver = driver_or_default(spec.driver)
    if spec.ingress and driver != 'overlay':
        return ('ingress: true needs driver overlay: only a swarm-scope overlay network can be the ingress network '
                '(driver is %s)' % driver)
    if spec.ipam_driver == 'null' and driver == 'bridge' and spec.enable_ipv4 is not False:
        return ('ipam_driver null gives the network no IPv4 pool, and the bridge driver needs one; leave ipam_driver '
                'out (the default IPAM driver) or use driver null')
    return None


def needs_swarm(spec):
    """Whether creating ``spec`` needs this engine to be a swarm manager (the daemon refuses it otherwise)."""
    if spec.config_only:
        return False
    return driver_or_default(spec.driver) == 'overlay' or spec.scope in ('swarm', 'global')


def swarm_problem(spec, role):
    """Why a network that needs a swarm cannot be created on an engine whose swarm role is ``role`` (pure)."""
    if role == 'manager':
        return None
    what = 'driver overlay' if driver_or_default(spec.driver) == 'overlay' else 'scope %s' % spec.scope
    if role == 'worker':
        return ('%s needs a swarm manager: this engine is a swarm worker; create the network on a manager'
                % what)
    return ('%s needs a swarm: this engine is not in one (swarm state %s); run docker swarm init or join one first'
            % (what, role))


def _check_swarm(spec, reader, where=''):
    """Refuse creating a network that needs a swarm manager on an engine that is not one (one info read, if needed)."""
    if needs_swarm(spec) and reader is not None:
        problem = swarm_problem(spec, reader.swarm_role())
        if problem:
            raise LabnetDockerError(where + problem)


def _check_drivers(spec, reader, rows, where=''):
    """Refuse creating ``spec`` with a driver the engine does not have (its list is read only for a plugin's name)."""
    if spec.config_only or reader is None:
        return  # a config-only network is stored with driver null: the daemon does not look its driver up
    wanted = plugin_drivers(spec.driver, spec.ipam_driver, bool(spec.config_from))
    offered = dict((field, reader.drivers(field)) for field, _name in wanted)
    problems = missing_driver_problems(wanted, offered, rows) if wanted else []
    if problems:
        raise LabnetDockerError(where + '; '.join(problems), problems=problems)


def check_new_network(spec, facts, exclude_ids):
    """Before creating ``spec``: its drivers, the bridge driver's pool limit, and no overlap with other pools."""
    problem = driver_problem(spec)
    if problem:
        raise LabnetDockerError(problem)
    if spec.config_only or not spec.ipam_config or (spec.ipam_driver or 'default') != 'default':
        return
    if (spec.driver or DEFAULT_DRIVER) == 'bridge':
        for version in (4, 6):
            count = sum(1 for pool in spec.ipam_config if (':' in pool['subnet']) == (version == 6))
            if count > 1:
                raise LabnetDockerError('ipam_config has %d IPv%d pools, but the bridge driver takes one IPv4 and one '
                                        'IPv6 pool at most' % (count, version))
    hit = overlapping_network(spec.ipam_config, facts.rows, exclude_ids, address_space(spec.scope, spec.driver))
    if hit:
        raise LabnetDockerError(hit[0], network_id=hit[1].get('Id'))


def check_kept_addresses(spec, endpoints, rows):
    """Every fixed address of an attached container must be usable on the new network.

    The same rules as for attaching (``network.addresses.address_problems``: inside a pool,
    IPv6 enabled, not the gateway, an aux address or a subnet's network/broadcast
    address), applied to the network as it will be created.
    """
    config_row = choose_network(rows, spec.config_from)[0] if spec.config_from else None
    network = planned_row(spec, config_row)
    problems = []
    for endpoint in endpoints:
        for problem in address_problems(endpoint['settings'], network):
            problems.append('container %s: %s' % (endpoint['container'], problem))
    if problems:
        raise LabnetDockerError('; '.join(problems) + '; nothing was changed', problems=problems)


def _refuse_family_problems(spec, where=''):
    problems = family_problems(spec, where)
    if problems:
        raise LabnetDockerError('; '.join(problems), problems=problems)


def check_not_a_configuration(name, verb, rows):
    """The daemon keeps a config-only network while networks take their configuration from it."""
    users = sorted(row.get('Name') for row in rows if (row.get('ConfigFrom') or {}).get('Network') == name)
    if users:
        what = 'removed' if verb == 'remove' else 'recreated'
        raise LabnetDockerError('network %s cannot be %s: %s take their configuration from it (config_from); '
                                'remove them first' % (name, what, ', '.join(users)), networks=users)


def _reconnect_order(endpoint):
    settings = endpoint['settings']
    fixed = bool(settings.get('ipv4_address') or settings.get('ipv6_address'))
    return (not fixed, endpoint['container'])


def _disconnect_all(tracker, name, network_id, endpoints, force):
    for endpoint in sorted(endpoints, key=lambda item: item['container']):
        tracker.act('disconnect', network=name, container=endpoint['container'], running=endpoint['running'],
                    _network_id=network_id, _container_id=endpoint['id'], _force=force)


def plan_network(spec, state, facts, reader=None, recreate='on_change', force=False, force_exempt=None):
    """The validated, ordered plan for one network (see the module docstring).

    ``reader.endpoints(network, verb)`` is asked once, for a recreate or a removal only.
    ``force_exempt`` (topology): IDs of attached containers that a removal disconnects
    without force, because the same task lists them.
    """
    spec = resolve_config_from(spec, facts.rows) if state == 'present' else spec
    network = facts.network
    verb, differences = decide(spec, state, network, recreate, facts.api_version)
    endpoints = []
    if needs_endpoints(verb):
        if reader is None:
            raise ValueError('plan_network needs a reader for the endpoints of a %s' % verb)
        endpoints = reader.endpoints(network, verb)
    tracker = ChangeTracker()
    for difference in differences:
        tracker.differ(*difference)
    warnings = []
    name = spec.name
    net_id = network.get('Id') if network else None
    dup_ids = set(dup['id'] for dup in facts.duplicates)
    if facts.duplicates and state == 'present':
        for dup in facts.duplicates:
            if dup['containers']:
                warnings.append('network name %s is also carried by network %s, which has attached containers (%s); '
                                'it was left alone and %s is managed'
                                % (name, dup['id'][:12], ', '.join(dup['containers']), net_id[:12]))
            else:
                tracker.act('remove_duplicate', network=name, id=dup['id'], kept=net_id)
                warnings.append('network name %s was carried by %d networks; kept %s (the oldest), removed duplicate %s'
                                % (name, len(facts.duplicates) + 1, net_id[:12], dup['id'][:12]))
    plan = Plan(name=name, state=state, verb=verb, network=network, tracker=tracker, warnings=warnings,
                diff={}, spec=spec)
    if verb == 'create':
        _refuse_family_problems(spec)
        check_new_network(spec, facts, dup_ids)
        _check_drivers(spec, reader, facts.rows)
        _check_swarm(spec, reader)
        tracker.act('create', network=name, _body=create_body(spec))
        plan.diff = dict(before={'state': 'absent'}, after=dict(state='present', **spec_summary(spec)))
    elif verb == 'recreate':
        actual = actual_from_inspect(network)
        merged = merge_spec(spec, actual)
        check_combination(spec, merged.config_only, merged.config_from, network=name)
        _refuse_family_problems(merged, 'network %s: ' % name)
        check_not_a_configuration(name, verb, facts.rows)
        check_new_network(merged, facts, dup_ids | {net_id})
        _check_drivers(merged, reader, facts.rows, 'network %s: ' % name)
        _check_swarm(merged, reader, 'network %s: ' % name)
        check_kept_addresses(merged, endpoints, facts.rows)
        _disconnect_all(tracker, name, net_id, endpoints, False)
        tracker.act('remove', network=name, id=net_id)
        tracker.act('create', network=name, _body=create_body(merged), _restore=actual)
        for endpoint in sorted(endpoints, key=_reconnect_order):
            tracker.act('connect', network=name, container=endpoint['container'],
                        endpoint=restorable_endpoint(endpoint['settings']), _container_id=endpoint['id'])
        plan.spec = merged
        # Re-creating is the disruptive part: the diff says so and names each endpoint it disconnects and restores.
        plan.diff = tracker.diff(
            {'state': 'present', 'endpoints': sorted(endpoint['container'] for endpoint in endpoints)},
            {'state': 'recreated (removed and created again)',
             'endpoints': [_restored_text(action) for action in tracker.actions if action['action'] == 'connect']})
    elif verb == 'remove':
        check_not_a_configuration(name, verb, facts.rows)
        exempt = set(force_exempt or ())
        attached = sorted(set(endpoint['container'] for endpoint in endpoints if endpoint['id'] not in exempt)
                          | set(c for dup in facts.duplicates for c in dup['containers']))
        if attached and not force:
            hint = ' (containers this task lists in attachments need no force)' if force_exempt is not None else ''
            raise LabnetDockerError('network %s has attached containers: %s; set force: true to disconnect them and '
                                    'remove it%s' % (name, ', '.join(attached), hint), containers=attached)
        _disconnect_all(tracker, name, net_id, endpoints, True)
        tracker.act('remove', network=name, id=net_id)
        for dup in facts.duplicates:
            for container in dup['containers']:
                tracker.act('disconnect', network=name, container=container, _network_id=dup['id'],
                            _container_id=container, _force=True)
            tracker.act('remove', network=name, id=dup['id'])
        plan.diff = dict(before=dict(state='present', **actual_from_inspect(network)), after={'state': 'absent'})
    else:
        plan.diff = tracker.diff({'state': state}, {'state': state})
    return plan


def _restored_text(connect):
    settings = ', '.join('%s=%s' % (key, ','.join(value) if isinstance(value, list) else value)
                         for key, value in sorted(connect['endpoint'].items()))
    return '%s: disconnected, then reconnected%s' % (connect['container'], ' with ' + settings if settings else '')


def public_actions(actions):
    """Actions as returned to the user: without the executor's private keys."""
    return [dict((key, value) for key, value in action.items() if not key.startswith('_')) for action in actions]
