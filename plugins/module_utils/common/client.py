# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Docker API wrapper, the SDK import guard and the one API-version gate.

Everything that talks to the daemon goes through :class:`DockerApi`, which
turns the SDK's exceptions into :class:`LabnetDockerError` so that modules fail
with a message instead of a traceback. Lookups return ``None`` for "not found"
and raise for every other error. How a module gets one (connection options,
TLS, SSH, version negotiation) is common/connection.py.

Entry points: :class:`DockerApi`, :func:`unsupported` (the version gate),
:func:`version_tuple`, :func:`error_cause`.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
import traceback
from contextlib import contextmanager

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


_DEFERRED_LOCK = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands in sys.modules for a module not imported yet; the first attribute read imports it and becomes it.

    The import statement itself reads nothing but ``__spec__`` (None here), so ``import name`` binds the stand-in
    without loading anything. Only taking the stand-in out of sys.modules is locked: the import itself runs under
    Python's own per-module import lock, so a second thread's first read waits for the first thread's import.
    """

    def __getattr__(self, name):
        with _DEFERRED_LOCK:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def defer_import(name):
    """Import the top-level module ``name`` on its first use instead of now.

    Nothing changes when the module is missing (its importers' own ImportError handling stays as it is) or already
    imported.
    """
    if name in sys.modules:
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = False
    if found:
        sys.modules[name] = _Deferred(name)


# The SDK imports paramiko (with cryptography and invoke) for its ssh:// transport whatever the host, which is about
# half of the SDK's import time, paid by every module run; only docker_host=ssh:// uses it, and only inside methods
# (connection._ssh_errors imports it for such a host).
defer_import('paramiko')

try:
    from docker.errors import APIError, DockerException, NotFound
    from requests.exceptions import RequestException
    HAS_DOCKER = True
    DOCKER_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the sanity import test
    HAS_DOCKER = False
    DOCKER_IMPORT_ERROR = traceback.format_exc()

    class DockerException(Exception):  # type: ignore[no-redef]
        pass

    class APIError(DockerException):  # type: ignore[no-redef]
        pass

    class NotFound(APIError):  # type: ignore[no-redef]
        pass

    class RequestException(Exception):  # type: ignore[no-redef]
        pass


def error_cause(exc):
    """A one-line reason from an SDK or requests exception.

    The SDK wraps requests, which wraps urllib3, which wraps the socket error;
    the innermost OS error ("Connection refused", "No such file or directory")
    is what an operator needs, so it is preferred when there is one.
    """
    explanation = getattr(exc, 'explanation', None)
    if explanation:
        return str(explanation)
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror and not hasattr(current, 'request'):
            return current.strerror
        if type(current).__name__ == 'CertificateError':  # urllib3's host name check (a ValueError)
            return str(current)
        stack.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
        stack.extend(nxt for nxt in (current.__cause__, current.__context__) if nxt is not None)
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def version_tuple(version):
    """'1.41' -> (1, 41): the one parser of Engine API versions (a tuple is returned as it is)."""
    if isinstance(version, tuple):
        return version
    return tuple(int(part) for part in str(version).split('.'))


def unsupported(given, api_version):
    """The one API-version gate: ``[(name, minimum)]`` for what a daemon speaking ``api_version`` cannot take.

    ``given`` holds ``(name, value, minimum, older_default)`` rows, as the option tables declare
    them (network.options, common.endpoint). A value left out (None) or without a minimum
    passes; so does one equal to ``older_default``, the value every older engine has anyway
    (enable_ipv4: true on API 1.45 restates what the daemon does).
    """
    version = version_tuple(api_version)
    return [(name, minimum) for name, value, minimum, older_default in given
            if minimum and value is not None and value != older_default and version < version_tuple(minimum)]


class DockerApi:
    """The daemon operations this collection uses, with errors translated."""

    def __init__(self, api, host):
        self.api = api
        self.host = host
        # exec_run widens the SDK client's one read timeout; parallel probes share the client.
        self._timeout_lock = threading.Lock()
        self._timeout_needs = []
        self._base_timeout = None

    @property
    def api_version(self):
        return self.api.api_version

    @contextmanager
    def _errors(self, action):
        try:
            yield
        except APIError as exc:
            raise LabnetDockerError('%s failed: %s' % (action, error_cause(exc)))
        except (DockerException, RequestException) as exc:
            raise LabnetDockerError('%s failed: cannot reach the Docker daemon at %s: %s'
                                    % (action, self.host, error_cause(exc)), docker_host=self.host)

    def _lookup(self, action, call, *args, **kwargs):
        with self._errors(action):
            try:
                return call(*args, **kwargs)
            except NotFound:
                return None

    # -- the engine --------------------------------------------------------
    def swarm_role(self):
        """This engine's part in a swarm: ``manager``, ``worker`` or the node state (``inactive``, ``pending``...)."""
        with self._errors('reading the engine info'):
            swarm = self.api.info().get('Swarm') or {}
        state = swarm.get('LocalNodeState') or 'inactive'
        if state != 'active':
            return state
        return 'manager' if swarm.get('ControlAvailable') else 'worker'

    def drivers(self, field):
        """The drivers of one kind this engine knows: ``field`` 'driver' (network) or 'ipam_driver'.

        Network drivers are the engine info's list (built-in drivers, managed plugins and the drivers of
        existing networks); IPAM drivers are the enabled managed plugins that offer one (the engine info
        does not list IPAM drivers). Each kind is one request of its own.
        """
        if field == 'driver':
            with self._errors('reading the engine info'):
                return list((self.api.info().get('Plugins') or {}).get('Network') or [])
        with self._errors('listing plugins'):
            plugins = self.api.plugins() or []
        ipam = []
        for plugin in plugins:
            types = ((plugin.get('Config') or {}).get('Interface') or {}).get('Types') or []
            capabilities = [kind.get('Capability') if isinstance(kind, dict) else str(kind) for kind in types]
            if plugin.get('Enabled') and any('ipamdriver' in (capability or '') for capability in capabilities):
                ipam.append(plugin.get('Name'))
        return ipam

    # -- networks ----------------------------------------------------------
    def list_networks(self, filters=None):
        with self._errors('listing networks'):
            return self.api.networks(filters=filters) or []

    def inspect_network(self, name_or_id, verbose=False):
        """The network's inspect result, or None when there is no such network."""
        return self._lookup('inspecting network %s' % name_or_id,
                            self.api.inspect_network, name_or_id, verbose=verbose or None)

    def create_network(self, body):
        """POST /networks/create with a complete Engine API body; returns the new ID."""
        with self._errors('creating network %s' % body.get('Name')):
            response = self.api._post_json(self.api._url('/networks/create'), data=body)
            return self.api._result(response, json=True)['Id']

    def remove_network(self, net_id):
        """Remove a network; True once removed, False when it was already gone (another client removed it)."""
        with self._errors('removing network %s' % net_id):
            try:
                self.api.remove_network(net_id)
            except NotFound:
                return False
        return True

    def remove_unused_network(self, net_id):
        """Remove a network expected to be unused: None once removed, otherwise why it was not.

        The reason is 'it no longer exists' when it is already gone, or the
        daemon's words when it refuses (in use, predefined); any other failure raises.
        """
        with self._errors('removing network %s' % net_id):
            try:
                self.api.remove_network(net_id)
            except NotFound:
                return 'it no longer exists'
            except APIError as exc:
                if exc.status_code in (403, 409):
                    return error_cause(exc)
                raise
        return None

    def connect(self, net_id, container, endpoint_config):
        with self._errors('connecting container %s to network %s' % (container, net_id)):
            response = self.api._post_json(
                self.api._url('/networks/{0}/connect', net_id),
                data={'Container': container, 'EndpointConfig': endpoint_config})
            self.api._raise_for_status(response)

    def disconnect(self, net_id, container, force=False):
        with self._errors('disconnecting container %s from network %s' % (container, net_id)):
            self.api.disconnect_container_from_network(container, net_id, force=force)

    # -- containers --------------------------------------------------------
    def inspect_container(self, name_or_id):
        """The container's inspect result, or None when there is no such container."""
        return self._lookup('inspecting container %s' % name_or_id,
                            self.api.inspect_container, name_or_id)

    def list_containers(self, filters=None):
        with self._errors('listing containers'):
            return self.api.containers(all=True, filters=filters) or []

    @contextmanager
    def _read_timeout(self, seconds):
        """The client's read timeout at least ``seconds`` while the block runs, for every thread in one.

        The SDK reads one ``timeout`` attribute for every request, so concurrent calls
        share it: it is the widest need of the calls in flight, and back to the
        client's own once none is left.
        """
        with self._timeout_lock:
            if not self._timeout_needs:
                self._base_timeout = self.api.timeout
            self._timeout_needs.append(seconds or 0)
            self.api.timeout = max([self._base_timeout] + self._timeout_needs)
        try:
            yield
        finally:
            with self._timeout_lock:
                self._timeout_needs.remove(seconds or 0)
                self.api.timeout = max([self._base_timeout] + self._timeout_needs)

    def exec_run(self, container, cmd, timeout=None, user=None, environment=None):
        """Run ``cmd`` in a running container; returns (exit_code, output text).

        ``timeout`` (seconds) lets a command that bounds itself run longer than the
        client's own read timeout; ``user`` and ``environment`` are as for docker exec.
        """
        with self._read_timeout(timeout), self._errors('running %s in container %s' % (cmd[0], container)):
            exec_id = self.api.exec_create(container, cmd, stdout=True, stderr=True, user=user or '',
                                           environment=environment)['Id']
            output = self.api.exec_start(exec_id)
            code = self.api.exec_inspect(exec_id).get('ExitCode')
        if isinstance(output, bytes):
            output = output.decode('utf-8', 'replace')
        return code, output
