# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology module: many networks and attachments converged from one listing of each.

A run reads the daemon twice (networks, containers), plans every item with
topology.plan.plan_topology (through topology.read.ListingReader), which refuses before
any write if any entry is refused, then applies the plans in order with the same
executors the single-item modules use. Only a recreate reads more (the attached
containers' full endpoints, to restore them), and an attachment whose aliases or links
are compared inspects its containers.

Entry points:

- :func:`converge_topology` - the ``labnet.docker.topology`` module: params -> result.
- :func:`apply_topology` - perform planned items in order; check mode walks the same path.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.attachment import apply as attachment_apply
from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.network import apply as network_apply
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import describe_action, race_budget
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.topology.plan import (
    item_actions, plan_topology, purge_candidates)
from ansible_collections.labnet.docker.plugins.module_utils.topology.read import ListingReader
from ansible_collections.labnet.docker.plugins.module_utils.topology.spec import topology_from_params


def apply_topology(api, items, check_mode):
    """Run every plan in order with the single-item executors; a failure names what was already done."""
    created = {}
    done = []
    for item in items:
        try:
            if item.kind == 'network':
                item.network_id = network_apply.apply_plan(api, item.plan, check_mode)
                created[item.plan.name] = item.network_id
            else:
                network = item.plan.network
                if network and created.get(network['name']):  # planned against a network created just now
                    network['id'] = created[network['name']]
                attachment_apply.apply_plan(api, item.plan, check_mode, item.tracker)
        except LabnetDockerError as exc:
            details = dict(exc.details)
            details.update(changed=bool(done) or bool(exc.details.get('changed')), actions=done,
                           plan=[describe_action(action) for action in done])
            where = ' (already done: %d actions, listed in actions)' % len(done) if done else ''
            raise LabnetDockerError('%s: %s%s' % (item.label, exc.msg, where), **details)
        done.extend(item_actions(item))
    return done


def _network_entry(item):
    plan = item.plan
    before = plan.network.get('Id') if plan.network else None
    return dict(name=plan.name, id=before if plan.verb == 'none' else item.network_id,
                action=plan.verb, purged=item.label.startswith('purge'))


def _attachment_entries(item):
    name = item.plan.network['name'] if item.plan.network else None
    return ([dict(network=name, container=step.container, id=step.container_id, action=step.action)
             for step in item.plan.steps]
            + [dict(network=name, container=found['container'], id=found['id'], action='none')
               for found in item.plan.unchanged])


def _diff(items):
    before, after = dict(networks={}, attachments={}), dict(networks={}, attachments={})
    for item in items:
        if item.kind == 'network' and item.plan.verb != 'none':
            before['networks'][item.plan.name] = item.plan.diff.get('before')
            after['networks'][item.plan.name] = item.plan.diff.get('after')
        elif item.kind == 'attachment':
            for step in item.plan.steps:
                key = '%s %s' % (item.plan.network['name'], step.container)
                before['attachments'][key] = step.before
                after['attachments'][key] = step.after
    return dict(before=before, after=after)


def _lost_a_race(api, items, msg):
    """Whether a failed write lost to another client making the same change (see the single-item modules)."""
    if any(text in msg for text in attachment_apply.RACED) or network_apply.NETWORK_GONE in msg:
        return True
    return any(network_apply.created_meanwhile(api, item.plan.name, msg) for item in items
               if item.kind == 'network' and item.plan.verb == 'create' and msg.startswith(item.label + ':'))


def converge_topology(api, params, check_mode=False, again=None):
    """The topology module: validate, read twice, plan everything, apply; returns the result dict.

    When a write loses a race to another client making the same change (a concurrent run
    of the same play), the topology reads and plans again and converges from there. ``again``
    is how many more lost races may be re-planned after: each one means another client made
    a write this plan needed, so the first plan's number of writes bounds it
    (common.changes.race_budget).
    """
    topology = topology_from_params(params)
    rows = api.list_networks()
    touched = list(topology.names) + [entry.attachment.network for entry in topology.attachments]
    # Purged networks are touched too: any managed network of the lab may carry an interrupted change.
    purged = [row['Name'] for row in purge_candidates(rows, topology.names, topology.lab)] if topology.purge else []
    recovered, warnings = recovery.recover(api, touched + purged, check_mode, rows=rows)
    if recovered and not check_mode:
        rows = api.list_networks()
    items = plan_topology(topology, rows, ListingReader(api, api.list_containers()))
    if again is None:  # issue 14: 16 runs at once may each lose several races; see race_budget
        again = race_budget(sum(len(item_actions(item)) for item in items))
    try:
        actions = apply_topology(api, items, check_mode)
    except LabnetDockerError as exc:
        if again <= 0 or check_mode or not (exc.details.get('busy') or _lost_a_race(api, items, exc.msg)):
            if recovered:
                exc.details.update(recovered=recovered, changed=True)
            raise
        result = converge_topology(api, params, check_mode, again=again - 1)
        earlier = list(exc.details.get('actions') or [])
        result.update(changed=result['changed'] or bool(earlier) or bool(recovered), actions=earlier + result['actions'],
                      plan=[describe_action(action) for action in earlier] + result['plan'],
                      recovered=recovered + result['recovered'], warnings=warnings + result['warnings'])
        return result
    warnings = warnings + [warning for item in items if item.kind == 'network' for warning in item.plan.warnings]
    return dict(changed=bool(actions) or bool(recovered), actions=actions, plan=[describe_action(action) for action in actions],
                networks=[_network_entry(item) for item in items if item.kind == 'network'],
                attachments=[entry for item in items if item.kind == 'attachment' for entry in _attachment_entries(item)],
                diff=_diff(items),
                recovered=recovered, warnings=warnings)
