"""The network option table: what is derived from it stays what the module has always published."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.client import unsupported
from ansible_collections.labnet.docker.plugins.module_utils.network.options import (
    BY_NAME, CONFIG_FROM_EXCLUDES, CONFIG_ONLY_EXCLUDES, NAMES, OPTIONS, read_value, write_value)
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import (
    NETWORK_ARGS, NetworkSpec, actual_from_inspect, create_body, planned_row, spec_from_params)

# labnet.docker.network's argument spec as it was written out by hand before the table (its public interface).
PUBLISHED_ARGS = dict(
    name=dict(type='str', required=True, aliases=['network_name']),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    driver=dict(type='str'),
    driver_options=dict(type='dict'),
    ipam_driver=dict(type='str'),
    ipam_driver_options=dict(type='dict'),
    ipam_config=dict(type='list', elements='dict', options=dict(
        subnet=dict(type='str', required=True),
        gateway=dict(type='str'),
        ip_range=dict(type='str', aliases=['iprange']),
        aux_addresses=dict(type='dict'),
    )),
    enable_ipv6=dict(type='bool'),
    enable_ipv4=dict(type='bool'),
    internal=dict(type='bool'),
    attachable=dict(type='bool'),
    ingress=dict(type='bool'),
    scope=dict(type='str', choices=['local', 'global', 'swarm']),
    labels=dict(type='dict'),
    labels_mode=dict(type='str', choices=['subset', 'exact'], default='subset'),
    lab=dict(type='str'),
    config_only=dict(type='bool'),
    config_from=dict(type='str'),
    recreate=dict(type='str', choices=['on_change', 'never', 'always'], default='on_change'),
    force=dict(type='bool', default=False),
)


def test_argument_spec_is_the_published_one():
    assert NETWORK_ARGS == PUBLISHED_ARGS


def test_rows_give_the_compared_fields_in_reporting_order_and_the_exclusions():
    assert NAMES == ('driver', 'driver_options', 'ipam_driver', 'ipam_driver_options', 'ipam_config', 'enable_ipv6',
                     'enable_ipv4', 'internal', 'attachable', 'ingress', 'scope', 'config_only', 'config_from', 'labels')
    assert CONFIG_FROM_EXCLUDES == ('driver_options', 'ipam_driver', 'ipam_driver_options', 'ipam_config',
                                    'enable_ipv6', 'enable_ipv4', 'labels')
    assert CONFIG_ONLY_EXCLUDES == ('driver', 'internal', 'attachable', 'ingress', 'scope', 'config_from')
    assert list(NetworkSpec.__dataclass_fields__) == ['name'] + list(NAMES) + ['labels_mode']


def test_minimum_api_versions():
    assert dict((option.name, (option.min_api, option.older_default)) for option in OPTIONS if option.min_api) == {
        'attachable': ('1.25', None), 'ingress': ('1.29', None), 'scope': ('1.30', None),
        'config_only': ('1.30', None), 'config_from': ('1.30', None), 'enable_ipv4': ('1.47', True)}


@pytest.mark.parametrize('version, expected', [
    ('1.24', [('attachable', '1.25'), ('enable_ipv4', '1.47')]),
    ((1, 46), [('enable_ipv4', '1.47')]),
    ('1.47', []),
])
def test_one_gate_for_every_table(version, expected):
    rows = [('attachable', True, '1.25', None), ('enable_ipv4', False, '1.47', True),
            ('enable_ipv4_restated', True, '1.47', True), ('left_out', None, '1.99', None), ('any', 'x', None, None)]
    assert unsupported(rows, version) == expected


def test_nested_api_keys():
    body = {}
    write_value(body, BY_NAME['ipam_config'], [])
    write_value(body, BY_NAME['ipam_driver'], 'default')
    write_value(body, BY_NAME['config_from'], 'cfg')
    assert body == {'IPAM': {'Config': [], 'Driver': 'default'}, 'ConfigFrom': {'Network': 'cfg'}}
    assert read_value(body, BY_NAME['config_from']) == 'cfg'
    assert read_value({'ConfigFrom': None}, BY_NAME['config_from']) is None


def test_an_engine_that_does_not_report_an_option_has_the_older_engines_value():
    actual = actual_from_inspect({'Name': 'n', 'Driver': 'bridge'})
    assert actual['enable_ipv4'] is True and actual['enable_ipv6'] is False
    assert actual['ipam_driver'] == 'default' and actual['config_from'] is None and actual['labels'] == {}


def test_body_and_planned_row_of_every_option():
    spec = spec_from_params(dict(
        name='n', driver='macvlan', driver_options={'parent': 'eth9'}, ipam_driver='default',
        ipam_driver_options={'a': 1}, ipam_config=[{'subnet': '10.201.7.0/24'}, {'subnet': 'fd00:201:7::/64'}],
        enable_ipv6=True, enable_ipv4=True, internal=True, attachable=True, ingress=False, scope='local',
        labels={'x': 'y'}))
    body = create_body(spec)
    assert body == {
        'Name': 'n', 'Driver': 'macvlan', 'Options': {'parent': 'eth9'},
        'IPAM': {'Driver': 'default', 'Options': {'a': '1'},
                 'Config': [{'Subnet': '10.201.7.0/24'}, {'Subnet': 'fd00:201:7::/64'}]},
        'EnableIPv6': True, 'EnableIPv4': True, 'Internal': True, 'Attachable': True, 'Ingress': False,
        'Scope': 'local', 'Labels': {'x': 'y', 'labnet.docker.managed': 'true'}}
    row = planned_row(spec)
    assert actual_from_inspect(row) == dict(actual_from_inspect(dict(body, ConfigOnly=False)), config_from=None)
    assert row['ConfigFrom'] == {'Network': ''} and row['Id'] == 'planned:n'
