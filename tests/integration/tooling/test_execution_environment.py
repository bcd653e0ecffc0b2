"""The execution environment definition: ansible-builder reads the collection's needs and writes a build context.

Building the image needs a registry for the base image, which this machine lacks; the build
context is as far as it can go here (see docs/execution-environment.md).
"""

import glob
import os
import shutil
import subprocess

import yaml

from ansible_collections.labnet.docker.tests.integration.harness import BIN, ROOT


def _run(cmd, cwd):
    env = {key: value for key, value in os.environ.items() if not key.startswith('ANSIBLE_')}
    env['PATH'] = BIN + os.pathsep + env.get('PATH', '')
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_builder_creates_a_context_with_the_collections_requirements(tmp_path):
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', ROOT, '--output-path', str(tmp_path)],
         cwd=tmp_path)
    tarball = glob.glob(str(tmp_path / 'labnet-docker-*.tar.gz'))[0]

    # What the image build's introspection step reads from the installed collection.
    installed = tmp_path / 'installed'
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps', '-p', str(installed),
          tarball], cwd=tmp_path)
    found = yaml.safe_load(_run([os.path.join(BIN, 'ansible-builder'), 'introspect', '--sanitize', str(installed)],
                                cwd=tmp_path))
    assert found['python'] == ['docker>=7.0.0  # from collection labnet.docker',
                               'paramiko>=2.4.3  # from collection labnet.docker']
    assert found['system'] == ['iputils-ping [platform:dpkg]  # from collection labnet.docker',
                               'iputils [platform:rpm]  # from collection labnet.docker']

    # The sample definition, next to the tarball as its comments say.
    shutil.copy(os.path.join(ROOT, 'ee', 'execution-environment.yml'), tmp_path)
    context = tmp_path / 'context'
    out = _run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', 'execution-environment.yml', '-c', str(context)],
               cwd=tmp_path)
    assert 'Complete!' in out
    containerfile = (context / 'Dockerfile').read_text()
    assert containerfile.startswith('ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"')
    assert 'introspect.py introspect' in containerfile
    assert (context / '_build' / 'collection' / os.path.basename(tarball)).is_file()
    requirements = yaml.safe_load((context / '_build' / 'requirements.yml').read_text())
    assert requirements == {'collections': [{'name': '/build/labnet-docker.tar.gz', 'type': 'file'}]}
