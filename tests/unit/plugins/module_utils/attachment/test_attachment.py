import pytest

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import plan_attachment
from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import attachment_from_params
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import half_made
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

NET_ID = 'e' * 64
NET = {'Name': 'labnet', 'Id': NET_ID, 'Driver': 'bridge', 'Scope': 'local', 'EnableIPv6': False,
       'IPAM': {'Config': [{'Subnet': '10.202.1.0/24'}]}, 'Containers': {}}
AUTO = dict(NET, IPAM={'Config': [{'Subnet': '172.18.0.0/16', 'Gateway': '172.18.0.1'}]})


def ctr(name, endpoint=None, mode='default', state='running', network='labnet'):
    cid = (name * 64)[:64]
    networks = {network: endpoint} if endpoint is not None else {}
    return {'Id': cid, 'Name': '/' + name, 'State': {'Status': state}, 'HostConfig': {'NetworkMode': mode},
            'NetworkSettings': {'Networks': networks}}


def ep(ip=None, aliases=None, **extra):
    data = {'IPAMConfig': {'IPv4Address': ip} if ip else None, 'Aliases': aliases, 'NetworkID': NET_ID,
            'IPAddress': ip or '10.202.1.50', 'Links': None, 'DriverOpts': None}
    data.update(extra)
    return data


DEFAULT = object()  # stands for NET; None means "no such network"


def plan(records, net=DEFAULT, api='1.41', others=(), **params):
    net = NET if net is DEFAULT else net
    params.setdefault('network', 'labnet')
    params.setdefault('containers', [r['Name'][1:] if r else 'ghost' for r in records])
    return plan_attachment(attachment_from_params(params), net, records, api, others)


def refused(records, net=DEFAULT, **params):
    with pytest.raises(LabnetDockerError) as info:
        plan(records, net, **params)
    return info.value


def test_connect_sends_only_what_was_asked():
    result = plan([ctr('web')], aliases=['www', 'w'], ipv4_address='10.202.1.10')
    [step] = result.steps
    assert (step.action, step.container) == ('connect', 'web')
    assert step.config == {'IPAMConfig': {'IPv4Address': '10.202.1.10'}, 'Aliases': ['w', 'www']}
    assert step.before is None
    assert step.after['aliases'] == ['w', 'www']
    assert result.network == {'name': 'labnet', 'id': NET_ID}


@pytest.mark.parametrize('endpoint, params', [
    (ep(aliases=['www', 'wwwwwwwwwwww']), {'aliases': ['www']}),     # the short-ID alias is the daemon's
    (ep(aliases=['b', 'a']), {'aliases': ['a', 'b', 'a']}),           # a set
    (ep(ip='10.202.1.10'), {'ipv4_address': '10.202.1.10'}),
    (ep(ip='10.202.1.10', aliases=['x']), {}),                        # nothing asked: nothing compared
    (ep(aliases=None), {'aliases': ['wwwwwwwwwwww']}),                # asking for the own ID alias changes nothing
    (ep(DriverOpts={'k': 'true'}), {'driver_options': {'k': True}}),
])
def test_unchanged(endpoint, params):
    result = plan([ctr('w', endpoint)], **params)
    assert result.steps == []
    assert [entry['container'] for entry in result.unchanged] == ['w']


def test_reconnect_keeps_settings_not_asked_for():
    result = plan([ctr('web', ep(ip='10.202.1.10', aliases=['www']))], ipv4_address='10.202.1.11')
    [step] = result.steps
    assert step.action == 'reconnect'
    assert step.differences == [('ipv4_address', '10.202.1.10', '10.202.1.11')]
    assert step.config == {'IPAMConfig': {'IPv4Address': '10.202.1.11'}, 'Aliases': ['www']}
    assert step.previous == {'IPAMConfig': {'IPv4Address': '10.202.1.10'}, 'Aliases': ['www']}
    assert step.verify_subnet is False                  # the subnet is certainly user-configured


def test_reconnect_keeps_the_gateway_priority():
    result = plan([ctr('web', ep(aliases=['old'], GwPriority=5))], api='1.48', aliases=['new'])
    [step] = result.steps
    assert step.config == {'Aliases': ['new'], 'GwPriority': 5}
    assert step.previous == {'Aliases': ['old'], 'GwPriority': 5}


def test_reconnect_on_changed_aliases_and_force():
    result = plan([ctr('web', ep(aliases=['old']))], aliases=['new'], force=True)
    [step] = result.steps
    assert (step.action, step.force) == ('reconnect', True)
    assert step.differences == [('aliases', ['old'], ['new'])]


def test_reconnect_false_lists_differences():
    error = refused([ctr('web', ep(ip='10.202.1.10', aliases=['old']))], ipv4_address='10.202.1.11',
                    aliases=['new'], reconnect=False)
    assert error.msg == ('container web is connected to network labnet with other settings and reconnect is '
                         'false: ipv4_address: 10.202.1.10 -> 10.202.1.11; aliases: [old] -> [new]')
    assert error.details['differences'] == [
        {'container': 'web', 'field': 'ipv4_address', 'before': '10.202.1.10', 'after': '10.202.1.11',
         'current': '10.202.1.10', 'desired': '10.202.1.11'},  # current/desired: former names, for one release
        {'container': 'web', 'field': 'aliases', 'before': ['old'], 'after': ['new'],
         'current': ['old'], 'desired': ['new']}]


def test_fixed_address_on_a_subnet_that_may_be_the_daemons_is_verified_before_reconnecting():
    endpoint = ep(NetworkID=NET_ID)
    [step] = plan([ctr('web', endpoint)], AUTO, ipv4_address='172.18.0.9').steps
    assert step.verify_subnet is True


@pytest.mark.parametrize('records, network, params, message', [
    ([ctr('web')], None, {}, 'network labnet not found'),
    ([ctr('web')], dict(NET, Name='host', Driver='host'), {},
     'network host: containers cannot be connected to the host network'),
    ([ctr('web')], dict(NET, Name='none', Driver='null'), {},
     'network none: containers cannot be connected to the none network'),
    ([ctr('web')], dict(NET, Ingress=True, Scope='swarm'), {}, 'network labnet is the swarm ingress network'),
    ([ctr('web')], dict(NET, Scope='swarm', Attachable=False), {},
     'network labnet is a swarm network that is not attachable'),
    ([None], NET, {}, 'container ghost not found'),
    ([ctr('web', mode='host')], NET, {}, 'container web uses host networking (network_mode host)'),
    ([ctr('web', mode='none')], NET, {}, 'container web has networking disabled (network_mode none)'),
    ([ctr('web', mode='container:' + 'd' * 64)], NET, {},
     'container web shares the network namespace of container dddddddddddd'),
    ([ctr('web')], NET, {'ipv4_address': '10.202.9.9'},
     'ipv4_address 10.202.9.9 is outside the pools of network labnet (10.202.1.0/24)'),
    ([ctr('web')], NET, {'ipv4_address': '10.202.1.1'},
     "ipv4_address 10.202.1.1 is already held by the network's gateway on network labnet"),
    ([ctr('web')], NET, {'mac_address': '02:42:0a:ca:01:09'},
     'container web: mac_address 02:42:0a:ca:01:09 on network labnet: Docker does not apply a MAC address on '
     'connect'),
    ([ctr('web')], NET, {'gw_priority': 10},
     'gw_priority needs Docker Engine API 1.48 or newer on connect; this daemon speaks 1.41'),
    ([ctr('a'), ctr('b')], NET, {'ipv4_address': '10.202.1.9'},
     'ipv4_address 10.202.1.9: a fixed address can be given to one container only, not to 2'),
    ([ctr('web')], dict(NET, Name='bridge'), {'aliases': ['www']},
     'aliases www: network-scoped aliases work only on user-defined networks, not on the default bridge'),
    ([ctr('web')], dict(NET, Name='bridge'), {'ipv4_address': '10.202.1.9'},
     'ipv4_address 10.202.1.9: fixed addresses work only on user-defined networks'),
])
def test_refusals(records, network, params, message):
    error = refused(records, network, **params)
    assert message in error.msg


def test_address_held_by_a_stopped_container_is_refused():
    other = ctr('db', ep(ip='10.202.1.9'), state='exited')
    error = refused([ctr('web')], others=[other], ipv4_address='10.202.1.9')
    assert error.msg == 'ipv4_address 10.202.1.9 is already held by container db (exited) on network labnet'


def test_one_bad_container_refuses_the_whole_task_and_every_problem_is_named():
    error = refused([ctr('a'), None, ctr('c', mode='host')], containers=['a', 'ghost', 'c'])
    assert error.details['problems'] == [
        'container ghost not found',
        'container c uses host networking (network_mode host) and cannot be connected to network labnet']


def test_the_same_container_twice_is_one_step():
    web = ctr('web')
    result = plan([web, web], containers=['web', web['Id']], ipv4_address='10.202.1.9')
    assert [step.container for step in result.steps] == ['web']


@pytest.mark.parametrize('records, network, actions, unchanged', [
    ([ctr('web', ep())], NET, ['disconnect'], []),
    ([ctr('web')], NET, [], ['web']),                     # not connected
    ([None], NET, [], ['ghost']),                         # no such container
    ([ctr('web', ep())], None, [], ['web']),              # no such network
    ([ctr('web', ep(), state='created')], NET, ['disconnect'], []),
])
def test_absent(records, network, actions, unchanged):
    result = plan(records, network, state='absent', force=True)
    assert [step.action for step in result.steps] == actions
    assert all(step.force for step in result.steps)
    assert [entry['container'] for entry in result.unchanged] == unchanged


def test_absent_from_host_networking_is_refused():
    host = dict(NET, Name='host', Driver='host')
    error = refused([ctr('web', {}, mode='host', network='host')], host, state='absent', network='host')
    assert 'container web is on the host network through its network_mode' in error.msg


@pytest.mark.parametrize('params, message', [
    ({'network': 'n'}, 'give container or containers'),
    ({'network': 'n', 'containers': ['a', ' ']}, "containers: ' ' is not a container name or ID"),
    ({'network': 'n', 'container': 'a', 'aliases': ['']}, "aliases: '' is not a valid alias"),
    ({'network': 'n', 'container': 'a', 'ipv4_address': 'fd00::1'}, 'ipv4_address fd00::1 is not an IPv4 address'),
    ({'network': 'n', 'container': 'a', 'mac_address': 'zz'}, "mac_address 'zz' is not a MAC address"),
    ({'network': '', 'container': 'a'}, "network '' is not a network name or ID"),
    ({'network': '  ', 'container': 'a'}, "network '  ' is not a network name or ID"),
])
def test_bad_parameters(params, message):
    with pytest.raises(LabnetDockerError, match=message):
        attachment_from_params(params)


def test_container_and_containers_combine_without_duplicates():
    attachment = attachment_from_params({'network': 'n', 'container': 'a', 'containers': ['b', 'a']})
    assert attachment.containers == ['a', 'b']


def test_a_running_containers_entry_without_endpoint_is_not_a_connection():
    # What the daemon leaves in a running container's record after refusing a connect.
    stale = ctr('web', ep(ip='10.202.1.10', NetworkID='', EndpointID='', IPAddress=''))
    stale['State']['Running'] = True
    result = plan([stale], ipv4_address='10.202.1.10')
    assert [(step.action, step.container) for step in result.steps] == [('connect', 'web')]
    assert plan([stale], state='absent').steps == []
    live = ctr('web', ep(ip='10.202.1.10', EndpointID='f' * 64))
    live['State']['Running'] = True
    assert plan([live], ipv4_address='10.202.1.10').steps == []
    row = dict(stale, State='running')  # a listing row, as the topology passes them
    assert [step.action for step in plan([row], ipv4_address='10.202.1.10').steps] == ['connect']
    assert plan([dict(live, State='running')], ipv4_address='10.202.1.10').steps == []


def running(name, endpoint):
    record = ctr(name, endpoint)
    record['State'] = {'Running': True, 'Status': 'running'}
    return record


@pytest.mark.parametrize('record, members, expected', [
    (running('web', ep(EndpointID='x')), set(), True),  # the record has it, the network does not
    (running('web', ep(EndpointID='x')), {('web' * 64)[:64]}, False),  # a live endpoint
    (running('web', ep(EndpointID='x')), None, False),  # only a listing row was read: cannot tell
    (ctr('web', ep(EndpointID='x'), state='exited'), set(), False),  # stopped containers have no live endpoint
    (running('web', None), set(), False),
])
def test_half_made(record, members, expected):
    assert half_made(record, NET, members) is expected


def test_half_made_endpoint_is_connected_for_real_or_cleared():
    record = running('web', ep(EndpointID='x'))
    present = plan_attachment(attachment_from_params({'network': 'labnet', 'container': 'web'}), NET, [record],
                              '1.41', members=set())
    assert [(step.action, step.repair) for step in present.steps] == [('connect', True)]
    absent = plan_attachment(attachment_from_params({'network': 'labnet', 'container': 'web', 'state': 'absent'}),
                             NET, [record], '1.41', members=set())
    assert [(step.action, step.repair) for step in absent.steps] == [('clear', True)]
    # without members (a listing row) the record is taken at its word
    assert plan_attachment(attachment_from_params({'network': 'labnet', 'container': 'web'}), NET, [record],
                           '1.41').steps == []
