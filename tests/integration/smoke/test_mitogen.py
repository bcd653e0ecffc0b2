"""The modules under Mitogen (strategy mitogen_linear), which keeps one Python warm on the target between tasks.

Two playbook runs under Mitogen: the smoke playbook (test_smoke.py, every module) with its own assertions, and a
topology run (converge, re-run, a reconnect through the journal, teardown) whose results must equal the same
play's under the linear strategy, which runs it first. A silent fallback to Ansible's own way of running modules
fails: with -vvv and Mitogen's debug log, every labnet.docker module must show up as a call into the warm
interpreter (``ansible_mitogen.target.run_module`` with its in-process runner), and Ansible's own local connection
must not show up at all.

Mitogen supports the ansible-core versions of the matrix (2.17, 2.19, 2.21: Mitogen 0.3.54's table of Ansible
releases); each of their requirements files installs it, so there it must be importable. On any other version the
test is skipped with the reason.
"""

import ipaddress
import os
import re

import pytest
from ansible.release import __version__ as ANSIBLE_CORE

from ansible_collections.labnet.docker.tests.integration.harness import free_subnet, run_collect, task
from ansible_collections.labnet.docker.tests.integration.smoke.test_smoke import check_smoke, smoke_tasks

SUPPORTED = ('2.17', '2.19', '2.21')
MODULES = ('network', 'network_info', 'network_attachment', 'network_probe', 'topology', 'network_prune')
# Ansible's own local connection at -vvv; Mitogen replaces it with its own.
LINEAR_LOCAL = '<localhost> ESTABLISH LOCAL CONNECTION'
# Subnets: 10.223.0.0/16, apart from test_smoke.py's 10.222.0.0/16, since pytest workers may run them at once.


def mitogen_env():
    """The environment that runs a playbook under Mitogen: its strategy plugins and mitogen_linear."""
    version = '.'.join(ANSIBLE_CORE.split('.')[:2])
    try:
        import ansible_mitogen  # pylint: disable=import-outside-toplevel
    except ImportError:
        if version in SUPPORTED:
            pytest.fail('mitogen is not installed, though ansible-core %s is one Mitogen supports: the requirements '
                        'file of this venv installs it' % ANSIBLE_CORE)
        pytest.skip('Mitogen does not support ansible-core %s' % ANSIBLE_CORE)
    strategies = os.path.join(os.path.dirname(ansible_mitogen.__file__), 'plugins', 'strategy')
    # MITOGEN_LOG_LEVEL=debug lets -vvv show Mitogen's calls (its log stays at WARNING otherwise).
    return dict(ANSIBLE_STRATEGY_PLUGINS=strategies, ANSIBLE_STRATEGY='mitogen_linear', MITOGEN_LOG_LEVEL='debug')


def mitogen_calls(output):
    """{module: number of its runs in Mitogen's warm interpreter} from a -vvv run's output."""
    calls = {}
    for found in re.finditer(r"Call took \d+ ms: ansible_mitogen\.target\.run_module\(kwargs=\{'runner_name': "
                             r"'NewStyleRunner', 'module': 'labnet\.docker\.(\w+)'", output):
        calls[found.group(1)] = calls.get(found.group(1), 0) + 1
    return calls


def assert_mitogen_ran(proc, expected):
    """Every task of ``expected`` ({module: runs}) ran in Mitogen's interpreter, none through Ansible's connection."""
    output = proc.stdout + proc.stderr
    assert LINEAR_LOCAL not in output, 'a task ran through Ansible\'s own local connection, not Mitogen\'s'
    assert mitogen_calls(output) == expected, (mitogen_calls(output), output[-3000:])


def test_smoke_playbook_under_mitogen(docker_client, prefix, make_container):
    env = mitogen_env()
    tasks, names = smoke_tasks(docker_client, prefix, make_container, within='10.223.0.0/17')
    proc, results = run_collect(tasks, env=env, extra_args=['-vvv'])
    check_smoke(proc, results, docker_client, names)
    expected = {}
    for entry in tasks:
        module = [key for key in entry if key.startswith('labnet.docker.')][0].split('.')[-1]
        expected[module] = expected.get(module, 0) + 1
    assert set(expected) == set(MODULES)
    assert_mitogen_ran(proc, expected)


def _topology_tasks(prefix, subnets):
    c1, c2 = prefix + '-c1', prefix + '-c2'
    front, back = prefix + '-front', prefix + '-back'
    address = str(next(ipaddress.ip_network(subnets[1]).hosts()) + 9)
    networks = [dict(name=front, ipam_config=[{'subnet': subnets[0]}]),
                dict(name=back, ipam_config=[{'subnet': subnets[1]}], internal=True)]
    attachments = [dict(network=front, containers=[c1, c2]), dict(network=back, container=c1, ipv4_address=address)]
    topology = dict(lab=prefix, networks=networks, attachments=attachments)
    # A new alias on the front endpoints: reconnects, journalled (written, then removed) by a task in the same
    # warm interpreter as the tasks before and after it.
    changed = dict(lab=prefix, networks=networks,
                   attachments=[dict(attachments[0], aliases=['www'])] + attachments[1:])
    return [task('topology', **topology), task('topology', **topology), task('topology', check=True, **changed),
            task('topology', **changed), task('topology', **changed), task('topology', state='absent', **changed),
            task('topology', state='absent', **changed)]


def _outcome(result):
    """A result without what differs between two runs of the same play: the IDs of the networks it made."""
    plan = [re.sub(r' \([0-9a-f]{12}\)', ' (ID)', line) for line in result.get('plan') or []]
    return dict(failed=bool(result.get('failed')), msg=result.get('msg'), changed=result.get('changed'),
                plan=plan, recovered=result.get('recovered'),
                networks=sorted((net['name'], net['action']) for net in result.get('networks') or []))


def test_topology_run_under_mitogen_matches_linear(docker_client, prefix, make_container):
    env = mitogen_env()
    make_container('c1')
    make_container('c2')
    block = ipaddress.ip_network(free_subnet(docker_client, within='10.223.128.0/17', new_prefix=23))
    tasks = _topology_tasks(prefix, [str(sub) for sub in block.subnets(new_prefix=24)])
    # run_collect for both: only ansible-core's own plugins, as the version matrix has (test_smoke.py).
    linear = [_outcome(result) for result in run_collect(tasks)[1]]
    proc, results = run_collect(tasks, env=env, extra_args=['-vvv'])
    under_mitogen = [_outcome(result) for result in results]
    assert under_mitogen == linear
    assert [step['changed'] for step in linear] == [True, False, True, True, False, True, False], linear
    assert not any(step['failed'] for step in linear), linear
    assert any(line.startswith('reconnect %s-c1 to %s-front' % (prefix, prefix)) for line in linear[3]['plan']), linear[3]
    assert_mitogen_ran(proc, {'topology': len(tasks)})
    assert docker_client.networks.list(names=[prefix + '-front', prefix + '-back']) == []
