# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole topology as desired state: its parameters, validated before anything is read or written (pure).

Each ``networks`` entry is checked against the argument spec of labnet.docker.network
and turned into a NetworkSpec by the same function that module uses; each
``attachments`` entry likewise against labnet.docker.network_attachment's spec and
its ``attachment_from_params``. What only a list can get wrong (a name twice, pools
of two entries overlapping, one fixed address asked for twice) is checked here.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import ATTACHMENT_ARGS, attachment_from_params
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import NETWORK_ARGS, spec_from_params

# Options the topology sets once for every entry instead of per entry.
NETWORK_ENTRY_ARGS = dict((key, value) for key, value in NETWORK_ARGS.items() if key not in ('state', 'force', 'lab'))
ATTACHMENT_ENTRY_ARGS = dict((key, value) for key, value in ATTACHMENT_ARGS.items() if key not in ('state',))
_CLASS_REPR = re.compile(r"<class '(\w+)'>")


@dataclass
class NetworkEntry:
    index: int
    spec: object  # network.spec.NetworkSpec
    recreate: str


@dataclass
class AttachmentEntry:
    index: int
    attachment: object  # attachment.Attachment


@dataclass
class Topology:
    state: str
    networks: list = field(default_factory=list)  # [NetworkEntry]
    attachments: list = field(default_factory=list)  # [AttachmentEntry]
    purge: bool = False
    lab: str | None = None
    force: bool = False

    @property
    def names(self):
        return [entry.spec.name for entry in self.networks]


def _validated(entry, spec, where):
    """An entry checked and converted with an argument spec, as AnsibleModule does for a module's own options."""
    if not isinstance(entry, dict):
        raise LabnetDockerError('%s must be a dict, got %r' % (where, entry))
    result = ArgumentSpecValidator(spec).validate(entry)
    messages = []
    for error in result.errors:
        # ansible-core 2.17 writes a type as "<class 'str'>", 2.19 as "str": one wording for every version.
        text = _CLASS_REPR.sub(r'\1', str(error))
        if isinstance(error, UnsupportedError):
            text = 'unsupported option %s' % text
        messages.append(text)
    if messages:
        raise LabnetDockerError('%s: %s' % (where, '; '.join(messages)))
    return result.validated_parameters


def _label(kind, index, entry):
    name = entry.get('name') if kind == 'networks' else entry.get('network')
    return '%s[%d]%s' % (kind, index, ' (%s)' % name if isinstance(entry, dict) and name else '')


def topology_from_params(params):
    """Module parameters -> :class:`Topology`; raises one error naming every bad entry."""
    state = params.get('state') or 'present'
    lab = (params.get('lab') or '').strip() or None
    topology = Topology(state=state, purge=bool(params.get('purge')), lab=lab, force=bool(params.get('force')))
    problems = []
    for index, entry in enumerate(params.get('networks') or []):
        where = _label('networks', index, entry if isinstance(entry, dict) else {})
        try:
            values = _validated(entry, NETWORK_ENTRY_ARGS, where)
            # A config_from network takes its labels (the lab's among them) from its configuration
            # network; the daemon refuses labels of its own.
            values.update(lab=None if values.get('config_from') else lab, state=state)
            topology.networks.append(NetworkEntry(index, spec_from_params(values), values.get('recreate') or 'on_change'))
        except LabnetDockerError as exc:
            problems.append(exc.msg if exc.msg.startswith(where) else '%s: %s' % (where, exc.msg))
    for index, entry in enumerate(params.get('attachments') or []):
        where = _label('attachments', index, entry if isinstance(entry, dict) else {})
        try:
            values = _validated(entry, ATTACHMENT_ENTRY_ARGS, where)
            values['state'] = state
            topology.attachments.append(AttachmentEntry(index, attachment_from_params(values)))
        except LabnetDockerError as exc:
            problems.append(exc.msg if exc.msg.startswith(where) else '%s: %s' % (where, exc.msg))
    problems.extend(list_problems(topology))
    if problems:
        raise LabnetDockerError('; '.join(problems) + '; nothing was changed', problems=problems)
    return topology


def _overlaps(networks):
    """Pools of different entries that overlap, each named once against the pool that encloses it.

    Overlapping CIDR blocks are nested, so one pass over the pools sorted by address, with the
    blocks still open on a stack, finds them all (pairwise checks would be quadratic in N).
    """
    pools = sorted(((ipaddress.ip_network(pool['subnet']), entry, number)
                    for entry in networks for number, pool in enumerate(entry.spec.ipam_config or [])),
                   key=lambda item: (item[0].version, int(item[0].network_address), item[0].prefixlen))
    found = []
    enclosing = []
    for pool in pools:
        while enclosing and not (enclosing[-1][0].version == pool[0].version and pool[0].subnet_of(enclosing[-1][0])):
            enclosing.pop()
        if enclosing:
            first, second = sorted([enclosing[-1], pool], key=lambda item: (item[1].index, item[2]))
            found.append(((second[1].index, second[2]), 'networks[%d] (%s) ipam_config[%d].subnet %s overlaps subnet %s '
                          'of networks[%d] (%s)' % (second[1].index, second[1].spec.name, second[2], second[0],
                                                    first[0], first[1].index, first[1].spec.name)))
        enclosing.append(pool)
    return [text for dummy, text in sorted(found)]


def list_problems(topology):
    """What is wrong with the lists as a whole: repeated names, overlapping pools, one address twice."""
    problems = []
    seen = {}
    for entry in topology.networks:
        name = entry.spec.name
        if name in seen:
            problems.append('networks[%d] and networks[%d] both name network %s' % (seen[name], entry.index, name))
        seen.setdefault(name, entry.index)
    problems.extend(_overlaps(topology.networks))
    claimed = {}
    fixed = {}
    for entry in topology.attachments:
        attachment = entry.attachment
        for container in attachment.containers:
            key = (attachment.network, container)
            if key in claimed:
                problems.append('attachments[%d] and attachments[%d] both attach container %s to network %s'
                                % (claimed[key], entry.index, container, attachment.network))
            claimed.setdefault(key, entry.index)
        for address_field, address in attachment.fixed_addresses:
            key = (attachment.network, address)
            if key in fixed:
                problems.append('attachments[%d] and attachments[%d] both ask for %s %s on network %s'
                                % (fixed[key], entry.index, address_field, address, attachment.network))
            fixed.setdefault(key, entry.index)
    return problems
