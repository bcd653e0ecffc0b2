"""Reading what the planners need out of the two listings, and the readable plan (pure)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, MANAGED_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.topology.plan import needs_inspect, purge_candidates
from ansible_collections.labnet.docker.plugins.module_utils.topology.read import duplicate_facts, endpoints_from_listing

C1 = {'Id': 'c1' + 'a' * 62, 'Names': ['/web'], 'State': 'running',
      'NetworkSettings': {'Networks': {'front': {'NetworkID': 'f' * 64, 'IPAMConfig': {'IPv4Address': '10.201.1.5'},
                                                 'IPAddress': '10.201.1.5', 'Aliases': None}}}}
C2 = {'Id': 'c2' + 'b' * 62, 'Names': ['/db', '/web/db'], 'State': 'exited',
      'NetworkSettings': {'Networks': {'front': {'NetworkID': '', 'IPAMConfig': None}}}}
C3 = {'Id': 'c3' + 'b' * 62, 'Names': ['/other'], 'State': 'running',
      'NetworkSettings': {'Networks': {'bridge': {'NetworkID': 'b' * 64}}}}
ROWS = [C1, C2, C3]


def test_endpoints_from_listing_finds_running_and_stopped_by_name_or_id():
    network = {'Name': 'front', 'Id': 'f' * 64}
    records = endpoints_from_listing(network, ROWS)
    assert [(r['container'], r['id'], r['running']) for r in records] == [
        ('db', C2['Id'], False), ('web', C1['Id'], True)]
    assert records[1]['settings']['ipv4_address'] == '10.201.1.5'
    renamed = {'Name': 'front-old', 'Id': 'f' * 64}  # matched by ID when the name differs
    assert [r['container'] for r in endpoints_from_listing(renamed, ROWS)] == ['web']


def test_duplicate_facts_name_attached_containers_by_network_id():
    assert duplicate_facts([{'Id': 'f' * 64, 'Created': 'x'}], ROWS) == [
        dict(id='f' * 64, created='x', containers=['web'])]


def _row(name, labels, net_id=None):
    return {'Name': name, 'Id': net_id or name * 4, 'Labels': labels}


def test_purge_candidates_are_managed_unlisted_and_in_the_lab():
    rows = [
        _row('keep', {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}),
        _row('old', {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}),
        _row('neighbour', {MANAGED_LABEL: 'true', LAB_LABEL: 'l2'}),
        _row('nolab', {MANAGED_LABEL: 'true'}),
        _row('foreign', {LAB_LABEL: 'l1'}),
        _row('bridge', {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}),
        _row('docker_gwbridge', {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}),
    ]
    assert [row['Name'] for row in purge_candidates(rows, ['keep'], 'l1')] == ['old']
    assert [row['Name'] for row in purge_candidates(rows, ['keep'], None)] == ['neighbour', 'nolab', 'old']


@pytest.mark.parametrize('settings, expected', [
    ({}, False), ({'ipv4_address': '10.0.0.2'}, False), ({'aliases': []}, True), ({'links': ['a:b']}, True),
])
def test_needs_inspect(settings, expected):
    assert needs_inspect(settings) is expected
