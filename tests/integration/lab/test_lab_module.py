"""labnet.docker.lab against the host's daemon: a lab converged in one call - re-created only on a declared
change (with the fields named), started when stopped, members following their owner, a container the daemon
will not start reported as a failing row, and check mode planning exactly that without a write.

Every lab is named and prefixed with the test's prefix; containers and networks carry it (teardown removes them).
"""

from __future__ import annotations

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import free_ports, free_subnet, play, task

pytestmark = pytest.mark.slow


def lab_task(prefix, definition, **keywords):
    return task('lab', lab=prefix, prefix=prefix + '-', definition=definition, **keywords)


def definition(subnet, web_command='httpd -f -p 80 -h /', port=None):
    web = {'name': 'web', 'networks': ['front'], 'command': web_command}
    if port:
        web['published_ports'] = ['127.0.0.1:%d:80' % port]
    return {
        'networks': [{'name': 'front', 'ipam_config': [{'subnet': subnet}]}],
        'containers': [web, {'name': 'side', 'network_mode': 'container:web'},
                       {'name': 'client', 'networks': ['front', 'bridge']}],
    }


def http_status(container, path):
    """The status line of a GET of ``path`` from port 80 on the container's own loopback (busybox nc)."""
    code, output = container.exec_run(['sh', '-c', 'printf "GET %s HTTP/1.0\\r\\n\\r\\n" | nc -w 2 127.0.0.1 80' % path])
    return output.decode(errors='replace').splitlines()[0].strip() if code == 0 and output else (code, output)


def steps(result):
    return [(step['action'], step['container'].split('-', 3)[-1], step['reason']) for step in result['containers_plan']]


def test_a_lab_converges_in_one_call_and_changes_only_what_its_file_changes(docker_client, prefix):
    subnet = str(free_subnet(docker_client, new_prefix=24))
    lab = definition(subnet)
    planned, built, again = play([lab_task(prefix, lab, check=True), lab_task(prefix, lab), lab_task(prefix, lab)],
                                 diff=True)
    # check mode, nothing there yet: the plan names every network and container, and nothing is made
    assert planned['changed'] and not planned.get('failed'), planned.get('msg')
    assert steps(planned) == [('create', 'web', 'missing'), ('create', 'side', 'missing'), ('create', 'client', 'missing')]
    assert 'create network %s-front' % prefix in planned['plan']
    assert 'connect %s-client to bridge (once it is created)' % prefix in planned['plan']
    assert planned['diff']['prepared'].splitlines() == planned['plan']
    # the real run does what check mode said, and a second changes nothing
    assert built['changed'] and [line for line in built['plan'] if 'container' in line] == [
        'create container %s-web (missing)' % prefix, 'create container %s-side (missing)' % prefix,
        'create container %s-client (missing)' % prefix]
    assert again['changed'] is False and again['plan'] == [] and again['failed_rows'] == []
    web, side = docker_client.containers.get(prefix + '-web'), docker_client.containers.get(prefix + '-side')
    assert side.attrs['HostConfig']['NetworkMode'] == 'container:' + web.id
    client = docker_client.containers.get(prefix + '-client')
    assert sorted(client.attrs['NetworkSettings']['Networks']) == sorted(['bridge', prefix + '-front'])
    assert sorted(row['Names'][0] for row in again['containers']) == sorted(
        '/%s-%s' % (prefix, name) for name in ('web', 'side', 'client'))
    # the sidecar answers on the web server's address, inside its namespace
    assert http_status(side, '/etc/hostname') == 'HTTP/1.1 200 OK'

    # a declared change: the owner is re-created naming the field, its member with it
    changed = definition(subnet, web_command='httpd -f -p 80 -h /etc')
    planned, done, again = play([lab_task(prefix, changed, check=True), lab_task(prefix, changed), lab_task(prefix, changed)])
    expected = [('recreate', 'web', 'config drift: command'),
                ('recreate', 'side', 'owner %s-web recreated: its network namespace is new' % prefix)]
    assert steps(planned) == expected and steps(done) == expected and again['changed'] is False
    web = docker_client.containers.get(prefix + '-web')
    assert docker_client.containers.get(prefix + '-side').attrs['HostConfig']['NetworkMode'] == 'container:' + web.id

    # the owner stopped by hand: started, and its member restarted into the new namespace
    web.stop(timeout=1)
    done, again = play([lab_task(prefix, changed), lab_task(prefix, changed)])
    assert steps(done) == [('start', 'web', 'not running'),
                           ('restart', 'side', 'owner %s-web started: the network namespace it joined is gone' % prefix)]
    assert again['changed'] is False
    assert http_status(docker_client.containers.get(prefix + '-side'), '/hostname') == 'HTTP/1.1 200 OK'

    # a container the file no longer lists is removed, its member first
    smaller = dict(changed, containers=[item for item in changed['containers'] if item['name'] == 'client'])
    done, = play([lab_task(prefix, smaller)])
    assert steps(done) == [('remove', 'side', 'not in the lab any more'), ('remove', 'web', 'not in the lab any more')]
    assert [c.name for c in docker_client.containers.list(all=True, filters={'label': 'labnet.docker.lab=' + prefix})] \
        == [prefix + '-client']


def test_a_container_the_daemon_will_not_start_is_a_failing_row(docker_client, prefix, make_container):
    subnet = str(free_subnet(docker_client, new_prefix=24))
    port, = free_ports(1, '127.0.0.1')
    make_container('holder', ports={'80/tcp': ('127.0.0.1', port)})
    lab = definition(subnet, port=port)
    built, = play([lab_task(prefix, lab)])
    assert not built.get('failed'), built.get('msg')
    rows = built['failed_rows']
    assert [row['check'] for row in rows] == [
        'container %s-web is created (missing)' % prefix, 'container %s-side is created (missing)' % prefix]
    assert 'port is already allocated' in rows[0]['observed'] or 'address already in use' in rows[0]['observed'], rows
    assert rows[1]['observed'] == 'not run: container %s-web failed' % prefix
    assert all(row['ok'] is False and row['scenario'] == 'build' for row in rows)
    # the rest of the lab is there
    assert docker_client.containers.get(prefix + '-client').status == 'running'


def test_a_bad_lab_is_refused_before_anything_is_read_or_made(docker_client, prefix):
    bad = {'networks': [{'name': 'front', 'ipam_config': [{'subnet': '10.218.90.0/24'}]}],
           'containers': [{'name': 'web', 'networks': ['front'], 'published_ports': ['127.0.0.1:99999:80']},
                          {'name': 'side', 'network_mode': 'container:ghost'}]}
    result, = play([lab_task(prefix, bad)])
    assert result['failed'] and 'Traceback' not in result['msg']
    assert result['msg'] == (
        "lab %s is not valid: container 'web': published port '127.0.0.1:99999:80' is not "
        "[address:][host_port:]container_port[/protocol]; container 'side': network_mode 'container:ghost' names no "
        "other container of the lab" % prefix)
    assert docker_client.networks.list(names=[prefix + '-front']) == []
