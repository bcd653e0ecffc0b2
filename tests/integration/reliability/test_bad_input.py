"""Bad input, across every module: refused with a message naming the value and why, and nothing changed.

The table runs in two ansible-playbook runs side by side against the private
engine. A test-only callback (callback_plugins/rel_record.py) reads the
engine's network and container listings (endpoints come with the containers)
when the play starts and after every case, in the ansible-playbook process
before the next task starts, so each case is judged on its own pair of
listings of the whole engine. Each row is a parametrised test item.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from docker.types import IPAMConfig, IPAMPool

from ansible_collections.labnet.docker.tests.integration.harness import create_network, play, remove_prefixed
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures
from ansible_collections.labnet.docker.tests.integration.reliability.rel_snapshot import from_listings, lost, snapshot

GROUPS = 2  # plays run side by side, to use both cores
CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')

NET_SUBNET = '10.210.64.0/24'
C1_ADDRESS = '10.210.64.10'
V6_SUBNET = 'fd00:210:1:1::/64'

# (id, module, arguments, substrings the failure message must contain). '{p}' is the test's name prefix.
CASES = [
    # -- network: addresses and pools
    ('cidr-malformed', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/33')]),
     ["'10.210.65.0/33' is not a valid IPv4 or IPv6 network"]),
    ('cidr-no-prefix', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0')]),
     ["ipam_config[0].subnet '10.210.65.0' is not in CIDR notation"]),
    ('cidr-host-bits', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.7/24')]),
     ['10.210.65.7/24 has host bits set; the network is 10.210.65.0/24']),
    ('gateway-wrong-family', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24',
                                                                             gateway='fd00:210::1')]),
     ['gateway fd00:210::1 is outside subnet 10.210.65.0/24']),
    ('gateway-outside', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24',
                                                                        gateway='10.210.66.1')]),
     ['ipam_config[0].gateway 10.210.66.1 is outside subnet 10.210.65.0/24']),
    ('gateway-not-ip', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24', gateway='router')]),
     ["ipam_config[0].gateway 'router' is not a valid IP address"]),
    ('ip-range-outside', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24',
                                                                         ip_range='10.210.65.128/24')]),
     ['ip_range 10.210.65.128/24 has host bits set']),
    ('ip-range-other-subnet', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24',
                                                                              ip_range='10.210.66.0/25')]),
     ['ipam_config[0].ip_range 10.210.66.0/25 is outside subnet 10.210.65.0/24']),
    ('aux-outside', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24',
                                                                    aux_addresses=dict(router='10.210.99.2'))]),
     ['ipam_config[0].aux_addresses.router 10.210.99.2 is outside subnet 10.210.65.0/24']),
    ('pools-overlap', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24'),
                                                                 dict(subnet='10.210.65.128/25')]),
     ['ipam_config[1].subnet 10.210.65.128/25 overlaps ipam_config[0].subnet 10.210.65.0/24']),
    ('existing-subnet', 'network', dict(name='{p}-n', ipam_config=[dict(subnet=NET_SUBNET)]),
     ['ipam_config[0].subnet %s overlaps subnet %s of existing network {p}-net' % (NET_SUBNET, NET_SUBNET)]),
    ('existing-subnet-wider', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.64.0/23')]),
     ['ipam_config[0].subnet 10.210.64.0/23 overlaps subnet %s of existing network {p}-net' % NET_SUBNET]),
    ('ipv6-without-enable', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='fd00:210:1:9::/64')]),
     ['ipam_config[0].subnet fd00:210:1:9::/64 is IPv6, which needs enable_ipv6: true']),
    ('two-ipv4-pools-bridge', 'network', dict(name='{p}-n', driver='bridge', ipam_config=[
        dict(subnet='10.210.65.0/24'), dict(subnet='10.210.66.0/24')]),
     ['ipam_config has 2 IPv4 pools, but the bridge driver takes one IPv4']),
    ('pool-unknown-key', 'network', dict(name='{p}-n', ipam_config=[dict(subnet='10.210.65.0/24', gw='10.210.65.1')]),
     ['gw']),
    # -- network: names, options, API version (pinned to 1.41, so any newer engine refuses alike), types
    ('name-control-chars', 'network', dict(name='{p}-a\tb'), ["name '{p}-a\\tb' contains control characters"]),
    ('name-surrounding-space', 'network', dict(name=' {p}-n'),
     ["name ' {p}-n' has leading or trailing whitespace; the daemon would keep it"]),
    ('name-container-mode', 'network', dict(name='container:{p}-n'),
     ["name 'container:{p}-n' cannot be used by containers: network_mode container:<name>"]),
    ('name-empty', 'network', dict(name='  '), ['name must not be empty']),
    ('enable-ipv4-api-too-old', 'network', dict(name='{p}-n', enable_ipv4=False, api_version='1.41'),
     ['enable_ipv4 needs Docker Engine API 1.47 or newer; the daemon speaks 1.41']),
    ('internal-wrong-type', 'network', dict(name='{p}-n', internal='sometimes'),
     ["internal", "'sometimes'", 'bool']),
    ('scope-not-a-choice', 'network', dict(name='{p}-n', scope='planet'), ['scope', 'planet', 'local, global, swarm']),
    ('labels-contradict-lab', 'network', dict(name='{p}-n', lab='one', labels={'labnet.docker.lab': 'two'}),
     ['labels sets labnet.docker.lab=two but lab is one']),
    ('config-only-with-driver', 'network', dict(name='{p}-n', config_only=True, driver='bridge'),
     ['driver', 'config-only']),
    ('config-from-missing', 'network', dict(name='{p}-n', config_from='{p}-nowhere'),
     ['config_from network {p}-nowhere does not exist']),
    ('remove-predefined', 'network', dict(name='bridge', state='absent'),
     ['bridge is a network predefined by Docker; it cannot be removed']),
    ('remove-in-use', 'network', dict(name='{p}-net', state='absent'),
     ['network {p}-net has attached containers', '{p}-c1', 'force: true']),
    ('recreate-never', 'network', dict(name='{p}-net', internal=True, recreate='never'),
     ['network {p}-net differs from the task and recreate is never', 'internal']),
    # -- network_attachment
    ('attach-missing-network', 'network_attachment', dict(network='{p}-nowhere', container='{p}-c2'),
     ['network {p}-nowhere not found']),
    ('attach-missing-container', 'network_attachment', dict(network='{p}-net', container='{p}-ghost'),
     ['container {p}-ghost not found']),
    ('attach-container-forbidden-chars', 'network_attachment', dict(network='{p}-net', container='{p} web!'),
     ['container {p} web! not found']),
    ('attach-to-host', 'network_attachment', dict(network='host', container='{p}-c2'),
     ['network host: containers cannot be connected to the host network']),
    ('attach-to-none', 'network_attachment', dict(network='none', container='{p}-c2'),
     ['network none: containers cannot be connected to the none network']),
    ('attach-host-mode', 'network_attachment', dict(network='{p}-net', container='{p}-hostmode'),
     ['container {p}-hostmode uses host networking (network_mode host)']),
    ('attach-none-mode', 'network_attachment', dict(network='{p}-net', container='{p}-nonemode'),
     ['container {p}-nonemode has networking disabled (network_mode none)']),
    ('attach-shared-namespace', 'network_attachment', dict(network='{p}-net', container='{p}-sharer'),
     ['container {p}-sharer shares the network namespace of container', 'network_mode container:']),
    ('attach-address-outside', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                          ipv4_address='10.210.99.5'),
     ['ipv4_address 10.210.99.5 is outside the pools of network {p}-net (%s)' % NET_SUBNET]),
    ('attach-address-malformed', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                            ipv4_address='10.210.64.300'),
     ["ipv4_address '10.210.64.300' is not a valid IP address"]),
    ('attach-address-wrong-family', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                               ipv4_address='fd00:210:1::5'),
     ['ipv4_address fd00:210:1::5 is not an IPv4 address']),
    ('attach-ipv6-no-ipv6', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                       ipv6_address='fd00:210:1::5'),
     ['ipv6_address fd00:210:1::5: network {p}-net does not have IPv6 enabled']),
    ('attach-address-taken', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                        ipv4_address=C1_ADDRESS),
     ['ipv4_address %s is already held by' % C1_ADDRESS, '{p}-c1']),
    ('attach-address-gateway', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                          ipv4_address='10.210.64.1'),
     ["ipv4_address 10.210.64.1 is already held by the network's gateway on network {p}-net"]),
    ('attach-address-aux', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                      ipv4_address='10.210.64.2'),
     ['ipv4_address 10.210.64.2 is already held by auxiliary address router']),
    ('attach-address-two-containers', 'network_attachment', dict(network='{p}-net', containers=['{p}-c2', '{p}-c3'],
                                                                 ipv4_address='10.210.64.20'),
     ['ipv4_address 10.210.64.20: a fixed address can be given to one container only, not to 2']),
    ('attach-fixed-on-default-bridge', 'network_attachment', dict(network='bridge', container='{p}-c3',
                                                                  ipv4_address='10.210.254.50'),
     ['ipv4_address 10.210.254.50: fixed addresses work only on user-defined networks']),
    ('attach-mac-on-connect', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                         mac_address='02:42:0a:d2:40:99'),
     ['container {p}-c2: mac_address 02:42:0a:d2:40:99 on network {p}-net: Docker does not apply a MAC address on '
      'connect']),
    ('attach-gw-priority-api-too-old', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                                  gw_priority=5, api_version='1.41'),
     ['gw_priority needs Docker Engine API 1.48 or newer']),
    ('attach-mac-malformed', 'network_attachment', dict(network='{p}-net', container='{p}-c2', mac_address='02:42'),
     ["mac_address '02:42' is not a MAC address"]),
    ('attach-gw-priority-wrong-type', 'network_attachment', dict(network='{p}-net', container='{p}-c2',
                                                                 gw_priority='high'),
     ['gw_priority', "'high'", 'int']),
    ('attach-empty-alias', 'network_attachment', dict(network='{p}-net', container='{p}-c2', aliases=['web', ' ']),
     ["aliases: ' ' is not a valid alias (empty)"]),
    ('attach-no-container', 'network_attachment', dict(network='{p}-net'), ['container', 'containers']),
    ('attach-reconnect-refused', 'network_attachment', dict(network='{p}-net', container='{p}-c1',
                                                            aliases=['renamed'], reconnect=False),
     ['container {p}-c1 is connected to network {p}-net with other settings and reconnect is false', 'aliases']),
    # -- network_prune
    ('prune-unknown-filter', 'network_prune', dict(filters={'dangling': True}),
     ['unknown prune filter dangling: network prune understands only until, label, label!']),
    ('prune-until-days', 'network_prune', dict(filters={'until': '7d'}),
     ["filter until: '7d' is not a duration", 'days are not a unit, use hours such as 168h']),
    ('prune-until-garbage', 'network_prune', dict(filters={'until': 'yesterday'}),
     ["filter until: 'yesterday' is not a duration (such as 24h, 90m or 1h30m) or a timestamp"]),
    ('prune-two-untils', 'network_prune', dict(filters={'until': ['1h', '2h']}),
     ['filter until: give one time, not 2 (1h, 2h)']),
    ('prune-empty-label', 'network_prune', dict(filters={'label': ''}),
     ["filter label: '' is not a label key or key=value"]),
    ('prune-lab-with-equals', 'network_prune', dict(lab='a=b'), ["lab: 'a=b' is not a lab name"]),
    ('prune-filters-wrong-type', 'network_prune', dict(filters=['until']), ['filters', 'dict']),
    # -- network_info
    ('info-unknown-filter', 'network_info', dict(filters={'colour': 'blue'}), ["unknown network filter 'colour'"]),
    ('info-bad-type-filter', 'network_info', dict(filters={'type': 'weird'}),
     ['filter type: weird is not custom or builtin']),
    ('info-bad-dangling', 'network_info', dict(filters={'dangling': 'maybe'}), ['filter dangling: maybe is not a boolean']),
    # -- network_probe
    ('probe-no-target', 'network_probe', dict(probes=[{'from': '{p}-c1', 'kind': 'ping'}]),
     ['probes[0]', 'to is missing']),
    ('probe-tcp-no-port', 'network_probe', dict(probes=[{'from': '{p}-c1', 'to': '{p}-c2', 'kind': 'tcp'}]),
     ['probes[0]', 'a tcp probe needs port']),
    ('probe-http-no-url', 'network_probe', dict(probes=[{'from': '{p}-c1', 'to': '{p}-c2', 'kind': 'http'}]),
     ['an http probe needs url']),
    ('probe-no-source', 'network_probe', dict(probes=[{'to': '{p}-c2'}]), ['missing required arguments: from found in probes']),
    ('probe-missing-source', 'network_probe', dict(probes=[{'from': '{p}-ghost', 'to': '{p}-c2'}]),
     ['source container {p}-ghost does not exist']),
    ('probe-stopped-source', 'network_probe', dict(probes=[{'from': '{p}-stopped', 'to': '{p}-c2'}]),
     ['source container {p}-stopped']),
    ('probe-empty', 'network_probe', dict(probes=[]), ['probes is empty']),
    ('probe-dns-to-ip', 'network_probe', dict(probes=[{'from': '{p}-c1', 'to': '10.210.64.1', 'kind': 'dns'}]),
     ['to 10.210.64.1 is an IP address; a dns probe needs a name to look up']),
    # -- topology: the same rules per entry, plus rules across entries; one bad entry refuses the whole task
    ('topology-same-network-twice', 'topology', dict(networks=[dict(name='{p}-t1'), dict(name='{p}-t1')]),
     ['networks[0] and networks[1] both name network {p}-t1', 'nothing was changed']),
    ('topology-pools-overlap', 'topology', dict(networks=[
        dict(name='{p}-t1', ipam_config=[dict(subnet='10.210.80.0/24')]),
        dict(name='{p}-t2', ipam_config=[dict(subnet='10.210.80.0/25')])]),
     ['networks[1] ({p}-t2) ipam_config[0].subnet 10.210.80.0/25 overlaps subnet 10.210.80.0/24 of networks[0] ({p}-t1)']),
    ('topology-one-bad-entry', 'topology', dict(networks=[
        dict(name='{p}-t1', ipam_config=[dict(subnet='10.210.80.0/24')]),
        dict(name='{p}-t2', ipam_config=[dict(subnet='10.210.81.1/24')])],
        attachments=[dict(network='{p}-t1', container='{p}-c2')]),
     ['networks[1] ({p}-t2): ipam_config[0].subnet 10.210.81.1/24 has host bits set', 'nothing was changed']),
    ('topology-existing-subnet', 'topology', dict(networks=[dict(name='{p}-t1', ipam_config=[dict(subnet=NET_SUBNET)])]),
     ['networks[0] ({p}-t1): ipam_config[0].subnet %s overlaps subnet %s of existing network {p}-net'
      % (NET_SUBNET, NET_SUBNET)]),
    ('topology-attach-to-host', 'topology', dict(attachments=[dict(network='host', container='{p}-c2')]),
     ['attachments[0] (host): network host: containers cannot be connected to the host network']),
    ('topology-container-twice', 'topology', dict(attachments=[dict(network='{p}-net', container='{p}-c2'),
                                                               dict(network='{p}-net', container='{p}-c2')]),
     ['attachments[0] and attachments[1] both attach container {p}-c2 to network {p}-net']),
    ('topology-unknown-option', 'topology', dict(networks=[dict(name='{p}-t1', colour='blue')]),
     ['networks[0] ({p}-t1): unsupported option', 'colour']),
    ('topology-missing-container', 'topology', dict(networks=[dict(name='{p}-t1')],
                                                    attachments=[dict(network='{p}-t1', container='{p}-ghost')]),
     ['attachments[0] ({p}-t1): container {p}-ghost not found']),
    # -- connection options (every module shares them)
    ('conn-timeout-wrong-type', 'network_info', dict(timeout='soon'), ['timeout', "'soon'", 'int']),
    ('conn-half-client-pair', 'network_info', dict(tls=True, client_cert='/etc/hostname'),
     ['client_cert and client_key must be given together; only client_cert was given']),
]


def _fill(value, prefix):
    if isinstance(value, str):
        return value.replace('{p}', prefix)
    if isinstance(value, list):
        return [_fill(item, prefix) for item in value]
    if isinstance(value, dict):
        return dict((key, _fill(item, prefix)) for key, item in value.items())
    return value


def _setup(client, prefix):
    """The objects the cases refer to, in the private engine."""
    pool = IPAMPool(subnet=NET_SUBNET, gateway='10.210.64.1', aux_addresses={'router': '10.210.64.2'})
    net = create_network(client, prefix + '-net', ipam=IPAMConfig(pool_configs=[pool]))
    run = dict(detach=True, dns=['127.0.0.1'])
    image = 'labnet/busybox:latest'
    c1 = client.containers.create(image, ['sleep', '3600'], name=prefix + '-c1', **run)
    net.connect(c1, ipv4_address=C1_ADDRESS)
    c1.start()
    client.containers.run(image, ['sleep', '3600'], name=prefix + '-c2', **run)
    client.containers.run(image, ['sleep', '3600'], name=prefix + '-c3', **run)
    client.containers.run(image, ['sleep', '3600'], name=prefix + '-hostmode', network_mode='host', **run)
    client.containers.run(image, ['sleep', '3600'], name=prefix + '-nonemode', network_mode='none', **run)
    client.containers.run(image, ['sleep', '3600'], name=prefix + '-sharer', network_mode='container:' + c1.id,
                          detach=True)
    client.containers.create(image, ['sleep', '3600'], name=prefix + '-stopped', network=prefix + '-net', **run)


def _run_group(engine, cases, prefix, out):
    """Start one ansible-playbook run of ``cases``; the callback appends its listings to ``out``."""
    tasks = [{'name': case_id, 'labnet.docker.' + module: _fill(args, prefix), 'ignore_errors': True}
             for case_id, module, args, dummy in cases]
    env = {'DOCKER_HOST': engine.unix_url, 'ANSIBLE_PIPELINING': 'true', 'ANSIBLE_CALLBACK_PLUGINS': CALLBACKS,
           'ANSIBLE_CALLBACKS_ENABLED': 'rel_record', 'LNREL_GEN_SOCKET': engine.socket_path,
           'LNREL_GEN_OUT': out}
    return play(tasks, env=env)


@pytest.fixture(scope='module')
def table_run(engine, tmp_path_factory):
    """Run the cases in GROUPS plays at once; every listing is of the whole engine, so a change made by any
    case shows up in the window of that case (and possibly of a case running beside it): never missed."""
    if not engine.running:
        engine.start()
    prefix = 'lnrel-bad'
    client = engine.client()
    remove_prefixed(client, prefix)
    _setup(client, prefix)
    groups = [CASES[index::GROUPS] for index in range(GROUPS)]
    directory = tmp_path_factory.mktemp('bad-input')
    outs = [str(directory / ('snapshots-%d.jsonl' % index)) for index in range(GROUPS)]
    try:
        whole_before = snapshot(client.api)
        with ThreadPoolExecutor(GROUPS) as pool:
            runs = list(pool.map(lambda index: _run_group(engine, groups[index], prefix, outs[index]), range(GROUPS)))
        whole_after = snapshot(client.api)
        outcome = {}
        for cases, results, out in zip(groups, runs, outs):
            with open(out) as handle:
                lines = [json.loads(line) for line in handle]
            assert [line['task'] for line in lines] == ['(start)'] + [case[0] for case in cases]
            snaps = [from_listings(line['networks'], line['containers']) for line in lines]
            for index, (case, result) in enumerate(zip(cases, results)):
                outcome[case[0]] = (result, snaps[index], snaps[index + 1])
        yield prefix, outcome, (whole_before, whole_after)
    finally:
        remove_prefixed(client, prefix)
        client.close()


def test_the_whole_table_changed_nothing(table_run):
    dummy, dummy2, (before, after) = table_run
    assert after == before


def test_table_has_enough_cases():
    modules = set(case[1] for case in CASES)
    assert len(CASES) >= 40 and {'network', 'network_attachment', 'network_prune', 'network_info',
                                 'network_probe', 'topology'} <= modules
    assert len(set(case[0] for case in CASES)) == len(CASES)


@pytest.mark.parametrize('case_id, module, args, expected', CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_and_changes_nothing(table_run, case_id, module, args, expected):
    prefix, outcome, dummy = table_run
    result, before, after = outcome[case_id]
    rel_figures.add('cases_tried')
    missing = lost(before, after)
    rel_figures.add('objects_lost', len(missing))
    assert result.get('failed') is True, result
    msg = result.get('msg', '')
    for part in expected:
        assert _fill(part, prefix) in msg, msg
    assert 'Traceback' not in msg and 'MODULE FAILURE' not in msg, msg
    assert result.get('changed') is not True, result
    assert missing == []
    assert after == before
    rel_figures.add('cases_refused_cleanly')
