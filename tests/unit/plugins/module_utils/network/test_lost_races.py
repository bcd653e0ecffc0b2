"""A removal that loses to another client doing the same removal finds the work done (issue 14, item 5)."""

from ansible_collections.labnet.docker.plugins.module_utils.common.changes import race_budget
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.apply import ensure_network
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi

from .test_network_manager import NET, WEB, params


class RemovedFirst(FakeApi):
    """Another client removes the network just before this task's own removal."""

    def remove_network(self, net_id):
        self.networks.pop(net_id, None)
        return super().remove_network(net_id)


class DisconnectedFirst(FakeApi):
    """Another client disconnects the container just before this task's own disconnect."""

    def disconnect(self, net_id, container, force=False):
        super().disconnect(net_id, container, force)  # done by the other client ...
        raise LabnetDockerError('disconnecting container %s from network %s failed: container %s is not connected '
                                'to the network %s' % (container, net_id, container, net_id))  # ... so refused here


def test_a_removal_another_client_made_first_is_found_done():
    api = RemovedFirst([NET])
    result = ensure_network(api, params(state='absent'))
    assert result['changed'] is False and result['actions'] == []
    assert api.networks == {}


def test_a_forced_removal_whose_disconnect_another_client_made_first_goes_on():
    api = DisconnectedFirst([NET], [WEB])
    result = ensure_network(api, params(state='absent', force=True))
    assert [action['action'] for action in result['actions']] == ['remove']
    assert result['changed'] is True and api.networks == {}


def test_race_budget_follows_the_plan_size():
    assert race_budget(0) == 2 and race_budget(13) == 14
