# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Labels this collection puts on what it creates, so it can find (and only touch) its own objects."""

from __future__ import annotations

# Every network the collection creates carries MANAGED_LABEL=MANAGED_VALUE.
MANAGED_LABEL = 'labnet.docker.managed'
MANAGED_VALUE = 'true'
# Networks and containers that belong to one lab carry LAB_LABEL=<lab name>.
LAB_LABEL = 'labnet.docker.lab'


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
