"""Differences and readable plan lines: one vocabulary (before/after) and one wording (pure)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.changes import (
    ChangeTracker, describe_action, describe_differences, difference_dicts, difference_text, value_text)


@pytest.mark.parametrize('value, text', [
    (None, '(unset)'), ('x', 'x'), (False, 'False'), (3, '3'), ([], '[]'), (['a', 'b'], '[a, b]'),
    ({}, '{}'), ({'b': '2', 'a': '1'}, '{a: 1, b: 2}'),
])
def test_value_text(value, text):
    assert value_text(value) == text


def test_difference_text_and_the_tracker_agree():
    tracker = ChangeTracker()
    tracker.differ('labels', {'a': 'b'}, {'a': 'c'})
    tracker.differ('aliases', [], ['web'])
    assert tracker.describe_differences() == ['labels: {a: b} -> {a: c}', 'aliases: [] -> [web]']
    assert describe_differences(tracker.differences) == 'labels: {a: b} -> {a: c}; aliases: [] -> [web]'
    assert difference_text('internal', False, True) == 'internal: False -> True'


def test_difference_dicts():
    assert difference_dicts([('ipv4_address', None, '10.0.0.3')], container='c') == [
        dict(container='c', field='ipv4_address', before=None, after='10.0.0.3')]


@pytest.mark.parametrize('action, line', [
    (dict(action='create', network='n'), 'create network n'),
    (dict(action='remove', network='n', id='0123456789abcdef'), 'remove network n (0123456789ab)'),
    (dict(action='remove_duplicate', network='n', id='1' * 20, kept='2' * 20),
     'remove duplicate network n (111111111111), keep 222222222222'),
    (dict(action='connect', network='n', container='c'), 'connect c to n'),
    (dict(action='connect', network='n', container='c', endpoint={'ipv4_address': '10.0.0.2', 'aliases': ['x', 'y']}),
     'connect c to n (aliases [x, y], ipv4_address 10.0.0.2)'),
    (dict(action='disconnect', network='n', container='c', running=True), 'disconnect c from n'),
    (dict(action='reconnect', network='n', container='c',
          differences=[dict(field='ipv4_address', before=None, after='10.0.0.3')]),
     'reconnect c to n (ipv4_address: (unset) -> 10.0.0.3)'),
    (dict(action='reconnect', network='n', container='c',
          differences=[dict(field='aliases', before=[], after=['web']), dict(field='links', before=['a:a'], after=[])]),
     'reconnect c to n (aliases: [] -> [web]; links: [a:a] -> [])'),
    (dict(action='reconnect', network='n', container='c'), 'reconnect c to n'),
    (dict(action='clear', network='n', container='c'), 'clear n'),
])
def test_describe_action(action, line):
    assert describe_action(action) == line
