import pytest

from ansible_collections.labnet.docker.plugins.module_utils.attachment.strays import (
    exclusive_problems, find_strays, stray_steps, without_strays)

NET = {'Name': 'labnet', 'Id': 'e' * 64, 'Containers': {'a' * 64: {'Name': 'a'}, 's' * 64: {'Name': 's'}}}


def row(name, endpoint=True, state='running', network='labnet'):
    """A container listing row; ``endpoint`` False is the leftover of a refused connect (no IDs)."""
    ep = {'NetworkID': NET['Id'] if network == 'labnet' else 'f' * 64, 'EndpointID': 'x' * 64, 'IPAMConfig': {'IPv4Address': '10.1.0.9'},
          'Aliases': ['old']} if endpoint else {'NetworkID': '', 'EndpointID': ''}
    return {'Id': (name * 64)[:64], 'Names': ['/' + name], 'State': state,
            'NetworkSettings': {'Networks': {network: ep}}}


@pytest.mark.parametrize('state, network, expected', [
    ('present', NET, []),
    ('present', None, []),  # the planner reports the missing network
    ('absent', NET, ['exclusive applies to state present only (a task that disconnects its own containers from '
                     'network labnet leaves the others alone)']),
    ('present', dict(NET, Name='bridge'), [
        'exclusive cannot be used on the predefined network bridge: every container started without a network '
        'option is on it, and all those the task does not list would lose their networking']),
    ('present', dict(NET, Name='none'), [
        'exclusive cannot be used on the predefined network none: containers are on it through their '
        'network_mode, which is fixed when a container is created']),
])
def test_exclusive_problems(state, network, expected):
    assert exclusive_problems(state, network, 'labnet') == expected


@pytest.mark.parametrize('rows, wanted, expected', [
    ([row('a'), row('s')], ['a' * 64], ['s']),
    ([row('a'), row('s', state='exited'), row('c', state='created')], ['a' * 64], ['c', 's']),  # sorted by name
    ([row('s', endpoint=False)], [], []),                      # refused connect: not connected
    ([row('s', endpoint=False, state='exited')], [], ['s']),   # a stopped container keeps its endpoint config
    ([row('s', network='other')], [], []),
    ([row('s'), row('s')], [], ['s']),
])
def test_find_strays(rows, wanted, expected):
    assert [r['Names'][0][1:] for r in find_strays(NET, wanted, rows)] == expected


def test_without_strays_frees_their_addresses():
    rows = [row('a'), row('s')]
    network, rest = without_strays(NET, rows, [rows[1]])
    assert list(network['Containers']) == ['a' * 64] and [r['Id'] for r in rest] == ['a' * 64]
    assert len(NET['Containers']) == 2  # the caller's network is left as it was


def test_stray_steps():
    record = dict(row('s', state='running'), Name='/s', State={'Status': 'running', 'Running': True})
    steps = stray_steps(NET, [record, None], force=True)
    assert [(s.action, s.container, s.force, s.after) for s in steps] == [('disconnect', 's', True, None)]
    assert steps[0].before['ipv4_address'] == '10.1.0.9' and steps[0].before['aliases'] == ['old']
