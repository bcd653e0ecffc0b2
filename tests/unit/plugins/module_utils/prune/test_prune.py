import json

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.prune.apply import prune_networks
from ansible_collections.labnet.docker.plugins.module_utils.prune.plan import network_users, protected_reason
from ansible_collections.labnet.docker.plugins.module_utils.prune.spec import (
    PruneFilters, labels_match, passes_filters, prune_filters)
from ansible_collections.labnet.docker.plugins.module_utils.common.timespec import SECOND
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi

NOW = 1714564800 * SECOND  # 2024-05-01T12:00:00Z


@pytest.mark.parametrize('entries, labels, expected', [
    ([], {}, True),                                   # no filter: everything
    (['a'], {}, False),                               # a filter never matches a network without labels
    (['a'], {'a': ''}, True),
    (['a'], {'a': 'x'}, True),                        # key only: any value
    (['a=x'], {'a': 'x'}, True),
    (['a=x'], {'a': 'y'}, False),
    (['a='], {'a': ''}, True),                        # key= means an empty value
    (['a='], {'a': 'x'}, False),
    (['a', 'b=2'], {'a': '1', 'b': '2'}, True),       # all entries must match
    (['a', 'b=2'], {'a': '1', 'b': '3'}, False),
    (['a=x=y'], {'a': 'x=y'}, True),                  # only the first = splits
])
def test_labels_match(entries, labels, expected):
    assert labels_match(entries, labels) is expected


def row(name='n1', created='2024-05-01T10:00:00.5Z', labels=None, **extra):
    data = dict(Name=name, Id=name * 8, Created=created, Labels=labels or {})
    data.update(extra)
    return data


@pytest.mark.parametrize('filters, network, expected', [
    (PruneFilters(), row(), True),
    (PruneFilters(until_ns=NOW), row(created='2024-05-01T12:00:00Z'), True),      # created exactly at until
    (PruneFilters(until_ns=NOW), row(created='2024-05-01T12:00:00.000000001Z'), False),
    (PruneFilters(until_ns=NOW), row(created='2024-05-01T14:00:00+02:00'), True),
    (PruneFilters(until_ns=NOW), row(created=''), False),                        # unknown age is never old enough
    (PruneFilters(labels=['lab=x']), row(labels={'lab': 'x'}), True),
    (PruneFilters(labels=['lab=x']), row(labels={'lab': 'y'}), False),
    (PruneFilters(not_labels=['keep']), row(labels={'keep': ''}), False),
    (PruneFilters(not_labels=['keep']), row(labels={'other': ''}), True),
    (PruneFilters(not_labels=['keep']), row(), True),
    # Several label! entries: kept only when it carries all of them (the daemon's rule).
    (PruneFilters(not_labels=['a', 'b']), row(labels={'a': ''}), True),
    (PruneFilters(not_labels=['a', 'b']), row(labels={'a': '', 'b': ''}), False),
    (PruneFilters(labels=['lab=x'], not_labels=['keep=yes']), row(labels={'lab': 'x', 'keep': 'no'}), True),
])
def test_passes_filters(filters, network, expected):
    assert passes_filters(network, filters) is expected


@pytest.mark.parametrize('network, reason', [
    (row('bridge'), 'predefined network'),
    (row('host'), 'predefined network'),
    (row('none'), 'predefined network'),
    (row('docker_gwbridge'), 'predefined network'),
    (row('ingress', Ingress=True), 'swarm ingress network'),
    (row('my-ingress', Ingress=True), 'swarm ingress network'),
    (row('cfg', ConfigOnly=True), 'config-only network'),
    (row('lab-net'), None),
    (row('bridge2'), None),
])
def test_protected_reason(network, reason):
    assert protected_reason(network) == reason


def test_filters_from_parameters():
    filters = prune_filters({'until': '1h', 'label': 'a=1', 'label!': ['keep', 'pin=yes']},
                            managed_only=True, lab='lab1', now_ns=NOW)
    assert filters.until_ns == NOW - 3600 * SECOND
    assert filters.labels == ['a=1', 'labnet.docker.managed=true', 'labnet.docker.lab=lab1']
    assert filters.not_labels == ['keep', 'pin=yes']
    assert filters.as_result() == {'until': '2024-05-01T11:00:00Z',
                                   'label': ['a=1', 'labnet.docker.managed=true', 'labnet.docker.lab=lab1'],
                                   'label!': ['keep', 'pin=yes']}


@pytest.mark.parametrize('filters, extra, message', [
    ({'dangling': True}, {}, 'unknown prune filter dangling: network prune understands only until, label, label!'),
    ({'label': 'a', 'name': 'x', 'driver': 'y'}, {}, 'unknown prune filter driver, name'),
    ({'until': ['1h', '2h']}, {}, 'filter until: give one time, not 2'),
    ({'until': '3d'}, {}, "filter until: '3d' is not a duration .*use hours such as 168h"),
    ({'label': ['ok', '']}, {}, "filter label: '' is not a label key or key=value"),
    ({'label!': '=x'}, {}, "filter label!: '=x' is not a label key"),
    ({'label': 5}, {}, 'filter label: 5 is not a label key'),
    ('until=1h', {}, 'filters must be a dictionary'),
    ({}, {'lab': ' '}, "lab: ' ' is not a lab name"),
])
def test_bad_filters_are_refused(filters, extra, message):
    with pytest.raises(LabnetDockerError, match=message):
        prune_filters(filters, now_ns=NOW, **extra)


NET = {'Name': 'lab-net', 'Id': 'f' * 64, 'Containers': {}}


def container(name, state, networks):
    return {'Id': name * 16, 'Names': ['/' + name], 'State': state,
            'NetworkSettings': {'Networks': networks}}


@pytest.mark.parametrize('network, containers, users', [
    (NET, [], []),
    (NET, [container('other', 'running', {'bridge': {'NetworkID': 'b' * 64}})], []),
    # a created container keeps the endpoint under the network's name, without a NetworkID yet
    (NET, [container('db', 'created', {'lab-net': {'NetworkID': ''}})], ['db (created)']),
    # a stopped one may be listed under its old name; the ID still ties it to the network
    (NET, [container('web', 'exited', {'old-name': {'NetworkID': 'f' * 64}})], ['web (exited)']),
    (dict(NET, Containers={'a' * 64: {'Name': 'app'}}), [container('a' * 4, 'running', {'lab-net': {}})], ['app']),
    (dict(NET, Containers={'ep-123': {'Name': 'lab-net-endpoint'}}), [], ['lab-net-endpoint']),
])
def test_network_users(network, containers, users):
    assert network_users(network, containers) == users


def test_a_journal_is_kept_and_names_its_network_and_so_is_the_network_it_records():
    """Check mode leaves an interrupted change as it is: its journal and its network are both kept."""
    api = FakeApi()
    record = dict(journal.reconnect_record('net', 'n' * 64, []), owner=dict(host='elsewhere'), started=0)
    net_id = api.add_network('net')
    journal_id = api.add_network(journal.journal_name('net'), ConfigOnly=True, labels={
        journal.JOURNAL_LABEL: 'net', journal.RECORD_LABEL: json.dumps(record)})
    result = prune_networks(api, {}, check_mode=True)
    assert result['networks'] == [] and api.writes == []
    assert result['kept'] == [
        dict(name='net', id=net_id, reason='an interrupted change is recorded for it (journal net.labnet-journal)'),
        dict(name='net.labnet-journal', id=journal_id, reason='journal of an interrupted change to network net')]
