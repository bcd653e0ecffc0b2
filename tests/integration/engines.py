"""The engine matrix: the module tests run against the host's engine and against newer Docker engines.

Each newer engine is a lab machine (Docker-in-Docker, built by `make engines` from Debian's own
``docker.io``: trixie 26.1, sid 28.x) whose dockerd also listens on a unix socket in a host
folder bind-mounted into it, so the modules and the tests reach it from this machine with
``DOCKER_HOST=unix://...``. Its data root is an anonymous volume (overlay2 there), removed
with the lab machine. See docs/engines.md.

``LABNET_ENGINES`` (comma-separated, default every name in ENGINES) chooses the engines.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time

import docker
from docker.types import Mount

# name -> lab-machine image (None: the engine DOCKER_HOST or the default socket names)
ENGINES = {
    'host': None,
    'docker26': 'labnet/lab-machine:trixie',
    'docker28': 'labnet/lab-machine:sid',
}
INNER_SOCKET_DIR = '/run/labnet-engine'


def selected_engines():
    names = [name.strip() for name in (os.environ.get('LABNET_ENGINES') or ','.join(ENGINES)).split(',') if name.strip()]
    unknown = [name for name in names if name not in ENGINES]
    if unknown:
        raise ValueError('LABNET_ENGINES names unknown engines %s; known: %s' % (unknown, ', '.join(ENGINES)))
    return names


class LabEngine:
    """A newer Docker engine in a lab-machine container; ``url`` reaches it from this machine."""

    def __init__(self, name, image, host_client, run_id, labels):
        self.name = name
        self.image = image
        self.host = host_client
        self.container_name = 'lnengine-%s-%s' % (run_id, name)
        self.labels = dict(labels, **{'labnet.test.engine': name})
        # Short: a unix socket path must stay under 108 bytes.
        self.dir = tempfile.mkdtemp(prefix='lneng-')
        self.container = None
        self._client = None

    @property
    def url(self):
        return 'unix://' + os.path.join(self.dir, 'sock', 'docker.sock')

    def start(self, timeout=120):
        os.makedirs(os.path.join(self.dir, 'sock'))
        with open(os.path.join(self.dir, 'daemon.json'), 'w') as handle:
            json.dump({'storage-driver': 'overlay2',
                       'hosts': ['unix:///var/run/docker.sock', 'unix://%s/docker.sock' % INNER_SOCKET_DIR]}, handle)
        self.container = self.host.containers.run(
            self.image, name=self.container_name, hostname=self.name, detach=True, labels=self.labels,
            # Docker-in-Docker without --privileged (PLATFORM.md); SYS_PTRACE for container:X
            # namespaces under runc 1.3 (sid).
            cap_add=['SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE'],
            security_opt=['seccomp=unconfined', 'apparmor=unconfined'], cgroupns='private',
            dns=['127.0.0.1'],
            mounts=[Mount('/var/lib/docker', None, type='volume'),
                    Mount(INNER_SOCKET_DIR, os.path.join(self.dir, 'sock'), type='bind'),
                    Mount('/etc/docker/daemon.json', os.path.join(self.dir, 'daemon.json'), type='bind',
                          read_only=True)])
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            self.container.reload()
            if self.container.status != 'running':
                raise RuntimeError('lab machine %s (%s) exited: %s' % (self.container_name, self.image, self.logs()))
            try:
                client = docker.DockerClient(base_url=self.url, version='auto', timeout=120)
                client.ping()
                self._client = client
                return self
            except Exception as exc:  # noqa: BLE001 - not answering yet
                last = exc
                time.sleep(0.5)
        raise RuntimeError('engine %s did not answer on %s within %d s (%s): %s'
                           % (self.name, self.url, timeout, last, self.logs()))

    def client(self):
        return self._client

    def version(self):
        return self._client.version()

    def load_image(self, image):
        try:
            self._client.images.get(image)
        except docker.errors.ImageNotFound:
            self._client.images.load(b''.join(self.host.images.get(image).save(named=image)))

    def exec(self, *argv):
        """Run ``argv`` in the lab machine (the engine's own namespaces); raise when it fails."""
        code, output = self.container.exec_run(list(argv))
        if code != 0:
            raise RuntimeError('%s in %s failed (%s): %s' % (' '.join(argv), self.container_name, code,
                                                             output.decode('utf-8', 'replace')))
        return output.decode('utf-8', 'replace')

    def logs(self):
        try:
            return self.container.exec_run(['tail', '-20', '/var/log/dockerd.log'])[1].decode('utf-8', 'replace')
        except Exception:  # noqa: BLE001 - the container may be gone
            return ''

    def close(self):
        if self._client is not None:
            self._client.close()
        if self.container is not None:
            try:
                self.container.remove(force=True, v=True)  # v: its anonymous data-root volume too
            except docker.errors.NotFound:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


class EnginePool:
    """Engines started on first use and kept for the session; ``close`` removes them all."""

    def __init__(self, host_client, run_id, labels, images):
        self.host = host_client
        self.run_id = run_id
        self.labels = labels
        self.images = images  # local images every engine gets
        self.engines = {}
        self.failed = {}

    def get(self, name):
        if name in self.failed:
            raise RuntimeError(self.failed[name])
        if name not in self.engines:
            image = ENGINES[name]
            try:
                self.host.images.get(image)
            except docker.errors.ImageNotFound:
                self.failed[name] = '%s is missing: run `make engines`' % image
                raise RuntimeError(self.failed[name])
            engine = LabEngine(name, image, self.host, self.run_id, self.labels)
            try:
                engine.start()
                for local in self.images:
                    engine.load_image(local)
            except Exception as exc:
                engine.close()
                self.failed[name] = 'engine %s could not start: %s' % (name, exc)
                raise
            self.engines[name] = engine
        return self.engines[name]

    def close(self):
        for engine in self.engines.values():
            engine.close()
        self.engines = {}
