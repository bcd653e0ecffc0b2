"""A private Docker engine for the tests that stop, restart or re-configure a daemon.

The host's dockerd is shared with other test runs and must never be stopped,
so this starts a second ``dockerd`` with its own data root, exec root, pid
file and unix socket - inside its own network namespace. That isolation is
not optional: a dockerd in the host's namespace deletes the host's
``docker0`` when it starts with ``--bridge=none``, or restarts with
``--default-address-pool``, breaking the shared engine's default bridge.
In its namespace it has its own docker0, bridges, veths and routes, and
everything goes with the namespace.

Its TCP listener (``--tlsverify``, certificates made for this session) is
on a veth address inside the namespace; a relay in this process makes it
reachable on a loopback port (127.0.0.1), and stops listening while the
engine is stopped, so clients see "connection refused" as from a real daemon.

Addresses inside this run's range 10.210.0.0/16: 10.210.0.0/18 explicit
subnets on the shared engine, 10.210.64.0/18 explicit subnets on the private
engine, 10.210.128.0/18 its pool for networks created without a subnet,
a /30 of 10.210.248.0/22 the veth to its namespace (free on the host: two runs of
this suite may overlap), 10.210.254.0/24 its docker0 (inside its namespace).
"""

from __future__ import annotations

import ipaddress
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid

import docker

from ansible_collections.labnet.docker.tests.integration.harness import free_ports
from ansible_collections.labnet.docker.tests.integration.reliability.rel_gate import pump

BRIDGE_IP = '10.210.254.1/24'
DEFAULT_POOL = 'base=10.210.128.0/18,size=24'
VETH_RANGE = ipaddress.ip_network('10.210.248.0/22')  # one /30 per engine: runs of this suite may overlap
ENGINE_PORT = 2376


def unavailable_reason():
    """Why a private engine cannot run here (None when it can)."""
    if os.geteuid() != 0:
        return 'a private dockerd needs root'
    for tool in ('dockerd', 'containerd', 'ip', 'nsenter', 'ss'):
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    return None


def _free_veth_subnet():
    """A /30 of VETH_RANGE with no address on the host yet."""
    candidates = list(VETH_RANGE.subnets(new_prefix=30))
    random.shuffle(candidates)
    for subnet in candidates:
        if not _ip('-o', 'addr', 'show', 'to', str(subnet), check=False).stdout.strip():
            return subnet
    raise RuntimeError('no free /30 left in %s' % VETH_RANGE)


def _ip(*args, check=True):
    return subprocess.run(['ip'] + list(args), capture_output=True, text=True, check=check)


class Relay:
    """127.0.0.1:<port> -> the engine's TLS port in its namespace; TLS stays end to end."""

    def __init__(self, target):
        self.target = target
        self.port = free_ports(1, '127.0.0.1')[0]
        self._server = None
        self._conns = []

    def start(self):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(('127.0.0.1', self.port))
        server.listen(32)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self):
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(), which frees the port
            except OSError:
                pass
            self._server.close()
            self._server = None
        for conn in self._conns:
            conn.close()
        self._conns = []

    def _accept(self, server):
        while True:
            try:
                client, dummy = server.accept()
            except OSError:  # closed by stop()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self._conns.extend([client, upstream])
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=(source, sink, True), daemon=True).start()


class PrivateEngine:
    """A second dockerd in its own network namespace; ``start``/``stop``/``restart`` keep its data, ``close`` removes it."""

    def __init__(self, tls):
        token = uuid.uuid4().hex[:6]
        self.root = '/tmp/lnrel-' + token  # short: containerd's socket path must stay under 108 bytes
        self.netns = 'lnrel-' + token
        self.veth = ('lnrelh' + token, 'lnreln' + token)  # host side, engine side
        self.tls = tls
        self.socket_path = os.path.join(self.root, 'docker.sock')
        hosts = list(_free_veth_subnet().hosts())
        self.host_side, self.engine_side = str(hosts[0]), str(hosts[1])
        self.relay = Relay((self.engine_side, ENGINE_PORT))
        self.proc = None
        self.log_path = os.path.join(self.root, 'dockerd.log')
        self._log = None
        self._host_docker0 = _ip('link', 'show', 'docker0', check=False).returncode == 0

    @property
    def unix_url(self):
        return 'unix://' + self.socket_path

    @property
    def tcp_url(self):
        return 'tcp://127.0.0.1:%d' % self.relay.port

    @property
    def bridge_subnet(self):
        return BRIDGE_IP.replace('.1/', '.0/')  # its default bridge, so results show which daemon answered

    def _check_host_untouched(self):
        """Fail loudly should the host's docker0 (the shared engine's default bridge) ever go."""
        if self._host_docker0 and _ip('link', 'show', 'docker0', check=False).returncode != 0:
            raise RuntimeError('the host lost docker0 while the private engine started or stopped')

    def client(self):
        return docker.DockerClient(base_url=self.unix_url, version='auto', timeout=60)

    def _command(self):
        return [
            # nsenter, not `ip netns exec`: that also remounts /sys, hiding the cgroup mounts dockerd needs.
            'nsenter', '--net=/run/netns/' + self.netns,
            'dockerd',
            '--config-file', os.path.join(self.root, 'daemon.json'),
            '--data-root', os.path.join(self.root, 'data'),
            '--exec-root', os.path.join(self.root, 'exec'),
            '--pidfile', os.path.join(self.root, 'dockerd.pid'),
            '-H', self.unix_url,
            '-H', 'tcp://%s:%d' % (self.engine_side, ENGINE_PORT),
            '--tlsverify', '--tlscacert', self.tls['ca'],
            '--tlscert', self.tls['server_cert'], '--tlskey', self.tls['server_key'],
            '--bip', BRIDGE_IP,
            '--iptables=false', '--ip-masq=false',
            '--default-address-pool', DEFAULT_POOL,
            '--shutdown-timeout', '1',
            '--storage-driver', 'overlay2',
        ]

    def _ensure_namespace(self):
        if os.path.exists('/run/netns/' + self.netns):
            return
        _ip('netns', 'add', self.netns)
        _ip('-n', self.netns, 'link', 'set', 'lo', 'up')
        _ip('link', 'add', self.veth[0], 'type', 'veth', 'peer', 'name', self.veth[1], 'netns', self.netns)
        _ip('addr', 'add', self.host_side + '/30', 'dev', self.veth[0])
        _ip('link', 'set', self.veth[0], 'up')
        _ip('-n', self.netns, 'addr', 'add', self.engine_side + '/30', 'dev', self.veth[1])
        _ip('-n', self.netns, 'link', 'set', self.veth[1], 'up')

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=60):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, 'daemon.json'), 'w') as handle:
            handle.write('{}\n')  # not the host's /etc/docker/daemon.json
        self._ensure_namespace()
        self._log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(self._command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('private dockerd exited with %s; log %s:\n%s'
                                   % (self.proc.returncode, self.log_path, self.log_tail()))
            try:
                client = self.client()
                client.ping()
                client.close()
            except Exception:  # noqa: BLE001 - not answering yet
                time.sleep(0.2)
                continue
            self.relay.start()
            self._check_host_untouched()
            return
        raise RuntimeError('private dockerd did not answer within %d s; log:\n%s' % (timeout, self.log_tail()))

    def stop(self, timeout=60):
        self.relay.stop()
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None
        self._check_host_untouched()

    def freeze(self):
        """Stop the daemon's process (SIGSTOP): clients' connections queue up in its socket's backlog."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def pending_connections(self):
        """Connections to the unix socket the daemon has not accepted yet (its listen backlog)."""
        out = subprocess.run(['nsenter', '--net=/run/netns/' + self.netns, 'ss', '-xlH', 'src', self.socket_path],
                             capture_output=True, text=True, check=True).stdout.split()
        return int(out[2]) if len(out) > 2 else 0

    def restart(self):
        self.stop()
        self.start()

    def load_image(self, source_client, image):
        client = self.client()
        try:
            client.images.get(image)
        except docker.errors.ImageNotFound:
            data = b''.join(source_client.images.get(image).save(named=image))  # keep the tag
            client.images.load(data)
        finally:
            client.close()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, 'rb') as handle:
                return b''.join(handle.readlines()[-lines:]).decode('utf-8', 'replace')
        except OSError:
            return ''

    def close(self):
        """Stop the daemon and remove everything it had: its namespace (with its links), mounts, data."""
        if self.running:
            try:
                client = self.client()
                for container in client.containers.list(all=True):
                    container.remove(force=True)
                client.close()
            except Exception:  # noqa: BLE001 - best effort: the namespace goes anyway
                pass
        self.stop()
        _ip('netns', 'del', self.netns, check=False)  # its bridges and veths go with it
        _ip('link', 'del', self.veth[0], check=False)
        with open('/proc/self/mounts') as handle:
            mounts = [line.split()[1] for line in handle if line.split()[1].startswith(self.root + '/')]
        for mount in sorted(mounts, key=len, reverse=True):
            subprocess.run(['umount', '-l', mount], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
