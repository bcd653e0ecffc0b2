"""The collection builds into a tarball that installs and documents every module."""

import glob
import os
import subprocess

from ansible_collections.labnet.docker.tests.integration.harness import BIN, ROOT


def _run(cmd, cwd, collections_path=None):
    # Run outside the checkout with a clean Ansible environment, so neither the
    # repository's ansible.cfg nor build/collections can stand in for the install.
    env = {key: value for key, value in os.environ.items() if not key.startswith('ANSIBLE_')}
    if collections_path:
        env['ANSIBLE_COLLECTIONS_PATH'] = collections_path
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_build_install_and_document(tmp_path):
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', ROOT, '--output-path', str(tmp_path)],
         cwd=tmp_path)
    tarball = glob.glob(str(tmp_path / 'labnet-docker-*.tar.gz'))
    assert len(tarball) == 1
    target = tmp_path / 'collections'
    # community.docker is already installed with the `ansible` package, so the dependency resolves offline.
    _run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '--no-deps',
          '-p', str(target), tarball[0]], cwd=tmp_path, collections_path=str(target))
    installed = target / 'ansible_collections' / 'labnet' / 'docker'
    assert (installed / 'MANIFEST.json').is_file()
    assert not (installed / '.venv').exists() and not (installed / 'build').exists()
    modules = sorted(os.path.splitext(name)[0] for name in os.listdir(installed / 'plugins' / 'modules')
                     if name.endswith('.py') and not name.startswith('_'))
    assert 'network_info' in modules
    for module in modules:
        out = _run([os.path.join(BIN, 'ansible-doc'), '-t', 'module', 'labnet.docker.' + module],
                   cwd=tmp_path, collections_path=str(target))
        assert 'labnet.docker.' + module in out
