"""Each kind of endpoint setting on its own: argument spec entry, check, normalise, read, compared form, connect."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import (
    ENDPOINT_OPTIONS, EndpointOption, Integer, Names)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

ROW = dict((option.name, option) for option in ENDPOINT_OPTIONS)
CID = 'a1b2c3d4e5f6' + '0' * 52


def test_every_row_names_a_kind_object():
    assert [(option.name, repr(option.kind)) for option in ENDPOINT_OPTIONS] == [
        ('ipv4_address', 'IPAddress(4)'), ('ipv6_address', 'IPAddress(6)'), ('aliases', 'Names()'),
        ('links', 'Links()'), ('driver_options', 'TextMap()'), ('mac_address', 'MacAddress()'),
        ('gw_priority', 'Integer()')]


@pytest.mark.parametrize('field, arg', [
    ('ipv4_address', dict(type='str')),
    ('aliases', dict(type='list', elements='str')),
    ('links', dict(type='list', elements='str')),
    ('driver_options', dict(type='dict')),
    ('mac_address', dict(type='str')),
    ('gw_priority', dict(type='int')),
])
def test_argument_spec_entry(field, arg):
    assert ROW[field].kind.arg() == arg
    assert ROW[field].kind.arg() is not ROW[field].kind.arg()  # a fresh entry each time


@pytest.mark.parametrize('field, value', [
    ('ipv4_address', '10.201.1.5'), ('ipv4_address', None), ('ipv6_address', 'fd00::1'), ('links', ['db', 'db:sql']),
    ('links', None), ('aliases', ['a:b:c']), ('mac_address', 'x%y'), ('gw_priority', 5)])
def test_check_accepts(field, value):
    assert ROW[field].kind.check(ROW[field], value) is None


@pytest.mark.parametrize('field, value, message', [
    ('ipv4_address', '10.201.1.5%eth0', "ipv4_address '10.201.1.5%eth0' has a zone id"),
    ('ipv6_address', 'fe80::1%eth0', r"ipv6_address 'fe80::1%eth0' has a zone id \(%\.\.\.\); give the plain address"),
    ('links', ['db', 'a:b:c'], r"links: 'a:b:c' is not name or name:alias \(2 colons\)"),
    ('links', ['-db'], "links: '-db' is not name or name:alias of container names"),
])
def test_check_refuses_what_the_daemon_would_half_apply(field, value, message):
    with pytest.raises(LabnetDockerError, match=message):
        ROW[field].kind.check(ROW[field], value)


@pytest.mark.parametrize('field, value, expected', [
    ('ipv4_address', ' 10.201.1.5 ', '10.201.1.5'),
    ('ipv4_address', '', None),
    ('ipv6_address', 'FD00:0:0::0005', 'fd00::5'),
    ('aliases', ['web', 'db', 'web', 7], ['7', 'db', 'web']),
    ('aliases', [], []),
    ('links', ['db', '/db:/web/sql', 'db:db'], ['db:db', 'db:sql']),
    ('links', [], []),
    ('driver_options', {'mtu': 1400, 'on': True, 'x': 'y'}, {'mtu': '1400', 'on': 'true', 'x': 'y'}),
    ('driver_options', {}, {}),
    ('mac_address', '02-42-AC-11-00-02', '02:42:ac:11:00:02'),
    ('mac_address', '', None),
    ('gw_priority', 0, 0),
    ('gw_priority', '-5', -5),
])
def test_normalise(field, value, expected):
    assert ROW[field].kind.normalise(ROW[field], value) == expected


@pytest.mark.parametrize('field, value, message', [
    ('ipv4_address', 'fd00::1', 'ipv4_address fd00::1 is not an IPv4 address'),
    ('ipv6_address', '10.0.0.1', 'ipv6_address 10.0.0.1 is not an IPv6 address'),
    ('ipv4_address', 'ten', "ipv4_address 'ten' is not a valid IP address"),
    ('mac_address', '02:42:ac:11:00', "mac_address '02:42:ac:11:00' is not a MAC address like 02:42:ac:11:00:02"),
])
def test_normalise_refuses(field, value, message):
    with pytest.raises(LabnetDockerError, match=message):
        ROW[field].kind.normalise(ROW[field], value)


@pytest.mark.parametrize('field, value, expected', [
    ('ipv4_address', None, None),
    ('ipv4_address', '', None),
    ('ipv6_address', 'FD00::0009', 'fd00::9'),
    ('aliases', None, []),
    ('aliases', ['web', CID[:12], CID, 'db'], ['db', 'web']),
    ('links', None, []),
    ('links', ['/db:/web/sql'], ['db:sql']),
    ('driver_options', None, {}),
    ('driver_options', {'mtu': '1400'}, {'mtu': '1400'}),
    ('mac_address', None, None),
    ('mac_address', '', None),
    ('mac_address', '02:42:AC:12:00:02', '02:42:ac:12:00:02'),
    ('gw_priority', None, None),
    ('gw_priority', 0, 0),
])
def test_read_from_inspect(field, value, expected):
    assert ROW[field].kind.read(ROW[field], value, CID) == expected


def test_an_address_read_from_inspect_is_named_by_its_key():
    with pytest.raises(LabnetDockerError, match="IPv4Address 'bad' is not a valid IP address"):
        ROW['ipv4_address'].kind.read(ROW['ipv4_address'], 'bad', CID)


def test_names_read_without_a_container_id_keep_every_name():
    assert Names().read(ROW['aliases'], ['b', 'a', 'b'], None) == ['a', 'b']


@pytest.mark.parametrize('field, have, expected', [
    ('aliases', None, []),
    ('aliases', ['web', 'db', 'web'], ['db', 'web']),
    ('links', ['db:db'], ['db:db']),
    ('driver_options', None, {}),
    ('ipv4_address', None, None),
    ('mac_address', '02:42:ac:12:00:02', '02:42:ac:12:00:02'),
    ('gw_priority', 0, 0),
])
def test_compared_form(field, have, expected):
    assert ROW[field].kind.compared(have) == expected


@pytest.mark.parametrize('field, value', [
    ('ipv6_address', 'fd00::0009'), ('aliases', ['web', 'db']), ('links', ['web:db']), ('driver_options', {'a': 1}),
    ('mac_address', '02-42-AC-12-00-02'), ('gw_priority', 3)])
def test_what_is_given_compares_equal_to_what_is_read_back(field, value):
    kind = ROW[field].kind
    given = kind.normalise(ROW[field], value)
    assert kind.compared(kind.read(ROW[field], kind.connect(given), CID)) == given


@pytest.mark.parametrize('field, value, expected', [
    ('ipv4_address', '10.201.1.5', '10.201.1.5'),
    ('ipv4_address', None, None),
    ('aliases', ['a', 'b'], ['a', 'b']),
    ('aliases', [], None),
    ('links', [], None),
    ('driver_options', {'x': '1'}, {'x': '1'}),
    ('driver_options', {}, None),
    ('mac_address', '', None),
    ('gw_priority', 0, 0),
    ('gw_priority', None, None),
])
def test_connect_body_value(field, value, expected):
    assert ROW[field].kind.connect(value) == expected


def test_connect_copies_collections():
    aliases, options = ['a'], {'x': '1'}
    assert ROW['aliases'].kind.connect(aliases) is not aliases
    assert ROW['driver_options'].kind.connect(options) is not options


def test_a_new_row_of_an_existing_kind_needs_no_other_code():
    row = EndpointOption('priority', 'Nested.Priority', Integer())
    assert (row.path, row.kind.arg(), row.kind.normalise(row, '2'), row.kind.connect(0)) == (
        ('Nested', 'Priority'), dict(type='int'), 2, 0)
