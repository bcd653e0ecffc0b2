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
import subprocess

import docker
import pytest

from ansible_collections.labnet.docker.tests.integration.engines import ENGINES, EnginePool, selected_engines
from ansible_collections.labnet.docker.tests.integration.harness import (
    IMAGE, ROOT, RUN_ID, RUN_LABEL, create_network, remove_prefixed)

_counter = itertools.count(1)
MATRIX_MODULES = {'test_network', 'test_network_info', 'test_network_attachment', 'test_network_prune',
                  'test_topology', 'test_network_probe', 'test_network_recreate', 'test_network_drivers',
                  'test_compat'}
_matrix = collections.defaultdict(lambda: collections.defaultdict(list))  # engine -> outcome -> test ids
_versions = {}


def pytest_generate_tests(metafunc):
    module = os.path.splitext(os.path.basename(metafunc.module.__file__))[0]
    if module in MATRIX_MODULES and 'docker_client' in metafunc.fixturenames:
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


def pytest_terminal_summary(terminalreporter):
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
