"""A listing of networks, endpoints and containers, read with the Docker SDK (not the collection).

Two snapshots are compared to prove that a refused task changed nothing and
that faults lost nothing. Used in-process, and as a script between the tasks
of a play: ``python rel_snapshot.py OUT.jsonl LABEL [PREFIX]`` appends one
JSON line ``{"label": ..., "snapshot": ...}`` (the daemon from DOCKER_HOST).
"""

from __future__ import annotations

import json
import os
import sys

import docker

PREDEFINED = ('bridge', 'host', 'none')


def _mine(name, prefix):
    return not prefix or name.startswith(prefix)


def snapshot(api, prefix=None):
    """Networks (with their endpoints) and containers (with theirs) of the daemon behind ``api``.

    ``api`` is a docker.APIClient. With ``prefix``, only objects whose names
    start with it (plus the predefined networks, showing only those objects'
    endpoints) - the shared engine holds other runs' objects, which change.
    """
    containers = {}
    for row in api.containers(all=True):
        name = row['Names'][0].lstrip('/')
        if not _mine(name, prefix):
            continue
        record = api.inspect_container(row['Id'])
        networks = {}
        for net_name, endpoint in ((record.get('NetworkSettings') or {}).get('Networks') or {}).items():
            networks[net_name] = dict(
                network_id=endpoint.get('NetworkID'), endpoint_id=endpoint.get('EndpointID'),
                ipam=endpoint.get('IPAMConfig'), ipv4=endpoint.get('IPAddress'),
                ipv6=endpoint.get('GlobalIPv6Address'), mac=endpoint.get('MacAddress'),
                aliases=sorted(set(endpoint.get('Aliases') or []) - {record['Id'][:12]}),
                links=sorted(endpoint.get('Links') or []), driver_opts=endpoint.get('DriverOpts'))
        state = record.get('State') or {}
        containers[name] = dict(id=record['Id'], status=state.get('Status'), started=state.get('StartedAt'),
                                network_mode=(record.get('HostConfig') or {}).get('NetworkMode'),
                                networks=networks)
    ids = set(entry['id'] for entry in containers.values())
    networks = {}
    for row in api.networks():
        if not (_mine(row['Name'], prefix) or row['Name'] in PREDEFINED):
            continue
        net = api.inspect_network(row['Id'])
        endpoints = dict((entry.get('Name'), dict(endpoint_id=entry.get('EndpointID'), ipv4=entry.get('IPv4Address'),
                                                  ipv6=entry.get('IPv6Address'), mac=entry.get('MacAddress')))
                         for cid, entry in (net.get('Containers') or {}).items() if not prefix or cid in ids)
        key = net['Name'] if net['Name'] not in networks else '%s@%s' % (net['Name'], net['Id'])
        networks[key] = dict(id=net['Id'], created=net.get('Created'), driver=net.get('Driver'),
                             scope=net.get('Scope'), internal=net.get('Internal'), attachable=net.get('Attachable'),
                             ipv6=net.get('EnableIPv6'), config_only=net.get('ConfigOnly'), ipam=net.get('IPAM'),
                             options=net.get('Options'), labels=net.get('Labels'), endpoints=endpoints)
    return dict(networks=networks, containers=containers)


def objects(snap):
    """The identities in a snapshot: networks, containers and endpoints (network, container)."""
    found = set(('network', net['id']) for net in snap['networks'].values())
    found.update(('container', entry['id']) for entry in snap['containers'].values())
    for entry in snap['containers'].values():
        # A container that never ran has no NetworkID yet: its endpoint is known by the network's name.
        found.update(('endpoint', ep.get('network_id') or name, entry['id']) for name, ep in entry['networks'].items())
    return found


def lost(before, after):
    """Objects present in ``before`` and missing from ``after``."""
    return sorted(objects(before) - objects(after))


def main(argv):
    out, label = argv[1], argv[2]
    prefix = argv[3] if len(argv) > 3 else None
    api = docker.APIClient(base_url=os.environ.get('DOCKER_HOST', 'unix:///var/run/docker.sock'), version='auto')
    try:
        line = json.dumps(dict(label=label, snapshot=snapshot(api, prefix)), sort_keys=True)
    finally:
        api.close()
    with open(out, 'a') as handle:
        handle.write(line + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
