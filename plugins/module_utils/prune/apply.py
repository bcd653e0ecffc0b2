# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing the networks a prune plan selects, and the network_prune module's whole run.

Entry points:

- :func:`prune_networks` - the ``labnet.docker.network_prune`` module: params -> result. It
  finishes the interrupted changes of the networks its filters select (network.recovery.recover),
  plans (prune.plan.plan_prune), then removes exactly the planned set one by one; check mode
  records the same removals and guards only the write.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker
from ansible_collections.labnet.docker.plugins.module_utils.prune.plan import plan_prune, recovery_names
from ansible_collections.labnet.docker.plugins.module_utils.prune.read import PruneReader, read_networks
from ansible_collections.labnet.docker.plugins.module_utils.prune.spec import prune_filters


def remove_networks(api, selected, check_mode, tracker):
    """Remove each of ``selected`` ({name, id}) unless it is in use by now; returns (removed, not_removed)."""
    removed, not_removed = [], []
    for network in selected:
        tracker.act('remove', network=network['name'], id=network['id'])
        reason = None if check_mode else api.remove_unused_network(network['id'])
        if reason:
            not_removed.append(dict(network, reason=reason))
        else:
            removed.append(network)
    return removed, not_removed


def prune_networks(api, params, check_mode=False):
    """The network_prune task: compute the set, then remove exactly it (check mode: report it)."""
    filters = prune_filters(params.get('filters'), params.get('managed_only'), params.get('lab'))
    rows, journals = read_networks(api)
    # A network mid-change has no endpoints: finish the change first (then it is in use), and never
    # remove it or its journal while the change is recorded.
    recovered, warnings = recovery.recover(api, recovery_names(filters, rows, journals), check_mode, rows=rows)
    if recovered and not check_mode:
        rows, journals = read_networks(api)
    plan = plan_prune(filters, rows, journals, PruneReader(api))
    tracker = ChangeTracker()
    removed, not_removed = remove_networks(api, plan.selected, check_mode, tracker)
    tracker.differ('networks', [net['name'] for net in plan.selected], [net['name'] for net in not_removed])
    warnings = warnings + ['network %s was not removed: %s' % (net['name'], net['reason']) for net in not_removed]
    return dict(changed=bool(removed) or bool(recovered), networks=removed, kept=plan.kept, not_removed=not_removed,
                filters=filters.as_result(), diff=tracker.diff(), recovered=recovered, warnings=warnings)
