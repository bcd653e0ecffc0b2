# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab report: checks and topology in, a terminal table and Markdown with Mermaid out (pure).

The lab_report role gathers, per lab machine, the check rows the scenario roles
returned, the lab's containers (community.docker.docker_host_info, verbose) and
networks (labnet.docker.network_info); :func:`lab_report` turns that into one
report dict, written as report.json, and the other filters render it.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

CHECK_FIELDS = ('scenario', 'check', 'expected', 'observed', 'ok')


def _text(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (list, tuple)):
        return ', '.join(_text(item) for item in value)
    return ' '.join(str(value).split())


def _check_row(host, row):
    if not isinstance(row, dict) or any(field not in row for field in CHECK_FIELDS):
        raise AnsibleFilterError('check %r from %s lacks one of the fields %s' % (row, host, ', '.join(CHECK_FIELDS)))
    ok = row['ok']
    if isinstance(ok, str):
        ok = None if ok.strip().lower() in ('', 'none') else ok.strip().lower() in ('true', 'yes', '1')
    # ok None: a check that could not run (check mode, nothing to probe yet); neither passed nor failed.
    return dict(host=host, scenario=_text(row['scenario']), check=_text(row['check']),
                expected=_text(row['expected']), observed=_text(row['observed']), ok=None if ok is None else bool(ok))


def _status(row):
    return 'not run' if row['ok'] is None else ('ok' if row['ok'] else 'FAIL')


def _container_name(row):
    names = row.get('Names') or [row.get('Name') or row.get('Id', '')[:12]]
    return names[0].lstrip('/')


def _containers(rows):
    by_id = dict((row.get('Id'), _container_name(row)) for row in rows)
    result = []
    for row in sorted(rows, key=_container_name):
        mode = ((row.get('HostConfig') or {}).get('NetworkMode')) or 'default'
        owner = None
        if mode.startswith('container:'):
            ref = mode.split(':', 1)[1]
            owner = by_id.get(ref) or next((name for cid, name in by_id.items() if cid and cid.startswith(ref)), ref[:12])
            mode = 'container:' + owner
        networks = (row.get('NetworkSettings') or {}).get('Networks') or {}
        ports = ['%s:%s->%s/%s' % (port.get('IP') or '0.0.0.0', port['PublicPort'], port.get('PrivatePort'), port.get('Type', 'tcp'))
                 for port in row.get('Ports') or [] if port.get('PublicPort') and ':' not in (port.get('IP') or '')]
        result.append(dict(
            name=_container_name(row),
            scenario=(row.get('Labels') or {}).get('labnet.docker.scenario'),
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
        ours = (net.get('Labels') or {}).get('labnet.docker.lab') == lab
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
            message = _text(reached.get('msg'))
            reason = 'unreachable: %s' % (message[len('Task failed: '):] if message.startswith('Task failed: ') else message
                                          or 'no answer')
        else:
            reason = 'dropped out of the run before the report (a task failed there, or it was unreachable)'
        result.append(dict(host=_text(host), reason=reason))
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


def _clip(text, width):
    return text if len(text) <= width else text[:width - 3] + '...'


def lab_report_table(report, width=48):
    """The checks as a fixed-width text table for the terminal; long cells are clipped."""
    several = len(report.get('hosts') or []) > 1
    header = (['host'] if several else []) + ['scenario', 'check', 'expected', 'observed', 'ok']
    rows = []
    for row in report.get('checks') or []:
        cells = [row['scenario'], _clip(row['check'], width + 12), _clip(row['expected'], width),
                 _clip(row['observed'], width), _status(row)]
        rows.append(([row['host']] if several else []) + cells)
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(len(header))]
    rule = '+-' + '-+-'.join('-' * w for w in widths) + '-+'

    def line(cells):
        return '| ' + ' | '.join(cell.ljust(w) for cell, w in zip(cells, widths)) + ' |'

    summary = report.get('summary') or {}
    lines = [rule, line(header), rule] + [line(row) for row in rows] + [rule]
    lines.append('%s of %s checks passed' % (summary.get('passed', 0), summary.get('checks', 0))
                 + (', %s not run' % summary['not_run'] if summary.get('not_run') else ''))
    lines.extend(_dropped_lines(report))
    return '\n'.join(lines)


def _dropped_lines(report):
    return ['%s is not in this report: %s' % (entry['host'], entry['reason']) for entry in report.get('dropped_hosts') or []]


def _md(text):
    return _text(text).replace('|', '\\|')


def _mermaid_label(text):
    return _text(text).replace('"', '#quot;')


def lab_report_mermaid(report):
    """A Mermaid flowchart: one subgraph per lab machine, networks as cylinders, containers as boxes."""
    lines = ['flowchart LR']
    for h_index, machine in enumerate(report.get('hosts') or []):
        prefix = 'h%d' % h_index
        lines.append('  subgraph %s["%s"]' % (prefix, _mermaid_label(machine['host'])))
        net_ids = {}
        for n_index, net in enumerate(machine['networks']):
            net_ids[net['name']] = '%s_n%d' % (prefix, n_index)
            detail = ', '.join(net['subnets']) or 'driver %s' % (net['driver'] or '?')
            lines.append('    %s[("%s<br/>%s")]' % (net_ids[net['name']], _mermaid_label(net['name']), _mermaid_label(detail)))
        ctr_ids = {}
        for c_index, ctr in enumerate(machine['containers']):
            ctr_ids[ctr['name']] = '%s_c%d' % (prefix, c_index)
            extra = '<br/>' + _mermaid_label(', '.join(ctr['ports'])) if ctr['ports'] else ''
            lines.append('    %s["%s%s"]' % (ctr_ids[ctr['name']], _mermaid_label(ctr['name']), extra))
        for ctr in machine['containers']:
            for entry in ctr['networks']:
                if entry['network'] not in net_ids:
                    continue
                label = '|"%s"|' % _mermaid_label(entry['ipv4_address']) if entry['ipv4_address'] else ''
                lines.append('    %s ---%s %s' % (net_ids[entry['network']], label, ctr_ids[ctr['name']]))
            owner = ctr.get('shares_namespace_of')
            if owner in ctr_ids:
                lines.append('    %s -.->|"shares network namespace"| %s' % (ctr_ids[ctr['name']], ctr_ids[owner]))
        lines.append('  end')
    return '\n'.join(lines)


def lab_report_markdown(report):
    """report.md: summary, the Mermaid diagram, the networks and every check."""
    summary = report.get('summary') or {}
    several = len(report.get('hosts') or []) > 1
    out = ['# Lab report: %s' % report.get('lab'), '']
    if summary.get('failed'):
        out.append('**%s of %s checks failed.**' % (summary['failed'], summary.get('checks', 0)))
        out.append('')
        out.extend('- %s' % _md(text) for text in report.get('failed') or [])
    elif summary.get('not_run'):
        counts = (summary.get('passed', 0), summary.get('checks', 0), summary['not_run'])
        out.append('%s of %s checks passed; %s not run.' % counts)
    else:
        out.append('All %s checks passed.' % summary.get('checks', 0))
    dropped = _dropped_lines(report)
    if dropped:
        out.append('')
        out.extend('- **%s**' % _md(text) for text in dropped)
    out += ['', '## Networks and containers', '', '```mermaid', lab_report_mermaid(report), '```', '']
    out += ['| host | network | driver | subnets | containers |', '| --- | --- | --- | --- | --- |']
    for machine in report.get('hosts') or []:
        for net in machine['networks']:
            members = ', '.join('%s (%s)' % (m['name'], m['ipv4_address']) if m['ipv4_address'] else m['name']
                                for m in net['containers'])
            cells = (machine['host'], net['name'], net['driver'], ', '.join(net['subnets']), members)
            out.append('| %s |' % ' | '.join(_md(cell) for cell in cells))
        for ctr in machine['containers']:
            if ctr['shares_namespace_of']:
                out.append('| %s | %s | container | - | %s |' % (_md(machine['host']), _md(ctr['network_mode']), _md(ctr['name'])))
    head = (['host'] if several else []) + ['scenario', 'check', 'expected', 'observed', 'ok']
    out += ['', '## Checks', '', '| ' + ' | '.join(head) + ' |', '|' + ' --- |' * len(head)]
    for row in report.get('checks') or []:
        cells = ([row['host']] if several else []) + [row['scenario'], row['check'], row['expected'],
                                                      row['observed'], '**FAIL**' if row['ok'] is False else _status(row)]
        out.append('| ' + ' | '.join(_md(cell) if not cell.startswith('**') else cell for cell in cells) + ' |')
    return '\n'.join(out) + '\n'


class FilterModule:
    def filters(self):
        return {
            'lab_report': lab_report,
            'lab_report_table': lab_report_table,
            'lab_report_markdown': lab_report_markdown,
            'lab_report_mermaid': lab_report_mermaid,
            'lab_report_failure': lab_report_failure,
        }
