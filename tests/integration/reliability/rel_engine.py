"""A private Docker engine for the tests that stop, restart or re-configure a daemon.

The host's dockerd is shared with other test runs and must never be stopped,
so this starts a second ``dockerd`` with its own data root, exec root, pid
file, unix socket and default bridge, and a TLS-only TCP listener on
127.0.0.1 with certificates made for this session. It manages no iptables
rules (the host daemon owns those), so containers in it get addresses and
endpoints but bridged packets between them are not forwarded: tests that need
real packets use the shared engine.

Address plan inside this run's range 10.210.0.0/16:
10.210.0.0/18 explicit subnets on the shared engine, 10.210.64.0/18 explicit
subnets on the private engine, 10.210.128.0/18 the private engine's pool for
networks created without a subnet, 10.210.254.0/24 its default bridge.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid

import docker

BRIDGE_CIDR = '10.210.254.1/24'
DEFAULT_POOL = 'base=10.210.128.0/18,size=24'


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def unavailable_reason():
    """Why a private engine cannot run here (None when it can)."""
    if os.geteuid() != 0:
        return 'a private dockerd needs root'
    for tool in ('dockerd', 'containerd', 'ip'):
        if shutil.which(tool) is None:
            return '%s is not installed' % tool
    return None


class PrivateEngine:
    """A second dockerd on this host; ``start``/``stop``/``restart`` keep its data, ``close`` removes it."""

    def __init__(self, tls):
        token = uuid.uuid4().hex[:6]
        self.root = '/tmp/lnrel-' + token  # short: containerd's socket path must stay under 108 bytes
        self.bridge = 'lnrel' + token
        self.tls = tls
        self.socket_path = os.path.join(self.root, 'docker.sock')
        self.port = free_port()
        self.proc = None
        self.log_path = os.path.join(self.root, 'dockerd.log')
        self._log = None

    @property
    def unix_url(self):
        return 'unix://' + self.socket_path

    @property
    def tcp_url(self):
        return 'tcp://127.0.0.1:%d' % self.port

    def client(self):
        return docker.DockerClient(base_url=self.unix_url, version='auto', timeout=60)

    def _command(self):
        return [
            'dockerd',
            '--config-file', os.path.join(self.root, 'daemon.json'),
            '--data-root', os.path.join(self.root, 'data'),
            '--exec-root', os.path.join(self.root, 'exec'),
            '--pidfile', os.path.join(self.root, 'dockerd.pid'),
            '-H', self.unix_url,
            '-H', self.tcp_url,
            '--tlsverify', '--tlscacert', self.tls['ca'],
            '--tlscert', self.tls['server_cert'], '--tlskey', self.tls['server_key'],
            '--bridge', self.bridge,
            '--iptables=false', '--ip-masq=false',
            '--default-address-pool', DEFAULT_POOL,
            '--shutdown-timeout', '1',
            '--storage-driver', 'overlay2',
        ]

    def _ensure_bridge(self):
        if subprocess.run(['ip', 'link', 'show', self.bridge], capture_output=True, check=False).returncode == 0:
            return
        subprocess.run(['ip', 'link', 'add', self.bridge, 'type', 'bridge'], check=True)
        subprocess.run(['ip', 'addr', 'add', BRIDGE_CIDR, 'dev', self.bridge], check=True)
        subprocess.run(['ip', 'link', 'set', self.bridge, 'up'], check=True)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=60):
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, 'daemon.json'), 'w') as handle:
            handle.write('{}\n')  # not the host's /etc/docker/daemon.json
        self._ensure_bridge()
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
                return
            except Exception:  # not answering yet
                time.sleep(0.2)
        raise RuntimeError('private dockerd did not answer within %d s; log:\n%s' % (timeout, self.log_tail()))

    def stop(self, timeout=60):
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

    def _remove_objects(self):
        """Remove every container and network of this engine; returns the network IDs it had."""
        client = self.client()
        try:
            for container in client.containers.list(all=True):
                container.remove(force=True)
            ids = []
            for network in client.networks.list():
                ids.append(network.id)
                if network.name not in ('bridge', 'host', 'none'):
                    network.remove()
            return ids
        finally:
            client.close()

    def close(self):
        """Stop the daemon and remove everything it had: its networks' bridges, mounts left behind, its data."""
        network_ids = []
        if self.running:
            try:
                network_ids = self._remove_objects()
            except Exception:  # best effort: the links are removed below anyway
                pass
        self.stop()
        for net_id in network_ids:  # a bridge network's interface outlives the daemon
            subprocess.run(['ip', 'link', 'del', 'br-' + net_id[:12]], capture_output=True, check=False)
        with open('/proc/self/mounts') as handle:
            mounts = [line.split()[1] for line in handle if line.split()[1].startswith(self.root + '/')]
        for mount in sorted(mounts, key=len, reverse=True):
            subprocess.run(['umount', '-l', mount], capture_output=True, check=False)
        subprocess.run(['ip', 'link', 'del', self.bridge], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
