import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import (
    NetworkFacts, choose_network, created_key, decide, plan_network, public_actions)
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import spec_from_params

NET = {'Name': 'net', 'Id': 'a' * 64, 'Created': '2026-01-01T00:00:01.5Z', 'Scope': 'local', 'Driver': 'bridge',
       'EnableIPv6': True, 'Internal': False, 'Attachable': False, 'Ingress': False, 'ConfigOnly': False,
       'ConfigFrom': {'Network': ''}, 'Options': {}, 'Labels': {},
       'IPAM': {'Driver': 'default', 'Config': [{'Subnet': '10.201.1.0/24'}, {'Subnet': 'fd00:201:1::/64'}]}}
OTHER = dict(NET, Name='other', Id='b' * 64, EnableIPv6=False, IPAM={'Driver': 'default',
                                                                     'Config': [{'Subnet': '10.201.8.0/24'}]})
CFG = dict(NET, Name='cfg', Id='c' * 64, ConfigOnly=True, Driver='null')
BRIDGE = dict(NET, Name='bridge', Id='d' * 64, EnableIPv6=False,
              IPAM={'Driver': 'default', 'Config': [{'Subnet': '172.17.0.0/16'}]})
ROWS = [NET, OTHER, CFG, BRIDGE]


def endpoint(name, ipv4=None, ipv6=None, aliases=(), running=True):
    return dict(container=name, id=name + '-id', running=running,
                settings=dict(ipv4_address=ipv4, ipv6_address=ipv6, aliases=list(aliases), links=[],
                              driver_options={}, mac_address='02:42:0a:c9:01:05'))


ENDPOINTS = [endpoint('web', '10.201.1.5', 'fd00:201:1::5', ['www']), endpoint('app', running=False),
             endpoint('db', '10.201.1.6')]


def facts(network='net', duplicates=(), version='1.41'):
    network = NET if network == 'net' else network
    return NetworkFacts(network=network, rows=list(ROWS), api_version=version, duplicates=list(duplicates))


class Listed:
    """A reader with known endpoints that counts what the planner asks for."""

    def __init__(self, endpoints=()):
        self.known = list(endpoints)
        self.asked = []

    def endpoints(self, network, verb):
        self.asked.append((network['Name'], verb))
        return self.known


def spec(**params):
    return spec_from_params(dict(name='net', **params))


def kinds(plan):
    return [(a['action'], a.get('container')) for a in plan.tracker.actions]


@pytest.mark.parametrize('created, expected_first', [
    (['2026-01-01T00:00:01.9Z', '2026-01-01T00:00:01.10000001Z'], 1),  # trailing zeros trimmed by the daemon
    (['2026-01-01T00:00:02Z', '2026-01-01T00:00:01.999999999Z'], 1),
    (['2026-01-01T00:00:01.5Z', '2026-01-01T00:00:01.5Z'], 0),          # same time: lowest ID
])
def test_choose_network_keeps_oldest_then_lowest_id(created, expected_first):
    rows = [{'Name': 'n', 'Id': '1' * 64, 'Created': created[0]}, {'Name': 'n', 'Id': '2' * 64, 'Created': created[1]},
            {'Name': 'nn', 'Id': '0' * 64, 'Created': '2000-01-01T00:00:00Z'}]
    kept, duplicates = choose_network(rows, 'n')
    assert kept is rows[expected_first]
    assert duplicates == [rows[1 - expected_first]]


def test_created_key_orders_fractions_numerically():
    assert created_key({'Created': '2026-01-01T00:00:01.9Z'}) > created_key({'Created': '2026-01-01T00:00:01.10Z'})


@pytest.mark.parametrize('state, network, recreate, params, verb', [
    ('present', None, 'on_change', {}, 'create'),
    ('present', NET, 'on_change', {}, 'none'),
    ('present', NET, 'always', {}, 'recreate'),
    ('present', NET, 'on_change', {'internal': True}, 'recreate'),
    ('absent', NET, 'on_change', {}, 'remove'),
    ('absent', None, 'on_change', {}, 'none'),
    ('present', BRIDGE, 'on_change', {}, 'none'),
])
def test_decide(state, network, recreate, params, verb):
    name = network['Name'] if network else 'net'
    assert decide(spec_from_params(dict(name=name, **params)), state, network, recreate, '1.41')[0] == verb


@pytest.mark.parametrize('name, state, recreate, params, message', [
    ('bridge', 'absent', 'on_change', {}, 'bridge is a network predefined by Docker; it cannot be removed'),
    ('bridge', 'present', 'on_change', {'internal': True},
     'bridge is a network predefined by Docker; it cannot be recreated (internal: False -> True)'),
    ('bridge', 'present', 'always', {}, 'bridge is a network predefined by Docker; it cannot be recreated '
                                        '(recreate is always)'),
    ('net', 'present', 'never', {'internal': True, 'labels': {'a': 'b'}},
     "network net differs from the task and recreate is never: internal: False -> True; labels: {} -> {a: b}"),
    ('net', 'present', 'on_change', {'enable_ipv4': False, 'enable_ipv6': True},
     'enable_ipv4 needs Docker Engine API 1.47 or newer; the daemon speaks 1.41'),
])
def test_decide_refuses(name, state, recreate, params, message):
    network = BRIDGE if name == 'bridge' else NET
    with pytest.raises(LabnetDockerError) as caught:
        decide(spec_from_params(dict(name=name, **params)), state, network, recreate, '1.41')
    assert caught.value.msg == message


def test_plan_create_checks_overlap_with_other_networks():
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(ipam_config=[{'subnet': '10.201.8.128/25'}]), 'present', facts(network=None))
    assert caught.value.msg == 'ipam_config[0].subnet 10.201.8.128/25 overlaps subnet 10.201.8.0/24 of existing network other'


def test_plan_create():
    plan = plan_network(spec(internal=True), 'present', facts(network=None))
    assert public_actions(plan.tracker.actions) == [{'action': 'create', 'network': 'net'}]
    assert plan.tracker.actions[0]['_body']['Internal'] is True
    assert plan.diff == {'before': {'state': 'absent'},
                         'after': {'state': 'present', 'internal': True, 'labels': {'labnet.docker.managed': 'true'}}}


def test_plan_recreate_restores_endpoints_fixed_addresses_first():
    plan = plan_network(spec(internal=True), 'present', facts(), Listed(ENDPOINTS))
    assert kinds(plan) == [('disconnect', 'app'), ('disconnect', 'db'), ('disconnect', 'web'), ('remove', None),
                           ('create', None), ('connect', 'db'), ('connect', 'web'), ('connect', 'app')]
    connects = [a for a in public_actions(plan.tracker.actions) if a['action'] == 'connect']
    assert connects[1] == {'action': 'connect', 'network': 'net', 'container': 'web',
                           'endpoint': {'ipv4_address': '10.201.1.5', 'ipv6_address': 'fd00:201:1::5',
                                        'aliases': ['www']}}
    assert connects[2]['endpoint'] == {}  # a dynamic address is not pinned, and the MAC is not restored
    assert plan.diff == {
        'before': {'state': 'present', 'internal': False, 'endpoints': ['app', 'db', 'web']},
        'after': {'state': 'recreated (removed and created again)', 'internal': True, 'endpoints': [
            'db: disconnected, then reconnected with ipv4_address=10.201.1.6',
            'web: disconnected, then reconnected with aliases=www, ipv4_address=10.201.1.5, ipv6_address=fd00:201:1::5',
            'app: disconnected, then reconnected']}}
    assert plan.tracker.actions[4]['_body']['IPAM']['Config'] == [{'Subnet': '10.201.1.0/24'},
                                                                  {'Subnet': 'fd00:201:1::/64'}]


def test_plan_recreate_refuses_kept_address_outside_new_pools():
    params = dict(enable_ipv6=True, ipam_config=[{'subnet': '10.201.2.0/24'}, {'subnet': 'fd00:201:1::/64'}])
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(**params), 'present', facts(), Listed(ENDPOINTS))
    assert caught.value.msg == (
        'container web: ipv4_address 10.201.1.5 is outside the pools of network net (10.201.2.0/24); '
        'container db: ipv4_address 10.201.1.6 is outside the pools of network net (10.201.2.0/24); '
        'nothing was changed')


def test_plan_recreate_turning_ipv6_off_refuses_kept_ipv6_address():
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(enable_ipv6=False), 'present', facts(), Listed(ENDPOINTS))
    assert caught.value.msg == ('container web: ipv6_address fd00:201:1::5: network net does not have IPv6 enabled; '
                                'nothing was changed')


def test_plan_recreate_may_reuse_its_own_pools():
    plan = plan_network(spec(enable_ipv6=True, ipam_config=[{'subnet': '10.201.1.0/24', 'gateway': '10.201.1.1'},
                                                            {'subnet': 'fd00:201:1::/64'}]),
                        'present', facts(), Listed([]))
    assert plan.verb == 'recreate'


def test_plan_recreate_needs_a_reader():
    with pytest.raises(ValueError):
        plan_network(spec(internal=True), 'present', facts())


def test_plan_absent_with_containers_needs_force():
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(), 'absent', facts(), Listed(ENDPOINTS))
    assert caught.value.msg == ('network net has attached containers: app, db, web; '
                                'set force: true to disconnect them and remove it')
    plan = plan_network(spec(), 'absent', facts(), Listed(ENDPOINTS), force=True)
    assert kinds(plan) == [('disconnect', 'app'), ('disconnect', 'db'), ('disconnect', 'web'), ('remove', None)]
    assert all(a['_force'] for a in plan.tracker.actions if a['action'] == 'disconnect')


def test_plan_duplicates_removed_unless_attached():
    duplicates = [dict(id='e' * 64, created='x', containers=[]), dict(id='f' * 64, created='y', containers=['c1'])]
    plan = plan_network(spec(), 'present', facts(duplicates=duplicates))
    assert public_actions(plan.tracker.actions) == [
        {'action': 'remove_duplicate', 'network': 'net', 'id': 'e' * 64, 'kept': 'a' * 64}]
    assert plan.warnings == [
        'network name net was carried by 3 networks; kept aaaaaaaaaaaa (the oldest), removed duplicate eeeeeeeeeeee',
        'network name net is also carried by network ffffffffffff, which has attached containers (c1); it was left '
        'alone and aaaaaaaaaaaa is managed']


def test_plan_config_from_resolution():
    plan = plan_network(spec(config_from='c' * 12), 'present', facts(network=None))
    assert plan.tracker.actions[0]['_body']['ConfigFrom'] == {'Network': 'cfg'}
    with pytest.raises(LabnetDockerError, match='^config_from network nope does not exist$'):
        plan_network(spec(config_from='nope'), 'present', facts(network=None))
    with pytest.raises(LabnetDockerError, match=r'^config_from network other is not a config-only network \(create it '
                                                r'with config_only: true\)$'):
        plan_network(spec(config_from='other'), 'present', facts(network=None))


def test_plan_config_from_network_cannot_take_labels_on_recreate():
    network = dict(NET, ConfigFrom={'Network': 'cfg'}, Labels={'a': 'b'})
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(labels={'x': 'y'}), 'present', facts(network=network), Listed())
    assert caught.value.msg == ('labels cannot be set together with config_from: network net takes its '
                                'configuration from cfg')


@pytest.mark.parametrize('driver', [None, 'bridge'])
def test_plan_bridge_takes_one_pool_per_family(driver):
    params = dict(ipam_config=[{'subnet': '10.201.5.0/24'}, {'subnet': '10.201.6.0/24'}])
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(driver=driver, **params), 'present', facts(network=None))
    assert caught.value.msg == 'ipam_config has 2 IPv4 pools, but the bridge driver takes one IPv4 and one IPv6 pool at most'
    assert plan_network(spec(driver='macvlan', **params), 'present', facts(network=None)).verb == 'create'


def test_plan_recreate_refuses_kept_address_reserved_by_new_pool():
    params = dict(enable_ipv6=True, ipam_config=[
        {'subnet': '10.201.1.0/24', 'gateway': '10.201.1.5', 'aux_addresses': {'router': '10.201.1.6'}},
        {'subnet': 'fd00:201:1::/64'}])
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(**params), 'present', facts(), Listed(ENDPOINTS))
    assert caught.value.msg == (
        "container web: ipv4_address 10.201.1.5 is already held by the network's gateway on network net; "
        'container db: ipv4_address 10.201.1.6 is already held by auxiliary address router on network net; '
        'nothing was changed')


@pytest.mark.parametrize('state, params, word', [('absent', {}, 'removed'), ('present', {'labels': {'a': 'b'}}, 'recreated')])
def test_plan_refuses_a_configuration_network_in_use(state, params, word):
    user = dict(NET, Name='user', Id='e' * 64, ConfigFrom={'Network': 'cfg'})
    plan_facts = NetworkFacts(network=CFG, rows=ROWS + [user], api_version='1.41')
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec_from_params(dict(name='cfg', **params)), state, plan_facts, Listed(), force=True)
    assert caught.value.msg == ('network cfg cannot be %s: user take their configuration from it (config_from); '
                                'remove them first' % word)


def test_plan_recreate_checks_kept_addresses_against_the_configuration_network():
    cfg = dict(CFG, IPAM={'Driver': 'default', 'Config': [{'Subnet': '10.201.9.0/24'}]}, EnableIPv6=False)
    network = dict(NET, ConfigFrom={'Network': 'cfg'}, EnableIPv6=False, IPAM=cfg['IPAM'])
    plan_facts = NetworkFacts(network=network, rows=[network, cfg], api_version='1.41')
    assert plan_network(spec(internal=True), 'present', plan_facts, Listed([endpoint('web', '10.201.9.5')])).verb == 'recreate'
    with pytest.raises(LabnetDockerError, match=r'^container web: ipv4_address 10.201.1.5 is outside the pools of '
                                                r'network net \(10.201.9.0/24\); nothing was changed$'):
        plan_network(spec(internal=True), 'present', plan_facts, Listed([endpoint('web', '10.201.1.5')]))


@pytest.mark.parametrize('state, params, verb, asked', [
    ('present', {}, 'none', []),
    ('present', {'internal': False}, 'none', []),
    ('present', {'internal': True}, 'recreate', [('net', 'recreate')]),
    ('absent', {}, 'remove', [('net', 'remove')]),
])
def test_plan_reads_endpoints_only_when_the_verb_needs_them(state, params, verb, asked):
    reader = Listed()
    assert plan_network(spec(**params), state, facts(), reader).verb == verb
    assert reader.asked == asked
    reader = Listed()
    absent_verb = 'create' if state == 'present' else 'none'
    assert plan_network(spec(**params), state, facts(network=None), reader).verb == absent_verb
    assert reader.asked == []


@pytest.mark.parametrize('recreate', ['never', 'on_change'])
def test_plan_config_from_given_by_id_is_resolved_before_the_comparison(recreate):
    """config_from by ID (or ID prefix) means the configuration network's name: nothing differs, nothing is read."""
    network = dict(NET, ConfigFrom={'Network': 'cfg'})
    for ref in ('c' * 64, 'c' * 12):
        reader = Listed()
        plan = plan_network(spec(config_from=ref), 'present', facts(network=network), reader, recreate=recreate)
        assert (plan.verb, plan.tracker.differences, reader.asked) == ('none', [], [])


def test_plan_config_from_by_id_still_compares_against_another_configuration_network():
    other_cfg = dict(CFG, Name='cfg2', Id='9' * 64)
    plan_facts = NetworkFacts(network=dict(NET, ConfigFrom={'Network': 'cfg'}), rows=ROWS + [other_cfg],
                              api_version='1.41')
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(config_from='9' * 12), 'present', plan_facts, Listed(), recreate='never')
    assert caught.value.msg == 'network net differs from the task and recreate is never: config_from: cfg -> cfg2'


@pytest.mark.parametrize('params, message', [
    (dict(ingress=True), 'ingress: true needs driver overlay: only a swarm-scope overlay network can be the ingress '
                         'network (driver is bridge)'),
    (dict(ingress=True, driver='macvlan'), 'ingress: true needs driver overlay'),
    (dict(ipam_driver='null'), 'ipam_driver null gives the network no IPv4 pool, and the bridge driver needs one'),
    (dict(ipam_driver='null', driver='bridge'), 'ipam_driver null gives the network no IPv4 pool'),
])
def test_plan_create_refuses_drivers_the_daemon_refuses(params, message):
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(**params), 'present', facts(network=None))
    assert caught.value.msg.startswith(message)


@pytest.mark.parametrize('params', [dict(ingress=True, driver='overlay'), dict(ipam_driver='null', driver='null'),
                                    dict(ingress=False), dict(ipam_driver='default')])
def test_plan_create_accepts_drivers_that_work(params):
    plan = plan_network(spec(**params), 'present', facts(network=None))
    assert [action['action'] for action in plan.tracker.actions] == ['create']


class SwarmReader:
    def __init__(self, role):
        self.role, self.asked = role, 0

    def swarm_role(self):
        self.asked += 1
        return self.role

    def endpoints(self, network, verb):
        return []


@pytest.mark.parametrize('params, role, message', [
    (dict(driver='overlay'), 'inactive', 'driver overlay needs a swarm: this engine is not in one (swarm state '
                                         'inactive); run docker swarm init or join one first'),
    (dict(scope='swarm'), 'pending', 'scope swarm needs a swarm: this engine is not in one (swarm state pending)'),
    (dict(scope='global'), 'worker', 'scope global needs a swarm manager: this engine is a swarm worker'),
    (dict(driver='overlay', attachable=True), 'worker', 'driver overlay needs a swarm manager'),
    (dict(driver='overlay'), 'manager', None),
    (dict(scope='swarm'), 'manager', None),
])
def test_plan_create_needs_a_swarm_manager_for_swarm_networks(params, role, message):
    reader = SwarmReader(role)
    if message is None:
        plan = plan_network(spec(**params), 'present', facts(network=None), reader)
        assert [action['action'] for action in plan.tracker.actions] == ['create']
    else:
        with pytest.raises(LabnetDockerError) as caught:
            plan_network(spec(**params), 'present', facts(network=None), reader)
        assert caught.value.msg.startswith(message)
    assert reader.asked == 1


@pytest.mark.parametrize('params', [dict(), dict(driver='macvlan'), dict(scope='local'),
                                    dict(driver='overlay')])
def test_plan_asks_the_swarm_role_only_when_a_create_needs_it(params):
    reader = SwarmReader('inactive')
    try:
        plan_network(spec(**params), 'present', facts(network=None), reader)
    except LabnetDockerError:
        pass
    assert reader.asked == (1 if params.get('driver') == 'overlay' else 0)
    try:
        plan_network(spec(**params), 'present', facts(), reader)  # exists: only a re-create to overlay asks
    except LabnetDockerError:
        pass
    assert reader.asked == (2 if params.get('driver') == 'overlay' else 0)


class DriverReader:
    """A reader whose engine offers ``offered`` beyond the built-in drivers; counts the reads."""

    def __init__(self, network=(), ipam=()):
        self.offered = dict(driver=['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'] + list(network),
                            ipam_driver=list(ipam))
        self.asked = []

    def drivers(self, field):
        self.asked.append(field)
        return self.offered[field]

    def swarm_role(self):
        return 'manager'

    def endpoints(self, network, verb):
        return []


WEAVE = dict(NET, Name='woven', Id='e' * 64, Driver='weave', IPAM={'Driver': 'infoblox', 'Config': []})


@pytest.mark.parametrize('params, reader, rows, message', [
    (dict(driver='weave'), DriverReader(), ROWS,
     'driver weave: this engine has no network driver of that name (built in: bridge, host, ipvlan, macvlan, null, '
     'overlay; plugins: none); install and enable the plugin first'),
    (dict(ipam_driver='infoblox'), DriverReader(network=['vieux/net:latest']), ROWS,
     'ipam_driver infoblox: this engine has no IPAM driver of that name (built in: default, null; plugins: none)'),
    (dict(driver='weave', ipam_driver='infoblox'), DriverReader(network=['other']), ROWS,
     'driver weave: this engine has no network driver of that name (built in: bridge, host, ipvlan, macvlan, null, '
     'overlay; plugins: other); install and enable the plugin first; ipam_driver infoblox: this engine has no IPAM'),
    (dict(driver='weave'), DriverReader(network=['weave']), ROWS, None),                # a managed plugin
    (dict(driver='vieux/net'), DriverReader(network=['vieux/net:latest']), ROWS, None),  # :latest is the default tag
    (dict(driver='vieux/net:latest'), DriverReader(network=['vieux/net']), ROWS, None),
    (dict(ipam_driver='infoblox:latest'), DriverReader(ipam=['infoblox:latest']), ROWS, None),
    (dict(driver='weave', ipam_driver='infoblox'), DriverReader(), ROWS + [WEAVE], None),  # in use: a legacy plugin
    (dict(driver='macvlan', ipam_driver='null'), DriverReader(), ROWS, None),            # built in: no read
])
def test_plan_create_refuses_drivers_the_engine_lacks(params, reader, rows, message):
    known = NetworkFacts(network=None, rows=list(rows), api_version='1.41')
    if message is None:
        plan = plan_network(spec(**params), 'present', known, reader)
        assert [action['action'] for action in plan.tracker.actions] == ['create']
    else:
        with pytest.raises(LabnetDockerError) as caught:
            plan_network(spec(**params), 'present', known, reader)
        assert caught.value.msg.startswith(message)
    # Only the kinds that name a plugin are read, each once.
    assert reader.asked == [field for field in ('driver', 'ipam_driver')
                            if params.get(field) and params[field] not in ('macvlan', 'null')]


def test_plan_recreate_to_a_missing_driver_is_refused_before_the_removal():
    reader = DriverReader()
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(driver='weave', enable_ipv6=True), 'present', facts(), reader, recreate='on_change')
    assert caught.value.msg.startswith('network net: driver weave: this engine has no network driver of that name')


def test_plan_looks_up_the_driver_of_a_config_from_network():
    reader = DriverReader()
    with pytest.raises(LabnetDockerError) as caught:
        plan_network(spec(config_from='cfg', driver='weave'), 'present', facts(network=None), reader)
    assert caught.value.msg.startswith('driver weave: this engine has no network driver of that name')
    assert reader.asked == ['driver']  # the IPAM driver comes from cfg: the plugin list is not read
