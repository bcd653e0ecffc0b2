# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What topology's planners read: two listings, networks and containers, and little else (reads only).

The decisions themselves are the single-item modules' (network.plan.plan_network,
attachment.plan_attachment); the reader here answers what those need out of the two
listings, so that a run with nothing to change costs two API calls whatever its size.

Entry points:

- :class:`ListingReader` - the reader topology.plan.plan_topology is given: the container
  listing, network facts from the network listing, a removal's endpoints from the container
  listing; it reads the daemon only for a recreate's endpoints (network.read.ApiReader) and
  for containers' inspect records.
- :func:`endpoints_from_listing`, :func:`duplicate_facts` - what it answers from the listings.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, is_running
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import NetworkFacts, choose_network
from ansible_collections.labnet.docker.plugins.module_utils.network.read import ApiReader


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


class ListingReader(ApiReader):
    """The topology's reader: ``containers`` is the container listing already read.

    For plan_network, a removal's endpoints come from that listing; a recreate's are
    inspected (it restores aliases, links and driver options). One reader serves a whole
    task, so the engine's drivers or swarm role are read once at most.
    """

    def __init__(self, api, containers):
        super().__init__(api)
        self.containers = containers

    @property
    def api_version(self):
        return self.api.api_version

    def facts(self, name, rows):
        """network.plan.NetworkFacts for ``name`` from the listing ``rows`` (as network.read.network_facts does)."""
        kept, duplicates = choose_network(rows, name)
        return NetworkFacts(network=kept, rows=rows, api_version=self.api_version,
                            duplicates=duplicate_facts(duplicates, self.containers))

    def endpoints(self, network, verb):
        if verb == 'remove':
            return endpoints_from_listing(network, self.containers)
        return super().endpoints(network, verb)

    def records(self, rows):
        """The inspect record of each container listing row (None where the row is None)."""
        return [self.api.inspect_container(row['Id']) if row else None for row in rows]
