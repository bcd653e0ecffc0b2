# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Points in time the way the docker CLI and daemon write them (pure).

Times are integers of nanoseconds since the Unix epoch, so that comparisons
with the daemon's nanosecond ``Created`` stamps are exact.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from decimal import Decimal

SECOND = 10 ** 9
# Go's time.ParseDuration units, which docker uses for `until`.
DURATION_UNITS = {'ns': 1, 'us': 10 ** 3, '\u00b5s': 10 ** 3, '\u03bcs': 10 ** 3, 'ms': 10 ** 6,
                  's': SECOND, 'm': 60 * SECOND, 'h': 3600 * SECOND}
_NUMBER = r'(?:\d+(?:\.\d*)?|\.\d+)'
_UNIT = '(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h)'
_DURATION = re.compile(r'^[+-]?(?:%s%s)+$' % (_NUMBER, _UNIT))
_DURATION_PART = re.compile(r'(%s)(%s)' % (_NUMBER, _UNIT))
_UNIX = re.compile(r'^(\d+)(?:\.(\d{1,9}))?$')
_RFC3339 = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?'
                      r'([Zz]|[+-]\d{2}:\d{2})$')


def parse_duration(text):
    """Nanoseconds of a Go duration such as 24h, 90m, 1h30m, 1.5h or -10m; None if ``text`` is not one."""
    text = str(text).strip()
    if not _DURATION.match(text):
        return None
    total = sum(Decimal(number) * DURATION_UNITS[unit] for number, unit in _DURATION_PART.findall(text))
    return -int(total) if text.startswith('-') else int(total)


def parse_timestamp(text):
    """Nanoseconds of an RFC 3339 date-time (with a zone) or Unix seconds; None if ``text`` is neither."""
    text = str(text).strip()
    match = _UNIX.match(text)
    if match:
        return int(match.group(1)) * SECOND + int((match.group(2) or '0').ljust(9, '0'))
    match = _RFC3339.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups()[:6])
    fraction, zone = match.group(7) or '', match.group(8)
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))
    if zone not in ('Z', 'z'):
        offset = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        seconds -= offset if zone[0] == '+' else -offset
    return seconds * SECOND + int(fraction[:9].ljust(9, '0'))


def parse_until(value, now_ns):
    """The cut-off of docker's ``until`` filter, in nanoseconds; raises ValueError with the reason.

    A duration counts back from ``now_ns`` and, as in the daemon, is cut to
    whole seconds. ``0`` is the Unix epoch, as in docker, not a zero duration.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError('%r is not a duration or a timestamp' % (value,))
    text = str(value).strip()
    duration = parse_duration(text) if text != '0' else None
    if duration is not None:
        return ((now_ns - duration) // SECOND) * SECOND
    stamp = parse_timestamp(text)
    if stamp is not None:
        return stamp
    hint = ''
    if re.match(r'^[+-]?\d+(\.\d+)?d', text):
        hint = '; days are not a unit, use hours such as 168h'
    raise ValueError('%r is not a duration (such as 24h, 90m or 1h30m) or a timestamp (RFC 3339 such as '
                     '2024-05-01T12:00:00Z, or Unix seconds)%s' % (text, hint))


def format_time(ns):
    """RFC 3339 in UTC, with nanoseconds when there are any."""
    seconds, fraction = divmod(ns, SECOND)
    text = datetime.fromtimestamp(seconds, timezone.utc).strftime('%Y-%m-%dT%H:%M:%S')
    if fraction:
        text += ('.%09d' % fraction).rstrip('0')
    return text + 'Z'
