"""Every planner plans every kind of action it has against a daemon that refuses all writes (network,
attachment, strays, topology, prune, and the lab's container planner).

A plan file is pure and a read file only reads (docs/architecture.md): each case reads the state
through its family's read layer from tests/unit/fake_api.py's ReadOnlyFakeApi, plans, and must
hold each expected action (so an empty plan cannot pass) while no write was even attempted.
"""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.attachment.plan import plan_attachment
from ansible_collections.labnet.docker.plugins.module_utils.attachment.read import read_facts
from ansible_collections.labnet.docker.plugins.module_utils.attachment.spec import attachment_from_params
from ansible_collections.labnet.docker.plugins.module_utils.attachment.strays import plan_exclusive
from ansible_collections.labnet.docker.plugins.module_utils.common.labels import LAB_LABEL, MANAGED_LABEL
from ansible_collections.labnet.docker.plugins.module_utils.lab.containers import SPEC_LABEL, plan_containers, spec_label
from ansible_collections.labnet.docker.plugins.module_utils.lab.read import read_containers
from ansible_collections.labnet.docker.plugins.module_utils.network.plan import plan_network
from ansible_collections.labnet.docker.plugins.module_utils.network.read import ApiReader, network_facts
from ansible_collections.labnet.docker.plugins.module_utils.network.spec import spec_from_params
from ansible_collections.labnet.docker.plugins.module_utils.prune.plan import plan_prune, recovery_names
from ansible_collections.labnet.docker.plugins.module_utils.prune.read import PruneReader, read_networks
from ansible_collections.labnet.docker.plugins.module_utils.prune.spec import prune_filters
from ansible_collections.labnet.docker.plugins.module_utils.topology.plan import item_actions, plan_topology
from ansible_collections.labnet.docker.plugins.module_utils.topology.read import ListingReader
from ansible_collections.labnet.docker.plugins.module_utils.topology.spec import topology_from_params
from ansible_collections.labnet.docker.tests.unit.fake_api import ReadOnlyFakeApi

LAB = {MANAGED_LABEL: 'true', LAB_LABEL: 'l1'}


class HalfMadeApi(ReadOnlyFakeApi):
    """The daemon after a refused connect: the network's inspect does not list ``hidden`` containers."""

    hidden = ()

    def inspect_network(self, name_or_id, verbose=False):
        record = super().inspect_network(name_or_id, verbose)
        if record is not None:
            record['Containers'] = dict((cid, entry) for cid, entry in record['Containers'].items()
                                        if cid not in self.hidden)
        return record


def on(api, container, network, **endpoint):
    """Put ``container`` on ``network`` (names) the way the daemon records it, without a connect."""
    net = [record for record in api.networks.values() if record['Name'] == network][0]
    cid = [cid for cid, record in api.containers.items() if record['Name'] == '/' + container][0]
    api.containers[cid]['NetworkSettings']['Networks'][network] = dict(
        dict(NetworkID=net['Id'], EndpointID='e' * 64, IPAMConfig=None, Aliases=[], Links=None, DriverOpts=None,
             IPAddress=''), **endpoint)
    return cid


def lab(api_class=ReadOnlyFakeApi):
    """front (10.210.1.0/24, web and db on it, db stopped), back (10.210.2.0/24, app on it), spare (unused)."""
    api = api_class()
    api.add_network('front', subnet='10.210.1.0/24', labels=LAB)
    api.add_network('back', subnet='10.210.2.0/24', labels=LAB)
    api.add_network('spare', subnet='10.210.3.0/24', labels=LAB)
    for name in ('web', 'app', 'lone'):
        api.add_container(name)
    api.add_container('db', running=False)
    on(api, 'web', 'front')
    on(api, 'db', 'front')
    on(api, 'app', 'back', Aliases=['app'])
    return api


# -- network -------------------------------------------------------------------------------------------------

def network_plan(state='present', force=False, **params):
    def run(api):
        spec = spec_from_params(dict(params, state=state))
        plan = plan_network(spec, state, network_facts(api, spec.name), ApiReader(api), force=force)
        return [action['action'] for action in plan.tracker.actions]
    return run


def lab_with_duplicate():
    api = lab()
    api.add_network('twin', subnet='10.210.8.0/24')
    api.add_network('twin', subnet='10.210.9.0/24')  # a younger namesake: two concurrent creates
    return api


NETWORK_CASES = [
    pytest.param(lab, network_plan(name='new', ipam_config=[dict(subnet='10.210.4.0/24')]), ['create'],
                 id='network-create'),
    pytest.param(lab, network_plan(name='front', internal=True, ipam_config=[dict(subnet='10.210.1.0/24')]),
                 ['disconnect', 'disconnect', 'remove', 'create', 'connect', 'connect'], id='network-recreate'),
    pytest.param(lab, network_plan(name='back', state='absent', force=True), ['disconnect', 'remove'],
                 id='network-remove'),
    pytest.param(lab_with_duplicate, network_plan(name='twin', ipam_config=[dict(subnet='10.210.8.0/24')]),
                 ['remove_duplicate'], id='network-remove-duplicate'),
]


# -- attachment, and exclusive's strays ----------------------------------------------------------------------

def attachment_plan(exclusive=False, **params):
    def run(api):
        attachment = attachment_from_params(params)
        facts = read_facts(api, attachment, exclusive)
        plan = plan_exclusive(attachment, facts) if exclusive else plan_attachment(
            attachment, facts.network, facts.records, facts.api_version, facts.others, facts.members)
        return [step.action for step in plan.steps]
    return run


def half_made_lab():
    api = lab(HalfMadeApi)
    api.hidden = (on(api, 'lone', 'spare'),)
    return api


ATTACHMENT_CASES = [
    pytest.param(lab, attachment_plan(network='back', container='lone', ipv4_address='10.210.2.9'), ['connect'],
                 id='attachment-connect'),
    pytest.param(lab, attachment_plan(network='back', container='app', aliases=['api']), ['reconnect'],
                 id='attachment-reconnect'),
    pytest.param(lab, attachment_plan(network='front', containers=['web', 'db'], state='absent'),
                 ['disconnect', 'disconnect'], id='attachment-disconnect'),
    pytest.param(half_made_lab, attachment_plan(network='spare', container='lone', state='absent'), ['clear'],
                 id='attachment-clear-half-made'),
    pytest.param(lab, attachment_plan(network='front', containers=['web', 'lone'], exclusive=True),
                 ['disconnect', 'connect'], id='strays-disconnect-then-connect'),
]


# -- topology ------------------------------------------------------------------------------------------------

def topology_plan(**params):
    def run(api):
        topology = topology_from_params(params)
        items = plan_topology(topology, api.list_networks(), ListingReader(api, api.list_containers()))
        return [(item.kind, action['action']) for item in items for action in item_actions(item)]
    return run


TOPOLOGY_CASES = [
    pytest.param(lab, topology_plan(lab='l1', purge=True, networks=[
        dict(name='new', ipam_config=[dict(subnet='10.210.4.0/24')]),
        dict(name='front', internal=True, ipam_config=[dict(subnet='10.210.1.0/24')]),
        dict(name='back', ipam_config=[dict(subnet='10.210.2.0/24')]),
    ], attachments=[
        dict(network='new', container='lone'),
        dict(network='back', container='app', aliases=['api']),
    ]), [('network', 'remove'),  # the purge of spare
         ('network', 'create'),
         ('network', 'disconnect'), ('network', 'disconnect'), ('network', 'remove'), ('network', 'create'),
         ('network', 'connect'), ('network', 'connect'),
         ('attachment', 'connect'), ('attachment', 'reconnect')], id='topology-present'),
    pytest.param(lab, topology_plan(state='absent', networks=[dict(name='front')], attachments=[
        dict(network='front', containers=['web', 'db']), dict(network='back', container='app')]),
        [('attachment', 'disconnect'), ('network', 'disconnect'), ('network', 'disconnect'), ('network', 'remove')],
        id='topology-absent'),
]


# -- prune ---------------------------------------------------------------------------------------------------

def prune_plan(**params):
    def run(api):
        filters = prune_filters(params.get('filters'), params.get('managed_only'), params.get('lab'))
        rows, journals = read_networks(api)
        assert sorted(recovery_names(filters, rows, journals)) == sorted(row['Name'] for row in rows)
        plan = plan_prune(filters, rows, journals, PruneReader(api))
        return ([('remove', network['name']) for network in plan.selected]
                + [('keep', network['name'], network['reason']) for network in plan.kept])
    return run


def lab_and_bridge():
    api = lab()
    api.add_network('bridge')
    return api


PRUNE_CASES = [
    pytest.param(lab_and_bridge, prune_plan(), [
        ('remove', 'spare'), ('keep', 'bridge', 'predefined network'), ('keep', 'back', 'in use by app'),
        ('keep', 'front', 'in use by db (exited), web')], id='prune-remove-and-keep'),
]


# -- lab ----------------------------------------------------------------------------------------------------

LAB_SPEC = dict(image='labnet/busybox:latest', command=['sleep', '1'], network_mode='front')


def lab_containers():
    """A lab's containers: web as declared, db declared otherwise, side stopped (its owner too), old undeclared."""
    api = ReadOnlyFakeApi()
    labels = {LAB_LABEL: 'l1'}
    for name, spec, running, mode in (('web', LAB_SPEC, True, 'front'),
                                      ('db', dict(LAB_SPEC, image='other'), True, 'front'),
                                      ('owner', LAB_SPEC, False, 'front'),
                                      ('side', dict(LAB_SPEC, network_mode='container:owner'), True, None),
                                      ('old', LAB_SPEC, True, 'front')):
        cid = api.add_container(name, running=running, HostConfig={'NetworkMode': mode or 'container:' + 'o' * 64})
        api.containers[cid]['Config']['Labels'] = dict(labels, **{SPEC_LABEL: spec_label(spec)})
    api.add_container('stranger')  # another lab's, or nobody's: not read as the lab's
    return api


def lab_plan_of(api):
    declared = [dict(name='web', spec=LAB_SPEC, owner=None), dict(name='db', spec=LAB_SPEC, owner=None),
                dict(name='owner', spec=LAB_SPEC, owner=None),
                dict(name='side', spec=dict(LAB_SPEC, network_mode='container:owner'), owner='owner'),
                dict(name='new', spec=LAB_SPEC, owner=None)]
    records, owners = read_containers(api, 'l1', declared)
    return [(step.action, step.name) for step in plan_containers(declared, records, owners)]


LAB_CASES = [
    pytest.param(lab_containers, lab_plan_of, [
        ('remove', 'old'), ('recreate', 'db'), ('start', 'owner'), ('restart', 'side'), ('create', 'new')],
        id='lab-containers'),
]


@pytest.mark.parametrize('make_api, planner, expected',
                         NETWORK_CASES + ATTACHMENT_CASES + TOPOLOGY_CASES + PRUNE_CASES + LAB_CASES)
def test_a_planner_plans_every_action_without_writing(make_api, planner, expected):
    api = make_api()
    actions = planner(api)
    assert actions == expected
    assert api.refused == [] and api.calls == [] and api.writes == [] and api.journal_calls == []
    assert api.reads  # it read the daemon, through the read layer
