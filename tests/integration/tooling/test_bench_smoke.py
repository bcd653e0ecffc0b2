"""`make bench` works: one tiny run produces complete result files and leaves nothing behind.

The figures are not judged here (the bench is a benchmark, not a timed test).
"""

import json
import os
import re
import subprocess
import sys

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import ROOT, free_subnet

PHASES = ['converge', 'rerun', 'teardown']


@pytest.mark.slow
def test_bench_runs_once_at_tiny_size(tmp_path, prefix, docker_client):
    env = dict(os.environ, BENCH_N='3', BENCH_RUNS='1', BENCH_SCALE='off', BENCH_CONTAINERS='2', BENCH_PROBES='4',
               BENCH_STARTUP_ITEMS='2', BENCH_LAB_SCENARIOS='no_network',
               BENCH_SUBNET=free_subnet(docker_client), BENCH_OUT=str(tmp_path), BENCH_PREFIX=prefix)
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'bench', 'run.py')], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]

    results = json.loads((tmp_path / 'results.json').read_text())
    statuses = dict((variant['key'], variant) for variant in results['variants'])
    assert sorted(statuses) == ['a', 'b', 'c', 'd', 'e']
    measured = sorted(key for key, variant in statuses.items() if variant['status'] == 'ok')
    assert measured == ['a', 'b', 'c', 'd', 'e'], statuses  # a variant whose modules went missing fails here
    rows = dict(((row['variant'], row['phase']), row) for row in results['rows'])
    assert sorted(rows) == sorted((key, phase) for key in measured for phase in PHASES)
    for row in rows.values():
        assert row['median_s'] > 0 and len(row['runs_s']) == 1
        assert row['ratio_to_a'] is not None and row['ratio_to_c'] is not None
    # The floor counts its own API writes: 3 creates + 6 connects, nothing, 6 disconnects + 3 removes.
    assert [rows[('a', phase)]['changed'] for phase in PHASES] == [[9], [0], [9]]
    for key in set(measured) & set('cde'):
        assert rows[(key, 'rerun')]['changed'] == [0], key
    assert results['errors'] == []
    assert results['scale']['rows'] == [] and 'BENCH_SCALE=off' in results['scale']['note']

    table = (tmp_path / 'results.md').read_text()
    lines = table.splitlines()
    start = [i for i, line in enumerate(lines) if line.startswith('| variant | phase | median s')][0] + 2
    main_table = lines[start:lines.index('', start)]
    assert len(main_table) == len(rows)
    assert all(re.match(r'\| \([a-e]\) ', line) for line in main_table), main_table
    assert table in proc.stdout  # printed as well as written

    # The probe rows: the same 4 probes (2 expected unreachable) four ways, each compared with its floor.
    probes = results['probes']
    assert (probes['status'], probes['n'], probes['timeout']) == ('ok', 4, 2)
    by_key = dict((row['key'], row) for row in probes['rows'])
    assert sorted(by_key) == ['exec', 'exec-serial', 'module', 'module-serial']
    assert [by_key[key]['floor'] for key in ('module', 'module-serial')] == ['exec', 'exec-serial']
    for row in by_key.values():
        assert row['median_s'] > 0 and len(row['runs_s']) == 1
    assert by_key['module']['ratio_to_floor'] is not None and probes['speedup'] is not None
    assert [check['limit'] for check in probes['targets']] == [15.0]
    probe_lines = [line for line in lines if line.startswith(('| module', '| exec'))]
    assert len(probe_lines) == 4 and 'Target: network_probe, 4 probes' in table

    # The start-up rows: each loop's cost per item, next to ping's, from one play.
    startup = results['startup']
    assert (startup['status'], startup['items']) == ('ok', 2)
    assert [row['task'] for row in startup['rows']] == [
        'ansible.builtin.ping', 'labnet.docker.network_info', 'labnet.docker.network',
        'community.docker.docker_network_info']
    assert startup['rows'][0]['ratio_to_ping'] == 1.0
    assert all(row['median_ms'] > 0 and len(row['runs_ms']) == 1 for row in startup['rows'])
    assert [check['limit'] for check in startup['targets']] == [1.2, 1.2]
    assert '| labnet.docker.network_info | ' in table

    # The Mitogen rows: the loops under mitogen_linear against a linear ping loop of the same run, and the 1.0 x target.
    mitogen = results['mitogen']
    assert (mitogen['status'], mitogen['items']) == ('ok', 2), mitogen
    assert [row['task'] for row in mitogen['rows']] == [
        'ansible.builtin.ping (linear)', 'ansible.builtin.ping (mitogen)', 'labnet.docker.network (mitogen)',
        'labnet.docker.network_info (mitogen)']
    assert mitogen['rows'][0]['ratio_to_linear_ping'] == 1.0
    assert all(row['median_s'] > 0 and len(row['runs_s']) == 1 for row in mitogen['rows'])
    assert [check['limit'] for check in mitogen['targets']] == [1.0]
    assert 'Target: labnet.docker.network (mitogen), 2-item no-change loop <= 1.0 x the linear' in table

    # The lab rows: build and re-run of the lab playbook (one scenario here), next to a ping play as long as the re-run.
    lab = results['lab']
    assert (lab['status'], lab['scenarios'], lab['judged']) == ('ok', ['no_network'], False), lab
    assert all(lab['medians'][phase] > 0 for phase in ('build', 'rerun', 'floor')) and lab['tasks'] > 10
    assert [(check['limit'], check['met']) for check in lab['checks']] == [(40.0, None), (15.0, None)]
    assert '| re-run, nothing to change | ' in table and 'not judged' in table

    leftovers = [c.name for c in docker_client.containers.list(all=True, filters={'name': prefix})]
    leftovers += [n.name for n in docker_client.networks.list(filters={'name': prefix})]
    assert leftovers == []
