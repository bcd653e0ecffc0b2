"""The barrier the convergence tests share: N ansible-playbook processes run one play whose contended
tasks are each preceded by a barrier task. Every process says it is ready and waits for a go file;
the test freezes the daemon (SIGSTOP), gives the go, waits until every live process has connected
(the connections queue in the daemon's socket backlog) and thaws it, so the tasks read the same
state and write at the same moment.
"""

import os
import subprocess
import time

from ansible_collections.labnet.docker.tests.integration.harness import playbook_command


def barrier_task(directory, phase):
    """The task that says ``ready-<phase>-<n>`` and waits for the go on the FIFO ``go-<phase>`` in ``directory``.

    A pipe lookup runs in the ansible-playbook process: a shell, no module start. It blocks reading one
    byte from the FIFO (``dd`` reads exactly one; ``head -c`` would take more than its share), so the
    waiting processes use no CPU, and the go (:meth:`Processes.release` writes a byte for each) frees
    them all at once. The FIFO is made before ``ready`` is said, so it exists once everyone is ready.
    """
    ready, go = os.path.join(directory, 'ready-%d-{{ n }}' % phase), os.path.join(directory, 'go-%d' % phase)
    wait = '[ -p {go} ] || mkfifo {go} 2>/dev/null; touch {ready}; dd if={go} of=/dev/null bs=1 count=1 status=none'.format(
        go=go, ready=ready)
    return {'name': 'barrier %d' % phase,
            'ansible.builtin.set_fact': {'barrier_%d' % phase: "{{ lookup('ansible.builtin.pipe', %r) }}" % wait}}


def until(condition, timeout):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def remove_prefixed(client, prefix):
    """Remove the containers, then the networks, whose names start with ``prefix``."""
    for container in client.containers.list(all=True):
        if container.name.startswith(prefix):
            container.remove(force=True)
    for network in client.networks.list():
        if network.name.startswith(prefix):
            network.remove()


class Processes(object):
    """``len(envs)`` runs of the play at ``path`` (process n gets ``-e n=<n>`` and ``envs[n]``); a context manager
    that kills whatever is still running on the way out."""

    def __init__(self, tmp, path, envs):
        self.tmp = tmp
        self.procs = []
        self.gos = []  # the FIFOs of the gos given, open until the processes are done
        for number, env in enumerate(envs):
            out = open(os.path.join(tmp, 'out-%d.txt' % number), 'w+')
            self.procs.append((number, subprocess.Popen(playbook_command(path, None, ['-e', 'n=%d' % number]), env=env,
                                                        cwd=tmp, stdout=out, stderr=subprocess.STDOUT), out))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for dummy, proc, out in self.procs:
            if proc.poll() is None:
                proc.kill()
            out.close()
        for go in self.gos:
            os.close(go)

    def alive(self):
        return [number for number, proc, dummy in self.procs if proc.poll() is None]

    def reach(self, phase, timeout):
        """Whether every live process reached barrier ``phase`` in time; one that failed on the way is not waited
        for (its failure shows in its output)."""
        return until(lambda: all(os.path.exists(os.path.join(self.tmp, 'ready-%d-%d' % (phase, number)))
                                 for number in self.alive()), timeout)

    def release(self, engine, phase):
        """Give the go of ``phase`` with the daemon frozen; returns how many connections it held at the thaw."""
        engine.freeze()
        try:
            # Read and write: the open does not wait for a reader. The FIFO stays open until the processes are
            # done (__exit__), so one that opens it late, even after the thaw, still finds its byte; it is made
            # here too when no process got as far as making it.
            path = os.path.join(self.tmp, 'go-%d' % phase)
            try:
                os.mkfifo(path)
            except FileExistsError:
                pass
            self.gos.append(os.open(path, os.O_RDWR))
            os.write(self.gos[-1], b'.' * len(self.procs))
            # A safety net, not an expectation: thaw anyway if they do not all connect within 90 s.
            until(lambda: engine.pending_connections() >= len(self.alive()), timeout=90)
            return engine.pending_connections()
        finally:
            engine.thaw()

    def outputs(self, timeout):
        """[(process number, exit code, output)] once each has ended."""
        found = []
        for number, proc, out in self.procs:
            proc.wait(timeout=timeout)
            out.seek(0)
            found.append((number, proc.returncode, out.read()))
        return found
