#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: network_info
version_added: 0.1.0
short_description: Inspect and list Docker networks
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.reads
description:
  - The desired-state counterpart of C(docker network inspect) and C(docker network ls).
  - Looks networks up by name or ID, or lists them with the same filters as C(docker network ls --filter).
  - A name that does not exist is not an error; RV(exists) tells.
  - Reports the journals of interrupted changes (RV(journals)); it reads only, so it never finishes them - any
    other module of the collection that touches the network does.
author:
  - labnet.docker maintainers (@labnet)
options:
  names:
    description:
      - Networks to inspect, each a name or an ID.
      - Each is matched as an exact name first, then a full ID, then a unique ID prefix. A name prefix never matches.
      - When given together with O(filters), only the named networks that also pass the filters are returned.
    type: list
    elements: str
    aliases: [name]
  filters:
    description:
      - Filters as in C(docker network ls --filter). Keys are V(driver), V(id), V(label), V(name), V(scope),
        V(type) (V(custom) or V(builtin)) and V(dangling) (a boolean). Values are a string or a list of strings.
      - V(dangling=true) selects user-defined networks without attached containers, V(dangling=false) the others.
        The module applies it itself, because Docker 20.10 counts every user-defined network as dangling.
      - Without O(names) and O(filters) every network is returned.
    type: dict
  verbose:
    description:
      - Add an C(endpoints) list to each network, with the name, ID, addresses, MAC and aliases of each attached container.
      - In it C(ipv4_address) and C(ipv6_address) are the fixed addresses the endpoint was configured with (null when
        the daemon picks), as the options of M(labnet.docker.network_attachment) mean them;
        C(assigned_ipv4_address) and C(assigned_ipv6_address) are the addresses the endpoint holds.
      - The aliases are the ones the container was given; the container-ID alias that engines before Docker 25
        add by themselves is left out, so every engine reads the same.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Is new-bridge there?
  labnet.docker.network_info:
    names: new-bridge
  register: result

- name: Every user-defined bridge network, with the containers on it
  labnet.docker.network_info:
    filters:
      driver: bridge
      type: custom
    verbose: true
  register: bridges

- name: Networks this collection manages for one lab
  labnet.docker.network_info:
    filters:
      label:
        - labnet.docker.managed=true
        - labnet.docker.lab=classroom
'''

RETURN = r'''
journals:
  description:
    - Journals of multi-step changes on the selected networks (all journals when no O(names) are given), written
      by M(labnet.docker.network), M(labnet.docker.network_attachment) and M(labnet.docker.topology) before the
      first write and removed after the last one. One that is here while no task runs marks an interrupted change;
      C(abandoned) tells whether its owner is gone, C(endpoints) the containers it restores.
  returned: always
  type: list
  elements: dict
  sample:
    - journal: lab-net.labnet-journal
      id: 0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c
      network: lab-net
      network_id: 6f1b2a93c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f
      operation: recreate
      started: 1764585600.25
      owner: {host: lab1, boot: 0c5e6b1e-3c1f-4c77-9f0e-2b8f3a1d4e55, pid: 4242, start: '123456', run: 9b2f0c7de4a14f4e8e1b6f0a3c5d7e91}
      abandoned: true
      endpoints: [web, db]
exists:
  description: Whether the one network named in O(names) exists. Only returned when O(names) holds exactly one entry.
  returned: when O(names) has one entry
  type: bool
  sample: true
networks:
  description:
    - The inspect result of each network found, sorted by name.
    - With O(verbose), C(endpoints) lists each attached container, sorted by name - C(container), C(id),
      C(ipv4_address) and C(ipv6_address) (the fixed addresses it was configured with; null when the daemon picks),
      C(assigned_ipv4_address) and C(assigned_ipv6_address) (the addresses it holds), C(mac_address) and
      C(aliases) (without the container-ID alias older engines add).
  returned: always
  type: list
  elements: dict
  sample:
    - Name: new-bridge
      Id: 5d3c8c9b4ac4a2a7c5d1c2f1f8f0f3cb87d7b8f0e2d5a1c3b9f1e6d2a4c8b0e1
      Driver: bridge
      Scope: local
      EnableIPv6: false
      Internal: false
      Attachable: false
      IPAM:
        Driver: default
        Options: {}
        Config:
          - Subnet: 172.18.0.0/16
            Gateway: 172.18.0.1
      Options: {}
      Labels:
        labnet.docker.managed: 'true'
      Containers:
        0a1b2c3d4e5f:
          Name: c3
          IPv4Address: 172.18.0.2/16
          IPv6Address: ''
          MacAddress: 02:42:ac:12:00:02
      endpoints:
        - container: c3
          id: 0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9
          ipv4_address: null
          ipv6_address: null
          assigned_ipv4_address: 172.18.0.2
          assigned_ipv6_address: null
          mac_address: 02:42:ac:12:00:02
          aliases: [web]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.info.read import gather_networks


def main():
    argument_spec = dict(
        names=dict(type='list', elements='str', aliases=['name']),
        filters=dict(type='dict'),
        verbose=dict(type='bool', default=False),
    )
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lambda api, mod: gather_networks(api, mod.params['names'], mod.params['filters'],
                                                        mod.params['verbose']))


if __name__ == '__main__':
    main()
