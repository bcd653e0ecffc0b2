# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses, ports and node IDs as Docker records them, read from its answers into maps the lab checks use (pure).

Inputs are what the modules return: ``labnet.docker.network_info`` networks (``verbose``),
``community.docker`` container inspect results, ``docker_host_info`` and ``docker_swarm_info``.
What a container or the host itself sees (``ip``, facts) is read by the filters in interfaces.py.
"""

from __future__ import annotations


def endpoint_addresses(network):
    """``{container name: IPv4 address}`` of a network's endpoints (``network_info`` with ``verbose``).

    The address each endpoint holds (``assigned_ipv4_address``; ``ipv4_address`` is the fixed one,
    null when the daemon picked). Endpoints without an IPv4 address are left out; a network that
    is missing (``{}`` or None) has none.
    """
    return dict((endpoint['container'], endpoint['assigned_ipv4_address'])
                for endpoint in ((network or {}).get('endpoints') or [])
                if endpoint.get('container') and endpoint.get('assigned_ipv4_address'))


def container_addresses(containers, network=None):
    """``{container name: IPv4 address}`` of inspected containers, on ``network`` or, without it, their only network.

    ``containers`` are container inspect results (``container`` of community.docker's
    docker_container or docker_container_info); entries that are empty (a skipped start in
    check mode) or have no address on that network are left out.
    """
    found = {}
    for container in containers or []:
        if not container:
            continue
        networks = (container.get('NetworkSettings') or {}).get('Networks') or {}
        if network is not None:
            endpoint = networks.get(network) or {}
        elif len(networks) == 1:
            endpoint = list(networks.values())[0] or {}
        else:
            endpoint = {}
        if endpoint.get('IPAddress'):
            found[str(container.get('Name') or '').lstrip('/')] = endpoint['IPAddress']
    return found


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


def inspect_addresses(network_settings):
    """IPv4 addresses (``address/prefix``) and MACs Docker records for a container, on all its networks.

    ``network_settings`` is ``NetworkSettings`` of the container's inspect result.
    Returns ``{ipv4: [...], mac: [...]}``, each sorted, comparable with :func:`interface_addresses`.
    """
    ipv4, macs = set(), set()
    for endpoint in ((network_settings or {}).get('Networks') or {}).values():
        endpoint = endpoint or {}
        if endpoint.get('IPAddress'):
            ipv4.add('%s/%s' % (endpoint['IPAddress'], endpoint.get('IPPrefixLen') or 32))
        if endpoint.get('MacAddress'):
            macs.add(endpoint['MacAddress'].lower())
    return dict(ipv4=sorted(ipv4), mac=sorted(macs))


def host_ports(container, port):
    """Host ports a container publishes for ``port`` (``80`` or ``80/tcp``), from its inspect result, sorted."""
    key = str(port) if '/' in str(port) else '%s/tcp' % port
    bindings = (((container or {}).get('NetworkSettings') or {}).get('Ports') or {}).get(key) or []
    return sorted(set(int(binding['HostPort']) for binding in bindings if binding.get('HostPort')))


class FilterModule:
    def filters(self):
        return {
            'endpoint_addresses': endpoint_addresses,
            'container_addresses': container_addresses,
            'swarm_members': swarm_members,
            'inspect_addresses': inspect_addresses,
            'host_ports': host_ports,
        }
