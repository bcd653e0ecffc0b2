# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers as the daemon reports them, read one way for every module (pure).

A container comes either as an inspect record (``Name``, ``State`` a dict) or as a
row of the container listing (``Names``, ``State`` a word); every function here
takes both.

Entry points:

- :func:`container_name`, :func:`container_state`, :func:`is_running` - one container.
- :func:`endpoint_on` - a container's endpoint on a network, or None.
- :func:`live_endpoint` - a container's endpoint on a network that really is a connection (not
  what a refused connect left behind, nor a half-made endpoint: :func:`half_made`).
- :func:`attached` - the containers on a network (the one reader of "who is on this
  network"), as :class:`Member` records sorted by name; with ``live`` it leaves out
  what a refused connect left behind, with ``running_endpoints`` it adds the network's
  own endpoints that no container record covers (load balancers, containers removed
  since the listing).
"""

from __future__ import annotations

from collections import namedtuple

# ``record`` is the container record or listing row (None for an endpoint known only from the
# network's inspect result); ``endpoint`` its settings on the network (EndpointSettings, or the
# network's ``Containers`` entry when there is no record).
Member = namedtuple('Member', 'id name state endpoint record')


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


def endpoint_on(record, network, by_name=True):
    """The container's endpoint settings on ``network`` (an inspected network or listing row), or None.

    Created or stopped containers keep the endpoint under the network's name and may have
    no NetworkID yet, so the name is matched first, then the ID. With ``by_name`` false only
    the ID counts: networks that share a name (duplicates) are told apart that way.
    """
    networks = (record.get('NetworkSettings') or {}).get('Networks') or {}
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
