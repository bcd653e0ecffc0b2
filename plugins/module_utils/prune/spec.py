# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters of labnet.docker.network_prune, and the daemon's rules for matching them (pure).

Entry points:

- :func:`prune_filters` - the ``filters``, ``managed_only`` and ``lab`` options -> a validated
  :class:`PruneFilters`; raises on an unknown key or a malformed value.
- :func:`passes_filters` - whether a network listing row passes them, as the daemon's own prune
  decides (:func:`labels_match` is its label rule).

Which of the networks that pass may go is prune/plan.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, MANAGED_LABEL, MANAGED_VALUE
from ansible_collections.labnet.docker.plugins.module_utils.common.timespec import format_time, parse_timestamp, parse_until

PRUNE_FILTER_KEYS = ('until', 'label', 'label!')


@dataclass
class PruneFilters:
    until_ns: int = None  # prune only networks created at or before this time
    labels: list = field(default_factory=list)  # each 'key' or 'key=value'; all must match
    not_labels: list = field(default_factory=list)  # a network matching all of these is kept

    def as_result(self):
        result = {}
        if self.until_ns is not None:
            result['until'] = format_time(self.until_ns)
        if self.labels:
            result['label'] = list(self.labels)
        if self.not_labels:
            result['label!'] = list(self.not_labels)
        return result


def _label_entries(key, value):
    values = value if isinstance(value, list) else ([] if value is None else [value])
    entries = []
    for item in values:
        if not isinstance(item, str) or not item.strip() or not item.split('=', 1)[0].strip():
            raise LabnetDockerError('filter %s: %r is not a label key or key=value' % (key, item))
        entries.append(item.strip())
    return entries


def prune_filters(filters, managed_only=False, lab=None, now_ns=None):
    """Validate ``filters`` (keys until, label, label!) plus managed_only and lab into PruneFilters."""
    if filters is None:
        filters = {}
    if not isinstance(filters, dict):
        raise LabnetDockerError('filters must be a dictionary with the keys %s, not %r'
                                % (', '.join(PRUNE_FILTER_KEYS), filters))
    unknown = sorted(str(key) for key in filters if key not in PRUNE_FILTER_KEYS)
    if unknown:
        raise LabnetDockerError('unknown prune filter %s: network prune understands only %s'
                                % (', '.join(unknown), ', '.join(PRUNE_FILTER_KEYS)))
    result = PruneFilters(labels=_label_entries('label', filters.get('label')),
                          not_labels=_label_entries('label!', filters.get('label!')))
    until = filters.get('until')
    if isinstance(until, list):
        if len(until) > 1:
            raise LabnetDockerError('filter until: give one time, not %d (%s)' % (len(until), ', '.join(map(str, until))))
        until = until[0] if until else None
    if until is not None and until != '':
        try:
            result.until_ns = parse_until(until, time.time_ns() if now_ns is None else now_ns)
        except ValueError as exc:
            raise LabnetDockerError('filter until: %s' % exc)
    if managed_only:
        result.labels.append('%s=%s' % (MANAGED_LABEL, MANAGED_VALUE))
    if lab is not None:
        if not str(lab).strip() or '=' in str(lab):
            raise LabnetDockerError('lab: %r is not a lab name' % (lab,))
        result.labels.append('%s=%s' % (LAB_LABEL, str(lab).strip()))
    return result


def labels_match(entries, labels):
    """The daemon's rule: every entry ('key' or 'key=value') must match; no labels never match."""
    if not entries:
        return True
    if not labels:
        return False
    for entry in entries:
        key, sep, value = entry.partition('=')
        if key not in labels or (sep and labels[key] != value):
            return False
    return True


def passes_filters(network, filters):
    """Whether a network (a listing row) passes ``filters``, as the daemon's prune decides."""
    labels = network.get('Labels') or {}
    if filters.until_ns is not None:
        created = parse_timestamp(network.get('Created') or '')
        if created is None or created > filters.until_ns:
            return False
    if not labels_match(filters.labels, labels):
        return False
    # label! keeps a network only when it matches all label! entries (the daemon's rule).
    return not (filters.not_labels and labels_match(filters.not_labels, labels))
