"""labnet.docker.network_info against the real daemon: lookup order, filters, verbose endpoints."""

from ansible_collections.labnet.docker.tests.integration.harness import create_network, play, task
from ansible_collections.labnet.docker.tests.integration.modules.network_helpers import on_network


def names_of(result):
    return [net['Name'] for net in result['networks']]


def test_lookup_order_filters_and_endpoints(prefix, docker_client, make_container, make_network):
    alpha = make_network(prefix + '-alpha', '10.201.50.0/24', 'fd00:201:50::/64', labels={'labnet.test.role': 'alpha'})
    beta = make_network(prefix + '-beta', internal=True)
    web = on_network(make_container, docker_client, 'web', alpha.name, ipv4_address='10.201.50.10',
                     ipv6_address='fd00:201:50::10', aliases=['www'])
    dynamic = on_network(make_container, docker_client, 'zdynamic', alpha.name)  # the daemon picks its address
    # A network whose name is a prefix of beta's ID: an exact name wins over an ID prefix.
    hexname = beta.id[:12]
    create_network(docker_client, hexname)  # not under the prefix: removed below
    try:
        results = play([
            task('network_info', names=[alpha.name], verbose=True),
            task('network_info', names=[hexname]),
            task('network_info', names=[beta.id]),
            task('network_info', names=[beta.id[:13]]),
            task('network_info', names=[prefix + '-alph']),
            task('network_info', filters={'label': 'labnet.test.role=alpha'}),
            task('network_info', filters={'name': prefix, 'type': 'custom', 'driver': 'bridge'}),
            task('network_info', filters={'name': prefix, 'dangling': True}),
            task('network_info', filters={'name': prefix, 'dangling': 'false'}),
            task('network_info', filters={'type': 'builtin'}),
            task('network_info', names=[alpha.name, beta.name], filters={'label': 'labnet.test.role'}),
            task('network_info', filters={'colour': 'red'}),
        ])
    finally:
        docker_client.networks.get(hexname).remove()
    verbose, by_name, by_id, by_prefix, name_prefix, by_label, custom, dangling, in_use, builtin, both, bad = results
    assert verbose['exists'] is True
    running = verbose['networks'][0]['Containers']
    dynamic.reload()
    assigned = dynamic.attrs['NetworkSettings']['Networks'][alpha.name]
    # ipv4_address / ipv6_address: the fixed addresses, as the option of network_attachment means them;
    # assigned_*: what the daemon gave the endpoint.
    assert verbose['networks'][0]['endpoints'] == [{
        'container': web.name, 'id': web.id, 'ipv4_address': '10.201.50.10', 'ipv6_address': 'fd00:201:50::10',
        'assigned_ipv4_address': '10.201.50.10', 'assigned_ipv6_address': 'fd00:201:50::10',
        'mac_address': running[web.id]['MacAddress'], 'aliases': ['www'],  # no daemon-added ID alias, on any engine
    }, {
        'container': dynamic.name, 'id': dynamic.id, 'ipv4_address': None, 'ipv6_address': None,
        'assigned_ipv4_address': assigned['IPAddress'], 'assigned_ipv6_address': assigned['GlobalIPv6Address'],
        'mac_address': running[dynamic.id]['MacAddress'], 'aliases': [],
    }]
    assert assigned['IPAddress'].startswith('10.201.50.') and assigned['GlobalIPv6Address'].startswith('fd00:201:50:')
    # 20.10 derives the MAC from the address (02:42:...), 28.x picks a random one: locally administered, unicast.
    first_octet = int(verbose['networks'][0]['endpoints'][0]['mac_address'].split(':')[0], 16)
    assert first_octet & 0b11 == 0b10
    assert names_of(by_name) == [hexname]
    assert names_of(by_id) == [beta.name] and names_of(by_prefix) == [beta.name]
    assert name_prefix['exists'] is False and name_prefix['networks'] == [] and not name_prefix.get('failed')
    assert names_of(by_label) == [alpha.name]
    assert names_of(custom) == [alpha.name, beta.name]
    assert names_of(dangling) == [beta.name]  # alpha has a container (Docker 20.10 alone would list it too)
    assert names_of(in_use) == [alpha.name]
    assert names_of(builtin) == ['bridge', 'host', 'none']
    assert names_of(both) == [alpha.name] and 'exists' not in both
    assert bad['failed'] is True
    assert bad['msg'] == "unknown network filter 'colour': use one of dangling, driver, id, label, name, scope, type"
    for result in results[:-1]:
        assert result['changed'] is False
