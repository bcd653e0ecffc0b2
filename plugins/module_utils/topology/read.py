# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for planning a topology from two listings, networks and containers (pure).

The decisions themselves are the single-item modules' (network.plan.plan_network,
attachment.plan_attachment); these functions read what those need out of the two
listings, so that a run with nothing to change costs two API calls whatever its size.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, is_running
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import is_managed
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DAEMON_NETWORKS

# Endpoint fields a container listing row does not carry (the daemon leaves them null there).
INSPECT_ONLY_FIELDS = ('aliases', 'links')


def endpoints_from_listing(network, container_rows):
    """The attached containers in the shape network.plan expects for a removal.

    A removal only disconnects, so the endpoint settings that a listing row lacks
    (aliases, links) are not needed; a recreate restores them and must inspect.
    """
    return [dict(container=member.name, id=member.id, running=is_running(member.record),
                 settings=endpoint_from_inspect(member.endpoint, member.id))
            for member in attached(network, container_rows)]


def duplicate_facts(rows, container_rows):
    """network.plan's ``duplicates`` for listing rows that share a kept network's name (told apart by ID)."""
    return [dict(id=row['Id'], created=row.get('Created'),
                 containers=[member.name for member in attached(row, container_rows, by_name=False)])
            for row in rows]


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
