# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subnet arithmetic for the lab roles: pick a free subnet, name the n-th address of one.

The filters are module_utils/network/subnets.py's functions, raising AnsibleFilterError.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import reraise_as
from ansible_collections.labnet.docker.plugins.module_utils.network import subnets

as_filter = reraise_as(AnsibleFilterError)
free_subnet = as_filter(subnets.free_subnet)
subnet_host = as_filter(subnets.subnet_host)
subnet_contains = as_filter(subnets.subnet_contains)
network_subnets = subnets.network_subnets


class FilterModule:
    def filters(self):
        return {'free_subnet': free_subnet, 'subnet_host': subnet_host, 'subnet_contains': subnet_contains,
                'network_subnets': network_subnets}
