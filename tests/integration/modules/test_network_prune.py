"""network_prune against the real (shared) daemon.

Every real prune here is scoped to networks this test created: a label unique
to the test (labnet.test.prune=<prefix>) or lab=<prefix> with managed_only.
An unscoped prune runs only in check mode.
"""

import os
from datetime import datetime, timedelta, timezone

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import connect
from ansible_collections.labnet.docker.tests.integration.harness import play, task

SCOPE = 'labnet.test.prune'


def label_map(*labels):
    """'key=value' (or 'key') strings as a labels dict."""
    return dict(label.split('=', 1) if '=' in label else (label, '') for label in labels)


def names(entries):
    return sorted(entry['name'] for entry in entries)


def existing(client, prefix):
    return sorted(net.name for net in client.networks.list(filters={'name': prefix}) if net.name.startswith(prefix))


def test_check_mode_lists_exactly_what_a_real_prune_removes(docker_client, prefix, make_container, make_network):
    scope = '%s=%s' % (SCOPE, prefix)
    nets = {key: make_network('%s-%s' % (prefix, key), labels=label_map(scope, *extra))
            for key, extra in (('idle', ()), ('idle2', ('other=1',)), ('running', ()), ('created', ()),
                               ('exited', ()), ('kept', ('keep=yes',)))}
    make_container('run', network=nets['running'].name)
    make_container('new', start=False, network=nets['created'].name)
    done = make_container('done', command=('true',), network=nets['exited'].name)
    done.wait()
    filters = {'label': scope, 'label!': 'keep=yes'}

    check, real, again = play([
        task('network_prune', check=True, filters=filters),
        task('network_prune', filters=filters),
        task('network_prune', filters=filters),
    ], diff=True)

    expected = [{'name': nets[key].name, 'id': nets[key].id} for key in ('idle', 'idle2')]
    assert check['changed'] and check['networks'] == expected
    assert check['diff'] == {'before': {'networks': names(expected)}, 'after': {'networks': []}}
    assert sorted((k['name'], k['reason']) for k in check['kept']) == [
        (nets['created'].name, 'in use by %s-new (created)' % prefix),
        (nets['exited'].name, 'in use by %s-done (exited)' % prefix),
        (nets['running'].name, 'in use by %s-run' % prefix),
    ]
    assert check['filters'] == {'label': [scope], 'label!': ['keep=yes']}

    assert real['changed'] and real['networks'] == check['networks']
    assert real['not_removed'] == []
    assert not again['changed'] and again['networks'] == []
    assert existing(docker_client, prefix) == sorted(nets[key].name for key in ('running', 'created', 'exited', 'kept'))
    # The stopped containers can still start: their networks were kept.
    docker_client.containers.get(prefix + '-new').start()
    done.start()


def test_until_label_and_managed_filters(docker_client, prefix, make_network):
    scope = '%s=%s' % (SCOPE, prefix)
    lab = 'labnet.docker.lab=' + prefix
    managed = 'labnet.docker.managed=true'
    nets = {
        'plain': make_network(prefix + '-plain', labels=label_map(scope)),
        'tier': make_network(prefix + '-tier', labels=label_map(scope, 'tier=web')),
        'lab': make_network(prefix + '-lab', labels=label_map(managed, lab)),
        'lab-unmanaged': make_network(prefix + '-lab-unmanaged', labels=label_map(lab)),
        'other-lab': make_network(prefix + '-other-lab', labels=label_map(scope, managed, 'labnet.docker.lab=elsewhere')),
    }
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    past = int((datetime.now(timezone.utc) - timedelta(hours=1)).timestamp())

    results = play([
        task('network_prune', check=True, filters={'label': scope, 'until': '1h'}),
        task('network_prune', check=True, filters={'label': scope, 'until': str(past)}),
        task('network_prune', check=True, filters={'label': scope, 'until': future}),
        task('network_prune', check=True, filters={'label': scope, 'until': '-1h30m'}),
        task('network_prune', check=True, filters={'label': [scope, 'tier=web']}),
        task('network_prune', check=True, filters={'label': scope, 'label!': ['tier']}),
        task('network_prune', check=True, managed_only=True, lab=prefix),
        task('network_prune', check=True, managed_only=True, filters={'label': scope}),
        task('network_prune', filters={'label': scope, 'until': '1h'}),               # removes nothing
        task('network_prune', managed_only=True, lab=prefix),                         # removes only -lab
        task('network_prune', filters={'label': scope, 'until': future, 'label!': 'tier=web'}),
    ])
    hour, unix, stamp, duration, tier, not_tier, lab_only, managed_only, young, by_lab, old = results
    scoped = sorted(nets[key].name for key in ('plain', 'tier', 'other-lab'))
    assert hour['networks'] == [] and not hour['changed']                  # all created less than an hour ago
    assert unix['networks'] == []
    assert names(stamp['networks']) == scoped and stamp['changed']
    assert stamp['filters']['until'] == future
    assert names(duration['networks']) == scoped
    assert names(tier['networks']) == [nets['tier'].name]
    assert names(not_tier['networks']) == sorted(nets[key].name for key in ('plain', 'other-lab'))
    assert names(lab_only['networks']) == [nets['lab'].name]
    assert names(managed_only['networks']) == [nets['other-lab'].name]
    assert not young['changed'] and young['networks'] == []
    assert by_lab['changed'] and names(by_lab['networks']) == [nets['lab'].name]
    assert names(old['networks']) == sorted(nets[key].name for key in ('plain', 'other-lab'))
    assert existing(docker_client, prefix) == sorted(nets[key].name for key in ('tier', 'lab-unmanaged'))


def test_bad_filters_fail_and_change_nothing(docker_client, prefix, make_network):
    make_network(prefix + '-idle', labels=label_map('%s=%s' % (SCOPE, prefix)))
    before = existing(docker_client, prefix)
    results = play([
        task('network_prune', filters={'label': '%s=%s' % (SCOPE, prefix), 'dangling': True}),
        task('network_prune', filters={'label': '%s=%s' % (SCOPE, prefix), 'until': '2d'}),
        task('network_prune', filters={'label': '%s=%s' % (SCOPE, prefix), 'until': ['1h', '2h']}),
        task('network_prune', filters={'label': ''}),
    ])
    messages = [
        'unknown prune filter dangling: network prune understands only until, label, label!',
        "filter until: '2d' is not a duration (such as 24h, 90m or 1h30m) or a timestamp (RFC 3339 such as "
        '2024-05-01T12:00:00Z, or Unix seconds); days are not a unit, use hours such as 168h',
        'filter until: give one time, not 2 (1h, 2h)',
        "filter label: '' is not a label key or key=value",
    ]
    for result, message in zip(results, messages):
        assert result['failed'] and result['msg'] == message and not result['changed']
    assert existing(docker_client, prefix) == before


def test_unscoped_check_mode_spares_predefined_and_busy_networks(docker_client, prefix, make_container, make_network):
    idle = make_network(prefix + '-idle')
    busy = make_network(prefix + '-busy')
    make_container('held', start=False, network=busy.name)
    result = play([task('network_prune', check=True)])[0]   # check mode only: the daemon is shared
    listed = names(result['networks'])
    assert idle.name in listed
    assert busy.name not in listed
    assert not set(listed) & {'bridge', 'host', 'none'}
    kept = dict((entry['name'], entry['reason']) for entry in result['kept'])
    assert kept['bridge'] == kept['host'] == kept['none'] == 'predefined network'
    assert kept[busy.name] == 'in use by %s-held (created)' % prefix
    assert existing(docker_client, prefix) == sorted([idle.name, busy.name])


def test_removal_refused_when_a_network_became_busy(docker_client, prefix, make_container, make_network):
    """What a prune reports when a container connects between the computation and the removal."""
    net = make_network(prefix + '-busy')
    make_container('late', network=net.name)
    api = connect({'docker_host': os.environ.get('DOCKER_HOST')})
    reason = api.remove_unused_network(net.id)
    assert 'has active endpoints' in reason
    assert api.remove_unused_network(prefix + '-never-existed') == 'it no longer exists'
    assert existing(docker_client, prefix) == [net.name]
