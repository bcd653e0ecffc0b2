# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab report: checks and topology in, a terminal table and Markdown with Mermaid out.

The lab_report role gathers, per lab machine, the check rows the scenario roles
returned, the lab's containers (community.docker.docker_host_info, verbose) and
networks (labnet.docker.network_info); lab_report turns that into one report dict,
written as report.json, and the other filters render it. The filters are functions of
module_utils/lab/report.py (the report, raising AnsibleFilterError) and lab/render.py.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import reraise_as
from ansible_collections.labnet.docker.plugins.module_utils.lab import report
from ansible_collections.labnet.docker.plugins.module_utils.lab.render import (
    lab_report_markdown, lab_report_mermaid, lab_report_table)

lab_report = reraise_as(AnsibleFilterError)(report.lab_report)
lab_report_failure = report.lab_report_failure


class FilterModule:
    def filters(self):
        return {'lab_report': lab_report, 'lab_report_table': lab_report_table, 'lab_report_markdown': lab_report_markdown,
                'lab_report_mermaid': lab_report_mermaid, 'lab_report_failure': lab_report_failure}
