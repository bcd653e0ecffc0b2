"""labnet.docker.topology against the real daemon: converge, re-run, check mode, purge, refusals, absent.

Subnets come from 10.208.0.0/17 (this module's test range), a different /24 for each test so that
they can run in parallel.
"""

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import create_network, play, task

MANAGED = 'labnet.docker.managed'
LAB = 'labnet.docker.lab'
HOME = '-home'


def _topology(prefix, octet, **extra):
    """Three networks (front and back on 10.208.<octet> and <octet + 1>), four attachments."""
    back = '10.208.%d' % (octet + 1)
    args = dict(
        lab=prefix,
        networks=[
            dict(name=prefix + '-front', ipam_config=[dict(subnet='10.208.%d.0/24' % octet)]),
            dict(name=prefix + '-back', internal=True, ipam_config=[dict(subnet=back + '.0/24', gateway=back + '.254')]),
            dict(name=prefix + '-plain'),
        ],
        attachments=[
            dict(network=prefix + '-front', containers=[prefix + '-c1', prefix + '-c2']),
            dict(network=prefix + '-back', container=prefix + '-c1', ipv4_address=back + '.10', aliases=['db']),
            dict(network=prefix + '-back', container=prefix + '-c3'),
            dict(network=prefix + '-plain', container=prefix + '-c2'),
        ],
    )
    args.update(extra)
    return args


def _start(make_container, docker_client, prefix, *names, **kwargs):
    """Containers on an internal network of the test's own (HOME), so they need nothing of the default bridge."""
    if not docker_client.networks.list(names=[prefix + HOME]):
        create_network(docker_client, prefix + HOME, internal=True)
    for name in names:
        make_container(name, network=prefix + HOME, **kwargs)


def _attached(docker_client, prefix):
    """{network: {container: (fixed IPv4, sorted aliases without the short ID)}} for the prefix's networks."""
    found = {}
    for container in docker_client.containers.list(all=True, filters={'name': prefix}):
        for network, endpoint in container.attrs['NetworkSettings']['Networks'].items():
            if network.startswith(prefix) and network != prefix + HOME:
                aliases = sorted(set(endpoint.get('Aliases') or []) - {container.id[:12]})
                fixed = (endpoint.get('IPAMConfig') or {}).get('IPv4Address')
                found.setdefault(network, {})[container.name] = (fixed, aliases)
    return found


def _networks(docker_client, prefix):
    return dict((net.name, net.attrs) for net in docker_client.networks.list(filters={'name': prefix})
                if net.name.startswith(prefix) and net.name != prefix + HOME)


def test_converge_rerun_and_check_mode_plan(prefix, make_container, docker_client):
    _start(make_container, docker_client, prefix, 'c1', 'c2')
    _start(make_container, docker_client, prefix, 'c3', start=False)  # never started: attachments work on it too
    topo = _topology(prefix, 1)
    preview, real, again, check_again = play([
        task('topology', check=True, **topo),
        task('topology', diff=True, **topo),
        task('topology', **topo),
        task('topology', check=True, **topo),
    ])
    assert not preview.get('failed'), preview.get('msg')
    assert not real.get('failed'), real.get('msg')
    # Check mode plans exactly what the real run then does.
    assert preview['changed'] is True and real['changed'] is True
    assert preview['plan'] == real['plan']
    assert preview['actions'] == real['actions']
    assert real['plan'] == [
        'create network %s-front' % prefix,
        'create network %s-back' % prefix,
        'create network %s-plain' % prefix,
        'connect %s-c1 to %s-front' % (prefix, prefix),
        'connect %s-c2 to %s-front' % (prefix, prefix),
        'connect %s-c1 to %s-back (aliases [db], ipv4_address 10.208.2.10)' % (prefix, prefix),
        'connect %s-c3 to %s-back' % (prefix, prefix),
        'connect %s-c2 to %s-plain' % (prefix, prefix),
    ]
    assert [net['id'] for net in preview['networks']] == [None, None, None]
    # Idempotent: nothing to change, in a real run and in check mode.
    assert again['changed'] is False and again['plan'] == [] and again['actions'] == []
    assert check_again['changed'] is False and check_again['plan'] == []
    assert set(entry['action'] for entry in again['networks'] + again['attachments']) == {'none'}

    networks = _networks(docker_client, prefix)
    assert sorted(networks) == sorted([prefix + '-back', prefix + '-front', prefix + '-plain'])
    for name, attrs in networks.items():
        assert attrs['Labels'][MANAGED] == 'true' and attrs['Labels'][LAB] == prefix
    assert networks[prefix + '-back']['Internal'] is True
    assert networks[prefix + '-back']['IPAM']['Config'] == [{'Subnet': '10.208.2.0/24', 'Gateway': '10.208.2.254'}]
    assert dict((net['name'], net['id']) for net in real['networks']) == dict(
        (name, attrs['Id']) for name, attrs in networks.items())
    assert _attached(docker_client, prefix) == {
        prefix + '-front': {prefix + '-c1': (None, []), prefix + '-c2': (None, [])},
        prefix + '-back': {prefix + '-c1': ('10.208.2.10', ['db']), prefix + '-c3': (None, [])},
        prefix + '-plain': {prefix + '-c2': (None, [])},
    }
    # Diff mode: every created network and attachment, before and after.
    diff = real['diff']
    assert diff['before']['networks'][prefix + '-front'] == {'state': 'absent'}
    assert diff['after']['networks'][prefix + '-back']['internal'] is True
    assert diff['before']['attachments']['%s-back %s-c1' % (prefix, prefix)] is None
    assert diff['after']['attachments']['%s-back %s-c1' % (prefix, prefix)]['aliases'] == ['db']


def test_changes_reconnect_and_recreate_keep_endpoints(prefix, make_container, docker_client):
    _start(make_container, docker_client, prefix, 'c1', 'c2', 'c3')
    topo = _topology(prefix, 3)
    changed = _topology(prefix, 3)
    changed['networks'][1] = dict(name=prefix + '-back', internal=False)  # recreate; pools kept from the network
    changed['attachments'][0] = dict(network=prefix + '-front', containers=[prefix + '-c1', prefix + '-c2'],
                                     aliases=['web'])
    never = _topology(prefix, 3)
    never['networks'][0] = dict(name=prefix + '-front', internal=True, recreate='never')
    first, refused, preview, real, again = play([
        task('topology', **topo),
        task('topology', **never),
        task('topology', check=True, **changed),
        task('topology', **changed),
        task('topology', **changed),
    ])
    assert first['changed'] is True
    back_id = [net['id'] for net in first['networks'] if net['name'] == prefix + '-back'][0]
    assert refused['failed']
    assert refused['msg'] == ('networks[0] (%s-front): network %s-front differs from the task and recreate is never: '
                              'internal: False -> True; nothing was changed' % (prefix, prefix))
    assert preview['plan'] == real['plan']
    assert real['plan'] == [
        'disconnect %s-c1 from %s-back' % (prefix, prefix),
        'disconnect %s-c3 from %s-back' % (prefix, prefix),
        'remove network %s-back (%s)' % (prefix, back_id[:12]),
        'create network %s-back' % prefix,
        'connect %s-c1 to %s-back (aliases [db], ipv4_address 10.208.4.10)' % (prefix, prefix),
        'connect %s-c3 to %s-back' % (prefix, prefix),
        'reconnect %s-c1 to %s-front (aliases: [] -> [web])' % (prefix, prefix),
        'reconnect %s-c2 to %s-front (aliases: [] -> [web])' % (prefix, prefix),
    ]
    assert again['changed'] is False
    networks = _networks(docker_client, prefix)
    assert networks[prefix + '-back']['Internal'] is False and networks[prefix + '-back']['Id'] != back_id
    assert networks[prefix + '-back']['IPAM']['Config'][0]['Subnet'] == '10.208.4.0/24'
    attached = _attached(docker_client, prefix)
    assert attached[prefix + '-back'] == {prefix + '-c1': ('10.208.4.10', ['db']), prefix + '-c3': (None, [])}
    assert attached[prefix + '-front'] == {prefix + '-c1': (None, ['web']), prefix + '-c2': (None, ['web'])}


def test_purge_is_scoped_by_lab(prefix, make_container, docker_client, make_network):
    other_lab = prefix + '-other'
    keep = dict(name=prefix + '-keep', ipam_config=[dict(subnet='10.208.10.0/24')])
    setup = play([
        task('topology', lab=prefix, networks=[keep, dict(name=prefix + '-old1'), dict(name=prefix + '-old2')]),
        task('topology', lab=other_lab, networks=[dict(name=prefix + '-neighbour')]),
        task('network', name=prefix + '-nolab'),  # managed, but in no lab
    ])
    assert [result.get('failed', False) for result in setup] == [False, False, False], setup
    make_network(prefix + '-unmanaged')
    make_container('c1', network=prefix + '-old2')
    old2 = _networks(docker_client, prefix)[prefix + '-old2']['Id']
    purge = dict(lab=prefix, purge=True, networks=[keep])
    refused, preview, real, again = play([
        task('topology', **purge),
        task('topology', check=True, force=True, **purge),
        task('topology', force=True, **purge),
        task('topology', force=True, **purge),
    ])
    assert refused['failed']
    assert refused['msg'] == ('purge (%s-old2): network %s-old2 has attached containers: %s-c1; set force: true to '
                              'disconnect them and remove it; nothing was changed' % (prefix, prefix, prefix))
    assert preview['plan'] == real['plan']
    assert real['plan'][0] == 'remove network %s-old1 (%s)' % (prefix, _short(real, prefix + '-old1'))
    assert real['plan'][1:] == ['disconnect %s-c1 from %s-old2' % (prefix, prefix),
                                'remove network %s-old2 (%s)' % (prefix, old2[:12])]
    assert [(net['name'], net['action'], net['purged']) for net in real['networks']] == [
        (prefix + '-old1', 'remove', True), (prefix + '-old2', 'remove', True), (prefix + '-keep', 'none', False)]
    assert again['changed'] is False
    assert sorted(_networks(docker_client, prefix)) == sorted(
        [prefix + '-keep', prefix + '-neighbour', prefix + '-nolab', prefix + '-unmanaged'])


def _short(result, name):
    return [action['id'][:12] for action in result['actions'] if action.get('network') == name][0]


def test_refusals_change_nothing(prefix, make_container, docker_client, make_network):
    _start(make_container, docker_client, prefix, 'c1', 'c2')
    make_container('shared', network_mode='container:%s-c1' % prefix, dns=None)
    make_network(prefix + '-existing', '10.208.20.0/24')
    make_network(prefix + '-taken', '10.208.21.0/24')
    docker_client.networks.get(prefix + '-taken').connect(prefix + '-c2', ipv4_address='10.208.21.5')
    before = (_networks(docker_client, prefix), _attached(docker_client, prefix))
    new = dict(name=prefix + '-new', ipam_config=[dict(subnet='10.208.22.0/24')])
    cases = [
        (dict(networks=[dict(name=prefix + '-x', colour='blue')]),
         'networks[0] (%s-x): unsupported option colour. Supported parameters include:' % prefix),
        (dict(networks=[dict(name=prefix + '-x', internal='maybe')]),
         "networks[0] (%s-x): argument 'internal' is of type str and we were unable to convert to bool" % prefix),
        (dict(networks=[new, dict(name=prefix + '-new', internal=True)]),
         'networks[0] and networks[1] both name network %s-new; nothing was changed' % prefix),
        (dict(networks=[new, dict(name=prefix + '-y', ipam_config=[dict(subnet='10.208.22.128/25')])]),
         'networks[1] (%s-y) ipam_config[0].subnet 10.208.22.128/25 overlaps subnet 10.208.22.0/24 of networks[0] '
         '(%s-new); nothing was changed' % (prefix, prefix)),
        (dict(networks=[dict(name=prefix + '-y', ipam_config=[dict(subnet='10.208.23.1/24')])]),
         'networks[0] (%s-y): ipam_config[0].subnet 10.208.23.1/24 has host bits set; the network is 10.208.23.0/24; '
         'nothing was changed' % prefix),
        (dict(networks=[new, dict(name=prefix + '-y', ipam_config=[dict(subnet='10.208.20.0/25')])]),
         'networks[1] (%s-y): ipam_config[0].subnet 10.208.20.0/25 overlaps subnet 10.208.20.0/24 of existing '
         'network %s-existing; nothing was changed' % (prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network=prefix + '-new', container=prefix + '-ghost')]),
         'attachments[0] (%s-new): container %s-ghost not found; nothing was changed' % (prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network=prefix + '-new', container=prefix + '-c1',
                                                ipv4_address='10.208.99.5')]),
         'attachments[0] (%s-new): ipv4_address 10.208.99.5 is outside the pools of network %s-new (10.208.22.0/24); '
         'nothing was changed' % (prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network=prefix + '-taken', container=prefix + '-c1',
                                                ipv4_address='10.208.21.5')]),
         'attachments[0] (%s-taken): ipv4_address 10.208.21.5 is already held by container %s-c2 (running) on network '
         '%s-taken; nothing was changed' % (prefix, prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network=prefix + '-new', container=prefix + '-shared')]),
         'attachments[0] (%s-new): container %s-shared shares the network namespace of container' % (prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network=prefix + '-missing', container=prefix + '-c1')]),
         'attachments[0] (%s-missing): network %s-missing not found; nothing was changed' % (prefix, prefix)),
        (dict(networks=[new], attachments=[dict(network='host', container=prefix + '-c1')]),
         'attachments[0] (host): network host: containers cannot be connected to the host network'),
    ]
    results = play([task('topology', **args) for args, dummy in cases]
                   + [task('topology', check=True, **args) for args, dummy in cases[-2:]])
    for (args, expected), result in zip(cases + cases[-2:], results):
        assert result.get('failed'), (args, result)
        assert result['msg'].startswith(expected), (result['msg'], expected)
        assert 'Traceback' not in str(result)
    # Every problem of a task is reported at once.
    both = play([task('topology', networks=[dict(name=prefix + '-z', ipam_config=[dict(subnet='10.208.24.0/33')])],
                      attachments=[dict(network=prefix + '-z')])])[0]
    assert both['failed'] and len(both['problems']) == 2, both
    assert (_networks(docker_client, prefix), _attached(docker_client, prefix)) == before


def test_absent_disconnects_and_removes(prefix, make_container, docker_client, make_network):
    _start(make_container, docker_client, prefix, 'c1', 'c2', 'c3')
    make_network(prefix + '-external', '10.208.30.0/24')
    topo = _topology(prefix, 5)
    topo['attachments'].append(dict(network=prefix + '-external', container=prefix + '-c3'))
    absent = dict(topo, state='absent')
    setup = play([task('topology', **topo)])[0]
    assert setup['changed'] is True, setup.get('msg')
    docker_client.networks.get(prefix + '-plain').connect(prefix + '-c3')  # not listed by the topology
    plain_id = _networks(docker_client, prefix)[prefix + '-plain']['Id']
    refused, preview, real, again = play([
        task('topology', **absent),
        task('topology', check=True, force=True, **absent),
        task('topology', force=True, diff=True, **absent),
        task('topology', force=True, **absent),
    ])
    assert refused['failed']
    # c2 is the topology's own attachment on plain and needs no force; only c3 is named.
    assert refused['msg'] == ('networks[2] (%s-plain): network %s-plain has attached containers: %s-c3; set force: '
                              'true to disconnect them and remove it (containers this task lists in attachments need '
                              'no force); nothing was changed' % (prefix, prefix, prefix))
    assert preview['plan'] == real['plan']
    assert real['plan'][0] == 'disconnect %s-c3 from %s-external' % (prefix, prefix)
    assert 'remove network %s-plain (%s)' % (prefix, plain_id[:12]) in real['plan']
    assert [net['action'] for net in real['networks']] == ['remove', 'remove', 'remove']
    assert real['diff']['after']['networks'][prefix + '-front'] == {'state': 'absent'}
    assert again['changed'] is False and [net['action'] for net in again['networks']] == ['none'] * 3
    assert sorted(_networks(docker_client, prefix)) == [prefix + '-external']
    assert _attached(docker_client, prefix) == {}


def test_absent_detaches_its_own_attachments_without_force(prefix, make_container, docker_client):
    """Tearing a lab down with the task that built it: the containers it attached need no force."""
    _start(make_container, docker_client, prefix, 'c1', 'c2', 'c3')
    topo = _topology(prefix, 7)
    assert play([task('topology', **topo)])[0]['changed'] is True
    down, again = play([task('topology', state='absent', **topo), task('topology', state='absent', **topo)])
    assert not down.get('failed') and down['changed'] is True, down.get('msg')
    assert sorted(net['action'] for net in down['networks']) == ['remove'] * 3
    assert again['changed'] is False
    assert _networks(docker_client, prefix) == {} and _attached(docker_client, prefix) == {}


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_empty_topology_is_a_no_op(state):
    result = play([task('topology', state=state)])[0]
    assert result['changed'] is False and result['plan'] == [] and result['networks'] == []


def test_config_from_entry_listed_before_its_config_only_entry(prefix, docker_client):
    """Order within one task does not matter (issue 14): the config-only network is made first, removed last."""
    cfg, net = prefix + '-ordcfg', prefix + '-ordnet'
    networks = [dict(name=net, config_from=cfg),
                dict(name=cfg, config_only=True, ipam_config=[{'subnet': '10.208.44.0/24'}])]
    check, made = play([task('topology', check=True, networks=networks), task('topology', networks=networks)])
    for result in (check, made):
        assert result['changed'] is True and not result.get('failed'), result.get('msg')
        assert [action['network'] for action in result['actions']] == [cfg, net]
    assert docker_client.api.inspect_network(net)['ConfigFrom'] == {'Network': cfg}
    assert docker_client.api.inspect_network(cfg)['ConfigOnly'] is True
    again, gone = play([task('topology', networks=networks), task('topology', state='absent', networks=networks)])
    assert again['changed'] is False and again['actions'] == [], again.get('msg')
    assert gone['changed'] is True and not gone.get('failed'), gone.get('msg')
    assert [action['network'] for action in gone['actions']] == [net, cfg]
    assert [row['Name'] for row in docker_client.api.networks(names=[cfg, net])] == []
