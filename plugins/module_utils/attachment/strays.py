# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``exclusive`` for network_attachment: the containers on a network that a task does not list (pure).

A task with ``exclusive: true`` asks for exactly its containers on the network; every other
container connected to it (running, created or stopped) is a stray and gets disconnected.

Entry points:

- :func:`plan_exclusive` - the plan of an ``exclusive`` task: attachment.plan.plan_attachment's,
  preceded by the strays' disconnects (from the :class:`AttachmentFacts` attachment.read read).
- :func:`exclusive_problems` - why ``exclusive`` cannot be used for this task ([] when it can).
- :func:`find_strays` - the stray records among a listing of the network's containers.
- :func:`without_strays` - the network and listing with the strays taken out, so that an
  address a stray holds counts as free (the stray is disconnected before any connect).
- :func:`stray_steps` - one disconnect step per stray, from its inspect record.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import Step, configured_view, plan_attachment
from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import endpoint_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import attached, container_name, live_endpoint
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import DEFAULT_NETWORK, PREDEFINED_NETWORKS


def exclusive_problems(state, network, network_ref):
    """Why ``exclusive`` cannot apply ([] when it can); a missing network is left to the planner to report."""
    if state != 'present':
        return ['exclusive applies to state present only (a task that disconnects its own containers from '
                'network %s leaves the others alone)' % network_ref]
    if network is None:
        return []
    name = network.get('Name')
    if name == DEFAULT_NETWORK:
        return ['exclusive cannot be used on the predefined network bridge: every container started without a '
                'network option is on it, and all those the task does not list would lose their networking']
    if name in PREDEFINED_NETWORKS:
        return ['exclusive cannot be used on the predefined network %s: containers are on it through their '
                'network_mode, which is fixed when a container is created' % name]
    return []


def find_strays(network, wanted_ids, rows):
    """The rows (container listing rows or inspect records) connected to ``network`` and not in ``wanted_ids``.

    Sorted by name. A row whose endpoint is only the leftover of a refused connect is not
    connected (common.containers.is_leftover) and is no stray.
    """
    wanted = set(wanted_ids)
    return [member.record for member in attached(network, rows, live=True) if member.id not in wanted]


def without_strays(network, rows, strays):
    """(network, rows) without the strays: the network's running endpoints and the listing both."""
    ids = set(row['Id'] for row in strays)
    network = dict(network)
    network['Containers'] = dict((key, entry) for key, entry in (network.get('Containers') or {}).items()
                                 if key not in ids)
    return network, [row for row in rows or () if row.get('Id') not in ids]


def stray_steps(network, records, force=False):
    """A disconnect step for each stray's inspect record (one that is gone meanwhile is skipped)."""
    steps = []
    for record in records:
        if record is None:
            continue
        endpoint = live_endpoint(record, network)
        if endpoint is None:
            continue
        cid = record['Id']
        steps.append(Step('disconnect', container_name(record), cid,
                          before=configured_view(endpoint_from_inspect(endpoint, cid)), force=force))
    return steps


def plan_exclusive(attachment, facts):
    """plan_attachment's plan for ``facts``, preceded by disconnecting the containers the task does not list.

    The strays go first, so an address one of them holds is free for the listed container
    that asks for it; they are taken out of what the address-holder check sees. Their steps
    come from their inspect records (``facts.strays``): only those carry the aliases and driver
    options shown in the diff.
    """
    network, others = facts.network, facts.others
    problems = exclusive_problems(attachment.state, network, attachment.network)
    if problems:
        raise LabnetDockerError('; '.join(problems), problems=problems)
    strays = find_strays(network, [record['Id'] for record in facts.records if record], others) if network else []
    if strays:
        network, others = without_strays(network, others, strays)
    plan = plan_attachment(attachment, network, facts.records, facts.api_version, others, facts.members)
    plan.steps[:0] = stray_steps(network, [facts.strays.get(row['Id']) for row in strays], attachment.force)
    return plan
