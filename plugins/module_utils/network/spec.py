# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A network's desired settings: build them from parameters, compare them, express them for the API (pure).

Entry points (all pure; the network module and topology call the same ones):

- :func:`spec_from_params` - module-style parameters (the option names of
  ``labnet.docker.network``) -> a validated, normalised :class:`NetworkSpec`.
  A field that is None was left out: it is neither compared nor changed.
- :func:`actual_from_inspect` - an inspect result (or a listing row, which
  carries the same fields) -> the same fields, normalised.
- :func:`compare` - ``[(field, before, after)]`` for every given field that differs.
- :func:`merge_spec` - the full settings for re-creating an existing network: the
  given fields, and the network's own values for the ones left out.
- :func:`create_body` - the Engine API ``POST /networks/create`` body.
- :func:`unsupported_options` - given options the daemon's API version cannot take (table OPTION_API).
- :func:`family_problems` - IPv4 turned off without IPv6, or with IPv4 pools.
- :func:`planned_row` - a listing-row stand-in for a network about to be created, so that a
  caller planning several networks from one listing can add it to the rows the next
  overlap check sees.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from ansible_collections.labnet.docker.plugins.module_utils.network.driver_options import driver_option_problem
from ansible_collections.labnet.docker.plugins.module_utils.attachment.endpoint import stringify
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import (
    normalize_pools, pool_sort_key, pools_differ, pools_from_inspect)
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import (
    LAB_LABEL, MANAGED_LABEL, MANAGED_VALUE, managed_labels)

# The compared fields, in the order differences are reported.
SPEC_FIELDS = ('driver', 'driver_options', 'ipam_driver', 'ipam_driver_options', 'ipam_config', 'enable_ipv6',
               'enable_ipv4', 'internal', 'attachable', 'ingress', 'scope', 'config_only', 'config_from', 'labels')
BOOLEAN_FIELDS = ('enable_ipv6', 'enable_ipv4', 'internal', 'attachable', 'ingress', 'config_only')
SCOPES = ('local', 'global', 'swarm')
LABELS_MODES = ('subset', 'exact')

# The options of labnet.docker.network (without the connection options); topology checks its
# ``networks`` entries against the same spec.
# network_name and iprange are community.docker's names for name and ip_range.
NETWORK_ARGS = dict(
    name=dict(type='str', required=True, aliases=['network_name']),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    driver=dict(type='str'),
    driver_options=dict(type='dict'),
    ipam_driver=dict(type='str'),
    ipam_driver_options=dict(type='dict'),
    ipam_config=dict(type='list', elements='dict', options=dict(
        subnet=dict(type='str', required=True),
        gateway=dict(type='str'),
        ip_range=dict(type='str', aliases=['iprange']),
        aux_addresses=dict(type='dict'),
    )),
    enable_ipv6=dict(type='bool'),
    enable_ipv4=dict(type='bool'),
    internal=dict(type='bool'),
    attachable=dict(type='bool'),
    ingress=dict(type='bool'),
    scope=dict(type='str', choices=['local', 'global', 'swarm']),
    labels=dict(type='dict'),
    labels_mode=dict(type='str', choices=['subset', 'exact'], default='subset'),
    lab=dict(type='str'),
    config_only=dict(type='bool'),
    config_from=dict(type='str'),
    recreate=dict(type='str', choices=['on_change', 'never', 'always'], default='on_change'),
    force=dict(type='bool', default=False),
)

# option -> (the Engine API version that first accepts it, the value every older engine has without
# it). On an older engine an option that only restates that value is accepted and changes nothing
# (enable_ipv4: true on Docker 26: IPv4 is all it does); any other value is refused naming the version.
OPTION_API = {
    'attachable': ('1.25', None),
    'ingress': ('1.29', None),
    'scope': ('1.30', None),
    'config_only': ('1.30', None),
    'config_from': ('1.30', None),
    'enable_ipv4': ('1.47', True),
}

# What the daemon refuses together with config_from ("user specified configurations are not
# supported if the network depends on a configuration network") and with config_only.
CONFIG_FROM_EXCLUDES = ('driver_options', 'ipam_driver', 'ipam_driver_options', 'ipam_config', 'enable_ipv6',
                        'enable_ipv4', 'labels')
CONFIG_ONLY_EXCLUDES = ('driver', 'internal', 'attachable', 'ingress', 'scope', 'config_from')


@dataclass(frozen=True)
class NetworkSpec:
    """Desired settings of one network; None means "left out"."""

    name: str
    driver: str | None = None
    driver_options: dict | None = None
    ipam_driver: str | None = None
    ipam_driver_options: dict | None = None
    ipam_config: list | None = None
    enable_ipv6: bool | None = None
    enable_ipv4: bool | None = None
    internal: bool | None = None
    attachable: bool | None = None
    ingress: bool | None = None
    scope: str | None = None
    config_only: bool | None = None
    config_from: str | None = None
    labels: dict | None = None  # includes labnet.docker.lab when the ``lab`` option is given
    labels_mode: str = 'subset'

    def given(self):
        """Names of the fields the user set, in :data:`SPEC_FIELDS` order."""
        return [name for name in SPEC_FIELDS if getattr(self, name) is not None]


def _options(value, option):
    """A map of text values, as the daemon stores labels and options; anything else is refused.

    Strings, numbers and booleans become the text the daemon keeps; None, a list or a map has no
    text the daemon would keep as meant (it would be "None" or a Python repr), so it is refused.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise LabnetDockerError('%s must be a dict, got %r' % (option, value))
    result = {}
    for key, item in value.items():
        if item is None or isinstance(item, (dict, list, tuple)):
            raise LabnetDockerError('%s.%s: %r is not a text, number or boolean; the daemon keeps only text'
                                    % (option, key, item))
        result[str(key)] = stringify(item)
    return result


def _text(value):
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def name_problem(name):
    """Why the daemon would accept ``name`` but it would not work as meant (None when it is fine)."""
    if name != name.strip():
        return 'has leading or trailing whitespace; the daemon would keep it, making a network other than %r' % name.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return 'contains control characters'
    if name == 'container' or name.startswith('container:'):
        return 'cannot be used by containers: network_mode container:<name> means sharing a container\'s namespace'
    return None


def spec_from_params(params):
    """Module parameters -> :class:`NetworkSpec`; raises on the first bad value (no I/O)."""
    name = _text(params.get('name'))
    if not name:
        raise LabnetDockerError('name must not be empty')
    problem = name_problem(str(params['name']))
    if problem:
        raise LabnetDockerError('name %r %s' % (params['name'], problem))
    labels = _options(params.get('labels'), 'labels')
    if labels and labels.get(MANAGED_LABEL, MANAGED_VALUE) != MANAGED_VALUE:
        raise LabnetDockerError('labels sets %s=%s, a label the collection sets itself (%s on every network it '
                                'creates); leave it out' % (MANAGED_LABEL, labels[MANAGED_LABEL], MANAGED_VALUE))
    lab = _text(params.get('lab'))
    if lab:
        labels = dict(labels or {})
        if labels.get(LAB_LABEL, lab) != lab:
            raise LabnetDockerError('labels sets %s=%s but lab is %s; give one of them'
                                    % (LAB_LABEL, labels[LAB_LABEL], lab))
        labels[LAB_LABEL] = lab
    labels_mode = params.get('labels_mode') or 'subset'
    if labels_mode not in LABELS_MODES:
        raise LabnetDockerError('labels_mode %r is not one of %s' % (labels_mode, ', '.join(LABELS_MODES)))
    scope = _text(params.get('scope'))
    if scope is not None and scope not in SCOPES:
        raise LabnetDockerError('scope %r is not one of %s' % (scope, ', '.join(SCOPES)))
    values = dict((key, params.get(key)) for key in BOOLEAN_FIELDS)
    for key, value in values.items():
        if value is not None and not isinstance(value, bool):
            raise LabnetDockerError('%s must be a boolean, got %r' % (key, value))
    driver_options = _options(params.get('driver_options'), 'driver_options')
    for key, text in sorted((driver_options or {}).items()):
        problem = driver_option_problem(key, text)
        if problem:
            raise LabnetDockerError('driver_options.%s %r %s' % (key, params['driver_options'][key], problem))
    spec = NetworkSpec(
        name=name,
        driver=_text(params.get('driver')),
        driver_options=driver_options,
        ipam_driver=_text(params.get('ipam_driver')),
        ipam_driver_options=_options(params.get('ipam_driver_options'), 'ipam_driver_options'),
        ipam_config=normalize_pools(params.get('ipam_config') or None, values['enable_ipv6']),
        scope=scope,
        config_from=_text(params.get('config_from')),
        labels=labels,
        labels_mode=labels_mode,
        **values)
    check_combination(spec, spec.config_only, spec.config_from)
    if spec.enable_ipv4 is False and (spec.enable_ipv6 is False or spec.ipam_config):
        problems = family_problems(spec)
        if problems:
            raise LabnetDockerError('; '.join(problems))
    return spec


def check_combination(spec, config_only, config_from, network=None):
    """Refuse given options that cannot go with a config-only / config-from network.

    ``config_only``/``config_from`` are the values the network will have (given or
    kept from ``network``, the name of the existing network, used in the message).
    """
    given = spec.given()
    if config_from:
        clash = [name for name in CONFIG_FROM_EXCLUDES if name in given]
        if clash:
            where = 'network %s takes' % network if network else 'a network with config_from takes'
            raise LabnetDockerError('%s cannot be set together with config_from: %s its configuration from %s'
                                    % (', '.join(clash), where, config_from))
    if config_only:
        clash = [name for name in CONFIG_ONLY_EXCLUDES if name in given]
        if clash:
            raise LabnetDockerError('%s cannot be set on a config-only network; set them on the network that '
                                    'uses it through config_from' % ', '.join(clash))


def driver_name(driver):
    """Plugin drivers may be written with or without the default ``:latest`` tag."""
    if driver and driver.endswith(':latest'):
        return driver[:-len(':latest')]
    return driver


def actual_from_inspect(network):
    """The compared fields of an existing network (inspect result or listing row)."""
    ipam = network.get('IPAM') or {}
    return dict(
        driver=network.get('Driver'),
        driver_options=dict(network.get('Options') or {}),
        ipam_driver=ipam.get('Driver') or 'default',
        ipam_driver_options=dict(ipam.get('Options') or {}),
        ipam_config=pools_from_inspect(ipam.get('Config')),
        enable_ipv6=bool(network.get('EnableIPv6')),
        # Engines before API 1.47 do not report EnableIPv4: IPv4 is always on there.
        enable_ipv4=network.get('EnableIPv4', True) is not False,
        internal=bool(network.get('Internal')),
        attachable=bool(network.get('Attachable')),
        ingress=bool(network.get('Ingress')),
        scope=network.get('Scope'),
        config_only=bool(network.get('ConfigOnly')),
        config_from=(network.get('ConfigFrom') or {}).get('Network') or None,
        labels=dict(network.get('Labels') or {}),
    )


def wanted_value(spec, field, actual):
    """(differs, after) for one given field against the network's ``actual`` fields."""
    want = getattr(spec, field)
    have = actual.get(field)
    if field in ('driver_options', 'ipam_driver_options') or (field == 'labels' and spec.labels_mode == 'subset'):
        after = dict(have or {})
        after.update(want)
        return after != (have or {}), after
    if field == 'labels':
        after = dict(want)
        after.update(managed_labels())
        return after != (have or {}), after
    if field == 'ipam_config':
        return pools_differ(want, have)
    if field == 'driver':
        return driver_name(want) != driver_name(have), want
    return want != have, want


def compare(spec, actual):
    """``[(field, before, after)]`` for each given field that differs from ``actual``.

    The daemon records the driver of a config-only network as ``null``, so the
    driver is not compared against one unless the task also sets config_only.
    """
    differences = []
    for field in spec.given():
        if field == 'driver' and actual.get('config_only') and spec.config_only is None:
            continue
        differs, after = wanted_value(spec, field, actual)
        if differs:
            differences.append((field, actual.get(field), after))
    return differences


def merge_spec(spec, actual):
    """Settings for re-creating a network: the given fields, the network's own for the rest.

    Driver (IPAM driver) options are only kept while the driver (IPAM driver) stays
    the same; IPv6 pools are dropped when IPv6 is being turned off. Labels follow
    ``labels_mode``. Fields a config-only / config-from network cannot carry are
    cleared (see :func:`check_combination`, which the planner calls first).
    """
    values = {}
    for field in SPEC_FIELDS:
        if getattr(spec, field) is None:
            values[field] = actual.get(field)
        else:
            values[field] = wanted_value(spec, field, actual)[1]
    if spec.driver is not None and driver_name(spec.driver) != driver_name(actual.get('driver')):
        values['driver_options'] = spec.driver_options or {}
    if spec.ipam_driver is not None and spec.ipam_driver != actual.get('ipam_driver'):
        values['ipam_driver_options'] = spec.ipam_driver_options or {}
        values['ipam_config'] = spec.ipam_config
    if values['enable_ipv6'] is False and values['ipam_config']:
        values['ipam_config'] = [pool for pool in values['ipam_config'] if ':' not in pool['subnet']]
    if values['enable_ipv4'] is False and values['ipam_config'] and spec.ipam_config is None:
        values['ipam_config'] = [pool for pool in values['ipam_config'] if ':' in pool['subnet']]
    if values['config_only']:
        for field in CONFIG_ONLY_EXCLUDES:
            values[field] = None
    if values['config_from']:
        for field in CONFIG_FROM_EXCLUDES:
            values[field] = None
    return replace(spec, labels_mode='exact', **values)


def _pool_body(pool):
    body = {'Subnet': pool['subnet']}
    if pool.get('ip_range'):
        body['IPRange'] = pool['ip_range']
    if pool.get('gateway'):
        body['Gateway'] = pool['gateway']
    if pool.get('aux_addresses'):
        body['AuxiliaryAddresses'] = dict(pool['aux_addresses'])
    return body


def create_body(spec, mark_managed=True):
    """The Engine API body that creates ``spec``; fields left out get the daemon's defaults.

    Every network created this way carries the managed label, except one with
    config_from, which inherits the labels of its configuration network.
    """
    body = {'Name': spec.name}
    if spec.driver:
        body['Driver'] = spec.driver
    if spec.config_from:
        body['ConfigFrom'] = {'Network': spec.config_from}
    else:
        body['Options'] = dict(spec.driver_options or {})
        body['IPAM'] = {'Driver': spec.ipam_driver or 'default',
                        'Options': dict(spec.ipam_driver_options or {}),
                        'Config': [_pool_body(pool) for pool in spec.ipam_config or []]}
        if spec.enable_ipv6 is not None:
            body['EnableIPv6'] = spec.enable_ipv6
        labels = dict(spec.labels or {})
        if mark_managed:
            labels.update(managed_labels())
        body['Labels'] = labels
    for field, key in (('enable_ipv4', 'EnableIPv4'), ('internal', 'Internal'), ('attachable', 'Attachable'),
                       ('ingress', 'Ingress'), ('scope', 'Scope')):
        if getattr(spec, field) is not None:
            body[key] = getattr(spec, field)
    if spec.config_only:
        body['ConfigOnly'] = True
    return body


def spec_from_actual(name, actual):
    """A spec that re-creates a network exactly as it was (used to restore after a failed recreate)."""
    values = dict((field.name, actual.get(field.name)) for field in fields(NetworkSpec)
                  if field.name in SPEC_FIELDS)
    if values['config_only']:
        for field in CONFIG_ONLY_EXCLUDES:
            values[field] = None
    if values['config_from']:
        for field in CONFIG_FROM_EXCLUDES:
            values[field] = None
    return NetworkSpec(name=name, labels_mode='exact', **values)


def planned_row(spec, config_row=None):
    """A listing row for ``spec`` as if it existed (ID ``planned:<name>``); see the module docstring.

    With config_from, the pools and IPv6 setting come from ``config_row``, the configuration network.
    """
    body = create_body(spec)
    source = config_row if spec.config_from and config_row else body
    scope = spec.scope or ('swarm' if spec.driver == 'overlay' else 'local')
    return {'Name': spec.name, 'Id': 'planned:%s' % spec.name, 'Scope': scope, 'Driver': spec.driver or 'bridge',
            'ConfigOnly': bool(spec.config_only), 'ConfigFrom': {'Network': spec.config_from or ''},
            'EnableIPv6': bool(source.get('EnableIPv6')), 'IPAM': source.get('IPAM') or {},
            'EnableIPv4': source.get('EnableIPv4', True) is not False,
            # What attachment planning reads (attachment.plan.network_problems, attachment.addresses): the
            # topology plans containers onto networks it has not created yet.
            'Internal': bool(spec.internal), 'Attachable': bool(spec.attachable), 'Ingress': bool(spec.ingress),
            'Labels': dict(body.get('Labels') or {}), 'Containers': {}}


def spec_summary(spec):
    """The given fields of a spec as a dict (the ``after`` of a creation's diff)."""
    summary = dict((field, getattr(spec, field)) for field in spec.given())
    if spec.ipam_config:
        summary['ipam_config'] = sorted(spec.ipam_config, key=pool_sort_key)
    if not spec.config_from:
        summary['labels'] = dict(summary.get('labels') or {}, **managed_labels())
    return summary


def unsupported_options(spec, version_tuple):
    """``[(option, minimum API version)]`` for given options the daemon cannot take (see OPTION_API)."""
    missing = []
    for option in SPEC_FIELDS:
        minimum, older_default = OPTION_API.get(option, (None, None))
        value = getattr(spec, option)
        if minimum and value is not None and value != older_default:
            if version_tuple < tuple(int(part) for part in minimum.split('.')):
                missing.append((option, minimum))
    return missing


def family_problems(spec, where=''):
    """Why a network created from ``spec`` would have no address family, or pools it ignores ([] when fine).

    ``spec`` holds the values the network will have (given, or kept on a re-create); left-out
    IPv4 means on and left-out IPv6 off, as the daemon has them. A config_from network takes both
    from its configuration network, so it is not checked here.
    """
    if spec.config_from or spec.enable_ipv4 is not False:
        return []
    problems = []
    if spec.enable_ipv6 is not True:
        problems.append('%senable_ipv4 false needs enable_ipv6 true: a network needs IPv4 or IPv6, and the daemon '
                        'refuses one with neither' % where)
    ipv4 = [pool['subnet'] for pool in spec.ipam_config or [] if ':' not in pool['subnet']]
    if ipv4:
        problems.append('%sipam_config has IPv4 pool %s but enable_ipv4 is false: the network would have no IPv4, '
                        'so give IPv6 pools only or leave enable_ipv4 out' % (where, ', '.join(ipv4)))
    return problems
