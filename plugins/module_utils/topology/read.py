# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for planning a topology from two listings, networks and containers (pure).

The decisions themselves are the single-item modules' (network.plan.plan_network,
attachment.plan_attachment); these functions read what those need out of the two
listings, so that a run with nothing to change costs two API calls whatever its size.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.attachment.endpoint import container_name, endpoint_from_inspect, endpoint_on
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import is_managed
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import PREDEFINED_NETWORKS

# Endpoint fields a container listing row does not carry (the daemon leaves them null there).
INSPECT_ONLY_FIELDS = ('aliases', 'links')


def pick_container(rows, ref):
    """The listing row ``ref`` means: exact name, then full ID, then a unique ID prefix (as the daemon resolves)."""
    ref = str(ref).lstrip('/')
    # Names with a second slash are legacy link names (/web/db), not the container's own.
    by_name = [row for row in rows if '/' + ref in (row.get('Names') or []) and '/' not in ref]
    if by_name:
        return by_name[0]
    by_id = [row for row in rows if row.get('Id') == ref]
    if by_id:
        return by_id[0]
    if not ref or any(ch not in '0123456789abcdef' for ch in ref):
        return None
    by_prefix = [row for row in rows if (row.get('Id') or '').startswith(ref)]
    return by_prefix[0] if len(by_prefix) == 1 else None


def attached_rows(network, container_rows):
    """Container listing rows with an endpoint on ``network`` (running, stopped or never started)."""
    return [row for row in container_rows if endpoint_on(row, network) is not None]


def endpoints_from_listing(network, container_rows):
    """The attached containers in the shape network.plan expects for a removal.

    A removal only disconnects, so the endpoint settings that a listing row lacks
    (aliases, links) are not needed; a recreate restores them and must inspect.
    """
    records = []
    for row in attached_rows(network, container_rows):
        state = row.get('State')
        state = state.get('Status') if isinstance(state, dict) else state
        records.append(dict(container=container_name(row), id=row['Id'], running=state == 'running',
                            settings=endpoint_from_inspect(endpoint_on(row, network), row['Id'])))
    return sorted(records, key=lambda record: record['container'])


def duplicate_facts(rows, container_rows):
    """network.plan's ``duplicates`` for listing rows that share a kept network's name."""
    found = []
    for row in rows:
        names = [container_name(c) for c in container_rows
                 if any((e or {}).get('NetworkID') == row['Id']
                        for e in ((c.get('NetworkSettings') or {}).get('Networks') or {}).values())]
        found.append(dict(id=row['Id'], created=row.get('Created'), containers=sorted(names)))
    return found


def purge_candidates(rows, listed_names, lab):
    """Managed networks (of ``lab`` when given) that the topology does not list; never predefined ones."""
    listed = set(listed_names)
    return sorted((row for row in rows
                   if row.get('Name') not in listed and row.get('Name') not in PREDEFINED_NETWORKS
                   and is_managed(row.get('Labels'), lab)),
                  key=lambda row: (row.get('Name') or '', row.get('Id') or ''))


def needs_inspect(settings):
    """Whether comparing ``settings`` needs the container's inspect record, not just its listing row."""
    return any(settings.get(name) is not None for name in INSPECT_ONLY_FIELDS)


def _value(value):
    if isinstance(value, list):
        return '[%s]' % ', '.join(str(item) for item in value)
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: %s' % item for item in sorted(value.items()))
    return '(unset)' if value is None else str(value)


def _endpoint_text(endpoint):
    parts = ['%s %s' % (key, _value(value)) for key, value in sorted((endpoint or {}).items())
             if value not in (None, [], {})]
    return ' (%s)' % ', '.join(parts) if parts else ''


def describe(action):
    """One line of the readable plan for one action."""
    kind = action['action']
    network = action.get('network')
    if kind == 'create':
        return 'create network %s' % network
    if kind == 'remove':
        return 'remove network %s (%s)' % (network, (action.get('id') or '')[:12])
    if kind == 'remove_duplicate':
        return 'remove duplicate network %s (%s), keep %s' % (network, action['id'][:12], (action.get('kept') or '')[:12])
    if kind == 'connect':
        return 'connect %s to %s%s' % (action['container'], network, _endpoint_text(action.get('endpoint')))
    if kind == 'disconnect':
        return 'disconnect %s from %s' % (action['container'], network)
    if kind == 'reconnect':
        changes = ', '.join('%s %s -> %s' % (d['field'], _value(d['current']), _value(d['desired']))
                            for d in action.get('differences') or [])
        return 'reconnect %s to %s%s' % (action['container'], network, ' (%s)' % changes if changes else '')
    return '%s %s' % (kind, network)
