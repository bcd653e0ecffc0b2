"""lab.containers: which containers a lab run creates, re-creates, starts, restarts or removes, and why."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.lab.containers import (
    SPEC_LABEL, ContainerStep, create_body, declared_spec, drift, owner_order, plan_containers, records_by_name,
    spec_label)

WEB = dict(image='labnet/busybox:latest', command=['httpd', '-f'], network_mode='lab-front')


def ctr(name, spec=None, owner=None):
    return dict(name=name, spec=dict(WEB if spec is None else spec), owner=owner)


def record(name, spec='web', running=True, labels=None):
    spec = WEB if spec == 'web' else spec
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


def inspected(name, spec, started, mode=None, ident=None):
    found = record(name, spec=spec)
    found['Id'] = ident or name[0] * 64
    found['State']['StartedAt'] = started
    if mode:
        found['HostConfig'] = dict(NetworkMode=mode)
    return found


@pytest.mark.parametrize('member_mode, owner_started, member_started, expected', [
    # as it should be: the member joined this owner after it started
    ('container:' + 'o' * 64, '2026-12-08T01:00:00.5Z', '2026-12-08T01:00:01.25Z', []),
    # the owner was re-created and the run killed before its member was: the member names the old ID
    ('container:' + 'x' * 64, '2026-12-08T01:00:00Z', '2026-12-08T01:00:01Z',
     [('recreate', 'member', 'it shares the namespace of an earlier owner (re-created since)')]),
    # the owner was restarted after its member (by hand, or a killed run): the member is restarted
    ('container:' + 'o' * 64, '2026-12-08T01:00:02.123456789Z', '2026-12-08T01:00:02.12345Z',
     [('restart', 'member', 'owner owner started after it: the network namespace it joined is gone')]),
    # a mode by name (a listing row, or an engine that keeps the name) tells nothing about the owner's ID
    ('container:owner', '2026-12-08T01:00:00Z', '2026-12-08T01:00:01Z', []),
])
def test_a_member_left_behind_by_its_owner_is_seen_from_state(member_mode, owner_started, member_started, expected):
    declared = [ctr('owner', OWNER_SPEC), ctr('member', MEMBER_SPEC, owner='owner')]
    existing = {'owner': inspected('owner', OWNER_SPEC, owner_started, ident='o' * 64),
                'member': inspected('member', MEMBER_SPEC, member_started, mode=member_mode)}
    assert steps(plan_containers(declared, existing)) == expected


PARAMS = dict(name='lab-web', image='labnet/busybox:latest', command='httpd -f -p "80"', pull='never',
              state='started', labels={'labnet.docker.lab': 'demo'}, network_mode='lab-front',
              networks=[dict(name='lab-front', ipv4_address='10.1.0.5', aliases=['www'])],
              published_ports=['127.0.0.1:8090:80', '[::1]:8090:80', '53/udp', '9000:9000'], publish_all_ports=False,
              dns_servers=['127.0.0.1'])


def test_create_body_is_what_docker_run_sends():
    body = create_body(PARAMS)
    assert body == dict(
        Image='labnet/busybox:latest', Cmd=['httpd', '-f', '-p', '80'],
        Labels={'labnet.docker.lab': 'demo', SPEC_LABEL: spec_label(declared_spec(PARAMS))},
        ExposedPorts={'80/tcp': {}, '53/udp': {}, '9000/tcp': {}},
        HostConfig=dict(NetworkMode='lab-front', PublishAllPorts=False, Dns=['127.0.0.1'], PortBindings={
            '80/tcp': [dict(HostIp='127.0.0.1', HostPort='8090'), dict(HostIp='::1', HostPort='8090')],
            '53/udp': [dict(HostIp='', HostPort='')], '9000/tcp': [dict(HostIp='', HostPort='9000')]}),
        NetworkingConfig=dict(EndpointsConfig={'lab-front': dict(IPAMConfig=dict(IPv4Address='10.1.0.5'),
                                                                 Aliases=['www'])}))


def test_a_member_shares_its_owners_namespace_and_sets_no_resolver():
    member = dict(name='lab-side', image='img', command=['sleep', '9'], labels={}, network_mode='container:lab-web',
                  published_ports=[], publish_all_ports=False)
    body = create_body(member)
    assert body['HostConfig'] == dict(NetworkMode='container:lab-web', PortBindings={}, PublishAllPorts=False)
    assert 'NetworkingConfig' not in body and body['Cmd'] == ['sleep', '9']


@pytest.mark.parametrize('change, fields', [
    (dict(image='other'), ['image']),
    (dict(published_ports=list(reversed(PARAMS['published_ports']))), []),  # the order of ports is no change
    (dict(networks=[dict(name='lab-front', aliases=['other'])]), []),     # endpoints are topology's to converge
    (dict(labels={'labnet.docker.lab': 'demo', 'x': 'y'}), []),
    (dict(dns_servers=['127.0.0.53'], publish_all_ports=True), ['dns_servers', 'publish_all_ports']),
])
def test_only_the_declared_fields_recreate(change, fields):
    assert drift(declared_spec(dict(PARAMS, **change)), declared_spec(PARAMS)) == fields
