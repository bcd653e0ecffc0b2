"""The unit tests' fake daemon (tests/unit/fake_api.py) stays the shape of the real client, DockerApi.

Every method the fake has (but its FAKE_ONLY set-up helpers) exists on DockerApi with the same
parameters, kinds and defaults: a client method renamed or given other arguments fails here, instead
of the unit tests going on passing against a fake the modules no longer match.
"""

import inspect

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.client import DockerApi
from ansible_collections.labnet.docker.tests.unit.fake_api import (
    FAKE_ONLY, WRITES, FakeApi, ReadOnlyFakeApi, container, network)


def _public(cls):
    return sorted(name for name in dir(cls) if not name.startswith('_'))


FAKE_METHODS = [name for name in _public(FakeApi) if callable(getattr(FakeApi, name)) and name not in FAKE_ONLY]


def _parameters(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_fake_has_the_methods_the_managers_call():
    assert {'list_networks', 'inspect_network', 'create_network', 'remove_network', 'remove_unused_network',
            'connect', 'disconnect', 'inspect_container', 'list_containers', 'exec_run'} <= set(FAKE_METHODS)


@pytest.mark.parametrize('fake', [FakeApi, ReadOnlyFakeApi])
@pytest.mark.parametrize('name', FAKE_METHODS)
def test_every_fake_method_is_a_client_method_with_the_same_signature(fake, name):
    real = inspect.getattr_static(DockerApi, name, None)
    assert real is not None, 'FakeApi.%s is not a DockerApi method: renamed or removed in common/client.py?' % name
    assert callable(real), 'DockerApi.%s is not a method' % name
    assert _parameters(getattr(fake, name)) == _parameters(real), (
        '%s.%s%s differs from DockerApi.%s%s' % (fake.__name__, name, inspect.signature(getattr(fake, name)), name,
                                                 inspect.signature(real)))


def test_api_version_is_a_client_attribute_too():
    assert isinstance(inspect.getattr_static(DockerApi, 'api_version'), property)
    assert isinstance(FakeApi.api_version, str)


def test_fake_only_helpers_are_not_client_methods():
    # Set-up helpers must not shadow a client method with a different meaning.
    assert [name for name in FAKE_ONLY if hasattr(DockerApi, name)] == []
    assert set(FAKE_ONLY) <= set(_public(FakeApi))


def test_references_resolve_like_the_daemon():
    api = FakeApi(networks=[network('net', 'a' * 64)], containers=[container('web', 'b' * 64)])
    assert api.inspect_network('net')['Id'] == api.inspect_network('a' * 12)['Id'] == 'a' * 64
    assert api.inspect_container('web')['Id'] == api.inspect_container('/web')['Id'] == 'b' * 64
    assert api.inspect_container('b' * 5)['Name'] == '/web'
    assert api.inspect_network('nope') is None and api.inspect_container('nope') is None


def test_writes_change_the_state_and_are_recorded_by_id_and_by_name():
    api = FakeApi(containers=[container('web', 'b' * 64)])
    net_id = api.create_network({'Name': 'net', 'IPAM': {'Driver': 'default', 'Config': [{'Subnet': '10.0.9.0/24'}]}})
    api.connect(net_id, 'web', {'Aliases': ['www']})
    assert [row['Id'] for row in api.list_containers(filters={'network': ['net']})] == ['b' * 64]
    assert api.list_containers(filters={'network': [net_id]})[0]['NetworkSettings']['Networks']['net']['Aliases'] is None
    assert list(api.inspect_network(net_id)['Containers']) == ['b' * 64]
    assert api.remove_unused_network(net_id).endswith('has active endpoints')
    api.disconnect(net_id, 'b' * 64)
    assert api.remove_unused_network(net_id) is None
    assert api.remove_unused_network(net_id) == 'it no longer exists'
    assert api.calls[1:3] == [('connect', net_id, 'web', {'Aliases': ['www']}), ('remove', net_id)]
    assert api.writes == [('create', 'net'), ('connect', 'net', 'web'), ('remove', 'net'), ('disconnect', 'net', 'web'),
                          ('remove', 'net'), ('remove', net_id)]


def test_a_filter_the_fake_does_not_know_fails_loudly():
    with pytest.raises(AssertionError, match='no filter'):
        FakeApi().list_networks(filters={'dangling': ['true']})
    with pytest.raises(AssertionError, match='no filter'):
        FakeApi().list_containers(filters={'status': ['running']})


def test_the_writes_are_client_methods_and_the_read_only_fake_overrides_each():
    assert set(WRITES) <= set(FAKE_METHODS)
    assert [name for name in WRITES if getattr(ReadOnlyFakeApi, name) is getattr(FakeApi, name)] == []
    # Every other method only reads: the read-only fake leaves it as it is.
    assert [name for name in FAKE_METHODS if name not in WRITES
            and getattr(ReadOnlyFakeApi, name) is not getattr(FakeApi, name)] == []


@pytest.mark.parametrize('name, args', [
    ('create_network', ({'Name': 'net'},)), ('remove_network', ('a' * 64,)), ('remove_unused_network', ('a' * 64,)),
    ('connect', ('a' * 64, 'web', {})), ('disconnect', ('a' * 64, 'web')), ('exec_run', ('web', ['true'])),
    ('create_container', ('web2', {'Image': 'x'})), ('start_container', ('web',)), ('restart_container', ('web',)),
    ('remove_container', ('web',)),
])
def test_the_read_only_fake_refuses_every_write_and_keeps_it(name, args):
    assert name in WRITES
    api = ReadOnlyFakeApi(networks=[network('net', 'a' * 64)], containers=[container('web', 'b' * 64)])
    with pytest.raises(AssertionError, match='%s.* called on a read-only API' % name):
        getattr(api, name)(*args)
    assert [call[0] for call in api.refused] == [name]
    assert api.calls == api.writes == api.runs == [] and list(api.networks) == ['a' * 64]
    assert api.inspect_network('net')['Id'] == 'a' * 64  # reads still answer
