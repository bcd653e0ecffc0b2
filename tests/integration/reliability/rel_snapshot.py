"""A listing of networks, endpoints and containers, read from the Engine API (not through the collection).

Two snapshots are compared to prove that a refused task changed nothing and
that faults lost nothing. A snapshot is built from the daemon's two listings
(GET /networks and GET /containers/json?all=1; endpoints come from the
containers' rows), either in-process with the SDK (:func:`snapshot`) or inside
a play, between tasks, by a set_fact whose url lookups read the same listings
over the unix socket in the controller process (:func:`snapshot_task`) - no
extra process per snapshot.
"""

from __future__ import annotations

PREDEFINED = ('bridge', 'host', 'none')
SNAPSHOT_FACT = 'rel_snapshot'


def _mine(name, prefix):
    return not prefix or name.startswith(prefix)


def from_listings(networks, containers, prefix=None):
    """Normalise the two listings into {'networks': {...}, 'containers': {...}}.

    With ``prefix`` only objects whose names start with it are kept (plus the
    predefined networks): the shared engine holds other runs' objects, which change.
    The container row's human "Status" (Up 5 seconds) is left out; its State is kept.
    """
    result = dict(networks={}, containers={})
    for row in networks:
        if not (_mine(row['Name'], prefix) or row['Name'] in PREDEFINED):
            continue
        key = row['Name'] if row['Name'] not in result['networks'] else '%s@%s' % (row['Name'], row['Id'])
        result['networks'][key] = dict(
            id=row['Id'], created=row.get('Created'), driver=row.get('Driver'), scope=row.get('Scope'),
            internal=row.get('Internal'), attachable=row.get('Attachable'), ipv6=row.get('EnableIPv6'),
            config_only=row.get('ConfigOnly'), ipam=row.get('IPAM'), options=row.get('Options'),
            labels=row.get('Labels'))
    for row in containers:
        name = row['Names'][0].lstrip('/')
        if not _mine(name, prefix):
            continue
        endpoints = {}
        for net_name, endpoint in ((row.get('NetworkSettings') or {}).get('Networks') or {}).items():
            endpoints[net_name] = dict(
                network_id=endpoint.get('NetworkID'), endpoint_id=endpoint.get('EndpointID'),
                ipam=endpoint.get('IPAMConfig'), ipv4=endpoint.get('IPAddress'),
                ipv6=endpoint.get('GlobalIPv6Address'), mac=endpoint.get('MacAddress'),
                links=endpoint.get('Links'), driver_opts=endpoint.get('DriverOpts'))
        result['containers'][name] = dict(id=row['Id'], state=row.get('State'),
                                          network_mode=(row.get('HostConfig') or {}).get('NetworkMode'),
                                          endpoints=endpoints)
    return result


def snapshot(api, prefix=None):
    """A snapshot of the daemon behind ``api`` (a docker.APIClient)."""
    return from_listings(api.networks(), api.containers(all=True), prefix)


def snapshot_task(socket_path, api_version='v1.41'):
    """A play task that stores a snapshot's raw listings in the fact ``rel_snapshot``."""
    url = "lookup('ansible.builtin.url', 'http://localhost/%s/%s', unix_socket='%s', split_lines=False) | from_json"
    return {'name': 'snapshot', 'ansible.builtin.set_fact': {SNAPSHOT_FACT: {
        'networks': '{{ %s }}' % (url % (api_version, 'networks', socket_path)),
        'containers': '{{ %s }}' % (url % (api_version, 'containers/json?all=1', socket_path)),
    }}}


def from_task_result(result, prefix=None):
    listings = result['ansible_facts'][SNAPSHOT_FACT]
    return from_listings(listings['networks'], listings['containers'], prefix)


def objects(snap):
    """The identities in a snapshot: networks, containers and endpoints (network, container).

    The predefined networks are known by name: the daemon gives the default bridge a new ID
    each time it starts.
    """
    found = set(('network', key if key in PREDEFINED else net['id']) for key, net in snap['networks'].items())
    found.update(('container', entry['id']) for entry in snap['containers'].values())
    for entry in snap['containers'].values():
        # A container that never ran has no NetworkID yet: its endpoint is known by the network's name.
        found.update(('endpoint', name if name in PREDEFINED else ep.get('network_id') or name, entry['id'])
                     for name, ep in entry['endpoints'].items())
    return found


def lost(before, after):
    """Objects present in ``before`` and missing from ``after``."""
    return sorted(objects(before) - objects(after))
