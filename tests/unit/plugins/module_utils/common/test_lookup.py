import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.lookup import (
    DAEMON_NETWORKS, MODE_ONLY_NETWORKS, PREDEFINED_NETWORKS, pick, pick_container, pick_network)

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


C1 = {'Id': 'c1' + 'a' * 62, 'Names': ['/web'], 'State': 'running'}
C2 = {'Id': 'c2' + 'b' * 62, 'Names': ['/db', '/web/db'], 'State': 'exited'}
C3 = {'Id': 'c3' + 'b' * 62, 'Names': ['/other'], 'State': 'running'}
INSPECTED = {'Id': 'c4' + 'c' * 62, 'Name': '/inspected', 'State': {'Status': 'created'}}
CONTAINERS = [C1, C2, C3, INSPECTED]


@pytest.mark.parametrize('ref, expected', [
    ('web', C1), ('/web', C1), ('db', C2), (C3['Id'], C3), ('c1', C1), ('c3b', C3),
    ('inspected', INSPECTED),        # an inspect record's Name
    ('c4', INSPECTED),
    ('nope', None),
    ('web/db', None),                # a legacy link name is not the container's own
    ('we', None),                    # a name prefix never matches
    ('', None), (None, None),
])
def test_pick_container(ref, expected):
    assert pick_container(CONTAINERS, ref) is expected


@pytest.mark.parametrize('kind, rows, ref, message', [
    ('container', CONTAINERS, 'c', 'container ID prefix c is ambiguous: it matches db, inspected, other, web'),
    ('container', CONTAINERS, 'c3', None),
    ('network', ROWS, 'ab', 'network ID prefix ab is ambiguous: it matches db, web'),
    ('network', ROWS, 'a', 'network ID prefix a is ambiguous: it matches db, web'),
])
def test_one_rule_for_ambiguous_prefixes(kind, rows, ref, message):
    """Networks and containers follow the same rule: an ambiguous ID prefix is an error naming the candidates."""
    if message is None:
        assert pick(rows, ref, kind) is not None
        return
    with pytest.raises(LabnetDockerError) as caught:
        pick(rows, ref, kind)
    assert caught.value.msg == message


def test_pick_network_and_pick_container_are_the_same_rule():
    rows = [{'Name': 'same', 'Names': ['/same'], 'Id': 'ab' + '0' * 62}, {'Name': 'x', 'Names': ['/x'], 'Id': 'ac' + '0' * 62}]
    for ref in ('same', 'ab', 'ac0', 'a' + '0', 'zz'):
        try:
            expected = pick_network(rows, ref)
        except LabnetDockerError as exc:
            with pytest.raises(LabnetDockerError, match='ambiguous'):
                pick_container(rows, ref)
            assert 'ambiguous' in exc.msg
            continue
        assert pick_container(rows, ref) is expected


@pytest.mark.parametrize('name, predefined, mode_only, daemon', [
    ('bridge', True, False, True),
    ('host', True, True, True),
    ('none', True, True, True),
    ('docker_gwbridge', False, False, True),
    ('default', False, False, True),
    ('ingress', False, False, False),  # the swarm's ingress is protected by its Ingress flag, not its name
    ('lab-net', False, False, False),
])
def test_network_sets(name, predefined, mode_only, daemon):
    assert (name in PREDEFINED_NETWORKS, name in MODE_ONLY_NETWORKS, name in DAEMON_NETWORKS) == (
        predefined, mode_only, daemon)
    assert MODE_ONLY_NETWORKS <= PREDEFINED_NETWORKS <= DAEMON_NETWORKS
