"""Medians, ratios, the issue's targets, and the results as JSON and Markdown (pure)."""

from __future__ import annotations

import statistics

PHASES = ('converge', 'rerun', 'teardown')
PHASE_TITLES = {'converge': 'converge from empty', 'rerun': 're-run, nothing to change', 'teardown': 'teardown'}


def _median(values):
    return statistics.median(values) if values else None


def _ratio(value, base):
    if value is None or not base:
        return None
    return value / base


def summarise(samples, n, keys):
    """One row per (variant, phase) measured at size ``n``: medians and ratios to (a) and (c)."""
    medians = {}
    for key in keys:
        for phase in PHASES:
            runs = samples.get((n, key, phase)) or []
            medians[(key, phase)] = _median([run['seconds'] for run in runs])
    rows = []
    for key in keys:
        for phase in PHASES:
            runs = samples.get((n, key, phase)) or []
            if not runs:
                continue
            median = medians[(key, phase)]
            rows.append(dict(
                variant=key, phase=phase, n=n,
                median_s=median,
                runs_s=[run['seconds'] for run in runs],
                wall_median_s=_median([run['wall'] for run in runs]),
                per_network_ms=median * 1000.0 / n,
                changed=[run['changed'] for run in runs],
                ratio_to_a=_ratio(median, medians.get(('a', phase))),
                ratio_to_c=_ratio(median, medians.get(('c', phase))),
                tasks=_task_medians(runs),
            ))
    return rows


def _task_medians(runs):
    """For playbook variants: each task's median duration and its cost per loop item (one module run)."""
    if not runs or 'tasks' not in runs[0]:
        return []
    tasks = []
    for index, task in enumerate(runs[0]['tasks']):
        median = _median([run['tasks'][index]['seconds'] for run in runs if len(run['tasks']) > index])
        tasks.append(dict(name=task['name'], items=task['items'], median_s=median,
                          per_item_ms=median * 1000.0 / max(task['items'], 1)))
    return tasks


def scale_rows(samples, sizes, keys):
    """How each of ``keys`` grows with N: medians per (n, variant, phase)."""
    rows = []
    for n in sizes:
        for key in keys:
            for phase in PHASES:
                runs = samples.get((n, key, phase)) or []
                if runs:
                    median = _median([run['seconds'] for run in runs])
                    rows.append(dict(n=n, variant=key, phase=phase, median_s=median, per_network_ms=median * 1000.0 / n,
                                     runs_s=[run['seconds'] for run in runs]))
    return rows


def targets(rows, n):
    """The targets of issue 8, each with the measured value, its limit and whether it is met."""
    found = dict(((row['variant'], row['phase']), row['median_s']) for row in rows)
    checks = []
    for phase in ('converge', 'teardown'):
        e, a = found.get(('e', phase)), found.get(('a', phase))
        if e is not None and a is not None:
            limit = 1.3 * a + 1.0
            checks.append(dict(target='(e) %s <= 1.3 x (a) + 1 s' % phase, value=e, limit=limit, met=e <= limit))
    e = found.get(('e', 'rerun'))
    if e is not None:
        checks.append(dict(target='(e) no-change re-run <= 1.5 s at N=100 (measured at N=%d)' % n,
                           value=e, limit=1.5, met=e <= 1.5))
    d, c = found.get(('d', 'rerun')), found.get(('c', 'rerun'))
    if d is not None and c is not None:
        checks.append(dict(target='(d) per-network no-change cost <= (c) (s per network)', value=d / n, limit=c / n,
                           met=d <= c))
    return checks


PROBE_FLOORS = {'module': 'exec', 'module-serial': 'exec-serial'}
PROBE_TARGET_S = 15.0


def probe_summary(section):
    """The probe rows: medians, each module row's ratio to its docker exec floor, the speed-up, the target."""
    samples = section.get('samples') or {}
    medians = dict((key, _median([run['seconds'] for run in runs])) for key, runs in samples.items())
    n = section.get('n') or 0
    rows = []
    for key, runs in samples.items():
        floor = PROBE_FLOORS.get(key)
        rows.append(dict(
            key=key, title=section['titles'].get(key, key), median_s=medians[key],
            runs_s=[run['seconds'] for run in runs], wall_median_s=_median([run['wall'] for run in runs]),
            per_probe_ms=medians[key] * 1000.0 / n if n else None,
            floor=floor, ratio_to_floor=_ratio(medians[key], medians.get(floor)),
        ))
    targets = []
    parallel, serial = medians.get('module'), medians.get('module-serial')
    if parallel is not None:
        targets.append(dict(target='network_probe, %d probes (half unreachable, %d s timeout) <= %d s at the '
                                   'default parallel=%d (issue: at 100 probes)'
                                   % (n, section['timeout'], PROBE_TARGET_S, section['parallel']),
                            value=parallel, limit=PROBE_TARGET_S, met=parallel <= PROBE_TARGET_S))
    summary = dict((key, value) for key, value in section.items() if key not in ('samples', 'errors'))
    summary.update(rows=rows, targets=targets, speedup=_ratio(serial, parallel))
    return summary


def probe_markdown(section):
    """The probe rows as Markdown lines."""
    lines, measured = _heading('Probes (network_probe against a docker exec loop)', section)
    if not measured:
        return lines
    lines += ['%d probes, %d expected unreachable (each waits out its %d s timeout), between the bench\'s containers. '
              'For network_probe the figure is the play\'s own duration; for the docker exec loops the whole call.'
              % (section['n'], section['n'] // 2, section['timeout']), '',
              '| way | median s | x its floor | ms / probe | incl. start s |', '| --- | ---: | ---: | ---: | ---: |']
    for row in section['rows']:
        floor = '-' if row['floor'] is None else '%s (%s)' % (_ratio_text(row['ratio_to_floor']), row['floor'])
        cells = (row['key'], row['title'], _fmt(row['median_s'], 3), floor, _fmt(row['per_probe_ms'], 1),
                 _fmt(row['wall_median_s'], 2))
        lines.append('| %s: %s | %s | %s | %s | %s |' % cells)
    lines += ['', 'Parallel speed-up (parallel=1 / default): %s x.' % _ratio_text(section.get('speedup'))]
    for check in section['targets']:
        lines += ['', 'Target: %s: measured %s s, %s.' % (check['target'], _fmt(check['value'], 3),
                                                          'met' if check['met'] else 'NOT met')]
    return lines


STARTUP_TARGET = 1.2
STARTUP_BASE = 'ansible.builtin.ping'
STARTUP_JUDGED = ('labnet.docker.network_info', 'labnet.docker.network')


def startup_summary(section):
    """Per task: the median cost of one loop item (ms) and its ratio to ping's; the 1.2 x target."""
    samples = section.get('samples') or []
    rows = []
    for name in section.get('tasks') or []:
        costs = [sample[name] for sample in samples if name in sample]
        if costs:
            rows.append(dict(task=name, median_ms=_median(costs), runs_ms=costs))
    # The ratio is taken in each play (the same minutes of a shared machine's load), then the median.
    for row in rows:
        row['ratio_to_ping'] = _median([_ratio(sample[row['task']], sample.get(STARTUP_BASE)) for sample in samples
                                        if sample.get(STARTUP_BASE) and row['task'] in sample])
    targets = [dict(target='%s no-change run <= %.1f x ansible.builtin.ping per loop item' % (row['task'], STARTUP_TARGET),
                    value=row['ratio_to_ping'], limit=STARTUP_TARGET, met=row['ratio_to_ping'] <= STARTUP_TARGET)
               for row in rows if row['task'] in STARTUP_JUDGED and row['ratio_to_ping'] is not None]
    summary = dict((key, value) for key, value in section.items() if key not in ('samples', 'errors'))
    summary.update(rows=rows, targets=targets)
    return summary


def _target_lines(section):
    """A section's targets as Markdown lines: each with its measured ratio, met or not."""
    lines = []
    for check in section['targets']:
        lines += ['', 'Target: %s: measured %s x, %s.' % (check['target'], _ratio_text(check['value']),
                                                          'met' if check['met'] else 'NOT met')]
    return lines


def _table_section(section, title, intro, columns, cells):
    """A measured section as Markdown: its heading, a sentence, one table row per ``section['rows']`` entry
    (``cells(row)`` gives its texts), then its targets."""
    lines, measured = _heading(title, section)
    if not measured:
        return lines
    lines += [intro, '', '| %s |' % ' | '.join(columns), '| --- |' + ' ---: |' * (len(columns) - 1)]
    lines += ['| %s |' % ' | '.join(cells(row)) for row in section['rows']]
    return lines + _target_lines(section)


def startup_markdown(section):
    return _table_section(
        section, 'Module start-up (no-change tasks against ansible.builtin.ping)',
        '%d items per loop, in rounds, in one play per run; each item is one module run. Medians over the runs; '
        'x ping is the median of the ratios taken in each play.' % section.get('items', 0),
        ['task', 'ms per item', 'x ping'],
        lambda row: [row['task'], _fmt(row['median_ms'], 1), _ratio_text(row['ratio_to_ping'])])


MITOGEN_BASE = 'ansible.builtin.ping (linear)'
MITOGEN_JUDGED = 'labnet.docker.network (mitogen)'
MITOGEN_TARGET = 1.0


def mitogen_summary(section):
    """Per loop: the median seconds and ms per item, its ratio to the linear ping loop; the 1.0 x target."""
    samples = section.get('samples') or []
    summary = dict((key, value) for key, value in section.items() if key not in ('samples', 'errors'))
    rows = []
    for name in section.get('tasks') or []:
        values = [sample[name] for sample in samples if name in sample]
        if not values:
            continue
        # The ratio is taken in each run (one playbook: the same minutes of the machine's load), then the median.
        ratio = _median([_ratio(sample[name], sample.get(MITOGEN_BASE)) for sample in samples
                         if sample.get(MITOGEN_BASE) and name in sample])
        rows.append(dict(task=name, median_s=_median(values), runs_s=values, ratio_to_linear_ping=ratio,
                         per_item_ms=_median(values) * 1000.0 / section['items']))
    judged = [row for row in rows if row['task'] == MITOGEN_JUDGED and row['ratio_to_linear_ping'] is not None]
    summary.update(rows=rows, targets=[dict(
        target='%s, %d-item no-change loop <= %.1f x the linear %s loop' % (
            MITOGEN_JUDGED, section['items'], MITOGEN_TARGET, 'ansible.builtin.ping'),
        value=row['ratio_to_linear_ping'], limit=MITOGEN_TARGET,
        met=row['ratio_to_linear_ping'] <= MITOGEN_TARGET) for row in judged])
    return summary


def mitogen_markdown(section):
    return _table_section(
        section, 'Mitogen (strategy mitogen_linear) against the linear strategy',
        '%d items per loop, all loops in one ansible-playbook run per run; medians over the runs; x linear '
        'ping is the median of the ratios taken in each run.' % section.get('items', 0),
        ['loop', 'median s', 'ms per item', 'x linear ping'],
        lambda row: [row['task'], _fmt(row['median_s'], 2), _fmt(row['per_item_ms'], 1),
                     _ratio_text(row['ratio_to_linear_ping'])])


LAB_PHASES = (('build', 'build from nothing'), ('rerun', 're-run, nothing to change'),
              ('floor', 'floor: as many ansible.builtin.ping tasks'))


def lab_summary(section):
    """Medians of the lab's build, re-run and floor (seconds), each phase's ratio to the floor, the targets."""
    samples = section.get('samples') or []
    summary = dict((key, value) for key, value in section.items() if key not in ('samples', 'errors'))
    if not samples:
        return summary
    medians = dict((phase, _median([sample[phase] for sample in samples])) for phase, _title in LAB_PHASES)
    # Each phase's ratio is the median of the per-run ratios: a run's phases share that run's load.
    ratios = dict((phase, _median([ratio for ratio in (_ratio(sample[phase], sample['floor']) for sample in samples)
                                   if ratio is not None]))
                  for phase, _title in LAB_PHASES)
    summary.update(runs=samples, medians=medians, ratios_to_floor=ratios,
                   tasks=_median([sample['tasks'] for sample in samples]))
    limits = section.get('targets') or {}
    summary['checks'] = [dict(target='lab %s <= %.0f s' % (phase, limits[phase]), value=medians[phase],
                              limit=limits[phase], met=medians[phase] <= limits[phase] if section.get('judged') else None)
                         for phase in ('build', 'rerun') if phase in limits]
    return summary


def lab_markdown(section):
    lines, measured = _heading('The lab (playbooks/lab.yml, as `make lab` runs it)', section)
    if not measured:
        return lines
    lines += ['Scenarios: %s. Wall time of ansible-playbook, medians over %d run(s); the re-run ran %s tasks, and '
              'the floor is a play of that many ansible.builtin.ping tasks on the same host; x floor is the median of the '
              'per-run ratios.'
              % (', '.join(section['scenarios']), len(section['runs']), _fmt(section['tasks'], 0)), '',
              '| phase | median s | x floor |', '| --- | ---: | ---: |']
    for phase, title in LAB_PHASES:
        lines.append('| %s | %s | %s |' % (title, _fmt(section['medians'][phase], 1),
                                           _ratio_text(section['ratios_to_floor'][phase])))
    for check in section['checks']:
        verdict = {True: 'met', False: 'NOT met', None: 'not judged (the targets are for the seven scenarios)'}
        lines += ['', 'Target: %s: measured %s s, %s.' % (check['target'], _fmt(check['value'], 1), verdict[check['met']])]
    return lines


def _heading(title, section):
    """A section's first lines, and whether it was measured (else its last line says why not)."""
    lines = ['', '## ' + title, '']
    if section.get('status') != 'ok':
        return lines + ['Not measured: %s (%s).' % (section.get('status'), section.get('note'))], False
    return lines, True


def _fmt(value, digits=2):
    if value is None:
        return '-'
    return '%.*f' % (digits, value)


def _loads(values):
    return '/'.join('%.1f' % value for value in values) if values else '-'


def _ratio_text(value):
    return '-' if value is None else '%.2f' % value


def markdown(results):
    """The results as Markdown: the main table, the targets, the scaling table and notes."""
    config = results['config']
    titles = dict((variant['key'], variant['title']) for variant in results['variants'])
    lines = ['# labnet.docker bench', '',
             'N=%d networks, two container attachments each (%d containers), %d run%s each, medians. '
             'Docker %s (API %s), ansible-core %s, community.docker %s.' % (
                 config['n'], config['containers'], config['runs'], '' if config['runs'] == 1 else 's',
                 results['environment'].get('docker_version'), results['environment'].get('api_version'),
                 results['environment'].get('ansible_core'), results['environment'].get('community_docker')),
             '',
             'Load average (1, 5, 15 min) at start %s, at end %s, on %s CPUs: the daemon and the machine are shared, '
             'so figures taken under load are slower for every variant.' % (
                 _loads(results['environment'].get('load_average_start')),
                 _loads(results['environment'].get('load_average_end')), results['environment'].get('cpus')),
             '',
             'Seconds are the work itself: for (a) and (b) the whole call, for (c)-(e) the play\'s own duration '
             '(ansible-playbook start-up, about 2 s per playbook, is in the "incl. start" column).',
             '',
             '| variant | phase | median s | x (a) | x (c) | ms / network | incl. start s | changes reported |',
             '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |']
    for row in results['rows']:
        changed = sorted(set(str(value) for value in row['changed'] if value is not None)) or ['n/a']
        lines.append('| (%s) %s | %s | %s | %s | %s | %s | %s | %s |' % (
            row['variant'], titles.get(row['variant'], ''), PHASE_TITLES[row['phase']], _fmt(row['median_s'], 3),
            _ratio_text(row['ratio_to_a']), _ratio_text(row['ratio_to_c']), _fmt(row['per_network_ms'], 1),
            _fmt(row['wall_median_s'], 2), ', '.join(changed)))
    for variant in results['variants']:
        if variant['status'] != 'ok':
            lines.append('')
            lines.append('(%s) %s: %s - %s' % (variant['key'], variant['title'], variant['status'], variant['note']))
    if results['targets']:
        lines += ['', '## Targets (issue 8)', '', '| target | measured | limit | met |', '| --- | ---: | ---: | --- |']
        for check in results['targets']:
            met = 'yes' if check['met'] else 'NO'
            lines.append('| %s | %s | %s | %s |' % (check['target'], _fmt(check['value'], 3), _fmt(check['limit'], 3), met))
    per_item = [(row, task) for row in results['rows'] for task in row.get('tasks') or []]
    if per_item:
        lines += ['', '## Per module run (playbook variants)', '',
                  'Each loop item is one module run; this is the play\'s time split by task.', '',
                  '| variant | phase | task | items | median s | ms per item |', '| --- | --- | --- | ---: | ---: | ---: |']
        for row, task in per_item:
            cells = (row['variant'], PHASE_TITLES[row['phase']], task['name'], task['items'],
                     _fmt(task['median_s'], 3), _fmt(task['per_item_ms'], 1))
            lines.append('| (%s) | %s | %s | %d | %s | %s |' % cells)
    scale = results['scale']
    lines += ['', '## How (e) grows with N', '']
    if scale.get('note'):
        lines.append(scale['note'])
    else:
        lines += ['| N | variant | converge s | re-run s | teardown s | converge ms / network |',
                  '| ---: | --- | ---: | ---: | ---: | ---: |']
        table = {}
        for row in scale['rows']:
            table.setdefault((row['n'], row['variant']), {})[row['phase']] = row
        for (n, key), phases in sorted(table.items()):
            lines.append('| %d | (%s) | %s | %s | %s | %s |' % (
                n, key, _fmt(phases.get('converge', {}).get('median_s'), 3),
                _fmt(phases.get('rerun', {}).get('median_s'), 3), _fmt(phases.get('teardown', {}).get('median_s'), 3),
                _fmt(phases.get('converge', {}).get('per_network_ms'), 1)))
    if results.get('probes'):
        lines += probe_markdown(results['probes'])
    if results.get('startup'):
        lines += startup_markdown(results['startup'])
    if results.get('mitogen'):
        lines += mitogen_markdown(results['mitogen'])
    if results.get('lab'):
        lines += lab_markdown(results['lab'])
    if results['errors']:
        lines += ['', '## Errors', '']
        lines += ['- %s' % error for error in results['errors']]
    return '\n'.join(lines) + '\n'
