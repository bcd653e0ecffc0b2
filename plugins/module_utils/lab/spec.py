# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A lab file, validated and turned into what the lab role hands to its modules (pure).

Entry points:

- :func:`lab_plan` - a lab definition (the parsed YAML of a lab file) in, a plan out:
  ``networks`` and ``attachments`` for labnet.docker.topology, ``containers`` as
  community.docker.docker_container parameters, ``expect`` probes for
  labnet.docker.network_probe, and the normalised lab (``lab``) that
  :mod:`lab.matrix` derives the expected reachability from.

Every problem of the definition is collected and raised at once as one
LabnetDockerError naming each bad value, before the role touches the daemon.
The ``networks`` entries are passed to the topology module unchanged (it validates
them with labnet.docker.network's own argument spec); only what the lab needs to
reason about them (name, subnets, internal, inter-container traffic) is read here.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_mode, is_container_mode, namespace_owner)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import (
    DEFAULT_NETWORK, MODE_ONLY_NETWORKS, PREDEFINED_NETWORKS)
from ansible_collections.labnet.docker.plugins.module_utils.network.driver_options import DEFAULT_DRIVER

# The predefined networks a lab container joins by name (bridge), and those it gets only as its network_mode.
PREDEFINED = tuple(sorted(PREDEFINED_NETWORKS - MODE_ONLY_NETWORKS))
MODES = tuple(sorted(MODE_ONLY_NETWORKS))
DEFAULT_IMAGE = 'labnet/busybox:latest'
DEFAULT_COMMAND = ['sh', '-c', "trap 'exit 0' TERM; sleep 2147483647 & wait"]
ICC_OPTION = 'com.docker.network.bridge.enable_icc'
LAB_KEYS = ('name', 'matrix', 'networks', 'containers', 'expect')
CONTAINER_KEYS = ('name', 'image', 'command', 'networks', 'network_mode', 'published_ports', 'publish_all', 'dns')
ENDPOINT_KEYS = ('name', 'ipv4_address', 'ipv6_address', 'aliases')
PROBE_KEYS = ('from', 'to', 'kind', 'port', 'url', 'status', 'address', 'count', 'expect', 'timeout')
NAME_RE = re.compile(r'^[a-zA-Z0-9][a-zA-Z0-9_.-]*$')
# [ip:][host_port:]container_port[/proto]; an IPv6 host address goes in brackets, an IPv4 one has its dots
# (so 8088:80 is a host port and a container port, as for docker run -p).
PORT_RE = re.compile(r'^(?:(?P<ip>\[[0-9a-fA-F:.]+\]|\d+\.[0-9.]+):)?(?:(?P<host>\d*):)?(?P<ctr>\d+)(?:/(?P<proto>tcp|udp|sctp))?$')


def _present(entry):
    """The keys that are set: a role's argument spec fills unset suboptions with None."""
    return dict((key, value) for key, value in entry.items() if value is not None)


def _unknown(where, entry, allowed, problems):
    for key in sorted(set(entry) - set(allowed)):
        problems.append('%s: unknown key %r (allowed: %s)' % (where, key, ', '.join(allowed)))


def _name(value, where, problems):
    if not isinstance(value, str) or not NAME_RE.match(value):
        problems.append('%s: name %r must be a non-empty string of letters, digits, "_", "." and "-"' % (where, value))
        return None
    return value


def _matrix(value, problems):
    if value in (None, True, 'auto', 'on'):
        return True
    if value in (False, 'off', 'none'):
        return False
    problems.append('matrix: %r must be auto or off' % (value,))
    return False


def _truthy(value):
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on')


def _networks(raw, prefix, problems):
    """Topology entries with the prefix applied, and what the matrix needs of each."""
    if not isinstance(raw, list):
        problems.append('networks: %r must be a list of labnet.docker.topology network entries' % (raw,))
        return [], {}
    entries, facts = [], {}
    for index, entry in enumerate(raw):
        where = 'networks[%d]' % index
        if not isinstance(entry, dict):
            problems.append('%s: %r must be a dict (a labnet.docker.topology network entry)' % (where, entry))
            continue
        name = _name(entry.get('name'), where, problems)
        if name is None:
            continue
        if name in facts or name in PREDEFINED + MODES:
            problems.append('%s: network %r is listed twice or is a predefined network' % (where, name))
            continue
        subnets = []
        for pool in entry.get('ipam_config') or []:
            try:
                subnets.append(ipaddress.ip_network(str(pool.get('subnet')), strict=False))
            except (ValueError, AttributeError):
                problems.append('%s: subnet %r of network %r is not a CIDR' % (where, pool, name))
        options = entry.get('driver_options') or {}
        facts[name] = dict(name=prefix + name, user_defined=True, internal=_truthy(entry.get('internal', False)),
                           icc=not (ICC_OPTION in options and not _truthy(options[ICC_OPTION])),
                           driver=entry.get('driver') or DEFAULT_DRIVER, subnets=subnets)
        renamed = dict(entry, name=prefix + name)
        if entry.get('config_from'):
            renamed['config_from'] = prefix + entry['config_from']
        entries.append(renamed)
    return entries, facts


def _endpoints(where, raw, nets, problems):
    endpoints = []
    for index, item in enumerate(raw):
        spot = '%s.networks[%d]' % (where, index)
        item = {'name': item} if isinstance(item, str) else (_present(item) if isinstance(item, dict) else item)
        if not isinstance(item, dict):
            problems.append('%s: %r must be a network name or {name, ipv4_address, ipv6_address, aliases}' % (spot, item))
            continue
        _unknown(spot, item, ENDPOINT_KEYS, problems)
        net = item.get('name')
        if net not in nets and net not in PREDEFINED:
            problems.append('%s: network %r is neither in the lab\'s networks nor bridge' % (spot, net))
            continue
        if net in [ep['network'] for ep in endpoints]:
            problems.append('%s: network %r is listed twice' % (spot, net))
            continue
        endpoint = dict(network=net, ipv4_address=None, ipv6_address=None, aliases=list(item.get('aliases') or []))
        if net in PREDEFINED and (endpoint['aliases'] or item.get('ipv4_address') or item.get('ipv6_address')):
            problems.append('%s: the default bridge takes no fixed address or alias' % spot)
            continue
        for key, family in (('ipv4_address', 4), ('ipv6_address', 6)):
            if item.get(key) in (None, ''):
                continue
            try:
                address = ipaddress.ip_address(str(item[key]))
            except ValueError:
                problems.append('%s: %s %r is not an IP address' % (spot, key, item[key]))
                continue
            pools = [s for s in nets.get(net, {}).get('subnets', []) if s.version == family]
            if address.version != family or not any(address in pool for pool in pools):
                problems.append('%s: %s %s is not in a configured IPv%d subnet of network %r (%s)'
                                % (spot, key, address, family, net, ', '.join(str(p) for p in pools) or 'none'))
                continue
            endpoint[key] = str(address)
        endpoints.append(endpoint)
    return endpoints


def _ports(where, raw, problems):
    ports = []
    for item in raw:
        text = str(item)
        match = PORT_RE.match(text)
        if not match or int(match.group('ctr')) > 65535 or (match.group('host') and int(match.group('host')) > 65535):
            problems.append('%s: published port %r is not [address:][host_port:]container_port[/protocol]' % (where, item))
            continue
        ip = (match.group('ip') or '').strip('[]')
        if ip:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                problems.append('%s: published port %r has a host address that is not an IP address' % (where, item))
                continue
        ports.append(text)
    return ports


def _container(index, raw, nets, prefix, problems):
    where = 'containers[%d]' % index
    if not isinstance(raw, dict):
        problems.append('%s: %r must be a dict' % (where, raw))
        return None
    raw = _present(raw)
    _unknown(where, raw, CONTAINER_KEYS, problems)
    name = _name(raw.get('name'), where, problems)
    if name is None:
        return None
    where = 'container %r' % name
    mode = raw.get('network_mode')
    if mode is not None and raw.get('networks') is not None:
        problems.append('%s: give networks or network_mode (%r), not both' % (where, mode))
    if mode is not None and mode not in MODES and not is_container_mode(mode):
        problems.append('%s: network_mode %r must be host, none or container:<another lab container>' % (where, mode))
    raw_nets = raw.get('networks')
    if raw_nets is None:
        raw_nets = [] if mode is not None else [DEFAULT_NETWORK]
    if not isinstance(raw_nets, list) or not raw_nets and mode is None:
        problems.append('%s: networks %r must be a non-empty list' % (where, raw_nets))
        raw_nets = []
    ports = raw.get('published_ports') or []
    if not isinstance(ports, list):
        problems.append('%s: published_ports %r must be a list' % (where, ports))
        ports = []
    if mode is not None and (ports or raw.get('publish_all')):
        problems.append('%s: published ports need a network of the container\'s own, not network_mode %r' % (where, mode))
    dns = raw.get('dns', ['127.0.0.1'])
    if not isinstance(dns, list):
        problems.append('%s: dns %r must be a list of addresses' % (where, dns))
        dns = []
    command = raw.get('command', DEFAULT_COMMAND)
    if not isinstance(command, (str, list)):
        problems.append('%s: command %r must be a string or a list' % (where, command))
    return dict(name=name, docker_name=prefix + name, image=raw.get('image') or DEFAULT_IMAGE, command=command,
                mode=mode, endpoints=_endpoints(where, raw_nets, nets, problems), ports=_ports(where, ports, problems),
                publish_all=_truthy(raw.get('publish_all', False)), dns=[str(item) for item in dns])


def _owners(containers, problems):
    by_name = dict((ctr['name'], ctr) for ctr in containers)
    for ctr in containers:
        mode = ctr['mode']
        if not is_container_mode(mode):
            continue
        owner = by_name.get(namespace_owner(mode))
        if owner is None or owner is ctr:
            problems.append('container %r: network_mode %r names no other container of the lab' % (ctr['name'], mode))
        elif owner['mode']:
            problems.append('container %r: network_mode %r names a container without a network namespace of its own '
                            '(network_mode %s)' % (ctr['name'], mode, owner['mode']))


def _expect(raw, containers, prefix, problems):
    if not isinstance(raw, list):
        problems.append('expect: %r must be a list of labnet.docker.network_probe probes' % (raw,))
        return []
    names = dict((ctr['name'], ctr['docker_name']) for ctr in containers)
    probes = []
    for index, probe in enumerate(raw):
        where = 'expect[%d]' % index
        if not isinstance(probe, dict):
            problems.append('%s: %r must be a probe dict' % (where, probe))
            continue
        probe = _present(probe)
        _unknown(where, probe, PROBE_KEYS, problems)
        source = probe.get('from')
        if source != 'host' and source not in names:
            problems.append('%s: from %r is neither host nor a container of the lab (%s)'
                            % (where, source, ', '.join(sorted(names)) or 'none'))
            continue
        renamed = dict(probe)
        renamed['from'] = names.get(source, source)
        if probe.get('to') in names:
            renamed['to'] = names[probe['to']]
        text = '%s -> %s %s' % (source, probe.get('to') or probe.get('url'), probe.get('kind') or 'ping')
        if probe.get('port'):
            text += ' port %s' % probe['port']
        probes.append(dict(check='%s is %s' % (text, probe.get('expect') or 'reachable'), probe=renamed))
    return probes


def _container_params(ctr, containers, lab):
    params = dict(name=ctr['docker_name'], image=ctr['image'], command=ctr['command'], pull='never', state='started',
                  labels={LAB_LABEL: lab}, published_ports=ctr['ports'], publish_all_ports=ctr['publish_all'])
    mode = ctr['mode']
    if is_container_mode(mode):
        owner = next(other for other in containers if other['name'] == namespace_owner(mode))
        params['network_mode'] = container_mode(owner['docker_name'])
    elif mode:
        params['network_mode'] = mode
    else:
        first = ctr['endpoints'][0]
        params['network_mode'] = first['docker_network']
        endpoint = dict(name=first['docker_network'])
        for key in ('ipv4_address', 'ipv6_address'):
            if first[key]:
                endpoint[key] = first[key]
        if first['aliases']:
            endpoint['aliases'] = first['aliases']
        params['networks'] = [endpoint]
    # Docker refuses DNS servers for a container that shares another's namespace (it uses the owner's resolver).
    if not is_container_mode(mode):
        params['dns_servers'] = ctr['dns']
    return params


def lab_plan(definition, lab, prefix=''):
    """Validate a lab definition and return the plan; raise LabnetDockerError listing every problem.

    ``prefix`` starts every Docker name; None (a role's unset prefix) is none.
    """
    prefix = prefix or ''
    problems = []
    if not isinstance(definition, dict):
        raise LabnetDockerError('the lab definition must be a dict with %s, got %r' % (', '.join(LAB_KEYS), definition))
    definition = _present(definition)
    if not isinstance(lab, str) or not NAME_RE.match(lab):
        problems.append('lab name %r must be a non-empty string of letters, digits, "_", "." and "-"' % (lab,))
    _unknown('lab', definition, LAB_KEYS, problems)
    matrix = _matrix(definition.get('matrix', 'auto'), problems)
    networks, nets = _networks(definition.get('networks') or [], prefix, problems)
    raw_containers = definition.get('containers') or []
    if not isinstance(raw_containers, list):
        problems.append('containers: %r must be a list' % (raw_containers,))
        raw_containers = []
    containers = []
    for index, raw in enumerate(raw_containers):
        ctr = _container(index, raw, nets, prefix, problems)
        if ctr is None:
            continue
        if ctr['name'] in [other['name'] for other in containers]:
            problems.append('containers[%d]: container %r is listed twice' % (index, ctr['name']))
            continue
        containers.append(ctr)
    _owners(containers, problems)
    expect = _expect(definition.get('expect') or [], containers, prefix, problems)
    if problems:
        raise LabnetDockerError('lab %s is not valid: %s' % (lab, '; '.join(problems)))
    for ctr in containers:
        for endpoint in ctr['endpoints']:
            endpoint['docker_network'] = nets[endpoint['network']]['name'] if endpoint['network'] in nets else endpoint['network']
    attachments = []
    for ctr in containers:
        for endpoint in ctr['endpoints']:
            entry = dict(network=endpoint['docker_network'], container=ctr['docker_name'])
            for key in ('ipv4_address', 'ipv6_address'):
                if endpoint[key]:
                    entry[key] = endpoint[key]
            if endpoint['aliases']:
                entry['aliases'] = endpoint['aliases']
            attachments.append(entry)
    networks_facts = dict((name, dict(fact, subnets=[str(s) for s in fact['subnets']])) for name, fact in nets.items())
    networks_facts[DEFAULT_NETWORK] = dict(name=DEFAULT_NETWORK, user_defined=False, internal=False, icc=True,
                                           driver=DEFAULT_DRIVER, subnets=[])
    return dict(
        lab=dict(name=lab, prefix=prefix, matrix=matrix, networks=networks_facts, containers=containers),
        networks=networks, attachments=attachments,
        containers=[_container_params(ctr, containers, lab) for ctr in containers],
        expect=expect,
    )
