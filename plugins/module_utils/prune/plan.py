# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which networks a prune removes and which it keeps, and why, from state already read (pure).

The daemon's prune has no dry run, and it only spares networks with running
endpoints: a network that only a stopped container is connected to would go,
and that container would not start again. So the set is computed here with
the daemon's filter rules (prune/spec.py) plus that extra care; prune/apply.py
removes the networks one by one.

Entry points:

- :func:`recovery_names` - the networks whose interrupted change is finished before planning.
- :func:`plan_prune` - a :class:`PrunePlan`: the networks that go and those kept, with the
  reason. It asks its reader (prune/read.py) for the container listing and a network's
  inspect record, and only when some network may go.
- :func:`protected_reason` - why a network is never pruned whatever the filters.
- :func:`network_users` - who uses a network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DAEMON_NETWORKS
from ansible_collections.labnet.docker.plugins.module_utils.prune.spec import passes_filters


@dataclass
class PrunePlan:
    selected: list = field(default_factory=list)  # [{'name', 'id'}]: removed, in this order
    kept: list = field(default_factory=list)  # [{'name', 'id', 'reason'}]: pass the filters, but stay


def protected_reason(network):
    """Why a network is never pruned whatever the filters (None when it may be)."""
    name = network.get('Name')
    if name in DAEMON_NETWORKS:
        return 'predefined network'
    if network.get('Ingress') or name == 'ingress':
        return 'swarm ingress network'
    if network.get('ConfigOnly'):
        return 'config-only network'
    return None


def network_users(network, containers):
    """Who uses ``network`` (its inspect result): running endpoints, then any container configured for it.

    ``containers`` are container listing rows (or inspect records) of all
    containers, stopped ones included; a container the network does not list as
    running is named with its state.
    """
    running = network.get('Containers') or {}
    return sorted(member.name if member.id in running else '%s (%s)' % (member.name, member.state)
                  for member in attached(network, containers, running_endpoints=True))


def recovery_names(filters, rows, journals):
    """The networks ``filters`` select whose interrupted change (``journals``: their records) is finished first.

    A network mid-change has no endpoints: once its change is finished it is in use, so it is judged
    as it will be. One interrupted between its remove and its create is judged by its recorded labels.
    """
    names = [row['Name'] for row in rows if passes_filters(row, filters) and not journal.is_journal(row)]
    existing = set(row['Name'] for row in rows)
    for record in journals:
        body = record.get('create') or {}
        planned = dict(Name=record['network'], Labels=body.get('Labels') or {}, Created=record.get('journal_created'))
        if record['network'] not in existing and passes_filters(planned, filters):
            names.append(record['network'])
    return names


def plan_prune(filters, rows, journals, reader):
    """The networks of the listing ``rows`` that go, and those kept (``journals``: the records of changes in flight).

    Never a journal, nor a network whose change a journal still records. ``reader.containers()``
    (every container, stopped ones included) and ``reader.network(id)`` (an inspect record, None
    when gone) are asked only for networks that pass the filters and are not protected.
    """
    pending = dict((record['network'], record['journal']) for record in journals)
    plan = PrunePlan()
    candidates = []
    for row in sorted(rows, key=lambda net: (net.get('Name') or '', net.get('Id'))):
        if not passes_filters(row, filters):
            continue
        reason = protected_reason(row)
        record = journal.parse(row)
        if record:
            reason = 'journal of an interrupted change to network %s' % record['network']
        elif row.get('Name') in pending:
            reason = 'an interrupted change is recorded for it (journal %s)' % pending[row['Name']]
        if reason:
            plan.kept.append(dict(name=row['Name'], id=row['Id'], reason=reason))
        else:
            candidates.append(row)
    containers = reader.containers() if candidates else []
    for row in candidates:
        network = reader.network(row['Id'])
        if network is None:  # removed by someone else since the listing
            continue
        users = network_users(network, containers)
        if users:
            plan.kept.append(dict(name=row['Name'], id=row['Id'], reason='in use by %s' % ', '.join(users)))
        else:
            plan.selected.append(dict(name=row['Name'], id=row['Id']))
    return plan
