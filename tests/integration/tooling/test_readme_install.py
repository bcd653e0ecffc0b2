"""The README's "Install the collection in your own project" steps, run as written in a new infra repository.

The steps are read from README.md itself, so the test and the README cannot drift apart: the first
sh block builds the tarball from a copy of this checkout, the ini block is infra's ansible.cfg, the
yaml blocks are requirements.yml, site.yml and .ansible-lint, the second sh block installs and
documents. The one change: site.yml's prefix becomes the test's, so teardown finds what it made.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import BIN, ROOT, run_playbook_file

pytestmark = pytest.mark.slow

LEFT_OUT = ('tests/', 'molecule/', 'scripts/', 'bench/', 'inventory/', 'requirements/', 'changelogs/fragments/', '.ci/',
            '.config/', 'Makefile', 'ansible.cfg', 'pytest.ini', '.ansible-lint', '.yamllint')


def readme_blocks():
    text = open(os.path.join(ROOT, 'README.md')).read()
    section = text.split('## Install the collection in your own project', 1)[1].split('\n## ', 1)[0]
    blocks = re.findall(r'^ *```(\w+)\n(.*?)^ *```', section, re.S | re.M)
    # the blocks are indented under numbered steps
    return [(kind, '\n'.join(line[3:] if line.startswith('   ') else line for line in body.splitlines()) + '\n')
            for kind, body in blocks]


def clean_env(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith('ANSIBLE_')}
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    env['ANSIBLE_HOME'] = str(tmp_path / 'ansible-home')  # no cache shared with other runs
    env['ANSIBLE_NOCOLOR'] = '1'
    return env


def sh(block, cwd, env):
    """Each command line of an sh block, comments dropped; returns the last one's output."""
    out = ''
    for line in block.splitlines():
        command = line.split('  #', 1)[0].strip()
        if not command or command.startswith('#'):
            continue
        proc = subprocess.run(['bash', '-c', command], cwd=str(cwd), env=env, capture_output=True, text=True,
                              timeout=600, check=False)
        assert proc.returncode == 0, (command, proc.stdout[-3000:], proc.stderr[-3000:])
        out = proc.stdout
    return out


def playbook(cwd, env, *args):
    """site.yml of the infra repository, with its own ansible.cfg and inventory and the user's environment ``env``."""
    run = run_playbook_file(os.path.join(str(cwd), 'site.yml'), False, args, cwd=str(cwd),
                            environ=dict(env, ANSIBLE_STDOUT_CALLBACK='ansible.posix.json'))
    assert run.returncode == 0, (args, run.stdout[-3000:], run.stderr[-3000:])
    return run.report['stats']['localhost']


def test_readme_install_steps_in_a_new_infra_repo(docker_client, prefix, tmp_path):
    blocks = readme_blocks()
    assert [kind for kind, _body in blocks] == ['sh', 'ini', 'yaml', 'sh', 'yaml', 'yaml'], blocks
    (build, cfg, requirements, install, site, lint) = [body for _kind, body in blocks]
    env = clean_env(tmp_path)

    # a checkout of this repository (its tracked files, as they are now) beside the infra repository
    checkout, infra = tmp_path / 'labnet.docker', tmp_path / 'infra'
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, files):
        if os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.dirname(str(checkout / name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), str(checkout / name))
    infra.mkdir()

    sh(build, checkout, env)
    tarball = infra / 'dist' / 'labnet-docker-0.1.0.tar.gz'
    size = tarball.stat().st_size
    print('collection tarball %s: %d bytes (%.0f KB)' % (tarball.name, size, size / 1024.0))
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
    assert [name for name in names if name.startswith(LEFT_OUT)] == []
    assert 'roles/default_bridge/tasks/main.yml' in names and 'plugins/modules/network.py' in names
    assert size < 300 * 1024  # code and docs only: build output, images or tests would blow this at once

    (infra / 'ansible.cfg').write_text(cfg)
    (infra / 'requirements.yml').write_text(requirements)
    (infra / '.ansible-lint').write_text(lint)
    assert 'default_bridge_prefix: infra\n' in site
    (infra / 'site.yml').write_text(site.replace('default_bridge_prefix: infra\n', 'default_bridge_prefix: %s\n' % prefix))

    out = sh(install, infra, env)
    assert 'labnet.docker.default_bridge' in out  # ansible-doc -t role, the last command
    assert (infra / 'collections' / 'ansible_collections' / 'labnet' / 'docker' / 'MANIFEST.json').is_file()

    # run the role: check mode first (nothing made), then for real, then again (no change), then remove it
    planned = playbook(infra, env, '--check')
    assert planned['changed'] > 0 and planned['failures'] == 0
    assert docker_client.containers.list(all=True, filters={'name': prefix}) == []
    assert playbook(infra, env)['changed'] > 0
    names = sorted(c.name for c in docker_client.containers.list(filters={'name': prefix}))
    assert names == [prefix + '-c1', prefix + '-c2']
    assert docker_client.containers.get(prefix + '-c1').labels['labnet.docker.lab'] != 'labnet'
    assert playbook(infra, env)['changed'] == 0
    assert playbook(infra, env, '--check')['changed'] == 0

    proc = subprocess.run([os.path.join(BIN, 'ansible-lint')], cwd=str(infra), env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert 'production' in proc.stderr + proc.stdout

    assert playbook(infra, env, '-e', 'default_bridge_state=absent')['changed'] > 0
    assert docker_client.containers.list(all=True, filters={'name': prefix}) == []
