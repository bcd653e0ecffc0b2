# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Interfaces as the lab checks see them: from `ip -o` output inside a container, or from host facts.

The filters are module_utils/probe/interfaces.py's functions. What Docker itself records (inspect
results, endpoints, swarm nodes) is read by the filters in endpoints.py.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.probe.interfaces import (
    host_interfaces, host_subnets, interface_addresses, ip_interfaces, stable_interfaces)


class FilterModule:
    def filters(self):
        return {
            'ip_interfaces': ip_interfaces,
            'host_interfaces': host_interfaces,
            'host_subnets': host_subnets,
            'stable_interfaces': stable_interfaces,
            'interface_addresses': interface_addresses,
        }
