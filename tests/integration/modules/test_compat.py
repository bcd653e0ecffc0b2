"""What a community.docker user brings along, against the real daemon: its option names, and exclusive attachments.

This file's range: free /24s inside 10.221.0.0/16 (harness.free_subnet), so it never meets another run.
"""

import ipaddress

from ansible_collections.labnet.docker.tests.integration.harness import free_subnet, play, task


def _subnet(client):
    net = ipaddress.ip_network(free_subnet(client, within='10.221.0.0/16', new_prefix=24))
    return net, lambda host: str(net.network_address + host)


def _attached(client, network):
    """Names of the containers (running or not) with an endpoint on ``network``."""
    found = set()
    for row in client.api.containers(all=True, filters={'network': [network]}):
        if network in ((row.get('NetworkSettings') or {}).get('Networks') or {}):
            found.add(row['Names'][0].lstrip('/'))
    return found


def test_network_name_and_iprange_aliases(docker_client, prefix):
    net = prefix + '-alias'
    subnet, host = _subnet(docker_client)
    half = str(list(subnet.subnets(new_prefix=25))[1])
    pools = [{'subnet': str(subnet), 'iprange': half, 'gateway': host(1)}]
    results = play([
        task('network', check=True, network_name=net, ipam_config=pools),
        task('network', network_name=net, ipam_config=pools),
        task('network', network_name=net, ipam_config=pools),
        # the canonical names see the same network as unchanged
        task('network', name=net, ipam_config=[{'subnet': str(subnet), 'ip_range': half, 'gateway': host(1)}]),
        # a new range through the alias is a difference
        task('network', network_name=net, ipam_config=[{'subnet': str(subnet), 'iprange': str(subnet)}]),
        task('network', network_name=net, ipam_config=[{'subnet': str(subnet), 'iprange': str(subnet)}]),
        task('network', network_name=net, ipam_config=[{'subnet': str(subnet), 'iprange': '10.9.9.0/24'}]),
    ], diff=True)
    check, first, again, canonical, changed, changed_again, outside = results

    assert check['changed'] and not check.get('failed'), check.get('msg')
    assert check['actions'] == [{'action': 'create', 'network': net}]
    assert check['network'] is None                                 # it did not exist, and check mode made none
    assert first['changed'] and not first.get('failed'), first.get('msg')
    assert first['diff']['after']['ipam_config'] == [
        {'subnet': str(subnet), 'gateway': host(1), 'ip_range': half, 'aux_addresses': None}]
    assert first['network']['IPAM']['Config'] == [{'Subnet': str(subnet), 'IPRange': half, 'Gateway': host(1)}]
    assert not again['changed'], again.get('differences')
    assert not canonical['changed'], canonical.get('differences')
    assert changed['changed']
    assert changed['differences'][0]['field'] == 'ipam_config'
    assert changed['network']['IPAM']['Config'][0]['IPRange'] == str(subnet)
    assert not changed_again['changed'], changed_again.get('differences')
    assert outside['failed'] and not outside['changed']
    assert outside['msg'] == 'ipam_config[0].ip_range 10.9.9.0/24 is outside subnet %s' % subnet
    assert docker_client.api.inspect_network(net)['IPAM']['Config'][0]['IPRange'] == str(subnet)


def test_exclusive_disconnects_unlisted_containers(docker_client, prefix, make_container, make_network):
    net = prefix + '-only'
    subnet, host = _subnet(docker_client)
    make_network(net, str(subnet))
    other = prefix + '-other'
    make_network(other)
    names = dict((suffix, '%s-%s' % (prefix, suffix)) for suffix in ('app1', 'app2', 'stray', 'idle', 'elsewhere'))
    make_container('app1', network=net)
    make_container('app2')
    stray = make_container('stray')
    docker_client.api.connect_container_to_network(stray.id, net, ipv4_address=host(50), aliases=['old'])
    idle = make_container('idle', start=False)                      # created, never started: still a stray
    docker_client.api.connect_container_to_network(idle.id, net)
    make_container('elsewhere', network=other)                     # never on net: untouched

    wanted = dict(network=net, containers=[names['app1'], names['app2']], exclusive=True)
    results = play([
        task('network_attachment', check=True, **wanted),
        task('network_attachment', **wanted),
        task('network_attachment', **wanted),
    ], diff=True)
    check, first, again = results

    assert check['changed'] and not check.get('failed'), check.get('msg')
    expected_actions = [
        {'action': 'disconnect', 'network': net, 'container': names['stray']},
        {'action': 'disconnect', 'network': net, 'container': names['idle']},
        {'action': 'connect', 'network': net, 'container': names['app2']},
    ]
    assert sorted(check['actions'][:2], key=lambda a: a['container']) == sorted(
        expected_actions[:2], key=lambda a: a['container'])
    assert check['actions'][2:] == expected_actions[2:]
    assert check['diff']['before']['containers'][names['stray']]['ipv4_address'] == host(50)
    assert check['diff']['before']['containers'][names['stray']]['aliases'] == ['old']
    assert check['diff']['after']['containers'][names['stray']] is None
    assert check['diff']['after']['containers'][names['idle']] is None
    assert [(c['container'], c['action']) for c in check['containers']][:2] == [
        (names['app1'], 'unchanged'), (names['app2'], 'connected')]
    assert sorted((c['container'], c['action']) for c in check['containers'][2:]) == [
        (names['idle'], 'disconnected'), (names['stray'], 'disconnected')]

    assert first['changed'] and not first.get('failed'), first.get('msg')
    assert first['actions'] == check['actions']
    assert _attached(docker_client, net) == {names['app1'], names['app2']}
    assert _attached(docker_client, other) == {names['elsewhere']}
    assert docker_client.api.inspect_container(names['idle'])['State']['Status'] == 'created'
    assert not again['changed'] and again['actions'] == [], again['actions']

    # a narrower list: app2 becomes a stray and goes first, app1 gets a fixed address
    narrow = play([task('network_attachment', network=net, container=names['app1'], ipv4_address=host(60),
                        exclusive=True)])[0]
    assert narrow['changed'] and not narrow.get('failed'), narrow.get('msg')
    assert narrow['actions'] == [{'action': 'disconnect', 'network': net, 'container': names['app2']},
                                 {'action': 'reconnect', 'network': net, 'container': names['app1']}]
    assert _attached(docker_client, net) == {names['app1']}
    endpoint = docker_client.api.inspect_container(names['app1'])['NetworkSettings']['Networks'][net]
    assert endpoint['IPAddress'] == host(60)


def test_exclusive_takes_a_strays_address_and_refuses_what_it_cannot_do(docker_client, prefix, make_container, make_network):
    net = prefix + '-take'
    subnet, host = _subnet(docker_client)
    make_network(net, str(subnet))
    names = dict((suffix, '%s-%s' % (prefix, suffix)) for suffix in ('new', 'holder', 'plain'))
    make_container('new')
    holder = make_container('holder')
    docker_client.api.connect_container_to_network(holder.id, net, ipv4_address=host(10))
    make_container('plain')                                       # on the default bridge only
    results = play([
        # without exclusive the holder keeps the address and the task is refused
        task('network_attachment', network=net, container=names['new'], ipv4_address=host(10)),
        task('network_attachment', network=net, container=names['new'], ipv4_address=host(10), exclusive=True),
        task('network_attachment', network=net, container=names['new'], ipv4_address=host(10), exclusive=True),
        task('network_attachment', network='bridge', container=names['plain'], exclusive=True),
        task('network_attachment', network='host', container=names['plain'], exclusive=True),
        task('network_attachment', network=net, container=names['new'], state='absent', exclusive=True),
        task('network_attachment', network=net, containers=[names['new'], prefix + '-missing'], exclusive=True),
    ])
    held, taken, again, on_bridge, on_host, absent, missing = results

    assert held['failed'] and not held['changed']
    assert held['msg'] == ('ipv4_address %s is already held by running container %s on network %s'
                           % (host(10), names['holder'], net))
    assert taken['changed'] and not taken.get('failed'), taken.get('msg')
    assert taken['actions'] == [{'action': 'disconnect', 'network': net, 'container': names['holder']},
                                {'action': 'connect', 'network': net, 'container': names['new']}]
    assert taken['containers'][0]['endpoint']['assigned_ipv4_address'] == host(10)
    assert _attached(docker_client, net) == {names['new']}
    assert not again['changed']

    before_bridge = set(docker_client.api.inspect_network('bridge')['Containers'])
    assert on_bridge['failed'] and not on_bridge['changed']
    assert on_bridge['msg'] == (
        'exclusive cannot be used on the predefined network bridge: every container started without a network '
        'option is on it, and all those the task does not list would lose their networking')
    assert on_host['failed'] and not on_host['changed']
    assert on_host['msg'] == ('exclusive cannot be used on the predefined network host: containers are on it '
                              'through their network_mode, which is fixed when a container is created')
    assert set(docker_client.api.inspect_network('bridge')['Containers']) == before_bridge
    assert absent['failed'] and not absent['changed']
    assert absent['msg'] == ('exclusive applies to state present only (a task that disconnects its own containers '
                             'from network %s leaves the others alone)' % net)
    assert missing['failed'] and not missing['changed']
    assert missing['msg'] == 'container %s-missing not found' % prefix
    assert _attached(docker_client, net) == {names['new']}
