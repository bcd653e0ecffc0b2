# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which engines are nodes of a swarm, read from what community.docker reports about them (pure).

Entry points:

- :func:`swarm_members` - ``{inventory host: swarm node ID}`` from docker_host_info results looped over
  the inventory hosts and docker_swarm_info's nodes (the swarm_members filter).
"""

from __future__ import annotations


def swarm_members(engines, nodes):
    """``{inventory host: swarm node ID}`` for the hosts whose engine is a node of the swarm.

    ``engines`` are the results of ``community.docker.docker_host_info`` looped over the
    inventory hosts (each ``{item: host, host_info: {Name}}``); ``nodes`` are the swarm's
    nodes from ``community.docker.docker_swarm_info`` (``Description.Hostname`` and ``ID``).
    An engine and a node match on the engine's name, which is the node's hostname. Hosts
    whose engine is in no node of this swarm are left out.
    """
    by_hostname = dict((((node.get('Description') or {}).get('Hostname')), node.get('ID')) for node in nodes or [])
    members = {}
    for result in engines or []:
        name = ((result or {}).get('host_info') or {}).get('Name')
        if name and name in by_hostname:
            members[result['item']] = by_hostname[name]
    return members
