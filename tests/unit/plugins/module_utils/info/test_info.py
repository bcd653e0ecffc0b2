import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.info.read import gather_networks, is_dangling


@pytest.mark.parametrize('network, dangling', [
    ({'Name': 'lab', 'Containers': {}}, True),
    ({'Name': 'lab', 'Containers': None}, True),
    ({'Name': 'lab', 'Containers': {'abc': {'Name': 'web'}}}, False),
    ({'Name': 'bridge', 'Containers': {}}, False),
    ({'Name': 'none'}, False),
])
def test_is_dangling(network, dangling):
    assert is_dangling(network) is dangling


def test_dangling_with_both_values_is_refused():
    with pytest.raises(LabnetDockerError, match='^filter dangling: give one value, not both true and false$'):
        gather_networks(None, None, {'dangling': ['true', 'false']}, False)
