# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing unused networks, computed client-side so that check mode can tell exactly what goes.

The daemon's prune has no dry run, and it only spares networks with running
endpoints: a network that only a stopped container is connected to would go,
and that container would not start again. So the set is computed here with
the daemon's filter rules plus that extra care, and the networks are removed
one by one.

Pure parts: :func:`prune_filters`, :func:`labels_match`, :func:`passes_filters`,
:func:`protected_reason`, :func:`network_users`. Manager: :func:`prune_networks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, MANAGED_LABEL, MANAGED_VALUE
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DAEMON_NETWORKS
from ansible_collections.labnet.docker.plugins.module_utils.common.timespec import format_time, parse_timestamp, parse_until

PRUNE_FILTER_KEYS = ('until', 'label', 'label!')


@dataclass
class PruneFilters:
    until_ns: int = None  # prune only networks created at or before this time
    labels: list = field(default_factory=list)  # each 'key' or 'key=value'; all must match
    not_labels: list = field(default_factory=list)  # a network matching all of these is kept

    def as_result(self):
        result = {}
        if self.until_ns is not None:
            result['until'] = format_time(self.until_ns)
        if self.labels:
            result['label'] = list(self.labels)
        if self.not_labels:
            result['label!'] = list(self.not_labels)
        return result


def _label_entries(key, value):
    values = value if isinstance(value, list) else ([] if value is None else [value])
    entries = []
    for item in values:
        if not isinstance(item, str) or not item.strip() or not item.split('=', 1)[0].strip():
            raise LabnetDockerError('filter %s: %r is not a label key or key=value' % (key, item))
        entries.append(item.strip())
    return entries


def prune_filters(filters, managed_only=False, lab=None, now_ns=None):
    """Validate ``filters`` (keys until, label, label!) plus managed_only and lab into PruneFilters."""
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise LabnetDockerError('filters must be a dictionary with the keys %s, not %r'
                                % (', '.join(PRUNE_FILTER_KEYS), filters))
    unknown = sorted(str(key) for key in filters if key not in PRUNE_FILTER_KEYS)
    if unknown:
        raise LabnetDockerError('unknown prune filter %s: network prune understands only %s'
                                % (', '.join(unknown), ', '.join(PRUNE_FILTER_KEYS)))
    result = PruneFilters(labels=_label_entries('label', filters.get('label')),
                          not_labels=_label_entries('label!', filters.get('label!')))
    until = filters.get('until')
    if isinstance(until, list):
        if len(until) > 1:
            raise LabnetDockerError('filter until: give one time, not %d (%s)' % (len(until), ', '.join(map(str, until))))
        until = until[0] if until else None
    if until is not None and until != '':
        try:
            result.until_ns = parse_until(until, time.time_ns() if now_ns is None else now_ns)
        except ValueError as exc:
            raise LabnetDockerError('filter until: %s' % exc)
    if managed_only:
        result.labels.append('%s=%s' % (MANAGED_LABEL, MANAGED_VALUE))
    if lab is not None:
        if not str(lab).strip() or '=' in str(lab):
            raise LabnetDockerError('lab: %r is not a lab name' % (lab,))
        result.labels.append('%s=%s' % (LAB_LABEL, str(lab).strip()))
    return result


def labels_match(entries, labels):
    """The daemon's rule: every entry ('key' or 'key=value') must match; no labels never match."""
    if not entries:
        return True
    if not labels:
        return False
    for entry in entries:
        key, sep, value = entry.partition('=')
        if key not in labels or (sep and labels[key] != value):
            return False
    return True


def passes_filters(network, filters):
    """Whether a network (a listing row) passes ``filters``, as the daemon's prune decides."""
    labels = network.get('Labels') or {}
    if filters.until_ns is not None:
        created = parse_timestamp(network.get('Created') or '')
        if created is None or created > filters.until_ns:
            return False
    if not labels_match(filters.labels, labels):
        return False
    # label! keeps a network only when it matches all label! entries (the daemon's rule).
    return not (filters.not_labels and labels_match(filters.not_labels, labels))


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


def prune_networks(api, params, check_mode=False):
    """The network_prune task: compute the set, then remove exactly it (check mode: report it)."""
    filters = prune_filters(params.get('filters'), params.get('managed_only'), params.get('lab'))
    rows = api.list_networks()
    # A network mid-change has no endpoints: finish the change first (then it is in use), and never
    # remove it or its journal while the change is recorded.
    names = [row['Name'] for row in rows if passes_filters(row, filters) and not journal.is_journal(row)]
    existing = set(row['Name'] for row in rows)
    for record in journal.journals(api, rows):
        # Interrupted between its remove and its create: the network it re-creates is judged by its recorded labels.
        body = record.get('create') or {}
        planned = dict(Name=record['network'], Labels=body.get('Labels') or {}, Created=record.get('journal_created'))
        if record['network'] not in existing and passes_filters(planned, filters):
            names.append(record['network'])
    recovered, warnings = recovery.recover(api, names, check_mode, rows=rows)
    if recovered and not check_mode:
        rows = api.list_networks()
    pending = dict((record['network'], record['journal']) for record in journal.journals(api, rows))
    kept = []
    candidates = []
    for row in sorted(rows, key=lambda net: (net.get('Name') or '', net.get('Id'))):
        if not passes_filters(row, filters):
            continue
        reason = protected_reason(row)
        if journal.is_journal(row):
            reason = 'journal of an interrupted change to network %s' % journal.owner_of(row)
        elif row.get('Name') in pending:
            reason = 'an interrupted change is recorded for it (journal %s)' % pending[row['Name']]
        if reason:
            kept.append(dict(name=row['Name'], id=row['Id'], reason=reason))
        else:
            candidates.append(row)
    containers = api.list_containers() if candidates else []
    selected = []
    for row in candidates:
        network = api.inspect_network(row['Id'])
        if network is None:  # removed by someone else since the listing
            continue
        users = network_users(network, containers)
        if users:
            kept.append(dict(name=row['Name'], id=row['Id'], reason='in use by %s' % ', '.join(users)))
        else:
            selected.append(dict(name=row['Name'], id=row['Id']))
    tracker = ChangeTracker()
    removed, not_removed = [], []
    for network in selected:
        tracker.act('remove', network=network['name'], id=network['id'])
        reason = None if check_mode else api.remove_unused_network(network['id'])
        if reason:
            not_removed.append(dict(network, reason=reason))
        else:
            removed.append(network)
    tracker.differ('networks', [net['name'] for net in selected], [net['name'] for net in not_removed])
    warnings = warnings + ['network %s was not removed: %s' % (net['name'], net['reason']) for net in not_removed]
    return dict(changed=bool(removed) or bool(recovered), networks=removed, kept=kept, not_removed=not_removed,
                filters=filters.as_result(), diff=tracker.diff(), recovered=recovered, warnings=warnings)
