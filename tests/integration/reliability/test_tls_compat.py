"""community.docker's names for the TLS options, against the private engine's TLS listener.

The certificate aliases (cacert_path, cert_path, key_path) work as task arguments and in
module_defaults, and tls_hostname falls back to DOCKER_TLS_HOSTNAME: a wrong name there is
refused by the certificate check, a right one passes, and the task's own tls_hostname wins.
"""

from ansible_collections.labnet.docker.tests.integration.harness import run_collect

GROUP = 'group/labnet.docker.docker'


def test_certificate_aliases_and_tls_hostname_from_the_environment(live_engine, tls_files):
    url = live_engine.tcp_url
    aliases = dict(docker_host=url, validate_certs=True, cacert_path=tls_files['ca'],
                   cert_path=tls_files['client_cert'], key_path=tls_files['client_key'])
    info = {'labnet.docker.network_info': {'names': ['bridge']}}
    tasks = [
        dict({'labnet.docker.network_info': dict(aliases, names=['bridge'])}, name='aliases as task arguments'),
        dict(info, name='aliases in module_defaults', module_defaults={GROUP: aliases}),
        dict(info, name='wrong DOCKER_TLS_HOSTNAME', module_defaults={GROUP: aliases},
             environment={'DOCKER_TLS_HOSTNAME': 'wrong.example'}),
        dict(info, name='right DOCKER_TLS_HOSTNAME', module_defaults={GROUP: aliases},
             environment={'DOCKER_TLS_HOSTNAME': 'localhost'}),
        dict({'labnet.docker.network_info': {'names': ['bridge'], 'tls_hostname': 'localhost'}},
             name='tls_hostname wins over DOCKER_TLS_HOSTNAME', module_defaults={GROUP: aliases},
             environment={'DOCKER_TLS_HOSTNAME': 'wrong.example'}),
        dict({'labnet.docker.network_info': dict(aliases, names=['bridge'], cacert_path=tls_files['wrong_ca'])},
             name='wrong CA through the alias'),
    ]
    dummy, results = run_collect(tasks)
    by_name = dict((entry['name'], result) for entry, result in zip(tasks, results))

    for name in ('aliases as task arguments', 'aliases in module_defaults', 'right DOCKER_TLS_HOSTNAME',
                 'tls_hostname wins over DOCKER_TLS_HOSTNAME'):
        result = by_name[name]
        assert not result.get('failed'), (name, result.get('msg'))
        # the private engine's default bridge: this went to that daemon, over TLS
        assert result['networks'][0]['IPAM']['Config'][0]['Subnet'] == live_engine.bridge_subnet, name

    wrong_name = by_name['wrong DOCKER_TLS_HOSTNAME']
    assert wrong_name['failed']
    assert wrong_name['msg'].startswith('cannot reach the Docker daemon at %s: ' % url), wrong_name['msg']
    assert "hostname 'wrong.example' doesn't match" in wrong_name['msg']
    assert 'check docker_host or tls_hostname' in wrong_name['msg']

    wrong_ca = by_name['wrong CA through the alias']
    assert wrong_ca['failed']
    assert "the daemon's certificate is not signed by the CA in ca_path (%s)" % tls_files['wrong_ca'] in wrong_ca['msg']
