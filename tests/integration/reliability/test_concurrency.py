"""Eight ansible-playbook processes converge the same networks and attachments at once, on the private engine.

All eight run the same play. Each first says it is ready, then waits for the
go file (polling every 10 ms), so their first network task starts within
milliseconds of each other's; every later task races too. Then: every
process succeeded, each name has exactly one network, and each container is
attached once, with the address it was given.
"""

import os
import subprocess
import tempfile
import time

import rel_figures
import rel_play
from harness import ansible_env, task

PROCESSES = 8
P = 'lnrel-conc'
SUBNET = '10.210.72.0/24'
FIXED = {'c1': '10.210.72.11', 'c2': '10.210.72.12'}
IMAGE = 'labnet/busybox:latest'


def _tasks(directory):
    return [
        {'name': 'ready', 'ansible.builtin.file': {'path': os.path.join(directory, 'ready-{{ n }}'), 'state': 'touch',
                                                   'mode': '0644'}},
        {'name': 'wait for go', 'ansible.builtin.command': {'argv': [
            'sh', '-c', 'while [ ! -e %s ]; do sleep 0.01; done' % os.path.join(directory, 'go')]},
         'changed_when': False},
        dict(task('network', name=P + '-a', ipam_config=[dict(subnet=SUBNET)], labels={'test': P}), ignore_errors=False),
        dict(task('network', name=P + '-b', labels={'test': P}), ignore_errors=False),
        dict(task('network_attachment', network=P + '-a', container=P + '-c1', ipv4_address=FIXED['c1'],
                  aliases=['one']), ignore_errors=False),
        dict(task('network_attachment', network=P + '-a', container=P + '-c2', ipv4_address=FIXED['c2']),
             ignore_errors=False),
        dict(task('network_attachment', network=P + '-b', containers=[P + '-c3', P + '-c4'], aliases=['pair']),
             ignore_errors=False),
        dict(task('network_attachment', network=P + '-a', container=P + '-c3'), ignore_errors=False),
    ]


def _clean(client):
    for container in client.containers.list(all=True):
        if container.name.startswith(P):
            container.remove(force=True)
    for network in client.networks.list():
        if network.name.startswith(P):
            network.remove()


def test_eight_playbooks_at_once_converge_to_one_state(live_engine):
    client = live_engine.client()
    _clean(client)
    try:
        for name in ('c1', 'c2', 'c3', 'c4'):
            client.containers.run(IMAGE, ['sleep', '3600'], name='%s-%s' % (P, name), detach=True, dns=['127.0.0.1'])
        with tempfile.TemporaryDirectory(prefix='labnet-conc-') as tmp:
            path = rel_play.write_play(tmp, _tasks(tmp))
            env = ansible_env(DOCKER_HOST=live_engine.unix_url, ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
                              ANSIBLE_PIPELINING='true')
            procs = []
            for number in range(PROCESSES):
                out = open(os.path.join(tmp, 'out-%d.txt' % number), 'w+')
                procs.append((subprocess.Popen(rel_play.command(path, ['-e', 'n=%d' % number]), env=env, cwd=tmp,
                                               stdout=out, stderr=subprocess.STDOUT), out))
            deadline = time.monotonic() + 240
            while sum(os.path.exists(os.path.join(tmp, 'ready-%d' % n)) for n in range(PROCESSES)) < PROCESSES:
                assert time.monotonic() < deadline, 'not every process got ready'
                assert all(proc.poll() is None for proc, dummy in procs), 'a process ended before the start'
                time.sleep(0.05)
            rel_figures.FIGURES['processes_at_once'] = max(rel_figures.FIGURES['processes_at_once'], PROCESSES)
            open(os.path.join(tmp, 'go'), 'w').close()
            outputs = []
            for proc, out in procs:
                proc.wait(timeout=300)
                out.seek(0)
                outputs.append((proc.returncode, out.read()))
                out.close()
        succeeded = sum(1 for code, dummy in outputs if code == 0)
        rel_figures.add('processes_succeeded', succeeded)
        failed = ['rc=%d\n%s' % (code, text[-2500:]) for code, text in outputs if code != 0]
        assert not failed, '\n\n'.join(failed)
        assert not any('Traceback' in text for dummy, text in outputs)

        networks = [net for net in client.networks.list() if net.name.startswith(P)]
        assert sorted(net.name for net in networks) == [P + '-a', P + '-b']  # exactly one network per name
        by_name = dict((net.name, net) for net in networks)
        for net in networks:
            net.reload()
        for name, address in FIXED.items():
            record = client.api.inspect_container('%s-%s' % (P, name))
            endpoints = record['NetworkSettings']['Networks']
            assert endpoints[P + '-a']['NetworkID'] == by_name[P + '-a'].id
            assert endpoints[P + '-a']['IPAMConfig']['IPv4Address'] == address
            assert endpoints[P + '-a']['IPAddress'] == address
        attached = dict((net.name, sorted(entry['Name'] for entry in net.attrs['Containers'].values()))
                        for net in networks)
        assert attached == {P + '-a': [P + '-c1', P + '-c2', P + '-c3'], P + '-b': [P + '-c3', P + '-c4']}
        one = client.api.inspect_container(P + '-c1')['NetworkSettings']['Networks'][P + '-a']
        assert 'one' in one['Aliases']
    finally:
        _clean(client)
        client.close()
