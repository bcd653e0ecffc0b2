"""The five ways the bench does the same work: N networks, two container attachments each.

Each variant has ``run(phase, spec)`` for phase ``converge``, ``rerun`` (the converge
again, with nothing left to change) or ``teardown``, and returns a dict with
``seconds`` (the figure the tables use), ``wall`` (including process start-up) and
``changed`` (how many changes it reported, or None when it cannot tell).

``spec`` is a list of {name, subnet (or None), containers: [name, name]}.
"""

from __future__ import annotations

import collections
import datetime
import glob
import json
import os
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
BIN = os.path.dirname(sys.executable)
PLAYBOOKS = os.path.join(BENCH, 'playbooks')


class BenchError(Exception):
    """A variant did not do the work it was asked to do."""


class SdkFloor:
    """(a) The Docker SDK straight: one listing of networks and containers, then only what differs."""

    key = 'a'
    title = 'Docker SDK straight (the floor)'

    def __init__(self, api, labels, label_filter):
        self.api = api
        self.labels = labels
        self.label_filter = label_filter

    @staticmethod
    def available():
        return None

    def run(self, phase, spec):
        start = time.perf_counter()
        networks, attached = self._state()
        changed = 0
        for item in spec:
            if phase == 'teardown':
                if item['name'] in networks:
                    for container in sorted(attached[item['name']]):
                        self.api.disconnect_container_from_network(container, item['name'])
                        changed += 1
                    self.api.remove_network(networks[item['name']]['Id'])
                    changed += 1
                continue
            if item['name'] not in networks:
                ipam = None
                if item['subnet']:
                    ipam = {'Driver': 'default', 'Config': [{'Subnet': item['subnet']}]}
                self.api.create_network(item['name'], ipam=ipam, labels=self.labels)
                changed += 1
            for container in item['containers']:
                if container not in attached[item['name']]:
                    self.api.connect_container_to_network(container, item['name'])
                    changed += 1
        seconds = time.perf_counter() - start
        return dict(seconds=seconds, wall=seconds, changed=changed)

    def _state(self):
        """Networks by name, and the names of the containers on each, from two listings."""
        networks = dict((row['Name'], row) for row in self.api.networks(filters={'label': self.label_filter}))
        attached = collections.defaultdict(set)
        for row in self.api.containers(all=True, filters={'label': self.label_filter}):
            for network in (row.get('NetworkSettings') or {}).get('Networks') or {}:
                attached[network].add(row['Names'][0].lstrip('/'))
        return networks, attached


class DockerCli:
    """(b) The docker CLI in a shell loop (bench/cli.sh)."""

    key = 'b'
    title = 'docker CLI in a shell loop'

    def __init__(self, workdir, label):
        self.workdir = workdir
        self.label = label

    @staticmethod
    def available():
        if not any(os.access(os.path.join(path, 'docker'), os.X_OK) for path in os.environ.get('PATH', '').split(os.pathsep)):
            return 'the docker CLI is not on PATH'
        return None

    def run(self, phase, spec):
        path = os.path.join(self.workdir, 'cli-spec.txt')
        with open(path, 'w') as handle:
            for item in spec:
                handle.write('%s %s %s\n' % (item['name'], item['subnet'] or '-', ','.join(item['containers'])))
        mode = 'teardown' if phase == 'teardown' else 'converge'
        start = time.perf_counter()
        proc = subprocess.run(['bash', os.path.join(BENCH, 'cli.sh'), mode, path, self.label],
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise BenchError('cli.sh %s failed (rc=%d): %s' % (mode, proc.returncode, proc.stderr.strip()[-2000:]))
        return dict(seconds=seconds, wall=seconds, changed=None)


class Playbook:
    """(c), (d), (e): one ansible-playbook run per phase; the figure is the play's own duration."""

    def __init__(self, key, title, stem, needs, workdir, labels):
        self.key = key
        self.title = title
        self.stem = stem
        self.needs = needs
        self.workdir = workdir
        self.labels = labels

    def available(self):
        missing = [need for need in self.needs if not _module_exists(need)]
        if missing:
            return 'module%s %s not in this checkout yet' % ('s' if len(missing) > 1 else '', ', '.join(missing))
        return None

    def run(self, phase, spec):
        variables = os.path.join(self.workdir, 'vars-%s.json' % self.key)
        with open(variables, 'w') as handle:
            json.dump(playbook_vars(spec, self.labels), handle)
        playbook = os.path.join(PLAYBOOKS, '%s-%s.yml' % (self.stem, 'teardown' if phase == 'teardown' else 'converge'))
        wall, report, dummy = run_playbook(playbook, ['-i', 'localhost,', '-c', 'local', '-e', '@' + variables],
                                           self.workdir)
        play = report['plays'][0]
        changed = 0
        tasks = []
        for task in play['tasks']:
            result = task['hosts'].get('localhost', {})
            items = result.get('results') or [result]
            failures = [item.get('msg', 'failed') for item in items if item.get('failed')]
            if failures or result.get('failed'):
                raise BenchError('%s: task %r failed: %s' % (os.path.basename(playbook), task['task']['name'],
                                                             (failures or [result.get('msg')])[0]))
            changed += sum(1 for item in items if item.get('changed'))
            duration = task['task']['duration']
            tasks.append(dict(name=task['task']['name'], items=len(items),
                              seconds=_seconds(duration['start'], duration['end'])))
        duration = play['play']['duration']
        return dict(seconds=_seconds(duration['start'], duration['end']), wall=wall, changed=changed, tasks=tasks)


def run_playbook(playbook, args, cwd, env=None):
    """Run ``playbook`` with ``args`` and the JSON callback (``env`` added to the environment); (wall seconds, the
    report, the process), or BenchError."""
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook')] + list(args) + [playbook], env=dict(ansible_env(), **(env or {})),
                          capture_output=True, text=True, check=False, cwd=cwd)
    wall = time.perf_counter() - start
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise BenchError('%s did not print JSON (rc=%d): %s' % (os.path.basename(playbook), proc.returncode,
                                                                (proc.stderr or proc.stdout).strip()[-2000:]))
    return wall, report, proc


def playbook_vars(spec, labels):
    """The variables the playbooks loop over, in the shape each variant's modules take."""
    networks = []
    topology_networks = []
    attachments = []
    for item in spec:
        network = dict(name=item['name'], containers=list(item['containers']))
        topo = dict(name=item['name'], labels=dict(labels))
        if item['subnet']:
            network['ipam_config'] = [dict(subnet=item['subnet'])]
            topo['ipam_config'] = [dict(subnet=item['subnet'])]
        networks.append(network)
        topology_networks.append(topo)
        attachments.append(dict(network=item['name'], containers=list(item['containers'])))
    return dict(bench_networks=networks, bench_labels=dict(labels),
                bench_topology_networks=topology_networks, bench_attachments=attachments)


def ansible_env():
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build', 'collections'),
        ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_NOCOLOR='1',
        PATH=BIN + os.pathsep + env.get('PATH', ''),
    )
    return env


def _module_exists(fqcn):
    namespace, name, module = fqcn.split('.')
    if (namespace, name) == ('labnet', 'docker'):
        return os.path.isfile(os.path.join(ROOT, 'plugins', 'modules', module + '.py'))
    pattern = os.path.join('ansible_collections', namespace, name, 'plugins', 'modules', module + '.py')
    roots = sys.path + [os.path.join(ROOT, 'build', 'collections')]
    return any(glob.glob(os.path.join(root, pattern)) for root in roots if root)


def _seconds(start, end):
    def parse(text):
        return datetime.datetime.fromisoformat(text.rstrip('Z'))
    return (parse(end) - parse(start)).total_seconds()
