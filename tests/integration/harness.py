"""The integration tests' harness: run the collection for real through ansible-playbook and read the results.

One runner (run_playbook_file, and playbook_command for tests that start the process themselves) with its
shapes: ``play`` (tasks -> one result per task), ``run_plays`` (whole plays), ``run_playbook`` (the
checkout's playbooks/, as `make lab` runs them), ``run_tasks`` and ``run_collect`` (the console output as a user
sees it). Also the run's identity (RUN_ID, RUN_LABEL: every object a test makes carries it, so the
leftovers of a killed run can be found with ``--filter label=labnet.test.run=<id>``), ``create_network``
(labelled) and ``remove_prefixed``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import uuid

import docker
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
COLLECTIONS = os.path.join(ROOT, 'build', 'collections')
BIN = os.path.dirname(sys.executable)
RUN_ID = uuid.uuid4().hex[:8]
RUN_LABEL = 'labnet.test.run'
IMAGE = os.environ.get('LABNET_BUSYBOX_IMAGE', 'labnet/busybox:latest')


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


# -- the playbook runner: every test that runs ansible-playbook goes through playbook_command and run_playbook_file.

def playbook_command(playbook, inventory=None, extra_args=()):
    """The ansible-playbook command line (for tests that start the process themselves, e.g. to signal it).

    ``inventory`` None: the hosts.ini that write_plays wrote beside ``playbook``; False: none given (the
    inventory of the ansible.cfg in force).
    """
    if inventory is None:
        inventory = os.path.join(os.path.dirname(playbook), 'hosts.ini')
    return [os.path.join(BIN, 'ansible-playbook')] + (['-i', inventory] if inventory else []) + [playbook] + list(extra_args)


class PlaybookRun:
    """What one ansible-playbook run gave: ``returncode``, ``stdout``, ``stderr``; ``report`` when it printed JSON."""

    def __init__(self, proc):
        self.returncode, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr

    @property
    def report(self):
        """The ansible.posix.json report; an AssertionError with the output when there is none."""
        try:
            return json.loads(self.stdout)
        except ValueError:
            raise AssertionError('ansible-playbook did not print JSON (rc=%s)\nstdout:\n%s\nstderr:\n%s'
                                 % (self.returncode, self.stdout[-4000:], self.stderr[-4000:]))

    def plays(self, host='localhost'):
        """Per play, the task results of ``host``, each with the task's ``name`` added."""
        return [[dict(name=t['task']['name'], **t['hosts'].get(host, {})) for t in play['tasks']]
                for play in self.report['plays']]


def run_playbook_file(playbook, inventory=None, extra_args=(), env=None, cwd=None, timeout=600, environ=None):
    """Run ``playbook`` on ``inventory`` (see playbook_command); returns its PlaybookRun.

    ``env`` is added to ansible_env(); ``environ`` replaces that environment whole.
    """
    environ = ansible_env(**(env or {})) if environ is None else environ
    proc = subprocess.run(playbook_command(playbook, inventory, extra_args), env=environ,
                          cwd=cwd or os.path.dirname(playbook), capture_output=True, text=True, timeout=timeout,
                          check=False)
    return PlaybookRun(proc)


def local_play(tasks, **keywords):
    """One play of ``tasks`` on localhost without facts; ``keywords`` are further play keywords."""
    play = {'hosts': 'localhost', 'gather_facts': False}
    play.update(keywords)
    play['tasks'] = list(tasks)
    return play


def write_plays(directory, plays, name='play.yml', inventory_lines=('localhost ansible_connection=local',)):
    """Write ``plays`` and a hosts.ini of ``inventory_lines`` into ``directory``; returns the playbook's path."""
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        yaml.safe_dump(list(plays), handle, sort_keys=False)
    with open(os.path.join(directory, 'hosts.ini'), 'w') as handle:
        handle.write('\n'.join(inventory_lines) + '\n')
    return path


def write_play(directory, tasks, name='play.yml', **keywords):
    """Write one localhost play of ``tasks`` (see local_play) into ``directory``; returns its path."""
    return write_plays(directory, [local_play(tasks, **keywords)], name=name)


def run_plays(plays, extra_args=(), env=None, timeout=900, inventory_lines=('localhost ansible_connection=local',),
              directory=None):
    """Run ``plays`` (play dicts) from ``directory`` (default: a temporary one).

    Returns (returncode, per play the task results of localhost each with its task ``name``, stderr).
    """
    with tempfile.TemporaryDirectory(prefix='labnet-play-') as tmp:
        path = write_plays(str(directory or tmp), plays, inventory_lines=inventory_lines)
        run = run_playbook_file(path, None, extra_args, env=env, timeout=timeout)
    return run.returncode, run.plays(), run.stderr


def run_playbook(name, directory, extra_vars, *extra_args, timeout=1200):
    """Run playbooks/<name>.yml on inventory/hosts.yml with the checkout's ansible.cfg, as `make lab` does.

    ``extra_vars`` go through a JSON file written in ``directory`` (a test's tmp_path).
    Returns (returncode, the JSON report, stderr).
    """
    handle, path = tempfile.mkstemp(prefix=name + '-vars-', suffix='.json', dir=str(directory))
    with os.fdopen(handle, 'w') as out:
        json.dump(extra_vars, out)
    run = run_playbook_file(os.path.join(ROOT, 'playbooks', name + '.yml'), os.path.join(ROOT, 'inventory', 'hosts.yml'),
                            ['-e', '@' + path] + list(extra_args), cwd=ROOT, timeout=timeout,
                            env={'ANSIBLE_CONFIG': os.path.join(ROOT, 'ansible.cfg')})
    return run.returncode, run.report, run.stderr


# How Python prints a warning (warnings.formatwarning): "path:line: SomethingWarning: message".
PYTHON_WARNING = re.compile(r'^\S+:\d+: \w*Warning: .*$', re.MULTILINE)


def python_warnings(output):
    """The Python warnings (lines as warnings.formatwarning writes them) in an ansible-playbook run's output."""
    return PYTHON_WARNING.findall(output or '')


def _run_play(tasks, extra_args=(), env=None, timeout=600, **keywords):
    with tempfile.TemporaryDirectory(prefix='labnet-play-') as tmp:
        path = write_play(tmp, tasks, **keywords)
        return run_playbook_file(path, None, extra_args, env=env, timeout=timeout)


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
    tasks = list(tasks)
    args = (['--check'] if check else []) + (['--diff'] if diff else []) + list(extra_args)
    run = _run_play(tasks, extra_args=args, env=env, timeout=timeout)
    results = [t['hosts']['localhost'] for t in run.report['plays'][0]['tasks']]
    assert len(results) == len(tasks), run.stderr[-4000:]
    return results


def run_module(module, check=False, diff=False, **args):
    """A single task; returns its result."""
    return play([task(module, **args)], check=check, diff=diff)[0]


def run_tasks(tasks, env=None, extra_args=(), callback='ansible.builtin.default', timeout=300, **keywords):
    """Run ``tasks`` in one play (tasks fail the play as usual) with the console output a user sees; returns the
    PlaybookRun (``report`` is only there with callback ansible.posix.json)."""
    return _run_play(tasks, extra_args=extra_args, timeout=timeout,
                     env=dict(env or {}, ANSIBLE_STDOUT_CALLBACK=callback), **keywords)


def run_collect(tasks, env=None, extra_args=(), timeout=300, **keywords):
    """Run ``tasks`` (each with ignore_errors) with the default callback and any verbosity.

    Returns (PlaybookRun, one result per task): the results are registered and written to a
    file by a last task, so the whole console output stays as a user would see it (for example
    with -vvv), and no callback plugin outside ansible-core is needed (the version matrix).
    """
    with tempfile.TemporaryDirectory(prefix='labnet-collect-') as tmp:
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
        result = run_playbook_file(path, None, extra_args, timeout=timeout,
                                   env=dict(env or {}, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default'))
        if not os.path.exists(dump):
            raise AssertionError('the play did not finish (rc=%s)\n%s\n%s'
                                 % (result.returncode, result.stdout[-4000:], result.stderr[-4000:]))
        with open(dump) as handle:
            return result, json.load(handle)


def create_network(client, name, *subnets, labels=None, **kwargs):
    """Create bridge network ``name`` with a pool per CIDR of ``subnets``, labelled with this run's RUN_LABEL.

    An IPv6 subnet turns enable_ipv6 on (unless given); ``ipam`` (instead of ``subnets``), ``driver``,
    ``internal``, ``options`` ... go to the SDK's networks.create.
    """
    labels = dict(labels or {}, **{RUN_LABEL: RUN_ID})
    if subnets:
        assert 'ipam' not in kwargs, 'give subnets or ipam, not both'
        kwargs['ipam'] = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=s) for s in subnets])
        kwargs.setdefault('enable_ipv6', any(ipaddress.ip_network(s, strict=False).version == 6 for s in subnets))
    kwargs.setdefault('driver', 'bridge')
    return client.networks.create(name, labels=labels, **kwargs)


def free_subnet(client, within='10.240.0.0/12', new_prefix=20):
    """A ``new_prefix`` block of ``within`` that no network on the daemon overlaps, picked at random.

    For tests that need a whole range of their own: the daemon may hold networks of other
    work (or of a run that was killed) in any fixed range. The default range is one no test
    uses for fixed subnets, and the pick is random, so tests running at the same time
    (`make test` runs them in parallel) do not take the same block.
    """
    taken = []
    for network in client.networks.list():
        for pool in (network.attrs.get('IPAM') or {}).get('Config') or []:
            try:
                taken.append(ipaddress.ip_network(pool.get('Subnet') or '', strict=False))
            except ValueError:
                continue
    free = [block for block in ipaddress.ip_network(within).subnets(new_prefix=new_prefix)
            if not any(block.version == used.version and block.overlaps(used) for used in taken)]
    if not free:
        raise RuntimeError('no free /%d left in %s on this daemon' % (new_prefix, within))
    return str(random.choice(free))


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


def free_ports(count, address='0.0.0.0'):
    """``count`` different host ports that nothing listens on now (each bound until all are found, so the
    kernel cannot hand the same one out twice)."""
    sockets = []
    try:
        for dummy in range(count):
            sock = socket.socket()
            sockets.append(sock)
            sock.bind((address, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def taken_port():
    """A listening socket on a free host port (all addresses), for tests of a port that is already taken."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('0.0.0.0', 0))
    sock.listen(1)
    return sock, sock.getsockname()[1]
