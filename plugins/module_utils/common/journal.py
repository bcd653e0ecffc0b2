# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal of in-flight multi-step changes: its records, where they live, and the lock it is.

A network re-create (disconnect all, remove, create, reconnect all) and an attachment
reconnect (disconnect, connect) are several writes. Before the first one the executor
writes a journal: what is needed to finish the change - the body the network is
(re)created with, the old settings, and the EndpointConfig of every endpoint to put
back. After the last write the journal is removed. A run that dies in between leaves it.

Where it lives: on the engine itself, as a config-only network named
``<network>.labnet-journal`` whose labels carry the record. So it survives the module's
death and a daemon restart (the daemon persists networks), every controller managing the
engine sees it, it reserves no address pool and takes no containers, and its
``labnet.docker.journal`` label (never the managed label) keeps it apart from user
networks: topology's purge and network_prune never remove it.

Entry points:

- :func:`begin` - write a journal (``record`` from :func:`recreate_record` or
  :func:`reconnect_record`); raises ``busy`` when a live run already holds one for
  that network (creating the journal is the lock).
- :func:`end` - remove it after the last write.
- :func:`journals` / :func:`summary` - what network_info and network_prune report;
  :func:`abandoned` - whether a journal's writer is gone.

Finishing an interrupted change (recover, settle) is network/recovery.py: it needs the
planners, which what only reads journals (network_info) should not have to load.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

JOURNAL_LABEL = 'labnet.docker.journal'  # value: the name of the network being changed
RECORD_LABEL = 'labnet.docker.journal.record'  # value: the record, as JSON
SUFFIX = '.labnet-journal'
FORMAT = 1
# A journal written on another machine (or in another container) cannot be checked for a live
# owner; it counts as abandoned once it is this old. No change this collection makes takes that long.
FOREIGN_STALE_AFTER = 300


def journal_name(network):
    return network + SUFFIX


def _boot_id():
    try:
        with open('/proc/sys/kernel/random/boot_id') as handle:
            return handle.read().strip()
    except OSError:
        return ''


def _process_start(pid):
    """The start time of process ``pid`` in clock ticks since boot (None when there is no such process)."""
    try:
        with open('/proc/%d/stat' % int(pid)) as handle:
            return handle.read().rsplit(')', 1)[1].split()[19]
    except (OSError, IndexError, ValueError):
        return None


# This module run. A process is not one run where the interpreter stays warm between tasks (Mitogen runs every
# task's module in one long-lived Python, one at a time, and imports this file anew for each run): a journal left
# by an earlier task of that same process has a live pid, but its run is over.
RUN = uuid.uuid4().hex


def current_owner():
    pid = os.getpid()
    return dict(host=socket.gethostname(), boot=_boot_id(), pid=pid, start=_process_start(pid), run=RUN)


def owner_alive(owner, here=None):
    """True or False when the owner ran on this machine (same host name and boot); None when that cannot be told."""
    here = here or current_owner()
    if not owner or owner.get('host') != here['host'] or not owner.get('boot') or owner.get('boot') != here['boot']:
        return None
    if owner.get('start') is None or _process_start(owner.get('pid') or 0) != owner.get('start'):
        return False
    # The same process: alive only while it is still the run that wrote it (a record without ``run`` predates it).
    same_process = owner.get('pid') == here.get('pid') and owner.get('start') == here.get('start')
    return not (same_process and owner.get('run') and here.get('run') and owner['run'] != here['run'])


def abandoned(record, now=None, here=None):
    """Whether the run that wrote ``record`` is gone (so its change is to be finished by whoever comes next)."""
    alive = owner_alive(record.get('owner'), here)
    if alive is None:
        return (now or time.time()) - float(record.get('started') or 0) > FOREIGN_STALE_AFTER
    return not alive


def recreate_record(network, network_id, body, restore, endpoints):
    """The journal of a network re-create. ``endpoints``: [{'container', 'id', 'config'}] (EndpointConfig)."""
    return dict(format=FORMAT, operation='recreate', network=network, network_id=network_id, create=body,
                restore=restore, endpoints=endpoints)


def reconnect_record(network, network_id, endpoints):
    """The journal of attachment reconnects: each endpoint's previous EndpointConfig, to put back."""
    return dict(format=FORMAT, operation='reconnect', network=network, network_id=network_id, create=None,
                endpoints=endpoints)


def parse(row):
    """The record a journal network's labels carry, with ``journal`` (name) and ``journal_id``; None if not one."""
    labels = row.get('Labels') or {}
    if JOURNAL_LABEL not in labels or not row.get('Name', '').endswith(SUFFIX):
        return None
    try:
        record = json.loads(labels.get(RECORD_LABEL) or '')
    except ValueError:
        record = None
    if not isinstance(record, dict):
        record = dict(operation='unknown', endpoints=[], broken=True)
    record.update(journal=row['Name'], journal_id=row['Id'], network=labels[JOURNAL_LABEL],
                  journal_created=row.get('Created'))
    return record


def journals(api, rows=None):
    """Every journal on the daemon, oldest first (from ``rows`` when a listing is at hand)."""
    rows = api.list_networks(filters={'label': [JOURNAL_LABEL]}) if rows is None else rows
    found = [parse(row) for row in rows]
    return sorted((record for record in found if record),
                  key=lambda record: (record.get('journal_created') or '', record['journal_id']))


def summary(record, now=None):
    """A journal as network_info reports it."""
    return dict(journal=record['journal'], id=record['journal_id'], network=record['network'],
                network_id=record.get('network_id'), operation=record.get('operation'),
                started=record.get('started'), owner=record.get('owner'),
                abandoned=abandoned(record, now), endpoints=[e.get('container') for e in record.get('endpoints') or []])


def busy(record, msg=None):
    owner = record.get('owner') or {}
    return LabnetDockerError(msg or 'network %s is being changed by another run (process %s on %s, journal %s); '
                             'nothing was changed, try again when it has finished'
                             % (record['network'], owner.get('pid'), owner.get('host'), record['journal']),
                             busy=True, journal=record['journal'])


def begin(api, record):
    """Write ``record`` as the journal of its network; returns the journal's ID. Raises (busy) when one exists."""
    name = record['network']
    record = dict(record, owner=current_owner(), started=round(time.time(), 3))
    body = dict(Name=journal_name(name), CheckDuplicate=True, ConfigOnly=True,
                Labels={JOURNAL_LABEL: name, RECORD_LABEL: json.dumps(record, sort_keys=True)})
    try:
        journal_id = api.create_network(body)
    except LabnetDockerError as exc:
        if 'already exists' not in exc.msg:
            raise
        others = [other for other in journals(api) if other['network'] == name]
        if not others:
            raise LabnetDockerError('network %s exists and is not a labnet.docker journal (it has no %s label), but '
                                    'the collection keeps the journal of network %s under that name; rename or remove '
                                    'it; nothing was changed' % (body['Name'], JOURNAL_LABEL, name))
        raise busy(others[0])
    # Daemons before API 1.44 may let two creates of one name through at once: the oldest journal holds the lock.
    mine = [other for other in journals(api) if other['network'] == name]
    if mine and mine[0]['journal_id'] != journal_id:
        api.remove_network(journal_id)
        raise busy(mine[0])
    return journal_id


def end(api, journal_id):
    if journal_id:
        api.remove_network(journal_id)


def endpoint_record(container, container_id, config):
    return dict(container=container, id=container_id, config=config)


def is_journal(row):
    return parse(row) is not None
