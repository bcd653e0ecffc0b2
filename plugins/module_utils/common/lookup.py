# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding networks and containers by what a user wrote: a name or an ID; the networks Docker owns.

Entry points:

- :func:`pick` - the one rule for a reference, for networks and containers alike: exact
  name, then full ID, then a unique ID prefix; a name prefix never matches; an ambiguous
  name or prefix raises naming the candidates. :func:`pick_network` and
  :func:`pick_container` apply it to listing rows; :func:`find_network` and
  :func:`find_container` read the listing and inspect what it picks.
- :data:`PREDEFINED_NETWORKS`, :data:`MODE_ONLY_NETWORKS`, :data:`DAEMON_NETWORKS` - which
  networks Docker itself makes, and what each set means; :data:`DEFAULT_NETWORK` - the one a
  container is on when it names none.
- :func:`container_endpoints` - network_info's ``endpoints``: each attached container's
  endpoint, read from its inspect record.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, container_networks
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

# The network a container is on when it names none: the predefined network ``bridge`` (not the default
# driver, network.driver_options.DEFAULT_DRIVER, which has the same name).
DEFAULT_NETWORK = 'bridge'
# The networks every engine creates at start and no one can remove or re-create.
PREDEFINED_NETWORKS = frozenset((DEFAULT_NETWORK, 'host', 'none'))
# Predefined networks a container is on only through its network_mode (fixed when it is created):
# nothing can be connected to or disconnected from them.
MODE_ONLY_NETWORKS = frozenset(('host', 'none'))
# Networks the daemon makes and owns, so never pruned: the predefined ones, swarm's docker_gwbridge
# (connects swarm containers to the host) and Windows' default network.
DAEMON_NETWORKS = PREDEFINED_NETWORKS | frozenset(('docker_gwbridge', 'default'))

HEX_DIGITS = frozenset('0123456789abcdef')


def _network_names(row):
    return [row.get('Name')]


def _container_names(row):
    # A listing row carries every name, legacy link names (/web/db) included: those are not the container's own.
    names = [row.get('Name')] + list(row.get('Names') or [])
    return [name.lstrip('/') for name in names if name and '/' not in name.lstrip('/')]


def _label(kind, row):
    return (_network_names if kind == 'network' else _container_names)(row)[:1] or [(row.get('Id') or '')[:12]]


def pick(rows, ref, kind='network'):
    """The row ``ref`` means among listing rows of ``kind`` ('network' or 'container'), or None (pure).

    Order: exact name, then full ID, then a unique ID prefix. A name prefix never matches.
    Raises when a name (networks may share one) or an ID prefix is ambiguous.
    """
    names = _network_names if kind == 'network' else _container_names
    ref = str(ref if ref is not None else '')
    if kind == 'container':
        ref = ref.lstrip('/')
    by_name = [row for row in rows if ref and ref in names(row)]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise LabnetDockerError(
            '%s name %s is ambiguous: %d %ss carry it (IDs %s); use an ID'
            % (kind, ref, len(by_name), kind, ', '.join(sorted(row['Id'][:12] for row in by_name))),
            **{'%s_ids' % kind: sorted(row['Id'] for row in by_name)})
    by_id = [row for row in rows if row.get('Id') == ref]
    if by_id:
        return by_id[0]
    if not ref or any(ch not in HEX_DIGITS for ch in ref):
        return None
    by_prefix = [row for row in rows if (row.get('Id') or '').startswith(ref)]
    if len(by_prefix) > 1:
        raise LabnetDockerError('%s ID prefix %s is ambiguous: it matches %s'
                                % (kind, ref, ', '.join(sorted(_label(kind, row)[0] for row in by_prefix))))
    return by_prefix[0] if by_prefix else None


def pick_network(rows, ref):
    """:func:`pick` among network listing rows."""
    return pick(rows, ref, 'network')


def pick_container(rows, ref):
    """:func:`pick` among container listing rows (or inspect records)."""
    return pick(rows, ref, 'container')


def find_network(api, ref, verbose=False):
    """Inspect the network ``ref`` names (see :func:`pick`), or None."""
    row = pick_network(api.list_networks(), ref)
    if row is None:
        return None
    return api.inspect_network(row['Id'], verbose=verbose)


def find_containers(api, refs, rows=None):
    """The inspect record of the container each of ``refs`` names (see :func:`pick`), None where none.

    ``rows`` is a listing of all containers when one is at hand; otherwise one is read.
    """
    rows = api.list_containers() if rows is None else rows
    picked = [pick_container(rows, ref) for ref in refs]
    return [api.inspect_container(row['Id']) if row else None for row in picked]


def container_endpoints(api, network):
    """Endpoints of the containers attached to an inspected network, sorted by name.

    The fields have the meaning they have everywhere in this collection: ``ipv4_address`` and
    ``ipv6_address`` are the fixed addresses the endpoint was configured with (null when the
    daemon picks), ``assigned_ipv4_address`` and ``assigned_ipv6_address`` the ones it holds.
    Aliases and fixed addresses live only in the container's own record, so each attached
    container is inspected once; the container-ID alias older engines add is left out.
    """
    endpoints = []
    for member in attached(network, (), running_endpoints=True):
        entry = member.endpoint
        record = {
            'container': member.name,
            'id': member.id,
            'ipv4_address': None,
            'ipv6_address': None,
            'assigned_ipv4_address': (entry.get('IPv4Address') or '').split('/')[0] or None,
            'assigned_ipv6_address': (entry.get('IPv6Address') or '').split('/')[0] or None,
            'mac_address': entry.get('MacAddress') or None,
            'aliases': [],
        }
        container = api.inspect_container(member.id)
        if container:
            configured = endpoint_from_inspect(container_networks(container).get(network.get('Name')), member.id)
            record.update((key, configured[key]) for key in ('ipv4_address', 'ipv6_address', 'aliases'))
        endpoints.append(record)
    return endpoints
