# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab report: per-host check rows, containers and networks in, one report dict out (pure).

The lab_report role gathers, per lab machine, the check rows the scenario roles
returned, the lab's containers (community.docker.docker_host_info, verbose) and
networks (labnet.docker.network_info); :func:`lab_report` turns that into one
report dict, written as report.json, and :mod:`lab.render` draws it.

Entry points:

- :func:`lab_report` - ``[{host, checks, containers, networks}]`` -> the report dict.
- :func:`lab_report_failure` - the failure message of a report with failing checks; :func:`lab_failure`
  one line naming a failing check.
- :func:`lab_pairs` - each check with its source and target container, for the picture.
- :func:`cell_text`, :func:`check_status` - how a value and a check's outcome are written in every rendering.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import (
    container_mode, container_name, container_networks, namespace_owner)
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, SCENARIO_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.lab.matrix import observed_from_inspect

CHECK_FIELDS = ('scenario', 'check', 'expected', 'observed', 'ok')


def cell_text(value):
    """A value as one line of a report cell: lists joined with commas, white space folded, None empty."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ', '.join(cell_text(item) for item in value)
    return ' '.join(str(value).split())


def _check_row(host, row):
    if not isinstance(row, dict) or any(field not in row for field in CHECK_FIELDS):
        raise LabnetDockerError('check %r from %s lacks one of the fields %s' % (row, host, ', '.join(CHECK_FIELDS)))
    ok = row['ok']
    if isinstance(ok, str):
        ok = None if ok.strip().lower() in ('', 'none') else ok.strip().lower() in ('true', 'yes', '1')
    # ok None: a check that could not run (check mode, nothing to probe yet); neither passed nor failed.
    return dict(host=host, scenario=cell_text(row['scenario']), check=cell_text(row['check']),
                expected=cell_text(row['expected']), observed=cell_text(row['observed']), ok=None if ok is None else bool(ok))


def check_status(row):
    """A check row's outcome as the renderings write it."""
    return 'not run' if row['ok'] is None else ('ok' if row['ok'] else 'FAIL')


def _containers(rows):
    by_id = dict((row.get('Id'), container_name(row)) for row in rows)
    result = []
    for row in sorted(rows, key=container_name):
        mode = ((row.get('HostConfig') or {}).get('NetworkMode')) or 'default'
        owner = ref = namespace_owner(mode)
        if ref is not None:
            owner = by_id.get(ref) or next((name for cid, name in by_id.items() if cid and cid.startswith(ref)), ref[:12])
            mode = container_mode(owner)
        networks = container_networks(row)
        ports = ['%s:%s->%s/%s' % (port.get('IP') or '0.0.0.0', port['PublicPort'], port.get('PrivatePort'), port.get('Type', 'tcp'))
                 for port in row.get('Ports') or [] if port.get('PublicPort') and ':' not in (port.get('IP') or '')]
        result.append(dict(
            name=container_name(row),
            scenario=(row.get('Labels') or {}).get(SCENARIO_LABEL),
            state=row.get('State'),
            network_mode=mode,
            shares_namespace_of=owner,
            networks=[dict(network=name, ipv4_address=(endpoint or {}).get('IPAddress') or None)
                      for name, endpoint in sorted(networks.items())],
            ports=sorted(set(ports)),
        ))
    return result


def _networks(inspected, containers, lab):
    used = set(entry['network'] for ctr in containers for entry in ctr['networks'])
    result = []
    for net in sorted(inspected, key=lambda item: item.get('Name') or ''):
        name = net.get('Name')
        ours = (net.get('Labels') or {}).get(LAB_LABEL) == lab
        if not ours and name not in used:
            continue
        members = [dict(name=ctr['name'], ipv4_address=entry['ipv4_address'])
                   for ctr in containers for entry in ctr['networks'] if entry['network'] == name]
        result.append(dict(
            name=name,
            driver=net.get('Driver'),
            scope=net.get('Scope'),
            subnets=[pool['Subnet'] for pool in ((net.get('IPAM') or {}).get('Config') or []) if pool.get('Subnet')],
            lab_network=ours,
            containers=members,
        ))
    return result


def _dropped(dropped):
    """``[{host, reason}]`` from host names, or from ``{host: result}`` with the result of the run's connection test."""
    if isinstance(dropped, dict):
        entries = sorted(dropped.items())
    else:
        entries = [(name, None) for name in dropped or []]
    result = []
    for host, reached in entries:
        reached = reached if isinstance(reached, dict) else {}
        if reached.get('unreachable'):
            # ansible-core 2.19 puts "Task failed: " before the connection's own message.
            message = cell_text(reached.get('msg'))
            reason = 'unreachable: %s' % (message[len('Task failed: '):] if message.startswith('Task failed: ') else message
                                          or 'no answer')
        else:
            reason = 'dropped out of the run before the report (a task failed there, or it was unreachable)'
        result.append(dict(host=cell_text(host), reason=reason))
    return result


def lab_report(hosts, lab, dropped=None):
    """One report from per-host data: ``[{host, checks, containers, networks}]`` -> report dict.

    ``dropped`` names the hosts of the play that did not get to the report (see :func:`_dropped`); they are listed
    in ``dropped_hosts`` and are not failures of the report: Ansible's own result already says they failed.
    """
    checks = []
    machines = []
    for entry in hosts or []:
        host = entry.get('host')
        checks.extend(_check_row(host, row) for row in entry.get('checks') or [])
        containers = _containers(entry.get('containers') or [])
        machines.append(dict(host=host, containers=containers,
                             networks=_networks(entry.get('networks') or [], containers, lab)))
    failed = [row for row in checks if row['ok'] is False]
    not_run = [row for row in checks if row['ok'] is None]
    return dict(lab=lab, summary=dict(checks=len(checks), passed=len(checks) - len(failed) - len(not_run),
                                      failed=len(failed), not_run=len(not_run)),
                failed=['%s: %s / %s (expected %s, observed %s)' % (row['host'], row['scenario'], row['check'],
                                                                    row['expected'], row['observed'] or 'nothing')
                        for row in failed],
                checks=checks, hosts=machines, dropped_hosts=_dropped(dropped))


def lab_report_failure(report):
    """The failure message of a report with failing checks (lab_report and every scenario role use it)."""
    summary = report.get('summary') or {}
    failed = '; '.join(report.get('failed') or [])
    return '%s of %s lab checks failed: %s' % (summary.get('failed', 0), summary.get('checks', 0), failed)


def lab_pairs(plan, rows, inspected):
    """Each check with its source and target container (by address or name), for the picture."""
    owner_of = {}
    for name, seen in observed_from_inspect(inspected).items():
        owner_of[name] = name
        for address in seen['addresses']:
            owner_of.setdefault(address['address'], name)
    pairs = []
    for item, row in zip(plan, rows):
        probe = item['probe']
        target = probe.get('to')
        pairs.append(dict(source=probe.get('from'), target=owner_of.get(target, target), check=row['check'],
                          ok=row['ok']))
    return pairs


def lab_failure(row):
    """One line naming a failing check: the pair, what was expected and what was observed."""
    return '%s (expected %s, observed %s)' % (row['check'], row['expected'], row['observed'] or 'nothing')
