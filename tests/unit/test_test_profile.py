"""scripts/test_profile.py: how container CPU is cut into intervals and given to the tests that ran them."""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
SPEC = importlib.util.spec_from_file_location('labnet_test_profile', os.path.join(ROOT, 'scripts', 'test_profile.py'))
profile = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(profile)


def test(nodeid, worker, start, end, cpu_self=0.0, cpu_children=0.0):
    return dict(type='test', nodeid=nodeid, worker=worker, start=start, end=end, wall=end - start,
                cpu_self=cpu_self, cpu_children=cpu_children, load=[1.0, 1.0, 1.0])


test.__test__ = False  # a record maker, not a test


def test_intervals_follow_each_container_from_sample_to_sample():
    samples = [dict(t=0, cpu={'a': 1.0}), dict(t=2, cpu={'a': 3.0, 'b': 0.5}), dict(t=4, cpu={'b': 2.5}),
               dict(t=6, cpu={'a': 4.0})]
    # 'a' did not change at t=4 (left out of that sample): its last interval runs from t=2 to t=6.
    assert profile.container_intervals(samples) == [('a', 0, 2, 2.0), ('b', 2, 4, 2.0), ('a', 2, 6, 1.0)]


@pytest.mark.parametrize('tests, expected', [
    # One worker starts a container while the other runs a unit test: all of it is the first's.
    ([test('tests/integration/x.py::t', 'gw0', 0, 10), test('tests/unit/u.py::t', 'gw1', 0, 10)],
     {'tests/integration/x.py::t': 4.0}),
    # Two integration tests were running when it appeared: it is split between them.
    ([test('tests/integration/x.py::t', 'gw0', 0, 10), test('tests/integration/y.py::t', 'gw1', 0, 10)],
     {'tests/integration/x.py::t': 2.0, 'tests/integration/y.py::t': 2.0}),
    # A long-lived container of gw0's goes to whichever of gw0's tests runs in each interval.
    ([test('tests/integration/x.py::a', 'gw0', 0, 3), test('tests/integration/x.py::b', 'gw0', 3.5, 10)],
     {'tests/integration/x.py::a': 2.0, 'tests/integration/x.py::b': 2.0}),
])
def test_container_cpu_goes_to_the_tests_of_its_owner(tests, expected):
    samples = [dict(t=1, cpu={'c': 0.0}), dict(t=3, cpu={'c': 2.0}), dict(t=5, cpu={'c': 4.0})]
    assert profile.attribute(tests, samples) == pytest.approx(expected)


def test_report_lists_steps_and_the_most_expensive_tests(tmp_path):
    path = str(tmp_path / 'profile.jsonl')
    profile.append(path, dict(type='step', step='pytest', start=0, end=9, wall=9.0, cpu=5.0, containers_cpu=2.0,
                              load=[2.0, 1.0, 1.0], rc=0))
    profile.append(path, test('tests/integration/x.py::cheap', 'gw0', 0, 1, cpu_children=0.5))
    profile.append(path, test('tests/integration/x.py::dear', 'gw0', 1, 5, cpu_children=3.0))
    profile.append(path, dict(type='sample', t=1.5, cpu={'c': 0.0}))
    profile.append(path, dict(type='sample', t=4.5, cpu={'c': 1.0}))
    with open(path, 'a') as handle:
        handle.write('{"type": "test", "nodeid": "cut by a ki')  # a line a killed run left: skipped
    text = profile.report(path, top=1)
    assert 'pytest' in text.splitlines()[3] and '9.0' in text.splitlines()[3]
    assert 'the 1 most expensive of 2 tests' in text
    assert text.count('tests/integration/x.py::') == 1 and 'x.py::dear' in text
    assert '     4.0      0.0      3.0      1.0' in text


def test_a_step_records_its_command_and_exit_code(tmp_path):
    path = str(tmp_path / 'profile.jsonl')
    assert profile.main(['step', '--profile', path, 'fails', '--', 'sh', '-c', 'exit 3']) == 3
    records = [json.loads(line) for line in open(path)]
    step = [record for record in records if record['type'] == 'step']
    assert [(record['step'], record['rc']) for record in step] == [('fails', 3)]
    assert records[0]['type'] == 'sample'
