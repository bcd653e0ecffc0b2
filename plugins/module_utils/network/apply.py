# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying a network plan through the API, and the network module's whole run.

Entry points:

- :func:`apply_plan` - perform a plan's actions in order; in check mode only walk
  them. Undoes what it can when a step fails, and resolves duplicate names the
  daemon let through right after a create.
- :func:`ensure_network` - the ``labnet.docker.network`` module: params -> result. It first
  finishes an interrupted change of the network (recovery.recover).

Converging many networks with one listing (what ``topology`` does)::

    rows = api.list_networks()
    specs = [spec_from_params(item) for item in items]            # all validated before any write
    reader = ApiReader(api)                                         # asked for endpoints only by a recreate or removal
    for spec in specs:
        plans.append(plan_network(spec, 'present', network_facts(api, spec.name, rows=rows), reader,
                                  recreate=recreate))
        if plans[-1].verb in ('create', 'recreate'):
            rows.append(planned_row(plans[-1].spec))             # the next overlap check sees it
    for plan in plans:                                              # only after every plan was accepted
        apply_plan(api, plan, check_mode)

A created network is still checked for duplicates right after its create (one filtered
listing by name): that is what keeps concurrent runs from leaving two networks of one name.
"""

from __future__ import annotations

import time

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_config
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import race_budget
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import (
    choose_network, plan_network, public_actions)
from ansible_collections.labnet.docker.plugins.module_utils.network.read import (
    ApiReader, network_facts)
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import (
    create_body, spec_from_actual, spec_from_params)

# How the daemon refuses a create whose pools another create reserved (maybe one of the same name).
CONCURRENT_CREATE = 'Pool overlaps with other one on this address space'
# A removal that found the network already gone: another client removed it after this task read it
# (issue 14). The task re-reads and finds the work done instead of claiming it.
NETWORK_GONE = 'it no longer exists'
# A disconnect (of a removal with force) that another client did first.
NOT_CONNECTED = 'is not connected to'


def _restore(api, name, actual, connects):
    """Put a network back as it was and reconnect its containers; returns a note for the error."""
    try:
        net_id = api.create_network(create_body(spec_from_actual(name, actual), mark_managed=False))
        failed = _connect_all(api, net_id, connects)
    except LabnetDockerError as exc:
        return 'restoring the previous network failed too: %s' % exc.msg
    if failed:
        return 'the previous network was restored, but reconnecting failed: %s' % '; '.join(failed)
    return 'the previous network was restored and its containers reconnected'


def _connect_all(api, net_id, connects):
    failed = []
    for action in connects:
        try:
            api.connect(net_id, action['_container_id'], endpoint_config(action['endpoint']))
        except LabnetDockerError as exc:
            failed.append(exc.msg)
    return failed


def apply_plan(api, plan, check_mode):
    """Perform ``plan``; returns the ID of the network afterwards (None when removed or not yet created).

    On a failed step it undoes what it can (see :func:`_failure`) and raises with ``actions``
    (the steps that were done) and ``changed``. A re-create is journalled (journal.py) before its
    first write and the journal removed after its last, so a run that dies in between is finished
    by the next one.
    """
    actions = list(plan.tracker.actions)
    net_id = plan.network.get('Id') if plan.network else None
    if check_mode:
        return None if plan.verb in ('remove', 'create') else net_id
    done = []
    connects = [action for action in actions if action['action'] == 'connect']
    journal_id = journal.begin(api, _recreate_record(plan, actions)) if plan.verb == 'recreate' else None
    try:
        net_id = _apply_actions(api, plan, actions, done, connects, net_id)
    except LabnetDockerError as exc:
        raise recovery.settle(api, journal_id, exc)
    journal.end(api, journal_id)
    return net_id


def _recreate_record(plan, actions):
    """What finishes this re-create after a crash: the create body, the old settings, every endpoint."""
    create = [action for action in actions if action['action'] == 'create'][0]
    endpoints = [journal.endpoint_record(action['container'], action['_container_id'], endpoint_config(action['endpoint']))
                 for action in actions if action['action'] == 'connect']
    return journal.recreate_record(plan.name, plan.network['Id'], create['_body'], create['_restore'], endpoints)


def _apply_actions(api, plan, actions, done, connects, net_id):
    for action in actions:
        kind = action['action']
        try:
            if kind == 'disconnect':
                api.disconnect(action['_network_id'], action['_container_id'], force=action['_force'])
            elif kind in ('remove', 'remove_duplicate'):
                if api.remove_network(action['id']) is False and plan.verb == 'remove':
                    raise LabnetDockerError('removing network %s failed: %s' % (plan.name, NETWORK_GONE))
            elif kind == 'create':
                net_id = api.create_network(action['_body'])
                known = len(plan.tracker.actions)
                net_id = recovery.resolve_duplicates(api, plan.name, plan.tracker, plan.warnings) or net_id
                done.extend([action] + plan.tracker.actions[known:])
                continue
            else:
                continue
        except LabnetDockerError as exc:
            raise _failure(api, plan, action, exc, done, connects, net_id)
        done.append(action)
    failed = _connect_all(api, net_id, connects)
    if failed:
        raise LabnetDockerError('network %s was recreated, but reconnecting failed: %s'
                                % (plan.name, '; '.join(failed)), changed=True, actions=public_actions(done))
    return None if plan.verb == 'remove' else net_id


def _failure(api, plan, action, exc, done, connects, net_id):
    """The error for a failed step, after undoing what can be undone.

    A failed create after the old network was removed puts the old network back; a failure
    before the removal reconnects the containers already disconnected.
    """
    removed = any(step['action'] == 'remove' for step in done)
    disconnected = set(step['_container_id'] for step in done if step['action'] == 'disconnect')
    changed = any(step['action'] != 'disconnect' for step in done)
    note = ''
    if plan.verb == 'recreate' and action['action'] == 'create' and removed:
        note = _restore(api, plan.name, action['_restore'], connects)
    elif plan.verb == 'recreate' and disconnected and not removed:
        failed = _connect_all(api, net_id, [c for c in connects if c['_container_id'] in disconnected])
        note = 'the disconnected containers were reconnected'
        if failed:
            changed = True
            note = 'reconnecting the disconnected containers failed: %s' % '; '.join(failed)
    elif disconnected:
        changed = True
    msg = exc.msg if not note else '%s; %s' % (exc.msg, note)
    details = dict(exc.details)
    details.update(changed=changed, actions=public_actions(done))
    return LabnetDockerError(msg, **details)


def created_meanwhile(api, name, msg):
    """Whether another client created a network called ``name`` while this task created it.

    The daemon reserves the pools of a network before it lists it, so a create refused
    for overlapping pools may have lost to a create that is still finishing: wait for
    that one a little (at most about 3 s) before calling the refusal real.
    """
    tries = 10 if CONCURRENT_CREATE in msg else 1
    for attempt in range(tries):
        if choose_network(api.list_networks(filters={'name': [name]}), name)[0] is not None:
            return True
        if attempt + 1 < tries:
            time.sleep(0.3)
    return False


def ensure_network(api, params, check_mode=False, again=None):
    """The network module: validate, finish an interrupted change, fetch, plan, apply; returns the result dict.

    When the create fails because another client created a network of that name
    after this task listed the networks (the daemon refuses the second one when
    the pools overlap), or another run started changing the network right after
    this one looked, the task plans again, against what that run made (``again``: how
    many more lost races it may re-plan after, common.changes.race_budget).
    """
    spec = spec_from_params(params)
    state = params.get('state') or 'present'
    recreate = params.get('recreate') or 'on_change'
    if params.get('force') and state == 'present':
        raise LabnetDockerError('force: true only applies to state: absent (disconnect the attached containers, then '
                                'remove the network); to re-create a network on every run use recreate: always')
    recovered, warnings = recovery.recover(api, [spec.name], check_mode)
    plan = plan_network(spec, state, network_facts(api, spec.name), ApiReader(api), recreate=recreate,
                        force=bool(params.get('force')))
    if again is None:  # issue 14: a removal with force may lose a race on each disconnect
        again = race_budget(len(plan.tracker.actions))
    try:
        net_id = apply_plan(api, plan, check_mode)
    except LabnetDockerError as exc:
        raced = exc.details.get('busy') or (plan.verb == 'create' and created_meanwhile(api, spec.name, exc.msg))
        # issue 14: a removal whose network, or disconnect (force), another run did first re-reads and goes on.
        raced = raced or (plan.verb == 'remove' and (NOT_CONNECTED in exc.msg or NETWORK_GONE in exc.msg))
        if again <= 0 or not raced:
            if recovered:
                exc.details.update(recovered=recovered, changed=True)
            raise
        result = ensure_network(api, params, check_mode, again=again - 1)
        result['recovered'] = recovered + result['recovered']
        result['warnings'] = warnings + result['warnings']
        return result
    network = api.inspect_network(net_id) if net_id else None
    differences = [dict(field=name, before=before, after=after) for name, before, after in plan.tracker.differences]
    return dict(changed=plan.tracker.changed or bool(recovered), network=network,
                actions=public_actions(plan.tracker.actions), differences=differences, diff=plan.diff,
                recovered=recovered, warnings=warnings + plan.warnings)
