# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding networks and containers by what a user wrote: a name or an ID."""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.attachment.endpoint import user_aliases
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

PREDEFINED_NETWORKS = frozenset(('bridge', 'host', 'none'))


def pick_network(summaries, ref):
    """Choose the network ``ref`` means among listing rows (pure).

    Order: exact name, then full ID, then a unique ID prefix. A name prefix
    never matches. Returns the row or None; raises when a prefix is ambiguous.
    """
    by_name = [row for row in summaries if row.get('Name') == ref]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise LabnetDockerError(
            'network name %s is ambiguous: %d networks carry it (IDs %s); use an ID'
            % (ref, len(by_name), ', '.join(sorted(row['Id'][:12] for row in by_name))),
            network_ids=sorted(row['Id'] for row in by_name))
    by_id = [row for row in summaries if row.get('Id') == ref]
    if by_id:
        return by_id[0]
    if not ref or any(ch not in '0123456789abcdef' for ch in ref):
        return None
    by_prefix = [row for row in summaries if row.get('Id', '').startswith(ref)]
    if len(by_prefix) > 1:
        raise LabnetDockerError('network ID prefix %s is ambiguous: it matches %s'
                                % (ref, ', '.join(sorted(row['Name'] for row in by_prefix))))
    return by_prefix[0] if by_prefix else None


def find_network(api, ref, verbose=False):
    """Inspect the network ``ref`` names (see :func:`pick_network`), or None."""
    row = pick_network(api.list_networks(), ref)
    if row is None:
        return None
    return api.inspect_network(row['Id'], verbose=verbose)


def container_endpoints(api, network):
    """Endpoints of the containers attached to an inspected network, sorted by name.

    Aliases live only in the container's own record, so each attached container
    is inspected once. The container-ID alias older engines add is left out (user_aliases).
    """
    endpoints = []
    for cid, entry in sorted((network.get('Containers') or {}).items(), key=lambda kv: kv[1].get('Name', '')):
        record = {
            'container': entry.get('Name'),
            'id': cid,
            'ipv4_address': (entry.get('IPv4Address') or '').split('/')[0] or None,
            'ipv6_address': (entry.get('IPv6Address') or '').split('/')[0] or None,
            'mac_address': entry.get('MacAddress') or None,
            'aliases': [],
        }
        container = api.inspect_container(cid)
        if container:
            settings = (container.get('NetworkSettings') or {}).get('Networks') or {}
            endpoint = settings.get(network.get('Name')) or {}
            record['aliases'] = user_aliases(endpoint, cid)
        endpoints.append(record)
    return endpoints
