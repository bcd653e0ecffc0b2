# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's endpoint on a network: normalise, compare, and express for the API (pure).

Settings are plain dicts with the keys of :data:`ENDPOINT_FIELDS`; a key that
is absent (or None) was not asked for and is not compared.

Entry points:

- :data:`ENDPOINT_OPTIONS` - one :class:`EndpointOption` per endpoint setting; each names its kind,
  an instance of one of the classes below :class:`EndpointKind` (``IPAddress(4)``, ``Names()``,
  ``Links()``, ``TextMap()``, ``MacAddress()``, ``Integer()``). Adding a setting of an existing kind
  is one row; adding a kind is one class here.
- :func:`endpoint_args` - the settings' argument spec entries.
- :func:`normalize_endpoint` / :func:`endpoint_from_inspect` - desired settings from parameters /
  configured settings from a container's inspect record, in the same normalised form.
- :func:`endpoint_differences` - what differs; :func:`endpoint_config` - the connect body.
- :func:`unsupported_endpoint_fields` - given settings the daemon's API version cannot take.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.labnet.docker.plugins.module_utils.common.client import unsupported
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


class EndpointKind:
    """How one kind of endpoint setting is given, read, compared and sent; this base takes values as they are.

    ``option`` is the setting's :class:`EndpointOption` row. ``arg`` is its argument spec entry;
    ``check`` refuses, before anything is normalised, a value the daemon would refuse only after
    recording the connection; ``normalise`` (a given parameter, not None) and ``read`` (the value at
    the row's key of an inspect record) give the same form, None meaning "not asked for" / "not
    configured"; ``compared`` is an actual value as it is compared with a normalised one (a set in
    any order, a missing map); ``connect`` is the value the connect body carries (None: left out).
    """

    arg_type = 'str'

    def __repr__(self):
        return '%s()' % type(self).__name__

    def arg(self):
        return dict(type=self.arg_type)

    def check(self, option, value):
        return None

    def normalise(self, option, value):
        return value

    def read(self, option, value, container_id):
        return value

    def compared(self, value):
        return value

    def connect(self, value):
        return value or None


class IPAddress(EndpointKind):
    """A fixed address of one IP version, in canonical text; empty text is "not asked for"."""

    def __init__(self, version):
        self.version = version

    def __repr__(self):
        return 'IPAddress(%d)' % self.version

    def check(self, option, value):
        if '%' in str(value or ''):
            # Like a bad link, the daemon refuses a zone id only after recording the connection.
            raise LabnetDockerError('%s %r has a zone id (%%...); give the plain address' % (option.name, value))

    def normalise(self, option, value):
        return normalize_ip(value, self.version, option.name)

    def read(self, option, value, container_id):
        return normalize_ip(value, self.version, option.path[-1])


class Names(EndpointKind):
    """A set of names (aliases), kept sorted; the container-ID name the daemon adds is not read.

    Engines before API 1.44 (Docker 25) add the short container ID to every endpoint's Aliases;
    newer ones keep it in DNSNames. Dropping it makes every engine read the same.
    """

    arg_type = 'list'

    def arg(self):
        return dict(type=self.arg_type, elements='str')

    def normalise(self, option, value):
        return sorted(set(str(name) for name in value))

    def read(self, option, value, container_id):
        container_id = container_id or ''
        return sorted(set(value or []) - {container_id[:12], container_id})

    def compared(self, value):
        return sorted(set(value or []))

    def connect(self, value):
        return list(value) if value else None


class Links(Names):
    """Legacy links, each ``name:alias`` (see normalize_link), checked before connecting (see link_problem)."""

    def check(self, option, value):
        for link in value or []:
            problem = link_problem(link)
            if problem:
                raise LabnetDockerError('%s: %r %s' % (option.name, link, problem))

    def normalise(self, option, value):
        return sorted(set(normalize_link(link) for link in value))

    def read(self, option, value, container_id):
        return self.normalise(option, value or [])


class TextMap(EndpointKind):
    """A map of text values, as the daemon keeps driver options (see stringify)."""

    arg_type = 'dict'

    def normalise(self, option, value):
        return dict((str(key), stringify(item)) for key, item in value.items())

    def read(self, option, value, container_id):
        return dict(value or {})

    def compared(self, value):
        return dict(value or {})

    def connect(self, value):
        return dict(value) if value else None


class MacAddress(EndpointKind):
    """A MAC address in lower case with colons (see normalize_mac); empty is "not asked for"."""

    def normalise(self, option, value):
        return normalize_mac(value)

    def read(self, option, value, container_id):
        return normalize_mac(value)


class Integer(EndpointKind):
    """A whole number; 0 is a value like any other (it is sent)."""

    arg_type = 'int'

    def normalise(self, option, value):
        return int(value)

    def connect(self, value):
        return value


@dataclass(frozen=True)
class EndpointOption:
    """One endpoint setting: its option name, its key in ``EndpointConfig`` (and in the container's
    ``NetworkSettings.Networks`` entry), its kind (an :class:`EndpointKind`) and the Engine API version
    that first accepts it on connect. Normalising, reading from inspect, comparing, the connect body,
    the argument spec and the API gate are derived from these rows and their kinds."""

    name: str
    key: str
    kind: EndpointKind
    min_api: str | None = None

    @property
    def path(self):
        return tuple(self.key.split('.'))


ENDPOINT_OPTIONS = (
    EndpointOption('ipv4_address', 'IPAMConfig.IPv4Address', IPAddress(4)),
    EndpointOption('ipv6_address', 'IPAMConfig.IPv6Address', IPAddress(6)),
    EndpointOption('aliases', 'Aliases', Names()),
    EndpointOption('links', 'Links', Links()),
    EndpointOption('driver_options', 'DriverOpts', TextMap()),
    EndpointOption('mac_address', 'MacAddress', MacAddress()),
    EndpointOption('gw_priority', 'GwPriority', Integer(), min_api='1.48'),
)
ENDPOINT_FIELDS = tuple(option.name for option in ENDPOINT_OPTIONS)
# Engine API version that first accepts each field on connect.
ENDPOINT_FIELD_MIN_API = dict((option.name, option.min_api) for option in ENDPOINT_OPTIONS if option.min_api)


def endpoint_args():
    """The argument spec entries of the endpoint settings (network_attachment's, and topology's attachments)."""
    return dict((option.name, option.kind.arg()) for option in ENDPOINT_OPTIONS)


def _at(record, option):
    for part in option.path:
        record = (record or {}).get(part)
    return record


# No engine applies EndpointConfig.MacAddress on connect: 20.10 (API 1.41) has no such input, and
# 26.1 and 28.5 accept it and give the endpoint a MAC of their own, for running, created and stopped
# containers alike (docs/engines.md). Only container create honours it.
MAC_ON_CONNECT = ('Docker does not apply a MAC address on connect (Engine 20.10 has no such setting; 26.1 and '
                  '28.5 accept it and assign another): give it when the container is created (docker run '
                  '--mac-address, or the networks option of community.docker.docker_container), or leave '
                  'mac_address out')


def normalize_ip(value, version=None, field='address'):
    """An IP address in canonical text form; raises naming the value when it is not one."""
    if value is None or value == '':
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise LabnetDockerError('%s %r is not a valid IP address' % (field, value))
    if version and address.version != version:
        raise LabnetDockerError('%s %s is not an IPv%d address' % (field, value, version))
    return str(address)


def normalize_link(link):
    """'db' -> 'db:db'; 'db:alias' stays; a leading slash from older daemons is dropped."""
    text = str(link).strip()
    if ':' not in text:
        text = '%s:%s' % (text, text)
    name, alias = text.split(':', 1)
    return '%s:%s' % (name.strip('/').split('/')[-1], alias.strip('/').split('/')[-1])


def normalize_mac(value):
    if not value:
        return None
    text = str(value).strip().lower().replace('-', ':')
    parts = text.split(':')
    if len(parts) != 6 or any(len(part) != 2 or any(ch not in '0123456789abcdef' for ch in part) for part in parts):
        raise LabnetDockerError('mac_address %r is not a MAC address like 02:42:ac:11:00:02' % value)
    return text


CONTAINER_NAME = re.compile(r'^/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$')


def link_problem(link):
    """Why the daemon would refuse a link the user wrote (None when it is ``name`` or ``name:alias``).

    The daemon checks links only while it sets the endpoint up, after it has already recorded the
    connection on the container (a half-made endpoint), so they are checked before connecting.
    """
    parts = str(link).split(':')
    if len(parts) > 2:
        return 'is not name or name:alias (%d colons)' % (len(parts) - 1)
    if not all(CONTAINER_NAME.match(part) for part in parts):
        return 'is not name or name:alias of container names (letters, digits, _ . -)'
    return None


def normalize_endpoint(settings):
    """Desired endpoint settings from module parameters, normalised for comparison."""
    settings = settings or {}
    # Checked before anything is normalised: the daemon would refuse these only after recording the connection.
    for option in ENDPOINT_OPTIONS:
        option.kind.check(option, settings.get(option.name))
    result = {}
    for option in ENDPOINT_OPTIONS:
        value = settings.get(option.name)
        if value is not None:
            value = option.kind.normalise(option, value)
        if value is not None:
            result[option.name] = value
    return result


def stringify(value):
    """How the daemon stores an option value: booleans as 'true'/'false', numbers as text."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def endpoint_from_inspect(endpoint, container_id=''):
    """What an existing endpoint was configured with, from the container's inspect record.

    ``endpoint`` is ``NetworkSettings.Networks[<network>]``. Addresses are the
    ones the user fixed (IPAMConfig), not the dynamically assigned ones. The
    short-ID alias the daemon adds by itself is dropped.
    """
    endpoint = endpoint or {}
    settings = {}
    for option in ENDPOINT_OPTIONS:
        settings[option.name] = option.kind.read(option, _at(endpoint, option), container_id)
    # Observed, not configured: reported, never compared.
    settings.update(assigned_ipv4_address=endpoint.get('IPAddress') or None,
                    assigned_ipv6_address=endpoint.get('GlobalIPv6Address') or None)
    return settings


def endpoint_differences(desired, actual):
    """[(field, actual, desired)] for every asked-for field that differs (pure)."""
    differences = []
    for option in ENDPOINT_OPTIONS:
        want = desired.get(option.name)
        if want is None:
            continue
        have = option.kind.compared(actual.get(option.name))
        if have != want:
            differences.append((option.name, have, want))
    return differences


def endpoint_config(settings):
    """The Engine API ``EndpointConfig`` for connecting with ``settings``."""
    config = {}
    for option in ENDPOINT_OPTIONS:
        value = option.kind.connect(settings.get(option.name))
        if value is None:
            continue
        target = config
        for part in option.path[:-1]:
            target = target.setdefault(part, {})
        target[option.path[-1]] = value
    return config


def unsupported_endpoint_fields(settings, api_version):
    """Fields in ``settings`` the daemon's API version cannot take, as (field, minimum version)."""
    return unsupported([(field, settings.get(field), minimum, None)
                        for field, minimum in sorted(ENDPOINT_FIELD_MIN_API.items())], api_version)
