# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A network's desired settings: build them from parameters, compare them, express them for the API (pure).

Entry points (all pure; the network module and topology call the same ones). Every per-option
step below is derived from the rows of network.options.OPTIONS and their kinds (network.kinds);
only rules that tie options together (labels and ``lab``, well-known driver options) are written out
here; the address-family rule is pools.family_problems.

- :func:`spec_from_params` - module-style parameters (the option names of
  ``labnet.docker.network``) -> a validated, normalised :class:`NetworkSpec`.
  A field that is None was left out: it is neither compared nor changed.
- :func:`actual_from_inspect` - an inspect result (or a listing row, which
  carries the same fields) -> the same fields, normalised.
- :func:`compare` - ``[(field, before, after)]`` for every given field that differs.
- :func:`merge_spec` - the full settings for re-creating an existing network: the
  given fields, and the network's own values for the ones left out.
- :func:`create_body` - the Engine API ``POST /networks/create`` body.
- :func:`unsupported_options` - given options the daemon's API version cannot take (the rows' ``min_api``,
  through common.client.unsupported).
- :func:`planned_row` - a listing-row stand-in for a network about to be created, so that a
  caller planning several networks from one listing can add it to the rows the next
  overlap check sees.
"""

from __future__ import annotations

from dataclasses import make_dataclass, replace

from ansible_collections.labnet.docker.plugins.module_utils.network.driver_options import (
    driver_case_problem, driver_name, driver_option_problem)
from ansible_collections.labnet.docker.plugins.module_utils.common.client import unsupported
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import is_container_mode
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.options import (
    ALWAYS, BY_NAME, CONFIG_FROM_EXCLUDES, CONFIG_ONLY_EXCLUDES, DRIVER, LABELS, MERGE, NAMES, OPTIONS, POOLS, TRUTHY,
    option_args, read_value, write_value)
from ansible_collections.labnet.docker.plugins.module_utils.network.kinds import text_map, text_value
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import (
    family_problems, pool_sort_key, pools_differ)
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import (
    LAB_LABEL, MANAGED_LABEL, MANAGED_VALUE, managed_labels)

# The compared fields, in the order differences are reported (the rows of network.options.OPTIONS).
SPEC_FIELDS = NAMES
LABELS_MODES = ('subset', 'exact')

# The options of labnet.docker.network (without the connection options): the option table's, and
# those that say what to do rather than what the network is. Topology checks its ``networks``
# entries against the same spec. network_name and iprange are community.docker's names for name and ip_range.
NETWORK_ARGS = dict(
    name=dict(type='str', required=True, aliases=['network_name']),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    labels_mode=dict(type='str', choices=list(LABELS_MODES), default='subset'),
    lab=dict(type='str'),
    recreate=dict(type='str', choices=['on_change', 'never', 'always'], default='on_change'),
    force=dict(type='bool', default=False),
    **option_args())


def _given(self):
    """Names of the fields the user set, in :data:`SPEC_FIELDS` order."""
    return [name for name in SPEC_FIELDS if getattr(self, name) is not None]


# Desired settings of one network; a field that is None was left out. One field per row of the option
# table, between the name and labels_mode (``labels`` includes labnet.docker.lab when ``lab`` is given).
NetworkSpec = make_dataclass(
    'NetworkSpec',
    [('name', str)] + [(option.name, object, None) for option in OPTIONS] + [('labels_mode', str, 'subset')],
    frozen=True, namespace=dict(given=_given, __doc__='Desired settings of one network; None means "left out".'))


def name_problem(name):
    """Why the daemon would accept ``name`` but it would not work as meant (None when it is fine)."""
    if name != name.strip():
        return 'has leading or trailing whitespace; the daemon would keep it, making a network other than %r' % name.strip()
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return 'contains control characters'
    if name == 'container' or is_container_mode(name):
        return 'cannot be used by containers: network_mode container:<name> means sharing a container\'s namespace'
    return None


def _labels(params):
    """The ``labels`` option with ``lab`` folded in; the managed label is the collection's own."""
    labels = text_map(params.get('labels'), 'labels')
    if labels and labels.get(MANAGED_LABEL, MANAGED_VALUE) != MANAGED_VALUE:
        raise LabnetDockerError('labels sets %s=%s, a label the collection sets itself (%s on every network it '
                                'creates); leave it out' % (MANAGED_LABEL, labels[MANAGED_LABEL], MANAGED_VALUE))
    lab = text_value(params.get('lab'))
    if lab:
        labels = dict(labels or {})
        if labels.get(LAB_LABEL, lab) != lab:
            raise LabnetDockerError('labels sets %s=%s but lab is %s; give one of them'
                                    % (LAB_LABEL, labels[LAB_LABEL], lab))
        labels[LAB_LABEL] = lab
    return labels


def _driver_options(params):
    driver_options = text_map(params.get('driver_options'), 'driver_options')
    for key, text in sorted((driver_options or {}).items()):
        problem = driver_option_problem(key, text)
        if problem:
            raise LabnetDockerError('driver_options.%s %r %s' % (key, params['driver_options'][key], problem))
    return driver_options


def _parse(option, params, values):
    """One option's parameter -> its normalised value (None when left out); raises on a bad one."""
    if option.name == 'labels':
        return _labels(params)
    if option.name == 'driver_options':
        return _driver_options(params)
    value = option.kind.normalise(option, params.get(option.name), values)
    if option.name in ('driver', 'ipam_driver'):
        problem = driver_case_problem(option.name, value)
        if problem:
            raise LabnetDockerError('%s %r %s' % (option.name, params.get(option.name), problem))
    return value


def spec_from_params(params):
    """Module parameters -> :class:`NetworkSpec`; raises on the first bad value (no I/O)."""
    name = text_value(params.get('name'))
    if not name:
        raise LabnetDockerError('name must not be empty')
    problem = name_problem(str(params['name']))
    if problem:
        raise LabnetDockerError('name %r %s' % (params['name'], problem))
    labels_mode = params.get('labels_mode') or 'subset'
    values = {}
    # Scalars first: the pools are checked against enable_ipv6.
    for option in sorted(OPTIONS, key=lambda option: not option.kind.scalar):
        values[option.name] = _parse(option, params, values)
    spec = NetworkSpec(name=name, labels_mode=labels_mode, **values)
    check_combination(spec, spec.config_only, spec.config_from)
    if spec.ipam_driver == 'null' and spec.ipam_config:
        raise LabnetDockerError('ipam_config cannot be used with ipam_driver null: the null IPAM driver assigns '
                                'no addresses, so it takes no pools')
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


def clear_excluded(values):
    """``values`` (every field) without what a config-only / config-from network cannot carry."""
    values = dict(values)
    for excluded, excludes in (('config_only', CONFIG_ONLY_EXCLUDES), ('config_from', CONFIG_FROM_EXCLUDES)):
        if values.get(excluded):
            values.update((name, None) for name in excludes)
    return values


def actual_from_inspect(network):
    """The compared fields of an existing network (inspect result or listing row)."""
    return dict((option.name, option.kind.read(option, read_value(network, option))) for option in OPTIONS)


def wanted_value(spec, field, actual):
    """(differs, after) for one given field against the network's ``actual`` fields."""
    option = BY_NAME[field]
    want = getattr(spec, field)
    have = actual.get(field)
    if option.compare == MERGE or (option.compare == LABELS and spec.labels_mode == 'subset'):
        after = dict(have or {})
        after.update(want)
        return after != (have or {}), after
    if option.compare == LABELS:
        after = dict(want)
        after.update(managed_labels())
        return after != (have or {}), after
    if option.compare == POOLS:
        return pools_differ(want, have)
    if option.compare == DRIVER:
        return driver_name(want) != driver_name(have), want
    return want != have, want


def compare(spec, actual):
    """``[(field, before, after)]`` for each given field that differs from ``actual``.

    The daemon records the driver of a config-only network as ``null``, so the
    driver is not compared against one unless the task also sets config_only.
    """
    differences = []
    for field in spec.given():
        if BY_NAME[field].compare == DRIVER and actual.get('config_only') and spec.config_only is None:
            continue
        differs, after = wanted_value(spec, field, actual)
        if differs:
            differences.append((field, actual.get(field), after))
    return differences


def merge_spec(spec, actual):
    """Settings for re-creating a network: the given fields, the network's own for the rest.

    An option kept with another (driver options with the driver, the IPAM driver's options and
    pools with the IPAM driver) is only kept while that one stays the same; IPv6 pools are
    dropped when IPv6 is being turned off. Labels follow ``labels_mode``. Fields a config-only /
    config-from network cannot carry are cleared (see :func:`check_combination`, which the
    planner calls first).
    """
    values = {}
    for field in SPEC_FIELDS:
        if getattr(spec, field) is None:
            values[field] = actual.get(field)
        else:
            values[field] = wanted_value(spec, field, actual)[1]
    for option in OPTIONS:
        owner = option.kept_with
        if owner and getattr(spec, owner) is not None and not _same(owner, getattr(spec, owner), actual.get(owner)):
            values[option.name] = option.kind.dropped(getattr(spec, option.name))
    if values['enable_ipv6'] is False and values['ipam_config']:
        values['ipam_config'] = [pool for pool in values['ipam_config'] if ':' not in pool['subnet']]
    if values['enable_ipv4'] is False and values['ipam_config'] and spec.ipam_config is None:
        values['ipam_config'] = [pool for pool in values['ipam_config'] if ':' in pool['subnet']]
    return replace(spec, labels_mode='exact', **clear_excluded(values))


def _same(field, want, have):
    if BY_NAME[field].compare == DRIVER:
        return driver_name(want) == driver_name(have)
    return want == have


def create_body(spec, mark_managed=True):
    """The Engine API body that creates ``spec``; fields left out get the daemon's defaults.

    Every network created this way carries the managed label, except one with
    config_from, which inherits the labels of its configuration network.
    """
    body = {'Name': spec.name}
    for option in OPTIONS:
        value = getattr(spec, option.name)
        if spec.config_from and option.config_from_clears:
            continue
        if option.body == ALWAYS and value is None:
            value = option.empty
        if value is None or (option.body == TRUTHY and not value):
            continue
        write_value(body, option, option.kind.body(value))
    if mark_managed and 'Labels' in body:
        body['Labels'].update(managed_labels())
    return body


def spec_from_actual(name, actual):
    """A spec that re-creates a network exactly as it was (used to restore after a failed recreate)."""
    values = dict((field, actual.get(field)) for field in SPEC_FIELDS)
    return NetworkSpec(name=name, labels_mode='exact', **clear_excluded(values))


def planned_row(spec, config_row=None):
    """A listing row for ``spec`` as if it existed (ID ``planned:<name>``); see the module docstring.

    With config_from, what the network takes from its configuration network comes from
    ``config_row``. The row carries what attachment planning reads (attachment.plan.network_problems,
    network.addresses): the topology plans containers onto networks it has not created yet.
    """
    body = create_body(spec)
    row = {'Name': spec.name, 'Id': 'planned:%s' % spec.name, 'Containers': {}}
    for option in OPTIONS:
        source = config_row if spec.config_from and config_row and option.config_from_clears else body
        write_value(row, option, option.kind.planned(option, read_value(source, option), spec))
    return row


def spec_summary(spec):
    """The given fields of a spec as a dict (the ``after`` of a creation's diff)."""
    summary = dict((field, getattr(spec, field)) for field in spec.given())
    if spec.ipam_config:
        summary['ipam_config'] = sorted(spec.ipam_config, key=pool_sort_key)
    if not spec.config_from:
        summary['labels'] = dict(summary.get('labels') or {}, **managed_labels())
    return summary


def unsupported_options(spec, api_version):
    """``[(option, minimum API version)]`` for given options the daemon cannot take (the table's ``min_api``)."""
    return unsupported([(option.name, getattr(spec, option.name), option.min_api, option.older_default)
                        for option in OPTIONS], api_version)
