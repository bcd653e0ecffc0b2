"""Other drivers (macvlan on a veth parent, ipvlan), config-only networks, duplicate names and racing plays."""

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from docker.errors import APIError

from ansible_collections.labnet.docker.tests.integration.harness import play, task
from ansible_collections.labnet.docker.tests.integration.modules.network_helpers import endpoint_of, on_network

MANAGED = {'labnet.docker.managed': 'true'}


@pytest.fixture
def veth(prefix, engine_target):
    """A veth pair made for this test (the macvlan/ipvlan parent) where the engine runs, deleted afterwards.

    For a lab-machine engine that is the lab machine's namespace: the host's links are not its links.
    """
    if engine_target is None:
        if not shutil.which('ip'):
            pytest.skip('the ip command (iproute2) is not installed')

        def run(*argv, check=True):
            subprocess.run(['ip'] + list(argv), check=check)
    else:
        def run(*argv, check=True):
            try:
                engine_target.exec('ip', *argv)
            except RuntimeError:
                if check:
                    raise
    run_id, number = prefix.split('-')[1:]
    name, peer = 'lnv%s%s' % (run_id, number), 'lnp%s%s' % (run_id, number)  # at most 15 characters
    run('link', 'add', name, 'type', 'veth', 'peer', 'name', peer)
    try:
        for link in (name, peer):
            run('link', 'set', link, 'up')
        yield name
    finally:
        run('link', 'del', name, check=False)


def test_macvlan_left_alone_by_a_task_naming_only_the_network(prefix, docker_client, veth, make_container):
    name = prefix + '-mv'
    options = dict(name=name, driver='macvlan', driver_options={'parent': veth},
                   ipam_config=[{'subnet': '10.201.40.0/24', 'gateway': '10.201.40.1'}, {'subnet': '10.201.41.0/24'}])
    created, again, name_only, same_driver, other_driver = play([
        task('network', **options),
        task('network', **options),
        task('network', name=name),
        task('network', name=name, driver='macvlan', driver_options={'parent': veth}),
        task('network', name=name, driver='bridge', recreate='never'),
    ])
    assert created['changed'] is True and not created.get('failed'), created.get('msg')
    net = docker_client.api.inspect_network(name)
    assert net['Driver'] == 'macvlan' and net['Options'] == {'parent': veth}
    assert sorted(p['Subnet'] for p in net['IPAM']['Config']) == ['10.201.40.0/24', '10.201.41.0/24']
    for result in (again, name_only, same_driver):
        assert result['changed'] is False and result['network']['Id'] == net['Id']
    assert other_driver['failed'] is True
    assert other_driver['msg'] == ('network %s differs from the task and recreate is never: driver: macvlan -> bridge'
                                   % name)

    web = on_network(make_container, docker_client, 'web', name, ipv4_address='10.201.41.20')
    relabel, settled = play([task('network', diff=True, name=name, labels={'site': 'b'}),
                             task('network', name=name, labels={'site': 'b'})])
    assert relabel['changed'] is True
    after = relabel['diff']['after']
    assert after['state'] == 'recreated (removed and created again)' and after['labels'] == dict(MANAGED, site='b')
    assert after['endpoints'] == ['%s: disconnected, then reconnected with ipv4_address=10.201.41.20' % web.name]
    assert settled['changed'] is False
    new = docker_client.api.inspect_network(name)
    assert new['Id'] != net['Id'] and new['Driver'] == 'macvlan' and new['Options'] == {'parent': veth}
    assert endpoint_of(web, name)['IPAddress'] == '10.201.41.20'


def test_ipvlan(prefix, docker_client, veth, make_container):
    name = prefix + '-iv'
    options = dict(name=name, driver='ipvlan', driver_options={'parent': veth, 'ipvlan_mode': 'l2'},
                   ipam_config=[{'subnet': '10.201.43.0/24'}])
    created, again = play([task('network', **options), task('network', **options)])
    if created.get('failed') and 'not supported' in created['msg']:
        pytest.skip('this kernel cannot create ipvlan networks: %s' % created['msg'])
    assert created['changed'] is True and again['changed'] is False
    assert docker_client.api.inspect_network(name)['Options'] == {'parent': veth, 'ipvlan_mode': 'l2'}
    try:
        make_container('web', network=name)
    except APIError as exc:
        if 'not supported' in str(exc):
            pytest.skip('this kernel cannot attach containers to ipvlan networks: %s' % exc.explanation)
        raise
    changed = play([task('network', name=name, internal=True)])[0]
    assert changed['changed'] is True and [a['action'] for a in changed['actions']][-1] == 'connect'


def test_config_only_and_config_from(prefix, docker_client, veth):
    cfg, net = prefix + '-cfg', prefix + '-fromcfg'
    cfg_options = dict(name=cfg, config_only=True, driver_options={'parent': veth},
                       ipam_config=[{'subnet': '10.201.42.0/24'}], lab='class')
    results = play([
        task('network', **cfg_options),
        task('network', **cfg_options),
        task('network', name=net, driver='macvlan', config_from=cfg),
        task('network', name=net, driver='macvlan', config_from=cfg),
        task('network', name=net),
        task('network', name=net, config_from=cfg, internal=True),
        task('network', name=net, internal=True),
        task('network', name=net, labels={'x': 'y'}, internal=False),
        task('network', name=cfg, internal=True),
        task('network', name=cfg, driver='bridge'),
        task('network', name=cfg, labels={'more': 'x'}),
        task('network', name=cfg, state='absent', force=True),
    ])
    made_cfg, cfg_again, made_net, net_again, net_name_only, net_internal, net_settled, net_labels, cfg_internal, \
        cfg_driver, cfg_relabel, cfg_remove = results
    assert made_cfg['changed'] is True and cfg_again['changed'] is False
    assert made_net['changed'] is True, made_net.get('msg')
    for result in (net_again, net_name_only, net_settled, cfg_driver):
        assert result['changed'] is False and not result.get('failed'), result.get('msg')
    assert net_internal['changed'] is True and net_internal['differences'] == [
        {'field': 'internal', 'before': False, 'after': True}]
    assert net_labels['msg'] == ('labels cannot be set together with config_from: network %s takes its configuration '
                                 'from %s' % (net, cfg))
    assert cfg_internal['msg'] == ('internal cannot be set on a config-only network; set them on the network that '
                                   'uses it through config_from')
    for result, word in ((cfg_relabel, 'recreated'), (cfg_remove, 'removed')):
        assert result['msg'] == ('network %s cannot be %s: %s take their configuration from it (config_from); '
                                 'remove them first' % (cfg, word, net))
    config = docker_client.api.inspect_network(cfg)
    assert config['ConfigOnly'] is True and config['Driver'] == 'null'
    assert config['Labels'] == dict(MANAGED, **{'labnet.docker.lab': 'class'})
    network = docker_client.api.inspect_network(net)
    assert network['ConfigFrom'] == {'Network': cfg} and network['Driver'] == 'macvlan' and network['Internal'] is True
    assert network['Options'] == {'parent': veth} and network['Labels'] == config['Labels']
    assert [p['Subnet'] for p in network['IPAM']['Config']] == ['10.201.42.0/24']


def test_duplicate_names_are_resolved_and_reported(prefix, docker_client, make_container, make_network):
    name = prefix + '-dup'
    oldest = docker_client.api.create_network(name, check_duplicate=False)['Id']
    try:
        spare = docker_client.api.create_network(name, check_duplicate=False)['Id']
    except APIError as exc:  # from API 1.44 (Docker 25) the daemon refuses duplicate names itself
        pytest.skip('engine %s refuses a second network named %s: %s'
                    % (docker_client.version()['Version'], name, exc.explanation))
    busy = docker_client.api.create_network(name, check_duplicate=False)['Id']
    # The daemon resolves a network named at container start by name, so attach by ID afterwards.
    helper = make_network(prefix + '-helper')
    docker_client.networks.get(busy).connect(make_container('web', network=helper.name))
    checked, resolved, again = play([task('network', check=True, name=name), task('network', name=name),
                                     task('network', name=name)])
    expected = [{'action': 'remove_duplicate', 'network': name, 'id': spare, 'kept': oldest}]
    warnings = [
        'network name %s was carried by 3 networks; kept %s (the oldest), removed duplicate %s'
        % (name, oldest[:12], spare[:12]),
        'network name %s is also carried by network %s, which has attached containers (%s-web); it was left alone '
        'and %s is managed' % (name, busy[:12], prefix, oldest[:12])]
    for result in (checked, resolved):
        assert result['changed'] is True and result['actions'] == expected
        assert result['network']['Id'] == oldest
        assert result['warnings'] == warnings
    assert again['changed'] is False and again['warnings'] == warnings[1:]
    assert sorted(n['Id'] for n in docker_client.api.networks() if n['Name'] == name) == sorted([oldest, busy])


def test_two_plays_creating_the_same_names_at_once_end_with_one_each(prefix, docker_client, tmp_path):
    """Two ansible-playbook processes create the same names; before each name both wait at a barrier.

    Whether the daemon lets a duplicate through depends on timing (it did in about one name of six
    while this was written); either way each name must end with exactly one network that both plays report.
    """
    names = ['%s-race%d' % (prefix, number) for number in range(4)]

    # A FIFO per name is the barrier: opening it blocks until the other play opens its other end, so both go
    # on at the same moment and neither spins while it waits.
    for number in range(len(names)):
        os.mkfifo(str(tmp_path / ('meet_%d' % number)))

    def tasks(me):
        steps = []
        for number, name in enumerate(names):
            # A play whose partner failed before the barrier gives up after a while instead of hanging the test.
            barrier = "timeout 300 sh -c '%s'" % ('echo go > {d}/meet_{n}' if me == 0 else 'cat {d}/meet_{n} > /dev/null')
            steps.append(task('ansible.builtin.shell', cmd=barrier.format(d=tmp_path, n=number)))
            steps.append(task('network', name=name, labels={'race': 'yes'}))
        return steps

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda me: play(tasks(me))[1::2], range(2)))
    for index, name in enumerate(names):
        survivors = [n['Id'] for n in docker_client.api.networks() if n['Name'] == name]
        assert len(survivors) == 1, name
        results = [run[index] for run in runs]
        for result in results:
            assert not result.get('failed'), result.get('msg')
            assert result['network']['Id'] == survivors[0]
        assert any(result['changed'] for result in results)
        # A play that lost the race removed its own network, kept the oldest and warned.
        for result in results:
            removed = [a for a in result['actions'] if a['action'] == 'remove_duplicate']
            assert all(a['kept'] == survivors[0] for a in removed)
            assert len(result.get('warnings') or []) == len(removed)


def test_drivers_the_engine_lacks_are_refused_before_any_change(prefix, docker_client):
    """The daemon itself refuses a missing driver only when it creates: a topology used to make its first
    networks first, and a re-create used to remove the network before the daemon said no."""
    first, missing, kept = prefix + '-first', prefix + '-nodriver', prefix + '-kept'
    entries = [dict(name=first, ipam_config=[dict(subnet='10.201.46.0/24')]),
               dict(name=missing, driver='labnet-nosuch-driver')]
    results = play([
        task('network', name=missing, driver='labnet-nosuch-driver', check=True),
        task('network', name=missing, driver='labnet-nosuch-driver'),
        task('network', name=missing, ipam_driver='labnet-nosuch-ipam'),
        task('topology', lab=prefix, networks=entries, check=True),
        task('topology', lab=prefix, networks=entries),
        task('network', name=kept, ipam_config=[dict(subnet='10.201.47.0/24')]),
        task('network', name=kept, driver='labnet-nosuch-driver', ipam_config=[dict(subnet='10.201.47.0/24')]),
    ])
    message = ('driver labnet-nosuch-driver: this engine has no network driver of that name (built in: bridge, '
               'host, ipvlan, macvlan, null, overlay; plugins: none); install and enable the plugin first')
    for result in results[:2]:
        assert result['failed'] and not result['changed'] and result['msg'] == message, result
    assert results[2]['failed'] and results[2]['msg'].startswith(
        'ipam_driver labnet-nosuch-ipam: this engine has no IPAM driver of that name (built in: default, null')
    for result in results[3:5]:
        assert result['failed'] and not result['changed'], result
        assert result['msg'] == 'networks[1] (%s): %s; nothing was changed' % (missing, message), result['msg']
    assert results[5]['changed'] and not results[5].get('failed')
    recreate = results[6]
    assert recreate['failed'] and not recreate['changed'] and recreate['msg'] == 'network %s: %s' % (kept, message)
    names = sorted(row['Name'] for row in docker_client.api.networks() if row['Name'].startswith(prefix))
    assert names == [kept]
    assert docker_client.api.inspect_network(kept)['Id'] == results[5]['network']['Id']
