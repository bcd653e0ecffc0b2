# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The labels every lab object carries, as the roles put them on: what teardown and lab_cleanup find them by (pure).

The label names and the managed value are those of module_utils/common/labels.py, which the modules use.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.labels import managed_labels

# One scenario's objects in a lab (a scenario role's name); lab_cleanup removes by it.
SCENARIO_LABEL = 'labnet.docker.scenario'


def lab_labels(lab, scenario=None):
    """``{labnet.docker.managed: "true", labnet.docker.lab: <lab>, labnet.docker.scenario: <scenario>}``.

    The scenario label is left out when ``scenario`` is empty. Label values are strings,
    as Docker stores them.
    """
    if lab in (None, '') or not isinstance(lab, str):
        raise AnsibleFilterError('lab_labels needs the lab name as a non-empty string, got %r' % (lab,))
    labels = managed_labels(lab)
    if scenario:
        labels[SCENARIO_LABEL] = str(scenario)
    return labels


class FilterModule:
    def filters(self):
        return {'lab_labels': lab_labels}
