"""lab.containers: which containers a lab run creates, re-creates, starts, restarts or removes, and why."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.containers import (
    SPEC_LABEL, ContainerStep, drift, owner_order, plan_containers, records_by_name, spec_label)

WEB = dict(image='labnet/busybox:latest', command=['httpd', '-f'], network_mode='lab-front')


def ctr(name, spec=None, owner=None):
    return dict(name=name, spec=dict(WEB if spec is None else spec), owner=owner)


def record(name, spec=WEB, running=True, labels=None):
    found = dict(labels or {})
    if spec is not None:
        found[SPEC_LABEL] = spec_label(spec)
    return dict(Id=name * 4, Name='/' + name, State=dict(Running=running, Status='running' if running else 'exited'),
                Config=dict(Labels=found))


def steps(plan):
    return [(step.action, step.name, step.reason) for step in plan]


def test_spec_label_is_canonical():
    assert spec_label({'b': [2, 1], 'a': {'y': 1, 'x': None}}) == '{"a":{"x":null,"y":1},"b":[2,1]}'


@pytest.mark.parametrize('declared, recorded, fields', [
    (WEB, WEB, []),
    (dict(WEB, image='other'), WEB, ['image']),
    (dict(WEB, command=['sleep', '1'], hostname='h'), WEB, ['command', 'hostname']),
    (WEB, dict(WEB, env={'A': '1'}), ['env']),  # a field no longer declared drifts too
])
def test_drift_names_every_field_that_differs(declared, recorded, fields):
    assert drift(declared, recorded) == fields


@pytest.mark.parametrize('declared, existing, expected', [
    # nothing there: created
    ([ctr('web')], {}, [('create', 'web', 'missing')]),
    # as declared and running: nothing to do
    ([ctr('web')], {'web': record('web')}, []),
    # stopped: started
    ([ctr('web')], {'web': record('web', running=False)}, [('start', 'web', 'not running')]),
    # declared otherwise: re-created, naming the fields
    ([ctr('web', dict(WEB, image='labnet/other:1'))], {'web': record('web')},
     [('recreate', 'web', 'config drift: image')]),
    # a lab container made without a recorded spec (an older version): re-created
    ([ctr('web')], {'web': record('web', spec=None)},
     [('recreate', 'web', 'no recorded spec (made by another version, or by hand)')]),
    # a label that is not a spec counts as none
    ([ctr('web')], {'web': record('web', spec=None, labels={SPEC_LABEL: 'not json'})},
     [('recreate', 'web', 'no recorded spec (made by another version, or by hand)')]),
    # a container of the lab no longer declared: removed, before the rest
    ([ctr('web')], {'web': record('web', running=False), 'old': record('old')},
     [('remove', 'old', 'not in the lab any more'), ('start', 'web', 'not running')]),
])
def test_each_container_gets_the_step_its_state_needs(declared, existing, expected):
    assert steps(plan_containers(declared, existing)) == expected


OWNER_SPEC = dict(WEB, network_mode='lab-front')
MEMBER_SPEC = dict(WEB, network_mode='container:owner')


@pytest.mark.parametrize('owner_record, member_record, expected', [
    # both missing: the owner first, then its member
    (None, None, [('create', 'owner', 'missing'), ('create', 'member', 'missing')]),
    # the owner re-created: its member's mode names the old owner's ID, so it is re-created too
    (record('owner', spec=dict(OWNER_SPEC, image='x')), record('member', spec=MEMBER_SPEC),
     [('recreate', 'owner', 'config drift: image'),
      ('recreate', 'member', 'owner owner recreated: its network namespace is new')]),
    # the owner created (it was removed by hand) while the member is still there
    (None, record('member', spec=MEMBER_SPEC),
     [('create', 'owner', 'missing'), ('recreate', 'member', 'owner owner created: its network namespace is new')]),
    # the owner was stopped: started, and its member restarted (running or not)
    (record('owner', spec=OWNER_SPEC, running=False), record('member', spec=MEMBER_SPEC),
     [('start', 'owner', 'not running'),
      ('restart', 'member', 'owner owner started: the network namespace it joined is gone')]),
    (record('owner', spec=OWNER_SPEC, running=False), record('member', spec=MEMBER_SPEC, running=False),
     [('start', 'owner', 'not running'),
      ('restart', 'member', 'owner owner started: the network namespace it joined is gone')]),
    # only the member is stopped: only it is started
    (record('owner', spec=OWNER_SPEC), record('member', spec=MEMBER_SPEC, running=False),
     [('start', 'member', 'not running')]),
    # a member whose own spec drifted is re-created for that reason
    (record('owner', spec=OWNER_SPEC, running=False), record('member', spec=dict(MEMBER_SPEC, hostname='m')),
     [('start', 'owner', 'not running'), ('recreate', 'member', 'config drift: hostname')]),
])
def test_members_follow_their_owner(owner_record, member_record, expected):
    # Declared member first: the plan still puts the owner before it.
    declared = [ctr('member', MEMBER_SPEC, owner='owner'), ctr('owner', OWNER_SPEC)]
    existing = dict((name, found) for name, found in (('owner', owner_record), ('member', member_record)) if found)
    assert steps(plan_containers(declared, existing)) == expected


def test_undeclared_members_are_removed_before_their_owners():
    existing = {'a-owner': record('a-owner'), 'z-member': record('z-member'), 'web': record('web')}
    plan = plan_containers([ctr('web')], existing, owners_of_records={'z-member': 'a-owner'})
    assert [(step.action, step.name) for step in plan] == [('remove', 'z-member'), ('remove', 'a-owner')]


@pytest.mark.parametrize('declared, message', [
    ([ctr('a', owner='b'), ctr('b', owner='a')],
     'containers a -> b -> a share network namespaces in a cycle (network_mode container:)'),
    ([ctr('a', owner='a')], 'containers a -> a share network namespaces in a cycle (network_mode container:)'),
    ([ctr('a', owner='ghost')], 'container a: network_mode container:ghost names no container of the lab'),
])
def test_owners_that_cannot_be_ordered_are_refused(declared, message):
    with pytest.raises(LabnetDockerError) as caught:
        plan_containers(declared, {})
    assert str(caught.value) == message


def test_owner_order_keeps_the_declared_order_otherwise():
    declared = [ctr('c', owner='b'), ctr('a'), ctr('b', owner='a'), ctr('d')]
    assert [item['name'] for item in owner_order(declared)] == ['a', 'b', 'c', 'd']


def test_records_by_name_takes_inspect_records_and_listing_rows():
    rows = [record('web'), dict(Id='f' * 64, Names=['/db'], State='exited', Labels={})]
    assert sorted(records_by_name(rows)) == ['db', 'web']
    # a listing row (Labels, State a word) is read the same way: stopped, no recorded spec
    assert steps(plan_containers([ctr('db'), ctr('web')], records_by_name(rows))) == [
        ('recreate', 'db', 'no recorded spec (made by another version, or by hand)')]
    assert plan_containers([ctr('web')], records_by_name(rows[:1])) == []
    assert plan_containers([], {'db': rows[1]}) == [ContainerStep('remove', 'db', 'not in the lab any more')]
