"""The journal's pure parts, and a crash in the middle of a re-create finished by the next run (small fake API)."""

import copy
import json
import os

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.apply import ensure_network

from ..network.test_network_manager import NET, WEB, FakeApi, params

HERE = journal.current_owner()


def row(record, name='net.labnet-journal', labels=None):
    base = {journal.JOURNAL_LABEL: 'net', journal.RECORD_LABEL: json.dumps(record)}
    return {'Name': name, 'Id': 'j' * 64, 'Created': '2026-01-01T00:00:00Z', 'Labels': base if labels is None else labels}


def test_parse_reads_the_record_and_ignores_other_networks():
    record = journal.parse(row({'operation': 'recreate', 'endpoints': []}))
    assert (record['network'], record['journal'], record['operation']) == ('net', 'net.labnet-journal', 'recreate')
    assert journal.parse(row({}, labels={'owner': 'me'})) is None  # no journal label: user data
    assert journal.parse(row({}, name='net-journal')) is None  # a label alone on another name does not count
    assert journal.parse(row({}, labels={journal.JOURNAL_LABEL: 'net', journal.RECORD_LABEL: '{'}))['broken'] is True


@pytest.mark.parametrize('owner,started,expected', [
    (dict(HERE), 0, False),  # this very process: alive
    (dict(HERE, run=None), 0, False),  # a record written before owners carried their run: this process, alive
    # An earlier task's run in this same warm interpreter (Mitogen): the process lives, its run is over.
    (dict(HERE, run='an-earlier-run'), 0, True),
    (dict(HERE, pid=HERE['pid'], start='0'), 0, True),  # the pid was reused by another process: gone
    (dict(HERE, host='elsewhere'), 'now', False),  # another machine, just now: cannot tell, so not yet
    (dict(HERE, host='elsewhere'), 'old', True),  # another machine, long ago
    (dict(HERE, boot='another-boot'), 'old', True),  # written before a reboot
    (None, 'old', True),
])
def test_abandoned(owner, started, expected):
    now = 1_000_000.0
    when = {'now': now - 5, 'old': now - journal.FOREIGN_STALE_AFTER - 1}.get(started, now)
    assert journal.abandoned(dict(owner=owner, started=when), now=now) is expected


def test_a_crash_after_the_remove_is_finished_by_the_next_run():
    web = copy.deepcopy(WEB)
    api = FakeApi([NET], [web])
    create = api.create_network

    def die_on_the_real_create(body):
        if not body.get('ConfigOnly'):
            raise KeyboardInterrupt  # what SIGINT does to the module between the remove and the create
        return create(body)

    api.create_network = die_on_the_real_create
    with pytest.raises(KeyboardInterrupt):
        ensure_network(api, params(internal=True))
    api.create_network = create
    web['NetworkSettings']['Networks'] = {}  # the fake's disconnect leaves the record alone; the daemon's does not
    left = journal.journals(api)
    assert [record['network'] for record in left] == ['net'] and [n for n in api.networks.values() if n['Name'] == 'net'] == []
    # The record holds what is needed to finish: the body and every endpoint with its settings.
    assert left[0]['create']['Internal'] is True
    assert left[0]['endpoints'] == [{'container': 'web', 'id': 'w' * 64,
                                     'config': {'IPAMConfig': {'IPv4Address': '10.201.1.5'}, 'Aliases': ['www']}}]
    # Not abandoned while its owner (this process, in the test) runs: pretend the owner is gone.
    api.networks[left[0]['journal_id']]['Labels'][journal.RECORD_LABEL] = json.dumps(
        dict(json.loads(api.networks[left[0]['journal_id']]['Labels'][journal.RECORD_LABEL]), owner=None, started=0))
    checked = ensure_network(api, params(internal=True), check_mode=True)
    assert [a['action'] for a in checked['recovered'][0]['actions']] == ['create', 'connect', 'remove_journal']
    assert journal.journals(api) != []  # check mode wrote nothing
    api.calls = []
    result = ensure_network(api, params(internal=True))
    new_id = [net_id for net_id, net in api.networks.items() if net['Name'] == 'net'][0]
    assert api.calls[:2] == [('create', 'net'), ('connect', new_id, 'w' * 64,
                                                 {'IPAMConfig': {'IPv4Address': '10.201.1.5'}, 'Aliases': ['www']})]
    assert result['recovered'][0]['operation'] == 'recreate' and journal.journals(api) == []
    assert any('interrupted recreate' in warning for warning in result['warnings'])


def test_a_live_owner_holds_the_lock():
    api = FakeApi([NET], [WEB])
    record = journal.recreate_record('net', 'a' * 64, {'Name': 'net'}, {}, [])
    journal.begin(api, record)
    with pytest.raises(LabnetDockerError) as caught:
        journal.begin(api, record)  # the fake has no duplicate check: the oldest journal wins, this one goes
    assert caught.value.details['busy'] is True
    assert 'is being changed by another run (process %d' % os.getpid() in caught.value.msg
    assert len(journal.journals(api)) == 1
