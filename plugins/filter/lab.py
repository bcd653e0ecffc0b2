# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the labnet.docker.lab role: plan a lab file, derive its matrix, draw and render its report.

The filters are functions of module_utils/lab/: spec.py (lab_plan, raising AnsibleFilterError),
matrix.py, report.py and render.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import reraise_as
from ansible_collections.labnet.docker.plugins.module_utils.lab import spec
from ansible_collections.labnet.docker.plugins.module_utils.lab.matrix import lab_matrix
from ansible_collections.labnet.docker.plugins.module_utils.lab.render import lab_dot, lab_html
from ansible_collections.labnet.docker.plugins.module_utils.lab.report import lab_failure, lab_pairs

lab_plan = reraise_as(AnsibleFilterError)(spec.lab_plan)


class FilterModule:
    def filters(self):
        return {'lab_plan': lab_plan, 'lab_matrix': lab_matrix, 'lab_pairs': lab_pairs, 'lab_dot': lab_dot,
                'lab_html': lab_html, 'lab_failure': lab_failure}
