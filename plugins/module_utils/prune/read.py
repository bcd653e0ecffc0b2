# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading what planning a prune needs, through an injected ``DockerApi`` (reads only).

Entry points:

- :func:`read_networks` - one listing of networks and the journals it holds.
- :class:`PruneReader` - what prune.plan.plan_prune asks for once some network may go: every
  container, and one network's inspect record.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common import journal


def read_networks(api):
    """(listing rows of every network, the records of the journals among them); one API call."""
    rows = api.list_networks()
    return rows, journal.journals(api, rows)


class PruneReader:
    """The daemon behind prune.plan.plan_prune's questions."""

    def __init__(self, api):
        self.api = api

    def containers(self):
        """Listing rows of every container, stopped ones included (asked once per plan)."""
        return self.api.list_containers()

    def network(self, net_id):
        """The network's inspect record (its running endpoints), None when it is gone."""
        return self.api.inspect_network(net_id)
