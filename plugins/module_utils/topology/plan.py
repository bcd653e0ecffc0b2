# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology module: many networks and attachments converged from one listing of each.

A run reads the daemon twice (networks, containers), plans every network with
network.plan.plan_network (through :class:`ListingReader`) and every attachment with attachment.plan.plan_attachment
(the single-item modules' own planners, so validation, recreate policy, check and
diff semantics are theirs), refuses before any write if any entry is refused, then
applies the plans in order with the same executors those modules use. Only a
recreate reads more (the attached containers' full endpoints, to restore them),
and an attachment whose aliases or links are compared inspects its containers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.attachment import apply as attachment_apply
from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.network import apply as network_apply
from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import plan_attachment, result_differences
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import (
    ChangeTracker, describe_action, race_budget)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import pick_container, pick_network
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import (
    NetworkFacts, choose_network, plan_network, public_actions)
from ansible_collections.labnet.docker.plugins.module_utils.network.read import ApiReader
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NetworkSpec, planned_row
from ansible_collections.labnet.docker.plugins.module_utils.topology.read import (
    duplicate_facts, endpoints_from_listing, needs_inspect, purge_candidates)
from ansible_collections.labnet.docker.plugins.module_utils.topology.spec import topology_from_params


@dataclass
class Item:
    """One planned unit of work, in execution order."""
    kind: str  # 'network' or 'attachment'
    label: str  # where it came from: networks[0] (name), attachments[2] (network), purge (name)
    plan: object  # network.plan.Plan or attachment.plan.AttachmentPlan
    tracker: ChangeTracker = field(default_factory=ChangeTracker)
    network_id: str | None = None


def _ours(topology, containers):
    """{network name: IDs of the containers the topology's attachments put on it}."""
    ours = {}
    for entry in topology.attachments:
        ids = ours.setdefault(entry.attachment.network, set())
        for ref in entry.attachment.containers:
            try:
                row = pick_container(containers, ref)
            except LabnetDockerError:
                continue  # an ambiguous reference: its attachments entry reports it
            if row:
                ids.add(row['Id'])
    return ours


class ListingReader(ApiReader):
    """The topology's reader for plan_network: a removal's endpoints come from the container listing
    already read; a recreate's are inspected (it restores aliases, links and driver options)."""

    def __init__(self, api, containers):
        super().__init__(api)
        self.containers = containers

    def endpoints(self, network, verb):
        if verb == 'remove':
            return endpoints_from_listing(network, self.containers)
        return super().endpoints(network, verb)


def _plan_network(reader, spec, recreate, state, force, rows, ours=()):
    """plan_network on the listing rows; containers the topology itself attaches are removed without force."""
    kept, duplicates = choose_network(rows, spec.name)
    facts = NetworkFacts(network=kept, rows=rows, api_version=reader.api.api_version,
                         duplicates=duplicate_facts(duplicates, reader.containers))
    return plan_network(spec, state, facts, reader, recreate=recreate, force=force, force_exempt=set(ours))


def _plan_purge(reader, row, force, rows):
    """Removal of one managed network the topology no longer lists (only that row, never its namesakes)."""
    facts = NetworkFacts(network=row, rows=rows, api_version=reader.api.api_version)
    return plan_network(NetworkSpec(name=row['Name']), 'absent', facts, reader, force=force)


def _plan_attachment(api, attachment, network, containers):
    """plan_attachment on listing rows; containers are inspected only where a row cannot tell."""
    records = [pick_container(containers, ref) for ref in attachment.containers]
    inspected = needs_inspect(attachment.settings)
    if inspected:
        records = [api.inspect_container(row['Id']) if row else None for row in records]
    plan = plan_attachment(attachment, network, records, api.api_version, containers)
    if not inspected and any(step.action == 'reconnect' for step in plan.steps):
        # A reconnect carries over aliases and links, which only the inspect record holds.
        records = [api.inspect_container(row['Id']) if row else None for row in records]
        plan = plan_attachment(attachment, network, records, api.api_version, containers)
    return plan


def _network_order(topology):
    """The network entries in the order they can be done, whatever order the task lists them in.

    A network with config_from needs its config-only network first, and goes before it on removal; the
    order among the others is the task's.
    """
    if topology.state == 'present':
        return sorted(topology.networks, key=lambda entry: not entry.spec.config_only)
    return sorted(topology.networks, key=lambda entry: bool(entry.spec.config_only))


def plan_topology(api, topology, rows, containers):
    """Every plan, in execution order; raises one error naming every refused entry before anything is written."""
    items, problems = [], []
    rows = list(rows)
    reader = ListingReader(api, containers)  # one reader: the engine's drivers or swarm role are read once at most
    if topology.purge:
        for row in purge_candidates(rows, topology.names, topology.lab):
            label = 'purge (%s)' % row['Name']
            try:
                plan = _plan_purge(reader, row, topology.force, rows)
                items.append(Item('network', label, plan))
            except LabnetDockerError as exc:
                problems.append('%s: %s' % (label, exc.msg))
        purged = set(item.plan.network['Id'] for item in items)
        rows = [row for row in rows if row['Id'] not in purged]
    views = {}
    ours = _ours(topology, containers)
    for entry in _network_order(topology):
        spec = entry.spec
        label = 'networks[%d] (%s)' % (entry.index, spec.name)
        try:
            plan = _plan_network(reader, spec, entry.recreate, topology.state, topology.force, rows,
                                 ours.get(spec.name, ()))
        except LabnetDockerError as exc:
            problems.append('%s: %s' % (label, exc.msg))
            views[spec.name] = None
            continue
        item = Item('network', label, plan)
        if plan.verb in ('create', 'recreate'):
            # Later entries plan against the network as it will be: overlap checks and attachments see it.
            gone = set([plan.network['Id']] if plan.network else []) | set(
                action['id'] for action in plan.tracker.actions if action['action'] == 'remove_duplicate')
            rows = [row for row in rows if row['Id'] not in gone]
            config_row = choose_network(rows, plan.spec.config_from)[0] if plan.spec.config_from else None
            rows.append(planned_row(plan.spec, config_row))
            views[spec.name] = rows[-1]
        else:
            views[spec.name] = plan.network
            if plan.verb == 'remove':
                # Later entries plan against the daemon as it will be: a config-only network whose users go first.
                rows = [row for row in rows if row['Id'] != plan.network['Id']]
        items.append(item)
    attachment_items = []
    for entry in topology.attachments:
        attachment = entry.attachment
        label = 'attachments[%d] (%s)' % (entry.index, attachment.network)
        if attachment.network in views and (topology.state == 'absent' or views[attachment.network] is None):
            continue  # removed with its network, or its network was refused (already reported)
        try:
            network = views.get(attachment.network) or pick_network(rows, attachment.network)
            plan = _plan_attachment(api, attachment, network, containers)
        except LabnetDockerError as exc:
            problems.append('%s: %s' % (label, exc.msg))
            continue
        attachment_items.append(Item('attachment', label, plan))
    if problems:
        raise LabnetDockerError('; '.join(problems) + '; nothing was changed', problems=problems)
    if topology.state == 'absent':
        # Containers leave the networks that stay before the networks that go are removed.
        return attachment_items + items
    return items + attachment_items


def attachment_actions(plan):
    """The attachment plan's steps as actions (what the readable plan and the result show)."""
    actions = []
    for step in plan.steps:
        action = dict(action=step.action, network=plan.network['name'], container=step.container)
        endpoint = dict((key, value) for key, value in (step.after or {}).items() if value not in (None, [], {}))
        if endpoint:
            action['endpoint'] = endpoint
        if step.differences:
            action['differences'] = result_differences(step.differences)
        actions.append(action)
    return actions


def item_actions(item):
    if item.kind == 'network':
        return public_actions(item.plan.tracker.actions)
    return attachment_actions(item.plan)


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


def _network_entries(items):
    entries = []
    for item in items:
        if item.kind != 'network':
            continue
        plan = item.plan
        before = plan.network.get('Id') if plan.network else None
        entries.append(dict(name=plan.name, id=before if plan.verb == 'none' else item.network_id,
                            action=plan.verb, purged=item.label.startswith('purge')))
    return entries


def _attachment_entries(items):
    entries = []
    for item in items:
        if item.kind != 'attachment':
            continue
        name = item.plan.network['name'] if item.plan.network else None
        for step in item.plan.steps:
            entries.append(dict(network=name, container=step.container, id=step.container_id, action=step.action))
        for found in item.plan.unchanged:
            entries.append(dict(network=name, container=found['container'], id=found['id'], action='none'))
    return entries


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
    containers = api.list_containers()
    items = plan_topology(api, topology, rows, containers)
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
                networks=_network_entries(items), attachments=_attachment_entries(items), diff=_diff(items),
                recovered=recovered, warnings=warnings)
