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
      - The Docker daemon to talk to, as C(unix:///path/to/socket), C(tcp://host:port) or C(ssh://user@host[:port]).
      - If not given, the E(DOCKER_HOST) environment variable is used, then C(unix:///var/run/docker.sock).
      - With C(ssh://), the module logs in to that host (no Docker port needs to be open there) and runs
        C(docker system dial-stdio) on it, like the docker CLI; the host needs the docker CLI. The key and host key
        follow the docker CLI's conventions, from the home directory of the user the module runs as. The host's key must
        be in C(~/.ssh/known_hosts) (an unknown or a different host key is refused, never accepted), the login key is
        the one C(~/.ssh/config) gives as C(IdentityFile) for the host, or C(~/.ssh/id_*), or ssh-agent's.
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
  use_ssh_client:
    description:
      - For O(docker_host=ssh://...), run the system's C(ssh) command instead of the SDK's built-in SSH client (paramiko),
        so that everything of C(~/.ssh/config) applies (ProxyJump, certificates, ControlMaster). ssh's own error
        messages then go to the module's stderr instead of into its failure message.
      - Ignored for other O(docker_host) schemes.
    type: bool
    default: false
requirements:
  - Docker SDK for Python (C(docker)) 5.0.3 or newer (Debian 12's C(python3-docker) is 5.0.3)
  - For O(docker_host=ssh://...), the Python package C(paramiko) on the host the module runs on (PyPI's C(paramiko),
    or Debian's C(python3-paramiko)); the SDK's SSH transport needs it also with O(use_ssh_client=true)
  - A Docker daemon with Engine API 1.41 or newer
notes:
  - All modules of this collection belong to the action group C(labnet.docker.docker), so
    C(module_defaults) can set the connection options once for a whole play.
'''

    # check_mode / diff_mode support, one fragment per kind of module: ``labnet.docker.docker.writes`` for the modules
    # that change networks (with the journal note), ``labnet.docker.docker.reads`` for those that only read.
    WRITES = r'''
notes:
  - Crash safety. A change of several writes (a network re-create, or an attachment reconnect) first writes a
    journal to the engine - a config-only network named C(<network>.labnet-journal), labelled
    C(labnet.docker.journal=<network>), whose labels hold the network's old and new settings and every endpoint to
    restore (fixed addresses, aliases, links, driver options, gateway priority). It is removed after the last write.
    If the run dies in between (killed, Ctrl-C, lost connection, daemon restart), the next task of
    M(labnet.docker.network), M(labnet.docker.network_attachment), M(labnet.docker.topology) or
    M(labnet.docker.network_prune) that touches the network, from any controller, finishes the change first - it
    re-creates the network from the journal if it is missing and reconnects every recorded endpoint that is not
    connected - reports it in RV(recovered) with a warning, and then does its own work. A journal whose owner is
    still running (same machine, live process) is waited for, up to a minute; one written on another machine counts
    as abandoned after five minutes. M(labnet.docker.network_info) lists journals.
attributes:
  check_mode:
    support: full
    description:
      - Plans and validates exactly as a real run and reports every action it would take, without any write call.
  diff_mode:
    support: full
    description:
      - Shows before and after of everything that changes.
'''

    READS = r'''
attributes:
  check_mode:
    support: full
    description:
      - The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
    description:
      - The module changes nothing, so there is nothing to diff.
'''
