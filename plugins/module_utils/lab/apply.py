# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Converging a whole lab in one call: the ``labnet.docker.lab`` module.

Entry points:

- :func:`converge_lab` - module parameters -> result. In order: the lab file is validated (lab.spec;
  nothing is read before every value is checked); the lab's containers are read once and planned
  (lab.containers); the containers the lab no longer declares are removed (they may sit on a network
  the lab no longer has); the networks converge through the topology planner; each container is
  created, re-created, started or restarted, owners before their ``container:`` members; every
  endpoint converges through the topology planner; and what the probes and the report need is
  read once (lab.read.observe). Check mode walks the same path and guards only the writes: the
  result's ``plan`` is exactly what a real run would do, each container step with its reason.

A container that the daemon refuses to create or start (a host port already taken, say) is no crash:
it is a failing row of ``failed_rows`` naming the daemon's error, and the rest of the lab goes on.
Nothing here needs a journal of its own: every step is planned from what the daemon holds, so a
run killed anywhere is finished by the next (a container removed for a re-create is missing, a
member left behind by its re-created or restarted owner is seen from its mode and start time), and
the network changes keep the network family's journals.
"""

from __future__ import annotations

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import namespace_owner
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.containers import (
    create_body, declared_spec, plan_containers)
from ansible_collections.labnet.docker.plugins.module_utils.lab.read import observe, read_containers
from ansible_collections.labnet.docker.plugins.module_utils.lab.spec import lab_plan
from ansible_collections.labnet.docker.plugins.module_utils.topology.apply import converge_topology

# What each container step does on the daemon, in order.
WRITES = dict(create=('create', 'start'), recreate=('remove', 'create', 'start'), start=('start',),
              restart=('restart',), remove=('remove',))


def _write(api, verb, name, params):
    if verb == 'create':
        api.create_container(name, create_body(params))
    elif verb == 'start':
        api.start_container(name)
    elif verb == 'restart':
        api.restart_container(name)
    elif verb == 'remove':
        api.remove_container(name)


PAST = dict(create='created', recreate='re-created', start='started', restart='restarted', remove='removed')


def _apply_containers(api, steps, params_by_name, check_mode, broken):
    """Perform the container steps; returns (done, failed rows) and adds each failed container to ``broken``.

    ``done`` holds ``(step, note)`` for every step that changed the daemon: note is empty when all its
    writes were made, else it says what was made before the daemon refused the rest (a re-create whose
    create failed removed the container all the same). A member of an owner that failed is not touched:
    it would fail the same way, with a less helpful message.
    """
    done, failed = [], []
    for step in steps:
        owner = namespace_owner((params_by_name.get(step.name) or {}).get('network_mode'))
        if owner in broken:
            broken.add(step.name)
            failed.append(_failed_row(step, 'not run: container %s failed' % owner))
            continue
        made = []
        if not check_mode:
            try:
                for verb in WRITES[step.action]:
                    _write(api, verb, step.name, params_by_name.get(step.name))
                    made.append(verb)
            except LabnetDockerError as exc:
                broken.add(step.name)
                failed.append(_failed_row(step, exc.msg))
                if made:
                    note = '%s, then %s failed' % (', '.join(PAST[verb] for verb in made), WRITES[step.action][len(made)])
                    done.append((step, note))
                continue
        done.append((step, ''))
    return done, failed


def _failed_row(step, message):
    return dict(scenario='build', check='container %s is %s (%s)' % (step.name, PAST[step.action], step.reason),
                expected='removed' if step.action == 'remove' else 'running', observed=message, ok=False)


def _step_entry(step):
    return dict(container=step.name, action=step.action, reason=step.reason)


def _step_line(step, note):
    return '%s container %s (%s)%s' % (step.action, step.name, step.reason, ': ' + note if note else '')


def converge_lab(api, params, check_mode=False):
    """The lab module: validate, read, plan, apply in dependency order, observe; returns the result dict."""
    lab = params['lab']
    plan = lab_plan(params.get('definition'), lab, params.get('prefix') or '')
    params_by_name = dict((ctr['name'], ctr) for ctr in plan['containers'])
    declared = [dict(name=ctr['name'], spec=declared_spec(ctr), owner=namespace_owner(ctr['network_mode']))
                for ctr in plan['containers']]
    records, owners = read_containers(api, lab, declared)
    steps = plan_containers(declared, records, owners)

    broken = set()
    removals = [step for step in steps if step.action == 'remove']
    done, failed = _apply_containers(api, removals, params_by_name, check_mode, broken)
    networks = converge_topology(api, dict(lab=lab, networks=plan['networks']), check_mode)
    built, build_failed = _apply_containers(api, [step for step in steps if step.action != 'remove'],
                                            params_by_name, check_mode, broken)
    done, failed = done + built, failed + build_failed

    # The endpoints, once the networks and containers are there: a second topology call with the attachments
    # alone (the networks were the first call's; planning them again would repeat their plan, warnings and
    # recoveries). A container that failed has none to converge. In check mode, what is still to be made has
    # none to plan: a container to be created gets its first network at create and the others by the real run's
    # connects, and a container joins a network to be created only once it is.
    unmade = set(step.name for step, dummy in built if check_mode and step.action in ('create', 'recreate'))
    new_networks = set(entry['name'] for entry in networks['networks'] if check_mode and entry['action'] == 'create')
    attachments, planned_connects = [], []
    for entry in plan['attachments']:
        container, network = entry['container'], entry['network']
        if container in broken:
            continue
        if container in unmade or network in new_networks:
            if network != params_by_name[container]['network_mode'] or container not in unmade:
                planned_connects.append('connect %s to %s (once %s)' % (
                    container, network, 'it is created' if container in unmade else 'the network is created'))
            continue
        attachments.append(entry)
    endpoints = converge_topology(api, dict(lab=lab, attachments=attachments), check_mode)

    containers, bridge = observe(api, lab)
    lines = networks['plan'] + [_step_line(step, note) for step, note in done] + endpoints['plan'] + planned_connects
    changed = networks['changed'] or endpoints['changed'] or bool(done)
    return dict(
        changed=changed,
        plan=lines,
        containers_plan=[_step_entry(step) for step in steps],
        networks=networks['networks'],
        attachments=endpoints['attachments'],
        actions=networks['actions'] + [dict(action=step.action, container=step.name, reason=step.reason,
                                            **(dict(partly=note) if note else {})) for step, note in done]
        + endpoints['actions'],
        recovered=networks['recovered'] + [entry for entry in endpoints['recovered'] if entry not in networks['recovered']],
        failed_rows=failed,
        containers=containers,
        bridge=bridge,
        lab=plan['lab'],
        expect=plan['expect'],
        diff=dict(prepared='\n'.join(lines) + ('\n' if lines else '')),
        warnings=networks['warnings'] + [text for text in endpoints['warnings'] if text not in networks['warnings']],
    )
