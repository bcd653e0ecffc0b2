# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning a topology: many networks and attachments from one listing of each (pure).

Entry points:

- :func:`plan_topology` - every network planned with network.plan.plan_network and every
  attachment with attachment.plan.plan_attachment (the single-item modules' own planners, so
  validation, recreate policy, check and diff semantics are theirs), as :class:`Item` s in
  execution order; raises one error naming every refused entry. It reads only through the
  reader it is given (topology.read.ListingReader): the container listing, and what only some
  plans need - a recreate's endpoints, the inspect records of an attachment whose aliases or
  links are compared.
- :func:`purge_candidates` - the managed networks a purge removes.
- :func:`item_actions` - an item's actions as the result shows them.

topology/apply.py performs the items with the executors the single-item modules use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import plan_attachment, result_differences
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import is_managed
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import (
    DAEMON_NETWORKS, pick_container, pick_network)
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import (
    NetworkFacts, choose_network, plan_network, public_actions)
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NetworkSpec, planned_row

# Endpoint fields a container listing row does not carry (the daemon leaves them null there).
INSPECT_ONLY_FIELDS = ('aliases', 'links')


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


def purge_candidates(rows, listed_names, lab):
    """Managed networks (of ``lab`` when given) that the topology does not list; never the daemon's own."""
    listed = set(listed_names)
    return sorted((row for row in rows
                   if row.get('Name') not in listed and row.get('Name') not in DAEMON_NETWORKS
                   and is_managed(row.get('Labels'), lab)),
                  key=lambda row: (row.get('Name') or '', row.get('Id') or ''))


def needs_inspect(settings):
    """Whether comparing ``settings`` needs the container's inspect record, not just its listing row."""
    return any(settings.get(name) is not None for name in INSPECT_ONLY_FIELDS)


def _plan_network(reader, spec, recreate, state, force, rows, ours=()):
    """plan_network on the listing rows; containers the topology itself attaches are removed without force."""
    return plan_network(spec, state, reader.facts(spec.name, rows), reader, recreate=recreate, force=force,
                        force_exempt=set(ours))


def _plan_purge(reader, row, force, rows):
    """Removal of one managed network the topology no longer lists (only that row, never its namesakes)."""
    facts = NetworkFacts(network=row, rows=rows, api_version=reader.api_version)
    return plan_network(NetworkSpec(name=row['Name']), 'absent', facts, reader, force=force)


def _plan_attachment(reader, attachment, network):
    """plan_attachment on listing rows; containers are inspected (asked of the reader) only where a row cannot tell."""
    rows = [pick_container(reader.containers, ref) for ref in attachment.containers]
    inspected = needs_inspect(attachment.settings)
    records = reader.records(rows) if inspected else rows
    plan = plan_attachment(attachment, network, records, reader.api_version, reader.containers)
    if not inspected and any(step.action == 'reconnect' for step in plan.steps):
        # A reconnect carries over aliases and links, which only the inspect record holds.
        plan = plan_attachment(attachment, network, reader.records(rows), reader.api_version, reader.containers)
    return plan


def _network_order(topology):
    """The network entries in the order they can be done, whatever order the task lists them in.

    A network with config_from needs its config-only network first, and goes before it on removal; the
    order among the others is the task's.
    """
    if topology.state == 'present':
        return sorted(topology.networks, key=lambda entry: not entry.spec.config_only)
    return sorted(topology.networks, key=lambda entry: bool(entry.spec.config_only))


def plan_topology(topology, rows, reader):
    """Every plan, in execution order; raises one error naming every refused entry before anything is written.

    ``rows`` is the listing of networks; ``reader`` (topology.read.ListingReader) holds the listing
    of containers and is asked for anything more.
    """
    items, problems = [], []
    rows = list(rows)
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
    ours = _ours(topology, reader.containers)
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
            plan = _plan_attachment(reader, attachment, network)
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
