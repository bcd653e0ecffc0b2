"""Containers as inspect records and listing rows, and who is on a network: one reader (pure)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    attached, container_mode, container_name, container_networks, container_state, endpoint_on, is_container_mode,
    is_leftover, is_running, namespace_owner)

NET = {'Name': 'front', 'Id': 'f' * 64}


def _row(cid, name, state, networks):
    return {'Id': cid * 64, 'Names': ['/' + name], 'State': state, 'NetworkSettings': {'Networks': networks}}


WEB = _row('1', 'web', 'running', {'front': {'NetworkID': 'f' * 64, 'EndpointID': 'e1'}})
DB = _row('2', 'db', 'exited', {'front': {'NetworkID': '', 'IPAMConfig': None}})  # never started: no NetworkID
RENAMED = _row('3', 'old', 'created', {'front-old': {'NetworkID': 'f' * 64}})  # matched by ID
OTHER = _row('4', 'other', 'running', {'bridge': {'NetworkID': 'b' * 64}})
# What a refused connect leaves in a running container's record: the asked-for settings, no IDs.
LEFTOVER = _row('5', 'refused', 'running', {'front': {'IPAMConfig': {'IPv4Address': '10.0.0.9'}}})
INSPECTED = {'Id': '6' * 64, 'Name': '/api', 'State': {'Status': 'paused', 'Running': True},
             'NetworkSettings': {'Networks': {'front': {'NetworkID': 'f' * 64, 'EndpointID': 'e6'}}}}


@pytest.mark.parametrize('record, name', [
    (WEB, 'web'), (INSPECTED, 'api'), ({'Id': 'abcdef0123456789', 'Names': []}, 'abcdef012345'),
    ({'Id': '7' * 64, 'Names': ['/c', '/x/c']}, 'c'),
])
def test_container_name(record, name):
    assert container_name(record) == name


@pytest.mark.parametrize('state, word, running', [
    ('running', 'running', True),
    ('exited', 'exited', False),
    ('created', 'created', False),
    ('paused', 'paused', True),  # a paused container keeps its endpoints, as the daemon's inspect says
    (None, 'unknown state', False),
    ({'Status': 'running', 'Running': True}, 'running', True),
    ({'Status': 'exited', 'Running': False}, 'exited', False),
    ({'Status': 'paused', 'Running': True, 'Paused': True}, 'paused', True),
    ({'Running': True}, 'running', True),  # an old record without Status
    ({}, 'unknown state', False),
])
def test_state_of_inspect_records_and_listing_rows(state, word, running):
    record = {'Id': 'x', 'State': state}
    assert (container_state(record), is_running(record)) == (word, running)


@pytest.mark.parametrize('record, by_name, found', [
    (WEB, True, True), (DB, True, True), (RENAMED, True, True), (OTHER, True, False),
    (DB, False, False),  # by ID only: a never-started container has none yet
    (RENAMED, False, True),
])
def test_endpoint_on(record, by_name, found):
    assert (endpoint_on(record, NET, by_name) is not None) is found


@pytest.mark.parametrize('record, leftover', [(WEB, False), (DB, False), (LEFTOVER, True), (INSPECTED, False)])
def test_is_leftover(record, leftover):
    assert is_leftover(record, endpoint_on(record, NET)) is leftover


def test_attached_sorted_by_name_once_each_with_state():
    members = attached(NET, [WEB, OTHER, DB, RENAMED, LEFTOVER, INSPECTED, WEB])
    assert [(m.name, m.state) for m in members] == [
        ('api', 'paused'), ('db', 'exited'), ('old', 'created'), ('refused', 'running'), ('web', 'running')]
    assert members[-1].record is WEB and members[-1].endpoint['EndpointID'] == 'e1'


def test_attached_live_leaves_out_leftovers_of_refused_connects():
    assert [m.name for m in attached(NET, [WEB, LEFTOVER], live=True)] == ['web']


def test_attached_by_id_tells_namesakes_apart():
    assert [m.name for m in attached(NET, [WEB, DB, RENAMED], by_name=False)] == ['old', 'web']


def test_attached_adds_running_endpoints_no_record_covers():
    network = dict(NET, Containers={'1' * 64: {'Name': 'web'}, 'ep-lb': {'Name': 'front-endpoint'},
                                    '8' * 64: {}})
    members = attached(network, [WEB, DB], running_endpoints=True)
    assert [(m.name, m.state, m.record is not None) for m in members] == [
        ('888888888888', 'running', False), ('db', 'exited', True), ('front-endpoint', 'running', False),
        ('web', 'running', True)]
    assert [m.name for m in attached(network, [WEB, DB])] == ['db', 'web']


@pytest.mark.parametrize('mode, owner', [
    ('container:web', 'web'), ('container:' + 'a' * 64, 'a' * 64), ('container:', ''),
    ('container', None), ('host', None), ('none', None), ('bridge', None), ('default', None), ('', None),
    (None, None), (5, None),
])
def test_namespace_owner_reads_container_mode_once(mode, owner):
    assert namespace_owner(mode) == owner
    assert is_container_mode(mode) is (owner is not None)


def test_container_mode_names_the_owner():
    assert container_mode('lab-r1') == 'container:lab-r1'
    assert namespace_owner(container_mode('lab-r1')) == 'lab-r1'


@pytest.mark.parametrize('record, networks', [
    (WEB, {'front': {'NetworkID': 'f' * 64, 'EndpointID': 'e1'}}),
    (INSPECTED, {'front': {'NetworkID': 'f' * 64, 'EndpointID': 'e6'}}),
    ({'NetworkSettings': {'Networks': None}}, {}), ({'NetworkSettings': None}, {}), ({}, {}), (None, {}),
])
def test_container_networks_of_records_and_rows(record, networks):
    assert container_networks(record) == networks
