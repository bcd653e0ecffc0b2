"""The network-namespace owner of a `container:` mode container stops: the probe reports the lost network,
and converging the lab again heals it. Real packets, so this runs on the shared engine, with this test's prefix.

The lab is the container_network role when the collection has it; otherwise the same two
community.docker.docker_container tasks the role runs (owner started; sharer re-created
when the owner changed, so that it joins the owner's new namespace).
"""

import os

import rel_figures
from harness import COLLECTIONS, play, task

IMAGE = 'labnet/busybox:latest'


def _has_role(name):
    return os.path.isdir(os.path.join(COLLECTIONS, 'ansible_collections', 'labnet', 'docker', 'roles', name))


def _converge(prefix):
    if _has_role('container_network'):
        return [{'name': 'container_network role', 'ansible.builtin.include_role': {
            'name': 'labnet.docker.container_network'}, 'vars': {
                'container_network_lab': prefix, 'container_network_prefix': prefix,
                'container_network_lifecycle': False}}]
    owner, sharer = prefix + '-netcontainer1', prefix + '-netcontainer2'
    return [
        {'name': 'owner', 'community.docker.docker_container': {
            'name': owner, 'image': IMAGE, 'pull': 'never', 'command': ['sleep', '3600'],
            'dns_servers': ['127.0.0.1'], 'state': 'started'}, 'register': 'owner'},
        {'name': 'sharer', 'community.docker.docker_container': {
            'name': sharer, 'image': IMAGE, 'pull': 'never', 'command': ['sleep', '3600'],
            'network_mode': 'container:' + owner, 'recreate': '{{ owner is changed }}', 'state': 'started'}},
    ]


def test_stopped_namespace_owner_is_reported_and_healed(docker_client, prefix, make_container):
    target = make_container('target')
    target.reload()
    address = target.attrs['NetworkSettings']['Networks']['bridge']['IPAddress']
    sharer = prefix + '-netcontainer2'
    probe = task('network_probe', probes=[{'from': sharer, 'to': address, 'kind': 'ping', 'timeout': 1}])

    first = play(_converge(prefix) + [probe])
    assert not any(result.get('failed') for result in first), [result.get('msg') for result in first]
    assert first[-1]['results'][0]['observed'] == 'reachable'

    docker_client.containers.get(prefix + '-netcontainer1').stop(timeout=1)
    second = play([probe] + _converge(prefix) + [probe])
    lost_report, healed = second[0], second[-1]

    reported = (lost_report.get('failed') is True and lost_report['results'][0]['observed'] == 'unreachable'
                and '%s -> %s ping: expected reachable, observed unreachable' % (sharer, address) in lost_report['msg'])
    healed_ok = not healed.get('failed') and healed['results'][0]['observed'] == 'reachable'
    rel_figures.fault('namespace owner of a container: mode container stopped (%s)'
                      % ('container_network role' if _has_role('container_network') else 'docker_container re-converge'),
                      reported and healed_ok)
    assert reported, lost_report.get('msg')
    assert 'Traceback' not in lost_report['msg']
    assert not any(result.get('failed') for result in second[1:-1]), [result.get('msg') for result in second]
    assert healed_ok, healed.get('msg')
    owner = docker_client.containers.get(prefix + '-netcontainer1')
    assert docker_client.containers.get(sharer).attrs['HostConfig']['NetworkMode'] == 'container:' + owner.id
