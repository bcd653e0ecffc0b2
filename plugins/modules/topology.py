#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: topology
short_description: A lab's Docker networks and container attachments as desired state, in one task
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.writes
version_added: 0.1.0
description:
  - Converges many networks and their container attachments at once. It reads the daemon twice (one listing of
    networks, one of containers with their endpoints), then makes only the creates, changes, connects and
    disconnects that differ. A run with nothing to change makes no other call.
  - Each O(networks) entry behaves exactly as M(labnet.docker.network) with those options, and each O(attachments)
    entry as M(labnet.docker.network_attachment), because the topology calls the same validation, comparison,
    re-create policy and executors. Only a network being re-created reads more (its containers' full endpoints,
    to restore them), and an attachment that compares aliases or links inspects its containers.
  - Everything is validated before any change, and the task fails listing every refused entry; a refused task
    changes nothing.
  - Returns the plan in a readable form (RV(plan)) and as data (RV(actions)), in check mode too.
author:
  - labnet.docker maintainers (@labnet)
options:
  networks:
    description:
      - The networks, each a dict with the options of M(labnet.docker.network) except O(state), O(lab) and
        O(force), which the topology sets for all of them. That is C(name) (required), C(driver),
        C(driver_options), C(ipam_driver), C(ipam_driver_options), C(ipam_config) (list of C(subnet),
        C(gateway), C(ip_range), C(aux_addresses)), C(enable_ipv6), C(enable_ipv4), C(internal), C(attachable),
        C(ingress), C(scope), C(labels), C(labels_mode), C(config_only), C(config_from) and C(recreate).
      - Entries are checked against that module's argument spec, so values are converted and refused the same way.
      - Two entries may not name the same network, and their pools may not overlap.
    type: list
    elements: dict
    default: []
  attachments:
    description:
      - Containers on networks, each a dict with the options of M(labnet.docker.network_attachment) except
        O(state). That is C(network) (required; a network listed in O(networks) or one that exists), C(container) or
        C(containers), C(ipv4_address), C(ipv6_address), C(aliases), C(links), C(driver_options),
        C(mac_address), C(gw_priority), C(reconnect) and C(force).
      - One container may appear once per network, and one fixed address once per network.
    type: list
    elements: dict
    default: []
  state:
    description:
      - V(present) creates or updates the networks, then connects the attachments.
      - V(absent) disconnects the attachments whose network is not listed, then removes the listed networks. The
        containers the attachments name are disconnected first; any other attached container makes the task
        fail, naming it, unless O(force=true).
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - Also remove the networks this collection manages (label C(labnet.docker.managed=true)) that O(networks)
        does not list. With O(lab), only that lab's networks; without it, every managed network on the daemon.
      - A purged network with attached containers fails the task, naming them, unless O(force=true).
      - With O(state=absent) and O(lab), removes the whole lab.
    type: bool
    default: false
  lab:
    description:
      - The lab these networks belong to. Every listed network carries the label C(labnet.docker.lab) with this
        value (as O(labnet.docker.network#module:lab) does), and O(purge) is limited to it.
    type: str
  force:
    description:
      - Disconnect containers that the topology does not list before removing a network (with O(state=absent)
        or O(purge)).
    type: bool
    default: false
notes:
  - Actions run in this order - purged networks are removed, then each network in O(networks) is created,
    re-created or left alone, then each attachment is connected or reconnected. With O(state=absent), attachments
    are disconnected first and networks removed after.
  - If an action fails part-way, the task fails naming the entry, and RV(actions) lists what had already been done.
  - A create or connect that loses to another client making the same change at the same moment (concurrent runs of
    one play) makes the topology read and plan once more, as M(labnet.docker.network) and
    M(labnet.docker.network_attachment) do.
seealso:
  - module: labnet.docker.network
  - module: labnet.docker.network_attachment
'''

EXAMPLES = r'''
- name: A small lab - two bridges, a router on both, a client on each
  labnet.docker.topology:
    lab: classroom
    purge: true
    networks:
      - name: front
        ipam_config:
          - subnet: 10.201.10.0/24
      - name: back
        internal: true
        ipam_config:
          - subnet: 10.201.11.0/24
    attachments:
      - network: front
        containers: [router, client1]
      - network: back
        container: router
        ipv4_address: 10.201.11.2
        aliases: [gateway]
      - network: back
        container: client2

- name: What would change? (the plan, without changing anything)
  labnet.docker.topology:
    lab: classroom
    networks:
      - name: front
        ipam_config:
          - subnet: 10.201.10.0/24
  check_mode: true
  register: preview

- name: Tear the lab down
  labnet.docker.topology:
    lab: classroom
    state: absent
    purge: true
    force: true
'''

RETURN = r'''
recovered:
  elements: dict
  description: For every network of the topology, the interrupted change that was finished before the plan
    was made, in the form of RV(labnet.docker.network#module:recovered); empty when there was none.
  returned: always
  type: list
  sample:
    - {network: lab-a, journal: lab-a.labnet-journal, operation: recreate, actions: [{action: remove_journal, network: lab-a}]}
plan:
  description:
    - What was done (or, in check mode, would be done), one line per action, in order.
    - 'A reconnect names what differs in the wording of every module''s messages, for example
      C(reconnect client1 to front (aliases: [] -> [www]\)).'
  returned: always
  type: list
  elements: str
  sample:
    - create network front
    - create network back
    - connect router to front
    - connect client1 to front
    - connect router to back (aliases [gateway], ipv4_address 10.201.11.2)
    - connect client2 to back
actions:
  description:
    - The same as RV(plan), as data. C(action) is one of C(create), C(remove), C(remove_duplicate), C(disconnect),
      C(connect) and C(reconnect). A C(connect) or C(reconnect) carries the C(endpoint) settings, a C(reconnect)
      its C(differences) (C(field), C(before), C(after); C(current) and C(desired) repeat C(before) and C(after)
      for one release, deprecated).
  returned: always
  type: list
  elements: dict
  sample:
    - action: create
      network: back
    - action: connect
      network: back
      container: router
      endpoint:
        ipv4_address: 10.201.11.2
        aliases: [gateway]
networks:
  description:
    - One entry per network handled, purged ones first. C(action) is C(create), C(recreate), C(remove) or
      C(none). C(id) is the network's ID afterwards (none when removed, or created in check mode).
  returned: always
  type: list
  elements: dict
  sample:
    - name: front
      id: 0c6a5e1f2b3d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6
      action: none
      purged: false
    - name: back
      id: 7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c
      action: create
      purged: false
attachments:
  description: One entry per container and network, with the C(action) taken (C(connect), C(reconnect),
    C(disconnect) or C(none)).
  returned: always
  type: list
  elements: dict
  sample:
    - network: back
      container: router
      id: 3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e
      action: connect
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.topology.apply import converge_topology


def run(api, module):
    return converge_topology(api, module.params, check_mode=module.check_mode)


def main():
    argument_spec = dict(
        networks=dict(type='list', elements='dict', default=[]),
        attachments=dict(type='list', elements='dict', default=[]),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        purge=dict(type='bool', default=False),
        lab=dict(type='str'),
        force=dict(type='bool', default=False),
    )
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
