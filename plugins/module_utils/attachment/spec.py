# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of labnet.docker.network_attachment, as a validated :class:`Attachment` (pure).

Entry points:

- :data:`ATTACHMENT_ARGS` - the module's argument spec (topology checks its ``attachments``
  entries against the same spec).
- :func:`attachment_from_params` - module-style parameters -> an :class:`Attachment`; raises on
  malformed values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ansible_collections.labnet.docker.plugins.module_utils.common.endpoint import (
    ENDPOINT_FIELDS, endpoint_args, normalize_endpoint)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.network.addresses import ADDRESS_FIELDS

# The options of labnet.docker.network_attachment (without the connection options); topology
# checks its ``attachments`` entries against the same spec.
ATTACHMENT_ARGS = dict(
    network=dict(type='str', required=True),
    container=dict(type='str'),
    containers=dict(type='list', elements='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    reconnect=dict(type='bool', default=True),
    force=dict(type='bool', default=False),
    **endpoint_args())


@dataclass
class Attachment:
    """One task: these containers on this network, with these endpoint settings."""
    network: str
    containers: list
    state: str = 'present'
    settings: dict = field(default_factory=dict)  # normalize_endpoint() output; absent keys are not compared
    reconnect: bool = True
    force: bool = False

    @property
    def fixed_addresses(self):
        return [(name, self.settings[name]) for name, dummy in ADDRESS_FIELDS if self.settings.get(name)]


def attachment_from_params(params):
    """An :class:`Attachment` from module parameters (``container`` and/or ``containers``)."""
    if not str(params.get('network') or '').strip():
        raise LabnetDockerError('network %r is not a network name or ID' % (params.get('network'),))
    refs = []
    for ref in ([params.get('container')] if params.get('container') else []) + list(params.get('containers') or []):
        text = str(ref).strip() if ref is not None else ''
        if not text:
            raise LabnetDockerError('containers: %r is not a container name or ID' % (ref,))
        if text not in refs:
            refs.append(text)
    if not refs:
        raise LabnetDockerError('give container or containers: the containers to attach to network %s'
                                % params.get('network'))
    for alias in params.get('aliases') or []:
        if not str(alias).strip():
            raise LabnetDockerError('aliases: %r is not a valid alias (empty)' % (alias,))
    settings = normalize_endpoint(dict((name, params.get(name)) for name in ENDPOINT_FIELDS))
    return Attachment(network=params['network'], containers=refs, state=params.get('state') or 'present',
                      settings=settings, reconnect=params.get('reconnect', True) is not False,
                      force=bool(params.get('force')))
