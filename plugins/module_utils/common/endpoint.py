# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A container's endpoint on a network: normalise, compare, and express for the API (pure).

Settings are plain dicts with the keys of :data:`ENDPOINT_FIELDS`; a key that
is absent (or None) was not asked for and is not compared.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from ansible_collections.labnet.docker.plugins.module_utils.common.client import unsupported
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


@dataclass(frozen=True)
class EndpointOption:
    """One endpoint setting: its option name, its key in ``EndpointConfig`` (and in the container's
    ``NetworkSettings.Networks`` entry), how it is written (``kind``) and the Engine API version that
    first accepts it on connect. Normalising, reading from inspect, comparing, the connect body, the
    argument spec and the API gate are derived from these rows."""

    name: str
    key: str
    kind: str  # ipv4, ipv6, names (a set of texts), links, map (text values), mac, int
    min_api: str | None = None

    @property
    def path(self):
        return tuple(self.key.split('.'))


ENDPOINT_OPTIONS = (
    EndpointOption('ipv4_address', 'IPAMConfig.IPv4Address', 'ipv4'),
    EndpointOption('ipv6_address', 'IPAMConfig.IPv6Address', 'ipv6'),
    EndpointOption('aliases', 'Aliases', 'names'),
    EndpointOption('links', 'Links', 'links'),
    EndpointOption('driver_options', 'DriverOpts', 'map'),
    EndpointOption('mac_address', 'MacAddress', 'mac'),
    EndpointOption('gw_priority', 'GwPriority', 'int', min_api='1.48'),
)
ENDPOINT_FIELDS = tuple(option.name for option in ENDPOINT_OPTIONS)
# Engine API version that first accepts each field on connect.
ENDPOINT_FIELD_MIN_API = dict((option.name, option.min_api) for option in ENDPOINT_OPTIONS if option.min_api)
_ARGS = dict(ipv4=dict(type='str'), ipv6=dict(type='str'), names=dict(type='list', elements='str'),
             links=dict(type='list', elements='str'), map=dict(type='dict'), mac=dict(type='str'), int=dict(type='int'))
_SETS = ('names', 'links')


def endpoint_args():
    """The argument spec entries of the endpoint settings (network_attachment's, and topology's attachments)."""
    return dict((option.name, dict(_ARGS[option.kind])) for option in ENDPOINT_OPTIONS)


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
    result = {}
    for field in ('ipv4_address', 'ipv6_address'):
        if '%' in str(settings.get(field) or ''):
            # Like a bad link, the daemon refuses a zone id only after recording the connection.
            raise LabnetDockerError('%s %r has a zone id (%%...); give the plain address' % (field, settings[field]))
    for link in settings.get('links') or []:
        problem = link_problem(link)
        if problem:
            raise LabnetDockerError('links: %r %s' % (link, problem))
    for option in ENDPOINT_OPTIONS:
        value = settings.get(option.name)
        if value is None or (value == '' and option.kind in ('ipv4', 'ipv6')) or (not value and option.kind == 'mac'):
            continue
        if option.kind in ('ipv4', 'ipv6'):
            value = normalize_ip(value, int(option.kind[-1]), option.name)
        elif option.kind == 'names':
            value = sorted(set(str(alias) for alias in value))
        elif option.kind == 'links':
            value = sorted(set(normalize_link(link) for link in value))
        elif option.kind == 'map':
            value = dict((str(k), stringify(v)) for k, v in value.items())
        elif option.kind == 'mac':
            value = normalize_mac(value)
        elif option.kind == 'int':
            value = int(value)
        result[option.name] = value
    return result


def stringify(value):
    """How the daemon stores an option value: booleans as 'true'/'false', numbers as text."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def user_aliases(endpoint, container_id=''):
    """The aliases an endpoint was given, sorted: without the container-ID alias the daemon adds.

    Engines before API 1.44 (Docker 25) add the short container ID to every endpoint's Aliases;
    newer ones keep it in DNSNames. Dropping it makes every engine read the same.
    """
    container_id = container_id or ''
    return sorted(set((endpoint or {}).get('Aliases') or []) - {container_id[:12], container_id})


def endpoint_from_inspect(endpoint, container_id=''):
    """What an existing endpoint was configured with, from the container's inspect record.

    ``endpoint`` is ``NetworkSettings.Networks[<network>]``. Addresses are the
    ones the user fixed (IPAMConfig), not the dynamically assigned ones. The
    short-ID alias the daemon adds by itself is dropped.
    """
    endpoint = endpoint or {}
    settings = {}
    for option in ENDPOINT_OPTIONS:
        value = _at(endpoint, option)
        if option.kind in ('ipv4', 'ipv6'):
            value = normalize_ip(value, int(option.kind[-1]), option.path[-1])
        elif option.kind == 'names':
            value = user_aliases(endpoint, container_id)
        elif option.kind == 'links':
            value = sorted(set(normalize_link(link) for link in value or []))
        elif option.kind == 'map':
            value = dict(value or {})
        elif option.kind == 'mac':
            value = normalize_mac(value) if value else None
        settings[option.name] = value
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
        have = actual.get(option.name)
        if option.kind in _SETS:
            have = sorted(set(have or []))
        elif option.kind == 'map':
            have = dict(have or {})
        if have != want:
            differences.append((option.name, have, want))
    return differences


def endpoint_config(settings):
    """The Engine API ``EndpointConfig`` for connecting with ``settings``."""
    config = {}
    for option in ENDPOINT_OPTIONS:
        value = settings.get(option.name)
        if value is None or (option.kind != 'int' and not value):
            continue
        target = config
        for part in option.path[:-1]:
            target = target.setdefault(part, {})
        target[option.path[-1]] = list(value) if option.kind in _SETS else dict(value) if option.kind == 'map' else value
    return config


def unsupported_endpoint_fields(settings, api_version):
    """Fields in ``settings`` the daemon's API version cannot take, as (field, minimum version)."""
    return unsupported([(field, settings.get(field), minimum, None)
                        for field, minimum in sorted(ENDPOINT_FIELD_MIN_API.items())], api_version)
