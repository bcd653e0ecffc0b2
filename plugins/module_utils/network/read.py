# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading what planning a network needs, through an injected ``DockerApi`` (reads only).

Entry points:

- :func:`network_facts` - :class:`network.plan.NetworkFacts` for one name from one
  listing of networks (pass ``rows`` to reuse a listing you already have).
- :class:`ApiReader` - the reader network.plan.plan_network asks for what only some
  verbs need: the attached containers' endpoints, for a recreate or a removal.
- :func:`network_endpoints` - the attached containers (running and stopped) with
  the endpoint settings a recreate restores.
- :func:`attached_containers` - names of the containers on a network.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    attached, container_name, endpoint_on, is_running)
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import NetworkFacts, choose_network


class ApiReader:
    """What plan_network reads beyond the facts, from the daemon; topology's reader extends it.

    ``endpoints(network, verb)`` is asked at most once per plan, and only when the verb
    needs them (network.plan.needs_endpoints): one inspect per attached container.
    """

    def __init__(self, api):
        self.api = api
        self._drivers = {}
        self._swarm_role = None

    def endpoints(self, network, verb):
        return network_endpoints(self.api, network)

    def swarm_role(self):
        """Asked only before creating a network that needs a swarm (network.plan.needs_swarm); read once per reader."""
        if self._swarm_role is None:
            self._swarm_role = self.api.swarm_role()
        return self._swarm_role

    def drivers(self, field):
        """Asked only before creating a network with a driver of that kind that is not built in
        (network.plan._check_drivers); each kind read once per reader."""
        if field not in self._drivers:
            self._drivers[field] = self.api.drivers(field)
        return self._drivers[field]


def attached_containers(api, network_id):
    """Names of containers attached to a network (running from the inspect, stopped from the listing)."""
    network = api.inspect_network(network_id) or dict(Id=network_id)
    rows = api.list_containers(filters={'network': [network_id]})
    return [member.name for member in attached(network, rows, running_endpoints=True)]


def network_facts(api, name, rows=None):
    """Facts for planning ``name``: the kept network (inspected), its duplicates, all rows."""
    rows = api.list_networks() if rows is None else rows
    kept, duplicates = choose_network(rows, name)
    network = api.inspect_network(kept['Id']) if kept else None
    facts = NetworkFacts(network=network, rows=rows, api_version=api.api_version)
    for row in duplicates:
        facts.duplicates.append(dict(id=row['Id'], created=row.get('Created'),
                                     containers=attached_containers(api, row['Id'])))
    return facts


def network_endpoints(api, network):
    """Attached containers of ``network``, running or stopped, each with its recorded endpoint.

    Stopped containers are not in the network's inspect, and one that never ran has
    no NetworkID yet, so containers are listed by the network's name and ID.
    """
    records = []
    rows = api.list_containers(filters={'network': [network['Name'], network['Id']]})
    for row in rows:
        container = api.inspect_container(row['Id'])
        if container is None:
            continue
        endpoint = endpoint_on(container, network)
        if endpoint is None or endpoint.get('NetworkID') not in ('', None, network['Id']):
            continue  # on a duplicate of the same name
        settings = endpoint_from_inspect(endpoint, container['Id'])
        records.append(dict(container=container_name(container), id=container['Id'],
                            running=is_running(container), settings=settings))
    return sorted(records, key=lambda record: record['container'])
