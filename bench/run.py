"""`make bench`: the same network work done five ways on the same daemon, timed (see bench/README.md).

Everything the bench creates is named with one prefix and removed at the end, also
when a variant fails or the run is interrupted.
"""

from __future__ import annotations

import collections
import datetime
import ipaddress
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import uuid

import docker

import lab
import mitogen
import probes
import report
import startup
import variants

IMAGE = os.environ.get('LABNET_BUSYBOX_IMAGE', 'labnet/busybox:latest')
RUN_LABEL = 'labnet.bench.run'
ALL_VARIANTS = ('a', 'b', 'c', 'd', 'e', 'p', 's', 'm', 'l')


def config_from_env(environ):
    """The bench's settings from BENCH_* variables; raises ValueError naming a bad one."""
    def number(name, default, minimum):
        text = environ.get(name) or str(default)
        try:
            value = int(text)
        except ValueError:
            raise ValueError('%s=%r is not a whole number' % (name, text))
        if value < minimum:
            raise ValueError('%s=%d must be at least %d' % (name, value, minimum))
        return value

    scale_text = (environ.get('BENCH_SCALE') or '10,50,100').strip()
    scale = []
    if scale_text.lower() not in ('off', 'none', '0', ''):
        try:
            scale = sorted(set(int(part) for part in scale_text.split(',') if part.strip()))
        except ValueError:
            raise ValueError('BENCH_SCALE=%r is not a comma-separated list of sizes (or "off")' % scale_text)
        if any(size < 1 for size in scale):
            raise ValueError('BENCH_SCALE=%r: every size must be at least 1' % scale_text)
    keys = [key.strip() for key in (environ.get('BENCH_VARIANTS') or ','.join(ALL_VARIANTS)).split(',') if key.strip()]
    unknown = [key for key in keys if key not in ALL_VARIANTS]
    if unknown:
        raise ValueError('BENCH_VARIANTS: unknown variant %s (use letters a to e, p for the probe rows, s for start-up, m for Mitogen, l for the lab)'
                         % ', '.join(unknown))
    probe_text = (environ.get('BENCH_PROBES') or '100').strip()
    if probe_text.lower() in ('off', 'none', '0'):
        probe_count = 0
    else:
        probe_count = number('BENCH_PROBES', 100, 2)
    subnet_text = environ.get('BENCH_SUBNET') or '10.209.0.0/16'
    config = dict(
        n=number('BENCH_N', 100, 1),
        runs=number('BENCH_RUNS', 3, 1),
        containers=number('BENCH_CONTAINERS', 10, 2),
        scale=scale,
        variants=sorted(set(keys)) or list(ALL_VARIANTS),
        probes=probe_count,
        startup_items=number('BENCH_STARTUP_ITEMS', 20, 1),
        lab_scenarios=lab.scenarios_from_env(environ),
        subnet=None if subnet_text.lower() == 'none' else subnet_text,
        out=environ.get('BENCH_OUT') or os.path.join(variants.ROOT, 'build', 'bench'),
        prefix=environ.get('BENCH_PREFIX') or 'lnbench-%s' % uuid.uuid4().hex[:8],
    )
    config['subnets'] = split_subnet(config['subnet'], max([config['n']] + scale))
    return config


def split_subnet(text, count):
    """``count`` subnets carved from ``text`` (at most /24 each), or ``count`` Nones for the daemon's pools."""
    if text is None:
        return [None] * count
    try:
        pool = ipaddress.ip_network(text)
    except ValueError as exc:
        raise ValueError('BENCH_SUBNET=%r is not a network: %s' % (text, exc))
    prefix = max(pool.prefixlen + max(1, math.ceil(math.log2(count))), 24 if pool.version == 4 else 64)
    if prefix > pool.max_prefixlen - 2:
        raise ValueError('BENCH_SUBNET=%s is too small for %d networks' % (text, count))
    subnets = []
    for subnet in pool.subnets(new_prefix=prefix):
        if len(subnets) == count:
            break
        subnets.append(str(subnet))
    return subnets


def workload(config, n, containers):
    """N networks, each with two of the bench containers (spread evenly)."""
    spec = []
    for index in range(n):
        spec.append(dict(name='%s-n%03d' % (config['prefix'], index), subnet=config['subnets'][index],
                         containers=[containers[index % len(containers)], containers[(index + 1) % len(containers)]]))
    return spec


class Bench:
    def __init__(self, config, api):
        self.config = config
        self.api = api
        self.label_filter = '%s=%s' % (RUN_LABEL, config['prefix'])
        self.samples = collections.defaultdict(list)
        self.errors = []
        self.failed = set()

    # -- objects the bench owns ------------------------------------------------
    @property
    def home(self):
        return '%s-home' % self.config['prefix']

    def start_containers(self):
        """Busybox sleepers on a network of their own (internal; a pool the daemon picks), not the default bridge."""
        self.api.create_network(self.home, internal=True, labels={RUN_LABEL: self.config['prefix']})
        names = []
        for index in range(self.config['containers']):
            name = '%s-c%02d' % (self.config['prefix'], index)
            host_config = self.api.create_host_config(dns=['127.0.0.1'], network_mode=self.home)
            created = self.api.create_container(IMAGE, ['sleep', '86400'], name=name, host_config=host_config,
                                                labels={RUN_LABEL: self.config['prefix']})
            self.api.start(created['Id'])
            names.append(name)
        return names

    def remove_networks(self, keep_home=True):
        for row in self.api.networks(filters={'name': self.config['prefix']}):
            if not row['Name'].startswith(self.config['prefix']):
                continue
            if keep_home and not row['Name'].startswith(self.config['prefix'] + '-n'):
                continue  # the home network and the probe rows' networks stay until the end
            detail = self.api.inspect_network(row['Id'])
            for cid in detail.get('Containers') or {}:
                self.api.disconnect_container_from_network(cid, row['Id'], force=True)
            self.api.remove_network(row['Id'])

    def cleanup(self):
        for row in self.api.containers(all=True, filters={'name': self.config['prefix']}):
            if any(name.lstrip('/').startswith(self.config['prefix']) for name in row['Names']):
                self.api.remove_container(row['Id'], force=True)
        self.remove_networks(keep_home=False)

    # -- measuring -----------------------------------------------------------------
    def verify(self, spec, present):
        """Raise unless the daemon holds exactly what ``spec`` describes (or none of it)."""
        networks = dict((row['Name'], row) for row in self.api.networks(filters={'name': self.config['prefix']}))
        attached = collections.defaultdict(set)
        for row in self.api.containers(all=True, filters={'label': self.label_filter}):
            for network in (row.get('NetworkSettings') or {}).get('Networks') or {}:
                attached[network].add(row['Names'][0].lstrip('/'))
        for item in spec:
            row = networks.get(item['name'])
            if not present:
                if row is not None:
                    raise variants.BenchError('network %s is still there after teardown' % item['name'])
                continue
            if row is None:
                raise variants.BenchError('network %s was not created' % item['name'])
            subnets = [pool.get('Subnet') for pool in (row.get('IPAM') or {}).get('Config') or []]
            if item['subnet'] and subnets != [item['subnet']]:
                raise variants.BenchError('network %s has subnets %s, not %s' % (item['name'], subnets, item['subnet']))
            if attached[item['name']] != set(item['containers']):
                raise variants.BenchError('network %s has containers %s, not %s'
                                          % (item['name'], sorted(attached[item['name']]), item['containers']))

    def measure(self, variant, spec, n):
        """Converge, re-run and tear down once; record the three samples, or the failure."""
        if variant.key in self.failed:
            return
        try:
            self.remove_networks()
            for phase in report.PHASES:
                sample = variant.run(phase, spec)
                self.verify(spec, present=phase != 'teardown')
                if phase == 'rerun' and sample['changed']:
                    self.errors.append('(%s) N=%d: the re-run reported %d change(s); it should report none'
                                       % (variant.key, n, sample['changed']))
                self.samples[(n, variant.key, phase)].append(sample)
                print('  (%s) N=%-4d %-9s %7.3f s  (incl. start %.3f s, changes: %s)'
                      % (variant.key, n, phase, sample['seconds'], sample['wall'], sample['changed']), flush=True)
        except (variants.BenchError, docker.errors.DockerException) as exc:
            self.failed.add(variant.key)
            self.errors.append('(%s) N=%d: %s' % (variant.key, n, exc))
            print('  (%s) FAILED: %s' % (variant.key, exc), flush=True)


def environment_facts(api):
    version = api.version()
    facts = dict(docker_version=version.get('Version'), api_version=version.get('ApiVersion'),
                 cpus=os.cpu_count(), python=sys.version.split()[0], load_average_end=list(os.getloadavg()),
                 date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))
    from ansible.release import __version__ as ansible_core
    facts['ansible_core'] = ansible_core
    proc = subprocess.run([os.path.join(variants.BIN, 'ansible-galaxy'), 'collection', 'list', 'community.docker',
                           '--format', 'json'], capture_output=True, text=True, env=variants.ansible_env(), check=False)
    try:
        facts['community_docker'] = [entry['community.docker']['version'] for entry in json.loads(proc.stdout).values()][0]
    except (ValueError, KeyError, IndexError):
        facts['community_docker'] = None
    return facts


def build_variants(config, api, workdir, containers_label):
    labels = {RUN_LABEL: config['prefix']}
    label_text = '%s=%s' % (RUN_LABEL, config['prefix'])
    every = [
        variants.SdkFloor(api, labels, containers_label),
        variants.DockerCli(workdir, label_text),
        variants.Playbook('c', 'community.docker.docker_network (connected) in a loop', 'community',
                          ['community.docker.docker_network'], workdir, labels),
        variants.Playbook('d', 'labnet.docker.network + network_attachment in a loop', 'modules',
                          ['labnet.docker.network', 'labnet.docker.network_attachment'], workdir, labels),
        variants.Playbook('e', 'labnet.docker.topology, one task', 'topology', ['labnet.docker.topology'], workdir, labels),
    ]
    return every


def main():
    try:
        config = config_from_env(os.environ)
    except ValueError as exc:
        print('bench: %s' % exc, file=sys.stderr)
        return 2
    # SIGTERM (a timeout, a killed make) unwinds through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    api = docker.APIClient(version='auto')
    api.inspect_image(IMAGE)  # built by `make setup`; never pulled
    os.makedirs(config['out'], exist_ok=True)
    load_start = list(os.getloadavg())
    bench = Bench(config, api)
    with tempfile.TemporaryDirectory(prefix='lnbench-') as workdir:
        every = build_variants(config, api, workdir, bench.label_filter)
        statuses = []
        for variant in every:
            reason = 'not selected (BENCH_VARIANTS)' if variant.key not in config['variants'] else variant.available()
            statuses.append(dict(key=variant.key, title=variant.title, status='skipped' if reason else 'ok', note=reason or ''))
        active = [variant for variant, status in zip(every, statuses) if status['status'] == 'ok']
        print('bench: prefix %s, N=%d, %d run(s), scale %s, variants %s' % (
            config['prefix'], config['n'], config['runs'], config['scale'] or 'off', ','.join(v.key for v in active)), flush=True)
        for status in statuses:
            if status['status'] != 'ok':
                print('bench: (%s) %s skipped: %s' % (status['key'], status['title'], status['note']), flush=True)
        probe_section = dict(n=config['probes'], parallel=probes.DEFAULT_PARALLEL, timeout=probes.TIMEOUT,
                             titles=probes.TITLES, status='ok', note='', samples={})
        if 'p' not in config['variants']:
            probe_section.update(status='skipped', note='not selected (BENCH_VARIANTS)')
        elif not config['probes']:
            probe_section.update(status='skipped', note='BENCH_PROBES=off')
        startup_section = dict(items=config['startup_items'], tasks=list(startup.TASKS), status='ok', note='',
                               samples=[])
        if 's' not in config['variants']:
            startup_section.update(status='skipped', note='not selected (BENCH_VARIANTS)')
        mitogen_runner = mitogen.MitogenBench(workdir)
        mitogen_section = dict(items=config['startup_items'], tasks=list(mitogen.TASKS), status='ok', note='', samples=[])
        if 'm' not in config['variants']:
            mitogen_section.update(status='skipped', note='not selected (BENCH_VARIANTS)')
        elif mitogen_runner.available():
            mitogen_section.update(status='skipped', note=mitogen_runner.available())
        lab_section = dict(scenarios=config['lab_scenarios'], targets=lab.TARGETS, status='ok', note='', samples=[])
        if 'l' not in config['variants']:
            lab_section.update(status='skipped', note='not selected (BENCH_VARIANTS)')
        try:
            if active:
                measure_all(config, bench, active)
            if probe_section['status'] == 'ok':
                measure_probes(config, api, workdir, probe_section)
            if startup_section['status'] == 'ok':
                measure_startup(config, api, workdir, startup_section)
            if mitogen_section['status'] == 'ok':
                measure_mitogen(config, mitogen_runner, mitogen_section)
            if lab_section['status'] == 'ok':
                measure_lab(config, workdir, lab_section)
        finally:
            try:
                bench.cleanup()
            except docker.errors.DockerException as exc:
                print('bench: cleanup failed, remove objects named %s* by hand: %s' % (config['prefix'], exc), file=sys.stderr)
    for status in statuses:
        if status['key'] in bench.failed:
            status['status'] = 'failed'
            status['note'] = '; '.join(error for error in bench.errors if error.startswith('(%s)' % status['key']))
    results = assemble(config, api, statuses, bench)
    results['probes'] = report.probe_summary(probe_section)
    results['startup'] = report.startup_summary(startup_section)
    results['mitogen'] = report.mitogen_summary(mitogen_section)
    results['lab'] = report.lab_summary(lab_section)
    results['errors'] += (probe_section.get('errors', []) + startup_section.get('errors', [])
                          + mitogen_section.get('errors', []) + lab_section.get('errors', []))
    results['environment']['load_average_start'] = load_start
    with open(os.path.join(config['out'], 'results.json'), 'w') as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    text = report.markdown(results)
    with open(os.path.join(config['out'], 'results.md'), 'w') as handle:
        handle.write(text)
    print()
    print(text)
    print('bench: wrote %s and %s' % (os.path.join(config['out'], 'results.json'), os.path.join(config['out'], 'results.md')))
    return 1 if results['errors'] else 0


def measure_probes(config, api, workdir, section):
    """The probe rows: the same matrix four ways, BENCH_RUNS times each, interleaved."""
    runner = probes.ProbeBench(api, config['prefix'], {RUN_LABEL: config['prefix']}, IMAGE, workdir)
    print('bench: probes, %d of them (%d expected unreachable, %d s timeout), module default parallel=%d'
          % (config['probes'], config['probes'] // 2, probes.TIMEOUT, probes.DEFAULT_PARALLEL), flush=True)
    try:
        runner.setup()
        matrix = runner.matrix(config['probes'])
        for _run in range(config['runs']):
            for key in probes.KEYS:
                sample = runner.run(key, matrix)
                section['samples'].setdefault(key, []).append(sample)
                print('  (p) %-14s %7.3f s  (incl. start %.3f s)' % (key, sample['seconds'], sample['wall']), flush=True)
    except (variants.BenchError, docker.errors.DockerException) as exc:
        section.update(status='failed', note=str(exc), errors=['(p) probes: %s' % exc])
        print('  (p) FAILED: %s' % exc, flush=True)


def measure_startup(config, api, workdir, section):
    """The start-up rows: BENCH_RUNS plays of no-change loops, ping first in each."""
    runner = startup.StartupBench(api, config['prefix'], {RUN_LABEL: config['prefix']}, workdir)
    print('bench: start-up, loops of %d no-change items' % config['startup_items'], flush=True)
    try:
        runner.setup()
        for _run in range(config['runs']):
            costs = runner.run(config['startup_items'])
            section['samples'].append(costs)
            print('  (s) ' + ', '.join('%s %.0f ms' % (name, cost) for name, cost in costs.items()), flush=True)
    except (variants.BenchError, docker.errors.DockerException) as exc:
        section.update(status='failed', note=str(exc), errors=['(s) start-up: %s' % exc])
        print('  (s) FAILED: %s' % exc, flush=True)


def measure_mitogen(config, runner, section):
    """The Mitogen rows: BENCH_RUNS playbook runs of the linear ping loop and the Mitogen loops."""
    print('bench: Mitogen, loops of %d no-change items against a linear ping loop' % config['startup_items'], flush=True)
    try:
        for _run in range(config['runs']):
            seconds = runner.run(config['startup_items'])
            section['samples'].append(seconds)
            print('  (m) ' + ', '.join('%s %.2f s' % (name, value) for name, value in seconds.items()), flush=True)
    except variants.BenchError as exc:
        section.update(status='failed', note=str(exc), errors=['(m) Mitogen: %s' % exc])
        print('  (m) FAILED: %s' % exc, flush=True)


def measure_lab(config, workdir, section):
    """The lab rows: BENCH_RUNS times build, re-run, teardown, then the floor."""
    runner = lab.LabBench(config['prefix'], workdir, config['lab_scenarios'])
    section['judged'] = runner.judged()
    print('bench: the lab (%s), build and re-run' % ', '.join(config['lab_scenarios']), flush=True)
    try:
        for _run in range(config['runs']):
            sample = runner.run()
            section['samples'].append(sample)
            print('  (l) build %.1f s, re-run %.1f s (%d tasks), floor %.1f s'
                  % (sample['build'], sample['rerun'], sample['tasks'], sample['floor']), flush=True)
    except variants.BenchError as exc:
        section.update(status='failed', note=str(exc), errors=['(l) lab: %s' % exc])
        print('  (l) FAILED: %s' % exc, flush=True)


def measure_all(config, bench, active):
    containers = bench.start_containers()
    for run in range(config['runs']):
        print('bench: run %d of %d' % (run + 1, config['runs']), flush=True)
        for variant in active:
            bench.measure(variant, workload(config, config['n'], containers), config['n'])
    # How (e) grows with N, next to the floor at the same sizes.
    scaled = [variant for variant in active if variant.key in ('a', 'e')]
    if not any(variant.key == 'e' for variant in scaled):
        return
    for n in config['scale']:
        if n == config['n']:
            continue
        print('bench: scale N=%d' % n, flush=True)
        for run in range(config['runs']):
            for variant in scaled:
                bench.measure(variant, workload(config, n, containers), n)


def assemble(config, api, statuses, bench):
    keys = [status['key'] for status in statuses]
    rows = report.summarise(bench.samples, config['n'], keys)
    scale = dict(sizes=config['scale'], rows=[], note='')
    if not config['scale']:
        scale['note'] = 'Scaling not measured (BENCH_SCALE=off).'
    elif not any(status['key'] == 'e' and status['status'] == 'ok' for status in statuses):
        scale['note'] = 'Scaling not measured: (e) labnet.docker.topology is not available.'
    else:
        scale['rows'] = report.scale_rows(bench.samples, sorted(set(config['scale'] + [config['n']])), ['a', 'e'])
    public = dict((key, value) for key, value in config.items() if key != 'subnets')
    return dict(config=public, environment=environment_facts(api), variants=statuses, rows=rows, scale=scale,
                targets=report.targets(rows, config['n']), errors=bench.errors)


if __name__ == '__main__':
    sys.exit(main())
