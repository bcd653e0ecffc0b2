# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probing with the tools of a busybox-style image: command lines, and reading what they print (pure).

The same command lines work with busybox (1.2x-1.3x), iputils/coreutils and GNU
wget or bind's nslookup, so Debian- or Alpine-based images can be probed too.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex

from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import Observation, ip_version

TOOLS = {'ping': 'ping', 'tcp': 'nc', 'dns': 'nslookup', 'http': 'wget'}
# How `timeout` reports that it stopped the tool: coreutils 124, busybox 128+TERM, anyone 128+KILL.
TIMED_OUT_CODES = (124, 137, 143)
# nc flavours: busybox's small nc has -e but no -z; OpenBSD's nc has -z but no -e;
# traditional netcat and busybox's NC_110_COMPAT nc have both.
NC_STYLES = ('exec', 'zero')
OUTPUT_LIMIT = 1500

_MISSING_PATTERNS = (
    re.compile(r'exec: "([^"]+)": executable file not found'),  # the daemon: the exec's own program
    re.compile(r"can't execute '([^']+)': No such file"),  # busybox timeout
    re.compile(r"failed to run command [\u2018'`]?([^\u2019'`:]+)[\u2019']?: No such file"),  # coreutils timeout
)
_NC_USAGE = re.compile(r'invalid option|unrecognized option|illegal option|unknown option', re.IGNORECASE)
_PING_COUNTS = re.compile(r'(\d+) packets transmitted, (\d+) (?:packets )?received')
_PING_RTT = re.compile(r'(?:round-trip|rtt) min/avg/max(?:/[a-z]+)? = [\d.]+/([\d.]+)/')
_HTTP_STATUS = re.compile(r'HTTP/\d(?:\.\d)?\s+(\d{3})\b')
_NSLOOKUP_ADDRESS = re.compile(r'^Address(?:\s+\d+)?:\s*(\S+)')


def ping_deadline(probe):
    """Seconds ping may run: one packet per second, then ``timeout`` to wait for the last answer."""
    return probe.count - 1 + probe.timeout


def time_limit(probe):
    """Seconds after which ``timeout`` stops the tool; a second more than the tool's own limit, if it has one."""
    if probe.kind == 'ping':
        return ping_deadline(probe) + 1
    if probe.kind == 'tcp':
        return probe.timeout + 1
    return probe.timeout


def tool_command(probe, nc_style='exec'):
    """The tool's command line for ``probe`` (without the ``timeout`` that bounds it)."""
    wait = str(probe.timeout)
    if probe.kind == 'ping':
        return ['ping', '-c', str(probe.count), '-W', wait, '-w', str(ping_deadline(probe)), probe.target]
    if probe.kind == 'tcp':
        if nc_style == 'zero':
            return ['nc', '-z', '-w', wait, probe.target, str(probe.port)]
        # busybox nc takes everything after -e as the program, so -e comes last.
        return ['nc', '-w', wait, probe.target, str(probe.port), '-e', 'true']
    if probe.kind == 'http':
        return ['wget', '-S', '-O', '/dev/null', probe.url]
    return ['nslookup', probe.target]


def container_command(probe, nc_style='exec'):
    return ['timeout', str(time_limit(probe))] + tool_command(probe, nc_style)


def quote_command(argv):
    return ' '.join(shlex.quote(arg) for arg in argv)


def missing_tool(code, output):
    """The program the container lacks, when the run failed because a program was not found."""
    if code not in (126, 127):
        return None
    for pattern in _MISSING_PATTERNS:
        match = pattern.search(output or '')
        if match:
            return os.path.basename(match.group(1))
    return None


def nc_unsupported(code, output):
    """True when nc refused the options of this style (it printed its usage)."""
    return code != 0 and bool(_NC_USAGE.search(output or ''))


def trim(output, limit=OUTPUT_LIMIT):
    text = (output or '').strip()
    return text if len(text) <= limit else '...' + text[-limit:]


def error_text(output, tool):
    """The lines of a tool's output that say why it failed ("ping: bad address 'c2'")."""
    lines = [line.strip() for line in (output or '').splitlines() if line.strip()]
    marked = [line.lstrip('*; ').strip() for line in lines
              if line.startswith((tool + ':', 'timeout:', ';;', '**', 'ERROR', 'OCI runtime'))]
    chosen = []
    for line in marked or lines[-1:]:
        if line not in chosen:
            chosen.append(line)
    return '; '.join(chosen[-2:]) or None


def parse_ping(output):
    """(packets sent, replies, average round trip in ms or None) from ping's summary, or None."""
    counts = _PING_COUNTS.search(output or '')
    if not counts:
        return None
    rtt = _PING_RTT.search(output)
    return int(counts.group(1)), int(counts.group(2)), float(rtt.group(1)) if rtt else None


def parse_http_status(output):
    """The last HTTP status line wget showed (after redirects), or None when nothing answered."""
    statuses = _HTTP_STATUS.findall(output or '')
    return int(statuses[-1]) if statuses else None


def parse_nslookup(output):
    """The addresses in nslookup's answer section (busybox old and new, bind), in order, once each."""
    addresses = []
    answering = False
    for line in (output or '').splitlines():
        line = line.strip()
        if line.startswith('Name:'):
            answering = True
            continue
        match = _NSLOOKUP_ADDRESS.match(line) if answering else None
        if match and ip_version(match.group(1)):
            address = str(ipaddress.ip_address(match.group(1)))
            if address not in addresses:
                addresses.append(address)
    return addresses


def interpret(probe, code, output, elapsed_ms, command):
    """Turn a finished tool run into an :class:`Observation` (missing tools are handled before)."""
    timed_out = code in TIMED_OUT_CODES
    tool = TOOLS[probe.kind]
    no_answer = 'no answer within %d s' % time_limit(probe)
    failure = no_answer if timed_out else (error_text(output, tool) or '%s exited with %s' % (tool, code))
    observation = Observation('unreachable', command, error=failure, output=trim(output))
    if probe.kind == 'ping':
        stats = parse_ping(output)
        replies = stats[1] if stats else (1 if code == 0 else 0)
        if replies:
            observation.observed, observation.error = 'reachable', None
            observation.latency_ms = stats[2] if stats and stats[2] is not None else round(elapsed_ms, 3)
    elif probe.kind == 'tcp':
        if code == 0:
            observation.observed, observation.error, observation.latency_ms = 'reachable', None, round(elapsed_ms, 3)
    elif probe.kind == 'http':
        status = parse_http_status(output)
        observation.extra['status'] = status
        if status is not None:
            observation.latency_ms = round(elapsed_ms, 3)
            observation.error = None if status == probe.status else 'answered HTTP %d, expected %d' % (status, probe.status)
            observation.observed = 'reachable' if status == probe.status else 'unreachable'
    else:
        observation.extra['addresses'] = addresses = parse_nslookup(output)
        if addresses:
            observation.latency_ms = round(elapsed_ms, 3)
            if probe.address and probe.address not in addresses:
                observation.error = 'resolved to %s, not %s' % (', '.join(addresses), probe.address)
            else:
                observation.observed, observation.error = 'reachable', None
    return observation
