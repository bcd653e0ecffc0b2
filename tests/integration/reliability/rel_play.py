"""ansible-playbook runs whose raw output and exit code matter (the harness returns parsed results only)."""

from __future__ import annotations

import os
import subprocess
import tempfile

import yaml
from harness import BIN, ansible_env


def write_play(directory, tasks, name='play.yml', vars_=None):
    """Write one localhost play running ``tasks`` into ``directory``; returns its path."""
    play = {'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}
    if vars_:
        play['vars'] = vars_
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    with open(os.path.join(directory, 'hosts.ini'), 'w') as handle:
        handle.write('localhost ansible_connection=local\n')
    return path


def command(path, extra_args=()):
    directory = os.path.dirname(path)
    return [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(directory, 'hosts.ini'), path] + list(extra_args)


def run(tasks, env=None, extra_args=(), callback='ansible.builtin.default', timeout=300):
    """Run ``tasks`` in one play (tasks fail the play as usual); returns the CompletedProcess."""
    with tempfile.TemporaryDirectory(prefix='labnet-rel-') as tmp:
        path = write_play(tmp, tasks)
        environ = ansible_env(ANSIBLE_STDOUT_CALLBACK=callback, **(env or {}))
        return subprocess.run(command(path, extra_args), env=environ, cwd=tmp, capture_output=True, text=True,
                              timeout=timeout, check=False)
