# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subnet arithmetic for the lab roles: pick a free subnet, name the n-th address of one (pure).

Entry points (the subnets filters):

- :func:`free_subnet` - the wanted subnet, or the first free one of its size in the candidate pools.
- :func:`subnet_host`, :func:`subnet_contains` - the n-th host of a subnet; whether an address is in one.
- :func:`network_subnets` - the IPAM subnets of inspected networks, as the ``taken`` of :func:`free_subnet`.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


def _network(value, what, strict=True):
    try:
        return ipaddress.ip_network(str(value).strip(), strict=strict)
    except ValueError as exc:
        raise LabnetDockerError('%s %r is not a valid subnet: %s' % (what, value, exc))


def _taken_entry(entry):
    """(network, description) for one taken item: a CIDR, an interface address or {subnet, owner}."""
    if isinstance(entry, dict):
        value = entry.get('subnet')
        owner = entry.get('owner')
    else:
        value, owner = entry, None
    if value in (None, ''):
        return None
    net = _network(value, 'taken subnet', strict=False)
    text = str(net)
    return net, ('%s (%s)' % (owner, text) if owner else text)


def _overlaps(candidate, taken):
    return [(net, text) for net, text in taken if net.version == candidate.version and net.overlaps(candidate)]


def _kept(keep):
    """The network ``keep`` names (``{subnet, wanted}``, or a subnet alone) and the wanted subnet it was made for."""
    if not keep:
        return None, None
    if not isinstance(keep, dict):
        keep = dict(subnet=keep)
    if keep.get('subnet') in (None, ''):
        return None, None
    try:
        made_for = ipaddress.ip_network(str(keep.get('wanted') or '').strip())
    except ValueError:
        made_for = None  # made for no (valid) wanted subnet: chosen afresh
    return _network(keep['subnet'], 'kept subnet', strict=False), made_for


def free_subnet(wanted, taken, candidates=None, variable=None, keep=None):
    """The wanted subnet when it overlaps nothing taken, else the first free one of the same size.

    ``taken`` lists what is in use on the host: CIDRs, interface addresses such as
    ``172.17.0.1/16``, or dicts ``{subnet, owner}`` so that the result can say who
    holds the wanted range. ``candidates`` are the pools searched, in order, for a
    replacement of the same prefix length. Returns ``{subnet, wanted, moved,
    conflicts}``; raises when no candidate pool has room. ``variable`` names the
    setting ``wanted`` came from, for the error on an invalid subnet.

    ``keep`` is what the caller's own network holds now: ``{subnet, wanted}``, its
    subnet and the wanted subnet it was made for. Entries of ``taken`` in that very
    subnet are that network and its bridge, never conflicts; and when it was made for
    this ``wanted``, its subnet is the answer, so a second run never moves it.
    """
    want = _network(wanted, variable or 'wanted subnet')
    own, made_for = _kept(keep)
    held = [item for item in (_taken_entry(entry) for entry in (taken or [])) if item and item[0] != own]
    conflicts = _overlaps(want, held)
    result = dict(wanted=str(want), subnet=str(want), moved=False,
                  conflicts=[text for _net, text in conflicts])
    if own is not None and made_for == want:
        result.update(subnet=str(own), moved=own != want)
        if result['moved'] and not conflicts:
            result['conflicts'] = ['taken when this lab was built']
        return result
    if not conflicts:
        return result
    size = want.num_addresses
    for pool_text in candidates or []:
        pool = _network(pool_text, 'candidate pool')
        if pool.version != want.version or pool.prefixlen > want.prefixlen:
            continue
        address = int(pool.network_address)
        last = int(pool.broadcast_address)
        while address + size - 1 <= last:
            candidate = ipaddress.ip_network((address, want.prefixlen))
            blocking = _overlaps(candidate, held)
            if not blocking:
                result.update(subnet=str(candidate), moved=True)
                return result
            # Skip past the furthest blocker, staying aligned to the subnet size.
            end = max(int(net.broadcast_address) for net, _text in blocking) + 1
            address = max(address + size, -(-end // size) * size)
    raise LabnetDockerError('wanted subnet %s overlaps %s, and no free /%d is left in %s'
                            % (want, ', '.join(result['conflicts']), want.prefixlen,
                               ', '.join(str(pool) for pool in candidates or []) or 'the candidate pools (none given)'))


def subnet_host(subnet, index):
    """The ``index``-th address of ``subnet`` (1 is the first host); negative counts from the end."""
    net = _network(subnet, 'subnet')
    try:
        number = int(index)
    except (TypeError, ValueError):
        raise LabnetDockerError('host index %r is not a number' % (index,))
    # The network address (and in IPv4 the broadcast address) is no host, except in point-to-point subnets.
    first = 1 if net.prefixlen < net.max_prefixlen - 1 else 0
    usable = net.num_addresses - first - (1 if net.version == 4 and first else 0)
    position = number if number > 0 else usable + number + 1
    if number == 0 or not 1 <= position <= usable:
        raise LabnetDockerError('host index %s is outside %s, which has %d usable addresses'
                                % (index, net, usable))
    offset = first + position - 1
    return str(net.network_address + offset)


def subnet_contains(subnet, address):
    """Whether ``address`` (with or without a /prefix) lies inside ``subnet``; false for empty input."""
    if not subnet or not address:
        return False
    net = _network(subnet, 'subnet', strict=False)
    try:
        ip = ipaddress.ip_address(str(address).split('/', maxsplit=1)[0].strip())
    except ValueError:
        return False
    return ip.version == net.version and ip in net


def network_subnets(networks, exclude=None):
    """IPAM subnets of inspected Docker networks, as ``[{subnet, owner}]``, leaving out the names in ``exclude``."""
    skip = set(exclude or [])
    taken = []
    for net in networks or []:
        if net.get('Name') in skip:
            continue
        for pool in ((net.get('IPAM') or {}).get('Config') or []):
            if pool.get('Subnet'):
                taken.append(dict(subnet=pool['Subnet'], owner='network %s' % net.get('Name')))
    return taken
