# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab report drawn and written: a terminal table, Markdown with Mermaid, a Graphviz graph, one HTML page (pure).

Entry points, each taking the report dict of :func:`lab.report.lab_report`:

- :func:`lab_report_table` - the checks as a fixed-width text table for the terminal.
- :func:`lab_report_markdown` (report.md) and :func:`lab_report_mermaid` (its diagram).
- :func:`lab_dot` - a Graphviz graph, with the checks of :func:`lab.report.lab_pairs`;
  :func:`lab_html` - one self-contained page around the SVG Graphviz drew from it.
"""

from __future__ import annotations

import html

from ansible_collections.labnet.docker.plugins.module_utils.lab.report import cell_text, check_status


def _clip(text, width):
    return text if len(text) <= width else text[:width - 3] + '...'


def lab_report_table(report, width=48):
    """The checks as a fixed-width text table for the terminal; long cells are clipped."""
    several = len(report.get('hosts') or []) > 1
    header = (['host'] if several else []) + ['scenario', 'check', 'expected', 'observed', 'ok']
    rows = []
    for row in report.get('checks') or []:
        cells = [row['scenario'], _clip(row['check'], width + 12), _clip(row['expected'], width),
                 _clip(row['observed'], width), check_status(row)]
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
    return cell_text(text).replace('|', '\\|')


def _mermaid_label(text):
    return cell_text(text).replace('"', '#quot;')


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
                                                      row['observed'], '**FAIL**' if row['ok'] is False else check_status(row)]
        out.append('| ' + ' | '.join(_md(cell) if not cell.startswith('**') else cell for cell in cells) + ' |')
    return '\n'.join(out) + '\n'


def _id(*parts):
    return '-'.join(''.join(ch if ch.isalnum() or ch in '_.-' else '_' for ch in str(part)) for part in parts)


def _q(text):
    return '"%s"' % str(text).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def lab_dot(report, pairs_by_host):
    """A Graphviz graph: a cluster per host, networks as ellipses, containers as boxes, failing checks as red edges."""
    lines = ['digraph lab {', '  graph [rankdir=LR, fontname="sans-serif", bgcolor="white"];',
             '  node [fontname="sans-serif", fontsize=11]; edge [fontname="sans-serif", fontsize=9];']
    for h_index, machine in enumerate(report.get('hosts') or []):
        host = machine['host']
        pairs = (pairs_by_host or {}).get(host) or []
        lines.append('  subgraph cluster_%d { label=%s; id=%s; style=rounded; color="#888888";'
                     % (h_index, _q('host ' + host), _q(_id('host', host))))
        for net in machine['networks']:
            label = '%s\n%s\n%s' % (net['name'], net.get('driver') or '', ', '.join(net.get('subnets') or []))
            lines.append('    %s [id=%s, class="network", shape=ellipse, style=filled, fillcolor="#dde8f6", label=%s];'
                         % (_q('n:%s:%s' % (host, net['name'])), _q(_id('net', host, net['name'])), _q(label)))
        rows = [row for row in report.get('checks') or [] if row.get('host') == host]
        for ctr in machine['containers']:
            if pairs:
                mine = [p for p in pairs if ctr['name'] in (p['source'], p['target'])]
                label = '%s\n%s\nchecks: ' % (ctr['name'], ctr['network_mode'])
            else:  # checks of the tutorial's scenarios name no container: colour each by its scenario's checks
                mine = [row for row in rows if ctr.get('scenario') and row['scenario'] == ctr['scenario']]
                label = '%s\n%s\n%s checks: ' % (ctr['name'], ctr['network_mode'], ctr.get('scenario') or 'no')
            bad = any(not p['ok'] for p in mine)
            label += '%d ok, %d failed' % (len([p for p in mine if p['ok']]), len([p for p in mine if not p['ok']]))
            if ctr.get('ports'):
                label += '\n' + ', '.join(ctr['ports'])
            lines.append('    %s [id=%s, class=%s, shape=box, style="rounded,filled", fillcolor=%s, color=%s, label=%s];'
                         % (_q('c:%s:%s' % (host, ctr['name'])), _q(_id('ctr', host, ctr['name'])),
                            _q('container ' + ('fail' if bad else 'ok')), _q('#fde2e2' if bad else '#e3f5e1'),
                            _q('#c62828' if bad else '#2e7d32'), _q(label)))
            for entry in ctr['networks']:
                if ctr['network_mode'] in ('host', 'none'):
                    continue
                lines.append('    %s -> %s [dir=none, label=%s];' % (
                    _q('c:%s:%s' % (host, ctr['name'])), _q('n:%s:%s' % (host, entry['network'])),
                    _q(entry.get('ipv4_address') or '')))
            if ctr.get('shares_namespace_of'):
                lines.append('    %s -> %s [style=dotted, label="shares namespace"];'
                             % (_q('c:%s:%s' % (host, ctr['name'])), _q('c:%s:%s' % (host, ctr['shares_namespace_of']))))
        names = set(ctr['name'] for ctr in machine['containers'])
        for index, pair in enumerate(pairs):
            if pair['ok'] or pair['source'] not in names | {'host'}:
                continue
            source = 'c:%s:%s' % (host, pair['source']) if pair['source'] != 'host' else 'h:%s' % host
            if pair['source'] == 'host':
                lines.append('    %s [shape=house, label="host", id=%s];' % (_q(source), _q(_id('hostnode', host))))
            target = 'c:%s:%s' % (host, pair['target']) if pair['target'] in names else 'x:%s:%s' % (host, pair['target'])
            if pair['target'] not in names:
                lines.append('    %s [shape=plaintext, label=%s];' % (_q(target), _q(pair['target'])))
            lines.append('    %s -> %s [id=%s, class="check fail", color="#c62828", fontcolor="#c62828", penwidth=2.5, '
                         'constraint=false, label=%s];' % (_q(source), _q(target), _q(_id('fail', host, index)),
                                                           _q('FAIL ' + pair['check'][:60])))
        lines.append('  }')
    lines.append('}')
    return '\n'.join(lines) + '\n'


CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.25em .5em;font-size:13px;text-align:left}tr.ok td.result{background:#e3f5e1}
tr.fail td.result,tr.fail{background:#fde2e2}.summary{font-size:1.1em}.diagram svg{max-width:100%;height:auto}"""


def lab_html(report, svg, stats=None):
    """One self-contained page: summary, the inlined SVG diagram, networks, containers and every check."""
    esc = html.escape
    summary = report.get('summary') or {}
    out = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
           'img-src data:">',
           '<title>lab %s</title><style>%s</style></head><body>' % (esc(report.get('lab') or ''), CSS),
           '<h1>Lab %s</h1>' % esc(report.get('lab') or ''),
           '<p class="summary" id="summary">%s of %s checks passed, %s failed.</p>'
           % (summary.get('passed', 0), summary.get('checks', 0), summary.get('failed', 0))]
    for host, stat in sorted((stats or {}).items()):
        if not stat:
            continue
        out.append('<p class="matrix" id="%s">%s: matrix: auto ran %s probes in %.1f s</p>'
                   % (esc(_id('matrix', host)), esc(host), stat.get('probes', 0), float(stat.get('seconds') or 0)))
    svg_text = svg or ''
    if svg_text.startswith('<?xml'):
        svg_text = svg_text.split('?>', 1)[1]
    out.append('<div class="diagram" id="diagram">%s</div>' % svg_text)
    for machine in report.get('hosts') or []:
        out.append('<h2>Host %s</h2><table class="networks"><tr><th>network</th><th>driver</th><th>subnets</th>'
                   '<th>containers</th></tr>' % esc(machine['host']))
        for net in machine['networks']:
            members = ', '.join('%s %s' % (m['name'], m.get('ipv4_address') or '') for m in net['containers'])
            out.append('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>'
                       % (esc(net['name']), esc(net.get('driver') or ''), esc(', '.join(net.get('subnets') or [])),
                          esc(members)))
        out.append('</table><table class="containers"><tr><th>container</th><th>network mode</th><th>addresses</th>'
                   '<th>published</th></tr>')
        for ctr in machine['containers']:
            addresses = ', '.join('%s on %s' % (e.get('ipv4_address') or '-', e['network']) for e in ctr['networks'])
            out.append('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>'
                       % (esc(ctr['name']), esc(ctr['network_mode']), esc(addresses), esc(', '.join(ctr['ports']))))
        out.append('</table>')
    out.append('<h2>Checks</h2><table class="checks" id="checks"><tr><th>host</th><th>scenario</th><th>check</th>'
               '<th>expected</th><th>observed</th><th>result</th></tr>')
    for row in report.get('checks') or []:
        state = 'ok' if row['ok'] else 'fail'
        out.append('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="result">%s</td></tr>'
                   % (state, esc(row['host'] or ''), esc(row['scenario']), esc(row['check']), esc(row['expected']),
                      esc(row['observed']), 'ok' if row['ok'] else 'FAIL'))
    out.append('</table></body></html>')
    return '\n'.join(out) + '\n'
