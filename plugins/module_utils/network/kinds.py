# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kinds of network option: how a value of each kind is given, read, written and shown (pure).

Entry points:

- :class:`Text`, :class:`Choice`, :class:`Bool`, :class:`Map`, :class:`Pools` - the kinds the rows of
  network.options.OPTIONS name (``Option('internal', 'Internal', Bool())``). Each answers, for one
  row (``option``):

  - ``arg(option)`` - its argument spec entry;
  - ``normalise(option, value, values)`` - a module parameter -> its normalised value (None: left out),
    raising on a bad one; ``values`` are the options parsed before it (``scalar`` kinds come first);
  - ``read(option, value)`` - the value at its key of an inspect result -> the form it is compared in;
  - ``body(value)`` - a normalised value -> the create body's;
  - ``planned(option, value, spec)`` - the create body's value -> what a planned listing row shows;
  - ``dropped(value)`` - the value an option takes when it is dropped with the option it is kept with.

  How two values compare is the row's ``compare`` (text is compared exactly or as a driver name,
  a map merged or as labels), not its kind's.
- :func:`text_value` / :func:`text_map` - the text and text-map normalisers, also used for ``name``,
  ``lab`` and the rules that tie options together in network.spec.

Adding a kind is one class here; the rows of that kind name an instance of it.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import stringify
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.pools import normalize_pools, pools_from_inspect

# The IPAM pool's own fields (ipam_config elements).
POOL_OPTIONS = dict(
    subnet=dict(type='str', required=True),
    gateway=dict(type='str'),
    ip_range=dict(type='str', aliases=['iprange']),
    aux_addresses=dict(type='dict'),
)


def text_value(value):
    """A parameter as text without surrounding whitespace; None for None or blank text."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def text_map(value, option):
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


class Kind:
    """What every kind shares: its argument type, and values written and kept as they are."""

    arg_type = 'str'
    scalar = True  # parsed before the collections, which may be checked against scalars (pools against enable_ipv6)

    def __repr__(self):
        return '%s()' % type(self).__name__

    def arg(self, option):
        return dict(type=self.arg_type)

    def normalise(self, option, value, values):
        return value

    def read(self, option, value):
        return value

    def body(self, value):
        return value

    def planned(self, option, value, spec):
        return value

    def dropped(self, value):
        return value


class Text(Kind):
    """Text; an absent or empty value reads as the row's ``empty``, and a planned row shows its ``planned``."""

    def normalise(self, option, value, values):
        return text_value(value)

    def read(self, option, value):
        if value is None or value == '':
            return option.empty
        return value

    def planned(self, option, value, spec):
        if value:
            return value
        return option.planned(spec) if callable(option.planned) else option.planned


class Choice(Text):
    """Text that is one of the row's ``choices``, which the argument spec checks (nowhere else)."""

    def arg(self, option):
        return dict(type=self.arg_type, choices=list(option.choices))


class Bool(Kind):
    """A boolean; an engine that does not report it has the row's ``older_default`` (false when there is none)."""

    arg_type = 'bool'

    def normalise(self, option, value, values):
        if value is not None and not isinstance(value, bool):
            raise LabnetDockerError('%s must be a boolean, got %r' % (option.name, value))
        return value

    def read(self, option, value):
        return bool(option.older_default) if value is None else bool(value)

    def planned(self, option, value, spec):
        return self.read(option, value)


class Map(Kind):
    """A map of text values (:func:`text_map`); absent reads as ``{}``."""

    arg_type = 'dict'
    scalar = False

    def normalise(self, option, value, values):
        return text_map(value, option.name)

    def read(self, option, value):
        return dict(value or {})

    def body(self, value):
        return dict(value)

    def planned(self, option, value, spec):
        return value or {}

    def dropped(self, value):
        return {} if value is None else value


class Pools(Kind):
    """IPAM pools (network.pools), checked against ``enable_ipv6``; absent reads as ``[]``."""

    arg_type = 'list'
    scalar = False

    def arg(self, option):
        return dict(type=self.arg_type, elements='dict', options=POOL_OPTIONS)

    def normalise(self, option, value, values):
        return normalize_pools(value or None, values.get('enable_ipv6'))

    def read(self, option, value):
        return pools_from_inspect(value)

    def body(self, value):
        return [pool_body(pool) for pool in value]

    def planned(self, option, value, spec):
        return value or []


def pool_body(pool):
    """One normalised pool -> its ``IPAM.Config`` entry (fields left out are the daemon's to pick)."""
    body = {'Subnet': pool['subnet']}
    if pool.get('ip_range'):
        body['IPRange'] = pool['ip_range']
    if pool.get('gateway'):
        body['Gateway'] = pool['gateway']
    if pool.get('aux_addresses'):
        body['AuxiliaryAddresses'] = dict(pool['aux_addresses'])
    return body
