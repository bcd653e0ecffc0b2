# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recording what a run changes: the diff and the ordered list of actions.

Managers compute a plan, record each step here, and guard only the write call
with ``check_mode``, so check mode walks the same code path as a real run.
"""

from __future__ import annotations


class ChangeTracker:
    """Differences as (field, before, after), plus the actions taken or planned."""

    def __init__(self):
        self.differences = []
        self.actions = []

    def differ(self, field, before, after):
        self.differences.append((field, before, after))

    def act(self, action, **details):
        entry = dict(action=action)
        entry.update(details)
        self.actions.append(entry)

    @property
    def changed(self):
        return bool(self.actions)

    def diff(self, before_extra=None, after_extra=None):
        """Ansible's ``diff`` result: before/after dicts of the compared fields."""
        before = dict(before_extra or {})
        after = dict(after_extra or {})
        for field, old, new in self.differences:
            before[field] = old
            after[field] = new
        return dict(before=before, after=after)

    def describe_differences(self):
        """'field: before -> after' lines, for error messages."""
        return ['%s: %s -> %s' % (field, _text(old), _text(new)) for field, old, new in self.differences]


def _text(value):
    if value is None:
        return '(unset)'
    return str(value)
