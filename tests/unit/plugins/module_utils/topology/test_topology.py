"""The topology manager against the unit tests' fake daemon (tests/unit/fake_api.py): what it reads, what it
writes (``writes``, by name), in what order.

The real daemon is in tests/integration/modules/test_topology.py; this pins down the
call pattern (two listings on a run with nothing to change) and the ordering.
"""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, MANAGED_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.topology.apply import converge_topology
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi


@pytest.fixture
def api():
    fake = FakeApi()
    for name in ('c1', 'c2', 'c3'):
        fake.add_container(name)
    return fake


def lab(**extra):
    params = dict(lab='l1', state='present', networks=[
        dict(name='a', ipam_config=[dict(subnet='10.201.1.0/24')]),
        dict(name='b', ipam_config=[dict(subnet='10.201.2.0/24')]),
    ], attachments=[
        dict(network='a', containers=['c1', 'c2']),
        dict(network='b', container='c3', ipv4_address='10.201.2.7'),
    ])
    params.update(extra)
    return params


def test_converge_creates_then_connects_and_check_mode_plans_the_same(api):
    preview = converge_topology(api, lab(), check_mode=True)
    assert api.writes == []
    result = converge_topology(api, lab())
    assert api.writes == [('create', 'a'), ('create', 'b'), ('connect', 'a', 'c1'), ('connect', 'a', 'c2'),
                          ('connect', 'b', 'c3')]
    assert preview['plan'] == result['plan'] == [
        'create network a', 'create network b', 'connect c1 to a', 'connect c2 to a',
        'connect c3 to b (ipv4_address 10.201.2.7)']
    assert preview['actions'] == result['actions']
    assert api.networks[result['networks'][0]['id']]['Labels'] == {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}


def test_nothing_to_change_reads_two_listings_and_writes_nothing(api):
    converge_topology(api, lab())
    api.writes, api.reads = [], []
    result = converge_topology(api, lab())
    assert result['changed'] is False and result['plan'] == []
    assert api.writes == []
    assert [read[0] for read in api.reads] == ['list_networks', 'list_containers']


def test_aliases_are_compared_on_the_inspect_record(api):
    converge_topology(api, lab())
    params = lab()
    params['attachments'][0]['aliases'] = ['web']
    api.writes, api.reads = [], []
    result = converge_topology(api, params)
    assert result['plan'] == ['reconnect c1 to a (aliases: [] -> [web])', 'reconnect c2 to a (aliases: [] -> [web])']
    assert [read[0] for read in api.reads].count('inspect_container') == 2
    api.writes, api.reads = [], []
    assert converge_topology(api, params)['changed'] is False


def test_recreate_restores_endpoints_then_applies_attachments(api):
    converge_topology(api, lab())
    params = lab()
    params['networks'][1]['internal'] = True
    api.writes = []
    result = converge_topology(api, params)
    assert api.writes == [('disconnect', 'b', 'c3'), ('remove', 'b'), ('create', 'b'), ('connect', 'b', 'c3')]
    assert [net['action'] for net in result['networks']] == ['none', 'recreate']
    assert converge_topology(api, params)['changed'] is False


def test_refusal_names_every_entry_and_writes_nothing(api):
    params = lab()
    params['attachments'].append(dict(network='a', container='ghost'))
    params['attachments'].append(dict(network='b', container='c1', ipv4_address='10.201.9.9'))
    with pytest.raises(LabnetDockerError) as caught:
        converge_topology(api, params)
    assert caught.value.details['problems'] == [
        'attachments[2] (a): container ghost not found',
        'attachments[3] (b): ipv4_address 10.201.9.9 is outside the pools of network b (10.201.2.0/24)',
    ]
    assert api.writes == [] and api.networks == {}


def test_a_driver_the_engine_lacks_is_refused_before_the_first_network_is_made(api):
    params = lab()
    params['networks'] += [dict(name='c', driver='weave'), dict(name='d', driver='vxlan-plugin')]
    with pytest.raises(LabnetDockerError) as caught:
        converge_topology(api, params)
    assert [problem.split(':')[0] for problem in caught.value.details['problems']] == [
        'networks[2] (c)', 'networks[3] (d)']
    assert 'driver weave: this engine has no network driver of that name' in caught.value.details['problems'][0]
    assert api.writes == [] and api.networks == {}
    assert api.reads.count(('drivers', 'driver')) == 1  # read once for the whole task
    assert ('drivers', 'ipam_driver') not in api.reads  # no IPAM plugin named: the plugin list is not read


def test_purge_removes_only_the_labs_unlisted_managed_networks(api):
    api.add_network('old', labels={MANAGED_LABEL: 'true', LAB_LABEL: 'l1'})
    api.add_network('other-lab', labels={MANAGED_LABEL: 'true', LAB_LABEL: 'l2'})
    api.add_network('unmanaged', labels={LAB_LABEL: 'l1'})
    result = converge_topology(api, lab(purge=True))
    assert api.writes[0] == ('remove', 'old')
    assert sorted(net['Name'] for net in api.networks.values()) == ['a', 'b', 'other-lab', 'unmanaged']
    assert result['networks'][0] == dict(name='old', id=None, action='remove', purged=True)


def test_absent_disconnects_first_and_needs_force_only_for_foreign_containers(api):
    external = api.add_network('ext', subnet='10.201.9.0/24')
    converge_topology(api, lab())
    api.connect(external, api.add_container('c4'), {})
    api.connect(external, [cid for cid in api.containers if api.containers[cid]['Name'] == '/c3'][0], {})
    params = lab(state='absent')
    params['attachments'].append(dict(network='ext', container='c3'))
    api.writes = []
    result = converge_topology(api, params)
    assert api.writes == [('disconnect', 'ext', 'c3'), ('disconnect', 'a', 'c1'), ('disconnect', 'a', 'c2'),
                          ('remove', 'a'), ('disconnect', 'b', 'c3'), ('remove', 'b')]
    assert [net['action'] for net in result['networks']] == ['remove', 'remove']
    with pytest.raises(LabnetDockerError) as caught:
        converge_topology(api, dict(state='absent', networks=[dict(name='ext')]))
    assert caught.value.msg.startswith('networks[0] (ext): network ext has attached containers: c4; set force: true')
    converge_topology(api, dict(state='absent', force=True, networks=[dict(name='ext')]))
    assert api.networks == {}


@pytest.mark.parametrize('recreate', ['never', 'on_change'])
def test_config_from_by_id_reads_two_listings_and_changes_nothing(api, recreate):
    """config_from is resolved before the comparison: the ID names the network's own configuration network."""
    cfg_id = api.add_network('cfg', ConfigOnly=True)
    net_id = api.add_network('net')
    api.networks[net_id]['ConfigFrom'] = {'Network': 'cfg'}
    api.add_container('web')
    web = [cid for cid, record in api.containers.items() if record['Name'] == '/web'][0]
    api.containers[web]['NetworkSettings']['Networks']['net'] = {'NetworkID': net_id, 'IPAMConfig': None}
    api.reads = []
    result = converge_topology(api, dict(state='present', networks=[
        dict(name='net', config_from=cfg_id, recreate=recreate), dict(name='net2', config_from=cfg_id[:12])]),
        check_mode=True)
    assert [entry['action'] for entry in result['networks']] == ['none', 'create']
    assert [read[0] for read in api.reads] == ['list_networks', 'list_containers']


@pytest.mark.parametrize('ref, message', [
    ('633', 'attachments[0] (a): container ID prefix 633 is ambiguous: it matches c1, c2, c3; nothing was changed'),
    ('6331', None),  # a unique prefix: c1
    ('c', 'attachments[0] (a): container c not found; nothing was changed'),  # a name prefix never matches
])
def test_container_references_follow_the_one_rule(api, ref, message):
    params = lab(attachments=[dict(network='a', container=ref)])
    if message is None:
        converge_topology(api, params)
        assert api.writes[-1] == ('connect', 'a', 'c1')
        return
    with pytest.raises(LabnetDockerError) as caught:
        converge_topology(api, params)
    assert caught.value.msg == message
    assert api.writes == []


@pytest.mark.parametrize('order', [('cfg', 'net'), ('net', 'cfg')])
def test_config_from_entry_may_come_before_its_config_only_entry(api, order):
    """Order within one task does not matter: the config-only network is created first, and removed last."""
    entries = dict(cfg=dict(name='cfg', config_only=True, ipam_config=[dict(subnet='10.201.7.0/24')]),
                   net=dict(name='net', config_from='cfg'))
    present = dict(lab='l1', state='present', networks=[entries[name] for name in order])
    planned = converge_topology(api, present, check_mode=True)
    assert [action['network'] for action in planned['actions']] == ['cfg', 'net']
    assert api.writes == []
    result = converge_topology(api, present)
    assert [action['network'] for action in result['actions']] == ['cfg', 'net']
    assert sorted(net['Name'] for net in api.networks.values()) == ['cfg', 'net']
    assert converge_topology(api, present)['changed'] is False
    removed = converge_topology(api, dict(present, state='absent'))
    assert [action['network'] for action in removed['actions']] == ['net', 'cfg']
    assert api.networks == {}
