# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The labels every lab object carries, as the roles put them on: what teardown and lab_cleanup find them by.

The filter is module_utils/common/labels.py's lab_labels (the label names the modules use), raising
AnsibleFilterError.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common import labels
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import reraise_as

lab_labels = reraise_as(AnsibleFilterError)(labels.lab_labels)


class FilterModule:
    def filters(self):
        return {'lab_labels': lab_labels}
