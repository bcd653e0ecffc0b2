import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import (
    endpoint_config, endpoint_differences, endpoint_from_inspect, normalize_endpoint, normalize_ip,
    normalize_link, unsupported_endpoint_fields)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

CID = 'a1b2c3d4e5f6' + '0' * 52


@pytest.mark.parametrize('text, version, expected', [
    ('10.1.0.5', 4, '10.1.0.5'),
    ('fd00:0:0:0::0005', 6, 'fd00::5'),
    ('FD00::A', None, 'fd00::a'),
    ('', 4, None),
])
def test_normalize_ip(text, version, expected):
    assert normalize_ip(text, version) == expected


@pytest.mark.parametrize('text, version, message', [
    ('10.1.0.300', 4, "'10.1.0.300' is not a valid IP address"),
    ('fd00::1', 4, 'fd00::1 is not an IPv4 address'),
    ('10.0.0.1', 6, '10.0.0.1 is not an IPv6 address'),
])
def test_normalize_ip_rejects(text, version, message):
    with pytest.raises(LabnetDockerError, match=message):
        normalize_ip(text, version, 'address')


@pytest.mark.parametrize('link, expected', [('db', 'db:db'), ('db:sql', 'db:sql'), ('/db:/web/sql', 'db:sql')])
def test_normalize_link(link, expected):
    assert normalize_link(link) == expected


def test_inspect_drops_short_id_alias_and_dynamic_addresses():
    endpoint = {'Aliases': ['web', CID[:12]], 'IPAMConfig': None, 'IPAddress': '172.18.0.2',
                'Links': None, 'DriverOpts': None, 'MacAddress': '02:42:AC:12:00:02'}
    actual = endpoint_from_inspect(endpoint, CID)
    assert actual['aliases'] == ['web']
    assert actual['ipv4_address'] is None
    assert actual['assigned_ipv4_address'] == '172.18.0.2'
    assert actual['mac_address'] == '02:42:ac:12:00:02'


@pytest.mark.parametrize('desired, differs', [
    ({}, []),
    ({'aliases': ['web', 'www']}, ['aliases']),
    ({'aliases': ['web']}, []),
    ({'ipv4_address': '10.9.0.9'}, ['ipv4_address']),
    ({'ipv6_address': 'fd00::0009'}, []),
    ({'driver_options': {'com.example.mtu': 1400}}, ['driver_options']),
    ({'links': ['db']}, []),
])
def test_differences_only_for_asked_fields(desired, differs):
    actual = {'aliases': ['web'], 'ipv4_address': None, 'ipv6_address': 'fd00::9', 'links': ['db:db'],
              'driver_options': {}}
    assert [d[0] for d in endpoint_differences(normalize_endpoint(desired), actual)] == differs


def test_endpoint_config_round_trip():
    settings = normalize_endpoint({'ipv4_address': '10.9.0.9', 'aliases': ['b', 'a'], 'links': ['db'],
                                   'driver_options': {'x': True}})
    assert endpoint_config(settings) == {'IPAMConfig': {'IPv4Address': '10.9.0.9'}, 'Aliases': ['a', 'b'],
                                         'Links': ['db:db'], 'DriverOpts': {'x': 'true'}}


def test_unsupported_fields_by_api_version():
    settings = normalize_endpoint({'mac_address': '02:42:ac:11:00:09', 'gw_priority': 5})
    # mac_address is refused on every engine unless already in place (attachment.plan_attachment)
    assert unsupported_endpoint_fields(settings, (1, 41)) == [('gw_priority', '1.48')]
    assert unsupported_endpoint_fields(settings, (1, 48)) == []


@pytest.mark.parametrize('settings, message', [
    ({'links': ['other:x:y']}, "links: 'other:x:y' is not name or name:alias (2 colons)"),
    ({'links': ['bad name']}, "links: 'bad name' is not name or name:alias of container names"),
    ({'ipv6_address': 'fd00:202::13%eth0'}, "ipv6_address 'fd00:202::13%eth0' has a zone id (%...); give the plain address"),
])
def test_endpoint_settings_the_daemon_would_half_apply(settings, message):
    with pytest.raises(LabnetDockerError) as caught:
        normalize_endpoint(settings)
    assert caught.value.msg.startswith(message)


def test_links_accepted_as_docker_writes_them():
    assert normalize_endpoint({'links': ['db', 'web:www', '/cache']})['links'] == ['cache:cache', 'db:db', 'web:www']
