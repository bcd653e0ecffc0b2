# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network options of ``labnet.docker.network``, one row each (pure data and the readers of it).

Entry points:

- :data:`OPTIONS` - one :class:`Option` per compared network option, in the order differences
  are reported. Everything network.spec does per option is derived from these rows: the module's
  argument spec, "was it given", reading it from inspect, comparing it, the create body, the
  planned listing row, the API-version gate and what a config-only / config-from network clears.
- :func:`option_args` - the argument spec entries of the table's options.
- :func:`read_value` / :func:`write_value` - an option at its API key (``IPAM.Config``) of an
  inspect result / of a create body.

Adding an option is one row here plus tests (see docs/architecture.md, "Adding a network option");
adding a kind of option is one class in network.kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.labnet.docker.plugins.module_utils.network.driver_options import DEFAULT_DRIVER
from ansible_collections.labnet.docker.plugins.module_utils.network.kinds import Bool, Choice, Kind, Map, Pools, Text

# How a given value is compared with the network's (network.spec.wanted_value):
EXACT = 'exact'      # equal, or it differs
DRIVER = 'driver'    # equal once the default ``:latest`` tag is ignored; a config-only network reports no driver
MERGE = 'merge'      # a map: the given keys must have the given values; other keys are kept (a subset)
LABELS = 'labels'    # like MERGE under labels_mode subset; under exact, the given map plus the managed label
POOLS = 'pools'      # IPAM pools, matched per address family (network.pools.pools_differ)

# When the create body carries an option (network.spec.create_body):
GIVEN = 'given'      # when the task gives it (not None)
TRUTHY = 'truthy'    # when it is set to something true (an empty driver, config_only false: the daemon's default)
ALWAYS = 'always'    # always, with ``empty`` when left out (the daemon's default, written out)


@dataclass(frozen=True)
class Option:
    """One network option.

    ``kind`` is how the value is given, read, written and validated, one of the classes of
    network.kinds: ``Text()``, ``Choice()`` (one of ``choices``), ``Bool()``, ``Map()`` (text
    values, as the daemon keeps them) or ``Pools()``.
    ``min_api`` is the Engine API version that first accepts the option; ``older_default``
    the value every older engine has without it (giving exactly that is accepted there and
    changes nothing; an engine that does not report the option is read as having it).
    ``config_only_clears`` / ``config_from_clears``: a config-only network cannot carry the
    option / a network with config_from takes it from its configuration network, so the
    daemon refuses it there and a re-create leaves it out. ``kept_with``: the option belongs
    to that other option (driver options to the driver) and is dropped when that one changes.
    ``planned`` is what a listing row shows for a network created without the option, where the
    daemon fills in a value of its own (a value, or a function of the spec when it depends on the
    driver); None: the kind's empty value (false, {}, []).
    """

    name: str
    key: str
    kind: Kind
    compare: str = EXACT
    body: str = GIVEN
    empty: object = None
    choices: tuple = ()
    min_api: str | None = None
    older_default: object = None
    config_only_clears: bool = False
    config_from_clears: bool = False
    kept_with: str | None = None
    planned: object = None

    @property
    def path(self):
        return tuple(self.key.split('.'))


OPTIONS = (
    Option('driver', 'Driver', Text(), compare=DRIVER, body=TRUTHY, config_only_clears=True, planned=DEFAULT_DRIVER),
    Option('driver_options', 'Options', Map(), compare=MERGE, body=ALWAYS, empty={}, config_from_clears=True,
           kept_with='driver'),
    Option('ipam_driver', 'IPAM.Driver', Text(), body=ALWAYS, empty='default', config_from_clears=True),
    Option('ipam_driver_options', 'IPAM.Options', Map(), compare=MERGE, body=ALWAYS, empty={},
           config_from_clears=True, kept_with='ipam_driver'),
    Option('ipam_config', 'IPAM.Config', Pools(), compare=POOLS, body=ALWAYS, empty=[], config_from_clears=True,
           kept_with='ipam_driver'),
    Option('enable_ipv6', 'EnableIPv6', Bool(), config_from_clears=True),
    Option('enable_ipv4', 'EnableIPv4', Bool(), min_api='1.47', older_default=True, config_from_clears=True),
    Option('internal', 'Internal', Bool(), config_only_clears=True),
    Option('attachable', 'Attachable', Bool(), min_api='1.25', config_only_clears=True),
    Option('ingress', 'Ingress', Bool(), min_api='1.29', config_only_clears=True),
    Option('scope', 'Scope', Choice(), choices=('local', 'global', 'swarm'), min_api='1.30',
           config_only_clears=True, planned=lambda spec: 'swarm' if spec.driver == 'overlay' else 'local'),
    Option('config_only', 'ConfigOnly', Bool(), body=TRUTHY, min_api='1.30'),
    Option('config_from', 'ConfigFrom.Network', Text(), body=TRUTHY, min_api='1.30', config_only_clears=True,
           planned=''),
    Option('labels', 'Labels', Map(), compare=LABELS, body=ALWAYS, empty={}, config_from_clears=True),
)

BY_NAME = dict((option.name, option) for option in OPTIONS)
NAMES = tuple(option.name for option in OPTIONS)
CONFIG_ONLY_EXCLUDES = tuple(option.name for option in OPTIONS if option.config_only_clears)
CONFIG_FROM_EXCLUDES = tuple(option.name for option in OPTIONS if option.config_from_clears)


def option_args():
    """The argument spec entries of the table's options (``labnet.docker.network``'s, and topology's entries)."""
    return dict((option.name, option.kind.arg(option)) for option in OPTIONS)


def read_value(record, option):
    """The raw value at ``option``'s key of an inspect result or listing row (None when absent)."""
    value = record
    for part in option.path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def write_value(body, option, value):
    """Set ``option``'s key of a create body (or listing row) to ``value``, making the nested maps it needs."""
    target = body
    for part in option.path[:-1]:
        target = target.setdefault(part, {})
    target[option.path[-1]] = value
