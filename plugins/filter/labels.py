# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The labels every lab object carries, in one place: what teardown and lab_cleanup find them by (pure)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

MANAGED = 'labnet.docker.managed'
LAB = 'labnet.docker.lab'
SCENARIO = 'labnet.docker.scenario'


def lab_labels(lab, scenario=None):
    """``{labnet.docker.managed: "true", labnet.docker.lab: <lab>, labnet.docker.scenario: <scenario>}``.

    The scenario label is left out when ``scenario`` is empty. Label values are strings,
    as Docker stores them.
    """
    if lab in (None, '') or not isinstance(lab, str):
        raise AnsibleFilterError('lab_labels needs the lab name as a non-empty string, got %r' % (lab,))
    labels = {MANAGED: 'true', LAB: lab}
    if scenario:
        labels[SCENARIO] = str(scenario)
    return labels


class FilterModule:
    def filters(self):
        return {'lab_labels': lab_labels}
