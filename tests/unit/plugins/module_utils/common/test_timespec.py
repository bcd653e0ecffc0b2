import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.timespec import (
    SECOND, format_time, parse_duration, parse_timestamp, parse_until)

HOUR = 3600 * SECOND
NOW = 1714564800 * SECOND + 123456789  # 2024-05-01T12:00:00.123456789Z


@pytest.mark.parametrize('text, expected', [
    ('24h', 24 * HOUR),
    ('90m', 90 * 60 * SECOND),
    ('1h30m', 90 * 60 * SECOND),
    ('1.5h', 90 * 60 * SECOND),
    ('.5h', 30 * 60 * SECOND),
    ('2h45m10s', (2 * 3600 + 45 * 60 + 10) * SECOND),
    ('300ms', 300 * 10 ** 6),
    ('10us', 10 * 10 ** 3),
    ('10\u00b5s', 10 * 10 ** 3),
    ('7ns', 7),
    ('-10m', -10 * 60 * SECOND),
    ('+1h', HOUR),
])
def test_parse_duration(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize('text', ['', '0', '7d', '1h 30m', 'h', '10', '1.5', '1H', 'abc', '1h-30m'])
def test_not_a_duration(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize('text, expected', [
    ('1714564800', 1714564800 * SECOND),
    ('1714564800.5', 1714564800 * SECOND + 500000000),
    ('1714564800.000000001', 1714564800 * SECOND + 1),
    ('2024-05-01T12:00:00Z', 1714564800 * SECOND),
    ('2024-05-01t12:00:00z', 1714564800 * SECOND),
    ('2024-05-01T14:00:00+02:00', 1714564800 * SECOND),
    ('2024-05-01T07:30:00-04:30', 1714564800 * SECOND),
    ('2024-05-01T12:00Z', 1714564800 * SECOND),
    ('2024-05-01T12:00:00.25Z', 1714564800 * SECOND + 250000000),
    ('2026-11-30T03:41:38.696538295Z', 1796010098 * SECOND + 696538295),  # a daemon Created stamp
])
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize('text', ['2024-05-01T12:00:00', '2024-05-01', '2024-13-01T00:00:00Z', 'yesterday', '-5'])
def test_not_a_timestamp(text):
    assert parse_timestamp(text) is None


@pytest.mark.parametrize('value, expected', [
    ('24h', NOW - NOW % SECOND - 24 * HOUR),   # counted back from now, cut to whole seconds
    ('1h30m', NOW - NOW % SECOND - 90 * 60 * SECOND),
    ('-1h', NOW - NOW % SECOND + HOUR),
    ('0', 0),                                  # docker reads 0 as the epoch, not as a zero duration
    (1714564800, 1714564800 * SECOND),
    ('2024-05-01T12:00:00Z', 1714564800 * SECOND),
])
def test_parse_until(value, expected):
    assert parse_until(value, NOW) == expected


@pytest.mark.parametrize('value, message', [
    ('7d', "'7d' is not a duration .* days are not a unit, use hours such as 168h"),
    ('2024-05-01T12:00:00', 'is not a duration .* or a timestamp .*RFC 3339'),
    ('soon', "'soon' is not a duration"),
    (True, 'True is not a duration or a timestamp'),
    (['1h'], r"\['1h'\] is not a duration or a timestamp"),
])
def test_parse_until_rejects(value, message):
    with pytest.raises(ValueError, match=message):
        parse_until(value, NOW)


@pytest.mark.parametrize('ns, text', [
    (1714564800 * SECOND, '2024-05-01T12:00:00Z'),
    (1714564800 * SECOND + 250000000, '2024-05-01T12:00:00.25Z'),
    (0, '1970-01-01T00:00:00Z'),
])
def test_format_time(ns, text):
    assert format_time(ns) == text
    assert parse_timestamp(text) == ns
