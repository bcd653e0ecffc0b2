# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn a labnet.docker.network_probe result into the lab's check rows.

The filters are module_utils/lab/checks.py's functions, raising AnsibleFilterError.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import reraise_as
from ansible_collections.labnet.docker.plugins.module_utils.lab import checks

as_filter = reraise_as(AnsibleFilterError)
probe_checks = as_filter(checks.probe_checks)
checks_not_run = as_filter(checks.checks_not_run)


class FilterModule:
    def filters(self):
        return {'probe_checks': probe_checks, 'checks_not_run': checks_not_run}
