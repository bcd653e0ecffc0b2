# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying attachment plans through the API, and the single-task flow of network_attachment.

Entry points:

- :func:`apply_plan` runs the steps of an AttachmentPlan (from
  attachment.plan_attachment) in order, recording each in a ChangeTracker;
  in check mode it records without calling the daemon.
- :func:`fetch_state` reads what plan_attachment needs for one task.
- :func:`attachment_result` builds the module result from a plan and its tracker.
- :func:`converge_attachment` is the whole of one network_attachment task; with
  ``exclusive`` it also plans the disconnects of the containers the task does not
  list (attachment.strays).
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import plan_attachment, result_differences
from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import attachment_from_params
from ansible_collections.labnet.docker.plugins.module_utils.attachment.strays import (
    exclusive_problems, find_strays, stray_steps, without_strays)
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker, race_budget
from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, endpoint_on, half_made
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import find_containers, find_network

# How the daemon words its refusal of a fixed address on a subnet it picked itself.
NO_USER_SUBNET = 'supported only when connecting to networks with user configured subnets'
PAST = {'connect': 'connected', 'disconnect': 'disconnected', 'reconnect': 'reconnected', 'clear': 'cleared'}
# How the daemon words a connect whose endpoint or address another client took first, and a
# disconnect another client did first (issue 14: after a re-read these are convergence, not failure).
RACED = ('already exists in network', 'Address already in use', 'is not connected to')


def apply_plan(api, plan, check_mode=False, tracker=None):
    """Run ``plan.steps`` in order through ``api``; returns the ChangeTracker.

    A reconnect whose fixed address might sit on a daemon-picked subnet first
    asks the daemon (a connect the daemon refuses either way, changing nothing)
    so that it is refused before the old endpoint is removed. If a reconnect's
    connect still fails, the previous endpoint settings are connected again.
    A failure part-way raises with ``changed`` and the steps already done.
    """
    tracker = tracker or ChangeTracker()
    done = []
    reconnects = [step for step in plan.steps if step.action == 'reconnect']
    journal_id = None
    if reconnects and not check_mode:
        # Between a reconnect's disconnect and its connect the old settings live only here: journal them first.
        journal_id = journal.begin(api, journal.reconnect_record(plan.network['name'], plan.network['id'], [
            journal.endpoint_record(step.container, step.container_id, step.previous) for step in reconnects]))
    try:
        _apply_steps(api, plan, check_mode, tracker, done)
    except LabnetDockerError as exc:
        raise recovery.settle(api, journal_id, exc)
    journal.end(api, journal_id)
    return tracker


def _apply_steps(api, plan, check_mode, tracker, done):
    for step in plan.steps:
        tracker.act(step.action, network=plan.network['name'], container=step.container)
        tracker.differ(step.container, step.before, step.after)
        if check_mode:
            continue
        try:
            _apply_step(api, plan.network, step)
        except LabnetDockerError as exc:
            # The API layer names objects by ID; a container or network removed meanwhile is
            # easier to recognise by the name the task used.
            msg = exc.msg.replace(step.container_id, step.container).replace(plan.network['id'], plan.network['name'])
            if done:
                msg += ' (already done: %s)' % ', '.join('%s %s' % (s.action, s.container) for s in done)
            details = dict(exc.details)
            details['changed'] = bool(done) or bool(details.get('changed'))
            details['actions'] = tracker.actions[:len(done)]
            raise LabnetDockerError(msg, **details)
        done.append(step)


def clear_half_made(api, net_id, container_id):
    """Remove a half-made endpoint (attachment.half_made) the daemon left on a container; True when there was one.

    The daemon cannot disconnect such an endpoint, but a connect with plain settings over it
    makes it a real one, which then disconnects.
    """
    network = api.inspect_network(net_id)
    record = api.inspect_container(container_id)
    if network is None or not half_made(record, network, set(network.get('Containers') or {})):
        return False
    api.connect(net_id, container_id, {})
    api.disconnect(net_id, container_id, force=True)
    return True


def _cleared_note(api, net_id, step):
    try:
        if clear_half_made(api, net_id, step.container_id):
            return '; the half-made endpoint the daemon left on container %s was removed' % step.container
    except LabnetDockerError as exc:
        return '; the daemon left a half-made endpoint on container %s, and removing it failed: %s' % (
            step.container, exc.msg)
    return ''


def _apply_step(api, network, step):
    net_id, name = network['id'], network['name']
    if step.verify_subnet:
        _verify_subnet(api, network, step)
    if step.action == 'clear':
        api.connect(net_id, step.container_id, {})
        api.disconnect(net_id, step.container_id, force=True)
        return
    if step.action in ('disconnect', 'reconnect'):
        api.disconnect(net_id, step.container_id, force=step.force)
    if step.action not in ('connect', 'reconnect'):
        return
    try:
        api.connect(net_id, step.container_id, step.config)
    except LabnetDockerError as exc:
        msg = _explain(exc.msg, name, step) + _cleared_note(api, net_id, step)
        if step.action != 'reconnect':
            raise LabnetDockerError(msg)
        try:
            api.connect(net_id, step.container_id, step.previous)
        except LabnetDockerError as again:
            raise LabnetDockerError('%s; container %s is now disconnected from network %s: restoring its previous '
                                    'endpoint failed too: %s' % (msg, step.container, name, again.msg), changed=True)
        raise LabnetDockerError('%s; container %s was connected again with its previous settings'
                                % (msg, step.container), changed=True)


def _verify_subnet(api, network, step):
    try:
        api.connect(network['id'], step.container_id, step.config)
    except LabnetDockerError as exc:
        if NO_USER_SUBNET in exc.msg:
            raise LabnetDockerError(_explain(exc.msg, network['name'], step))
    # Any other answer ("endpoint already exists", or a silent no-op for a
    # stopped container) means the daemon accepts the address on this network.


def _explain(msg, network_name, step):
    if NO_USER_SUBNET in msg:
        fixed = ', '.join('%s %s' % (key, step.after[key]) for key in ('ipv4_address', 'ipv6_address')
                          if step.after.get(key))
        return ('%s: network %s has no user-configured subnet for it (the daemon picked its subnet), and a fixed '
                'address needs one; create the network with a subnet' % (fixed, network_name))
    return msg


def fetch_state(api, attachment, exclusive=False):
    """(network, records, others) for plan_attachment, read from the daemon for one task.

    The containers are found in one listing by the rule every module uses (common.lookup.pick:
    an ambiguous ID prefix is refused), then inspected. ``others`` are the listing rows of the
    network's containers, running or not, when a fixed address needs its holders or ``exclusive``
    needs the containers the task does not list.
    """
    network = find_network(api, attachment.network)
    rows = api.list_containers()
    records = find_containers(api, attachment.containers, rows)
    others = []
    if network is not None and attachment.state == 'present' and (attachment.fixed_addresses or exclusive):
        others = [member.record for member in attached(network, rows)]
    return network, records, others


def attachment_result(plan, tracker, records, refs, check_mode=False, api=None):
    """The module result: one entry per requested container, in the order asked.

    After a real run each changed container is inspected again (through
    ``api``) so the result shows the addresses the daemon assigned.
    """
    steps = dict((step.container_id, step) for step in plan.steps)
    unchanged = dict((entry['id'], entry) for entry in plan.unchanged if entry['id'])
    entries = []
    for ref, record in zip(refs, records):
        cid = record['Id'] if record else None
        if cid in steps:
            step = steps.pop(cid)
            entry = dict(container=step.container, id=cid, action=PAST[step.action],
                         differences=result_differences(step.differences))
            entry['endpoint'] = step.after
            if step.repair:
                entry['repaired'] = True  # a half-made endpoint (attachment.half_made) was made whole or removed
            if api is not None and not check_mode and step.after is not None:
                fresh = api.inspect_container(cid)
                endpoint = endpoint_on(fresh, dict(Name=plan.network['name'], Id=plan.network['id'])) if fresh else None
                entry['endpoint'] = endpoint_from_inspect(endpoint, cid) if endpoint is not None else None
        elif cid in unchanged:
            found = unchanged.pop(cid)
            entry = dict(container=found['container'], id=cid, action='unchanged', differences=[],
                         endpoint=found['endpoint'])
        elif cid is None:
            entry = dict(container=ref, id=None, action='unchanged', differences=[], endpoint=None)
        else:  # the same container asked for twice
            continue
        entries.append(entry)
    for step in plan.steps:  # left over: containers the task does not list, disconnected by exclusive
        if step.container_id in steps:
            entries.append(dict(container=step.container, id=step.container_id, action=PAST[step.action],
                                differences=[], endpoint=None))
    network_name = plan.network['name'] if plan.network else None
    diff = tracker.diff()
    return dict(
        changed=tracker.changed,
        network=plan.network,
        containers=entries,
        actions=tracker.actions,
        diff=dict(before=dict(network=network_name, containers=diff['before']),
                  after=dict(network=network_name, containers=diff['after'])),
    )


def _plan(api, attachment, network, records, others, exclusive):
    """plan_attachment's plan; with ``exclusive``, preceded by disconnecting the containers the task does not list.

    The strays go first, so an address one of them holds is free for the listed container
    that asks for it; they are taken out of what the address-holder check sees.
    """
    # An inspect result lists the network's live endpoints, which tells half-made ones apart.
    members = set(network.get('Containers') or {}) if network else None
    if network and any(half_made(record, network, members) for record in records):
        # The network was read before the containers: one another client connected in between
        # looks half-made. Read it again, now after the containers, to be sure.
        fresh = api.inspect_network(network['Id'])
        members = set((fresh or {}).get('Containers') or {})
    if not exclusive:
        return plan_attachment(attachment, network, records, api.api_version, others, members)
    problems = exclusive_problems(attachment.state, network, attachment.network)
    if problems:
        raise LabnetDockerError('; '.join(problems), problems=problems)
    strays = find_strays(network, [record['Id'] for record in records if record], others) if network else []
    if strays:
        network, others = without_strays(network, others, strays)
    plan = plan_attachment(attachment, network, records, api.api_version, others, members)
    # Inspect records, not listing rows: only they carry the aliases and driver options shown in the diff.
    plan.steps[:0] = stray_steps(network, [api.inspect_container(row['Id']) for row in strays], attachment.force)
    return plan


def converge_attachment(api, params, check_mode=False):
    """One network_attachment task: read, plan (refusing before any change), apply, report.

    When a connect finds the endpoint or the address already taken, or a disconnect finds
    the container already gone from the network - another client made that change after
    this task read the state, as concurrent runs of the same play do - the task reads and
    plans again and converges from there (at most :func:`race_budget` times).
    """
    attachment = attachment_from_params(params)
    exclusive = bool(params.get('exclusive'))
    earlier = None  # what the attempts that lost such a race did: {changed, actions}
    budget = None  # how many lost races may still be re-planned after (set from the first plan)
    recovered, warnings = [], []
    while True:
        plan = None
        try:
            found, said = recovery.recover(api, [attachment.network], check_mode)
            recovered, warnings = recovered + found, warnings + said
            network, records, others = fetch_state(api, attachment, exclusive)
            plan = _plan(api, attachment, network, records, others, exclusive)
            tracker = apply_plan(api, plan, check_mode)
        except LabnetDockerError as exc:
            raced = exc.details.get('busy') or any(text in exc.msg for text in RACED)
            if budget is None:
                budget = race_budget(len(plan.steps) if plan is not None else 0)
            if budget > 0 and not check_mode and raced:
                # Lost to a concurrent run: what the daemon refused is re-read and, if done, not done again.
                budget -= 1
                before = earlier or {}
                earlier = dict(changed=bool(before.get('changed')) or bool(exc.details.get('changed')),
                               actions=list(before.get('actions') or []) + list(exc.details.get('actions') or []))
                continue
            changed = bool(recovered) or bool(earlier and earlier.get('changed'))
            if changed:
                actions = (earlier or {}).get('actions', []) + exc.details.get('actions', [])
                raise LabnetDockerError(exc.msg, **dict(exc.details, changed=True, actions=actions,
                                                        recovered=recovered))
            raise
        result = attachment_result(plan, tracker, records, attachment.containers, check_mode, api)
        if earlier:
            result['actions'] = list(earlier.get('actions') or []) + result['actions']
            result['changed'] = result['changed'] or bool(earlier.get('changed'))
        result.update(recovered=recovered, warnings=warnings + list(result.get('warnings') or []),
                      changed=result['changed'] or bool(recovered))
        return result
