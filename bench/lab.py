"""The bench's lab rows: `make lab`'s playbook from nothing and re-run with nothing to change.

playbooks/lab.yml runs on this machine (inventory/hosts.yml, the checkout's ansible.cfg), as `make lab`
does, but as a lab of the bench's own (labnet_lab=<prefix>-lab: its own names and labels, free host
ports for the published ports and the host-network server, its report in the bench's work folder), so a
lab someone built with `make lab` is never touched. Each run: teardown (nothing there), **build** from
nothing, **re-run** (every check is run again for real; it must report changed=0 and pass), teardown.

The floor is Ansible's own cost for as many tasks as the re-run ran: a play of that many
ansible.builtin.ping tasks on the same host, timed the same way. The ratio says how much of the re-run
is the work of the lab's modules (container reads, probes) rather than the per-task cost every
playbook pays; the issue's targets (build <= 40 s, re-run <= 15 s, wall time of ansible-playbook) are
judged for the seven scenarios only.
"""

from __future__ import annotations

import json
import os
import socket

import variants

SCENARIOS = ('default_bridge', 'user_bridge', 'published_ports', 'host_network', 'container_network', 'no_network',
             'overlay')
TARGETS = {'build': 40.0, 'rerun': 15.0}  # issue 17: seconds on this machine, for the seven scenarios
PHASES = ('build', 'rerun', 'floor')


def scenarios_from_env(environ):
    text = (environ.get('BENCH_LAB_SCENARIOS') or ','.join(SCENARIOS)).strip()
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown or not names:
        raise ValueError('BENCH_LAB_SCENARIOS=%r: %s (choose from %s)'
                         % (text, 'unknown scenario %s' % ', '.join(unknown) if unknown else 'no scenario',
                            ', '.join(SCENARIOS)))
    return names


def _free_ports(count):
    """``count`` distinct free TCP ports: every socket stays bound until all are found."""
    sockets = []
    try:
        for dummy in range(count):
            sock = socket.socket()
            sock.bind(('127.0.0.1', 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


class LabBench:
    def __init__(self, prefix, workdir, scenarios):
        self.workdir = workdir
        self.scenarios = list(scenarios)
        port1, port2, hostnet = _free_ports(3)
        self.extra = {
            'labnet_lab': '%s-lab' % prefix,
            'labnet_scenarios': self.scenarios,
            'labnet_report_dir': os.path.join(workdir, 'lab-report'),
            'host_network_probe_port': hostnet,
            'published_ports_servers': [{'name': 'web1', 'host_port': port1}, {'name': 'web2', 'host_port': port2}],
        }
        self.vars_file = os.path.join(workdir, 'vars-lab.json')
        with open(self.vars_file, 'w') as handle:
            json.dump(self.extra, handle)

    def judged(self):
        return sorted(self.scenarios) == sorted(SCENARIOS)

    def _play(self, playbook):
        """Run ``playbook``; (wall seconds, the JSON callback's stats for the host, tasks run there)."""
        wall, report, proc = variants.run_playbook(
            playbook, ['-i', os.path.join(variants.ROOT, 'inventory', 'hosts.yml'), '-e', '@' + self.vars_file], variants.ROOT)
        stats = report.get('stats', {}).get('localhost', {})
        if proc.returncode != 0 or stats.get('failures') or stats.get('unreachable'):
            raise variants.BenchError('%s failed (rc=%d, stats %s): %s' % (
                os.path.basename(playbook), proc.returncode, stats, (proc.stderr or '').strip()[-2000:]))
        ran = sum(1 for play in report.get('plays', []) for task in play.get('tasks', [])
                  if 'localhost' in task.get('hosts', {}) and not task['hosts']['localhost'].get('skipped'))
        return wall, stats, ran

    def teardown(self):
        self._play(os.path.join(variants.ROOT, 'playbooks', 'teardown.yml'))

    def floor(self, tasks):
        """Wall seconds of a play of ``tasks`` ansible.builtin.ping tasks on the lab's host."""
        path = os.path.join(self.workdir, 'lab-floor.yml')
        play = [{'name': 'Floor: Ansible\'s own cost of %d tasks' % tasks, 'hosts': 'lab_machines', 'gather_facts': False,
                 'tasks': [{'name': 'ping %d' % index, 'ansible.builtin.ping': None} for index in range(tasks)]}]
        with open(path, 'w') as handle:
            json.dump(play, handle)
        return self._play(path)[0]

    def run(self):
        """One sample: {build, rerun, floor: seconds, tasks: tasks the re-run ran}; the lab is gone afterwards."""
        lab = os.path.join(variants.ROOT, 'playbooks', 'lab.yml')
        self.teardown()
        try:
            build, _stats, _ran = self._play(lab)
            rerun, stats, ran = self._play(lab)
            if stats.get('changed'):
                raise variants.BenchError('the lab re-run reported %d change(s); it should report none' % stats['changed'])
        finally:
            self.teardown()
        return dict(build=build, rerun=rerun, floor=self.floor(ran), tasks=ran)
