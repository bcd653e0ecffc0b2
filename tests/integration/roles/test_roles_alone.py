"""Scenario roles used on their own, as from an infra repository: no lab_report, no lab playbook.

Each test writes a playbook into its own temporary directory, which is also where the role's
default lab name is derived from, and names every object with the test's prefix.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request

import pytest

from ansible_collections.labnet.docker.tests.integration.harness import free_ports, run_plays, taken_port

pytestmark = pytest.mark.slow

LAB_LABEL = 'labnet.docker.lab'


def run_role(tmp_path, role, role_vars, *args):
    """Run labnet.docker.<role> alone from a playbook in tmp_path; return (rc, the role's checks, failures, changed)."""
    rc, plays, dummy = run_plays([{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [
            {'name': 'The role', 'ansible.builtin.include_role': {'name': 'labnet.docker.' + role}, 'vars': role_vars},
        ],
    }], extra_args=args, directory=tmp_path)
    failed, checks, changed = [], None, 0
    for result in plays[0]:
        changed += bool(result.get('changed'))
        if result.get('failed'):
            failed.append((result['name'], result.get('msg')))
        facts = result.get('ansible_facts') or {}
        if role + '_checks' in facts:
            checks = facts[role + '_checks']
    return rc, checks, failed, changed


def derived_lab(tmp_path):
    return 'labnet-' + hashlib.sha1(str(tmp_path).encode()).hexdigest()[:8]


def bridge_gateway(docker_client):
    pool = docker_client.networks.get('bridge').attrs['IPAM']['Config'][0]
    return pool.get('Gateway') or pool['Subnet'].rsplit('.', 1)[0] + '.1'


def answers(address, port):
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                'http://%s:%d/' % (address, port), timeout=3) as response:
            return response.read().decode().strip()
    except (urllib.error.URLError, OSError):
        return None


def test_published_ports_alone_binds_only_where_asked_and_checks_in_check_mode(docker_client, prefix, make_container, tmp_path):
    port1, port2 = free_ports(2)
    role_vars = {'published_ports_prefix': prefix, 'published_ports_bind_address': '127.0.0.1',
                 'published_ports_servers': [{'name': 'web1', 'host_port': port1}, {'name': 'web2', 'host_port': port2}]}

    # check mode with nothing built: changes planned, nothing created, every check "not run"
    rc, checks, failed, changed = run_role(tmp_path, 'published_ports', role_vars, '--check')
    assert rc == 0 and failed == [], failed
    assert changed > 0
    assert docker_client.containers.list(all=True, filters={'name': prefix}) == []
    assert checks and all(row['ok'] is None and row['observed'].startswith('not run in check mode: ') for row in checks)

    rc, checks, failed, changed = run_role(tmp_path, 'published_ports', role_vars)
    assert rc == 0, failed
    assert checks and all(row['ok'] is True for row in checks), checks

    # the role's own lab, derived from the playbook's directory: not `make lab`'s `labnet`
    web3 = docker_client.containers.get(prefix + '-web3')
    assert web3.labels[LAB_LABEL] == derived_lab(tmp_path) != 'labnet'

    # every server, the publish-all one too, is bound to loopback only
    ports = {}
    for name in ('web1', 'web2', 'web3'):
        bindings = docker_client.containers.get('%s-%s' % (prefix, name)).attrs['NetworkSettings']['Ports']['80/tcp']
        assert [binding['HostIp'] for binding in bindings] == ['127.0.0.1'], (name, bindings)
        ports[name] = int(bindings[0]['HostPort'])
    assert ports['web1'] == port1 and ports['web2'] == port2
    gateway = bridge_gateway(docker_client)  # an address of this machine that is not loopback
    probe = make_container('probe')  # a container on the default bridge, reaching the host at the gateway
    for name, port in ports.items():
        assert answers('127.0.0.1', port) == 'labnet.docker lab %s: this is %s-%s' % (derived_lab(tmp_path), prefix, name)
        assert answers(gateway, port) is None, (name, port)
        code, output = probe.exec_run(['wget', '-q', '-T', '2', '-O', '-', 'http://%s:%d/' % (gateway, port)])
        assert code != 0, (name, output)

    # check mode on the built scenario: no change, every check runs and passes
    rc, checks, failed, changed = run_role(tmp_path, 'published_ports', role_vars, '--check')
    assert rc == 0 and changed == 0, failed
    assert checks and all(row['ok'] is True for row in checks), checks

    rc, checks, failed, changed = run_role(tmp_path, 'published_ports', dict(role_vars, published_ports_state='absent'))
    assert rc == 0 and changed > 0, failed
    assert docker_client.containers.list(all=True, filters={'label': '%s=%s' % (LAB_LABEL, derived_lab(tmp_path))}) == []


def test_published_ports_alone_fails_on_its_own_failing_check_unless_report_only(docker_client, prefix, tmp_path):
    taken, port = taken_port()
    role_vars = {'published_ports_prefix': prefix, 'published_ports_publish_all_name': '',
                 'published_ports_servers': [{'name': 'web1', 'host_port': port}]}
    try:
        rc, checks, failed, _changed = run_role(tmp_path, 'published_ports', role_vars)
        assert rc != 0
        assert [name for name, _msg in failed] == ["labnet.docker.lab_report : Fail naming every failing check of the scenario"], failed
        message = failed[0][1]
        assert message.startswith('3 of 3 lab checks failed: localhost: published_ports / web1 publishes 80/tcp on host '
                                  'port %d (expected running, host port %d, observed not running: ' % (port, port)), message
        assert 'address already in use' in message

        rc, checks, failed, _changed = run_role(tmp_path, 'published_ports', dict(role_vars, published_ports_report_only=True))
        assert rc == 0 and failed == [], failed
        assert [row['ok'] for row in checks] == [False, False, False]
    finally:
        taken.close()


def test_bad_bind_address_is_refused_naming_the_variable(docker_client, prefix, tmp_path):
    rc, _checks, failed, changed = run_role(tmp_path, 'published_ports', {
        'published_ports_prefix': prefix, 'published_ports_bind_address': 'localhost'})
    assert rc != 0 and changed == 0
    assert failed[0][1] == ('published_ports_bind_address must be an IPv4 or IPv6 address (or empty for every address), '
                            'not "localhost"'), failed
    assert docker_client.containers.list(all=True, filters={'name': prefix}) == []


def test_lab_cleanup_needs_the_lab_it_removes(docker_client, prefix, tmp_path):
    rc, _checks, failed, changed = run_role(tmp_path, 'lab_cleanup', {})
    assert rc != 0 and changed == 0
    assert 'lab_cleanup_lab' in failed[0][1], failed
