import pytest

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import network_problems
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import (
    NetworkSpec, actual_from_inspect, compare, create_body, merge_spec, planned_row, spec_from_actual,
    spec_from_params, spec_summary, unsupported_options)
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import family_problems, overlapping_network

MANAGED = {'labnet.docker.managed': 'true'}

INSPECT = {
    'Name': 'net', 'Id': 'a' * 64, 'Scope': 'local', 'Driver': 'bridge', 'EnableIPv6': True,
    'IPAM': {'Driver': 'default', 'Options': None,
             'Config': [{'Subnet': '10.201.1.0/24', 'Gateway': '10.201.1.1'}, {'Subnet': 'fd00:201:1::/64'}]},
    'Internal': False, 'Attachable': False, 'Ingress': False, 'ConfigFrom': {'Network': ''}, 'ConfigOnly': False,
    'Containers': {}, 'Options': {'com.docker.network.driver.mtu': '1400'},
    'Labels': {'owner': 'me', 'labnet.docker.managed': 'true'},
}
ACTUAL = actual_from_inspect(INSPECT)
MACVLAN = actual_from_inspect(dict(INSPECT, Driver='macvlan', EnableIPv6=False, Options={'parent': 'veth0'},
                                   IPAM={'Driver': 'default', 'Config': [{'Subnet': '10.201.2.0/24'}]}, Labels={}))
CONFIG_ONLY = actual_from_inspect(dict(INSPECT, Driver='null', ConfigOnly=True))


def spec(**params):
    return spec_from_params(dict(name='net', **params))


def test_actual_from_inspect():
    assert ACTUAL == dict(
        driver='bridge', driver_options={'com.docker.network.driver.mtu': '1400'}, ipam_driver='default',
        ipam_driver_options={},
        ipam_config=[{'subnet': '10.201.1.0/24', 'gateway': '10.201.1.1', 'ip_range': None, 'aux_addresses': None},
                     {'subnet': 'fd00:201:1::/64', 'gateway': None, 'ip_range': None, 'aux_addresses': None}],
        enable_ipv6=True, enable_ipv4=True, internal=False, attachable=False, ingress=False, scope='local',
        config_only=False, config_from=None, labels={'owner': 'me', 'labnet.docker.managed': 'true'})


@pytest.mark.parametrize('params, actual', [
    ({}, ACTUAL),
    ({}, MACVLAN),  # only the name: nothing compared, whatever the driver
    ({'driver': 'bridge', 'internal': False, 'enable_ipv6': True, 'scope': 'local'}, ACTUAL),
    ({'driver_options': {'com.docker.network.driver.mtu': 1400}}, ACTUAL),
    ({'driver_options': {}}, ACTUAL),
    ({'labels': {'owner': 'me'}}, ACTUAL),
    ({'labels': {'owner': 'me'}, 'labels_mode': 'exact'}, ACTUAL),
    ({'enable_ipv6': True, 'ipam_config': [{'subnet': 'FD00:201:1:0::/64'}, {'subnet': '10.201.1.0/24'}]}, ACTUAL),
    ({'ipam_config': [{'subnet': '10.201.1.0/24'}]}, ACTUAL),  # IPv6 pools left out: not compared
    ({'driver': 'macvlan', 'driver_options': {'parent': 'veth0'}}, MACVLAN),
    ({'driver': 'weave:latest'}, dict(ACTUAL, driver='weave')),
    ({'driver': 'bridge'}, CONFIG_ONLY),  # a config-only network records driver null
    ({'ipam_driver': 'default', 'ipam_driver_options': {}}, ACTUAL),
])
def test_no_difference(params, actual):
    assert compare(spec(**params), actual) == []


@pytest.mark.parametrize('params, expected', [
    ({'driver': 'macvlan'}, [('driver', 'bridge', 'macvlan')]),
    ({'internal': True, 'attachable': True}, [('internal', False, True), ('attachable', False, True)]),
    ({'driver_options': {'com.docker.network.driver.mtu': 1500, 'x': True}},
     [('driver_options', {'com.docker.network.driver.mtu': '1400'},
       {'com.docker.network.driver.mtu': '1500', 'x': 'true'})]),
    ({'labels': {'owner': 'you'}},
     [('labels', ACTUAL['labels'], {'owner': 'you', 'labnet.docker.managed': 'true'})]),
    ({'labels': {}, 'labels_mode': 'exact'}, [('labels', ACTUAL['labels'], MANAGED)]),
    ({'lab': 'class'}, [('labels', ACTUAL['labels'], dict(ACTUAL['labels'], **{'labnet.docker.lab': 'class'}))]),
    ({'enable_ipv6': False}, [('enable_ipv6', True, False)]),
    ({'ipam_config': [{'subnet': '10.201.2.0/24'}]},  # the IPv6 pool, a family left out, is kept
     [('ipam_config', ACTUAL['ipam_config'],
       [dict(ACTUAL['ipam_config'][0], subnet='10.201.2.0/24', gateway=None)] + ACTUAL['ipam_config'][1:])]),
    ({'ipam_driver_options': {'a': 1}}, [('ipam_driver_options', {}, {'a': '1'})]),
    ({'scope': 'swarm'}, [('scope', 'local', 'swarm')]),
    ({'config_only': True}, [('config_only', False, True)]),
    # an engine before API 1.47 reports no EnableIPv4: IPv4 is on there
    ({'enable_ipv4': True}, []),
])
def test_differences(params, expected):
    assert compare(spec(**params), ACTUAL) == expected


@pytest.mark.parametrize('params, message', [
    ({'name': ' '}, 'name must not be empty'),
    ({'name': ' net'}, "name ' net' has leading or trailing whitespace; the daemon would keep it, making a network "
                       "other than 'net'"),
    ({'name': 'a\tb'}, "name 'a\\tb' contains control characters"),
    ({'name': 'container:web'}, "name 'container:web' cannot be used by containers: network_mode container:<name> "
                                "means sharing a container's namespace"),
    ({'name': 'container'}, "name 'container' cannot be used by containers: network_mode container:<name> means "
                            "sharing a container's namespace"),
    ({'labels': ['a']}, "labels must be a dict, got ['a']"),
    ({'labels': {'labnet.docker.lab': 'a'}, 'lab': 'b'}, 'labels sets labnet.docker.lab=a but lab is b; give one of them'),
    ({'internal': 'yes'}, "internal must be a boolean, got 'yes'"),
    ({'ipam_config': [{'subnet': 'fd00::/64'}]}, 'ipam_config[0].subnet fd00::/64 is IPv6, which needs enable_ipv6: true'),
    ({'config_from': 'cfg', 'labels': {'a': 'b'}, 'ipam_config': [{'subnet': '10.201.1.0/24'}]},
     'ipam_config, labels cannot be set together with config_from: a network with config_from takes its '
     'configuration from cfg'),
    ({'config_from': 'cfg', 'lab': 'x'}, 'labels cannot be set together with config_from: a network with config_from '
                                         'takes its configuration from cfg'),
    ({'config_only': True, 'driver': 'macvlan', 'internal': True},
     'driver, internal cannot be set on a config-only network; set them on the network that uses it through config_from'),
    ({'config_only': True, 'config_from': 'cfg'},
     'config_from cannot be set on a config-only network; set them on the network that uses it through config_from'),
])
def test_spec_from_params_rejects(params, message):
    params = dict({'name': 'net'}, **params)
    with pytest.raises(LabnetDockerError) as caught:
        spec_from_params(params)
    assert caught.value.msg == message


def test_config_only_false_allows_operator_fields():
    assert spec(config_only=False, internal=True).internal is True


def test_merge_keeps_left_out_fields():
    merged = merge_spec(spec(internal=True, labels={'new': 1}), ACTUAL)
    assert create_body(merged) == {
        'Name': 'net', 'Driver': 'bridge', 'Options': {'com.docker.network.driver.mtu': '1400'},
        'IPAM': {'Driver': 'default', 'Options': {},
                 'Config': [{'Subnet': '10.201.1.0/24', 'Gateway': '10.201.1.1'}, {'Subnet': 'fd00:201:1::/64'}]},
        'EnableIPv6': True, 'Labels': {'owner': 'me', 'new': '1', 'labnet.docker.managed': 'true'},
        'EnableIPv4': True, 'Internal': True, 'Attachable': False, 'Ingress': False, 'Scope': 'local'}


def test_merge_exact_labels_replace():
    assert merge_spec(spec(labels={'a': 'b'}, labels_mode='exact'), ACTUAL).labels == dict(MANAGED, a='b')


def test_merge_new_driver_drops_old_driver_options():
    merged = merge_spec(spec(driver='macvlan', driver_options={'parent': 'veth1'}), ACTUAL)
    assert merged.driver_options == {'parent': 'veth1'}
    assert merge_spec(spec(driver='macvlan'), ACTUAL).driver_options == {}


def test_merge_ipv6_off_drops_ipv6_pools():
    merged = merge_spec(spec(enable_ipv6=False), ACTUAL)
    assert [p['subnet'] for p in merged.ipam_config] == ['10.201.1.0/24']


def test_merge_new_ipam_driver_drops_pools():
    merged = merge_spec(spec(ipam_driver='other'), ACTUAL)
    assert merged.ipam_config is None and merged.ipam_driver_options == {}


def test_merge_config_only_clears_operator_fields():
    merged = merge_spec(spec(labels={'x': 'y'}), CONFIG_ONLY)
    body = create_body(merged)
    assert body['ConfigOnly'] is True
    assert not set(body) & {'Driver', 'Internal', 'Attachable', 'Ingress', 'Scope'}


def test_body_for_new_network_sends_only_given_fields():
    body = create_body(spec(enable_ipv6=True, ipam_config=[
        {'subnet': '10.201.1.0/24', 'gateway': '10.201.1.1', 'ip_range': '10.201.1.128/25',
         'aux_addresses': {'r': '10.201.1.2'}}, {'subnet': 'fd00:201:1::/64'}], lab='class'))
    assert body == {
        'Name': 'net', 'Options': {},
        'IPAM': {'Driver': 'default', 'Options': {}, 'Config': [
            {'Subnet': '10.201.1.0/24', 'Gateway': '10.201.1.1', 'IPRange': '10.201.1.128/25',
             'AuxiliaryAddresses': {'r': '10.201.1.2'}},
            {'Subnet': 'fd00:201:1::/64'}]},
        'EnableIPv6': True, 'Labels': {'labnet.docker.lab': 'class', 'labnet.docker.managed': 'true'}}


def test_body_config_from_and_config_only():
    assert create_body(spec(config_from='cfg', driver='macvlan', internal=True)) == {
        'Name': 'net', 'Driver': 'macvlan', 'ConfigFrom': {'Network': 'cfg'}, 'Internal': True}
    body = create_body(spec(config_only=True, driver_options={'parent': 'veth0'}))
    assert body['ConfigOnly'] is True and body['Options'] == {'parent': 'veth0'} and 'Driver' not in body


def test_body_leaves_ipv6_to_the_daemon_when_not_given():
    assert 'EnableIPv6' not in create_body(spec(internal=True))
    assert create_body(spec(enable_ipv6=False))['EnableIPv6'] is False


def test_restore_spec_reproduces_network():
    body = create_body(spec_from_actual('net', ACTUAL), mark_managed=False)
    assert actual_from_inspect(dict(body, IPAM=body['IPAM'], Labels=body['Labels'], Scope='local',
                                    ConfigFrom={'Network': ''})) == ACTUAL


def test_summary_adds_managed_label():
    assert spec_summary(spec(internal=True)) == {'internal': True, 'labels': MANAGED}
    assert spec_summary(spec(config_from='cfg')) == {'config_from': 'cfg'}


@pytest.mark.parametrize('params, version, expected', [
    # true restates what every older engine does: accepted; false asks for what it cannot do
    ({'enable_ipv4': True}, (1, 41), []),
    ({'enable_ipv4': False, 'enable_ipv6': True}, (1, 45), [('enable_ipv4', '1.47')]),
    ({'enable_ipv4': False, 'enable_ipv6': True}, (1, 47), []),
    ({'config_only': True, 'scope': None}, (1, 29), [('config_only', '1.30')]),
    ({'internal': True}, (1, 24), []),
])
def test_unsupported_options(params, version, expected):
    assert unsupported_options(spec(**params), version) == expected


def test_planned_row_takes_part_in_the_next_overlap_check():
    first = spec(ipam_config=[{'subnet': '10.201.1.0/24'}])
    second = spec_from_params(dict(name='net2', ipam_config=[{'subnet': '10.201.1.128/25'}]))
    row = planned_row(first)
    assert row['Id'] == 'planned:net' and row['Scope'] == 'local'
    assert overlapping_network(second.ipam_config, [row], set(), 'local')[0] == (
        'ipam_config[0].subnet 10.201.1.128/25 overlaps subnet 10.201.1.0/24 of existing network net')


def test_planned_row_carries_what_attachment_planning_reads():
    row = planned_row(spec_from_params(dict(name='ovl', driver='overlay', attachable=True, internal=True,
                                            labels={'a': 'b'}, ipam_config=[{'subnet': '10.201.2.0/24'}])))
    assert (row['Scope'], row['Attachable'], row['Internal'], row['Ingress'], row['Containers']) == (
        'swarm', True, True, False, {})
    assert row['Labels'] == dict(MANAGED, a='b')
    assert network_problems(row, 'ovl') == []  # an attachable overlay the topology is about to create


@pytest.mark.parametrize('values, problems', [
    ({'enable_ipv4': False, 'enable_ipv6': True, 'ipam_config': [{'subnet': 'fd00:9::/64'}]}, []),
    ({'enable_ipv4': False}, ['enable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the '
                              'daemon refuses one with neither']),
    ({'enable_ipv4': False, 'enable_ipv6': True, 'ipam_config': [{'subnet': '10.9.0.0/24'}, {'subnet': 'fd00:9::/64'}]},
     ['ipam_config has IPv4 pool 10.9.0.0/24 but enable_ipv4 is false: the network would have no IPv4, so give IPv6 '
      'pools only or leave enable_ipv4 out']),
    ({'enable_ipv4': False, 'config_from': 'cfg'}, []),  # the configuration network decides
    ({'enable_ipv4': True}, []),
    ({}, []),
])
def test_family_problems(values, problems):
    assert family_problems(NetworkSpec(name='net', **values)) == problems


def test_turning_ipv4_off_drops_kept_ipv4_pools():
    merged = merge_spec(spec(enable_ipv4=False), ACTUAL)  # ACTUAL has IPv6 enabled with an IPv6 pool
    assert [pool['subnet'] for pool in merged.ipam_config] == ['fd00:201:1::/64']
    assert family_problems(merged) == []


@pytest.mark.parametrize('params, message', [
    # address families, from the task alone
    ({'enable_ipv4': False, 'enable_ipv6': False},
     'enable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the daemon refuses one with neither'),
    ({'enable_ipv4': False, 'enable_ipv6': True, 'ipam_config': [{'subnet': '10.9.0.0/24'}]},
     'ipam_config has IPv4 pool 10.9.0.0/24 but enable_ipv4 is false'),
    # labels and options
    ({'labels': {'labnet.docker.managed': 'false'}},
     'labels sets labnet.docker.managed=false, a label the collection sets itself (true on every network it creates); '
     'leave it out'),
    ({'labels': {'a': None}}, "labels.a: None is not a text, number or boolean; the daemon keeps only text"),
    ({'labels': {'a': {'b': 1}}}, "labels.a: {'b': 1} is not a text, number or boolean; the daemon keeps only text"),
    ({'driver_options': {'x': [1]}}, "driver_options.x: [1] is not a text, number or boolean; the daemon keeps only text"),
    ({'driver_options': {'com.docker.network.driver.mtu': 'abc'}},
     "driver_options.com.docker.network.driver.mtu 'abc' is not an MTU: a whole number of bytes from 68 to 65535"),
    ({'driver_options': {'com.docker.network.driver.mtu': -1}},
     'driver_options.com.docker.network.driver.mtu -1 is not an MTU'),
    ({'driver_options': {'com.docker.network.driver.mtu': 1400.5}},
     'driver_options.com.docker.network.driver.mtu 1400.5 is not an MTU'),
    ({'driver_options': {'com.docker.network.bridge.enable_icc': 'maybe'}},
     "driver_options.com.docker.network.bridge.enable_icc 'maybe' is not a boolean (true or false)"),
    ({'driver': 'Bridge'}, "driver 'Bridge' is not a driver the daemon knows: driver names are case-sensitive (bridge)"),
    ({'ipam_driver': 'NULL'}, "ipam_driver 'NULL' is not a driver the daemon knows"),
    ({'ipam_driver': 'null', 'ipam_config': [{'subnet': '10.9.0.0/24'}]},
     'ipam_config cannot be used with ipam_driver null'),
    ({'driver_options': {'com.docker.network.bridge.host_binding_ipv4': ''}},
     "driver_options.com.docker.network.bridge.host_binding_ipv4 '' is not an IP address"),
    ({'driver_options': {'com.docker.network.bridge.host_binding_ipv4': '10.0.0.256'}},
     "driver_options.com.docker.network.bridge.host_binding_ipv4 '10.0.0.256' is not an IP address"),
    ({'driver_options': {'com.docker.network.bridge.name': 'a-bridge-name-too-long'}},
     "driver_options.com.docker.network.bridge.name 'a-bridge-name-too-long' is not a Linux interface name"),
])
def test_values_the_daemon_would_refuse_or_misread(params, message):
    with pytest.raises(LabnetDockerError) as caught:
        spec_from_params(dict(name='net', **params))
    assert caught.value.msg.startswith(message)


def test_accepted_option_values_become_daemon_text():
    built = spec(labels={'labnet.docker.managed': 'true', 'n': 3},
                 driver_options={'com.docker.network.driver.mtu': 1400, 'com.docker.network.bridge.enable_icc': False})
    assert built.labels == {'labnet.docker.managed': 'true', 'n': '3'}
    assert built.driver_options == {'com.docker.network.driver.mtu': '1400',
                                    'com.docker.network.bridge.enable_icc': 'false'}
