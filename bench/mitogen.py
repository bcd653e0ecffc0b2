"""The bench's Mitogen rows: a no-change module loop under Mitogen against a ping loop under the linear strategy.

One ansible-playbook run (bench/playbooks/mitogen.yml) per BENCH_RUNS on localhost: a play under the linear
strategy runs a BENCH_STARTUP_ITEMS-item ansible.builtin.ping loop (the baseline), and a play under Mitogen's
mitogen_linear runs the same ping loop, a no-change ``labnet.docker.network: {name: bridge}`` loop and a
``labnet.docker.network_info: {name: bridge}`` loop. Each loop's duration is its task's own duration from the
JSON callback; the ratio to the linear ping loop is taken in each run, then the median. The issue's target: the
Mitogen network loop at most 1.0 x the linear ping loop (report.MITOGEN_TARGET).
"""

from __future__ import annotations

import json
import os

import variants

BASE = 'ansible.builtin.ping (linear)'
TASKS = (BASE, 'ansible.builtin.ping (mitogen)', 'labnet.docker.network (mitogen)', 'labnet.docker.network_info (mitogen)')


def strategy_plugins():
    """The folder of Mitogen's strategy plugins, or None when Mitogen is not installed."""
    try:
        import ansible_mitogen  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return os.path.join(os.path.dirname(ansible_mitogen.__file__), 'plugins', 'strategy')


class MitogenBench:
    def __init__(self, workdir):
        self.workdir = workdir

    def available(self):
        """None when the rows can run, else why not."""
        return None if strategy_plugins() else 'mitogen is not installed (requirements/test.txt installs it)'

    def run(self, items):
        """One playbook run: {task: seconds of its loop}; raises BenchError when a task failed or changed something."""
        path = os.path.join(self.workdir, 'vars-mitogen.json')
        with open(path, 'w') as handle:
            json.dump(dict(bench_items=list(range(items))), handle)
        playbook = os.path.join(variants.PLAYBOOKS, 'mitogen.yml')
        dummy, report, proc = variants.run_playbook(playbook, ['-i', 'localhost,', '-c', 'local', '-e', '@' + path],
                                                    self.workdir, env=dict(ANSIBLE_STRATEGY_PLUGINS=strategy_plugins()))
        loops = [task for play in report.get('plays') or [] for task in play['tasks']
                 if task['task']['name'].startswith('Each item runs ')]
        if len(loops) != len(TASKS):
            raise variants.BenchError('mitogen.yml ran %d loops, not %d (rc=%d): %s' % (
                len(loops), len(TASKS), proc.returncode, (proc.stderr or proc.stdout).strip()[-2000:]))
        seconds = {}
        for name, task in zip(TASKS, loops):
            result = task['hosts'].get('localhost', {})
            runs = result.get('results') or [result]
            bad = [run for run in runs if run.get('failed') or run.get('changed')]
            if bad or len(runs) != items:
                raise variants.BenchError('Mitogen loop %s: %s' % (name, (bad or [result])[0].get('msg') or 'changed something'))
            duration = task['task']['duration']
            seconds[name] = variants._seconds(duration['start'], duration['end'])
        return seconds
