# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IPAM pools: validate, normalise and compare them (pure, built on ``ipaddress``).

A normalised pool is a dict with the keys of :data:`POOL_KEYS`; ``subnet`` is
always set, the others are None when the user left them out (and then they are
not compared). Every text is in canonical form, so ``FD00:201:0::/64`` and
``fd00:201::/64`` are the same pool.

Entry points:

- :func:`normalize_pools` - the ``ipam_config`` a user wrote -> normalised pools, or an error
  naming the bad value (bad CIDR, host bits set, gateway / ip_range / aux address outside its
  subnet, pools overlapping each other, IPv6 pools without ``enable_ipv6``).
- :func:`pools_from_inspect` - a network's ``IPAM.Config`` -> normalised pools.
- :func:`pools_differ` - does an existing network's pools match the wanted ones?
- :func:`overlapping_network` - the first existing network whose pool overlaps a wanted pool.
- :func:`family_problems` - IPv4 turned off without IPv6, or with IPv4 pools.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

POOL_KEYS = ('subnet', 'gateway', 'ip_range', 'aux_addresses')
# community.docker's pool key names; the argument spec copies an alias to its key and keeps both.
POOL_ALIASES = {'iprange': 'ip_range'}
GLOBAL_SCOPES = ('swarm', 'global')


def parse_cidr(value, where):
    """An ``ip_network`` from CIDR text; raises naming ``where`` and the value.

    Only CIDR as the daemon takes it: a decimal prefix length without leading zeros and no
    surrounding spaces. A netmask (``/255.255.255.0``) or ``/024`` is refused rather than
    normalised, so what the task says is what the daemon gets and what a diff shows.
    """
    text = str(value)
    if '/' not in text:
        raise LabnetDockerError('%s %r is not in CIDR notation (address/prefix length, like 10.0.0.0/24)'
                                % (where, value))
    if text != text.strip():
        raise LabnetDockerError('%s %r has surrounding spaces' % (where, value))
    prefix = text.rsplit('/', 1)[1]
    if not prefix.isdigit() or (len(prefix) > 1 and prefix.startswith('0')):
        raise LabnetDockerError('%s %r: the prefix length must be a number of bits like /24 (no netmask, no leading '
                                'zeros)' % (where, value))
    if '%' in text:
        raise LabnetDockerError('%s %r has a zone id (%%...); the daemon takes plain networks' % (where, value))
    try:
        loose = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise LabnetDockerError('%s %r is not a valid IPv4 or IPv6 network' % (where, value))
    if ipaddress.ip_interface(text).ip != loose.network_address:
        raise LabnetDockerError('%s %s has host bits set; the network is %s' % (where, text, loose))
    return loose


def parse_address(value, where):
    text = str(value)
    if '%' in text:
        raise LabnetDockerError('%s %r has a zone id (%%...); the daemon takes plain addresses' % (where, value))
    if text != text.strip():
        raise LabnetDockerError('%s %r has surrounding spaces' % (where, value))
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise LabnetDockerError('%s %r is not a valid IP address' % (where, value))


def _inside(address, subnet, where, written):
    if address.version != subnet.version or address not in subnet:
        raise LabnetDockerError('%s %s is outside subnet %s' % (where, written, subnet))
    return str(address)


def _resolve_aliases(pool, where):
    """``pool`` with each alias key folded into its key; an alias and key that disagree are refused."""
    pool = dict(pool)
    for alias, key in POOL_ALIASES.items():
        if alias not in pool:
            continue
        value = pool.pop(alias)
        if pool.get(key) is None:
            pool[key] = value
        elif value is not None and value != pool[key]:
            raise LabnetDockerError('%s sets %s %s and its alias %s %s; give one of them'
                                    % (where, key, pool[key], alias, value))
    return pool


def _not_reserved(address, subnet, where, written):
    """The subnet's network address (and IPv4 broadcast address) are never a gateway or aux address."""
    if address == subnet.network_address:
        raise LabnetDockerError('%s %s is the network address of subnet %s' % (where, written, subnet))
    if subnet.version == 4 and address == subnet.broadcast_address:
        raise LabnetDockerError('%s %s is the broadcast address of subnet %s' % (where, written, subnet))


# IPv4 /31 and /32 and IPv6 /128 leave no address for a gateway and a container.
SMALLEST_PREFIX = {4: 30, 6: 127}


def normalize_pool(pool, index):
    """One ``ipam_config`` entry -> a normalised pool (see the module docstring)."""
    where = 'ipam_config[%d]' % index
    if not isinstance(pool, dict):
        raise LabnetDockerError('%s must be a dict with subnet, gateway, ip_range and aux_addresses' % where)
    pool = _resolve_aliases(pool, where)
    unknown = sorted(set(pool) - set(POOL_KEYS))
    if unknown:
        raise LabnetDockerError('%s has unknown keys %s; use %s' % (where, ', '.join(unknown), ', '.join(POOL_KEYS)))
    if not pool.get('subnet'):
        raise LabnetDockerError('%s needs a subnet' % where)
    subnet = parse_cidr(pool['subnet'], where + '.subnet')
    if subnet.prefixlen > SMALLEST_PREFIX[subnet.version]:
        raise LabnetDockerError('%s.subnet %s is too small: a /%d leaves no address for a gateway and a container '
                                '(IPv%d needs /%d or larger)' % (where, pool['subnet'], subnet.prefixlen, subnet.version,
                                                                 SMALLEST_PREFIX[subnet.version]))
    result = dict.fromkeys(POOL_KEYS)
    result['subnet'] = str(subnet)
    gateway = None
    if pool.get('gateway'):
        gateway = parse_address(pool['gateway'], where + '.gateway')
        result['gateway'] = _inside(gateway, subnet, where + '.gateway', pool['gateway'])
        _not_reserved(gateway, subnet, where + '.gateway', pool['gateway'])
    if pool.get('ip_range'):
        ip_range = parse_cidr(pool['ip_range'], where + '.ip_range')
        if ip_range.version != subnet.version or not ip_range.subnet_of(subnet):
            raise LabnetDockerError('%s.ip_range %s is outside subnet %s' % (where, ip_range, subnet))
        result['ip_range'] = str(ip_range)
    if pool.get('aux_addresses') is not None:
        if not isinstance(pool['aux_addresses'], dict):
            raise LabnetDockerError('%s.aux_addresses must be a dict of name: address' % where)
        aux = {}
        implied = gateway or subnet.network_address + 1  # the daemon's gateway when none is given
        holders = {}
        for name, value in sorted(pool['aux_addresses'].items()):
            field = '%s.aux_addresses.%s' % (where, name)
            address = parse_address(value, field)
            aux[str(name)] = _inside(address, subnet, field, value)
            _not_reserved(address, subnet, field, value)
            if address == implied:
                raise LabnetDockerError('%s %s is the gateway of subnet %s%s' % (
                    field, value, subnet, '' if gateway else ' (the first address, as none is given)'))
            if address in holders:
                raise LabnetDockerError('%s %s is also aux address %s' % (field, value, holders[address]))
            holders[address] = name
        result['aux_addresses'] = aux
    return result


def normalize_pools(pools, enable_ipv6):
    """The ``ipam_config`` a user wrote -> list of normalised pools, in the user's order.

    Raises on the first bad value, on two pools that overlap, and on an IPv6 pool
    when ``enable_ipv6`` is not true.
    """
    if pools is None:
        return None
    if not isinstance(pools, list):
        raise LabnetDockerError('ipam_config must be a list of pools')
    result = [normalize_pool(pool, index) for index, pool in enumerate(pools)]
    networks = [ipaddress.ip_network(pool['subnet']) for pool in result]
    for first, net_a in enumerate(networks):
        for second in range(first + 1, len(networks)):
            net_b = networks[second]
            if net_a.version == net_b.version and net_a.overlaps(net_b):
                raise LabnetDockerError('ipam_config[%d].subnet %s overlaps ipam_config[%d].subnet %s'
                                        % (second, net_b, first, net_a))
        if net_a.version == 6 and enable_ipv6 is not True:
            raise LabnetDockerError('ipam_config[%d].subnet %s is IPv6, which needs enable_ipv6: true'
                                    % (first, net_a))
    return result


def _canonical_network(text):
    try:
        return str(ipaddress.ip_network(str(text), strict=False))
    except ValueError:
        return text


def _canonical_address(text):
    try:
        return str(ipaddress.ip_address(str(text)))
    except ValueError:
        return text


def pools_from_inspect(config):
    """A network's ``IPAM.Config`` -> normalised pools, sorted by subnet. Never raises."""
    result = []
    for entry in config or []:
        if not entry.get('Subnet'):
            continue
        aux = entry.get('AuxiliaryAddresses')
        result.append({
            'subnet': _canonical_network(entry['Subnet']),
            'gateway': _canonical_address(entry['Gateway']) if entry.get('Gateway') else None,
            'ip_range': _canonical_network(entry['IPRange']) if entry.get('IPRange') else None,
            'aux_addresses': dict((k, _canonical_address(v)) for k, v in sorted(aux.items())) if aux else None,
        })
    return sorted(result, key=pool_sort_key)


def pool_sort_key(pool):
    try:
        network = ipaddress.ip_network(pool['subnet'])
        return (network.version, int(network.network_address), network.prefixlen)
    except ValueError:
        return (9, 0, 0)


def _family(pool):
    return 6 if ':' in pool['subnet'] else 4


def pools_differ(wanted, actual):
    """(differs, merged): compare wanted pools with a network's pools (pure).

    Only the IP families the wanted pools cover are compared: the daemon adds a
    pool of its own choosing for a family the task gives none for (an IPv4 pool
    next to IPv6-only ones), and such a pool is an option left out. Within a
    family, pools are matched by subnet and an extra pool on either side is a
    difference; within a matched pool only the fields the user gave are compared.
    ``merged`` is what the network would have afterwards: the wanted pools with
    the fields left out filled in from the matching existing pool, plus the
    network's pools of the families left out.
    """
    families = set(_family(pool) for pool in wanted)
    kept = [pool for pool in actual or [] if _family(pool) not in families]
    by_subnet = dict((pool['subnet'], pool) for pool in actual or [] if _family(pool) in families)
    differs = len(by_subnet) != len(wanted) or any(pool['subnet'] not in by_subnet for pool in wanted)
    merged = [dict(pool) for pool in kept]
    for pool in wanted:
        have = by_subnet.get(pool['subnet'], {})
        combined = dict(pool)
        for key in POOL_KEYS[1:]:
            want = pool.get(key)
            now = have.get(key)
            if key == 'aux_addresses' and want is not None:
                now = now or {}
            if want is None:
                combined[key] = now
            elif want != now:
                differs = True
        merged.append(combined)
    return differs, sorted(merged, key=pool_sort_key)


def address_space(scope, driver):
    """Docker keeps local and swarm-wide pools apart; overlaps only matter inside one space."""
    return 'global' if scope in GLOBAL_SCOPES or driver == 'overlay' else 'local'


def overlapping_network(pools, rows, exclude_ids, space):
    """First (message, row) where a wanted pool overlaps an existing network's pool, or None.

    ``rows`` are network listing rows (they carry IPAM). Networks in ``exclude_ids``
    (the one being recreated, and its duplicates), config-only networks (they
    allocate nothing), networks in the other address space and networks using
    another IPAM driver are skipped.
    """
    wanted = [(index, ipaddress.ip_network(pool['subnet'])) for index, pool in enumerate(pools or [])]
    for row in sorted(rows, key=lambda r: (r.get('Name') or '', r.get('Id') or '')):
        ipam = row.get('IPAM') or {}
        if row.get('Id') in exclude_ids or row.get('ConfigOnly') or (ipam.get('Driver') or 'default') != 'default':
            continue
        if address_space(row.get('Scope'), row.get('Driver')) != space:
            continue
        for pool in pools_from_inspect(ipam.get('Config')):
            try:
                existing = ipaddress.ip_network(pool['subnet'])
            except ValueError:
                continue
            for index, network in wanted:
                if network.version == existing.version and network.overlaps(existing):
                    return ('ipam_config[%d].subnet %s overlaps subnet %s of existing network %s'
                            % (index, network, existing, row.get('Name')), row)
    return None


def family_problems(spec, where=''):
    """Why a network created from ``spec`` would have no address family, or pools it ignores ([] when fine).

    ``spec`` holds the values the network will have (given, or kept on a re-create); left-out
    IPv4 means on and left-out IPv6 off, as the daemon has them. A config_from network takes both
    from its configuration network, so it is not checked here.
    """
    if spec.config_from or spec.enable_ipv4 is not False:
        return []
    problems = []
    if spec.enable_ipv6 is not True:
        problems.append('%senable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the daemon '
                        'refuses one with neither' % where)
    ipv4 = [pool['subnet'] for pool in spec.ipam_config or [] if ':' not in pool['subnet']]
    if ipv4:
        problems.append('%sipam_config has IPv4 pool %s but enable_ipv4 is false: the network would have no IPv4, '
                        'so give IPv6 pools only or leave enable_ipv4 out' % (where, ', '.join(ipv4)))
    return problems
