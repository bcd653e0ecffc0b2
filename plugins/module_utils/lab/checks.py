# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A labnet.docker.network_probe result turned into the lab's check rows (pure).

Entry points:

- :func:`probe_checks` - one check row per ``{check, probe}`` item, from the probe task's registered result.
- :func:`checks_not_run` - one "not run" row per item, for a check-mode run or a host that cannot probe.

A check row is ``{scenario, check, expected, observed, ok}``, as :mod:`lab.report` reads it.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError


def _describe(probe):
    target = probe.get('url') or probe.get('to')
    if probe.get('port') and probe.get('kind') == 'tcp':
        target = '%s:%s' % (target, probe['port'])
    return '%s %s' % (probe.get('kind', 'ping'), target)


def probe_checks(probe_result, scenario, plan):
    """One check row per entry of ``plan`` (``[{check, probe}]``), in order.

    ``probe_result`` is the registered result of a network_probe task that ran
    ``plan``'s probes (registered with ``failed_when: false``, so a failing probe
    is reported here instead of ending the play). When the task failed before
    probing (bad input, a container not running) every row fails with its message.
    """
    if not isinstance(plan, list) or any(not isinstance(item, dict) or 'check' not in item or 'probe' not in item
                                         for item in plan):
        raise LabnetDockerError('probe_checks: plan must be a list of {check, probe}, got %r' % (plan,))
    probe_result = probe_result or {}
    results = probe_result.get('results') or []
    rows = []
    for index, item in enumerate(plan):
        probe = item['probe']
        expected = probe.get('expect') or 'reachable'
        if probe_result.get('skipped'):
            observed, ok = 'not run (skipped)', False
        elif index < len(results) and isinstance(results[index], dict):
            outcome = results[index]
            observed = outcome.get('observed') or 'unknown'
            ok = outcome['ok'] if isinstance(outcome.get('ok'), bool) else observed == expected
            detail = outcome.get('error') or outcome.get('detail')
            if detail and not ok:
                observed = '%s: %s' % (observed, detail)
        else:
            observed = 'probe not run: %s' % (probe_result.get('msg') or 'no result returned')
            ok = False
        rows.append(dict(scenario=scenario, check=item['check'], expected='%s %s' % (_describe(probe), expected),
                         observed=observed, ok=bool(ok)))
    return rows


NOT_RUN_EXPECTED = 'checked in a real run'


def checks_not_run(plan, scenario, reason, check_mode=True):
    """One "not run in check mode" row per entry of ``plan``: check rows, ``{check, probe}`` items or check names.

    With ``check_mode`` false the rows say only "not run": the reason is something else (a swarm node dropped out).

    Only each entry's ``check`` is read: the other fields may refer to results a
    check-mode run never produced (a container that is only planned).
    """
    if not isinstance(plan, list) or any(not isinstance(item, str) and (not isinstance(item, dict) or 'check' not in item)
                                         for item in plan):
        raise LabnetDockerError('checks_not_run: plan must be a list of check names or dicts with a check, got %r' % (plan,))
    what = 'not run in check mode' if check_mode else 'not run'
    observed = '%s: %s' % (what, reason) if reason else what
    expected = NOT_RUN_EXPECTED if check_mode else 'checked when it can run'
    return [dict(scenario=scenario, check=item if isinstance(item, str) else item['check'], expected=expected,
                 observed=observed, ok=None)
            for item in plan]
