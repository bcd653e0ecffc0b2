# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drivers and the values of their well-known options that the daemon would refuse or misread (pure).

Entry points, used by network.spec.spec_from_params before any write:

- :func:`driver_option_problem` - why a well-known driver option's value would be refused or misread.
- :func:`driver_case_problem` - a built-in driver name written in another case (``Bridge``).
- :func:`driver_name` - a driver name as the daemon compares it (without a plugin's ``:latest``);
  :data:`DEFAULT_DRIVER` - the driver of a network that names none (:func:`driver_or_default`).
- :func:`plugin_drivers` and :func:`missing_driver_problems` - used by network.plan before creating a
  network: which of its drivers are not built in, and why the engine would not find one of them
  (against the engine's own list, DockerApi.drivers, read only when a driver is not built in).
"""

from __future__ import annotations

import ipaddress

# Go's strconv.ParseBool, which the bridge driver uses for its boolean options.
GO_BOOLEANS = ('1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False')
BRIDGE_BOOLEAN_OPTIONS = ('com.docker.network.bridge.enable_icc', 'com.docker.network.bridge.enable_ip_masquerade',
                          'com.docker.network.bridge.default_bridge', 'com.docker.network.bridge.inhibit_ipv4')


def driver_option_problem(key, text):
    """Why the daemon would refuse (or misread) a well-known driver option's value (None when fine)."""
    if key == 'com.docker.network.driver.mtu':
        if not text.isdigit() or not 68 <= int(text) <= 65535:
            return 'is not an MTU: a whole number of bytes from 68 to 65535'
    elif key in BRIDGE_BOOLEAN_OPTIONS:
        if text not in GO_BOOLEANS:
            return 'is not a boolean (true or false)'
    elif key == 'com.docker.network.bridge.host_binding_ipv4':
        try:
            ipaddress.ip_address(text)
        except ValueError:
            return 'is not an IP address (the default host address of published ports)'
    elif key == 'com.docker.network.bridge.name':
        if not 0 < len(text) <= 15 or any(char in text for char in ' /:'):
            return 'is not a Linux interface name (1 to 15 characters, no spaces, slashes or colons)'
    return None


# The driver the daemon gives a network that names none (the predefined network of the same name is
# common.lookup.DEFAULT_NETWORK).
DEFAULT_DRIVER = 'bridge'
# The drivers every engine has built in (network) and the IPAM drivers it has built in; plugin names are the
# plugin's own. The daemon looks names up exactly, so ``Bridge`` is "plugin not found".
BUILTIN_DRIVERS = dict(driver=('bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'),
                       ipam_driver=('default', 'null'))


def driver_case_problem(field, text):
    """Why the daemon would not find driver ``text`` of ``field`` (driver / ipam_driver): None when it may."""
    if text and text != text.lower() and text.lower() in BUILTIN_DRIVERS[field]:
        return 'is not a driver the daemon knows: driver names are case-sensitive (%s)' % text.lower()
    return None


def driver_name(driver):
    """Plugin drivers may be written with or without the default ``:latest`` tag."""
    if driver and driver.endswith(':latest'):
        return driver[:-len(':latest')]
    return driver


def driver_or_default(driver):
    """:func:`driver_name`, or :data:`DEFAULT_DRIVER` when none is given."""
    return driver_name(driver) or DEFAULT_DRIVER


def plugin_drivers(driver, ipam_driver, config_from=False):
    """``[(field, name)]`` of the drivers that are not built in: only for them the engine's list is read.

    A network with config_from takes its IPAM driver from its configuration network.
    """
    wanted = []
    if driver and driver_name(driver) not in BUILTIN_DRIVERS['driver']:
        wanted.append(('driver', driver))
    if ipam_driver and not config_from and driver_name(ipam_driver) not in BUILTIN_DRIVERS['ipam_driver']:
        wanted.append(('ipam_driver', ipam_driver))
    return wanted


def missing_driver_problems(wanted, offered, rows):
    """Why the engine would not find each driver of ``wanted`` (from :func:`plugin_drivers`); [] when it would.

    ``offered`` maps each field of ``wanted`` to DockerApi.drivers(field)'s answer; a driver an existing network of ``rows`` (the network
    listing) uses is there too: the daemon lists a legacy plugin (a socket or spec file under
    /run/docker/plugins or /etc/docker/plugins) only once something uses it.
    """
    in_use = dict(driver=set(row.get('Driver') for row in rows),
                  ipam_driver=set((row.get('IPAM') or {}).get('Driver') for row in rows))
    problems = []
    for field, name in wanted:
        plugins = sorted(set(driver_name(known) for known in offered.get(field) or () if known)
                         - set(BUILTIN_DRIVERS[field]))
        if driver_name(name) in set(plugins) | set(driver_name(known) for known in in_use[field] if known):
            continue
        problems.append('%s %s: this engine has no %s driver of that name (built in: %s; plugins: %s); install and '
                        'enable the plugin first' % (field, name, 'network' if field == 'driver' else 'IPAM',
                                                     ', '.join(BUILTIN_DRIVERS[field]), ', '.join(plugins) or 'none'))
    return problems
