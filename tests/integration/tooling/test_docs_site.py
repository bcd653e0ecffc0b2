"""`make docs` (scripts/docs.sh) builds the HTML docs site offline with warnings as errors, with every page it promises."""

import os
import re
import subprocess

import yaml

from ansible_collections.labnet.docker.tests.integration.harness import ROOT

HTML = os.path.join(ROOT, 'build', 'docs', 'html')


def _names(folder, suffix):
    return sorted(name[:-len(suffix)] for name in os.listdir(os.path.join(ROOT, folder)) if name.endswith(suffix)
                  and not name.startswith('_'))


def _text(*parts):
    with open(os.path.join(HTML, *parts), encoding='utf-8') as handle:
        return ' '.join(re.sub(r'<[^>]+>', '', handle.read()).split())


def test_make_docs_builds_every_page():
    # The script `make docs` runs, without its `make setup` step: the suite's own run has done that.
    # LABNET_DOCS_NO_WRITE: the committed import picture is checked, never redrawn, by the suite.
    proc = subprocess.run(['bash', os.path.join(ROOT, 'scripts', 'docs.sh')], cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=600, env=dict(os.environ, LABNET_DOCS_NO_WRITE='1'))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert 'WARNING' not in proc.stdout + proc.stderr

    for module in _names('plugins/modules', '.py'):
        page = _text('collections', 'labnet', 'docker', module + '_module.html')
        assert 'labnet.docker.' + module in page
        assert 'docker_host' in page                                   # the shared connection options
    attachment = _text('collections', 'labnet', 'docker', 'network_attachment_module.html')
    assert 'exclusive' in attachment and 'cacert_path' in attachment

    for role in sorted(os.listdir(os.path.join(ROOT, 'roles'))):
        page = _text('collections', 'labnet', 'docker', role + '_role.html')
        assert 'labnet.docker.' + role in page
        with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')) as handle:
            options = yaml.safe_load(handle)['argument_specs']['main'].get('options') or {}
        for option in options:                                        # every variable of the argument spec
            assert option in page, (role, option)

    index = _text('index.html')
    for guide in ('Lab scenarios', 'Coming from community.docker', 'execution environment'):
        assert guide in index, guide
    for guide in _names('docs', '.md'):                              # every guide in docs/ is a page
        assert os.path.isfile(os.path.join(HTML, 'guides', guide + '.html')), guide
    assert 'docker network create' in _text('guides', 'scenarios.html')
    # the architecture guide's picture of the imports (scripts/layers.py dot), drawn by the same run
    with open(os.path.join(HTML, 'guides', 'architecture.html'), encoding='utf-8') as handle:
        assert 'src="../_images/architecture.svg"' in handle.read()
    assert os.path.isfile(os.path.join(HTML, '_images', 'architecture.svg'))
    assert 'appends' in _text('guides', 'migrating.html')
