# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the labnet.docker.lab role: plan a lab file, derive its matrix, draw and render its report (pure)."""

from __future__ import annotations

import html

from ansible.errors import AnsibleFilterError

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.matrix import derive_matrix, observed_from_inspect
from ansible_collections.labnet.docker.plugins.module_utils.lab.spec import lab_plan as _lab_plan


def lab_plan(definition, lab, prefix=''):
    try:
        return _lab_plan(definition, lab, prefix or '')
    except LabnetDockerError as exc:
        raise AnsibleFilterError(str(exc))


def lab_matrix(lab, inspected, host_address=None):
    if not lab.get('matrix'):
        return []
    return derive_matrix(lab, observed_from_inspect(inspected), host_address or None)


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


class FilterModule:
    def filters(self):
        return {'lab_plan': lab_plan, 'lab_matrix': lab_matrix, 'lab_pairs': lab_pairs, 'lab_dot': lab_dot,
                'lab_html': lab_html, 'lab_failure': lab_failure}
