# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a probe is: validating probe specs, judging observations, summarising failures (pure)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

HOST = 'host'
KINDS = ('ping', 'tcp', 'dns', 'http')
EXPECTATIONS = ('reachable', 'unreachable')
DEFAULT_TIMEOUT = 3
DEFAULT_COUNT = 1
DEFAULT_STATUS = 200
MAX_TIMEOUT = 300
MAX_COUNT = 100
# Probes in flight at once. Most of a probe's time is waiting (for an answer, or for its
# timeout to pass), so sixteen at a time cost a 2-core machine and its daemon little:
# 100 probes, half of them waiting out a 2 s timeout, took 11.5 s at 10, 8.6 s at 16.
DEFAULT_PARALLEL = 16
MAX_PARALLEL = 64
# Fields that only some kinds use; giving one to another kind is refused, because
# it usually means a forgotten or misspelt kind (a "ping" with a port).
KIND_FIELDS = {
    'ping': ('count',),
    'tcp': ('port',),
    'dns': ('address',),
    'http': ('url', 'status', 'port'),
}
OPTIONAL_FIELDS = ('count', 'port', 'address', 'url', 'status')
_HOSTNAME = re.compile(r'^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$')


@dataclass(frozen=True)
class Probe:
    """One validated probe: from ``source`` (a container or ``host``) to ``target``."""

    source: str
    target: str
    kind: str
    expect: str = 'reachable'
    timeout: int = DEFAULT_TIMEOUT
    count: int | None = None
    port: int | None = None
    address: str | None = None
    url: str | None = None
    status: int | None = None

    @property
    def from_host(self):
        return self.source == HOST

    @property
    def label(self):
        """'c1 -> c2 ping', 'c1 -> c2:80 tcp': how messages name the pair."""
        target = join_host_port(self.target, self.port) if self.kind == 'tcp' else self.target
        return '%s -> %s %s' % (self.source, target, self.kind)

    def as_dict(self):
        """The probe as the user would write it, with defaults filled in."""
        spec = {'from': self.source, 'to': self.target, 'kind': self.kind, 'expect': self.expect,
                'timeout': self.timeout}
        for name in OPTIONAL_FIELDS:
            value = getattr(self, name)
            if value is not None:
                spec[name] = value
        return spec


@dataclass
class Observation:
    """What running a probe showed; ``observed`` is reachable, unreachable or error.

    ``error`` means the probe could not be run (a missing tool, no ICMP socket); it
    never matches an expectation, so a broken probe cannot pass as "unreachable".
    """

    observed: str
    command: str
    latency_ms: float | None = None
    error: str | None = None
    output: str | None = None
    extra: dict = field(default_factory=dict)


def join_host_port(host, port):
    return '[%s]:%s' % (host, port) if ':' in host else '%s:%s' % (host, port)


def ip_version(text):
    """4 or 6 when ``text`` is an IP literal, else None."""
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None


def _integer(value, name, low, high):
    if isinstance(value, bool):
        raise ValueError('%s must be a number, not %r' % (name, value))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError('%s must be a number, not %r' % (name, value))
    if not low <= number <= high:
        raise ValueError('%s %d is out of range %d-%d' % (name, number, low, high))
    return number


def _host(value, name):
    text = str(value).strip()
    if text.startswith('[') and text.endswith(']'):
        text = text[1:-1]
    if ip_version(text):
        return str(ipaddress.ip_address(text))
    if not _HOSTNAME.match(text) or len(text) > 253:
        raise ValueError('%s %r is not a container name, DNS name or IP address' % (name, value))
    return text


def _http_target(raw, to, port):
    """(target, url) for an http probe: a full URL, or a path fetched from ``to``."""
    url = str(raw).strip()
    if not url or any(ch.isspace() for ch in url):
        raise ValueError('url %r is not a URL or a path' % raw)
    if url.startswith('/'):
        if to is None:
            raise ValueError('url %s is a path, so to must name the server' % url)
        host = '[%s]' % to if ':' in to else to
        port_part = '' if port in (None, 80) else ':%d' % port
        return to, 'http://%s%s%s' % (host, port_part, url)
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. 'Invalid IPv6 URL' for http://[::1/: name the URL the user wrote
        raise ValueError('url %r is not a valid URL: %s' % (raw, exc))
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValueError('url %r is neither an http(s):// URL nor a path starting with /' % raw)
    if port is not None:
        raise ValueError('port %d is not used with a full url; put it in the url' % port)
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise ValueError('url %r has an invalid port' % raw)
    return (to if to is not None else _host(parts.hostname, 'url host')), url


def _label_of(raw):
    kind = raw.get('kind') or 'ping'
    return '%s -> %s %s' % (raw.get('from') or '?', raw.get('to') or '?', kind)


def normalize_probe(raw):
    """Validate one probe spec (a dict as in the module's ``probes``) into a :class:`Probe`.

    Raises ValueError with the reason; :func:`normalize_probes` adds which probe it was.
    """
    if not isinstance(raw, dict):
        raise ValueError('a probe must be a dict with from, to and kind, not %r' % (raw,))
    unknown = sorted(set(raw) - {'from', 'to', 'kind', 'expect', 'timeout'} - set(OPTIONAL_FIELDS))
    if unknown:
        raise ValueError('unknown field %s' % ', '.join(unknown))
    kind = raw.get('kind') or 'ping'
    if kind not in KINDS:
        raise ValueError('kind %r is not one of %s' % (kind, ', '.join(KINDS)))
    given = dict((name, raw.get(name)) for name in OPTIONAL_FIELDS if raw.get(name) is not None)
    for name in given:
        if name not in KIND_FIELDS[kind]:
            raise ValueError('%s does not apply to a %s probe' % (name, kind))
    source = str(raw.get('from') or '').strip()
    if not source:
        raise ValueError('from is missing: name the source container, or host')
    expect = raw.get('expect') or 'reachable'
    if expect not in EXPECTATIONS:
        raise ValueError('expect %r is not one of %s' % (expect, ', '.join(EXPECTATIONS)))
    timeout = raw.get('timeout')
    timeout = DEFAULT_TIMEOUT if timeout is None else _integer(timeout, 'timeout', 1, MAX_TIMEOUT)
    port = _integer(given['port'], 'port', 1, 65535) if 'port' in given else None
    to = _host(raw['to'], 'to') if raw.get('to') not in (None, '') else None
    values = dict(source=source, kind=kind, expect=expect, timeout=timeout, port=port)
    if kind == 'http':
        if 'url' not in given:
            raise ValueError('an http probe needs url (a full URL, or a path fetched from to)')
        to, values['url'] = _http_target(given['url'], to, port)
        values['status'] = _integer(given.get('status', DEFAULT_STATUS), 'status', 100, 599)
    if to is None:
        what = 'the name to look up' if kind == 'dns' else 'the container name, DNS name or IP address to reach'
        raise ValueError('to is missing: give %s' % what)
    if kind == 'ping':
        values['count'] = _integer(given.get('count', DEFAULT_COUNT), 'count', 1, MAX_COUNT)
    elif kind == 'tcp' and port is None:
        raise ValueError('a tcp probe needs port')
    elif kind == 'dns':
        if ip_version(to):
            raise ValueError('to %s is an IP address; a dns probe needs a name to look up' % to)
        if 'address' in given:
            text = str(given['address']).strip()
            if not ip_version(text):
                raise ValueError('address %r is not an IP address' % given['address'])
            values['address'] = str(ipaddress.ip_address(text))
    return Probe(target=to, **values)


def normalize_probes(raws):
    """Validate every probe; one error naming each bad probe, so nothing runs on bad input."""
    if not raws:
        raise LabnetDockerError('probes is empty: give at least one probe')
    probes, problems = [], []
    for index, raw in enumerate(raws):
        try:
            probes.append(normalize_probe(raw))
        except ValueError as exc:
            where = 'probes[%d]' % index
            if isinstance(raw, dict):
                where += ' (%s)' % _label_of(raw)
            problems.append('%s: %s' % (where, exc))
    if problems:
        raise LabnetDockerError('invalid probes: ' + '; '.join(problems), problems=problems)
    return probes


def normalize_parallel(value):
    """How many probes may run at once (1 runs them one after another); raises naming a bad value."""
    if value is None:
        return DEFAULT_PARALLEL
    try:
        return _integer(value, 'parallel', 1, MAX_PARALLEL)
    except ValueError as exc:
        raise LabnetDockerError('invalid parallel: %s' % exc)


def judge(probe, observation):
    """The result of one probe: what was expected, what was seen, and whether they agree."""
    result = {
        'probe': probe.as_dict(),
        'pair': probe.label,
        'expected': probe.expect,
        'observed': observation.observed,
        'ok': observation.observed == probe.expect,
        'latency_ms': observation.latency_ms,
        'error': observation.error,
        'command': observation.command,
        'output': observation.output,
    }
    result.update(observation.extra)
    return result


def describe_failure(result):
    text = '%s: expected %s, observed %s' % (result['pair'], result['expected'], result['observed'])
    return text + (' (%s)' % result['error'] if result.get('error') else '')


def summarize(results):
    """The failure message naming each probe whose observation differs from its expectation, or None."""
    failing = [result for result in results if not result['ok']]
    if not failing:
        return None
    return '%d of %d probes did not hold: %s' % (len(failing), len(results),
                                                 '; '.join(describe_failure(result) for result in failing))
