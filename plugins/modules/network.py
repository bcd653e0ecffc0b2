#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: network
short_description: Create, update and remove Docker networks as desired state
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.writes
version_added: 0.1.0
description:
  - The desired-state counterpart of C(docker network create) and C(docker network rm).
  - Options left out are neither compared nor changed. A task naming only O(name) leaves an existing network of
    any driver alone.
  - Values are compared in normalised form (canonical IPv6 text, CIDR networks, driver options as the strings the
    daemon stores), so an identical second run reports no change.
  - Docker cannot change a network's settings in place. On a difference the network is re-created (see O(recreate)).
    Every attached container, running or stopped, is disconnected with its endpoint recorded, and reconnected to the
    new network with the same fixed IPv4/IPv6 addresses, aliases, links and endpoint driver options.
    Options the task leaves out keep the network's current values.
  - Every network the module creates carries the label C(labnet.docker.managed=true).
  - Everything is validated before any change; a refused task changes nothing.
author:
  - labnet.docker maintainers (@labnet)
options:
  name:
    description:
      - Name of the network. Matched exactly; an ID prefix never matches.
      - Refused although the daemon would accept them - a name with leading or trailing whitespace (a network
        other than the trimmed name), with control characters, and V(container) or V(container:...) (containers
        cannot use such a network, as C(network_mode) reads it as sharing another container's namespace).
      - The alias O(network_name) is the name community.docker's C(docker_network) module uses.
    type: str
    required: true
    aliases: [network_name]
  state:
    description:
      - V(present) creates the network or makes it match; V(absent) removes it.
      - Removing a network with attached containers fails, naming them, unless O(force=true).
      - The predefined networks C(bridge), C(host) and C(none) are never removed or re-created.
    type: str
    choices: [present, absent]
    default: present
  driver:
    description:
      - Network driver, for example V(bridge), V(overlay), V(macvlan), V(ipvlan) or a plugin name.
      - Not compared when left out (no default), and not compared against a config-only network,
        whose driver the daemon records as C(null).
      - A name that is not built in must be a driver the engine lists (the network drivers of its info, which
        include managed plugins and the drivers of existing networks); otherwise the task is refused before any change, also in
        check mode. A legacy plugin (a socket or spec file under C(/run/docker/plugins)) is listed by the daemon
        only once something has used it.
    type: str
  driver_options:
    description:
      - Driver options (C(docker network create --opt)). Booleans and numbers are sent as the strings the
        daemon stores (V(true), V(1400)).
      - Only the keys given are compared; other options of the network are kept.
    type: dict
  ipam_driver:
    description:
      - IPAM driver; the daemon's is V(default), and V(null) gives no addresses.
      - Any other name must be an enabled managed plugin with an IPAM driver, or the IPAM driver of an existing
        network; otherwise the task is refused before any change, also in check mode.
    type: str
  ipam_driver_options:
    description: IPAM driver options. Only the keys given are compared.
    type: dict
  ipam_config:
    description:
      - Address pools. Compared per IP family as a set matched by subnet, so an extra pool of a family the task
        lists is a difference. Within a pool only the fields given are compared.
      - A family with no pool in the list is not compared and keeps the network's pools on a re-create (the daemon
        adds an IPv4 pool of its own choosing next to IPv6-only pools).
      - An empty list is the same as leaving the option out.
      - Subnets must not overlap each other or the pools of other networks on the daemon (config-only
        networks do not count), and IPv6 pools need O(enable_ipv6=true).
    type: list
    elements: dict
    suboptions:
      subnet:
        description: Subnet in CIDR notation, IPv4 or IPv6 in any valid form; host bits must be zero.
        type: str
        required: true
      gateway:
        description: Gateway address, inside O(ipam_config[].subnet).
        type: str
      ip_range:
        description:
          - Range that dynamic addresses come from, in CIDR notation, inside O(ipam_config[].subnet).
          - The alias O(ipam_config[].iprange) is community.docker's name for it.
        type: str
        aliases: [iprange]
      aux_addresses:
        description: Addresses the IPAM driver must not hand out, as a dict of names to addresses inside the subnet.
        type: dict
  enable_ipv6:
    description: Enable IPv6 on the network.
    type: bool
  enable_ipv4:
    description:
      - Enable IPv4 on the network. Needs Docker Engine API 1.47 or newer; older daemons refuse the task.
    type: bool
  internal:
    description: Restrict external access to the network.
    type: bool
  attachable:
    description: Let standalone containers attach to a swarm-scoped network.
    type: bool
  ingress:
    description: Create the swarm routing-mesh network.
    type: bool
  scope:
    description: Scope of the network.
    type: str
    choices: [local, global, swarm]
  labels:
    description:
      - Labels of the network; values are compared as strings.
      - See O(labels_mode). Not allowed with O(config_from) (the network inherits its configuration network's labels).
    type: dict
  labels_mode:
    description:
      - V(subset) compares only the labels given; other labels on the network are kept.
      - V(exact) makes the network carry exactly O(labels), plus the labels the collection adds.
    type: str
    choices: [subset, exact]
    default: subset
  lab:
    description:
      - Name of the lab the network belongs to, stored as the label C(labnet.docker.lab).
      - Compared when given. M(labnet.docker.topology) and M(labnet.docker.network_prune) use it.
    type: str
  config_only:
    description:
      - Create a configuration-only network, a place holder for the configuration of networks created with O(config_from).
      - Cannot be combined with O(driver), O(internal), O(attachable), O(ingress), O(scope) or O(config_from).
    type: bool
  config_from:
    description:
      - Name or ID of a config-only network this network takes its configuration (pools, driver options,
        IPv6, labels) from.
      - Cannot be combined with O(driver_options), O(ipam_driver), O(ipam_driver_options), O(ipam_config),
        O(enable_ipv6), O(enable_ipv4), O(labels) or O(lab).
    type: str
  recreate:
    description:
      - V(on_change) re-creates the network when a compared field differs.
      - V(never) fails instead, listing the differences.
      - V(always) re-creates it on every run (and reports a change).
      - Before anything is touched, each fixed address of an attached container must fall inside the new pools and
        must not be their gateway or an aux address; otherwise the task fails naming the container and the address.
    type: str
    choices: [on_change, never, always]
    default: on_change
  force:
    description:
      - With O(state=absent), disconnect attached containers first instead of failing.
      - With O(state=present) it is refused (it has no meaning there, and community.docker's C(force) re-creates the
        network); use O(recreate=always) to re-create a network on every run.
    type: bool
    default: false
notes:
  - Only addresses a user fixed (C(--ip), C(--ip6), or C(ipv4_address) in an attachment) are kept on re-creation.
    A dynamically assigned address is not pinned; the container gets whatever the new network hands out.
    MAC addresses are not pinned either.
  - The Docker daemon may allow two networks with the same name when they are created at the same moment. After a
    creation the module lists the networks of that name; when there are several it keeps the oldest (then the
    lowest ID), removes the others that have no attached containers, and reports that in RV(actions) and a warning.
    The same happens when the module finds duplicates that already existed.
  - When the daemon refuses the create because another client created a network of the same name at the same
    moment (its pools overlap), the module plans again against that network, so concurrent runs of one play converge.
  - Check mode runs every check the module makes itself. What only the daemon can refuse (for example a driver
    that needs swarm mode, or a missing driver plugin) shows up in a real run, with the daemon's message.
  - If creating the new network fails during a re-creation, the module puts the previous network back (same
    settings, new ID) and reconnects its containers before it fails; if removing the old network fails, it
    reconnects the containers it had disconnected. The failure lists the steps done in RV(actions).
seealso:
  - module: labnet.docker.network_info
'''

EXAMPLES = r'''
- name: A bridge with IPv4 and IPv6 pools, for one lab
  labnet.docker.network:
    name: lab-net
    driver: bridge
    enable_ipv6: true
    ipam_config:
      - subnet: 10.201.1.0/24
        gateway: 10.201.1.1
        ip_range: 10.201.1.128/25
        aux_addresses:
          router: 10.201.1.2
      - subnet: fd00:201:1::/64
    driver_options:
      com.docker.network.driver.mtu: 1400
    labels:
      owner: classroom
    lab: classroom

- name: A macvlan network on a host interface
  labnet.docker.network:
    name: lan
    driver: macvlan
    driver_options:
      parent: veth-lab0
    ipam_config:
      - subnet: 10.201.2.0/24

- name: Refuse to re-create a network that carries production containers
  labnet.docker.network:
    name: lab-net
    internal: true
    recreate: never

- name: Remove a network, disconnecting whatever is still attached
  labnet.docker.network:
    name: lab-net
    state: absent
    force: true
'''

RETURN = r'''
recovered:
  description:
    - Interrupted changes this task found and finished before doing its own work, one entry per journal (see the
      notes). Each lists the C(actions) done, or in check mode the ones a real run would do - C(create) (the
      network, from the recorded body), C(connect) (an endpoint with its recorded settings), C(skip) (a container
      that no longer exists) and C(remove_journal). A warning says the same. Empty when there was nothing to finish.
  returned: always
  type: list
  elements: dict
  sample:
    - network: lab-net
      journal: lab-net.labnet-journal
      operation: recreate
      started: 1764585600.25
      owner: {host: lab1, boot: 0c5e6b1e-3c1f-4c77-9f0e-2b8f3a1d4e55, pid: 4242, start: '123456', run: 9b2f0c7de4a14f4e8e1b6f0a3c5d7e91}
      actions:
        - {action: create, network: lab-net}
        - action: connect
          network: lab-net
          container: web
          endpoint: {IPAMConfig: {IPv4Address: 10.201.1.10}, Aliases: [www]}
        - {action: remove_journal, network: lab-net, journal: lab-net.labnet-journal}
network:
  description: The network as inspected after the change. In check mode, the network as it is now.
  returned: when the network exists at the end (in check mode, when it exists now)
  type: dict
  sample:
    Name: lab-net
    Id: 6f1b2a93c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f
    Created: '2026-11-30T03:40:51.587308864Z'
    Scope: local
    Driver: bridge
    EnableIPv6: true
    IPAM:
      Driver: default
      Options: {}
      Config:
        - Subnet: 10.201.1.0/24
          IPRange: 10.201.1.128/25
          Gateway: 10.201.1.1
          AuxiliaryAddresses:
            router: 10.201.1.2
        - Subnet: fd00:201:1::/64
    Internal: false
    Attachable: false
    Ingress: false
    ConfigFrom:
      Network: ''
    ConfigOnly: false
    Containers: {}
    Options:
      com.docker.network.driver.mtu: '1400'
    Labels:
      owner: classroom
      labnet.docker.managed: 'true'
      labnet.docker.lab: classroom
actions:
  description:
    - What was done (or, in check mode, would be done), in order. C(action) is one of C(create), C(remove),
      C(disconnect), C(connect) and C(remove_duplicate).
    - A C(connect) carries the C(endpoint) settings that were restored.
  returned: always
  type: list
  elements: dict
  sample:
    - action: disconnect
      network: lab-net
      container: web
      running: true
    - action: remove
      network: lab-net
      id: 6f1b2a93c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f
    - action: create
      network: lab-net
    - action: connect
      network: lab-net
      container: web
      endpoint:
        ipv4_address: 10.201.1.10
        ipv6_address: fd00:201:1::10
        aliases: [www]
differences:
  description: The compared fields that differed, with the network's value and the wanted one.
  returned: always
  type: list
  elements: dict
  sample:
    - field: internal
      before: false
      after: true
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.network.apply import ensure_network
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NETWORK_ARGS


def run(api, module):
    return ensure_network(api, module.params, check_mode=module.check_mode)


def main():
    argument_spec = dict(NETWORK_ARGS)
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, run)


if __name__ == '__main__':
    main()
