"""The suite's figures, collected by the tests and printed at the end of the pytest run."""

from __future__ import annotations

FIGURES = dict(
    cases_tried=0,  # bad-input cases run
    cases_refused_cleanly=0,  # ... that failed with the expected message and changed nothing
    processes_at_once=0,  # most ansible-playbook processes started together
    processes_succeeded=0,
    faults_injected=0,
    faults_survived=0,
    prune_combinations=0,  # filter combinations checked (check mode and real run)
    objects_lost=0,  # networks, containers or endpoints that vanished where nothing should have
    interruption_points=0,  # runs interrupted in the middle of a multi-step change (then recovered)
    interruption_endpoints=0,  # endpoints that had to come back after those interruptions
    interruption_endpoints_lost=0,  # ... that did not come back exactly as they were (target: zero)
)
FAULTS = []  # (name, survived)
INTERRUPTIONS = []  # (name, endpoints lost)
CONVERGENCE = []  # one line per phase of the 16-process convergence test (test_converge16.py)
GENERATED = []  # the generated bad-input test's figures and its mismatches, one line each (test_generated_input.py)


def add(key, amount=1):
    FIGURES[key] += amount


def fault(name, survived):
    FIGURES['faults_injected'] += 1
    FIGURES['faults_survived'] += 1 if survived else 0
    FAULTS.append((name, survived))


def interruption(name, endpoints, lost, survived):
    FIGURES['interruption_points'] += 1
    FIGURES['interruption_endpoints'] += endpoints
    FIGURES['interruption_endpoints_lost'] += lost
    INTERRUPTIONS.append((name, lost, survived))


def lines():
    if not any(FIGURES.values()) and not CONVERGENCE and not GENERATED:
        return []
    out = [
        'bad-input cases tried: %(cases_tried)d (refused cleanly, nothing changed: %(cases_refused_cleanly)d)' % FIGURES,
        'ansible-playbook processes run at once: %(processes_at_once)d (succeeded: %(processes_succeeded)d)' % FIGURES,
        'faults injected: %(faults_injected)d, survived: %(faults_survived)d' % FIGURES,
    ]
    out.extend('  %s: %s' % (name, 'survived' if ok else 'NOT survived') for name, ok in FAULTS)
    out.append('prune filter combinations checked: %(prune_combinations)d' % FIGURES)
    out.append('objects lost: %(objects_lost)d' % FIGURES)
    if FIGURES['interruption_points']:
        out.append('interruption points tried: %(interruption_points)d, endpoints to restore: '
                   '%(interruption_endpoints)d, endpoints lost: %(interruption_endpoints_lost)d' % FIGURES)
        out.extend('  %s: %s' % (name, 'recovered' if ok else 'NOT recovered (%d endpoints lost)' % lost)
                   for name, lost, ok in INTERRUPTIONS)
    if CONVERGENCE:
        out.append('16 processes at once, per phase:')
        out.extend('  ' + line for line in CONVERGENCE)
    if GENERATED:
        out.append('generated bad input:')
        out.extend('  ' + line for line in GENERATED)
    return out
