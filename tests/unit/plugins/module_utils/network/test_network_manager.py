"""The executor against the unit tests' fake daemon (tests/unit/fake_api.py; the real one is in tests/integration)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.apply import ensure_network
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi

NET = {'Name': 'net', 'Id': 'a' * 64, 'Created': '2026-01-01T00:00:01Z', 'Scope': 'local', 'Driver': 'bridge',
       'EnableIPv6': False, 'Internal': False, 'Attachable': False, 'Ingress': False, 'ConfigOnly': False,
       'ConfigFrom': {'Network': ''}, 'Options': {}, 'Labels': {}, 'Containers': {},
       'IPAM': {'Driver': 'default', 'Config': [{'Subnet': '10.201.1.0/24'}]}}
WEB = {'Id': 'w' * 64, 'Name': '/web', 'State': {'Running': True},
       'NetworkSettings': {'Networks': {'net': {'NetworkID': 'a' * 64, 'IPAMConfig': {'IPv4Address': '10.201.1.5'},
                                                'Aliases': ['www', 'w' * 12], 'IPAddress': '10.201.1.5'}}}}


def params(**extra):
    return dict(dict(name='net', state='present', recreate='on_change', force=False), **extra)


def test_check_mode_makes_no_write_call_and_reports_the_same_change():
    api = FakeApi([NET], [WEB])
    checked = ensure_network(api, params(internal=True), check_mode=True)
    assert api.calls == []
    assert checked['changed'] is True
    assert [a['action'] for a in checked['actions']] == ['disconnect', 'remove', 'create', 'connect']
    assert checked['network']['Id'] == 'a' * 64
    real = ensure_network(api, params(internal=True))
    assert real['changed'] is True
    assert real['actions'] == checked['actions']
    new_id = [net_id for net_id, net in api.networks.items() if net['Name'] == 'net'][0]
    # The journal was written before the first write and is gone after the last one.
    assert [call[0] for call in api.journal_calls] == ['create', 'remove']
    assert api.journal_calls[0] == ('create', 'net.labnet-journal')
    assert not [net for net in api.networks.values() if net['ConfigOnly']]
    assert api.calls == [('disconnect', 'a' * 64, 'w' * 64, False), ('remove', 'a' * 64), ('create', 'net'),
                         ('connect', new_id, 'w' * 64, {'IPAMConfig': {'IPv4Address': '10.201.1.5'},
                                                        'Aliases': ['www']})]
    assert real['network']['Internal'] is True


def test_failed_create_restores_previous_network_and_reconnects():
    api = FakeApi([NET], [WEB], fail_create=lambda body: body.get('Internal'))
    with pytest.raises(LabnetDockerError) as caught:
        ensure_network(api, params(internal=True))
    assert caught.value.msg == ('creating network net failed: refused; the previous network was restored and its '
                                'containers reconnected')
    assert caught.value.details['changed'] is True
    assert [a['action'] for a in caught.value.details['actions']] == ['disconnect', 'remove']
    restored = [net for net in api.networks.values() if net['Name'] == 'net']
    assert len(restored) == 1 and restored[0]['Internal'] is False
    assert api.calls[-1] == ('connect', restored[0]['Id'], 'w' * 64,
                             {'IPAMConfig': {'IPv4Address': '10.201.1.5'}, 'Aliases': ['www']})


def test_duplicates_after_create_keep_the_oldest():
    api = FakeApi()
    original = api.create_network

    def racing_create(body):  # another client creates the same name first
        if not api.networks:
            api.networks['0' * 64] = dict(NET, Id='0' * 64, Created='2026-01-01T00:00:00Z')
        return original(body)

    api.create_network = racing_create
    result = ensure_network(api, params())
    assert result['network']['Id'] == '0' * 64
    assert [a['action'] for a in result['actions']] == ['create', 'remove_duplicate']
    assert list(api.networks) == ['0' * 64]
    assert result['warnings'] == ['network net was created concurrently by another client; kept 000000000000 '
                                  '(the oldest), removed duplicate 111111111111']


def test_absent_when_absent_is_unchanged():
    api = FakeApi()
    result = ensure_network(api, params(state='absent'))
    assert result['changed'] is False and result['actions'] == [] and api.calls == []


def test_absent_in_check_mode_writes_nothing():
    api = FakeApi([NET])
    result = ensure_network(api, params(state='absent'), check_mode=True)
    assert result['changed'] is True and api.calls == [] and result['network'] is None
    assert result['actions'] == [{'action': 'remove', 'network': 'net', 'id': 'a' * 64}]


def test_failed_remove_reconnects_what_was_disconnected():
    api = FakeApi([NET], [WEB])

    remove = api.remove_network

    def refuse(net_id):
        if net_id != 'a' * 64:
            return remove(net_id)
        raise LabnetDockerError('removing network %s failed: in use' % net_id)

    api.remove_network = refuse
    with pytest.raises(LabnetDockerError) as caught:
        ensure_network(api, params(internal=True))
    assert caught.value.msg == 'removing network %s failed: in use; the disconnected containers were reconnected' % (
        'a' * 64)
    assert caught.value.details['changed'] is False
    assert api.calls == [('disconnect', 'a' * 64, 'w' * 64, False),
                         ('connect', 'a' * 64, 'w' * 64, {'IPAMConfig': {'IPv4Address': '10.201.1.5'},
                                                          'Aliases': ['www']})]


def test_a_create_lost_to_another_client_converges_on_that_network():
    api = FakeApi()

    def competitor_first(body):
        # Another client's network of the same name lands first; the daemon refuses ours.
        api.networks['c' * 64] = dict(NET, Id='c' * 64, Labels={'labnet.docker.managed': 'true'})
        return True

    api.fail_create = competitor_first
    result = ensure_network(api, params(ipam_config=[{'subnet': '10.201.1.0/24'}]))
    assert result['changed'] is False and result['network']['Id'] == 'c' * 64
    assert api.calls == [('create', 'net')]


def test_a_refused_create_without_a_competitor_still_fails():
    api = FakeApi(fail_create=lambda body: True)
    with pytest.raises(LabnetDockerError, match='creating network net failed: refused'):
        ensure_network(api, params(ipam_config=[{'subnet': '10.201.1.0/24'}]))
