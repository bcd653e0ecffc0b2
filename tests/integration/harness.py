"""Run the collection's modules for real, through ansible-playbook, and read the results."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
BIN = os.path.dirname(sys.executable)


def ansible_env(**extra):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_STDOUT_CALLBACK='ansible.posix.json',
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_RETRY_FILES_ENABLED='false',
        ANSIBLE_HOST_KEY_CHECKING='false',
        ANSIBLE_NOCOLOR='1',
        PATH=BIN + os.pathsep + env.get('PATH', ''),
    )
    env.update(extra)
    return env


def task(module, check=False, diff=None, **args):
    """One task calling ``module`` (short name means labnet.docker.<name>) with ``args``."""
    name = module if '.' in module else 'labnet.docker.' + module
    entry = {name: args, 'ignore_errors': True}
    if check:
        entry['check_mode'] = True
    if diff is not None:
        entry['diff'] = diff
    return entry


def play(tasks, check=False, diff=False, extra_args=(), env=None, timeout=600):
    """Run ``tasks`` in one play on localhost; return one result dict per task, in order.

    Every task runs with ignore_errors, so a failing step is returned (with
    ``failed`` and ``msg``) instead of ending the play.
    """
    with tempfile.TemporaryDirectory(prefix='labnet-play-') as tmp:
        path = os.path.join(tmp, 'play.yml')
        with open(path, 'w') as handle:
            yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}], handle)
        inventory = os.path.join(tmp, 'hosts.ini')
        with open(inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local\n')
        cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory, path]
        if check:
            cmd.append('--check')
        if diff:
            cmd.append('--diff')
        cmd.extend(extra_args)
        proc = subprocess.run(cmd, env=ansible_env(**(env or {})), cwd=tmp, capture_output=True,
                              text=True, timeout=timeout, check=False)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('ansible-playbook did not print JSON (rc=%s)\nstdout:\n%s\nstderr:\n%s'
                             % (proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:]))
    results = [t['hosts']['localhost'] for t in report['plays'][0]['tasks']]
    assert len(results) == len(tasks), proc.stderr[-4000:]
    return results


def run_module(module, check=False, diff=False, **args):
    """A single task; returns its result."""
    return play([task(module, **args)], check=check, diff=diff)[0]


def free_subnet(client, within='10.208.0.0/12', new_prefix=20):
    """The first ``new_prefix`` block of ``within`` that no network on the daemon overlaps.

    For tests that need a whole range of their own: the daemon may hold networks of other
    work (or of a run that was killed) in any fixed range.
    """
    taken = []
    for network in client.networks.list():
        for pool in (network.attrs.get('IPAM') or {}).get('Config') or []:
            try:
                taken.append(ipaddress.ip_network(pool.get('Subnet') or '', strict=False))
            except ValueError:
                continue
    for block in ipaddress.ip_network(within).subnets(new_prefix=new_prefix):
        if not any(block.version == used.version and block.overlaps(used) for used in taken):
            return str(block)
    raise RuntimeError('no free /%d left in %s on this daemon' % (new_prefix, within))


def remove_prefixed(client, prefix):
    """Remove the containers and networks whose names start with ``prefix`` (and nothing else)."""
    for container in client.containers.list(all=True, filters={'name': prefix}):
        if container.name.startswith(prefix):
            container.remove(force=True)
    # Config-only networks last: the daemon refuses to remove one while a network uses it (config_from).
    networks = sorted(client.networks.list(filters={'name': prefix}), key=lambda net: bool(net.attrs.get('ConfigOnly')))
    for network in networks:
        if network.name.startswith(prefix):
            network.reload()
            for cid in (network.attrs.get('Containers') or {}):
                network.disconnect(cid, force=True)
            network.remove()


def taken_port():
    """A listening socket on a free host port (all addresses), for tests of a port that is already taken."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('0.0.0.0', 0))
    sock.listen(1)
    return sock, sock.getsockname()[1]
