#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: lab
version_added: 0.1.0
short_description: Converge a whole lab file - networks, containers and their endpoints - in one task
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.writes
description:
  - Builds the lab a lab file describes (see the C(labnet.docker.lab) role and C(docs/roles.md)) in one call
    instead of one task per network and container, and returns what the probes and the report need, so no task
    reads it again.
  - The lab file is validated first; a bad value fails the task naming it, before anything is read or changed.
  - Containers are found by the lab's label. One that is missing is created and started; one whose declared spec
    (image, command, network mode, published ports, DNS servers) differs from the spec its label recorded is
    re-created, with the fields named in the reason; a stopped one is started. A container that shares another's
    network namespace (C(network_mode) C(container:<owner>)) is handled after its owner, re-created with it and
    restarted when its owner starts. Containers of the lab that the file no longer lists are removed.
  - Networks and endpoints converge through the same planner as M(labnet.docker.topology).
  - A container the daemon refuses to create or start (a host port that is taken, for example) does not fail the
    task; it is a failing row of RV(failed_rows) naming the daemon's error.
  - Check mode returns the exact plan (RV(plan), RV(containers_plan)) and changes nothing, also on a daemon where
    the lab was never built; C(--diff) shows the plan.
  - Every step is planned from what the daemon holds, so a run that was killed part-way is finished by the next.
author:
  - labnet.docker maintainers (@labnet)
options:
  definition:
    description:
      - The lab, as the parsed content of a lab file - C(networks), C(containers), C(expect), C(matrix), C(name).
    type: dict
    required: true
  lab:
    description:
      - The lab's name. Every network and container of the lab carries the label C(labnet.docker.lab) with this
        value, and only those are touched.
    type: str
    required: true
  prefix:
    description:
      - Prepended to the name of every network and container of the lab. To build the same file twice on one
        daemon, give each build its own O(prefix) and its own O(lab) - the lab's containers are found by O(lab), so
        a second build under the same O(lab) would remove the first one's containers as no longer listed.
    type: str
    default: ''
notes:
  - The order is - containers the lab no longer lists are removed, networks created or re-created, containers
    created, re-created, started or restarted (owners before their members), endpoints connected or reconnected.
seealso:
  - module: labnet.docker.topology
  - module: labnet.docker.network_probe
'''

EXAMPLES = r'''
- name: Build the lab of a lab file
  labnet.docker.lab:
    lab: three-tier
    definition: "{{ lookup('ansible.builtin.file', 'labs/three-tier.yml') | from_yaml }}"
  register: built

- name: What would change? (run with --check --diff)
  labnet.docker.lab:
    lab: three-tier
    definition: "{{ lookup('ansible.builtin.file', 'labs/three-tier.yml') | from_yaml }}"
  check_mode: true
  register: planned
'''

RETURN = r'''
plan:
  description: Every change made (or, in check mode, to be made), in order, one line each.
  returned: always
  type: list
  elements: str
  sample: ["create network lab-front", "create container lab-web (missing)", "connect lab-app to lab-back"]
containers_plan:
  description: The step each container needed, with its reason.
  returned: always
  type: list
  elements: dict
  sample: [{container: lab-web, action: recreate, reason: "config drift: image"}]
actions:
  description: The actions as data - those of M(labnet.docker.topology) for networks and endpoints, and one per
    container step.
  returned: always
  type: list
  elements: dict
  sample: [{action: create, container: lab-web, reason: missing}]
networks:
  description: The lab's networks, as M(labnet.docker.topology) returns them.
  returned: always
  type: list
  elements: dict
  sample: [{name: lab-front, id: 3f2e1d0c9b8a, action: none, purged: false}]
attachments:
  description: The lab's endpoints, as M(labnet.docker.topology) returns them.
  returned: always
  type: list
  elements: dict
  sample: [{network: lab-back, container: lab-app, id: 9f8e7d6c5b4a, action: connect}]
recovered:
  description: Interrupted network changes that this run finished first.
  returned: always
  type: list
  elements: dict
  sample: []
failed_rows:
  description: One check row per container the daemon refused to create or start (and its members, not run).
  returned: always
  type: list
  elements: dict
  sample: [{scenario: build, check: "container lab-web is created (missing)", expected: running,
            observed: "starting container lab-web failed: port is already allocated", ok: false}]
containers:
  description: The lab's containers after the run, as the Engine API lists them (addresses, MAC addresses,
    published ports, network modes).
  returned: always
  type: list
  elements: dict
  sample: [{Id: 9f8e7d6c5b4a, Names: [/lab-web], State: running, HostConfig: {NetworkMode: lab-front}}]
bridge:
  description: The default bridge network as the Engine API lists it (its gateway is this host's address on it).
  returned: always
  type: dict
  sample: {Name: bridge, IPAM: {Config: [{Subnet: 172.17.0.0/16, Gateway: 172.17.0.1}]}}
lab:
  description: The lab as validated and normalised, from which the expected reachability is derived.
  returned: always
  type: dict
  sample: {name: three-tier, prefix: '', matrix: true, networks: {}, containers: []}
expect:
  description: The lab file's own expectations, as check texts and M(labnet.docker.network_probe) probes.
  returned: always
  type: list
  elements: dict
  sample: [{check: "tt-app -> tt-db tcp port 5432 is reachable", probe: {from: tt-app, to: tt-db, kind: tcp}}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.lab.apply import converge_lab


def run(api, module):
    return converge_lab(api, module.params, check_mode=module.check_mode)


def main():
    argument_spec = dict(
        definition=dict(type='dict', required=True),
        lab=dict(type='str', required=True),
        prefix=dict(type='str', default=''),
    )
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
