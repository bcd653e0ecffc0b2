#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: network_attachment
version_added: 0.1.0
short_description: Connect containers to a Docker network, or disconnect them, as desired state
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.writes
description:
  - The desired-state counterpart of C(docker network connect) and C(docker network disconnect).
  - Works for running containers and for created or stopped ones; the comparison reads each container's own
    record, where the endpoints of stopped containers are kept until they start.
  - An existing connection whose settings differ from the ones asked for is replaced (disconnect, then connect)
    when O(reconnect=true); settings the task does not mention are kept.
  - Everything is validated before anything changes. Refused with a message naming the value and the reason, and
    nothing changed - the networks V(host) and V(none); containers with C(network_mode) V(host), V(none)
    or V(container:...); a network or container that does not exist; a fixed address outside the network's
    subnets, on a network without a user-configured subnet, or already held by another endpoint, the network's
    gateway or an auxiliary address (the holder is named); a fixed IPv4 address on a network with IPv4 disabled;
    links that are not C(name) or C(name:alias) and addresses with a zone id; O(mac_address) where it would need a
    connect; O(gw_priority) on a daemon whose API is too old for it.
  - A connect the daemon refuses part-way can leave a half-made endpoint in the container's record only. It is
    recognised - a connect makes it whole (C(repaired) in the result), O(state=absent) clears it (action
    C(clear)), and a failed connect removes the one it left.
author:
  - labnet.docker maintainers (@labnet)
options:
  network:
    description:
      - The network, by name, full ID or unique ID prefix.
    type: str
    required: true
  container:
    description:
      - One container, by name or ID.
      - Give O(container), O(containers) or both.
    type: str
  containers:
    description:
      - Several containers, by name or ID, all getting the same settings. All are validated before any is changed.
    type: list
    elements: str
  state:
    description:
      - V(present) connects the containers with the given settings; V(absent) disconnects them.
      - With V(absent), a container that is not connected, a container that does not exist and a network that does
        not exist are all fine and unchanged, so that teardown can run twice.
    type: str
    choices: [present, absent]
    default: present
  ipv4_address:
    description:
      - A fixed IPv4 address. Only for one container, and only on a network with a user-configured IPv4 subnet.
    type: str
  ipv6_address:
    description:
      - A fixed IPv6 address. Only for one container, and only on a network with IPv6 and a user-configured IPv6 subnet.
    type: str
  aliases:
    description:
      - Network-scoped DNS aliases. Compared as a set; the short container ID the daemon adds by itself is ignored.
      - V([]) asks for no aliases; leaving the option out keeps whatever the endpoint has.
    type: list
    elements: str
  links:
    description:
      - Legacy links, each V(container) or V(container:alias).
    type: list
    elements: str
  driver_options:
    description:
      - Endpoint options for the network driver. Values are compared as the daemon stores them (text).
    type: dict
  mac_address:
    description:
      - The MAC address the endpoint must have. No Docker engine applies a MAC address on connect (20.10 has no
        such setting; 26.1 and 28.5 accept it and assign another), so it is accepted only when the container is
        already connected with exactly this MAC (given when it was created) and nothing else would change; any
        connect or reconnect it would need is refused before it happens.
    type: str
  gw_priority:
    description:
      - Which network provides the container's default gateway (highest wins). Needs Engine API 1.48 or newer.
    type: int
  exclusive:
    description:
      - V(true) makes the listed containers the only ones on the network - every other container connected to
        it, running, created or stopped, is disconnected (with O(force) if given). The disconnects come first, so an
        address one of them holds can be given to a listed container in the same task.
      - This is what community.docker's C(docker_network) does with C(connected) and C(appends=false).
      - As with C(docker network disconnect), a container for which this was the only network is left with
        loopback only.
      - Only containers of the daemon the task talks to are seen; on a swarm-scoped network, containers on
        other nodes are not touched.
      - Only with O(state=present). Refused on the predefined networks V(bridge), V(host) and V(none)
        (on V(bridge) it would cut off every container started without a network option).
      - Check mode and diff mode show the disconnects like any other change.
    type: bool
    default: false
  reconnect:
    description:
      - What to do when a container is connected with other settings than asked for.
      - V(true) disconnects it and connects it again with the new settings (the merged old and new ones).
      - V(false) fails, listing the differences, and changes nothing.
    type: bool
    default: true
  force:
    description:
      - Pass the force flag on disconnect (also on the disconnect of a reconnect).
    type: bool
    default: false
notes:
  - A subnet the daemon picked itself looks like a configured subnet with a gateway in the network's inspect
    output. When that cannot be told apart, the daemon decides about a fixed address - before anything changes,
    also for a reconnect - and its refusal is reported as for any other refusal. Check mode does not ask the
    daemon, so there it reports the change.
  - When a connect finds the endpoint or the fixed address taken by another client since the task read the state
    (concurrent runs of one play), the task reads and plans once more; it converges, or fails naming the holder.
'''

EXAMPLES = r'''
- name: Attach web to the backend network with a fixed address and an alias
  labnet.docker.network_attachment:
    network: backend
    container: web
    ipv4_address: 10.20.0.10
    aliases: [www]

- name: Attach several containers at once
  labnet.docker.network_attachment:
    network: backend
    containers: [app1, app2, app3]

- name: Fail instead of reconnecting if db is attached differently
  labnet.docker.network_attachment:
    network: backend
    container: db
    aliases: [database]
    reconnect: false

- name: Exactly these two containers on backend; any other is disconnected
  labnet.docker.network_attachment:
    network: backend
    containers: [app1, app2]
    exclusive: true

- name: Detach web again
  labnet.docker.network_attachment:
    network: backend
    container: web
    state: absent
'''

RETURN = r'''
recovered:
  description: An interrupted change of O(network) that was finished before connecting or disconnecting,
    as RV(labnet.docker.network#module:recovered) lists them; empty when there was none.
  type: list
  returned: always
  elements: dict
  sample:
    - {network: web-net, journal: web-net.labnet-journal, operation: reconnect, actions: [{action: remove_journal, network: web-net}]}
network:
  description: Name and ID of the network; null when O(state=absent) and the network does not exist.
  returned: always
  type: dict
  sample:
    name: backend
    id: 4f8d7c6b5a49382716059483726150493827160594837261504938271605a1b2
containers:
  description:
    - One entry per container asked for, in that order; with O(exclusive), followed by one entry for each other
      container that was disconnected (C(action) C(disconnected), C(endpoint) null).
    - C(action) is C(connected), C(reconnected), C(disconnected), C(cleared) (a half-made endpoint removed) or
      C(unchanged); C(repaired) is true where a half-made endpoint was found.
    - C(differences) lists what made a reconnect necessary, each as C(field), C(before) (the endpoint's setting) and
      C(after) (the task's). C(current) and C(desired) repeat C(before) and C(after) under their former names for
      one release only (deprecated).
    - C(endpoint) is the endpoint afterwards (null when not connected). C(ipv4_address) and C(ipv6_address) are
      the fixed addresses it is configured with (null when the daemon picks), as the options of this module mean
      them; after a real run it also holds the addresses the daemon assigned (C(assigned_ipv4_address),
      C(assigned_ipv6_address)); in check mode, the configured settings.
  returned: always
  type: list
  elements: dict
  sample:
    - container: web
      id: 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
      action: reconnected
      differences:
        - field: ipv4_address
          before: 10.20.0.9
          after: 10.20.0.10
          current: 10.20.0.9
          desired: 10.20.0.10
      endpoint:
        ipv4_address: 10.20.0.10
        ipv6_address: null
        aliases: [www]
        links: []
        driver_options: {}
        mac_address: 02:42:0a:14:00:0a
        gw_priority: null
        assigned_ipv4_address: 10.20.0.10
        assigned_ipv6_address: null
actions:
  description: The changes made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample:
    - action: reconnect
      network: backend
      container: web
problems:
  description: Every reason the task was refused, one text each.
  returned: when refused
  type: list
  elements: str
  sample:
    - ipv4_address 10.20.0.10 is already held by running container db on network backend
differences:
  description:
    - The settings that differ when O(reconnect=false) refused a change, with the endpoint's value (C(before)) and
      the task's (C(after)). C(current) and C(desired) repeat them under their former names for one release only
      (deprecated).
  returned: when refused because O(reconnect=false)
  type: list
  elements: dict
  sample:
    - container: db
      field: aliases
      before: [sql]
      after: [database]
      current: [sql]
      desired: [database]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import ATTACHMENT_ARGS
from ansible_collections.labnet.docker.plugins.module_utils.attachment.apply import converge_attachment
from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module


def main():
    argument_spec = dict(ATTACHMENT_ARGS)
    # Not in ATTACHMENT_ARGS, which topology's attachments entries share: topology does not offer it.
    argument_spec['exclusive'] = dict(type='bool', default=False)
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[('container', 'containers')])
    run_module(module, lambda api, mod: converge_attachment(api, mod.params, mod.check_mode))


if __name__ == '__main__':
    main()
