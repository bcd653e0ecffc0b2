"""lab.apply on the fake daemon: the check-mode plan is the real run's, nothing is written in check mode,
and a step the daemon refuses half-way is reported as the change it made."""

import copy

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.apply import converge_lab
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi


def lab(internal=False, image='labnet/busybox:latest'):
    return dict(lab='l1', prefix='p-', definition={
        'networks': [{'name': 'front', 'internal': internal, 'ipam_config': [{'subnet': '10.230.1.0/24'}]},
                     {'name': 'back', 'ipam_config': [{'subnet': '10.230.2.0/24'}]}],
        'containers': [{'name': 'web', 'image': image, 'networks': ['front', {'name': 'back', 'aliases': ['api']}]},
                       {'name': 'side', 'network_mode': 'container:web'}]})


def check_then_run(api, params):
    """(check-mode result, the writes it made, real result): the check runs on a copy of the daemon."""
    snapshot = copy.deepcopy(api)
    before = list(snapshot.writes)
    planned = converge_lab(snapshot, params, check_mode=True)
    return planned, snapshot.writes[len(before):], converge_lab(api, params)


def test_from_nothing_check_mode_plans_the_build_and_writes_nothing():
    api = FakeApi()
    planned, writes, built = check_then_run(api, lab())
    assert writes == []
    assert planned['plan'] == ['create network p-front', 'create network p-back', 'create container p-web (missing)',
                               'create container p-side (missing)', 'connect p-web to p-back (once it is created)']
    assert [line for line in built['plan'] if 'network' in line or 'container' in line] == planned['plan'][:4]
    assert [line for line in built['plan'] if line.startswith('connect')] == ['connect p-web to p-back (aliases [api])']
    assert built['changed'] and converge_lab(api, lab())['plan'] == []


def test_a_network_re_created_under_its_containers_is_planned_once_as_it_is_done():
    api = FakeApi()
    converge_lab(api, lab())
    planned, writes, done = check_then_run(api, lab(internal=True))
    assert writes == []
    assert planned['plan'] == done['plan'] and planned['actions'] == done['actions']
    assert len([line for line in done['plan'] if line.startswith('remove network p-front')]) == 1
    assert converge_lab(api, lab(internal=True))['changed'] is False


class RefusingCreate(FakeApi):
    def create_container(self, name, body):
        raise LabnetDockerError('creating container %s failed: no such image: %s' % (name, body['Image']))


def test_a_re_create_the_daemon_refuses_half_way_is_a_change_and_a_failing_row():
    api = RefusingCreate()
    FakeApi.create_container(api, 'p-web', dict(Image='old', Labels={'labnet.docker.lab': 'l1'}, HostConfig={}))
    result = converge_lab(api, lab(image='labnet/other:1'))
    assert result['changed'] is True
    assert 'recreate container p-web (no recorded spec (made by another version, or by hand)): removed, then create ' \
           'failed' in result['plan']
    assert [(row['check'], row['observed']) for row in result['failed_rows']] == [
        ('container p-web is re-created (no recorded spec (made by another version, or by hand))',
         'creating container p-web failed: no such image: labnet/other:1'),
        ('container p-side is created (missing)', 'not run: container p-web failed')]
    assert 'p-web' not in [record['Name'][1:] for record in api.containers.values()]
