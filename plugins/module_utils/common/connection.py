# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module, connecting to the daemon, and a module's one run.

Entry points:

- :data:`DOCKER_COMMON_ARGS` - the connection options every module merges into its argument spec
  (documented once in doc_fragments/docker.py), with the docker CLI's environment fallbacks.
- :func:`connect` - module parameters -> a :class:`common.client.DockerApi` (TLS, SSH, API version
  negotiation), or a LabnetDockerError that says why the daemon cannot be reached.
- :func:`run_module` - connect, call the module's handler, and exit: the one place errors become fail_json.
"""

from __future__ import annotations

import os
import re

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.labnet.docker.plugins.module_utils.common.client import (
    DOCKER_IMPORT_ERROR, HAS_DOCKER, DockerApi, DockerException, RequestException, error_cause)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

try:
    import docker
    from docker.constants import MINIMUM_DOCKER_API_VERSION
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - run_module fails with missing_required_lib before any use
    class HTTPAdapter:  # type: ignore[no-redef]
        pass

DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
_SSL_SOURCE = re.compile(r' \(_ssl\.c:\d+\)')  # OpenSSL's source line, noise in a message
DEFAULT_TIMEOUT = 60

DOCKER_COMMON_ARGS = dict(
    docker_host=dict(type='str', fallback=(env_fallback, ['DOCKER_HOST']), aliases=['docker_url']),
    tls=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS'])),
    validate_certs=dict(type='bool', default=False, fallback=(env_fallback, ['DOCKER_TLS_VERIFY']),
                        aliases=['tls_verify']),
    # cacert_path, cert_path and key_path: community.docker's names, so its tasks move over unchanged.
    ca_path=dict(type='path', aliases=['ca_cert', 'tls_ca_cert', 'cacert_path']),
    client_cert=dict(type='path', aliases=['tls_client_cert', 'cert_path']),
    client_key=dict(type='path', no_log=True, aliases=['tls_client_key', 'key_path']),
    tls_hostname=dict(type='str', fallback=(env_fallback, ['DOCKER_TLS_HOSTNAME'])),
    api_version=dict(type='str', default='auto', fallback=(env_fallback, ['DOCKER_API_VERSION']),
                     aliases=['docker_api_version']),
    timeout=dict(type='int', default=DEFAULT_TIMEOUT, fallback=(env_fallback, ['DOCKER_TIMEOUT'])),
    use_ssh_client=dict(type='bool', default=False),
)


def connection_settings(params, environ=None):
    """Resolve the connection options into the SDK's terms (pure; no I/O).

    Like the docker CLI, DOCKER_CERT_PATH supplies ca.pem, cert.pem and key.pem
    for whichever of the three paths were not given.
    """
    environ = os.environ if environ is None else environ
    host = params.get('docker_host') or DEFAULT_DOCKER_HOST
    validate = bool(params.get('validate_certs'))
    use_tls = bool(params.get('tls')) or validate
    paths = {'ca_path': 'ca.pem', 'client_cert': 'cert.pem', 'client_key': 'key.pem'}
    resolved = {key: params.get(key) for key in paths}
    cert_dir = environ.get('DOCKER_CERT_PATH')
    if cert_dir:
        for key, filename in paths.items():
            if not resolved[key]:
                resolved[key] = os.path.join(cert_dir, filename)
    given = [key for key in ('client_cert', 'client_key') if params.get(key)]
    if len(given) == 1:
        raise LabnetDockerError('client_cert and client_key must be given together; only %s was given' % given[0])
    return dict(
        host=host,
        tls=use_tls,
        validate_certs=validate,
        ca_path=resolved['ca_path'],
        client_cert=resolved['client_cert'],
        client_key=resolved['client_key'],
        tls_hostname=params.get('tls_hostname'),
        api_version=params.get('api_version') or 'auto',
        timeout=params.get('timeout') or DEFAULT_TIMEOUT,
        use_ssh_client=bool(params.get('use_ssh_client')),
    )


def _tls_config(settings):
    if not settings['tls']:
        return None
    client_cert = None
    if settings['client_cert'] and settings['client_key']:
        for key in ('client_cert', 'client_key'):
            if not os.path.isfile(settings[key]):
                raise LabnetDockerError('%s file %s does not exist' % (key, settings[key]))
        client_cert = (settings['client_cert'], settings['client_key'])
    ca_cert = None
    if settings['validate_certs']:
        ca_cert = settings['ca_path']
        if ca_cert and not os.path.isfile(ca_cert):
            raise LabnetDockerError('ca_path file %s does not exist' % ca_cert)
    try:
        return docker.tls.TLSConfig(client_cert=client_cert, ca_cert=ca_cert, verify=settings['validate_certs'])
    except DockerException as exc:
        raise LabnetDockerError('invalid TLS settings: %s' % exc)


class _HostnameAdapter(HTTPAdapter):
    """HTTPS that checks the daemon's certificate for ``hostname`` instead of the host dialled."""

    def __init__(self, hostname):
        self.hostname = hostname  # read by init_poolmanager, which HTTPAdapter.__init__ calls
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs['assert_hostname'] = self.hostname
        super().init_poolmanager(*args, **kwargs)


def _api_client(settings, tls_config):
    """(docker.APIClient for ``settings``, whether its API version is still to be negotiated); raises the SDK's
    or requests' exceptions."""
    hostname = settings['tls_hostname'] if settings['validate_certs'] else None
    # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's CA on every
    # request, so a CA given in ca_path would be ignored where those are set: keep the
    # environment out of a connection verified against ca_path.
    pin_ca = bool(tls_config and settings['validate_certs'] and settings['ca_path'])

    extra = {'use_ssh_client': True} if settings['use_ssh_client'] and settings['host'].startswith('ssh://') else {}

    def client(version):
        api = docker.APIClient(base_url=settings['host'], version=version, timeout=settings['timeout'], tls=tls_config,
                               **extra)
        if pin_ca:
            api.trust_env = False
        if hostname:
            api.mount('https://', _HostnameAdapter(hostname))
        return api

    version = settings['api_version']
    if version != 'auto':
        return client(version), False
    if not (hostname or pin_ca):
        # The version is negotiated from the ping's answer in connect(): one round trip, not two.
        return client(MINIMUM_DOCKER_API_VERSION), True
    # version='auto' asks the daemon inside the SDK's constructor, before the session can be set
    # up as above; so ask with a set-up client first, then build the client for that version.
    probe = client(MINIMUM_DOCKER_API_VERSION)
    try:
        version = probe.version(api_version=False)['ApiVersion']
    finally:
        probe.close()
    return client(version), False


def _ping(api, negotiate):
    """GET /_ping, which proves the daemon answers; with ``negotiate``, adopt the API version it reports.

    Every daemon since Engine API 1.25 sends API-Version on the ping, the same value /version
    gives (what the SDK's version='auto' asks for); /version is asked only when it is missing.
    """
    response = api._get(api._url('/_ping'))
    api._raise_for_status(response)
    if negotiate:
        api._version = response.headers.get('Api-Version') or api.version(api_version=False)['ApiVersion']


def connect(params):
    """Return a :class:`DockerApi` for the module's connection options, or raise."""
    settings = connection_settings(params)
    tls_config = _tls_config(settings)
    host = settings['host']
    ssh_errors = _ssh_errors(host) if host.startswith('ssh://') else ()
    try:
        api, negotiate = _api_client(settings, tls_config)
        _ping(api, negotiate)
    except (DockerException, RequestException) as exc:
        cause = _SSL_SOURCE.sub('', error_cause(exc))
        raise LabnetDockerError('cannot reach the Docker daemon at %s: %s%s%s'
                                % (host, cause, _tls_hint(cause, settings), _ssh_hint(host, settings)), docker_host=host)
    except ssh_errors as exc:
        # paramiko's own errors (host key refused or unknown, authentication failed) and the socket's, raised
        # while the SDK's SSH adapter connects; they name the host and keys' fingerprints, never a secret.
        cause = str(exc) or exc.__class__.__name__
        raise LabnetDockerError('cannot reach the Docker daemon at %s over SSH: %s%s' % (host, cause, _ssh_error_hint(exc)),
                                docker_host=host)
    return DockerApi(api, host)


def _ssh_errors(host):
    """The errors an SSH connection raises (paramiko's and the socket's), importing paramiko now, or raise.

    paramiko carries the SDK's ssh:// transport (also with use_ssh_client: the SDK's adapter lives in a module
    that imports it). It is optional and only loaded here (common/client.py defers the SDK's import of it).
    """
    try:
        import paramiko
        return (paramiko.SSHException, OSError)
    except ImportError:
        raise LabnetDockerError('docker_host %s needs the Python package paramiko (the Docker SDK\'s SSH transport) '
                                'for the interpreter the module runs with: pip install paramiko, or Debian\'s '
                                'python3-paramiko' % host, docker_host=host)


def _ssh_error_hint(exc):
    """What to do about a failed SSH connection, by paramiko's exception."""
    name = exc.__class__.__name__
    if name == 'BadHostKeyException':
        return ('; the host key differs from the one ~/.ssh/known_hosts has for it, so the connection was refused '
                '(a different machine, or the host was reinstalled: check, then replace the entry)')
    if 'not found in known_hosts' in str(exc):
        return ("; the host's key is not in ~/.ssh/known_hosts: add it once you checked it (ssh-keyscan, or "
                'ssh to the host from a terminal); unknown host keys are never accepted')
    if name in ('AuthenticationException', 'BadAuthenticationType', 'PasswordRequiredException'):
        return ('; the host refused every key offered: give the key as IdentityFile for that host in ~/.ssh/config '
                'or load it into ssh-agent (the docker CLI\'s conventions)')
    return ''


def _ssh_hint(host, settings):
    """With use_ssh_client the ssh command's own message is on the module's stderr, not in the SDK's exception."""
    if host.startswith('ssh://') and settings['use_ssh_client']:
        return "; the ssh command's own message (host key, key refused) is in the module's stderr"
    return ''


def _tls_hint(cause, settings):
    """Which option to look at when the TLS handshake failed ('' when the failure is not about TLS)."""
    if 'HTTP request to an HTTPS server' in cause:
        return '; the daemon speaks TLS: set tls or validate_certs, with ca_path, client_cert and client_key'
    if not settings['tls']:
        return ''
    if 'Hostname mismatch' in cause or "doesn't match" in cause:
        return "; the daemon's certificate is not issued for that host name: check docker_host or tls_hostname"
    if 'CERTIFICATE_VERIFY_FAILED' in cause:
        return "; the daemon's certificate is not signed by the CA in ca_path (%s)" % (
            settings['ca_path'] or 'not given: the system CA store was used')
    if 'ALERT' in cause.upper():
        if not settings['client_cert']:
            return '; the daemon asks for a client certificate: give client_cert and client_key'
        return "; the daemon did not accept client_cert %s (not signed by the daemon's CA?)" % settings['client_cert']
    return ''


def run_module(module, handler):
    """Connect, call ``handler(api, module)`` and exit; the one place errors become fail_json.

    A ``warnings`` list in the handler's result becomes the module's warnings.
    """
    if not HAS_DOCKER:
        module.fail_json(msg=missing_required_lib('docker (Docker SDK for Python)'),
                         exception=DOCKER_IMPORT_ERROR)
    try:
        api = connect(module.params)
        result = handler(api, module)
    except LabnetDockerError as exc:
        module.fail_json(msg=exc.msg, **exc.details)
    for warning in result.pop('warnings', None) or []:
        module.warn(warning)
    module.exit_json(**result)
