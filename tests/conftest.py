"""The suite's profile: with LABNET_TEST_PROFILE set (`make test` sets build/test-profile.jsonl), each test
appends one record to that file: its wall time (setup, call and teardown), the CPU of this process and of
the child processes it waited for (ansible-playbook, molecule, make), the load average, and its window in
time and its worker, which scripts/test_profile.py uses to add the CPU of the containers it ran."""

from __future__ import annotations

import importlib.util
import os
import resource
import time

import pytest

PROFILE = os.environ.get('LABNET_TEST_PROFILE')


def _load_profile_script():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), 'scripts', 'test_profile.py')
    spec = importlib.util.spec_from_file_location('labnet_test_profile', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_writer = _load_profile_script() if PROFILE else None


def _cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not PROFILE:
        yield
        return
    start, own, children = time.time(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    yield
    end = time.time()
    _writer.append(PROFILE, dict(
        type='test', nodeid=item.nodeid, worker=os.environ.get('PYTEST_XDIST_WORKER', 'main'), start=start,
        end=end, wall=round(end - start, 3), cpu_self=round(_cpu(resource.RUSAGE_SELF) - own, 3),
        cpu_children=round(_cpu(resource.RUSAGE_CHILDREN) - children, 3), load=os.getloadavg()))
