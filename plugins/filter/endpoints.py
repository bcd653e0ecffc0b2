# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Addresses, ports and node IDs as Docker records them, read from its answers into maps the lab checks use.

Inputs are what the modules return: ``labnet.docker.network_info`` networks (``verbose``),
``community.docker`` container inspect results, ``docker_host_info`` and ``docker_swarm_info``.
The filters are functions of module_utils/common/containers.py and common/swarm.py. What a container
or the host itself sees (``ip``, facts) is read by the filters in interfaces.py.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_addresses, endpoint_addresses, host_ports, inspect_addresses)
from ansible_collections.labnet.docker.plugins.module_utils.common.swarm import swarm_members


class FilterModule:
    def filters(self):
        return {
            'endpoint_addresses': endpoint_addresses,
            'container_addresses': container_addresses,
            'swarm_members': swarm_members,
            'inspect_addresses': inspect_addresses,
            'host_ports': host_ports,
        }
