import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import pick_network

ROWS = [
    {'Name': 'web', 'Id': 'abc123' + '0' * 58},
    {'Name': 'abc', 'Id': 'def456' + '0' * 58},
    {'Name': 'db', 'Id': 'abd999' + '0' * 58},
]


@pytest.mark.parametrize('ref, expected', [
    ('web', 'web'),                  # exact name
    ('abc', 'abc'),                  # exact name wins over an ID prefix
    ('def456' + '0' * 58, 'abc'),    # full ID
    ('abc1', 'web'),                 # unique ID prefix
    ('we', None),                    # a name prefix never matches
    ('zzz', None),
    ('', None),
])
def test_pick_network(ref, expected):
    row = pick_network(ROWS, ref)
    assert (row['Name'] if row else None) == expected


def test_ambiguous_prefix_names_candidates():
    with pytest.raises(LabnetDockerError, match='ambiguous: it matches db, web'):
        pick_network(ROWS, 'ab')


def test_duplicate_names_are_reported():
    rows = ROWS + [{'Name': 'web', 'Id': 'fff' + '0' * 61}]
    with pytest.raises(LabnetDockerError, match='network name web is ambiguous'):
        pick_network(rows, 'web')
