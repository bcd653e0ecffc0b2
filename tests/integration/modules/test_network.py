"""labnet.docker.network against the real daemon: options, idempotency, check and diff mode, refusals.

Subnets come from this suite's range (10.201.0.0/16, fd00:201::/32); each test uses its own /24s.
"""

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import RUN_ID, RUN_LABEL, play, task
from ansible_collections.labnet.docker.tests.integration.modules.network_helpers import on_network

MANAGED = {'labnet.docker.managed': 'true'}


def snapshot(client, prefix):
    """What a refused task must not change: this test's networks and containers, and the predefined networks.

    The daemon is shared with other test runs, so only our own objects are compared.
    """
    ours = ('bridge', 'host', 'none')
    networks = sorted((net['Name'], net['Id'], net['Internal'], tuple(sorted(net['Labels'].items())))
                      for net in client.api.networks() if net['Name'].startswith(prefix) or net['Name'] in ours)
    containers = sorted((c['Names'][0], tuple(sorted((c['NetworkSettings']['Networks'] or {}).keys())))
                        for c in client.api.containers(all=True, filters={'name': prefix}))
    return networks, containers


def full_options(name):
    return dict(
        name=name, driver='bridge', enable_ipv6=True, internal=False, attachable=True, scope='local',
        ipam_driver='default', ipam_driver_options={'com.example.note': 7},
        ipam_config=[
            {'subnet': '10.201.10.0/24', 'gateway': '10.201.10.1', 'ip_range': '10.201.10.128/25',
             'aux_addresses': {'router': '10.201.10.2'}},
            {'subnet': 'FD00:0201:0010:0000::/64', 'gateway': 'fd00:201:10:0::0001'},
        ],
        driver_options={'com.docker.network.driver.mtu': 1400, 'com.docker.network.bridge.enable_icc': True},
        labels={'owner': 'lab', 'tier': 3}, lab='classroom')


def test_create_with_every_local_option_then_idempotent(prefix, docker_client):
    name = prefix + '-full'
    options = full_options(name)
    checked, info, created, again, again_check, name_only = play([
        task('network', check=True, diff=True, **options),
        task('network_info', names=[name]),
        task('network', diff=True, **options),
        task('network', diff=True, **options),
        task('network', check=True, **options),
        task('network', name=name),
    ])
    assert checked['changed'] is True and not checked.get('failed')
    assert checked['actions'] == [{'action': 'create', 'network': name}]
    assert checked['network'] is None
    assert info['exists'] is False  # check mode created nothing
    assert checked['diff']['before'] == {'state': 'absent'}
    after = checked['diff']['after']
    assert [pool['subnet'] for pool in after['ipam_config']] == ['10.201.10.0/24', 'fd00:201:10::/64']
    assert after['ipam_config'][1]['gateway'] == 'fd00:201:10::1'
    assert after['driver_options'] == {'com.docker.network.driver.mtu': '1400',
                                       'com.docker.network.bridge.enable_icc': 'true'}
    assert after['labels'] == dict(MANAGED, owner='lab', tier='3', **{'labnet.docker.lab': 'classroom'})
    assert created['changed'] is True and created['actions'] == checked['actions']
    assert created['diff'] == checked['diff']

    net = docker_client.api.inspect_network(name)
    assert created['network']['Id'] == net['Id']
    assert net['Driver'] == 'bridge' and net['EnableIPv6'] is True and net['Attachable'] is True
    assert net['Options'] == {'com.docker.network.driver.mtu': '1400', 'com.docker.network.bridge.enable_icc': 'true'}
    assert net['IPAM']['Options'] == {'com.example.note': '7'}
    assert sorted(net['IPAM']['Config'], key=lambda p: p['Subnet']) == [
        {'Subnet': '10.201.10.0/24', 'Gateway': '10.201.10.1', 'IPRange': '10.201.10.128/25',
         'AuxiliaryAddresses': {'router': '10.201.10.2'}},
        {'Subnet': 'fd00:201:10::/64', 'Gateway': 'fd00:201:10::1'}]
    assert net['Labels'] == {'owner': 'lab', 'tier': '3', 'labnet.docker.lab': 'classroom',
                             'labnet.docker.managed': 'true'}
    for result in (again, again_check, name_only):
        assert result['changed'] is False and result['actions'] == [] and result['differences'] == []
        assert result['network']['Id'] == net['Id']
    assert again['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'present'}}


def test_each_change_recreates_once_then_settles(prefix, docker_client):
    name = prefix + '-chg'
    base = dict(name=name, ipam_config=[{'subnet': '10.201.12.0/24'}], labels={'keep': 'me'})
    steps = [
        ('internal', dict(internal=True), [('internal', False, True)]),
        ('attachable', dict(attachable=True), [('attachable', False, True)]),
        ('labels subset', dict(labels={'extra': 'x'}),
         [('labels', dict(MANAGED, keep='me'), dict(MANAGED, keep='me', extra='x'))]),
        ('labels exact', dict(labels={'only': 'this'}, labels_mode='exact'),
         [('labels', dict(MANAGED, keep='me', extra='x'), dict(MANAGED, only='this'))]),
        ('driver option', dict(driver_options={'com.docker.network.driver.mtu': 1450}),
         [('driver_options', {}, {'com.docker.network.driver.mtu': '1450'})]),
        ('gateway', dict(ipam_config=[{'subnet': '10.201.12.0/24', 'gateway': '10.201.12.254'}]),
         [('ipam_config', [dict(subnet='10.201.12.0/24', gateway=None, ip_range=None, aux_addresses=None)],
           [dict(subnet='10.201.12.0/24', gateway='10.201.12.254', ip_range=None, aux_addresses=None)])]),
        ('add ipv6 pool',
         dict(enable_ipv6=True, ipam_config=[{'subnet': '10.201.12.0/24'}, {'subnet': 'fd00:201:12::/64'}]),
         None),
        ('ipam option', dict(ipam_driver_options={'x': 'y'}), [('ipam_driver_options', {}, {'x': 'y'})]),
    ]
    checked_steps = (0, 3, 6)  # check mode walks the same code for every field; three of them are run here
    tasks = [task('network', **base)]
    for index, step in enumerate(steps):
        change = step[1]
        if index in checked_steps:
            tasks.append(task('network', check=True, diff=True, name=name, **change))
        tasks += [task('network', diff=True, name=name, **change), task('network', name=name, **change)]
    results = play(tasks)
    assert results[0]['changed'] is True
    previous_id = results[0]['network']['Id']
    position = 1
    for index, (label, change, expected) in enumerate(steps):
        if index in checked_steps:
            checked = results[position]
            position += 1
            assert checked['changed'] is True, label
            assert checked['network']['Id'] == previous_id, label  # check mode left the network alone
        changed, again = results[position:position + 2]
        position += 2
        assert changed['changed'] is True, label
        assert [a['action'] for a in changed['actions']] == ['remove', 'create'], label
        assert changed['actions'][0]['id'] == previous_id, label
        if index in checked_steps:
            assert checked['diff'] == changed['diff'] and checked['actions'] == changed['actions'], label
        got = [(d['field'], d['before'], d['after']) for d in changed['differences']]
        if expected is not None:
            assert got == expected, label
            # a re-create says so in the diff, with the endpoints it restores (none attached here)
            assert changed['diff']['before'] == dict([('state', 'present'), ('endpoints', [])]
                                                     + [(d[0], d[1]) for d in expected])
            assert changed['diff']['after'] == dict([('state', 'recreated (removed and created again)'),
                                                     ('endpoints', [])] + [(d[0], d[2]) for d in expected])
        else:
            assert [d[0] for d in got] == ['ipam_config', 'enable_ipv6'], label
        assert again['changed'] is False and again['actions'] == [], label
        previous_id = changed['network']['Id']
    net = docker_client.api.inspect_network(name)
    assert net['Id'] == previous_id
    # Every change kept what earlier tasks set: options left out are not changed either.
    assert net['Internal'] is True and net['Attachable'] is True and net['EnableIPv6'] is True
    assert net['Labels'] == dict(MANAGED, only='this')
    assert net['Options'] == {'com.docker.network.driver.mtu': '1450'}
    assert net['IPAM']['Options'] == {'x': 'y'}


def test_pools_of_one_family_settle(prefix, docker_client):
    """The daemon adds an IPv4 pool of its own next to IPv6-only ones; that is not a difference."""
    v6_only = dict(name=prefix + '-v6', enable_ipv6=True, ipam_config=[{'subnet': 'fd00:201:14::/64'}])
    v4_only = dict(name=prefix + '-v4', ipam_config=[{'subnet': '10.201.14.0/24'}])
    results = play([task('network', **v6_only), task('network', **v6_only),
                    task('network', **v4_only), task('network', **v4_only)])
    assert [r['changed'] for r in results] == [True, False, True, False]
    subnets = [pool['Subnet'] for pool in docker_client.api.inspect_network(prefix + '-v6')['IPAM']['Config']]
    assert 'fd00:201:14::/64' in subnets
    assert results[1]['network']['Id'] == results[0]['network']['Id']


def test_refusals_are_exact_and_change_nothing(prefix, docker_client, make_network):
    name = prefix + '-bad'
    existing = make_network(prefix + '-existing', '10.201.20.0/24').name
    make_network(prefix + '-plain', labels={'a': 'b'})
    before = snapshot(docker_client, prefix)
    cases = [
        (dict(ipam_config=[{'subnet': '10.201.300.0/24'}]),
         "ipam_config[0].subnet '10.201.300.0/24' is not a valid IPv4 or IPv6 network"),
        (dict(ipam_config=[{'subnet': '10.201.21.0'}]),
         "ipam_config[0].subnet '10.201.21.0' is not in CIDR notation (address/prefix length, like 10.0.0.0/24)"),
        (dict(ipam_config=[{'subnet': '10.201.21.5/24'}]),
         'ipam_config[0].subnet 10.201.21.5/24 has host bits set; the network is 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'gateway': '10.201.22.1'}]),
         'ipam_config[0].gateway 10.201.22.1 is outside subnet 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'ip_range': '10.201.21.0/23'}]),
         'ipam_config[0].ip_range 10.201.21.0/23 has host bits set; the network is 10.201.20.0/23'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'ip_range': '10.201.22.0/25'}]),
         'ipam_config[0].ip_range 10.201.22.0/25 is outside subnet 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'aux_addresses': {'gw2': '10.201.23.1'}}]),
         'ipam_config[0].aux_addresses.gw2 10.201.23.1 is outside subnet 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24'}, {'subnet': '10.201.21.128/25'}]),
         'ipam_config[1].subnet 10.201.21.128/25 overlaps ipam_config[0].subnet 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24'}, {'subnet': 'fd00:201:21::/64'}]),
         'ipam_config[1].subnet fd00:201:21::/64 is IPv6, which needs enable_ipv6: true'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24'}, {'subnet': '10.201.22.0/24'}]),
         'ipam_config has 2 IPv4 pools, but the bridge driver takes one IPv4 and one IPv6 pool at most'),
        (dict(ipam_config=[{'subnet': '10.201.20.128/25'}]),
         'ipam_config[0].subnet 10.201.20.128/25 overlaps subnet 10.201.20.0/24 of existing network %s' % existing),
        (dict(enable_ipv4=False, enable_ipv6=True, ipam_config=[{'subnet': 'fd00:201:21::/64'}], api_version='1.41'),
         'enable_ipv4 needs Docker Engine API 1.47 or newer; the daemon speaks 1.41'),
        (dict(config_from=prefix + '-nocfg'), 'config_from network %s-nocfg does not exist' % prefix),
        (dict(config_from=prefix + '-plain'),
         'config_from network %s-plain is not a config-only network (create it with config_only: true)' % prefix),
        (dict(config_from=prefix + '-plain', labels={'x': 'y'}),
         'labels cannot be set together with config_from: a network with config_from takes its configuration from '
         '%s-plain' % prefix),
        (dict(config_only=True, internal=True),
         'internal cannot be set on a config-only network; set them on the network that uses it through config_from'),
        (dict(enable_ipv4=False, enable_ipv6=False),
         'enable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the daemon refuses one with '
         'neither'),
        (dict(labels={'labnet.docker.lab': 'a'}, lab='b'), 'labels sets labnet.docker.lab=a but lab is b; give one of them'),
        (dict(ingress=True), 'ingress: true needs driver overlay: only a swarm-scope overlay network can be the ingress '
                             'network (driver is bridge)'),
        (dict(ipam_driver='null'), 'ipam_driver null gives the network no IPv4 pool, and the bridge driver needs one; '
                                   'leave ipam_driver out (the default IPAM driver) or use driver null'),
        (dict(driver='overlay'), 'driver overlay needs a swarm: this engine is not in one (swarm state inactive); run '
                                 'docker swarm init or join one first'),
        (dict(scope='swarm'), 'scope swarm needs a swarm: this engine is not in one (swarm state inactive); run docker '
                              'swarm init or join one first'),
        (dict(name='bridge', state='absent'), 'bridge is a network predefined by Docker; it cannot be removed'),
        (dict(name='host', state='absent', force=True), 'host is a network predefined by Docker; it cannot be removed'),
        (dict(name='bridge', internal=True),
         'bridge is a network predefined by Docker; it cannot be recreated (internal: False -> True)'),
        (dict(name='none', recreate='always'),
         'none is a network predefined by Docker; it cannot be recreated (recreate is always)'),
        # what the daemon would refuse after a change, or keep as text it was not given (issue 14)
        (dict(ipam_config=[{'subnet': '10.201.21.0/31'}]),
         'ipam_config[0].subnet 10.201.21.0/31 is too small: a /31 leaves no address for a gateway and a container '
         '(IPv4 needs /30 or larger)'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'gateway': '10.201.21.255'}]),
         'ipam_config[0].gateway 10.201.21.255 is the broadcast address of subnet 10.201.21.0/24'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/24', 'aux_addresses': {'gw': '10.201.21.1'}}]),
         'ipam_config[0].aux_addresses.gw 10.201.21.1 is the gateway of subnet 10.201.21.0/24 (the first address, as '
         'none is given)'),
        (dict(ipam_config=[{'subnet': '10.201.21.0/255.255.255.0'}]),
         "ipam_config[0].subnet '10.201.21.0/255.255.255.0': the prefix length must be a number of bits like /24 (no "
         "netmask, no leading zeros)"),
        (dict(driver_options={'com.docker.network.driver.mtu': 'abc'}),
         "driver_options.com.docker.network.driver.mtu 'abc' is not an MTU: a whole number of bytes from 68 to 65535"),
        (dict(labels={'labnet.docker.managed': 'false'}),
         'labels sets labnet.docker.managed=false, a label the collection sets itself (true on every network it '
         'creates); leave it out'),
        (dict(labels={'tier': None}), 'labels.tier: None is not a text, number or boolean; the daemon keeps only text'),
        # community.docker's force re-creates; here it only means "disconnect before removing" (issue 15)
        (dict(force=True), 'force: true only applies to state: absent (disconnect the attached containers, then remove '
                           'the network); to re-create a network on every run use recreate: always'),
        (dict(name=prefix + '-plain', force=True, internal=True),
         'force: true only applies to state: absent (disconnect the attached containers, then remove the network); to '
         're-create a network on every run use recreate: always'),
        (dict(name=prefix + '-plain', labels={'a': 'c'}, internal=True, recreate='never'),
         "network %s-plain differs from the task and recreate is never: internal: False -> True; "
         "labels: {a: b, %s: %s} -> {a: c, %s: %s}" % (prefix, RUN_LABEL, RUN_ID, RUN_LABEL, RUN_ID)),
    ]
    # Check mode refuses every case the same way (a case the daemon alone refuses would need a real run).
    checked = [index for index, case in enumerate(cases) if ' failed: ' not in case[1]]
    tasks = [task('network', **dict({'name': name}, **case[0])) for case in cases]
    tasks += [task('network', check=True, **dict({'name': name}, **cases[index][0])) for index in checked]
    # Naming a predefined network with nothing to change is fine.
    tasks += [task('network', name='bridge'), task('network', name='host', driver='host')]
    results = play(tasks)
    expected = [case[1] for case in cases] + [cases[index][1] for index in checked]
    for result, message in zip(results, expected):
        assert result.get('failed') is True, message
        assert result['msg'] == message
        assert 'Traceback' not in str(result)
    for result in results[-2:]:
        assert result['changed'] is False and not result.get('failed')
    never = results[len(cases) - 1]
    assert never['differences'] == [{'field': 'internal', 'before': False, 'after': True},
                                    {'field': 'labels', 'before': {'a': 'b', RUN_LABEL: RUN_ID},
                                     'after': {'a': 'c', RUN_LABEL: RUN_ID}}]
    assert snapshot(docker_client, prefix) == before
    assert docker_client.api.inspect_network('bridge')['Internal'] is False


def test_absent_with_attached_containers(prefix, docker_client, make_container, make_network):
    name = prefix + '-gone'
    network = make_network(name, '10.201.25.0/24')
    running = on_network(make_container, docker_client, 'run', name, ipv4_address='10.201.25.10')
    stopped = on_network(make_container, docker_client, 'stop', name, start=False, aliases=['db'])
    before = snapshot(docker_client, prefix)
    refused, refused_check, checked, removed, again = play([
        task('network', name=name, state='absent'),
        task('network', check=True, name=name, state='absent'),
        task('network', check=True, diff=True, name=name, state='absent', force=True),
        task('network', diff=True, name=name, state='absent', force=True),
        task('network', name=name, state='absent'),
    ])
    message = ('network %s has attached containers: %s-run, %s-stop; set force: true to disconnect them and '
               'remove it' % (name, prefix, prefix))
    for result in (refused, refused_check):
        assert result['failed'] is True and result['msg'] == message
        assert result['containers'] == [prefix + '-run', prefix + '-stop']
    expected = [
        {'action': 'disconnect', 'network': name, 'container': prefix + '-run', 'running': True},
        {'action': 'disconnect', 'network': name, 'container': prefix + '-stop', 'running': False},
        {'action': 'remove', 'network': name, 'id': network.id}]
    assert checked['changed'] is True and checked['actions'] == expected
    assert checked['diff']['after'] == {'state': 'absent'}
    assert checked['diff']['before']['ipam_config'][0]['subnet'] == '10.201.25.0/24'
    assert removed['changed'] is True and removed['actions'] == expected and removed['network'] is None
    assert removed['diff'] == checked['diff']
    assert again['changed'] is False and again['actions'] == [] and not again.get('failed')
    after = snapshot(docker_client, prefix)
    assert before != after
    assert name not in [net[0] for net in after[0]]
    for container in (running, stopped):
        container.reload()
        assert name not in container.attrs['NetworkSettings']['Networks']


def test_enable_ipv4_as_each_engine_has_it(prefix, docker_client, api_version, make_container):
    """enable_ipv4 true restates what every engine does (accepted from 20.10 on); turning IPv4 off needs API 1.47
    (Docker 28) and IPv6, and is refused before any change where the daemon would refuse or ignore it."""
    on = dict(name=prefix + '-on', enable_ipv4=True, ipam_config=[{'subnet': '10.201.36.0/24'}])
    off = dict(name=prefix + '-on', enable_ipv4=False)  # the existing network has no IPv6
    results = play([task('network', **on), task('network', **on), task('network', check=True, **off),
                    task('network', **off)])
    created, again, off_check, off_real = results
    assert created['changed'] and not again['changed'], again
    if api_version >= (1, 47):
        message = ('network %s: enable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the '
                   'daemon refuses one with neither' % on['name'])
    else:
        message = ('enable_ipv4 needs Docker Engine API 1.47 or newer; the daemon speaks %d.%d' % api_version)
    for result in (off_check, off_real):
        assert result.get('failed') and not result['changed'] and result['msg'] == message, result
    assert docker_client.api.inspect_network(on['name'])['Id'] == created['network']['Id']


def test_ipv6_only_network_refuses_fixed_ipv4(prefix, docker_client, api_version, make_container):
    if api_version < (1, 47):
        pytest.skip('this engine speaks API %d.%d: IPv6-only networks (enable_ipv4) need 1.47' % api_version)
    name = prefix + '-v6only'
    make_container('web')
    spec = dict(name=name, enable_ipv4=False, enable_ipv6=True, ipam_config=[{'subnet': 'fd00:201:37::/64'}])
    created, again, with_v4, fixed_v4, fixed_v6 = play([
        task('network', **spec), task('network', **spec),
        task('network', name=name, enable_ipv4=False, enable_ipv6=True,
             ipam_config=[{'subnet': '10.201.37.0/24'}, {'subnet': 'fd00:201:37::/64'}]),
        task('network_attachment', network=name, container=prefix + '-web', ipv4_address='10.201.37.10'),
        task('network_attachment', network=name, container=prefix + '-web', ipv6_address='fd00:201:37::10'),
    ])
    assert created['changed'] and not again['changed'], again
    assert docker_client.api.inspect_network(name)['EnableIPv4'] is False
    assert with_v4.get('failed') and with_v4['msg'].startswith(
        'ipam_config has IPv4 pool 10.201.37.0/24 but enable_ipv4 is false'), with_v4
    assert fixed_v4.get('failed') and not fixed_v4['changed'], fixed_v4
    assert fixed_v4['msg'] == 'ipv4_address 10.201.37.10: network %s has IPv4 disabled (enable_ipv4 false)' % name
    assert fixed_v6['changed'] and not fixed_v6.get('failed'), fixed_v6
    endpoint = docker_client.api.inspect_container(prefix + '-web')['NetworkSettings']['Networks'][name]
    assert endpoint['GlobalIPv6Address'] == 'fd00:201:37::10' and not endpoint['IPAddress']


def test_config_from_given_by_id_is_the_configuration_network(prefix, docker_client):
    """config_from by ID (or ID prefix) names the configuration network: nothing differs, so nothing is refused or
    read for a re-create, by labnet.docker.network and topology alike (issue 13)."""
    cfg, net = prefix + '-idcfg', prefix + '-idnet'
    made = play([task('network', name=cfg, config_only=True, ipam_config=[{'subnet': '10.201.44.0/24'}]),
                 task('network', name=net, config_from=cfg)])
    assert [result['changed'] for result in made] == [True, True], [result.get('msg') for result in made]
    cfg_id = docker_client.api.inspect_network(cfg)['Id']
    net_id = docker_client.api.inspect_network(net)['Id']
    results = play([
        task('network', name=net, config_from=cfg_id, recreate='never'),
        task('network', name=net, config_from=cfg_id[:12], recreate='never'),
        task('network', name=net, config_from=cfg_id, check=True, diff=True),
        task('network', name=net, config_from=cfg_id),
        task('topology', networks=[dict(name=net, config_from=cfg_id, recreate='never')]),
        task('topology', networks=[dict(name=net, config_from=cfg_id[:12])]),
    ])
    for result in results:
        assert result['changed'] is False and not result.get('failed'), result.get('msg')
        assert result['actions'] == []
    for result in results[:4]:
        assert result['differences'] == []
    for result in results[4:]:
        assert result['networks'] == [dict(name=net, id=net_id, action='none', purged=False)]
    assert docker_client.api.inspect_network(net)['Id'] == net_id
    assert docker_client.api.inspect_network(net)['ConfigFrom'] == {'Network': cfg}
