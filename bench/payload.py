"""Per module: the AnsiballZ payload Ansible ships and the time the collection's own code takes to import.

One playbook runs each of the collection's modules once on localhost, with arguments that change nothing
(NO_CHANGE below), and keeps the AnsiballZ files Ansible wrote (ANSIBLE_KEEP_REMOTE_FILES, into a temporary
remote_tmp). For each file it reports:

- its size, and the files of the collection's module_utils inside its zip (what the module ships);
- ``python -X importtime`` of the file as Ansible runs it (from the zip: compiled on every run), RUNS times:
  the median of the self time of every ``ansible_collections.labnet.docker`` import ("own"), of the Docker SDK
  with requests and urllib3 ("SDK"), and of ``ansible.module_utils`` ("ansible"), in milliseconds.

    .venv/bin/python bench/payload.py            # the table on stdout
    BENCH_PAYLOAD_RUNS=9 .venv/bin/python bench/payload.py
    .venv/bin/python bench/payload.py --json build/bench/payload.json

The issue's goal, at most OWN_TARGET_MS of the collection's own import time per run, is printed per module as
met or not. Nothing is created on the daemon: every run reads, or fails its validation before it writes.
"""

from __future__ import annotations

import argparse
import base64
import glob
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile

import yaml

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
BIN = os.path.dirname(sys.executable)
OWN = 'ansible_collections.labnet.docker'
OWN_TARGET_MS = 15.0
SDK_PREFIXES = ('docker', 'requests', 'urllib3', 'paramiko', 'cryptography', 'idna', 'certifi', 'charset_normalizer')

# A run of each module that changes nothing: a read, a check-mode prune of nothing, an empty topology and lab, and
# refusals after the connection (no such container) where the module needs objects to act on.
NO_CHANGE = (
    ('network', {'name': 'bridge'}),
    ('network_info', {'name': 'bridge'}),
    ('network_attachment', {'network': 'bridge', 'container': 'labnet-payload-no-such-container', 'state': 'absent'}),
    ('network_probe', {'probes': [{'from': 'labnet-payload-no-such-container', 'to': '127.0.0.1'}]}),
    ('network_prune', {'filters': {'label': ['labnet.bench.payload=none']}}),
    ('topology', {'lab': 'labnet-payload-none', 'networks': [], 'attachments': []}),
    ('lab', {'lab': 'labnet-payload-none', 'definition': {'name': 'labnet-payload-none', 'networks': [], 'containers': []}}),
)
CHECK_MODE = ('network_prune', 'lab')  # run in check mode as well: nothing is written even if the run wanted to


def ansible_env(remote_tmp):
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build', 'collections'),
               ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_REMOTE_TMP=remote_tmp, ANSIBLE_NOCOLOR='1',
               PATH=BIN + os.pathsep + env.get('PATH', ''))
    return env


def keep_payloads(workdir):
    """Run every module once; {module: (path of its AnsiballZ file, task result)}."""
    remote_tmp = os.path.join(workdir, 'remote')
    tasks = [{'name': module, 'labnet.docker.' + module: args, 'ignore_errors': True,
              'check_mode': module in CHECK_MODE} for module, args in NO_CHANGE]
    playbook = os.path.join(workdir, 'payload.yml')
    with open(playbook, 'w') as handle:
        yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], handle, sort_keys=False)
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
                          env=ansible_env(remote_tmp), cwd=workdir, capture_output=True, text=True, check=False)
    try:
        results = [task['hosts']['localhost'] for task in json.loads(proc.stdout)['plays'][0]['tasks']]
    except (ValueError, KeyError, IndexError):
        raise SystemExit('payload: the playbook did not run (rc=%d): %s' % (proc.returncode, proc.stderr[-2000:]))
    found = {}
    for (module, dummy), result in zip(NO_CHANGE, results):
        paths = glob.glob(os.path.join(remote_tmp, '*', 'AnsiballZ_%s.py' % module))
        if len(paths) != 1:
            raise SystemExit('payload: %d AnsiballZ files for %s under %s' % (len(paths), module, remote_tmp))
        found[module] = (paths[0], result)
    return found


def zip_members(path):
    """The file names inside an AnsiballZ file's zip."""
    with open(path) as handle:
        text = handle.read()
    # The zip is the one long base64 string literal (ZIPDATA = ... before ansible-core 2.19, an argument since).
    literals = re.findall(r"['\"]([A-Za-z0-9+/=]{1000,})['\"]", text)
    if not literals:
        raise SystemExit('payload: no zip data in %s' % path)
    data = max(literals, key=len)
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data))) as archive:
        return [(info.filename, info.file_size) for info in archive.infolist()]


def import_times(path):
    """{'own', 'sdk', 'ansible', 'total'}: milliseconds of self time per group in one -X importtime run of ``path``."""
    proc = subprocess.run([sys.executable, '-X', 'importtime', path], capture_output=True, text=True, check=False,
                          cwd=os.path.dirname(path))
    sums = dict(own=0, sdk=0, ansible=0, total=0)
    own_modules = set()
    for line in proc.stderr.splitlines():
        if not line.startswith('import time:') or 'self [us]' in line:
            continue
        try:
            self_us, dummy_cumulative, name = [part.strip() for part in line.split(':', 1)[1].split('|')]
            self_us = int(self_us)
        except ValueError:
            continue
        name = name.strip()
        sums['total'] += self_us
        if name.startswith(OWN):
            sums['own'] += self_us
            own_modules.add(name)
        elif name.split('.')[0] in SDK_PREFIXES:
            sums['sdk'] += self_us
        elif name.startswith('ansible.module_utils'):
            sums['ansible'] += self_us
    times = dict((key, value / 1000.0) for key, value in sums.items())
    times['own_modules'] = sorted(own_modules)
    return times


def measure(runs):
    rows = []
    with tempfile.TemporaryDirectory(prefix='lnpayload-') as workdir:
        for module, (path, result) in sorted(keep_payloads(workdir).items()):
            members = zip_members(path)
            utils = sorted(name for name, dummy in members if '/labnet/docker/plugins/module_utils/' in name)
            samples = [import_times(path) for dummy in range(runs)]
            median = dict((key, statistics.median(sample[key] for sample in samples))
                          for key in ('own', 'sdk', 'ansible', 'total'))
            # The least of the runs: on a shared machine, the closest to what the code costs without contention.
            fastest = dict((key, min(sample[key] for sample in samples)) for key in ('own', 'sdk', 'ansible', 'total'))
            outcome = 'failed: %s' % (result.get('msg') or '')[:60] if result.get('failed') else (
                'changed' if result.get('changed') else 'ok')
            rows.append(dict(module=module, payload_bytes=os.path.getsize(path),
                             zip_bytes=sum(size for dummy, size in members), module_utils=len(utils),
                             module_utils_files=[name.split('/plugins/module_utils/', 1)[1] for name in utils],
                             own_imported=len(samples[0]['own_modules']), import_ms=median, import_ms_min=fastest, runs=runs,
                             result=outcome, own_target_met=median['own'] <= OWN_TARGET_MS))
    return rows


def table(rows):
    lines = ['| module | AnsiballZ | module_utils shipped | own modules imported | own import ms (min) | SDK ms | '
             'ansible ms | all imports ms | own <= %.0f ms | no-change run |' % OWN_TARGET_MS,
             '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |']
    for row in rows:
        times = row['import_ms']
        lines.append('| %s | %.1f KB | %d | %d | %.1f (%.1f) | %.1f | %.1f | %.1f | %s | %s |' % (
            row['module'], row['payload_bytes'] / 1024.0, row['module_utils'], row['own_imported'], times['own'],
            row['import_ms_min']['own'],
            times['sdk'], times['ansible'], times['total'], 'met' if row['own_target_met'] else 'NOT met',
            row['result']))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', help='also write the rows to this file')
    args = parser.parse_args()
    runs = int(os.environ.get('BENCH_PAYLOAD_RUNS', '5'))
    rows = measure(max(1, runs))
    print('payload: medians (and the least) of %d python -X importtime runs per module (self time, ms); load average '
          '%s' % (runs, '/'.join('%.1f' % value for value in os.getloadavg())))
    print(table(rows))
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, 'w') as handle:
            json.dump(rows, handle, indent=2, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
