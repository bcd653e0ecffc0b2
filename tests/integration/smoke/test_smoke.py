"""One playbook per module against the real daemon, each change followed by an idempotent re-run.

Small on purpose: scripts/matrix.sh runs it (with tests/unit) under every ansible-core version the
collection claims, each in its own venv; only ansible-core's own plugins are used (harness.run_collect reads
the results from a file, so no callback plugin outside ansible-core is needed).
"""

import ipaddress

from ansible_collections.labnet.docker.tests.integration.harness import free_subnet, python_warnings, run_collect


def _mod(module, **args):
    return {'labnet.docker.' + module: args}


def smoke_tasks(docker_client, prefix, make_container, within='10.222.0.0/16'):
    """The smoke playbook's tasks (every module, each change re-run) and the names check_smoke needs.

    ``within``: the range its three subnets are picked from; a test that may run at the same time as this one (pytest
    workers) passes a range of its own.
    """
    net, topo, spare = prefix + '-net', prefix + '-topo', prefix + '-spare'
    block = ipaddress.ip_network(free_subnet(docker_client, within=within, new_prefix=22))
    subnets = [str(sub) for sub in block.subnets(new_prefix=24)]
    c1, c2 = prefix + '-c1', prefix + '-c2'
    make_container('c1')
    make_container('c2')
    network = dict(name=net, ipam_config=[{'subnet': subnets[0]}], lab=prefix)
    attach = dict(network=net, containers=[c1, c2], aliases=['smoke'])
    topology = dict(lab=prefix, networks=[{'name': topo, 'ipam_config': [{'subnet': subnets[1]}]}],
                    attachments=[{'network': topo, 'container': c1, 'ipv4_address': subnets[1].replace('0/24', '10')}])
    tasks = [
        _mod('network', **network),
        _mod('network', **network),
        dict(_mod('network', **dict(network, internal=True)), check_mode=True),
        _mod('network_info', names=[net]),
        _mod('network_attachment', **attach),
        _mod('network_attachment', **attach),
        _mod('network_probe', probes=[{'from': c2, 'to': c1, 'kind': 'ping'}]),
        _mod('topology', **topology),
        _mod('topology', **topology),
        _mod('network', name=spare, lab=prefix, ipam_config=[{'subnet': subnets[2]}]),
        dict(_mod('network_prune', lab=prefix, filters={'label': ['labnet.docker.lab=%s' % prefix]}), check_mode=True),
        _mod('network_prune', lab=prefix, filters={'label': ['labnet.docker.lab=%s' % prefix]}),
        _mod('network_prune', lab=prefix, filters={'label': ['labnet.docker.lab=%s' % prefix]}),
        _mod('network', name=net, state='absent', force=True),
        _mod('network', name=net, state='absent', force=True),
    ]
    return tasks, dict(net=net, spare=spare)


def check_smoke(proc, results, docker_client, names):
    """What the smoke playbook must have done, whatever ran it (the linear strategy, or Mitogen's)."""
    net, spare = names['net'], names['spare']
    (created, same, check, info, attached, attached_again, probed, topo_made, topo_again, spare_made,
     prune_check, pruned, pruned_again, removed, removed_again) = results
    for index, result in enumerate(results):
        assert not result.get('failed'), (index, result.get('msg'), proc.stdout[-2000:])
    # No Python warning from the dependency set of this venv on the console (issue 31's clean first screen).
    assert python_warnings(proc.stdout + proc.stderr) == []

    assert created['changed'] and not same['changed']
    assert check['changed'] and check['differences'] == [{'field': 'internal', 'before': False, 'after': True}]
    assert info['exists'] and [entry['Name'] for entry in info['networks']] == [net]
    assert info['networks'][0]['Internal'] is False                   # check mode changed nothing
    assert attached['changed'] and [c['action'] for c in attached['containers']] == ['connected', 'connected']
    assert not attached_again['changed']
    assert not probed['changed'] and probed['results'][0]['observed'] == 'reachable'
    assert topo_made['changed'] and not topo_again['changed'], topo_again.get('actions')
    assert spare_made['changed']
    # the two networks with containers are kept; only the unused one goes, and only once
    assert [entry['name'] for entry in prune_check['networks']] == [spare]
    assert prune_check['changed'] and pruned['changed'] and not pruned_again['changed']
    assert [entry['name'] for entry in pruned['networks']] == [spare]
    assert removed['changed'] and not removed_again['changed']
    assert docker_client.networks.list(names=[spare]) == [] and docker_client.networks.list(names=[net]) == []


def test_every_module_converges_and_is_idempotent(docker_client, prefix, make_container):
    tasks, names = smoke_tasks(docker_client, prefix, make_container)
    proc, results = run_collect(tasks)
    check_smoke(proc, results, docker_client, names)
