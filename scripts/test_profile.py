"""The test suite's profile: what each step and each test of `make test` cost, in wall time and CPU.

Stdlib only (the setup step runs before the project's venv exists). Two commands:

- ``test_profile.py step --profile FILE NAME -- CMD...`` runs one step of `make test` (setup, lint,
  sanity, matrix, pytest, ...) and appends one ``step`` record: its wall time, the CPU of its whole
  process tree (getrusage of the waited-for children) and the load average at its end. While the step
  runs it samples, every SAMPLE_SECONDS, the CPU that each Docker container on this machine has used
  (its cgroup's accounting): lab machines and engine containers do their work inside the daemon, not as
  child processes, so their CPU is only seen there. The samples are ``sample`` records.
- ``test_profile.py report FILE`` prints the steps and the 15 most expensive tests by CPU.

The ``test`` records come from the pytest plugin in tests/conftest.py (one per test, from the worker
that ran it, with its window in time). The report gives each test the CPU its containers used in its
window: a container belongs to the pytest worker(s) that were running a test when it first appeared
(split evenly when several were; a worker running a unit test is none), and each interval of its CPU goes to the test its owner was running
then. That is exact for a container one test starts and removes while the other workers only run tests
that start none, and an approximation when two workers start containers in the same sampling interval.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import threading
import time

SAMPLE_SECONDS = 2.0
TOP = 15
# Where the cgroup of a Docker container keeps its CPU time: cgroup v1 (cgroupfs driver), then cgroup v2
# (cgroupfs and systemd drivers).
V1_ROOTS = ('/sys/fs/cgroup/cpuacct/docker', '/sys/fs/cgroup/cpu,cpuacct/docker')
V2_ROOTS = ('/sys/fs/cgroup/docker', '/sys/fs/cgroup/system.slice')


def container_cpu():
    """{container id: CPU seconds so far} for every container whose cgroup this machine shows."""
    found = {}
    for root in V1_ROOTS:
        for name in _listdir(root):
            value = _read(os.path.join(root, name, 'cpuacct.usage'))
            if value is not None and len(name) == 64:
                found[name] = int(value) / 1e9
    for root in V2_ROOTS:
        for name in _listdir(root):
            cid = name[len('docker-'):-len('.scope')] if name.startswith('docker-') and name.endswith('.scope') else name
            text = _read(os.path.join(root, name, 'cpu.stat'))
            if text is None or len(cid) != 64:
                continue
            for line in text.splitlines():
                key, dummy, value = line.partition(' ')
                if key == 'usage_usec':
                    found[cid] = int(value) / 1e6
    return found


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def _read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except (OSError, ValueError):
        return None


def append(path, record):
    """One JSON line, written whole (O_APPEND: the pytest workers write to the same file)."""
    line = (json.dumps(record, sort_keys=True) + '\n').encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_step(profile, name, command):
    """Run ``command`` as step ``name``; append its record and the container samples taken meanwhile."""
    os.makedirs(os.path.dirname(os.path.abspath(profile)), exist_ok=True)
    stop = threading.Event()
    first = container_cpu()
    append(profile, dict(type='sample', step=name, t=time.time(), cpu=first))

    def sample():
        last = first
        while not stop.wait(SAMPLE_SECONDS):
            now = container_cpu()
            # Only what changed, so an idle container costs no bytes; a new container always appears.
            changed = dict((cid, value) for cid, value in now.items() if last.get(cid) != value)
            append(profile, dict(type='sample', step=name, t=time.time(), cpu=changed))
            last = now

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, cpu_before = time.time(), _children_cpu()
    try:
        rc = subprocess.call(command)
    except OSError as exc:
        print('test_profile: cannot run %s: %s' % (command[0], exc), file=sys.stderr)
        rc = 127
    finally:
        stop.set()
        sampler.join()
    end = time.time()
    containers = sum(max(0.0, value - first.get(cid, 0.0)) for cid, value in container_cpu().items())
    append(profile, dict(type='step', step=name, start=start, end=end, wall=round(end - start, 2),
                         cpu=round(_children_cpu() - cpu_before, 2), containers_cpu=round(containers, 2),
                         load=os.getloadavg(), rc=rc))
    return rc


# -- the report -------------------------------------------------------------------------------------------

def read(profile):
    records = collections.defaultdict(list)
    with open(profile) as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut by a killed run
            records[record.get('type')].append(record)
    return records


def container_intervals(samples):
    """[(container id, interval start, interval end, CPU seconds used in it)], from the sample records."""
    intervals, last = [], {}
    for sample in sorted(samples, key=lambda record: record['t']):
        for cid, value in sample['cpu'].items():
            if cid in last:
                then, before = last[cid]
                if value > before:
                    intervals.append((cid, then, sample['t'], value - before))
            last[cid] = (sample['t'], value)
        # A container whose value did not change keeps its last time: its next interval starts there.
    return intervals


def attribute(tests, samples):
    """{nodeid: CPU seconds of the containers it ran}, by the ownership rule in the module docstring."""
    by_worker = collections.defaultdict(list)
    for test in tests:
        by_worker[test.get('worker') or 'main'].append(test)

    def running(worker, moment):
        for test in by_worker[worker]:
            if test['start'] <= moment <= test['end']:
                return test
        return None

    owners, used = {}, collections.defaultdict(float)
    for cid, start, end, cpu in container_intervals(samples):
        moment = (start + end) / 2
        if cid not in owners:
            # Unit tests start no container: a worker running one is no candidate.
            candidates = [worker for worker in by_worker
                          if any(test and not test['nodeid'].startswith('tests/unit/')
                                 for test in (running(worker, start), running(worker, end)))]
            owners[cid] = candidates
        for worker in owners[cid]:
            test = running(worker, moment) or running(worker, end)
            if test is not None:
                used[test['nodeid']] += cpu / len(owners[cid])
    return used


def report(profile, top=TOP):
    records = read(profile)
    steps, tests = records.get('step', []), records.get('test', [])
    lines = ['test profile (%s):' % profile, '', '%-10s %8s %8s %10s %6s %s' % (
        'step', 'wall s', 'cpu s', 'docker s', 'load', 'rc')]
    for step in steps:
        lines.append('%-10s %8.1f %8.1f %10.1f %6.1f %s' % (
            step['step'], step['wall'], step['cpu'], step.get('containers_cpu', 0), step['load'][0], step['rc']))
    containers = attribute(tests, records.get('sample', []))
    for test in tests:
        test['containers_cpu'] = containers.get(test['nodeid'], 0.0)
        test['total_cpu'] = test['cpu_self'] + test['cpu_children'] + test['containers_cpu']
    if tests:
        lines += ['', 'the %d most expensive of %d tests by CPU (self + child processes + their containers):'
                  % (min(top, len(tests)), len(tests)),
                  '%8s %8s %8s %8s %8s %6s  %s' % ('cpu s', 'self', 'children', 'docker', 'wall s', 'load', 'test')]
        for test in sorted(tests, key=lambda test: -test['total_cpu'])[:top]:
            lines.append('%8.1f %8.1f %8.1f %8.1f %8.1f %6.1f  %s' % (
                test['total_cpu'], test['cpu_self'], test['cpu_children'], test['containers_cpu'], test['wall'],
                test['load'][0], test['nodeid']))
        lines.append('all tests: %.0f CPU s (%.0f in containers), %.0f test-wall s'
                     % (sum(test['total_cpu'] for test in tests), sum(containers.values()),
                        sum(test['wall'] for test in tests)))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    step = commands.add_parser('step', help='run one step of make test and record it')
    step.add_argument('--profile', required=True)
    step.add_argument('name')
    step.add_argument('cmd', nargs=argparse.REMAINDER)
    shown = commands.add_parser('report', help='print the steps and the most expensive tests')
    shown.add_argument('profile')
    shown.add_argument('--top', type=int, default=TOP)
    args = parser.parse_args(argv)
    if args.command == 'step':
        command = args.cmd[1:] if args.cmd[:1] == ['--'] else args.cmd
        if not command:
            parser.error('step %s: no command given after --' % args.name)
        return run_step(args.profile, args.name, command)
    if not os.path.exists(args.profile):
        print('test_profile: no profile at %s' % args.profile, file=sys.stderr)
        return 1
    print(report(args.profile, args.top))
    return 0


if __name__ == '__main__':
    sys.exit(main())
