# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab module reads of a lab on the daemon (reads only).

Entry points:

- :func:`read_containers` - the lab's containers (found by its label) as the container planner needs
  them: ``{name: record}``, and which undeclared container shares whose namespace. Listing rows, but
  inspect records for the containers in a ``container:`` mode and their owners (their start times and
  the owner ID a mode names tell whether a member was left behind by its owner).
- :func:`observe` - after the converge: the lab's containers as the listing shows them (addresses,
  MACs, published ports, network modes) and the default bridge's row (its gateway is the host's
  address on it), which the matrix, the probes and the report read.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import container_name, namespace_owner
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DEFAULT_NETWORK, pick_network
from ansible_collections.labnet.docker.plugins.module_utils.lab.containers import records_by_name


def _mode(record):
    return (record.get('HostConfig') or {}).get('NetworkMode')


def lab_containers(api, lab):
    """The listing rows of the containers labelled as ``lab``'s."""
    return api.list_containers(filters={'label': ['%s=%s' % (LAB_LABEL, lab)]})


def read_containers(api, lab, declared):
    """``({name: record}, {undeclared member: its owner's name})`` of the lab's containers on the daemon."""
    rows = lab_containers(api, lab)
    records = records_by_name(rows)
    by_id = dict((row.get('Id'), container_name(row)) for row in rows)
    shared = set()
    for ctr in declared:
        if ctr.get('owner'):
            shared.update((ctr['name'], ctr['owner']))
    for name, record in records.items():
        owner = namespace_owner(_mode(record))
        if owner is not None:
            shared.update((name, by_id.get(owner, owner)))
    for name in sorted(shared):
        if name in records:
            records[name] = api.inspect_container(records[name]['Id']) or records[name]
    declared_names = set(ctr['name'] for ctr in declared)
    owners = {}
    for name, record in records.items():
        owner = namespace_owner(_mode(record))
        if owner is not None and name not in declared_names:
            owners[name] = by_id.get(owner, owner)
    return records, owners


def observe(api, lab):
    """``(listing rows of the lab's containers, the default bridge's listing row or None)``."""
    # The name filter matches by substring: pick_network takes the exact name.
    return lab_containers(api, lab), pick_network(api.list_networks(filters={'name': [DEFAULT_NETWORK]}), DEFAULT_NETWORK)
