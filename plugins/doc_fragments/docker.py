# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every labnet.docker module."""

    DOCUMENTATION = r'''
options:
  docker_host:
    description:
      - The Docker daemon to talk to, as C(unix:///path/to/socket), C(tcp://host:port) or C(ssh://user@host) (needs C(paramiko)).
      - If not given, the E(DOCKER_HOST) environment variable is used, then C(unix:///var/run/docker.sock).
    type: str
    aliases: [docker_url]
  tls:
    description:
      - Connect using TLS without verifying the daemon's certificate.
      - Implied by O(validate_certs=true).
      - If not given, the E(DOCKER_TLS) environment variable is used.
    type: bool
    default: false
  validate_certs:
    description:
      - Connect using TLS and verify the daemon's certificate against O(ca_path).
      - If not given, the E(DOCKER_TLS_VERIFY) environment variable is used.
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - CA certificate used to verify the daemon.
      - Defaults to C(ca.pem) in E(DOCKER_CERT_PATH) when that variable is set.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - Client certificate presented to the daemon. Give it together with O(client_key).
      - Defaults to C(cert.pem) in E(DOCKER_CERT_PATH) when that variable is set.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - Private key of O(client_cert).
      - Defaults to C(key.pem) in E(DOCKER_CERT_PATH) when that variable is set.
    type: path
    aliases: [tls_client_key, key_path]
  tls_hostname:
    description:
      - The host name the daemon's certificate must carry, when it differs from the host in O(docker_host).
      - If not given, the E(DOCKER_TLS_HOSTNAME) environment variable is used.
    type: str
  api_version:
    description:
      - Engine API version to use, or V(auto) to negotiate the daemon's.
      - If not given, the E(DOCKER_API_VERSION) environment variable is used.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the daemon.
      - If not given, the E(DOCKER_TIMEOUT) environment variable is used.
    type: int
    default: 60
requirements:
  - Docker SDK for Python (C(docker)) 5.0.3 or newer (Debian 12's C(python3-docker) is 5.0.3)
  - For O(docker_host=ssh://...), the Python package C(paramiko) on the host the module runs on
  - A Docker daemon with Engine API 1.41 or newer
notes:
  - All modules of this collection belong to the action group C(labnet.docker.docker), so
    C(module_defaults) can set the connection options once for a whole play.
'''
