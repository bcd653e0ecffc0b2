# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Recording what a run changes: the diff and the ordered list of actions.

Managers compute a plan, record each step here, and guard only the write call
with ``check_mode``, so check mode walks the same code path as a real run.

A difference is ``(field, before, after)`` everywhere: in a tracker, in results
(:func:`difference_dicts`: ``{field, before, after}``, Ansible's diff vocabulary) and in
messages (:func:`describe_differences`, :func:`describe_action`: one wording for every module).
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
        return [difference_text(*difference) for difference in self.differences]


def value_text(value):
    """A value as messages show it: (unset), [a, b], {key: value}, or its text."""
    if value is None:
        return '(unset)'
    if isinstance(value, (list, tuple)):
        return '[%s]' % ', '.join(str(item) for item in value)
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: %s' % (key, value[key]) for key in sorted(value, key=str))
    return str(value)


def difference_text(field, before, after):
    """'field: before -> after'."""
    return '%s: %s -> %s' % (field, value_text(before), value_text(after))


def describe_differences(differences):
    """Differences ``[(field, before, after)]`` as one text: 'a: 1 -> 2; b: (unset) -> x'."""
    return '; '.join(difference_text(*difference) for difference in differences)


def difference_dicts(differences, **extra):
    """Differences ``[(field, before, after)]`` as results and error details carry them."""
    return [dict(extra, field=field, before=before, after=after) for field, before, after in differences]


def _endpoint_text(endpoint):
    parts = ['%s %s' % (key, value_text(value)) for key, value in sorted((endpoint or {}).items())
             if value not in (None, [], {})]
    return ' (%s)' % ', '.join(parts) if parts else ''


def describe_action(action):
    """One line of a readable plan for one action (as topology's ``plan`` shows them)."""
    kind = action['action']
    network = action.get('network')
    if kind == 'create':
        return 'create network %s' % network
    if kind == 'remove':
        return 'remove network %s (%s)' % (network, (action.get('id') or '')[:12])
    if kind == 'remove_duplicate':
        return 'remove duplicate network %s (%s), keep %s' % (network, action['id'][:12], (action.get('kept') or '')[:12])
    if kind == 'connect':
        return 'connect %s to %s%s' % (action['container'], network, _endpoint_text(action.get('endpoint')))
    if kind == 'disconnect':
        return 'disconnect %s from %s' % (action['container'], network)
    if kind == 'reconnect':
        changes = describe_differences((d['field'], d['before'], d['after']) for d in action.get('differences') or [])
        return 'reconnect %s to %s%s' % (action['container'], network, ' (%s)' % changes if changes else '')
    return '%s %s' % (kind, network)


def race_budget(writes):
    """How many lost races a task may re-plan after, for a plan of ``writes`` writes.

    Each lost race means another client made one of the writes this task planned, so the
    next plan has one fewer to do: after ``writes`` of them there is nothing left to lose
    to. One more covers a race on a write the first plan did not foresee.
    """
    return max(2, writes + 1)
