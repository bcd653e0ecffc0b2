# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading what planning one network_attachment task needs, through an injected ``DockerApi`` (reads only).

Entry points:

- :func:`read_facts` - an attachment.plan.AttachmentFacts for one task: the network, the
  inspect records of the task's containers, the records of the network's other containers
  when a fixed address needs its holders or ``exclusive`` its strays.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import AttachmentFacts
from ansible_collections.labnet.docker.plugins.module_utils.attachment.strays import exclusive_problems, find_strays
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, half_made
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import find_containers, find_network


def _members(api, network, records):
    """The IDs of the network's live endpoints (its inspect lists them), which tell half-made ones apart."""
    members = set(network.get('Containers') or {}) if network else None
    if network and any(half_made(record, network, members) for record in records):
        # The network was read before the containers: one another client connected in between
        # looks half-made. Read it again, now after the containers, to be sure.
        fresh = api.inspect_network(network['Id'])
        members = set((fresh or {}).get('Containers') or {})
    return members


def read_facts(api, attachment, exclusive=False):
    """What plan_attachment (or, with ``exclusive``, attachment.strays.plan_exclusive) needs for one task.

    The containers are found in one listing by the rule every module uses (common.lookup.pick:
    an ambiguous ID prefix is refused), then inspected. ``others`` are the listing rows of the
    network's containers, running or not, when a fixed address needs its holders or ``exclusive``
    needs the containers the task does not list; with ``exclusive`` those are inspected too.
    """
    network = find_network(api, attachment.network)
    rows = api.list_containers()
    records = find_containers(api, attachment.containers, rows)
    others = []
    if network is not None and attachment.state == 'present' and (attachment.fixed_addresses or exclusive):
        others = [member.record for member in attached(network, rows)]
    facts = AttachmentFacts(network=network, records=records, api_version=api.api_version, others=others,
                            members=_members(api, network, records))
    if exclusive and network is not None and not exclusive_problems(attachment.state, network, attachment.network):
        wanted = [record['Id'] for record in records if record]
        facts.strays = dict((row['Id'], api.inspect_container(row['Id'])) for row in find_strays(network, wanted, others))
    return facts
