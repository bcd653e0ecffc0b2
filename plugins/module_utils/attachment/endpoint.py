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

from ansible_collections.labnet.docker.plugins.module_utils.common.client import unsupported
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

ENDPOINT_FIELDS = ('ipv4_address', 'ipv6_address', 'aliases', 'links', 'driver_options', 'mac_address', 'gw_priority')

# Engine API version that first accepts each field on connect.
ENDPOINT_FIELD_MIN_API = {'gw_priority': '1.48'}
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
    if settings.get('ipv4_address') not in (None, ''):
        result['ipv4_address'] = normalize_ip(settings['ipv4_address'], 4, 'ipv4_address')
    if settings.get('ipv6_address') not in (None, ''):
        result['ipv6_address'] = normalize_ip(settings['ipv6_address'], 6, 'ipv6_address')
    if settings.get('aliases') is not None:
        result['aliases'] = sorted(set(str(alias) for alias in settings['aliases']))
    if settings.get('links') is not None:
        result['links'] = sorted(set(normalize_link(link) for link in settings['links']))
    if settings.get('driver_options') is not None:
        result['driver_options'] = dict((str(k), stringify(v)) for k, v in settings['driver_options'].items())
    if settings.get('mac_address'):
        result['mac_address'] = normalize_mac(settings['mac_address'])
    if settings.get('gw_priority') is not None:
        result['gw_priority'] = int(settings['gw_priority'])
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
    ipam = endpoint.get('IPAMConfig') or {}
    return {
        'ipv4_address': normalize_ip(ipam.get('IPv4Address'), 4, 'IPv4Address'),
        'ipv6_address': normalize_ip(ipam.get('IPv6Address'), 6, 'IPv6Address'),
        'aliases': user_aliases(endpoint, container_id),
        'links': sorted(set(normalize_link(link) for link in endpoint.get('Links') or [])),
        'driver_options': dict(endpoint.get('DriverOpts') or {}),
        'mac_address': normalize_mac(endpoint.get('MacAddress')) if endpoint.get('MacAddress') else None,
        'gw_priority': endpoint.get('GwPriority'),
        # Observed, not configured: reported, never compared.
        'assigned_ipv4_address': endpoint.get('IPAddress') or None,
        'assigned_ipv6_address': endpoint.get('GlobalIPv6Address') or None,
    }


def endpoint_differences(desired, actual):
    """[(field, actual, desired)] for every asked-for field that differs (pure)."""
    differences = []
    for field in ENDPOINT_FIELDS:
        want = desired.get(field)
        if want is None:
            continue
        have = actual.get(field)
        if field == 'aliases':
            have = sorted(set(have or []))
        elif field == 'links':
            have = sorted(set(have or []))
        elif field == 'driver_options':
            have = dict(have or {})
        if have != want:
            differences.append((field, have, want))
    return differences


def endpoint_config(settings):
    """The Engine API ``EndpointConfig`` for connecting with ``settings``."""
    config = {}
    ipam = {}
    if settings.get('ipv4_address'):
        ipam['IPv4Address'] = settings['ipv4_address']
    if settings.get('ipv6_address'):
        ipam['IPv6Address'] = settings['ipv6_address']
    if ipam:
        config['IPAMConfig'] = ipam
    if settings.get('aliases'):
        config['Aliases'] = list(settings['aliases'])
    if settings.get('links'):
        config['Links'] = list(settings['links'])
    if settings.get('driver_options'):
        config['DriverOpts'] = dict(settings['driver_options'])
    if settings.get('mac_address'):
        config['MacAddress'] = settings['mac_address']
    if settings.get('gw_priority') is not None:
        config['GwPriority'] = settings['gw_priority']
    return config


def unsupported_endpoint_fields(settings, api_version):
    """Fields in ``settings`` the daemon's API version cannot take, as (field, minimum version)."""
    return unsupported([(field, settings.get(field), minimum, None)
                        for field, minimum in sorted(ENDPOINT_FIELD_MIN_API.items())], api_version)


def container_name(record):
    """A container's name from its inspect record (``Name``) or a listing row (``Names``)."""
    name = record.get('Name') or (record.get('Names') or [''])[0]
    return (name or '').lstrip('/') or (record.get('Id') or '')[:12]


def endpoint_on(record, network):
    """The container's endpoint settings on ``network`` (an inspected network), or None.

    Works on inspect records and on listing rows, for running and for created or
    stopped containers: those keep the endpoint under the network's name and may
    have no NetworkID yet, so both the name and the ID are matched.
    """
    networks = (record.get('NetworkSettings') or {}).get('Networks') or {}
    if network.get('Name') in networks:
        return networks[network['Name']] or {}
    for endpoint in networks.values():
        if endpoint and endpoint.get('NetworkID') and endpoint.get('NetworkID') == network.get('Id'):
            return endpoint
    return None
