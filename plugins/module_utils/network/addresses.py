# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixed addresses on a network: pools, reserved addresses and who holds an address (pure).

Every function takes an inspected network (and, for holders, container
records) and returns problem texts rather than raising, so that a caller can
report every problem of a task at once.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import container_name, container_state, endpoint_on

ADDRESS_FIELDS = (('ipv4_address', 4), ('ipv6_address', 6))


def network_pools(network, version):
    """The network's subnets of one IP version, as ipaddress networks, in IPAM order."""
    pools = []
    for entry in (network.get('IPAM') or {}).get('Config') or []:
        try:
            pool = ipaddress.ip_network(entry.get('Subnet') or '', strict=False)
        except ValueError:
            continue
        if pool.version == version:
            pools.append((pool, entry))
    return pools


def reserved_addresses(network, version):
    """{address: what reserves it}: gateways, network and broadcast addresses, auxiliary addresses.

    The daemon takes the first host address as the gateway when none was
    configured, and never hands out a subnet's network address (nor, for IPv4,
    its broadcast address).
    """
    reserved = {}
    for pool, entry in network_pools(network, version):
        reserved[str(pool.network_address)] = 'the network address of subnet %s' % pool
        if version == 4 and pool.prefixlen < 31:
            reserved[str(pool.broadcast_address)] = 'the broadcast address of subnet %s' % pool
        for name, address in sorted((entry.get('AuxiliaryAddresses') or {}).items()):
            reserved[_canonical(address)] = 'auxiliary address %s' % name
        gateway = entry.get('Gateway') or (str(pool.network_address + 1) if pool.num_addresses > 2 else None)
        if gateway:
            reserved[_canonical(gateway)] = "the network's gateway"
    return reserved


def _canonical(address):
    try:
        return str(ipaddress.ip_address(str(address).split('/', 1)[0]))
    except ValueError:
        return str(address)


def address_problems(settings, network):
    """Why the fixed addresses in ``settings`` cannot be used on ``network`` ([] when they can)."""
    problems = []
    name = network.get('Name')
    for field, version in ADDRESS_FIELDS:
        address = settings.get(field)
        if not address:
            continue
        if version == 6 and not network.get('EnableIPv6'):
            problems.append('%s %s: network %s does not have IPv6 enabled' % (field, address, name))
            continue
        if version == 4 and network.get('EnableIPv4') is False:
            problems.append('%s %s: network %s has IPv4 disabled (enable_ipv4 false)' % (field, address, name))
            continue
        pools = network_pools(network, version)
        if not pools:
            problems.append('%s %s: network %s has no user-configured IPv%d subnet, and a fixed address '
                            'needs one' % (field, address, name, version))
            continue
        ip = ipaddress.ip_address(address)
        if not any(ip in pool for pool, dummy in pools):
            problems.append('%s %s is outside the pools of network %s (%s)'
                            % (field, address, name, ', '.join(str(pool) for pool, dummy in pools)))
            continue
        reserved = reserved_addresses(network, version).get(address)
        if reserved:
            problems.append('%s %s is already held by %s on network %s' % (field, address, reserved, name))
    return problems


def address_holders(address, network, records, exclude_id=None):
    """Who already holds ``address`` on ``network``, as texts naming each holder.

    Running endpoints come from the network's ``Containers``; created and stopped
    containers hold an address only in their configuration (``IPAMConfig``), where
    the daemon does not look until they start, so ``records`` (container inspect
    records or listing rows) are searched too.
    """
    holders = {}
    for key, entry in (network.get('Containers') or {}).items():
        if exclude_id and key == exclude_id:
            continue
        for field in ('IPv4Address', 'IPv6Address'):
            if entry.get(field) and _canonical(entry[field]) == address:
                kind = 'endpoint' if key.startswith('ep-') else 'running container'
                holders[key] = '%s %s' % (kind, entry.get('Name') or key[:12])
    for record in records or ():
        cid = record.get('Id') or ''
        if (exclude_id and cid == exclude_id) or cid in holders:
            continue
        endpoint = endpoint_on(record, network)
        if endpoint is None:
            continue
        ipam = endpoint.get('IPAMConfig') or {}
        configured = [ipam.get('IPv4Address'), ipam.get('IPv6Address')]
        assigned = [endpoint.get('IPAddress'), endpoint.get('GlobalIPv6Address')]
        if address in [_canonical(value) for value in configured + assigned if value]:
            holders[cid] = 'container %s (%s)' % (container_name(record), container_state(record))
    return sorted(holders.values())


def subnet_is_user_configured(network, version, records=()):
    """Whether the network's IPv``version`` subnet was configured by a user: True, False or None.

    The daemon refuses fixed addresses on subnets it picked itself, but its
    inspect output shows picked subnets too (always with a gateway and nothing
    else). An entry without a gateway, or with an IP range or auxiliary
    addresses, was configured; so was one on which some container already has a
    fixed address. Otherwise it cannot be told (None) and only the daemon knows.
    """
    pools = network_pools(network, version)
    if not pools:
        return False
    for dummy, entry in pools:
        if not entry.get('Gateway') or entry.get('IPRange') or entry.get('AuxiliaryAddresses'):
            return True
    field = 'IPv4Address' if version == 4 else 'IPv6Address'
    for record in records or ():
        endpoint = endpoint_on(record, network)
        if endpoint and (endpoint.get('IPAMConfig') or {}).get(field):
            return True
    return None
