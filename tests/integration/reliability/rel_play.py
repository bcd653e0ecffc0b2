"""ansible-playbook runs whose raw output and exit code matter (the harness returns parsed results only)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile

import yaml
from harness import BIN, ansible_env


def write_play(directory, tasks, name='play.yml', **keywords):
    """Write one localhost play running ``tasks`` (plus play ``keywords``) into ``directory``; returns its path."""
    play = {'hosts': 'localhost', 'gather_facts': False}
    play.update(keywords)
    play['tasks'] = list(tasks)
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    with open(os.path.join(directory, 'hosts.ini'), 'w') as handle:
        handle.write('localhost ansible_connection=local\n')
    return path


def command(path, extra_args=()):
    directory = os.path.dirname(path)
    return [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(directory, 'hosts.ini'), path] + list(extra_args)


def run(tasks, env=None, extra_args=(), callback='ansible.builtin.default', timeout=300, **keywords):
    """Run ``tasks`` in one play (tasks fail the play as usual); returns the CompletedProcess."""
    with tempfile.TemporaryDirectory(prefix='labnet-rel-') as tmp:
        path = write_play(tmp, tasks, **keywords)
        environ = ansible_env(ANSIBLE_STDOUT_CALLBACK=callback, **(env or {}))
        return subprocess.run(command(path, extra_args), env=environ, cwd=tmp, capture_output=True, text=True,
                              timeout=timeout, check=False)


def run_collect(tasks, env=None, extra_args=(), timeout=300, **keywords):
    """Run ``tasks`` (each with ignore_errors) with the default callback and any verbosity.

    Returns (CompletedProcess, one result per task): the results are registered
    and written to a file by a last task, so the whole console output stays as
    a user would see it (for example with -vvv).
    """
    with tempfile.TemporaryDirectory(prefix='labnet-rel-') as tmp:
        dump = os.path.join(tmp, 'results.json')
        steps = []
        for index, entry in enumerate(tasks):
            entry = dict(entry)
            entry.setdefault('ignore_errors', True)
            entry['register'] = 'rel_result_%d' % index
            steps.append(entry)
        names = ', '.join('rel_result_%d' % index for index in range(len(tasks)))
        steps.append({'name': 'dump results', 'ansible.builtin.copy': {
            'content': '{{ [%s] | to_json }}' % names, 'dest': dump, 'mode': '0600'}})
        path = write_play(tmp, steps, **keywords)
        environ = ansible_env(ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default', **(env or {}))
        proc = subprocess.run(command(path, extra_args), env=environ, cwd=tmp, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if not os.path.exists(dump):
            raise AssertionError('the play did not finish (rc=%s)\n%s\n%s'
                                 % (proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:]))
        with open(dump) as handle:
            return proc, json.load(handle)
