# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probing from the managed host itself, with Python: ICMP echo, TCP connect, HTTP GET, getaddrinfo."""

from __future__ import annotations

import ipaddress
import itertools
import os
import select
import shutil
import socket
import struct
import subprocess
import threading
import time
from http.client import HTTPException
from urllib.error import HTTPError, URLError

from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import open_url

from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import Observation, ip_version, join_host_port
from ansible_collections.labnet.docker.plugins.module_utils.probe.tools import (
    interpret, quote_command, time_limit, tool_command)

ECHO_PAYLOAD = b'labnet.docker network_probe.'  # an even length keeps the checksum simple
# A raw socket sees every echo reply on the host, so probes running at the same time
# tell theirs apart by identifier: one per probe, starting from the process ID.
_IDENTS = itertools.count(os.getpid())


def _elapsed_ms(start):
    return round((time.monotonic() - start) * 1000, 3)


def _reason(exc):
    return getattr(exc, 'strerror', None) or str(exc) or exc.__class__.__name__


def _resolve(name, timeout):
    """getaddrinfo in a thread, so a resolver that never answers cannot outlast ``timeout``.

    Returns (addresses, error); the thread is a daemon and dies with the module. Where the interpreter outlives the
    module (Mitogen) it ends when the resolver gives up by itself, touching only its own ``box``.
    """
    box = {}

    def lookup():
        try:
            infos = socket.getaddrinfo(name, None, 0, socket.SOCK_STREAM)
            box['addresses'] = list(dict.fromkeys(str(ipaddress.ip_address(info[4][0].split('%')[0]))
                                                  for info in infos))
        except (OSError, UnicodeError) as exc:
            box['error'] = 'cannot resolve %s: %s' % (name, _reason(exc))

    worker = threading.Thread(target=lookup, name='labnet-resolve', daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return [], 'cannot resolve %s: no answer within %d s' % (name, timeout)
    return box.get('addresses', []), box.get('error')


# -- ping ------------------------------------------------------------------
def _checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xffff)
    total += total >> 16
    return ~total & 0xffff


def echo_request(version, ident, seq):
    """An ICMP (or ICMPv6) echo request; the kernel fills in the ICMPv6 checksum itself."""
    kind = 128 if version == 6 else 8
    header = struct.pack('!BBHHH', kind, 0, 0, ident, seq)
    checksum = 0 if version == 6 else _checksum(header + ECHO_PAYLOAD)
    return struct.pack('!BBHHH', kind, 0, checksum, ident, seq) + ECHO_PAYLOAD


def is_echo_reply(packet, version, raw, ident, seq):
    """Whether ``packet`` answers our request. Raw IPv4 sockets deliver the IP header too,
    and every ICMP packet on the host; datagram ICMP sockets only our own replies."""
    if raw and version == 4 and packet:
        packet = packet[(packet[0] & 0x0f) * 4:]
    if len(packet) < 8:
        return False
    kind, _code, _sum, pid, pseq = struct.unpack('!BBHHH', packet[:8])
    return kind == (129 if version == 6 else 0) and pseq == seq and (not raw or pid == ident)


def _icmp_socket(version):
    """A datagram ICMP socket (unprivileged ping), else a raw one (root or CAP_NET_RAW), else None."""
    family = socket.AF_INET6 if version == 6 else socket.AF_INET
    proto = socket.IPPROTO_ICMPV6 if version == 6 else socket.IPPROTO_ICMP
    for kind in (socket.SOCK_DGRAM, socket.SOCK_RAW):
        try:
            return socket.socket(family, kind, proto), kind == socket.SOCK_RAW
        except OSError:  # not permitted, or the family is disabled on this host
            continue
    return None, False


def _icmp_ping(probe, address, sock, raw, command):
    version = ip_version(address)
    ident = next(_IDENTS) & 0xffff
    rtts = []
    error = None
    with sock:
        for seq in range(1, probe.count + 1):
            started = time.monotonic()
            try:
                sock.sendto(echo_request(version, ident, seq), (address, 0))
            except OSError as exc:
                error = 'sending an echo request to %s: %s' % (address, _reason(exc))
                break
            deadline = started + probe.timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([sock], [], [], left)[0]:
                    break
                try:
                    packet = sock.recv(2048)
                except OSError as exc:  # an ICMP error for our request, on some kernels
                    error = '%s: %s' % (address, _reason(exc))
                    break
                if is_echo_reply(packet, version, raw, ident, seq):
                    rtts.append((time.monotonic() - started) * 1000)
                    break
            if seq < probe.count:
                time.sleep(max(0.0, started + 1 - time.monotonic()))
    if rtts:
        return Observation('reachable', command, latency_ms=round(sum(rtts) / len(rtts), 3))
    return Observation('unreachable', command,
                       error=error or 'no reply to %d echo request%s within %d s'
                       % (probe.count, 's' if probe.count > 1 else '', probe.timeout))


def _system_ping(probe, command):
    argv = tool_command(probe)
    started = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=time_limit(probe), check=False)
        code, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        code, output = 124, ''
    return interpret(probe, code, output, _elapsed_ms(started), command)


def ping_from_host(probe):
    addresses, error = ([probe.target], None) if ip_version(probe.target) else _resolve(probe.target, probe.timeout)
    if not addresses:
        return Observation('unreachable', 'python: resolve %s' % probe.target, error=error)
    address = addresses[0]
    sock, raw = _icmp_socket(ip_version(address))
    if sock is not None:
        command = 'python: %d ICMP echo request(s) to %s (%s socket), %d s wait each' % (
            probe.count, address, 'raw' if raw else 'datagram', probe.timeout)
        return _icmp_ping(probe, address, sock, raw, command)
    if shutil.which('ping'):
        return _system_ping(probe, quote_command(tool_command(probe)))
    return Observation('error', 'python: ICMP socket', error=(
        'cannot ping from the managed host: no ping command, and ICMP sockets are not allowed for this user '
        '(run as root, or allow it in net.ipv4.ping_group_range)'))


# -- tcp, http, dns -----------------------------------------------------------
def tcp_from_host(probe):
    command = 'python: socket.create_connection((%r, %d), timeout=%d)' % (probe.target, probe.port, probe.timeout)
    started = time.monotonic()
    try:
        with socket.create_connection((probe.target, probe.port), timeout=probe.timeout):
            pass
    except socket.timeout:
        return Observation('unreachable', command, error='no answer within %d s' % probe.timeout)
    except socket.gaierror as exc:
        return Observation('unreachable', command, error='cannot resolve %s: %s' % (probe.target, _reason(exc)))
    except OSError as exc:
        return Observation('unreachable', command, error='connecting to %s: %s'
                           % (join_host_port(probe.target, probe.port), _reason(exc)))
    return Observation('reachable', command, latency_ms=_elapsed_ms(started))


def http_from_host(probe):
    # Never through a proxy from the environment: the probe is about this host's own path.
    command = 'python: GET %s (no proxy, timeout %d s)' % (probe.url, probe.timeout)
    started = time.monotonic()
    try:
        response = open_url(probe.url, method='GET', use_proxy=False, timeout=probe.timeout,
                            validate_certs=False, follow_redirects='all')
        with response:
            status = response.getcode()
    except HTTPError as exc:
        status = exc.code
    except (URLError, OSError, HTTPException, UrlsConnectionError) as exc:
        reason = exc.reason if isinstance(exc, URLError) else exc
        if isinstance(reason, (socket.timeout, TimeoutError)):
            text = 'no answer within %d s' % probe.timeout
        else:
            text = '%s: %s' % (probe.url, reason if isinstance(reason, str) else _reason(reason))
        return Observation('unreachable', command, error=text, extra={'status': None})
    observation = Observation('reachable', command, latency_ms=_elapsed_ms(started), extra={'status': status})
    if status != probe.status:
        observation.observed = 'unreachable'
        observation.error = 'answered HTTP %d, expected %d' % (status, probe.status)
    return observation


def dns_from_host(probe):
    command = 'python: socket.getaddrinfo(%r)' % probe.target
    started = time.monotonic()
    addresses, error = _resolve(probe.target, probe.timeout)
    observation = Observation('unreachable', command, error=error, extra={'addresses': addresses})
    if addresses:
        observation.latency_ms = _elapsed_ms(started)
        if probe.address and probe.address not in addresses:
            observation.error = 'resolved to %s, not %s' % (', '.join(addresses), probe.address)
        else:
            observation.observed = 'reachable'
    return observation


HOST_PROBES = {'ping': ping_from_host, 'tcp': tcp_from_host, 'http': http_from_host, 'dns': dns_from_host}


def observe_from_host(probe):
    return HOST_PROBES[probe.kind](probe)
