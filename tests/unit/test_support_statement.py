"""What the collection claims about ansible-core matches what the version matrix tests.

The matrix (scripts/matrix.sh) runs one leg per requirements/matrix-<version>.txt, and the main
.venv (requirements/test.txt) is the current pin; meta/runtime.yml's requires_ansible and the
README's support statement must name the same versions.
"""

import glob
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _read(*parts):
    with open(os.path.join(ROOT, *parts)) as handle:
        return handle.read()


def _pin(text):
    return re.search(r'^ansible-core==(\d+\.\d+)\.\d+$', text, re.M).group(1)


def _key(version):
    return tuple(int(part) for part in version.split('.'))


def _tested():
    legs = {}
    for path in glob.glob(os.path.join(ROOT, 'requirements', 'matrix-*.txt')):
        name = os.path.basename(path)[len('matrix-'):-len('.txt')]
        with open(path) as handle:
            legs[name] = _pin(handle.read())
    return legs


def test_every_matrix_file_pins_its_own_version_and_runs_by_default():
    legs = _tested()
    assert legs and all(name == pin for name, pin in legs.items()), legs
    default = re.search(r'^VERSIONS=\$\{MATRIX_VERSIONS:-([^}]*)\}$', _read('scripts', 'matrix.sh'), re.M).group(1)
    assert sorted(default.split(), key=_key) == sorted(legs, key=_key)


def test_requires_ansible_is_the_oldest_tested_version():
    versions = set(_tested().values()) | {_pin(_read('requirements', 'test.txt'))}
    requires = yaml.safe_load(_read('meta', 'runtime.yml'))['requires_ansible']
    assert requires == '>=%s.0' % min(versions, key=_key)


def test_readme_names_every_tested_version():
    versions = sorted(set(_tested().values()) | {_pin(_read('requirements', 'test.txt'))}, key=_key)
    statement = re.search(r'^It needs ansible-core .*?(?=\n\n)', _read('README.md'), re.M | re.S).group(0)
    assert 'ansible-core %s or later' % versions[0] in statement
    for version in versions:
        assert re.search(r'\b%s\b' % re.escape(version), statement), (version, statement)
