# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finishing a change that a run left half-done, from its journal (common/journal.py).

Entry points:

- :func:`recover` - for networks a task is about to touch: finish every abandoned
  change (create the network if it is missing, connect every recorded endpoint
  that is not connected), remove the journal; returns ``recovered`` entries and
  warnings. Waits a while for a journal whose owner still runs. Check mode only reports.
- :func:`settle` - after a step of a journalled change failed: finish it from its journal
  if that can be done, and return the error to raise.
- :func:`finish` - complete one interrupted change.
- :func:`resolve_duplicates` - after a create: keep the oldest network of that name and remove the
  others that have no endpoints (concurrent creates the daemon let through).
"""

from __future__ import annotations

import time

from ansible_collections.labnet.docker.plugins.module_utils.common import journal
from ansible_collections.labnet.docker.plugins.module_utils.common.changes import ChangeTracker
from ansible_collections.labnet.docker.plugins.module_utils.common.containers import container_name, live_endpoint
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError

WAIT_FOR_OWNER = 60  # how long a task waits for a live owner to finish before it gives up


def resolve_duplicates(api, name, tracker, warnings):
    """After a create: keep one network of that name (oldest), remove the others without endpoints."""
    # Only after a create (see _current_network for why these are imported here).
    from ansible_collections.labnet.docker.plugins.module_utils.network.plan import choose_network
    from ansible_collections.labnet.docker.plugins.module_utils.network.read import attached_containers
    rows = api.list_networks(filters={'name': [name]})
    kept, duplicates = choose_network(rows, name)
    for row in duplicates:
        containers = attached_containers(api, row['Id'])
        if containers:
            warnings.append('another network named %s (%s) appeared at the same time and has attached containers '
                            '(%s); it was left alone' % (name, row['Id'][:12], ', '.join(containers)))
            continue
        refused = api.remove_unused_network(row['Id'])
        if refused == 'it no longer exists':  # the other client removed it: it lost the same race
            continue
        if refused:
            warnings.append('another network named %s (%s) appeared at the same time; removing it failed: %s'
                            % (name, row['Id'][:12], refused))
            continue
        tracker.act('remove_duplicate', network=name, id=row['Id'], kept=kept['Id'])
        warnings.append('network %s was created concurrently by another client; kept %s (the oldest), removed '
                        'duplicate %s' % (name, kept['Id'][:12], row['Id'][:12]))
    return kept['Id'] if kept else None


def _matches(record, refs):
    return any(ref and (ref == record['network'] or (record.get('network_id') or '').startswith(ref)) for ref in refs)


def _wait_for_owner(api, record):
    """Wait while a live run holds the journal; True once it is gone, False when the run is abandoned."""
    deadline = time.monotonic() + WAIT_FOR_OWNER
    while time.monotonic() < deadline:
        if api.inspect_network(record['journal_id']) is None:
            return True
        if journal.abandoned(record):
            return False
        time.sleep(0.5)
    raise journal.busy(record)


def recover(api, refs, check_mode=False, rows=None):
    """Finish every interrupted change of the networks ``refs`` name (names or IDs); returns (recovered, warnings).

    ``rows`` is a listing of networks to reuse.
    """
    refs = [ref for ref in refs if ref]
    recovered, warnings = [], []
    for record in journal.journals(api, rows):
        if not _matches(record, refs):
            continue
        if not journal.abandoned(record) and _wait_for_owner(api, record):
            continue
        entry = finish(api, record, check_mode)
        recovered.append(entry)
        owner = record.get('owner') or {}
        warnings.append('network %s had an interrupted %s (journal %s, started at %s by process %s on %s)%s: %s'
                        % (record['network'], record.get('operation'), record['journal'],
                           time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(float(record.get('started') or 0))),
                           owner.get('pid'), owner.get('host'), ' (check mode: not yet done)' if check_mode else '',
                           '; '.join(_say(action) for action in entry['actions']) or 'nothing was left to do'))
    return recovered, warnings


def _say(action):
    if action['action'] == 'create':
        return 'created network %s' % action['network']
    if action['action'] == 'connect':
        return 'reconnected %s' % action['container']
    if action['action'] == 'skip':
        return 'skipped %s (%s)' % (action['container'], action['reason'])
    return 'removed journal %s' % action['journal']


def _current_network(api, name):
    # Imported here, not at the top: the planner (network.plan with spec, pools, options, driver options) is what
    # only a create or a journal's finishing needs, and every no-change run of prune and attachment imports this
    # file for recover(), which finds no journal (issue 31: the collection's own import time per run).
    from ansible_collections.labnet.docker.plugins.module_utils.network.plan import choose_network
    return choose_network(api.list_networks(filters={'name': [name]}), name)[0]


def _connected(record, network):
    return live_endpoint(record, network) is not None


def finish(api, record, check_mode=False):
    """Complete one interrupted change (see the module docstring); returns the ``recovered`` entry."""
    name = record['network']
    actions = []
    entry = dict(network=name, journal=record['journal'], operation=record.get('operation'),
                 started=record.get('started'), owner=record.get('owner'), actions=actions)
    if record.get('broken'):
        raise LabnetDockerError('journal %s of network %s cannot be read (its %s label is not a journal record); '
                                'remove it by hand once the network is as it should be'
                                % (record['journal'], name, journal.RECORD_LABEL))
    network = _current_network(api, name)
    if not check_mode and api.inspect_network(record['journal_id']) is None:
        return entry  # a concurrent run finished it meanwhile
    if network is None and record.get('create'):
        actions.append(dict(action='create', network=name))
        if not check_mode:
            try:
                created = api.create_network(record['create'])
            except LabnetDockerError:
                # A concurrent recoverer created it first, and the daemon refused this create for the name
                # (API 1.44+) or for the pools it now holds ("Pool overlaps"): go on with that network.
                created = None
                if _current_network(api, name) is None:
                    raise
            kept = resolve_duplicates(api, name, ChangeTracker(), []) or created  # a concurrent recoverer's may win
            network = api.inspect_network(kept) if kept else None
    failures = []
    for endpoint in record.get('endpoints') or []:
        container = api.inspect_container(endpoint['id'])
        if not check_mode and api.inspect_network(record['journal_id']) is None:
            break  # a concurrent run finished it (and may be making its own change now): leave the rest to it
        if container is None:
            actions.append(dict(action='skip', network=name, container=endpoint['container'],
                                reason='the container no longer exists'))
            continue
        if network is not None and _connected(container, network):
            continue
        actions.append(dict(action='connect', network=name, container=container_name(container),
                            endpoint=endpoint.get('config') or {}))
        if check_mode or network is None:
            continue
        try:
            api.connect(network['Id'], endpoint['id'], endpoint.get('config') or {})
        except LabnetDockerError as exc:
            fresh = api.inspect_container(endpoint['id'])
            if not (fresh and _connected(fresh, network)):  # connected meanwhile by a concurrent recoverer: fine
                failures.append('%s: %s' % (endpoint['container'], exc.msg))
    if network is None and not check_mode and any(action['action'] == 'connect' for action in actions):
        failures.append('network %s no longer exists and the journal cannot re-create it' % name)
    if failures:
        raise LabnetDockerError('network %s had an interrupted %s (journal %s); finishing it failed: %s; the journal '
                                'is kept for the next run' % (name, record.get('operation'), record['journal'],
                                                              '; '.join(failures)), recovered=[entry])
    actions.append(dict(action='remove_journal', network=name, journal=record['journal']))
    if not check_mode:
        api.remove_network(record['journal_id'])
    return entry


def settle(api, journal_id, exc):
    """The error to raise after step ``exc`` failed: the change is finished from its journal first, if it can be.

    The executors undo what they can themselves; this reconnects whatever the journal still
    misses and drops the journal. When even that fails the journal stays for the next run.
    """
    if not journal_id:
        return exc
    try:
        record = [found for found in journal.journals(api) if found['journal_id'] == journal_id]
        if record:
            finish(api, record[0])
    except LabnetDockerError as again:
        return LabnetDockerError('%s; the journal of this change is kept and the next run finishes it (%s)'
                                 % (exc.msg, again.msg), **exc.details)
    return exc
