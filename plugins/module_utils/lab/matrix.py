# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker's reachability rules for every pair of a lab's containers (pure).

Entry points:

- :func:`observed_from_inspect` - the lab's containers as community.docker.docker_host_info
  lists them (verbose) -> ``{docker_name: {addresses, ports}}``.
- :func:`lab_matrix` - the lab_matrix filter: :func:`derive_matrix` over inspected rows, or [] for
  a lab whose ``matrix`` is off.
- :func:`derive_matrix` - the normalised lab of :func:`lab.spec.lab_plan`, those
  observations and one address of the host that is not loopback -> ``[{check, probe}]``
  in labnet.docker.network_probe's format, each with the expectation Docker's rules give.

The rules, each proved by an experiment on the daemon in docs/lab-rules.md:

1. An address is reachable from a container iff the container has an endpoint on that
   address's network and the network lets its containers talk (ICC not disabled).
   Reachability is per address, not per container: a container on two networks does not
   route between them, and its address on the other network is not reachable either.
2. A name resolves iff both containers have endpoints on one user-defined network (never
   on the default bridge). ICC off and internal networks still resolve.
3. A container with network_mode none reaches nothing, and nothing reaches it.
4. A container with network_mode container:X sees exactly what X sees; it has X's
   addresses, reaches X itself, but its own name never resolves.
5. A host-network container is the host: it reaches every container address on the
   bridges (internal and ICC-off included) and resolves no container name.
6. A published port answers from the host on the published address (127.0.0.1 when
   published on every address), and on no other address of the host when it is
   published on one address only.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_name, container_networks, namespace_owner)

MATRIX_TIMEOUT = 1


def observed_from_inspect(rows):
    """``{docker_name: {addresses: [{network, address, family}], ports: [{ip, port, container_port}]}}``."""
    observed = {}
    for row in rows or []:
        name = container_name(row)
        addresses = []
        for network, endpoint in sorted(container_networks(row).items()):
            endpoint = endpoint or {}
            for key, family in (('IPAddress', 4), ('GlobalIPv6Address', 6)):
                if endpoint.get(key):
                    addresses.append(dict(network=network, address=endpoint[key], family=family))
        ports = []
        for port in row.get('Ports') or []:
            # IPv4 bindings only: Docker 20.10 lists each 0.0.0.0 binding again as ::, served by the same proxy.
            if port.get('PublicPort') and port.get('Type', 'tcp') == 'tcp' and ':' not in (port.get('IP') or ''):
                entry = dict(ip=port.get('IP') or '0.0.0.0', port=int(port['PublicPort']),
                             container_port=int(port.get('PrivatePort') or 0))
                if entry not in ports:
                    ports.append(entry)
        observed[name] = dict(addresses=addresses, ports=sorted(ports, key=lambda p: (p['port'], p['ip'])))
    return observed


def _namespace(ctr, by_name):
    """The container whose network namespace ``ctr`` uses (itself unless container:X)."""
    owner = namespace_owner(ctr.get('mode'))
    return ctr if owner is None else by_name[owner]


def _networks_of(ctr):
    return set(endpoint['docker_network'] for endpoint in ctr['endpoints'])


def _facts_by_docker_name(lab):
    return dict((fact['name'], fact) for fact in lab['networks'].values())


def _address_rule(src_ns, target_address, nets):
    """(expect, why) for a ping from the namespace of ``src_ns`` to an address on a network."""
    mode = src_ns.get('mode')
    net = nets.get(target_address['network'], dict(icc=True))
    if mode == 'none':
        return 'unreachable', 'a none container reaches nothing'
    if mode == 'host':
        return 'reachable', 'a host-network container is the host, which reaches every bridge'
    if target_address['network'] not in _networks_of(src_ns):
        return 'unreachable', 'no endpoint on %s' % target_address['network']
    if not net['icc']:
        return 'unreachable', '%s disables inter-container traffic' % target_address['network']
    return 'reachable', 'both on %s' % target_address['network']


def _name_rule(src_ns, target, nets):
    if src_ns.get('mode') in ('host', 'none'):
        return 'unreachable', 'a %s container resolves no container name' % src_ns['mode']
    if target.get('mode'):
        return 'unreachable', 'a %s container has no name on any network' % target['mode']
    shared = sorted(net for net in _networks_of(src_ns) & _networks_of(target)
                    if nets.get(net, dict(user_defined=False))['user_defined'])
    if shared:
        return 'reachable', 'both on the user-defined network %s' % shared[0]
    return 'unreachable', 'no user-defined network in common'


def derive_matrix(lab, observed, host_address=None):
    """The expected reachability of every ordered pair of the lab's containers, as probes."""
    containers = lab['containers']
    by_name = dict((ctr['name'], ctr) for ctr in containers)
    nets = _facts_by_docker_name(lab)
    plan = []
    for src in containers:
        src_ns = _namespace(src, by_name)
        for dst in containers:
            if dst is src:
                continue
            dst_ns = _namespace(dst, by_name)
            for target in (observed.get(dst_ns['docker_name']) or {}).get('addresses', []):
                if dst_ns is src_ns:
                    expect, why = 'reachable', 'one network namespace'
                else:
                    expect, why = _address_rule(src_ns, target, nets)
                plan.append(dict(
                    check='%s reaches %s at %s (%s): %s' % (src['name'], dst['name'], target['address'],
                                                            target['network'], why),
                    probe={'from': src['docker_name'], 'to': target['address'], 'kind': 'ping', 'expect': expect,
                           'timeout': MATRIX_TIMEOUT}))
            expect, why = _name_rule(src_ns, dst, nets)
            plan.append(dict(
                check='%s resolves %s by name: %s' % (src['name'], dst['name'], why),
                probe={'from': src['docker_name'], 'to': dst['docker_name'], 'kind': 'dns', 'expect': expect,
                       'timeout': MATRIX_TIMEOUT}))
    for ctr in containers:
        for port in (observed.get(ctr['docker_name']) or {}).get('ports', []):
            ip = port['ip']
            target = '127.0.0.1' if ip in ('0.0.0.0', '') else ip
            plan.append(dict(
                check='host reaches %s on published %s:%s' % (ctr['name'], ip, port['port']),
                probe={'from': 'host', 'to': target, 'kind': 'tcp', 'port': port['port'], 'expect': 'reachable',
                       'timeout': MATRIX_TIMEOUT}))
            if host_address and ip not in ('0.0.0.0', '') and host_address != ip:
                plan.append(dict(
                    check='host does not reach %s on %s:%s (published on %s only)' % (
                        ctr['name'], host_address, port['port'], ip),
                    probe={'from': 'host', 'to': host_address, 'kind': 'tcp', 'port': port['port'],
                           'expect': 'unreachable', 'timeout': MATRIX_TIMEOUT}))
    return plan


def lab_matrix(lab, inspected, host_address=None):
    """The probes of :func:`derive_matrix` for the lab's containers as docker_host_info lists them; [] with matrix off."""
    if not lab.get('matrix'):
        return []
    return derive_matrix(lab, observed_from_inspect(inspected), host_address or None)
