"""The bench's probe rows: one probe matrix run by network_probe and by a plain loop of docker exec.

The matrix (BENCH_PROBES probes, half of them expected unreachable, every one with a
2 s timeout) runs between the bench's own containers on two internal networks:
reachable probes (ping, tcp, http, dns in turn) go to a web server on the sources'
network, unreachable ones ping a container on the other network, which the daemon's
isolation rules drop, so each waits out its whole timeout. Four ways, same matrix:

- ``module``: one labnet.docker.network_probe task with the module's default ``parallel``;
- ``module-serial``: the same task with ``parallel: 1``;
- ``exec``: bench/probe-exec.sh, ``docker exec`` of the module's own command lines,
  as many at a time as the module's default (xargs -P): the floor for ``module``;
- ``exec-serial``: the same loop one at a time: the floor for ``module-serial``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import variants

sys.path.insert(0, os.path.join(variants.ROOT, 'build', 'collections'))
from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import DEFAULT_PARALLEL, normalize_probes  # noqa: E402
from ansible_collections.labnet.docker.plugins.module_utils.probe.tools import container_command  # noqa: E402

TIMEOUT = 2
SOURCES = 4
KEYS = ('module', 'exec', 'module-serial', 'exec-serial')
TITLES = {
    'module': 'network_probe, parallel=%d (its default)' % DEFAULT_PARALLEL,
    'module-serial': 'network_probe, parallel=1',
    'exec': 'docker exec loop, %d at a time (xargs -P), the floor' % DEFAULT_PARALLEL,
    'exec-serial': 'docker exec loop, one at a time',
}
WEB = ('sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www')


class ProbeBench:
    """Owns the probe rows' containers and networks (named ``<prefix>-p...``; the bench's cleanup removes them)."""

    def __init__(self, api, prefix, labels, image, workdir):
        self.api = api
        self.prefix = prefix
        self.labels = labels
        self.image = image
        self.workdir = workdir
        self.sources = []
        self.web = None
        self.far_ip = None

    def _container(self, suffix, network, command=('sleep', '86400')):
        name = '%s-p%s' % (self.prefix, suffix)
        host_config = self.api.create_host_config(dns=['127.0.0.1'], network_mode=network)
        created = self.api.create_container(self.image, list(command), name=name, host_config=host_config,
                                            labels=self.labels)
        self.api.start(created['Id'])
        return name

    def setup(self):
        """Two internal networks (pools the daemon picks): sources and a web server on one, a target on the other."""
        near, far = '%s-pa' % self.prefix, '%s-pb' % self.prefix
        for network in (near, far):
            self.api.create_network(network, internal=True, labels=self.labels)
        self.sources = [self._container('s%d' % index, near) for index in range(SOURCES)]
        self.web = self._container('web', near, WEB)
        target = self._container('far', far)
        self.far_ip = self.api.inspect_container(target)['NetworkSettings']['Networks'][far]['IPAddress']
        deadline = time.monotonic() + 20
        while self._exec(self.sources[0], ['wget', '-q', '-O', '/dev/null', 'http://%s/' % self.web]) != 0:
            if time.monotonic() > deadline:
                raise variants.BenchError('the probe web server %s did not answer' % self.web)
            time.sleep(0.2)

    def _exec(self, container, cmd):
        exec_id = self.api.exec_create(container, cmd)['Id']
        self.api.exec_start(exec_id)
        return self.api.exec_inspect(exec_id)['ExitCode']

    def matrix(self, n):
        """``n`` probes, every second one expected unreachable (n // 2 of them), all with a 2 s timeout."""
        probes = []
        reachable = [
            dict(kind='ping'),
            dict(kind='tcp', port=80),
            dict(kind='http', url='/'),
            dict(kind='dns'),
        ]
        for index in range(n):
            source = self.sources[index % len(self.sources)]
            if index % 2:
                probes.append({'from': source, 'to': self.far_ip, 'expect': 'unreachable', 'timeout': TIMEOUT})
            else:
                probes.append(dict(reachable[(index // 2) % len(reachable)], to=self.web, timeout=TIMEOUT,
                                   **{'from': source}))
        return probes

    def run(self, key, probes):
        """One measurement: dict(seconds, wall); raises BenchError unless every probe held."""
        if key.startswith('module'):
            return self._module(probes, 1 if key == 'module-serial' else None)
        return self._exec_loop(probes, 1 if key == 'exec-serial' else DEFAULT_PARALLEL)

    def _module(self, probes, parallel):
        variables = dict(bench_probes=probes)
        if parallel is not None:
            variables['bench_parallel'] = parallel
        path = os.path.join(self.workdir, 'vars-probes.json')
        with open(path, 'w') as handle:
            json.dump(variables, handle)
        playbook = os.path.join(variants.PLAYBOOKS, 'probes.yml')
        cmd = [os.path.join(variants.BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', '-e', '@' + path, playbook]
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=variants.ansible_env(), capture_output=True, text=True, check=False,
                              cwd=self.workdir)
        wall = time.perf_counter() - start
        try:
            play = json.loads(proc.stdout)['plays'][0]
        except (ValueError, KeyError, IndexError):
            raise variants.BenchError('probes.yml did not print JSON (rc=%d): %s'
                                      % (proc.returncode, (proc.stderr or proc.stdout).strip()[-2000:]))
        result = play['tasks'][0]['hosts'].get('localhost', {})
        if result.get('failed') or len(result.get('results') or []) != len(probes):
            raise variants.BenchError('network_probe did not hold: %s' % str(result.get('msg'))[:2000])
        duration = play['play']['duration']
        return dict(seconds=variants._seconds(duration['start'], duration['end']), wall=wall)

    def _exec_loop(self, probes, parallel):
        path = os.path.join(self.workdir, 'probe-exec.txt')
        with open(path, 'w') as handle:
            for raw, probe in zip(probes, normalize_probes(probes)):
                handle.write('%s %s %s\n' % (raw['from'], probe.expect, ' '.join(container_command(probe))))
        start = time.perf_counter()
        proc = subprocess.run(['bash', os.path.join(variants.BENCH, 'probe-exec.sh'), path, str(parallel)],
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise variants.BenchError('probe-exec.sh did not hold (rc=%d): %s'
                                      % (proc.returncode, proc.stderr.strip()[-2000:]))
        return dict(seconds=seconds, wall=seconds)
