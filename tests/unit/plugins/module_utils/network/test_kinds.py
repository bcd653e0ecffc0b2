"""Each kind of network option on its own: argument spec entry, normalise, read, body, planned row, dropped."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.kinds import (
    POOL_OPTIONS, Bool, Choice, Map, Pools, Text, pool_body, text_map, text_value)
from ansible_collections.labnet.docker.plugins.module_utils.network.options import BY_NAME, OPTIONS, Option
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import spec_from_params

POOL = {'subnet': '10.201.9.0/24', 'gateway': '10.201.9.1', 'ip_range': '10.201.9.128/25',
        'aux_addresses': {'router': '10.201.9.2'}}
V6_POOL = {'subnet': 'fd00:201:9::/64', 'gateway': None, 'ip_range': None, 'aux_addresses': None}


def test_every_row_names_a_kind_object():
    assert dict((option.name, repr(option.kind)) for option in OPTIONS) == {
        'driver': 'Text()', 'driver_options': 'Map()', 'ipam_driver': 'Text()', 'ipam_driver_options': 'Map()',
        'ipam_config': 'Pools()', 'enable_ipv6': 'Bool()', 'enable_ipv4': 'Bool()', 'internal': 'Bool()',
        'attachable': 'Bool()', 'ingress': 'Bool()', 'scope': 'Choice()', 'config_only': 'Bool()',
        'config_from': 'Text()', 'labels': 'Map()'}


@pytest.mark.parametrize('option, arg', [
    ('driver', dict(type='str')),
    ('scope', dict(type='str', choices=['local', 'global', 'swarm'])),
    ('internal', dict(type='bool')),
    ('labels', dict(type='dict')),
    ('ipam_config', dict(type='list', elements='dict', options=POOL_OPTIONS)),
])
def test_argument_spec_entry(option, arg):
    row = BY_NAME[option]
    assert row.kind.arg(row) == arg


def test_scalars_are_parsed_before_collections():
    assert [type(kind).__name__ for kind in (Text(), Choice(), Bool(), Map(), Pools()) if kind.scalar] == [
        'Text', 'Choice', 'Bool']


@pytest.mark.parametrize('option, value, values, expected', [
    ('config_from', '  cfg ', {}, 'cfg'),
    ('config_from', '', {}, None),
    ('config_from', '   ', {}, None),
    ('config_from', None, {}, None),
    ('ipam_driver', 7, {}, '7'),
    ('scope', 'swarm', {}, 'swarm'),
    ('internal', True, {}, True),
    ('internal', False, {}, False),
    ('internal', None, {}, None),
    ('labels', {'a': 1, 'b': True, 'c': 'x', 2: 1.5}, {}, {'a': '1', 'b': 'true', 'c': 'x', '2': '1.5'}),
    ('labels', {}, {}, {}),
    ('labels', None, {}, None),
    ('ipam_config', [POOL], {'enable_ipv6': None}, [POOL]),
    ('ipam_config', [{'subnet': 'FD00:201:9::/64'}], {'enable_ipv6': True}, [V6_POOL]),
    ('ipam_config', [], {}, None),
    ('ipam_config', None, {}, None),
])
def test_normalise(option, value, values, expected):
    row = BY_NAME[option]
    assert row.kind.normalise(row, value, values) == expected


@pytest.mark.parametrize('option, value, values, message', [
    ('internal', 'yes', {}, "internal must be a boolean, got 'yes'"),
    ('attachable', 1, {}, 'attachable must be a boolean, got 1'),
    ('labels', 'a=b', {}, "labels must be a dict, got 'a=b'"),
    ('ipam_driver_options', {'k': None}, {}, 'ipam_driver_options.k: None is not a text, number or boolean; '
                                             'the daemon keeps only text'),
    ('labels', {'k': ['v']}, {}, r"labels.k: \['v'\] is not a text"),
    ('ipam_config', [{'subnet': 'fd00:201:9::/64'}], {'enable_ipv6': None},
     r'ipam_config\[0\].subnet fd00:201:9::/64 is IPv6, which needs enable_ipv6: true'),
    ('ipam_config', 'x', {}, 'ipam_config must be a list of pools'),
])
def test_normalise_refuses(option, value, values, message):
    row = BY_NAME[option]
    with pytest.raises(LabnetDockerError, match=message):
        row.kind.normalise(row, value, values)


@pytest.mark.parametrize('option, value, expected', [
    ('driver', 'macvlan', 'macvlan'),
    ('driver', None, None),
    ('ipam_driver', None, 'default'),
    ('ipam_driver', '', 'default'),
    ('config_from', '', None),
    ('scope', 'local', 'local'),
    ('enable_ipv6', None, False),
    ('enable_ipv4', None, True),  # an engine before API 1.47 does not report it: it has IPv4
    ('enable_ipv4', False, False),
    ('internal', 0, False),
    ('labels', None, {}),
    ('labels', {'a': 'b'}, {'a': 'b'}),
    ('ipam_config', None, []),
    ('ipam_config', [{'Subnet': ''}, {'Subnet': 'fd00:201:9:0::/64'},
                     {'Subnet': '10.201.9.0/24', 'Gateway': '10.201.9.1', 'IPRange': '10.201.9.128/25',
                      'AuxiliaryAddresses': {'router': '10.201.9.2'}}], [POOL, V6_POOL]),
])
def test_read_from_inspect(option, value, expected):
    row = BY_NAME[option]
    assert row.kind.read(row, value) == expected


def test_read_map_is_a_copy():
    row = BY_NAME['labels']
    value = {'a': 'b'}
    assert row.kind.read(row, value) is not value


@pytest.mark.parametrize('option, params, values', [
    ('driver', 'macvlan', {}),
    ('scope', 'global', {}),
    ('enable_ipv6', True, {}),
    ('internal', False, {}),
    ('driver_options', {'mtu': 1400, 'flag': False}, {}),
    ('ipam_config', [POOL, {'subnet': 'fd00:201:9::/64'}], {'enable_ipv6': True}),
])
def test_what_is_written_reads_back_the_same(option, params, values):
    # The comparison (the row's compare) sees the given value and the network's in one form.
    row = BY_NAME[option]
    parsed = row.kind.normalise(row, params, values)
    assert row.kind.read(row, row.kind.body(parsed)) == parsed


@pytest.mark.parametrize('option, value, expected', [
    ('driver', 'macvlan', 'macvlan'),
    ('internal', True, True),
    ('labels', {'a': 'b'}, {'a': 'b'}),
    ('ipam_config', [POOL, V6_POOL], [{'Subnet': '10.201.9.0/24', 'IPRange': '10.201.9.128/25',
                                       'Gateway': '10.201.9.1', 'AuxiliaryAddresses': {'router': '10.201.9.2'}},
                                      {'Subnet': 'fd00:201:9::/64'}]),
    ('ipam_config', [], []),
])
def test_create_body(option, value, expected):
    assert BY_NAME[option].kind.body(value) == expected


def test_body_copies_maps_the_managed_label_is_added_to():
    value = {'a': 'b'}
    assert BY_NAME['labels'].kind.body(value) is not value
    assert pool_body(dict(POOL, aux_addresses={}, gateway='')) == {'Subnet': '10.201.9.0/24',
                                                                   'IPRange': '10.201.9.128/25'}


@pytest.mark.parametrize('option, value, params, expected', [
    ('driver', None, {}, 'bridge'),
    ('driver', 'macvlan', {}, 'macvlan'),
    ('config_from', None, {}, ''),
    ('ipam_driver', 'default', {}, 'default'),
    ('scope', None, {'driver': 'overlay'}, 'swarm'),
    ('scope', None, {}, 'local'),
    ('scope', 'global', {'driver': 'overlay'}, 'global'),
    ('enable_ipv4', None, {}, True),
    ('enable_ipv6', None, {}, False),
    ('internal', True, {}, True),
    ('labels', None, {}, {}),
    ('labels', {'a': 'b'}, {}, {'a': 'b'}),
    ('ipam_config', None, {}, []),
    ('ipam_config', [{'Subnet': '10.201.9.0/24'}], {}, [{'Subnet': '10.201.9.0/24'}]),
])
def test_planned_row_value(option, value, params, expected):
    row = BY_NAME[option]
    spec = spec_from_params(dict(params, name='n'))
    assert row.kind.planned(row, value, spec) == expected


def test_planned_text_without_a_planned_value_stays_empty():
    row = Option('other', 'Other', Text())
    assert row.kind.planned(row, '', None) is None


@pytest.mark.parametrize('kind, value, expected', [
    (Map(), None, {}),
    (Map(), {'a': 'b'}, {'a': 'b'}),
    (Pools(), None, None),
    (Text(), None, None),
    (Bool(), None, None),
])
def test_dropped_with_its_owner(kind, value, expected):
    assert kind.dropped(value) == expected


@pytest.mark.parametrize('value, expected', [(' a ', 'a'), ('', None), (None, None), (0, '0'), (False, 'False')])
def test_text_value(value, expected):
    assert text_value(value) == expected


def test_text_map_names_the_option_it_refuses():
    with pytest.raises(LabnetDockerError, match=r"^lab_labels.k: \{\} is not a text"):
        text_map({'k': {}}, 'lab_labels')
