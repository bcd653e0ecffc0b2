"""The endpoint option table: the derived argument spec and connect body stay what they were."""

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import (
    ENDPOINT_FIELD_MIN_API, ENDPOINT_FIELDS, endpoint_config, endpoint_from_inspect, normalize_endpoint)
from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import ATTACHMENT_ARGS


def test_argument_spec_is_the_published_one():
    assert ATTACHMENT_ARGS == dict(
        network=dict(type='str', required=True),
        container=dict(type='str'),
        containers=dict(type='list', elements='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        ipv4_address=dict(type='str'),
        ipv6_address=dict(type='str'),
        aliases=dict(type='list', elements='str'),
        links=dict(type='list', elements='str'),
        driver_options=dict(type='dict'),
        mac_address=dict(type='str'),
        gw_priority=dict(type='int'),
        reconnect=dict(type='bool', default=True),
        force=dict(type='bool', default=False),
    )
    assert ENDPOINT_FIELDS == ('ipv4_address', 'ipv6_address', 'aliases', 'links', 'driver_options', 'mac_address',
                               'gw_priority')
    assert ENDPOINT_FIELD_MIN_API == {'gw_priority': '1.48'}


def test_every_setting_round_trips_through_the_connect_body():
    settings = normalize_endpoint(dict(ipv4_address='10.201.1.5', ipv6_address='FD00:201:1::5', aliases=['b', 'a', 'a'],
                                       links=['db:data'], driver_options={'x': 1}, mac_address='02:42:AC:11:00:02',
                                       gw_priority=0))
    body = endpoint_config(settings)
    assert body == {'IPAMConfig': {'IPv4Address': '10.201.1.5', 'IPv6Address': 'fd00:201:1::5'},
                    'Aliases': ['a', 'b'], 'Links': ['db:data'], 'DriverOpts': {'x': '1'},
                    'MacAddress': '02:42:ac:11:00:02', 'GwPriority': 0}
    read = endpoint_from_inspect(dict(body, IPAddress='10.201.1.5'), 'f' * 64)
    assert dict((field, read[field]) for field in ENDPOINT_FIELDS) == settings
    assert read['assigned_ipv4_address'] == '10.201.1.5' and read['assigned_ipv6_address'] is None
    assert endpoint_config(normalize_endpoint(dict(ipv4_address='', mac_address='', aliases=[]))) == {}
