"""The bench's start-up rows: what one no-change module run costs next to ansible.builtin.ping.

One play (bench/playbooks/startup.yml) runs four loops on localhost, in rounds (up to four,
BENCH_STARTUP_ITEMS items per loop in all): ansible.builtin.ping, labnet.docker.network_info
and a no-change labnet.docker.network (name only) on a network of the bench's own, and
community.docker.docker_network_info for comparison. Each loop item is one module run,
so a loop's duration divided by its items is the cost of one run; the rows give it as a
ratio to ping's in the same play.
"""

from __future__ import annotations

import json
import os

import variants

TASKS = ('ansible.builtin.ping', 'labnet.docker.network_info', 'labnet.docker.network',
         'community.docker.docker_network_info')


def rounds_for(items):
    """Up to four rounds of at least five items each (one round for fewer than ten items)."""
    return max(1, min(4, items // 5))


class StartupBench:
    def __init__(self, api, prefix, labels, workdir):
        self.api = api
        self.network = '%s-s' % prefix
        self.labels = labels
        self.workdir = workdir

    def setup(self):
        self.api.create_network(self.network, internal=True, labels=self.labels)

    def run(self, items):
        """One play: {task name: ms per item}; raises BenchError when a task failed or changed something."""
        rounds = rounds_for(items)
        per_round = items // rounds
        path = os.path.join(self.workdir, 'vars-startup.json')
        with open(path, 'w') as handle:
            json.dump(dict(bench_items=list(range(per_round)), bench_rounds=rounds, bench_network=self.network), handle)
        playbook = os.path.join(variants.PLAYBOOKS, 'startup.yml')
        dummy, report, proc = variants.run_playbook(playbook, ['-i', 'localhost,', '-c', 'local', '-e', '@' + path],
                                                    self.workdir)
        try:
            play = report['plays'][0]
        except (KeyError, IndexError):
            raise variants.BenchError('startup.yml ran no play (rc=%d): %s'
                                      % (proc.returncode, (proc.stderr or proc.stdout).strip()[-2000:]))
        loops = [task for task in play['tasks'] if task['task']['name'].startswith('Each item runs ')]
        if len(loops) != len(TASKS) * rounds:
            raise variants.BenchError('startup.yml ran %d loops, not %d' % (len(loops), len(TASKS) * rounds))
        seconds = dict((name, 0.0) for name in TASKS)
        for index, task in enumerate(loops):
            name = TASKS[index % len(TASKS)]
            result = task['hosts'].get('localhost', {})
            runs = result.get('results') or [result]
            bad = [run for run in runs if run.get('failed') or run.get('changed')]
            if bad or len(runs) != per_round:
                raise variants.BenchError('start-up loop %s: %s' % (name, (bad or [result])[0].get('msg')
                                                                    or 'changed something'))
            duration = task['task']['duration']
            seconds[name] += variants._seconds(duration['start'], duration['end'])
        costs = dict((name, value * 1000.0 / (per_round * rounds)) for name, value in seconds.items())
        return costs
