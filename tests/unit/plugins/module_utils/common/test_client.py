import os
import subprocess
import sys

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.labnet.docker.plugins.module_utils.common.client import DockerApi, version_tuple
from ansible_collections.labnet.docker.plugins.module_utils.common.connection import (
    DOCKER_COMMON_ARGS, _ssh_error_hint, connection_settings)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


def test_defaults_use_local_socket_without_tls():
    settings = connection_settings({}, environ={})
    assert settings['host'] == 'unix:///var/run/docker.sock'
    assert settings['tls'] is False
    assert settings['api_version'] == 'auto'


def test_validate_certs_implies_tls():
    settings = connection_settings({'validate_certs': True, 'docker_host': 'tcp://127.0.0.1:2376'}, environ={})
    assert settings['tls'] is True and settings['validate_certs'] is True


def test_cert_path_fills_only_missing_files():
    settings = connection_settings({'ca_path': '/mine/ca.pem'}, environ={'DOCKER_CERT_PATH': '/certs'})
    assert settings['ca_path'] == '/mine/ca.pem'
    assert settings['client_cert'] == '/certs/cert.pem'
    assert settings['client_key'] == '/certs/key.pem'


@pytest.mark.parametrize('given', ['client_cert', 'client_key'])
def test_half_a_client_pair_is_refused(given):
    with pytest.raises(LabnetDockerError, match='only %s was given' % given):
        connection_settings({given: '/x.pem'}, environ={})


@pytest.mark.parametrize('text, expected', [('1.41', (1, 41)), ('1.9', (1, 9)), ('1.100', (1, 100))])
def test_version_tuple(text, expected):
    assert version_tuple(text) == expected


@pytest.mark.parametrize('alias, option', [('cacert_path', 'ca_path'), ('cert_path', 'client_cert'),
                                           ('key_path', 'client_key')])
def test_community_docker_certificate_aliases(alias, option):
    params = ArgumentSpecValidator(DOCKER_COMMON_ARGS).validate({alias: '/certs/x.pem'}).validated_parameters
    assert params[option] == '/certs/x.pem'


@pytest.mark.parametrize('given, environ, expected', [
    ({}, {'DOCKER_TLS_HOSTNAME': 'engine.lab'}, 'engine.lab'),
    ({'tls_hostname': 'mine.lab'}, {'DOCKER_TLS_HOSTNAME': 'engine.lab'}, 'mine.lab'),
    ({}, {}, None),
])
def test_tls_hostname_falls_back_to_docker_tls_hostname(monkeypatch, given, environ, expected):
    monkeypatch.delenv('DOCKER_TLS_HOSTNAME', raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    params = ArgumentSpecValidator(DOCKER_COMMON_ARGS).validate(given).validated_parameters
    assert connection_settings(params, environ={})['tls_hostname'] == expected


class TimeoutClient:
    """The part of the SDK's client that exec_run touches: its read timeout."""

    timeout = 60


def test_read_timeout_is_the_widest_need_in_flight_and_then_the_clients_own():
    api = DockerApi(TimeoutClient(), 'unix:///var/run/docker.sock')
    seen = []
    with api._read_timeout(90):
        seen.append(api.api.timeout)
        with api._read_timeout(75):  # a second probe, as from another thread
            seen.append(api.api.timeout)
            with api._read_timeout(120):
                seen.append(api.api.timeout)
            seen.append(api.api.timeout)
        seen.append(api.api.timeout)
        with api._read_timeout(None):
            seen.append(api.api.timeout)
    seen.append(api.api.timeout)
    assert seen == [90, 90, 120, 90, 90, 90, 60]


def test_use_ssh_client_is_off_unless_asked():
    assert connection_settings({'docker_host': 'ssh://root@lab1'}, environ={})['use_ssh_client'] is False
    assert connection_settings({'docker_host': 'ssh://root@lab1', 'use_ssh_client': True},
                               environ={})['use_ssh_client'] is True


class BadHostKeyException(Exception):
    pass


class AuthenticationException(Exception):
    pass


@pytest.mark.parametrize('exc, words', [
    (BadHostKeyException("Host key for server '10.0.0.5' does not match"), 'connection was refused'),
    (Exception("Server '10.0.0.5' not found in known_hosts"), 'unknown host keys are never accepted'),
    (AuthenticationException('Authentication failed.'), 'IdentityFile'),
    (OSError('No route to host'), None),
])
def test_ssh_failures_say_what_to_do(exc, words):
    # The hint goes by paramiko's exception class name, so stand-ins of the same names do here.
    hint = _ssh_error_hint(exc)
    assert (words in hint) if words else hint == ''


# A fresh interpreter, so that nothing pytest or other tests imported decides the outcome.
_DEFERRED_PARAMIKO = r'''
import sys
from ansible_collections.labnet.docker.plugins.module_utils.common import connection
import docker
assert 'paramiko.transport' not in sys.modules, 'the SDK import loaded paramiko'
errors = connection._ssh_errors('ssh://lab@192.0.2.1')
import paramiko
assert 'paramiko.transport' in sys.modules and type(paramiko).__name__ == 'module', type(paramiko)
assert errors[0] is paramiko.SSHException and paramiko.SSHClient.__module__ == 'paramiko.client'
import docker.transport.sshconn as sshconn
assert sshconn.paramiko.SSHClient is paramiko.SSHClient
print('ok')
'''


def test_paramiko_is_imported_only_for_an_ssh_host():
    pytest.importorskip('paramiko', reason='paramiko is optional; without it there is nothing to defer')
    proc = subprocess.run([sys.executable, '-c', _DEFERRED_PARAMIKO], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert proc.returncode == 0 and proc.stdout.strip() == 'ok', proc.stderr


_DEFER_IMPORT = r'''
import sys, threading
from ansible_collections.labnet.docker.plugins.module_utils.common.client import defer_import
defer_import('labnet_no_such_module')
assert 'labnet_no_such_module' not in sys.modules, 'a missing module got a stand-in'
import json
defer_import('json')
assert sys.modules['json'] is json, 'an imported module was replaced'
assert 'colorsys' not in sys.modules
defer_import('colorsys')
import colorsys
assert 'rgb_to_hsv' not in vars(colorsys), 'the import statement loaded the module'
results = []
threads = [threading.Thread(target=lambda: results.append(colorsys.rgb_to_hsv(1.0, 0.0, 0.0))) for n in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert results == [(0.0, 1.0, 1.0)] * 4, results
assert type(sys.modules['colorsys']).__name__ == 'module' and sys.modules['colorsys'].hls_to_rgb is colorsys.hls_to_rgb
print('ok')
'''


def test_defer_import_loads_on_first_use_and_leaves_missing_or_imported_modules_alone():
    proc = subprocess.run([sys.executable, '-c', _DEFER_IMPORT], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert proc.returncode == 0 and proc.stdout.strip() == 'ok', proc.stderr
