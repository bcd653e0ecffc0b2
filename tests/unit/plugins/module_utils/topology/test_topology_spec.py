"""Topology parameters: each entry through the single-item modules' specs, and the checks across the lists."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.topology.spec import topology_from_params


def net(name, subnet=None, **extra):
    entry = dict(name=name, **extra)
    if subnet:
        entry['ipam_config'] = [dict(subnet=subnet)]
    return entry


def test_entries_become_specs_and_attachments():
    topology = topology_from_params(dict(
        lab='lab1', state='present',
        networks=[net('a', '10.201.1.0/24', internal='yes'), net('b', recreate='never')],
        attachments=[dict(network='a', containers=['c1', 'c2']), dict(network='b', container='c1', aliases=['x'])]))
    assert topology.names == ['a', 'b']
    first = topology.networks[0].spec
    assert first.internal is True  # converted as AnsibleModule would
    assert first.labels == {LAB_LABEL: 'lab1'}
    assert first.ipam_config[0]['subnet'] == '10.201.1.0/24'
    assert [entry.recreate for entry in topology.networks] == ['on_change', 'never']
    assert topology.attachments[0].attachment.containers == ['c1', 'c2']
    assert topology.attachments[1].attachment.settings == {'aliases': ['x']}
    assert topology.attachments[1].attachment.state == 'present'


def test_a_config_from_network_takes_the_lab_label_from_its_configuration():
    topology = topology_from_params(dict(lab='lab1', networks=[
        net('cfg', '10.201.3.0/24', config_only=True), net('live', config_from='cfg', driver='bridge')]))
    assert topology.networks[0].spec.labels == {LAB_LABEL: 'lab1'}
    assert topology.networks[1].spec.labels is None


def test_state_applies_to_every_attachment():
    topology = topology_from_params(dict(state='absent', attachments=[dict(network='a', container='c1')]))
    assert topology.attachments[0].attachment.state == 'absent'


@pytest.mark.parametrize('params, message', [
    (dict(networks=[net('a', colour='blue')]),
     'networks[0] (a): unsupported option colour. Supported parameters include:'),
    (dict(networks=[net('a', state='absent')]),
     'networks[0] (a): unsupported option state.'),
    (dict(networks=[net('a', internal='maybe')]),
     "networks[0] (a): argument 'internal' is of type str and we were unable to convert to bool"),
    (dict(networks=['a']),
     "networks[0] must be a dict, got 'a'"),
    (dict(networks=[dict(driver='bridge')]),
     'networks[0]: missing required arguments: name'),
    (dict(networks=[net('a', '10.201.1.1/24')]),
     'networks[0] (a): ipam_config[0].subnet 10.201.1.1/24 has host bits set; the network is 10.201.1.0/24'),
    (dict(networks=[net('a'), net('a', internal=True)]),
     'networks[0] and networks[1] both name network a'),
    (dict(networks=[net('a', '10.201.0.0/16'), net('b', '10.201.5.0/24')]),
     'networks[1] (b) ipam_config[0].subnet 10.201.5.0/24 overlaps subnet 10.201.0.0/16 of networks[0] (a)'),
    (dict(networks=[net('a', '10.201.5.0/24'), net('b', '10.202.0.0/24'), net('c', '10.201.0.0/16')]),
     'networks[2] (c) ipam_config[0].subnet 10.201.0.0/16 overlaps subnet 10.201.5.0/24 of networks[0] (a)'),
    (dict(attachments=[dict(network='a')]),
     'attachments[0] (a): give container or containers: the containers to attach to network a'),
    (dict(attachments=[dict(network='a', container='c1', state='absent')]),
     'attachments[0] (a): unsupported option state.'),
    (dict(attachments=[dict(network='a', container='c1'), dict(network='a', containers=['c2', 'c1'])]),
     'attachments[0] and attachments[1] both attach container c1 to network a'),
    (dict(attachments=[dict(network='a', container='c1', ipv4_address='10.201.1.5'),
                       dict(network='a', container='c2', ipv4_address='10.201.1.5')]),
     'attachments[0] and attachments[1] both ask for ipv4_address 10.201.1.5 on network a'),
    # choices: the argument spec is their one home (network and attachment modules use the same)
    (dict(networks=[dict(name='n', scope='planet')]), 'networks[0] (n): value of scope must be one of: local, global, '
     'swarm, got: planet'),
    (dict(networks=[dict(name='n', labels_mode='all')]), 'networks[0] (n): value of labels_mode must be one of: '
     'subset, exact, got: all'),
    (dict(networks=[dict(name='n', recreate='sometimes')]), 'networks[0] (n): value of recreate must be one of: '
     'on_change, never, always, got: sometimes'),
])
def test_refusals_name_the_entry(params, message):
    with pytest.raises(LabnetDockerError) as caught:
        topology_from_params(params)
    assert caught.value.msg.startswith(message), caught.value.msg


def test_every_problem_is_reported_at_once():
    with pytest.raises(LabnetDockerError) as caught:
        topology_from_params(dict(networks=[net('a', '10.201.1.0/33'), net('b', colour='red')],
                                  attachments=[dict(network='a')]))
    problems = caught.value.details['problems']
    assert [problem.split(':')[0] for problem in problems] == ['networks[0] (a)', 'networks[1] (b)', 'attachments[0] (a)']
    assert caught.value.msg.endswith('; nothing was changed')


def test_each_overlapping_pool_is_named_once():
    with pytest.raises(LabnetDockerError) as caught:
        topology_from_params(dict(networks=[net('a', '10.201.0.0/16'), net('b', '10.201.1.0/24'), net('c', '10.202.0.0/24'),
                                            net('d', '10.201.1.128/25'), net('e', '10.201.2.0/24')]))
    assert caught.value.details['problems'] == [
        'networks[1] (b) ipam_config[0].subnet 10.201.1.0/24 overlaps subnet 10.201.0.0/16 of networks[0] (a)',
        'networks[3] (d) ipam_config[0].subnet 10.201.1.128/25 overlaps subnet 10.201.1.0/24 of networks[1] (b)',
        'networks[4] (e) ipam_config[0].subnet 10.201.2.0/24 overlaps subnet 10.201.0.0/16 of networks[0] (a)',
    ]


def test_same_pools_on_different_ip_versions_do_not_clash():
    topology = topology_from_params(dict(networks=[
        net('a', '10.201.1.0/24'),
        dict(name='b', enable_ipv6=True, ipam_config=[dict(subnet='fd00:201::/64')])]))
    assert topology.names == ['a', 'b']
