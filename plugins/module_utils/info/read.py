# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading networks: the logic behind network_info."""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import (
    PREDEFINED_NETWORKS, container_endpoints, pick_network)

LIST_FILTER_KEYS = ('dangling', 'driver', 'id', 'label', 'name', 'scope', 'type')


def normalize_list_filters(filters):
    """Turn ``docker network ls`` style filters into the Engine API form (pure).

    Values may be a string, a boolean or a list; the result maps each key to a
    list of strings. Unknown keys and bad ``type``/``dangling`` values raise.
    """
    result = {}
    for key, value in (filters or {}).items():
        if key not in LIST_FILTER_KEYS:
            raise LabnetDockerError('unknown network filter %r: use one of %s' % (key, ', '.join(LIST_FILTER_KEYS)))
        values = value if isinstance(value, list) else [value]
        texts = []
        for item in values:
            if isinstance(item, bool):
                item = 'true' if item else 'false'
            if not isinstance(item, (str, int)) or isinstance(item, bool):
                raise LabnetDockerError('filter %s: value %r is not a string' % (key, item))
            texts.append(str(item))
        if key == 'type' and any(text not in ('custom', 'builtin') for text in texts):
            raise LabnetDockerError('filter type: %s is not custom or builtin' % ', '.join(texts))
        if key == 'dangling' and any(text.lower() not in ('true', 'false', '1', '0') for text in texts):
            raise LabnetDockerError('filter dangling: %s is not a boolean' % ', '.join(texts))
        result[key] = texts
    return result


def is_dangling(network):
    """Docker's meaning of ``dangling``: a user-defined network without attached containers.

    Docker 20.10 answers the ``dangling`` filter with every user-defined network,
    in use or not, so the filter is applied here, to the inspect result.
    """
    return network.get('Name') not in PREDEFINED_NETWORKS and not network.get('Containers')


def _dangling_wanted(api_filters):
    values = set(text.lower() in ('true', '1') for text in api_filters.pop('dangling', []))
    if len(values) > 1:
        raise LabnetDockerError('filter dangling: give one value, not both true and false')
    return values.pop() if values else None


def gather_networks(api, names, filters, verbose):
    """Result of network_info: the inspected networks, and ``exists`` for one name."""
    api_filters = normalize_list_filters(filters)
    dangling = _dangling_wanted(api_filters)
    listed = api.list_networks(filters=api_filters or None)
    if names:
        everything = api.list_networks() if api_filters else listed
        allowed = set(row['Id'] for row in listed)
        rows = {}
        for ref in names:
            row = pick_network(everything, ref)
            if row is not None and row['Id'] in allowed:
                rows[row['Id']] = row
        selected = list(rows.values())
    else:
        selected = listed
    networks = []
    for row in selected:
        network = api.inspect_network(row['Id'])
        if network is None:  # removed between listing and inspecting
            continue
        if dangling is not None and is_dangling(network) != dangling:
            continue
        if verbose:
            network['endpoints'] = container_endpoints(api, network)
        networks.append(network)
    networks.sort(key=lambda net: (net.get('Name') or '', net.get('Id')))
    shown = set(net.get('Name') for net in networks)
    records = journal.journals(api)
    result = dict(changed=False, networks=networks,
                  journals=[journal.summary(record) for record in records if not names or record['network'] in shown
                            or record['network'] in names])
    if names and len(names) == 1:
        result['exists'] = bool(networks)
    return result
