#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: network_prune
short_description: Remove unused Docker networks, safely, with a real dry run
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.writes
version_added: 0.1.0
description:
  - The desired-state counterpart of C(docker network prune).
  - The set of networks to remove is computed here with the daemon's own filter rules, so check mode lists exactly
    the networks a real run removes (the docker CLI has no dry run). A real run removes exactly that set, one
    network at a time.
  - Never removes the predefined networks (V(bridge), V(host), V(none), V(docker_gwbridge)), the swarm ingress
    network, config-only networks, or a network that any container is connected to - running, created or
    stopped. The daemon's own prune would remove a network that only stopped containers use, after which they
    cannot start; this module keeps it.
author:
  - labnet.docker maintainers (@labnet)
options:
  filters:
    description:
      - Filters as in C(docker network prune --filter); any other key fails.
      - V(until) - only networks created at or before this time. A duration counted back from now (Go syntax such
        as V(24h), V(90m), V(1h30m); no days), an RFC 3339 date-time with a zone such as V(2024-05-01T12:00:00Z),
        or Unix seconds.
      - V(label) - a label V(key) or V(key=value), or a list of them; a network must carry all of them.
      - V(label!) - the same; a network carrying all of them is kept (the daemon's rule, so with one entry it
        means "without this label").
    type: dict
  managed_only:
    description:
      - Only networks this collection created (label C(labnet.docker.managed=true)).
      - The default, like docker, considers every network.
    type: bool
    default: false
  lab:
    description:
      - Only networks of this lab (label C(labnet.docker.lab=<lab>)).
    type: str
notes:
  - A network in the middle of a re-create has no endpoints, so a prune would take it. This module finishes the
    interrupted change of every network its filters select first (then the network is in use again), and never
    removes a journal (C(labnet.docker.journal) label) nor a network whose change a journal still records; RV(kept)
    gives the reason. Docker's own C(docker network prune) knows nothing of journals - it would remove such a network
    mid-change (the next task re-creates it from the journal), and it may remove the journal itself.
'''

EXAMPLES = r'''
- name: What would a prune remove? (nothing is removed)
  labnet.docker.network_prune:
  check_mode: true
  register: would_go

- name: Remove this collection's networks of the classroom lab that nothing uses
  labnet.docker.network_prune:
    managed_only: true
    lab: classroom

- name: Remove unused networks older than a day, except those marked keep
  labnet.docker.network_prune:
    filters:
      until: 24h
      label!: keep
'''

RETURN = r'''
recovered:
  type: list
  description: Interrupted changes of the candidate networks, finished first so that a half-made network is judged
    as it will be (see RV(labnet.docker.network#module:recovered)); empty when there was none.
  elements: dict
  returned: always
  sample:
    - {network: old-net, journal: old-net.labnet-journal, operation: recreate, actions: [{action: remove_journal, network: old-net}]}
networks:
  description: Name and ID of each network removed or, in check mode, that would be removed; sorted by name.
  returned: always
  type: list
  elements: dict
  sample:
    - name: lab1-net
      id: 5d3c8c9b4ac4a2a7c5d1c2f1f8f0f3cb87d7b8f0e2d5a1c3b9f1e6d2a4c8b0e1
kept:
  description: Networks that pass the filters but are kept, with the reason (predefined, in use by whom).
  returned: always
  type: list
  elements: dict
  sample:
    - name: lab1-db
      id: 7a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c
      reason: in use by db1 (exited)
not_removed:
  description: Networks of the computed set the daemon refused to remove because they became busy (or were gone).
  returned: always
  type: list
  elements: dict
  sample:
    - name: lab1-web
      id: 9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b
      reason: 'error while removing network: network lab1-web id 9b8a7c6d5e4f has active endpoints'
filters:
  description: The filters applied, with V(until) resolved to a UTC time and O(managed_only) and O(lab) as labels.
  returned: always
  type: dict
  sample:
    until: '2024-05-01T12:00:00Z'
    label:
      - labnet.docker.managed=true
      - labnet.docker.lab=classroom
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.prune.apply import prune_networks


def main():
    argument_spec = dict(
        filters=dict(type='dict'),
        managed_only=dict(type='bool', default=False),
        lab=dict(type='str'),
    )
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lambda api, mod: prune_networks(api, mod.params, mod.check_mode))


if __name__ == '__main__':
    main()
