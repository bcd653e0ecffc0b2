# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Labels this collection puts on what it creates, so it can find (and only touch) its own objects (pure).

Entry points:

- :func:`managed_labels`, :func:`is_managed` - the labels the modules put on networks, and the test for them.
- :func:`lab_labels` - the labels the roles put on every lab object (the lab_labels filter): what teardown
  and lab_cleanup find them by.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

# Every network the collection creates carries MANAGED_LABEL=MANAGED_VALUE.
MANAGED_LABEL = 'labnet.docker.managed'
MANAGED_VALUE = 'true'
# Networks and containers that belong to one lab carry LAB_LABEL=<lab name>.
LAB_LABEL = 'labnet.docker.lab'
# One scenario's objects in a lab (a scenario role's name); lab_cleanup removes by it.
SCENARIO_LABEL = 'labnet.docker.scenario'


def managed_labels(lab=None):
    labels = {MANAGED_LABEL: MANAGED_VALUE}
    if lab:
        labels[LAB_LABEL] = lab
    return labels


def is_managed(labels, lab=None):
    labels = labels or {}
    if labels.get(MANAGED_LABEL) != MANAGED_VALUE:
        return False
    return lab is None or labels.get(LAB_LABEL) == lab


def lab_labels(lab, scenario=None):
    """``{labnet.docker.managed: "true", labnet.docker.lab: <lab>, labnet.docker.scenario: <scenario>}``.

    The scenario label is left out when ``scenario`` is empty. Label values are strings,
    as Docker stores them.
    """
    if lab in (None, '') or not isinstance(lab, str):
        raise LabnetDockerError('lab_labels needs the lab name as a non-empty string, got %r' % (lab,))
    labels = managed_labels(lab)
    if scenario:
        labels[SCENARIO_LABEL] = str(scenario)
    return labels
