"""The network-namespace owner of a `container:` mode container stops: the probe reports the lost network,
and running the container_network role again heals it (it starts the owner and re-creates the sharer, which
joins the owner's new namespace). Real packets, so this runs on the shared engine, with this test's prefix.
"""

import re

from ansible_collections.labnet.docker.tests.integration.harness import run_collect, task
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures


def _converge(prefix):
    """The container_network lab (netcontainer2 in netcontainer1's namespace), without its stop/start experiment."""
    return [{'name': 'container_network role', 'ansible.builtin.include_role': {
        'name': 'labnet.docker.container_network'}, 'vars': {
            'container_network_lab': prefix, 'container_network_prefix': prefix,
            'container_network_lifecycle': False}}]


def _recap(proc):
    """(failed, ignored) task counts from the play recap: include_role tasks are counted there too."""
    found = re.search(r'localhost\s*:.*failed=(\d+).*ignored=(\d+)', proc.stdout)
    assert found, proc.stdout[-3000:] + proc.stderr[-3000:]
    return int(found.group(1)), int(found.group(2))


def test_stopped_namespace_owner_is_reported_and_healed(docker_client, prefix, make_container):
    target = make_container('target')
    target.reload()
    address = target.attrs['NetworkSettings']['Networks']['bridge']['IPAddress']
    sharer = prefix + '-netcontainer2'
    probe = task('network_probe', probes=[{'from': sharer, 'to': address, 'kind': 'ping', 'timeout': 1}])

    proc, first = run_collect(_converge(prefix) + [probe])
    assert _recap(proc) == (0, 0), proc.stdout[-3000:]
    assert first[-1]['results'][0]['observed'] == 'reachable'

    docker_client.containers.get(prefix + '-netcontainer1').stop(timeout=1)
    proc, second = run_collect([probe] + _converge(prefix) + [probe])
    lost_report, healed = second[0], second[-1]
    assert _recap(proc) == (0, 1), proc.stdout[-3000:]  # only the probe that reports the loss failed

    reported = (lost_report.get('failed') is True and lost_report['results'][0]['observed'] == 'unreachable'
                and '%s -> %s ping: expected reachable, observed unreachable' % (sharer, address) in lost_report['msg'])
    healed_ok = not healed.get('failed') and healed['results'][0]['observed'] == 'reachable'
    rel_figures.fault('namespace owner of a container: mode container stopped (healed by the container_network role)',
                      reported and healed_ok)
    assert reported, lost_report.get('msg')
    assert 'Traceback' not in lost_report['msg']
    assert healed_ok, healed.get('msg')
    owner = docker_client.containers.get(prefix + '-netcontainer1')
    assert docker_client.containers.get(sharer).attrs['HostConfig']['NetworkMode'] == 'container:' + owner.id
