"""Every molecule scenario under molecule/ passes `molecule test` (issue 7).

Scenarios are discovered (a directory with a molecule.yml), so a new one joins the
suite by existing. They run on real lab-machine containers (Docker-in-Docker), a few
at a time (LABNET_MOLECULE_JOBS, default 2), each with its own run ID in every
instance and network name and its own molecule state directory, so parallel runs and
other checkouts never meet. Full output: build/molecule/<scenario>.log.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import BIN, ROOT

MOLECULE_DIR = os.path.join(ROOT, 'molecule')
LOG_DIR = os.path.join(ROOT, 'build', 'molecule')
LAB_MACHINE_IMAGE = 'labnet/lab-machine:latest'
NAME_PREFIX = 'labnet-mol-'
SCENARIO_TIMEOUT = 1200  # a safety net for a hung run; a shared, busy machine can be slow


def discover():
    return sorted(name for name in os.listdir(MOLECULE_DIR)
                  if os.path.isfile(os.path.join(MOLECULE_DIR, name, 'molecule.yml')))


SCENARIOS = discover()
# The lab scenarios run again on lab machines with Docker 28 (sid's docker.io, `make engines`):
# what differs from 20.10 is in docs/engines.md.
NEWER_ENGINE_IMAGES = {'docker28': 'labnet/lab-machine:sid'}
NEWER_ENGINE_SCENARIOS = ('default_bridge', 'user_bridge', 'published_ports', 'container_network', 'no_network',
                          'multihost')
RUNS = [(scenario, 'docker20') for scenario in SCENARIOS] + [
    (scenario, engine) for engine in NEWER_ENGINE_IMAGES for scenario in NEWER_ENGINE_SCENARIOS]


def molecule_env(run_id, state_dir, image=LAB_MACHINE_IMAGE):
    # Only what molecule needs: no ANSIBLE_* or MOLECULE_* from the caller (the Makefile
    # exports ANSIBLE_CONFIG, the harness an interpreter that does not exist in instances).
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(('ANSIBLE_', 'MOLECULE_'))}
    env.update(
        PATH=BIN + os.pathsep + env.get('PATH', ''),
        LABNET_MOL_RUN=run_id,
        LABNET_MOL_IMAGE=image,
        MOLECULE_EPHEMERAL_DIRECTORY=state_dir,
        NO_COLOR='1',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        PY_COLORS='0',
        # a timestamp and duration for every task in the log, to see where the time goes
        ANSIBLE_CALLBACKS_ENABLED='ansible.posix.profile_tasks',
    )
    return env


def leftovers(client, run_id):
    """Containers and networks of this run still on the daemon (names carry the run ID)."""
    def ours(name):
        return name.startswith(NAME_PREFIX) and ('-%s-' % run_id in name or name.endswith('-' + run_id))
    containers = [c for c in client.containers.list(all=True, filters={'name': NAME_PREFIX}) if ours(c.name)]
    networks = [n for n in client.networks.list(filters={'name': NAME_PREFIX}) if ours(n.name)]
    return containers, networks


def run_scenario(scenario, engine, client, state_root):
    """`molecule test -s scenario` on lab machines of ``engine``; returns (returncode, seconds, log path, leftovers)."""
    run_id = uuid.uuid4().hex[:6]
    state_dir = os.path.join(state_root, scenario + '-' + engine)
    os.makedirs(state_dir, exist_ok=True)
    log_path = os.path.join(LOG_DIR, '%s-%s.log' % (scenario, engine))
    image = NEWER_ENGINE_IMAGES.get(engine, LAB_MACHINE_IMAGE)
    start = time.monotonic()
    try:
        with open(log_path, 'w') as log:
            proc = subprocess.run([os.path.join(BIN, 'molecule'), 'test', '-s', scenario], cwd=ROOT,
                                  env=molecule_env(run_id, state_dir, image), stdout=log, stderr=subprocess.STDOUT,
                                  timeout=SCENARIO_TIMEOUT, check=False)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        code = 'timeout after %d s' % SCENARIO_TIMEOUT
    seconds = time.monotonic() - start
    # molecule destroys its instances even when a step fails; whatever is still here
    # (a killed run) is removed, and reported.
    containers, networks = leftovers(client, run_id)
    for container in containers:
        container.remove(force=True)
    for network in networks:
        network.remove()
    found = [c.name for c in containers] + [n.name for n in networks]
    return code, seconds, log_path, found


@pytest.fixture(scope='session')
def molecule_runs(request, host_client, tmp_path_factory):
    """Start every selected scenario at once on a small pool; tests wait for their own."""
    for image in [LAB_MACHINE_IMAGE] + list(NEWER_ENGINE_IMAGES.values()):
        try:
            host_client.images.get(image)
        except Exception:  # pylint: disable=broad-except
            pytest.fail('%s is missing: run `make setup` and `make engines` (scripts/build-lab-machine-image.sh)' % image)
    os.makedirs(LOG_DIR, exist_ok=True)
    selected = [(item.callspec.params['scenario'], item.callspec.params['engine']) for item in request.session.items
                if getattr(item, 'originalname', None) == 'test_scenario' and hasattr(item, 'callspec')]
    jobs = max(1, int(os.environ.get('LABNET_MOLECULE_JOBS', '2')))
    state_root = str(tmp_path_factory.mktemp('molecule-state'))
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = {run: pool.submit(run_scenario, run[0], run[1], host_client, state_root) for run in selected}
    yield futures
    pool.shutdown(wait=True)


def test_scenarios_are_discovered():
    assert {'engine', 'multihost'} <= set(SCENARIOS)


@pytest.mark.slow
@pytest.mark.parametrize('scenario, engine', RUNS)
def test_scenario(scenario, engine, molecule_runs):
    code, seconds, log_path, found = molecule_runs[(scenario, engine)].result()
    with open(log_path) as log:
        tail = log.read()[-6000:]
    print('molecule scenario %s on %s: %.0f s' % (scenario, engine, seconds))
    assert code == 0, 'molecule test -s %s on %s failed (%s); log %s:\n%s' % (scenario, engine, code, log_path, tail)
    assert not found, 'molecule left %s behind' % found
