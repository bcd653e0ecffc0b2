"""Each filter file is a thin wrapper: its FilterModule maps every documented filter to a module_utils function."""

import importlib
import pathlib

import pytest
from ansible.errors import AnsibleFilterError

FILTER_DIR = pathlib.Path(__file__).parents[4] / 'plugins' / 'filter'
FILES = sorted(path.stem for path in FILTER_DIR.glob('*.py'))


def _filters(stem):
    module = importlib.import_module('ansible_collections.labnet.docker.plugins.filter.' + stem)
    return module.FilterModule().filters()


def test_every_documented_filter_is_mapped_once():
    mapped = [name for stem in FILES for name in _filters(stem)]
    assert sorted(mapped) == sorted(path.stem for path in FILTER_DIR.glob('*.yml'))


@pytest.mark.parametrize('stem', FILES)
def test_filters_come_from_module_utils(stem):
    for name, function in _filters(stem).items():
        origin = getattr(function, '__wrapped__', function)
        assert origin.__module__.startswith('ansible_collections.labnet.docker.plugins.module_utils.'), name


@pytest.mark.parametrize('stem, name, args, message', [
    ('subnets', 'free_subnet', ('nope', []), "wanted subnet 'nope' is not a valid subnet"),
    ('labels', 'lab_labels', ('',), 'lab_labels needs the lab name'),
    ('checks', 'probe_checks', ({}, 's', 'x'), 'probe_checks: plan must be a list'),
    ('report', 'lab_report', ([{'host': 'h', 'checks': [{}]}], 'lab'), 'lacks one of the fields'),
    ('lab', 'lab_plan', ({'containers': 'x'}, 'unit', None), "containers: 'x' must be a list"),
])
def test_errors_arrive_as_filter_errors(stem, name, args, message):
    with pytest.raises(AnsibleFilterError, match=message):
        _filters(stem)[name](*args)
