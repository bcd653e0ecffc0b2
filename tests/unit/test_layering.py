"""The layering rules of plugins/ hold (scripts/layers.py: the rule tables and the import reader).

scripts/ is no package, so the checker is loaded by its file path. The real tree is checked once;
fixture trees written to tmp_path show that each kind of wrong import is caught, with its file and
line, wherever and however it is written.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKER = os.path.join(ROOT, 'scripts', 'layers.py')
MU = 'ansible_collections.labnet.docker.plugins.module_utils'


def _load():
    spec = importlib.util.spec_from_file_location('labnet_layers', CHECKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


layers = _load()


def tree(tmp_path, files):
    """A collection checkout under tmp_path with these files (path -> text); returns its root."""
    for path, text in files.items():
        target = tmp_path.joinpath(*path.split('/'))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip('\n'))
    return str(tmp_path)


# A small tree that holds every rule: the fixtures below add one wrong file to it.
BASE = {
    'plugins/module_utils/common/errors.py': 'class LabnetDockerError(Exception):\n    pass\n',
    'plugins/module_utils/common/client.py': 'from %s.common.errors import LabnetDockerError\n' % MU,
    'plugins/module_utils/network/options.py': 'OPTIONS = ()\n',
    'plugins/module_utils/network/spec.py': 'from %s.network.options import OPTIONS\n' % MU,
    'plugins/module_utils/network/plan.py': 'from %s.network import spec\nfrom %s.common.errors import LabnetDockerError\n'
                                            % (MU, MU),
    'plugins/module_utils/network/read.py': 'from %s.network.plan import plan_network\n' % MU,
    'plugins/module_utils/network/apply.py': 'from . import plan, read\nfrom ..common import client\n',
    'plugins/module_utils/network/recovery.py': 'from %s.network import plan\n' % MU,
    'plugins/module_utils/attachment/apply.py': 'from %s.network import recovery\n' % MU,
    'plugins/module_utils/attachment/__init__.py': '',
    'plugins/modules/network.py': 'from %s.network.apply import ensure_network\n' % MU,
    'plugins/filter/lab.py': 'from %s.common.errors import LabnetDockerError\n' % MU,
    'plugins/doc_fragments/docker.py': 'class ModuleDocFragment:\n    DOCUMENTATION = ""\n',
}


def test_plugins_hold_the_layering_rules():
    problems = layers.check(ROOT)
    if problems:
        pytest.fail('%d imports or files break the layering rules of scripts/layers.py (docs/architecture.md):\n%s'
                    % (len(problems), '\n'.join(problems)), pytrace=False)


def test_the_tables_are_acyclic_and_complete():
    assert layers.check_table() == []
    assert set(layers.FAMILIES) == set(layers.LAYERS)
    cyclic = dict(layers.FAMILIES, common=('lab',))
    problems = layers.check_table(cyclic)
    assert len(problems) == 1 and 'FAMILIES is not acyclic: ' in problems[0] and 'common -> lab' in problems[0], problems
    assert problems[0].startswith('scripts/layers.py:')
    assert 'which is no family' in layers.check_table(dict(layers.FAMILIES, info=('common', 'nowhere')))[0]


def test_a_tree_that_holds_the_rules_has_no_violation(tmp_path):
    assert layers.check(tree(tmp_path, BASE)) == []


WRONG = [
    pytest.param(
        'plugins/module_utils/network/plan.py',
        '''
        from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NetworkSpec
        from ansible_collections.labnet.docker.plugins.module_utils.network.read import ApiReader
        ''',
        ('plugins/module_utils/network/plan.py:2: import cycle in network: network/plan.py:2 -> network/read.py:1 -> network/plan.py',
         'plugins/module_utils/network/plan.py:2: imports network/read.py (read), '
         'but a plan file may import only spec and plan files of network'),
        id='module level'),
    pytest.param(
        'plugins/module_utils/network/plan.py',
        '''
        def plan_network():
            # read lazily, to dodge the cycle
            from ansible_collections.labnet.docker.plugins.module_utils.network.apply import resolve_duplicates
            return resolve_duplicates
        ''',
        ('plugins/module_utils/network/apply.py:1: import cycle in network: network/apply.py:1 -> network/plan.py:3 -> network/apply.py',
         'plugins/module_utils/network/plan.py:3: imports network/apply.py (apply), '
         'but a plan file may import only spec and plan files of network'),
        id='inside a function'),
    pytest.param(
        'plugins/module_utils/network/spec.py',
        '''
        import importlib


        def endpoint_rules():
            return importlib.import_module('ansible_collections.labnet.docker.plugins.module_utils.attachment.apply')
        ''',
        'plugins/module_utils/network/spec.py:5: imports attachment/apply.py, but family network may import only network, common',
        id='importlib.import_module'),
    pytest.param(
        'plugins/module_utils/common/lookup.py',
        '''
        EP = __import__('ansible_collections.labnet.docker.plugins.module_utils.network.spec', fromlist=['x'])
        ''',
        'plugins/module_utils/common/lookup.py:1: imports network/spec.py, but family common may import only common',
        id='__import__'),
    pytest.param(
        'plugins/module_utils/network/read.py',
        '''
        from ..attachment import apply
        ''',
        'plugins/module_utils/network/read.py:1: imports attachment/apply.py, but family network may import only network, common',
        id='relative import of a module'),
    pytest.param(
        'plugins/module_utils/network/spec.py',
        '''
        """Doc."""
        from .plan import plan_network
        ''',
        ('plugins/module_utils/network/plan.py:1: import cycle in network: network/plan.py:1 -> network/spec.py:2 -> network/plan.py',
         'plugins/module_utils/network/spec.py:2: imports network/plan.py (plan), '
         'but a spec file may import only spec files of network'),
        id='relative import of a name'),
    pytest.param(
        'plugins/module_utils/network/read.py',
        '''
        import ansible_collections.labnet.docker.plugins.module_utils.network.apply as network_apply
        ''',
        ('plugins/module_utils/network/apply.py:1: import cycle in network: network/apply.py:1 -> network/read.py:1 -> network/apply.py',
         'plugins/module_utils/network/read.py:1: imports network/apply.py (apply), '
         'but a read file may import only spec and plan and read files of network'),
        id='import a.b as c'),
    pytest.param(
        'plugins/module_utils/network/plan.py',
        '''
        from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
        ''',
        ('plugins/module_utils/network/plan.py:1: import cycle in network: '
         'network/plan.py:1 -> network/recovery.py:1 -> network/plan.py',
         'plugins/module_utils/network/plan.py:1: imports network/recovery.py (apply), '
         'but a plan file may import only spec and plan files of network'),
        id='a module imported from its package'),
    pytest.param(
        'plugins/module_utils/attachment/plan.py',
        '''
        def plan_attachment():
            from ansible_collections.labnet.docker.plugins.module_utils.network import recovery
            return recovery
        ''',
        'plugins/module_utils/attachment/plan.py:2: imports network/recovery.py (apply), '
        'but a plan file may import only spec and plan files of any family',
        id='a planner importing another family\'s apply file'),
    pytest.param(
        'plugins/module_utils/network/options.py',
        '''
        OPTIONS = ()


        def rows():
            from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NETWORK_ARGS
            return NETWORK_ARGS
        ''',
        'plugins/module_utils/network/options.py:5: import cycle in network: '
        'network/options.py:5 -> network/spec.py:1 -> network/options.py',
        id='file cycle in a family, through a function'),
    pytest.param(
        'plugins/module_utils/common/errors.py',
        '''
        from ansible_collections.labnet.docker.plugins.module_utils.common.client import connect
        ''',
        'plugins/module_utils/common/client.py:1: import cycle in common: '
        'common/client.py:1 -> common/errors.py:1 -> common/client.py',
        id='file cycle in common'),
    pytest.param(
        'plugins/module_utils/network/shortcuts.py', 'X = 1\n',
        'plugins/module_utils/network/shortcuts.py:1: network/shortcuts.py has no layer in scripts/layers.py LAYERS',
        id='unknown file'),
    pytest.param(
        'plugins/module_utils/images/spec.py', 'X = 1\n',
        'plugins/module_utils/images/spec.py:1: images/spec.py: family images has no row in scripts/layers.py LAYERS '
        'and FAMILIES',
        id='unknown family'),
    pytest.param(
        'plugins/module_utils/helpers.py', 'X = 1\n',
        'plugins/module_utils/helpers.py:1: plugins/module_utils/helpers.py is in no family: '
        'module_utils files live in module_utils/<family>/',
        id='module_utils file in no family'),
    pytest.param(
        'plugins/lookup/networks.py', 'X = 1\n',
        'plugins/lookup/networks.py:1: plugins/lookup/networks.py is in no part of scripts/layers.py PARTS '
        '(plugins/modules, filter, doc_fragments, module_utils/<family>)',
        id='unknown part'),
    pytest.param(
        'plugins/modules/network_info.py',
        '''
        from ansible_collections.labnet.docker.plugins.filter.lab import FilterModule
        ''',
        'plugins/modules/network_info.py:1: imports plugins/filter/lab.py, but modules may import only plugins/module_utils',
        id='module imports a filter'),
    pytest.param(
        'plugins/filter/subnets.py',
        '''
        from ansible_collections.labnet.docker.plugins.modules.network import main
        ''',
        'plugins/filter/subnets.py:1: imports plugins/modules/network.py, but filter may import only plugins/module_utils',
        id='filter imports a module'),
    pytest.param(
        'plugins/doc_fragments/more.py',
        '''
        from ansible_collections.labnet.docker.plugins.module_utils.common import errors
        ''',
        'plugins/doc_fragments/more.py:1: imports plugins/module_utils/common/errors.py, '
        'but doc_fragments import nothing of the collection',
        id='doc fragment imports module_utils'),
    pytest.param(
        'plugins/module_utils/network/recovery.py',
        '''
        def ensure():
            from ansible_collections.labnet.docker.plugins.modules import network
            return network
        ''',
        'plugins/module_utils/network/recovery.py:2: imports plugins/modules/network.py, '
        'but module_utils may import only plugins/module_utils',
        id='module_utils imports a module'),
    pytest.param(
        'plugins/module_utils/network/read.py',
        '''
        from ansible_collections.labnet.docker.plugins.module_utils.attachment.endpoint import endpoint_from_inspect
        ''',
        'plugins/module_utils/network/read.py:1: imports '
        'ansible_collections.labnet.docker.plugins.module_utils.attachment.endpoint, which is no module under plugins/',
        id='a module that is not there'),
]


@pytest.mark.parametrize('path, text, expected', WRONG)
def test_each_wrong_import_is_named_with_its_file_and_line(tmp_path, path, text, expected):
    # An import up the layers against one down them is also a cycle: both are named.
    expected = list(expected) if isinstance(expected, tuple) else [expected]
    assert layers.check(tree(tmp_path, dict(BASE, **{path: text}))) == expected


def test_outside_imports_and_init_files_are_left_alone(tmp_path):
    root = tree(tmp_path, dict(BASE, **{
        'plugins/module_utils/network/__init__.py': 'from .apply import ensure_network\n',  # layers do not apply
        'plugins/module_utils/network/pools.py': '''
            import importlib
            import ipaddress
            from ansible.module_utils.basic import AnsibleModule
            from ansible_collections.community.docker.plugins.module_utils.common import x
            docker = importlib.import_module(NAME)
            ''',
    }))
    assert layers.check(root) == []


def test_imports_are_read_with_their_lines_and_targets(tmp_path):
    root = tree(tmp_path, BASE)
    found = {(item.path, item.line, item.target) for item in layers.read_imports(root)}
    assert ('plugins/module_utils/network/apply.py', 1, 'plugins/module_utils/network/plan.py') in found
    assert ('plugins/module_utils/network/apply.py', 1, 'plugins/module_utils/network/read.py') in found
    assert ('plugins/module_utils/network/apply.py', 2, 'plugins/module_utils/common/client.py') in found
    assert ('plugins/module_utils/attachment/apply.py', 1, 'plugins/module_utils/network/recovery.py') in found
    assert ('plugins/module_utils/network/plan.py', 2, 'plugins/module_utils/common/errors.py') in found


def test_the_command_prints_the_violations_and_fails(tmp_path):
    clean = tree(tmp_path / 'clean', BASE)
    proc = subprocess.run([sys.executable, CHECKER, 'check', clean], capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout) == (0, '')
    wrong = tree(tmp_path / 'wrong', dict(BASE, **{'plugins/module_utils/network/extra.py': ''}))
    proc = subprocess.run([sys.executable, CHECKER, 'check', wrong], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stdout == 'plugins/module_utils/network/extra.py:1: network/extra.py has no layer in scripts/layers.py LAYERS\n'


def test_the_picture_draws_families_layers_and_wrong_imports(tmp_path):
    root = tree(tmp_path, dict(BASE, **{'plugins/module_utils/network/plan.py': 'from . import read\n'}))
    text = layers.dot(root)
    assert text == layers.dot(root)
    assert 'subgraph "cluster_network" {' in text and 'subgraph "cluster_modules" {' in text
    assert '{ rank=same; "network/options"; "network/spec"; }' in text
    assert '  "network/plan" -> "network/read" [color="#cc0000", penwidth=1.5];' in text   # the wrong import, red
    assert '  "network/read" -> "network/plan" [color="#cc0000", penwidth=1.5];' in text   # and the cycle it makes
    assert '  "attachment bottom" -> "network top";' in text                                # one edge per pair of families
    assert '  "modules/network" -> "network top";' in text


def test_the_committed_picture_is_drawn_from_the_current_imports():
    with open(os.path.join(ROOT, 'docs', 'architecture.dot'), encoding='utf-8') as handle:
        committed = handle.read()
    if committed != layers.dot(ROOT):
        pytest.fail('docs/architecture.dot is not the picture of the current imports: run `make docs`, or '
                    '`python scripts/layers.py dot > docs/architecture.dot && dot -Tsvg docs/architecture.dot > '
                    'docs/architecture.svg`', pytrace=False)
