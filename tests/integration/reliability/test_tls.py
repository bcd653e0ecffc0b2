"""A remote daemon over TLS: the private engine's TCP listener runs with --tlsverify and this session's certificates.

One ansible-playbook -vvv run connects with the TLS options (from module_defaults,
from task arguments and from DOCKER_CERT_PATH like the docker CLI), then tries
a wrong CA, no client certificate, a wrong host name and plain HTTP. The whole
console output and every result are searched for the client key: its content,
its path and the unique word in its file name must never appear.
"""

import os
import re
import shutil
import uuid

from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures
from ansible_collections.labnet.docker.tests.integration.harness import run_collect

GROUP = 'group/labnet.docker.docker'


def _secret_copies(tls_files, directory):
    """The client key under a path with a unique word, and a DOCKER_CERT_PATH folder with a key too."""
    token = 'keytoken' + uuid.uuid4().hex[:10]
    key_path = os.path.join(directory, 'client-%s.pem' % token)
    shutil.copy(tls_files['client_key'], key_path)
    cert_dir = os.path.join(directory, 'certdir')  # shown in -vvv as the task's environment; not a secret
    os.makedirs(cert_dir)
    for name, source in (('ca.pem', 'ca'), ('cert.pem', 'client_cert'), ('key.pem', 'client_key')):
        shutil.copy(tls_files[source], os.path.join(cert_dir, name))
    return token, key_path, cert_dir


def _key_fragments(key_path):
    """The key's base64 lines (each one a secret on its own) and its whole body."""
    with open(key_path) as handle:
        lines = [line.strip() for line in handle if line.strip() and not line.startswith('-----')]
    return lines + [''.join(lines)]


def test_tls_connections_and_refusals_expose_no_secret(live_engine, tls_files, tmp_path):
    token, key_path, cert_dir = _secret_copies(tls_files, str(tmp_path))
    url = live_engine.tcp_url
    good = dict(docker_host=url, validate_certs=True, ca_path=tls_files['ca'], client_cert=tls_files['client_cert'],
                client_key=key_path)
    info = {'labnet.docker.network_info': {'names': ['bridge']}}

    def override(**args):
        return {'labnet.docker.network_info': dict({'names': ['bridge']}, **args)}

    tasks = [
        dict(info, name='defaults from module_defaults'),
        dict({'labnet.docker.network': {'name': 'lnrel-tls-net', 'ipam_config': [{'subnet': '10.210.75.0/24'}]}},
             name='create a network over TLS'),
        dict({'labnet.docker.network_prune': {'filters': {'label': 'labnet.docker.managed'}}}, name='prune over TLS'),
        dict({'labnet.docker.network_attachment': {'network': 'bridge', 'container': 'nothing-here',
                                                   'state': 'absent'}}, name='attachment over TLS'),
        dict(override(tls_hostname='localhost'), name='certificate checked for localhost'),
        dict(info, name='from DOCKER_CERT_PATH', module_defaults={GROUP: {'docker_host': url}},
             environment={'DOCKER_CERT_PATH': cert_dir, 'DOCKER_TLS_VERIFY': '1'}),
        dict(override(ca_path=tls_files['wrong_ca']), name='wrong CA'),
        dict(info, name='no client certificate',
             module_defaults={GROUP: {'docker_host': url, 'validate_certs': True, 'ca_path': tls_files['ca']}}),
        dict(override(tls_hostname='wrong.example'), name='wrong host name'),
        dict(info, name='plain HTTP to the TLS port', module_defaults={GROUP: {'docker_host': url}}),
        dict(override(client_key=key_path + '.missing'), name='missing key file'),
    ]
    proc, results = run_collect(tasks, extra_args=['-vvv'], module_defaults={GROUP: good})
    by_name = dict((entry['name'], result) for entry, result in zip(tasks, results))
    output = proc.stdout + proc.stderr

    for name in ('defaults from module_defaults', 'certificate checked for localhost', 'from DOCKER_CERT_PATH'):
        assert not by_name[name].get('failed'), (name, by_name[name].get('msg'))
        assert [net['Name'] for net in by_name[name]['networks']] == ['bridge']
        # The private engine's default bridge, so this really went to that daemon over TCP.
        assert by_name[name]['networks'][0]['IPAM']['Config'][0]['Subnet'] == live_engine.bridge_subnet
    assert by_name['create a network over TLS']['changed'], by_name['create a network over TLS'].get('msg')
    prune = by_name['prune over TLS']
    assert [net['name'] for net in prune.get('networks', [])] == ['lnrel-tls-net'], prune.get('msg')
    assert by_name['attachment over TLS']['changed'] is False, by_name['attachment over TLS'].get('msg')

    prefix = 'cannot reach the Docker daemon at %s: ' % url
    expected = {
        'wrong CA': ['certificate verify failed',
                     "the daemon's certificate is not signed by the CA in ca_path (%s)" % tls_files['wrong_ca']],
        'no client certificate': ['the daemon asks for a client certificate: give client_cert and client_key'],
        'wrong host name': ["hostname 'wrong.example' doesn't match either of 'localhost', '127.0.0.1'",
                            "not issued for that host name: check docker_host or tls_hostname"],
        'plain HTTP to the TLS port': ['Client sent an HTTP request to an HTTPS server',
                                       'the daemon speaks TLS: set tls or validate_certs'],
        'missing key file': ['client_key file', 'does not exist'],
    }
    for name, parts in expected.items():
        result = by_name[name]
        assert result.get('failed'), name
        if name != 'missing key file':
            assert result['msg'].startswith(prefix), (name, result['msg'])
        for part in parts:
            assert part in result['msg'], (name, result['msg'])
        assert 'Traceback' not in result['msg'] and '_ssl.c' not in result['msg'], result['msg']

    secrets = _key_fragments(key_path) + [key_path, token, os.path.basename(key_path)]
    dumped = repr(results)
    for secret in secrets:
        assert secret not in output, 'secret %r in the -vvv output' % secret[:24]
        assert secret not in dumped, 'secret %r in a result' % secret[:24]
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in output  # the key's option is shown, masked
    assert not re.search(r'Traceback \(most recent call last\)', output)
    rel_figures.fault('TLS: wrong CA, missing client certificate, wrong host name, plain HTTP, missing key '
                      '(5 refusals, no secret exposed)', True)
