"""docker_host: ssh://user@host — every module against a lab machine's engine reached over SSH only.

The lab machine is a one-machine classroom (scripts/classroom.sh up: sshd, a key pair, its host key
read through the engine into known_hosts); nothing of its engine is published. Each test gives the
modules a home directory of its own with the docker CLI's conventions: ~/.ssh/config naming the key
(IdentityFile) and ~/.ssh/known_hosts holding the pinned host key.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import docker
import pytest
import yaml

from ansible_collections.labnet.docker.tests.integration.harness import ROOT, play, task

IMAGE = 'labnet/busybox:latest'


def _classroom(action, env):
    proc = subprocess.run(['bash', os.path.join(ROOT, 'scripts', 'classroom.sh'), action], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


@pytest.fixture(scope='module')
def ssh_machine(tmp_path_factory):
    """(address, private key path, known_hosts line, lab-machine container) of a machine with sshd."""
    run = uuid.uuid4().hex[:8]
    directory = str(tmp_path_factory.mktemp('classroom'))
    env = dict(os.environ, CLASSROOM_ID='crssh%s' % run, CLASSROOM_DIR=os.path.join(directory, 'c'), CLASSROOM_SIZE='1')
    _classroom('up', env)
    try:
        with open(os.path.join(env['CLASSROOM_DIR'], 'inventory.yml')) as handle:
            address = yaml.safe_load(handle)['lab_machines']['hosts']['m1']['ansible_host']
        with open(os.path.join(env['CLASSROOM_DIR'], 'known_hosts')) as handle:
            known = handle.read()
        # The key pair goes with the classroom: keep a copy for the tests.
        key = os.path.join(directory, 'id_ed25519')
        shutil.copy(os.path.join(env['CLASSROOM_DIR'], 'id_ed25519'), key)
        host = docker.from_env()
        machine = host.containers.list(filters={'label': 'labnet.classroom=%s' % env['CLASSROOM_ID']})[0]
        # The lab image, into the machine's engine over the same SSH transport the modules use.
        home = make_home(tmp_path_factory.mktemp('home'), address, key, known)
        old_home = os.environ.get('HOME')
        os.environ['HOME'] = home
        try:
            remote = docker.APIClient(base_url='ssh://root@%s' % address, version='auto', timeout=120)
            remote.load_image(b''.join(host.images.get(IMAGE).save(named=IMAGE)))
            remote.close()
        finally:
            os.environ['HOME'] = old_home
        yield address, key, known, machine
    finally:
        _classroom('down', env)


def make_home(path, address, key, known_hosts, identity=None):
    """A home directory with ~/.ssh/config (IdentityFile for the machine) and ~/.ssh/known_hosts."""
    ssh = os.path.join(str(path), '.ssh')
    os.makedirs(ssh, mode=0o700, exist_ok=True)
    with open(os.path.join(ssh, 'config'), 'w') as handle:
        handle.write('Host %s\n  IdentityFile %s\n  IdentitiesOnly yes\n' % (address, identity or key))
    with open(os.path.join(ssh, 'known_hosts'), 'w') as handle:
        handle.write(known_hosts)
    return str(path)


def ssh_env(home):
    # No agent: only the key ~/.ssh/config names may be offered.
    return {'HOME': home, 'SSH_AUTH_SOCK': '', 'DOCKER_HOST': ''}


def secret_body(key):
    with open(key) as handle:
        lines = [line for line in handle.read().splitlines() if line and not line.startswith('-----')]
    return lines


def assert_no_secret(result, key):
    text = repr(result)
    assert 'PRIVATE KEY' not in text
    for line in secret_body(key):
        assert line not in text


def test_every_module_over_ssh(ssh_machine, tmp_path):
    address, key, known, machine = ssh_machine
    home = make_home(tmp_path / 'home', address, key, known)
    url = 'ssh://root@%s' % address
    name = 'lnssh-%s' % uuid.uuid4().hex[:6]
    tasks = [
        task('network_info', docker_host=url, names=['bridge']),
        task('network', docker_host=url, name=name, ipam_config=[{'subnet': '10.233.7.0/24'}], lab='sshlab'),
        task('network', docker_host=url, name=name, ipam_config=[{'subnet': '10.233.7.0/24'}], lab='sshlab'),
        task('community.docker.docker_container', docker_host=url, name=name + '-c', image=IMAGE, pull='never',
             command=['sleep', '3600'], dns_servers=['127.0.0.1'], labels={'labnet.docker.lab': 'sshlab'}),
        task('network_attachment', docker_host=url, network=name, container=name + '-c', ipv4_address='10.233.7.10'),
        task('network_attachment', docker_host=url, network=name, container=name + '-c', ipv4_address='10.233.7.10'),
        task('network_probe', docker_host=url,
             probes=[{'from': name + '-c', 'to': '10.233.7.10', 'kind': 'ping'}]),
        task('topology', docker_host=url, lab='sshlab',
             networks=[{'name': name + '-t', 'ipam_config': [{'subnet': '10.233.8.0/24'}]}],
             attachments=[{'network': name + '-t', 'container': name + '-c'}]),
        task('topology', docker_host=url, lab='sshlab',
             networks=[{'name': name + '-t', 'ipam_config': [{'subnet': '10.233.8.0/24'}]}],
             attachments=[{'network': name + '-t', 'container': name + '-c'}]),
        task('community.docker.docker_container', docker_host=url, name=name + '-c', state='absent', force_kill=True),
        task('network_prune', docker_host=url, managed_only=True, lab='sshlab'),
        task('network_info', docker_host=url, filters={'label': ['labnet.docker.lab=sshlab']}),
    ]
    results = play(tasks, env=ssh_env(home))
    failed = [(index, result.get('msg')) for index, result in enumerate(results) if result.get('failed')]
    assert failed == []
    info, created, again, _ctr, attached, attached_again, probed, topo, topo_again, _gone, pruned, left = results
    assert info['exists'] and info['networks'][0]['Name'] == 'bridge'
    assert created['changed'] and not again['changed']
    assert attached['changed'] and not attached_again['changed']
    assert probed['results'][0]['observed'] == 'reachable'
    assert topo['changed'] and not topo_again['changed']
    assert sorted(network['name'] for network in pruned['networks']) == sorted([name, name + '-t'])
    assert left['networks'] == []
    # The network really is on the lab machine's engine, which publishes nothing.
    assert machine.attrs['HostConfig']['PortBindings'] in (None, {})


def test_system_ssh_client(ssh_machine, tmp_path):
    """use_ssh_client: the system's ssh, which reads the real ~/.ssh of the user; a wrapper adds -F for the test."""
    address, key, known, _machine = ssh_machine
    home = make_home(tmp_path / 'home', address, key, known)
    config = tmp_path / 'ssh_config'
    config.write_text('Host %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s/.ssh/known_hosts\n'
                      '  StrictHostKeyChecking yes\n  BatchMode yes\n' % (address, key, home))
    wrapper = tmp_path / 'bin' / 'ssh'
    wrapper.parent.mkdir()
    wrapper.write_text('#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' % config)
    wrapper.chmod(0o755)
    env = dict(ssh_env(home), PATH='%s:%s' % (wrapper.parent, os.environ['PATH']))
    result = play([task('network_info', docker_host='ssh://root@%s' % address, use_ssh_client=True, names=['bridge'])],
                  env=env)[0]
    assert not result.get('failed'), result.get('msg')
    assert result['exists']


@pytest.mark.parametrize('case', ['other host key', 'unknown host', 'wrong login key'])
def test_ssh_refusals_fail_clearly(ssh_machine, tmp_path, case):
    address, key, known, _machine = ssh_machine
    identity = None
    if case == 'other host key':
        other = tmp_path / 'other_host_key'
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(other)], check=True)
        known = '%s %s\n' % (address, ' '.join(other.with_suffix('.pub').read_text().split()[:2]))
    elif case == 'unknown host':
        known = ''
    else:
        identity = str(tmp_path / 'stranger')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', identity], check=True)
    home = make_home(tmp_path / 'home', address, key, known, identity=identity)
    url = 'ssh://root@%s' % address
    results = play([task('network_info', docker_host=url, names=['bridge']),
                    task('network', docker_host=url, name='lnssh-refused', lab='sshlab')], env=ssh_env(home))
    expected = {
        'other host key': ['does not match', 'refused', 'known_hosts'],
        'unknown host': ['not found in known_hosts', 'never accepted'],
        'wrong login key': ['Authentication failed', 'IdentityFile'],
    }[case]
    for result in results:
        assert result.get('failed'), result
        message = result['msg']
        assert message.startswith('cannot reach the Docker daemon at %s over SSH: ' % url), message
        for words in expected:
            assert words in message, message
        assert 'Traceback' not in repr(result)
        assert_no_secret(result, key)
        if identity:
            assert_no_secret(result, identity)
