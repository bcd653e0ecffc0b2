"""Classroom wall time: playbooks/lab.yml on 1, 3 and 5 SSH-reached lab machines at once, ratio to one.

Each size gets a classroom of its own (scripts/classroom.sh up, run, down), so every machine starts
empty. The same per-machine work at every size: the six single-host scenarios (scenario 7 needs three
machines and the cross-host checks two, so both are left out). BENCH_CLASSROOM_SIZES (default 1,3,5)
and BENCH_OUT (default build/bench) as for bench/run.py; writes classroom.json and classroom.md there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'classroom.sh')
TARGET_RATIO_3 = 2.0  # issue 19: 3 machines in at most twice the wall time of one, on 2 cores
SCENARIOS = ['default_bridge', 'user_bridge', 'published_ports', 'host_network', 'container_network', 'no_network']


def sizes_from_env(environ):
    text = environ.get('BENCH_CLASSROOM_SIZES') or '1,3,5'
    try:
        sizes = [int(part) for part in text.split(',') if part.strip()]
    except ValueError:
        raise ValueError('BENCH_CLASSROOM_SIZES=%r is not a comma-separated list of sizes' % text)
    if not sizes or any(size < 1 or size > 5 for size in sizes):
        raise ValueError('BENCH_CLASSROOM_SIZES=%r: each size must be 1 to 5 (every machine runs its own dockerd)' % text)
    return sizes


def write_extra_vars(out):
    """The scenario list as an extra-vars file: classroom.sh splits CLASSROOM_ARGS on spaces and takes no quotes."""
    extra_vars = os.path.join(out, 'classroom-vars.json')
    with open(extra_vars, 'w') as handle:
        json.dump({'labnet_scenarios': SCENARIOS, 'labnet_cross_host': False}, handle)
    return extra_vars


def measure(size, out, extra_vars):
    env = dict(os.environ, CLASSROOM_SIZE=str(size), CLASSROOM_ID='crbench%s' % uuid.uuid4().hex[:6],
               CLASSROOM_DIR=os.path.join(out, 'classroom-%d' % size), CLASSROOM_ARGS='-e @%s' % extra_vars)
    try:
        for action in ('up', 'run'):
            proc = subprocess.run(['bash', SCRIPT, action], env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                output = (proc.stdout + proc.stderr)[-3000:]
                raise RuntimeError('classroom.sh %s with %d machines failed:\n%s' % (action, size, output))
        with open(os.path.join(env['CLASSROOM_DIR'], 'wall_time.json')) as handle:
            return json.load(handle)['wall_time_s']
    finally:
        subprocess.run(['bash', SCRIPT, 'down'], env=env, capture_output=True, check=False)


def main():
    sizes = sizes_from_env(os.environ)
    out = os.environ.get('BENCH_OUT') or os.path.join(ROOT, 'build', 'bench')
    os.makedirs(out, exist_ok=True)
    extra_vars = write_extra_vars(out)
    rows = []
    for size in sizes:
        seconds = measure(size, out, extra_vars)
        rows.append({'machines': size, 'wall_time_s': seconds})
        print('classroom bench: %d machines: %.1f s' % (size, seconds), flush=True)
    base = next((row['wall_time_s'] for row in rows if row['machines'] == 1), None)
    for row in rows:
        row['ratio_to_one'] = round(row['wall_time_s'] / base, 2) if base else None
    load = os.getloadavg()[0]
    result = {'scenarios': SCENARIOS, 'cpus': os.cpu_count(), 'load_average_1m_at_end': round(load, 1), 'rows': rows}
    lines = ['| machines | wall time (s) | ratio to one machine |', '| --- | --- | --- |']
    lines += ['| %d | %.1f | %s |' % (row['machines'], row['wall_time_s'],
                                      '%.2f' % row['ratio_to_one'] if row['ratio_to_one'] else '-') for row in rows]
    three = next((row['ratio_to_one'] for row in rows if row['machines'] == 3), None)
    result['target'] = {'text': '3 machines in at most %.1f x the wall time of one' % TARGET_RATIO_3,
                        'ratio': three, 'met': None if three is None else three <= TARGET_RATIO_3}
    verdict = 'not measured' if three is None else ('met' if three <= TARGET_RATIO_3 else 'not met')
    text = ('playbooks/lab.yml (%s) over SSH, forks = machines, %d CPUs, load average %.1f at the end.\n\n%s\n\n'
            'target: %s: %s\n' % (', '.join(SCENARIOS), os.cpu_count(), load, '\n'.join(lines),
                                  result['target']['text'], verdict))
    with open(os.path.join(out, 'classroom.json'), 'w') as handle:
        json.dump(result, handle, indent=2)
    with open(os.path.join(out, 'classroom.md'), 'w') as handle:
        handle.write(text)
    print(text)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (ValueError, RuntimeError) as exc:
        print('classroom bench: ERROR: %s' % exc, file=sys.stderr)
        sys.exit(1)
