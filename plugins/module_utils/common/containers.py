# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers as the daemon reports them, read one way for every module (pure).

A container comes either as an inspect record (``Name``, ``State`` a dict) or as a
row of the container listing (``Names``, ``State`` a word); every function here
takes both.

Entry points:

- :func:`container_name`, :func:`container_state`, :func:`is_running` - one container.
- :func:`container_networks` - the one reader of ``NetworkSettings.Networks``: ``{network name: endpoint}``.
- :func:`namespace_owner`, :func:`is_container_mode`, :func:`container_mode` - the one reading and
  writing of a ``container:<name or ID>`` network mode (sharing another container's network namespace).
- :func:`endpoint_on` - a container's endpoint on a network, or None.
- :func:`live_endpoint` - a container's endpoint on a network that really is a connection (not
  what a refused connect left behind, nor a half-made endpoint: :func:`half_made`).
- :func:`attached` - the containers on a network (the one reader of "who is on this
  network"), as :class:`Member` records sorted by name; with ``live`` it leaves out
  what a refused connect left behind, with ``running_endpoints`` it adds the network's
  own endpoints that no container record covers (load balancers, containers removed
  since the listing).
- :func:`endpoint_addresses`, :func:`container_addresses`, :func:`inspect_addresses`, :func:`host_ports` -
  the addresses and ports Docker records, as maps the lab checks use (the endpoints filters).
"""

from __future__ import annotations

from collections import namedtuple

# ``record`` is the container record or listing row (None for an endpoint known only from the
# network's inspect result); ``endpoint`` its settings on the network (EndpointSettings, or the
# network's ``Containers`` entry when there is no record).
Member = namedtuple('Member', 'id name state endpoint record')

CONTAINER_MODE = 'container:'


def container_name(record):
    """A container's name from its inspect record (``Name``) or a listing row (``Names``)."""
    name = record.get('Name') or (record.get('Names') or [''])[0]
    return (name or '').lstrip('/') or (record.get('Id') or '')[:12]


def container_state(record):
    """The container's status word (running, created, exited, paused, ...), or 'unknown state'."""
    state = (record or {}).get('State')
    if isinstance(state, dict):
        if state.get('Status'):
            return state['Status']
        # Old inspect records may lack Status.
        return 'running' if state.get('Running') else 'unknown state'
    return state or 'unknown state'


def is_running(record):
    """Whether the container runs (a paused container counts as running, as the daemon has it)."""
    state = (record or {}).get('State')
    if isinstance(state, dict):
        return state.get('Running') is True
    return state in ('running', 'paused')


def container_networks(record):
    """``{network name: endpoint settings}`` of an inspect record or listing row (``NetworkSettings.Networks``)."""
    return ((record or {}).get('NetworkSettings') or {}).get('Networks') or {}


def namespace_owner(mode):
    """The container (name or ID, as written) a ``container:<owner>`` network mode names; None for any other mode."""
    if isinstance(mode, str) and mode.startswith(CONTAINER_MODE):
        return mode[len(CONTAINER_MODE):]
    return None


def is_container_mode(mode):
    """Whether ``mode`` is ``container:<owner>``: the container shares another one's network namespace."""
    return namespace_owner(mode) is not None


def container_mode(owner):
    """The network mode that shares the network namespace of container ``owner``."""
    return CONTAINER_MODE + owner


def endpoint_on(record, network, by_name=True):
    """The container's endpoint settings on ``network`` (an inspected network or listing row), or None.

    Created or stopped containers keep the endpoint under the network's name and may have
    no NetworkID yet, so the name is matched first, then the ID. With ``by_name`` false only
    the ID counts: networks that share a name (duplicates) are told apart that way.
    """
    networks = container_networks(record)
    if by_name and network.get('Name') in networks:
        return networks[network['Name']] or {}
    for endpoint in networks.values():
        if endpoint and endpoint.get('NetworkID') and endpoint.get('NetworkID') == network.get('Id'):
            return endpoint
    return None


def is_leftover(record, endpoint):
    """Whether ``endpoint`` is only what a refused connect left in a running container's record.

    After a refused connect (say, "Address already in use") the daemon keeps the asked-for
    settings in the record, with neither endpoint nor network ID: that is no connection.
    """
    return (endpoint is not None and is_running(record) and not endpoint.get('EndpointID')
            and not endpoint.get('NetworkID'))


def attached(network, records, live=False, by_name=True, running_endpoints=False):
    """The containers on ``network``, as :class:`Member` records sorted by name (then ID).

    ``records`` are container inspect records or listing rows (of all containers, or of those the
    daemon lists for the network); a container given twice counts once. ``live`` leaves out
    leftovers of refused connects (:func:`is_leftover`); ``by_name`` as for :func:`endpoint_on`;
    ``running_endpoints`` adds the entries of the network's own ``Containers`` (running endpoints,
    from its inspect result) that no record covers.
    """
    found = {}
    for record in records or ():
        cid = record.get('Id')
        if not cid or cid in found:
            continue
        endpoint = endpoint_on(record, network, by_name)
        if endpoint is None or (live and is_leftover(record, endpoint)):
            continue
        found[cid] = Member(cid, container_name(record), container_state(record), endpoint, record)
    if running_endpoints:
        for cid, entry in (network.get('Containers') or {}).items():
            name = (entry or {}).get('Name')
            if cid in found:  # the network's own record names its running endpoints
                found[cid] = found[cid]._replace(name=name or found[cid].name)
            else:
                found[cid] = Member(cid, name or cid[:12], 'running', entry or {}, None)
    return sorted(found.values(), key=lambda member: (member.name, member.id))


def half_made(record, network, members):
    """Whether a running container's record lists an endpoint on ``network`` that the network does not have.

    A connect the daemon refuses while it sets the endpoint up (a bad link, a zone id in an address)
    leaves the endpoint, with its IDs, in the container's record only: ``docker network disconnect``
    then answers "is not connected". ``members`` are the container IDs the network's inspect result
    lists (None when only a listing row was read: then nothing can be told).
    """
    if members is None or record is None or not is_running(record):
        return False
    endpoint = endpoint_on(record, network)
    return bool(endpoint and endpoint.get('EndpointID')) and record['Id'] not in members


def live_endpoint(record, network, members=None):
    """The container's endpoint on ``network``, or None when it is not connected.

    After a refused connect (say, "Address already in use") the daemon leaves the
    asked-for settings in a running container's record, with no endpoint or network
    ID; that is not a connection, so such an entry counts as none; nor is a half-made
    endpoint (see :func:`half_made`).
    """
    endpoint = endpoint_on(record, network)
    if is_leftover(record, endpoint):
        return None
    if endpoint is not None and half_made(record, network, members):
        return None
    return endpoint


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
        networks = container_networks(container)
        if network is not None:
            endpoint = networks.get(network) or {}
        elif len(networks) == 1:
            endpoint = list(networks.values())[0] or {}
        else:
            endpoint = {}
        if endpoint.get('IPAddress'):
            found[str(container.get('Name') or '').lstrip('/')] = endpoint['IPAddress']
    return found


def inspect_addresses(network_settings):
    """IPv4 addresses (``address/prefix``) and MACs Docker records for a container, on all its networks.

    ``network_settings`` is ``NetworkSettings`` of the container's inspect result.
    Returns ``{ipv4: [...], mac: [...]}``, each sorted, comparable with probe.interfaces.interface_addresses.
    """
    ipv4, macs = set(), set()
    for endpoint in container_networks(dict(NetworkSettings=network_settings)).values():
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
