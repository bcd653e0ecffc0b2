"""Fixtures for integration tests against the real Docker daemon.

Every object a test makes is named with a per-test prefix and labelled with
this run's ID (harness.RUN_LABEL=RUN_ID: make_container, make_network, the engine
lab machines); teardown removes exactly those, even when the test fails, and the
leftovers of a killed run are found by its ID.

The module tests (MATRIX_MODULES) run once per engine of the matrix (engines.py):
the engine is in the test id (``test_x[docker28]``), ``docker_client`` talks to it,
and DOCKER_HOST points the modules at it. The summary at the end lists, per engine,
what passed, failed and was skipped (with the reasons), also in build/engine-matrix.md.
"""

from __future__ import annotations

import collections
import itertools
import json
import os
import re
import subprocess

import docker
import pytest

from ansible_collections.labnet.docker.tests.integration.engines import ENGINES, EnginePool, selected_engines
from ansible_collections.labnet.docker.tests.integration.harness import (
    IMAGE, ROOT, RUN_ID, RUN_LABEL, create_network, remove_prefixed)
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures

_counter = itertools.count(1)
MATRIX_MODULES = {'test_network', 'test_network_info', 'test_network_attachment', 'test_network_prune',
                  'test_topology', 'test_network_probe', 'test_network_recreate', 'test_network_drivers',
                  'test_compat'}
_matrix = collections.defaultdict(lambda: collections.defaultdict(list))  # engine -> outcome -> test ids
_versions = {}
_worker_figures = []  # in the xdist controller: the reliability figures of the worker that ran those tests


# Parallel runs (`make test` runs pytest-xdist): the tests that share one resource run in one worker, one after
# another; every other test is a unit of its own and goes to whichever worker is free. Module tests against one
# engine share its daemon (their fixed subnets are kept apart per file, not per engine); the reliability tests
# share the private engine they restart and stop; the molecule scenarios are started together by one session
# fixture; the classroom takes most of this machine for minutes; the ssh:// tests share one lab machine (a
# module fixture). The longest groups are handed out first.
GROUPS = (('/lab/test_classroom.py', 'classroom'), ('/roles/test_molecule.py', 'molecule'),
          ('/reliability/', 'private-engine'), ('/modules/test_ssh_engine.py', 'ssh-machine'))
ENGINE_PARAMETER = re.compile(r'::[^\[]+\[(?P<engine>[\w-]+)\]$')  # test_x.py::test_y[docker26]
# Longest first: the order the groups are handed out in.
GROUP_NAMES = [name for dummy, name in GROUPS] + ['engine-%s' % engine for engine in reversed(list(ENGINES))]


def matrix_module(path):
    """Whether the test file at ``path`` (a file path, or a node ID's file part) runs once per engine."""
    return os.path.splitext(os.path.basename(path))[0] in MATRIX_MODULES


def resource_group(nodeid):
    """The resource a test shares with others (the xdist scope of its node ID), or None."""
    path = '/' + nodeid.split('::')[0]
    for part, group in GROUPS:
        if part in path:
            return group
    found = ENGINE_PARAMETER.search(nodeid)
    if found and matrix_module(path) and found.group('engine') in ENGINES:
        return 'engine-' + found.group('engine')
    return None


def _group_rank(item):
    group = resource_group(item.nodeid)
    return GROUP_NAMES.index(group) if group in GROUP_NAMES else len(GROUP_NAMES)


def pytest_collection_modifyitems(items):
    """In an xdist worker: the grouped tests first, longest group first (a stable sort: the order within a group
    stays). Every worker collects the same order, which the scheduler hands out from."""
    if os.environ.get('PYTEST_XDIST_WORKER'):
        items.sort(key=_group_rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Hand out whole groups (resource_group) and single ungrouped tests, in collection order."""
    from xdist.scheduler import LoadScopeScheduling  # pylint: disable=import-outside-toplevel

    class ResourceScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return resource_group(nodeid) or nodeid

    config.option.loadscopereorder = False
    return ResourceScheduling(config, log)


def pytest_generate_tests(metafunc):
    if matrix_module(metafunc.module.__file__) and 'docker_client' in metafunc.fixturenames:
        metafunc.parametrize('engine_target', selected_engines(), indirect=True)


@pytest.fixture(scope='session')
def host_client():
    """The host's engine (or the one DOCKER_HOST names): the one that runs the lab machines."""
    client = docker.from_env()
    client.ping()
    client.images.get(IMAGE)  # built by `make setup`; never pulled
    _versions.setdefault('host', client.version()['Version'])
    yield client
    client.close()


@pytest.fixture(scope='session')
def engine_pool(host_client):
    pool = EnginePool(host_client, RUN_ID, {RUN_LABEL: RUN_ID}, [IMAGE])
    yield pool
    pool.close()


@pytest.fixture
def engine_target(request, engine_pool, monkeypatch):
    """The engine this test runs against: None for the host's, else a started LabEngine."""
    name = getattr(request, 'param', 'host')
    if ENGINES[name] is None:
        yield None
        return
    try:
        engine = engine_pool.get(name)
    except RuntimeError as exc:
        pytest.fail(str(exc))  # a matrix engine that cannot start is a failure, never a skip
    _versions.setdefault(name, engine.version()['Version'])
    monkeypatch.setenv('DOCKER_HOST', engine.url)  # the modules (through ansible-playbook) and the CLI
    yield engine


@pytest.fixture
def docker_client(engine_target, host_client):
    """A client of the engine under test (the host's outside the matrix)."""
    return host_client if engine_target is None else engine_target.client()


@pytest.fixture
def engine_address(engine_target):
    """Where the engine's published ports answer from this machine: loopback, or its lab machine's address."""
    return '127.0.0.1' if engine_target is None else engine_target.address


def _api_version(client):
    return tuple(int(part) for part in client.version()['ApiVersion'].split('.'))


@pytest.fixture
def api_version(docker_client):
    """The engine's API version as a tuple, for tests of behaviour that differs by engine."""
    return _api_version(docker_client)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    engine = getattr(getattr(item, 'callspec', None), 'params', {}).get('engine_target')
    if engine is None:
        return
    if report.when == 'call' or report.outcome != 'passed':
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            _matrix[engine]['skipped'].append('%s: %s' % (item.originalname, reason))
        elif report.failed:
            _matrix[engine]['failed'].append('%s (%s)' % (item.originalname, report.when))
        elif report.when == 'call':
            _matrix[engine]['passed'].append(item.originalname)


def pytest_sessionfinish(session):
    """In an xdist worker: hand this worker's engine-matrix rows and reliability figures to the controller."""
    workeroutput = getattr(session.config, 'workeroutput', None)
    if workeroutput is not None:
        workeroutput['labnet_matrix'] = json.dumps(dict(rows=_matrix, versions=_versions))
        workeroutput['labnet_reliability'] = json.dumps(rel_figures.lines())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """In the xdist controller: merge what a finished worker handed over."""
    output = getattr(node, 'workeroutput', None) or {}
    found = json.loads(output.get('labnet_matrix') or '{}')
    for engine, rows in (found.get('rows') or {}).items():
        for outcome, entries in rows.items():
            _matrix[engine][outcome].extend(entries)
    for engine, version in (found.get('versions') or {}).items():
        _versions.setdefault(engine, version)
    _worker_figures.extend(json.loads(output.get('labnet_reliability') or '[]'))


def pytest_terminal_summary(terminalreporter):
    figures = rel_figures.lines() or _worker_figures
    if figures:
        terminalreporter.section('labnet.docker reliability figures')
        for line in figures:
            terminalreporter.write_line(line)
    if not _matrix:
        return
    lines = ['# Engine matrix', '', '| engine | version | passed | failed | skipped |', '| --- | --- | --- | --- | --- |']
    for engine in ENGINES:
        if engine not in _matrix:
            continue
        rows = _matrix[engine]
        counts = tuple(len(rows[outcome]) for outcome in ('passed', 'failed', 'skipped'))
        lines.append('| %s | %s | %d | %d | %d |' % ((engine, _versions.get(engine, '?')) + counts))
    for engine in ENGINES:
        for outcome in ('failed', 'skipped'):
            for entry in _matrix.get(engine, {}).get(outcome, []):
                lines.append('- %s %s: %s' % (engine, outcome, entry))
    terminalreporter.write_sep('=', 'engine matrix')
    for line in lines[2:]:
        terminalreporter.write_line(line)
    os.makedirs(os.path.join(ROOT, 'build'), exist_ok=True)
    with open(os.path.join(ROOT, 'build', 'engine-matrix.md'), 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    with open(os.path.join(ROOT, 'build', 'engine-matrix.json'), 'w') as handle:
        json.dump({engine: dict(rows, version=_versions.get(engine)) for engine, rows in _matrix.items()}, handle, indent=1)


def _host_packages():
    try:
        out = subprocess.run(['dpkg-query', '--show', '--showformat', '${Package} ${db:Status-Status}\n'],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return {line.split()[0] for line in out.splitlines() if line.endswith(' installed')}


@pytest.fixture(scope='session', autouse=True)
def host_packages_untouched():
    """Fails the run when a test installed or removed a package on this machine.

    A test that passes only because it (or an earlier run) installed something that `make setup`
    does not install passes on a used machine and fails on a fresh one; this catches it on either.
    """
    before = _host_packages()
    yield
    after = _host_packages()
    if before is not None and after is not None and before != after:
        added, removed = sorted(after - before) or 'none', sorted(before - after) or 'none'
        pytest.fail('the test run changed this machine\'s packages (installed: %s; removed: %s): a test depends on '
                    'something `make setup` does not install' % (added, removed), pytrace=False)


@pytest.fixture
def prefix(docker_client):
    """A name prefix unique to this test; objects with it are removed afterwards."""
    value = 'lntest-%s-%d' % (RUN_ID, next(_counter))
    yield value
    remove_prefixed(docker_client, value)


@pytest.fixture
def make_container(docker_client, prefix):
    """Start a busybox container named ``<prefix>-<suffix>`` that sleeps (or runs ``command``).

    ``image`` swaps in another local image (for example one a test built).
    """

    def factory(suffix, command=('sleep', '3600'), start=True, image=IMAGE, **kwargs):
        kwargs.setdefault('dns', ['127.0.0.1'])  # no lookups leave this machine
        labels = dict(kwargs.pop('labels', {}) or {})
        labels[RUN_LABEL] = RUN_ID
        create = docker_client.containers.run if start else docker_client.containers.create
        extra = {'detach': True} if start else {}
        return create(image, list(command), name='%s-%s' % (prefix, suffix), labels=labels, **extra, **kwargs)

    return factory


@pytest.fixture
def make_network(docker_client, prefix):
    """Create network ``name`` (which must start with the test's prefix, so teardown removes it), labelled with the run.

    ``make_network(prefix + '-net', '10.201.1.0/24', 'fd00:201:1::/64', labels={...}, internal=True)``: a pool
    per subnet (an IPv6 one turns enable_ipv6 on); other keywords go to the SDK (see harness.create_network).
    """

    def factory(name, *subnets, **kwargs):
        assert name.startswith(prefix), 'network %s does not start with the test prefix %s' % (name, prefix)
        return create_network(docker_client, name, *subnets, **kwargs)

    return factory
