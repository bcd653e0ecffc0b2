import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.filter.labels import lab_labels


def test_lab_labels():
    assert lab_labels('classroom', 'default_bridge') == {
        'labnet.docker.managed': 'true', 'labnet.docker.lab': 'classroom', 'labnet.docker.scenario': 'default_bridge'}
    assert lab_labels('classroom') == {'labnet.docker.managed': 'true', 'labnet.docker.lab': 'classroom'}


@pytest.mark.parametrize('lab', ['', None, 3])
def test_lab_labels_refuse_a_missing_lab(lab):
    with pytest.raises(AnsibleFilterError, match='lab_labels needs the lab name'):
        lab_labels(lab, 'x')
