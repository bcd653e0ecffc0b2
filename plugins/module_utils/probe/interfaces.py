# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interfaces as the lab checks see them: from `ip -o` output inside a container, or from host facts (pure).

What Docker itself records (inspect results, endpoints) is read in common/containers.py.

Entry points (the interfaces filters):

- :func:`ip_interfaces` - ``ip -o link`` and ``ip -o addr`` output -> ``{name: {mac, ipv4, ipv6}}``.
- :func:`host_interfaces` - the same from Ansible's network facts; :func:`host_subnets` the subnets
  they sit in, as the ``taken`` of network.subnets.free_subnet.
- :func:`stable_interfaces`, :func:`interface_addresses` - the interfaces that stay, and every address
  but loopback's.
"""

from __future__ import annotations

import ipaddress
import re

_LINK = re.compile(r'^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<[^>]*>.*?link/(\w+)(?:\s+([0-9a-fA-F:]+))?')
_ADDR = re.compile(r'^\d+:\s+([^:\s]+)\s+(inet6?)\s+(\S+)')


def ip_interfaces(text):
    """Parse ``ip -o link show`` and ``ip -o addr show`` output (iproute2 or busybox), concatenated.

    Returns ``{name: {mac, ipv4: [address/prefix], ipv6: [...]}}``; a veth's ``@ifN``
    peer suffix is dropped from the name.
    """
    result = {}
    for line in (text or '').splitlines():
        line = line.strip()
        link = _LINK.match(line)
        if link:
            entry = result.setdefault(link.group(1), dict(mac=None, ipv4=[], ipv6=[]))
            if link.group(2) == 'ether' and link.group(3):
                entry['mac'] = link.group(3).lower()
            continue
        addr = _ADDR.match(line)
        if addr:
            entry = result.setdefault(addr.group(1), dict(mac=None, ipv4=[], ipv6=[]))
            entry['ipv4' if addr.group(2) == 'inet' else 'ipv6'].append(addr.group(3))
    return result


def host_interfaces(facts):
    """The host's interfaces from Ansible facts (setup, network subset), in the same shape as :func:`ip_interfaces`."""
    facts = facts or {}
    result = {}
    for name in facts.get('interfaces') or []:
        fact = facts.get(name.replace('-', '_').replace('.', '_')) or {}
        ipv4 = []
        for entry in [fact.get('ipv4')] + list(fact.get('ipv4_secondaries') or []):
            if entry and entry.get('address') and entry.get('netmask'):
                prefix = ipaddress.ip_network('0.0.0.0/%s' % entry['netmask']).prefixlen
                ipv4.append('%s/%d' % (entry['address'], prefix))
        ipv6 = ['%s/%s' % (entry['address'], entry.get('prefix'))
                for entry in fact.get('ipv6') or [] if entry.get('address')]
        mac = fact.get('macaddress')
        result[name] = dict(mac=mac.lower() if mac else None, ipv4=ipv4, ipv6=ipv6)
    return result


def host_subnets(facts, exclude_interfaces=None):
    """Subnets the host's interfaces sit in, as ``[{subnet, owner}]`` for the free_subnet filter."""
    skip = set(exclude_interfaces or [])
    taken = []
    for name, entry in sorted(host_interfaces(facts).items()):
        if name in skip:
            continue
        for address in entry['ipv4']:
            taken.append(dict(subnet=str(ipaddress.ip_interface(address).network), owner='interface %s' % name))
    return taken


def stable_interfaces(names):
    """Interface names without the veth pairs and user-defined bridges that come and go with containers and networks."""
    return sorted(name for name in names or [] if not name.startswith(('veth', 'br-')))


def interface_addresses(interfaces):
    """IPv4 addresses and MACs of every interface but loopback, from :func:`ip_interfaces`: ``{ipv4, mac}``, sorted."""
    ipv4, macs = set(), set()
    for name, entry in (interfaces or {}).items():
        if name == 'lo':
            continue
        ipv4.update(entry.get('ipv4') or [])
        if entry.get('mac'):
            macs.add(entry['mac'])
    return dict(ipv4=sorted(ipv4), mac=sorted(macs))
