"""A unix-socket relay in front of a Docker engine that holds every write until the test lets it through.

Reads (GET, HEAD) pass at once. Each write (POST, DELETE, PUT) waits in :meth:`WriteGate.next_held`
until the test calls ``release()`` on it, or ``drop()`` (its connection is closed and the request never
reaches the daemon). The relay knows which process sent each request (SO_PEERCRED), so a test can kill
exactly the module process at the moment it waits for its next write: the points are exact, not timed.
"""

from __future__ import annotations

import os
import queue
import socket
import struct
import threading

WRITES = (b'POST ', b'DELETE ', b'PUT ')


class Held:
    """One write request waiting at the gate."""

    def __init__(self, pid, line, client, upstream):
        self.pid = pid
        self.line = line  # the request line, e.g. 'POST /v1.41/networks/<id>/disconnect HTTP/1.1'
        self._event = threading.Event()
        self._client, self._upstream = client, upstream
        self.dropped = False

    def release(self):
        self._event.set()

    def drop(self):
        self.dropped = True
        self._event.set()
        for conn in (self._client, self._upstream):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def wait(self):
        self._event.wait()


class WriteGate:
    def __init__(self, upstream_path, path):
        self.upstream_path = upstream_path
        self.path = path
        self.held = queue.Queue()
        self._server = None

    @property
    def url(self):
        return 'unix://' + self.path

    def start(self):
        if os.path.exists(self.path):
            os.unlink(self.path)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(self.path)
        server.listen(32)
        self._server = server
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def close(self):
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
            self._server = None
        while not self.held.empty():
            self.held.get().drop()

    def next_held(self, timeout):
        """The next write waiting at the gate, or None when none came within ``timeout`` seconds."""
        try:
            return self.held.get(timeout=timeout)
        except queue.Empty:
            return None

    def _accept(self):
        while True:
            try:
                client, dummy = self._server.accept()
            except (OSError, AttributeError):
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        pid = struct.unpack('3i', client.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize('3i')))[0]
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(self.upstream_path)
        except OSError:
            client.close()
            return
        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if data.startswith(WRITES):
                    held = Held(pid, data.split(b'\r\n', 1)[0].decode('latin-1'), client, upstream)
                    self.held.put(held)
                    held.wait()
                    if held.dropped:
                        break
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            for conn in (client, upstream):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()


def pump(source, sink, shut_both=False):
    """Copy ``source`` to ``sink`` until either side ends, then shut ``sink`` down (``shut_both``: ``source`` too).

    One direction of a proxy: the gate here (which reads the other direction itself) and the TCP forwarder of
    rel_engine.py, which runs one each way and ends both sockets when either direction ends.
    """
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for conn in (source, sink) if shut_both else (sink,):
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
