import pytest

from ansible_collections.labnet.docker.plugins.module_utils.client import connection_settings, version_tuple
from ansible_collections.labnet.docker.plugins.module_utils.errors import LabnetDockerError


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
