"""How `make test` splits the integration tests over pytest-xdist workers (tests/integration/conftest.py).

Tests that share a resource must land in one worker: a module-scoped fixture made once per file,
the private engine, one engine of the matrix. A test file that starts such a fixture but is not
in a group would make it once per worker (and race with itself), so that is checked for every file.
"""

import glob
import os
import re

import pytest

from ansible_collections.labnet.docker.tests.integration.conftest import resource_group

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize('nodeid, group', [
    ('tests/integration/modules/test_network.py::test_create[docker28]', 'engine-docker28'),
    ('tests/integration/modules/test_topology.py::test_purge[host]', 'engine-host'),
    ('tests/integration/modules/test_client.py::test_refused_tcp_port_from_environment', None),
    ('tests/integration/modules/test_ssh_engine.py::test_refusals[unknown host]', 'ssh-machine'),
    ('tests/integration/reliability/test_tls.py::test_tls', 'private-engine'),
    ('tests/integration/roles/test_molecule.py::test_scenario[user_bridge-docker28]', 'molecule'),
    ('tests/integration/lab/test_classroom.py::test_classroom_of_three', 'classroom'),
    ('tests/integration/lab/test_lab.py::test_taken_port_fails_the_run_naming_the_check', None),
    ('tests/unit/plugins/filter/test_subnets.py::test_free_subnet[host]', None),  # not a matrix module
    ('tests/integration/modules/test_network_probe_parallel.py::test_order[host]', None),
])
def test_resource_group(nodeid, group):
    assert resource_group(nodeid) == group


def _files_with_shared_fixtures():
    for path in sorted(glob.glob(os.path.join(ROOT, 'tests', 'integration', '**', 'test_*.py'), recursive=True)):
        with open(path) as handle:
            if re.search(r"fixture\(scope='(module|session|package)'", handle.read()):
                yield os.path.relpath(path, ROOT).replace(os.sep, '/')


def test_every_file_with_a_shared_fixture_runs_in_one_worker():
    files = list(_files_with_shared_fixtures())
    assert files, 'no test file has a module fixture: the check below checks nothing'
    assert [path for path in files if resource_group(path + '::test_any') is None] == []
