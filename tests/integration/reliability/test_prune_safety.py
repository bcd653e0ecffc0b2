"""Prune safety on a mixed set, on the private engine (so unscoped real prunes touch nothing of anyone else).

The set: predefined networks; managed and unmanaged; labelled; in use by a
running, an exited and a never-started container; old and new (created
before and after a cut-off time between two batches). A sequence of prunes,
each with another filter combination, runs in one play: check mode first,
then the real prune, then a snapshot. The expected set of each step is
written out by hand below, not computed with the module's own rules.
"""

import calendar
import time

from ansible_collections.labnet.docker.tests.integration.harness import play, task
from ansible_collections.labnet.docker.tests.integration.reliability import rel_figures
from ansible_collections.labnet.docker.tests.integration.reliability.rel_snapshot import from_task_result, lost, snapshot_task

P = 'lnrel-prune'
MANAGED = {'labnet.docker.managed': 'true'}
OLD = {
    'm-old-a': dict(MANAGED, **{'labnet.docker.lab': 'a'}),
    'm-old-b': dict(MANAGED, **{'labnet.docker.lab': 'b'}),
    'u-old': {},
    'keep-old': {'keep': 'yes'},
    'm-run': dict(MANAGED, **{'labnet.docker.lab': 'a'}),
    'u-exited': {},
    'm-created': dict(MANAGED, **{'labnet.docker.lab': 'a'}),
}
NEW = {
    'm-new-a': dict(MANAGED, **{'labnet.docker.lab': 'a'}),
    'u-new': {},
    'keep-new': dict(MANAGED, keep='yes'),
    'tier-new': {'tier': 'web'},
}
IN_USE = ['m-run', 'u-exited', 'm-created']
# (arguments, networks removed) in order; '{until}' is the cut-off between the two batches.
STEPS = [
    (dict(managed_only=True, lab='a', filters={'until': '{until}'}), ['m-old-a']),
    (dict(filters={'label': 'tier=web', 'label!': 'keep'}), ['tier-new']),
    (dict(filters={'until': '{until}', 'label!': 'keep=yes'}), ['m-old-b', 'u-old']),
    (dict(managed_only=True), ['keep-new', 'm-new-a']),
    (dict(filters={'label!': 'keep'}), ['u-new']),
    (dict(), ['keep-old']),
]


def _rfc3339(ns):
    seconds, fraction = divmod(ns, 10 ** 9)
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds)) + '.%09dZ' % fraction


def _created_ns(client, name):
    text = client.api.inspect_network(name)['Created']  # 2024-05-01T12:00:00.123456789Z
    stamp, dummy, fraction = text.rstrip('Z').partition('.')
    return calendar.timegm(time.strptime(stamp, '%Y-%m-%dT%H:%M:%S')) * 10 ** 9 + int(fraction.ljust(9, '0')[:9])


def _fill(value, until):
    if isinstance(value, dict):
        return dict((key, _fill(item, until)) for key, item in value.items())
    return value.replace('{until}', until) if isinstance(value, str) else value


def _empty_engine(client):
    for container in client.containers.list(all=True):
        container.remove(force=True)
    for network in client.networks.list():
        if network.name not in ('bridge', 'host', 'none'):
            network.remove()


def test_each_filter_combination_removes_exactly_the_expected_set(live_engine):
    client = live_engine.client()
    try:
        _empty_engine(client)
        for key, labels in OLD.items():
            client.networks.create('%s-%s' % (P, key), driver='bridge', labels=labels)
        image = 'labnet/busybox:latest'
        client.containers.run(image, ['sleep', '3600'], name=P + '-run', network=P + '-m-run', detach=True,
                              dns=['127.0.0.1'])
        exited = client.containers.run(image, ['true'], name=P + '-exited', network=P + '-u-exited', detach=True,
                                       dns=['127.0.0.1'])
        exited.wait()
        client.containers.create(image, ['sleep', '3600'], name=P + '-created', network=P + '-m-created',
                                 dns=['127.0.0.1'])
        time.sleep(1)  # the cut-off falls between the batches; a second keeps it clear of clock rounding
        for key, labels in NEW.items():
            client.networks.create('%s-%s' % (P, key), driver='bridge', labels=labels)
        last_old = max(_created_ns(client, '%s-%s' % (P, key)) for key in OLD)
        first_new = min(_created_ns(client, '%s-%s' % (P, key)) for key in NEW)
        assert last_old < first_new
        until = _rfc3339((last_old + first_new) // 2)

        tasks = [snapshot_task(live_engine.socket_path)]
        for args, dummy in STEPS:
            args = _fill(args, until)
            tasks.extend([task('network_prune', check=True, **args), task('network_prune', **args),
                          snapshot_task(live_engine.socket_path)])
        results = play(tasks, env={'DOCKER_HOST': live_engine.unix_url, 'ANSIBLE_PIPELINING': 'true'})

        before = from_task_result(results[0])
        for index, (args, expected) in enumerate(STEPS):
            check, real, snap = results[3 * index + 1: 3 * index + 4]
            after = from_task_result(snap)
            names = ['%s-%s' % (P, key) for key in expected]
            rel_figures.add('prune_combinations')
            assert not check.get('failed') and not real.get('failed'), (args, check.get('msg'), real.get('msg'))
            assert [net['name'] for net in check['networks']] == names, args
            assert check['networks'] == real['networks'], args
            assert real['changed'] is True and real['not_removed'] == []
            removed_ids = set(('network', net['id']) for net in real['networks'])
            gone = set(lost(before, after))
            rel_figures.add('objects_lost', len(gone - removed_ids))
            assert gone == removed_ids, args
            for key in names:
                before['networks'].pop(key)
            assert after == before, args  # everything else: unchanged, endpoints and containers included
            before = after

        final = results[-2]
        kept = dict((entry['name'], entry['reason']) for entry in final['kept'])
        assert sorted(kept) == sorted(['bridge', 'host', 'none'] + ['%s-%s' % (P, key) for key in IN_USE])
        assert kept['bridge'] == 'predefined network'
        assert kept[P + '-m-run'] == 'in use by %s-run' % P
        assert kept[P + '-u-exited'] == 'in use by %s-exited (exited)' % P
        assert kept[P + '-m-created'] == 'in use by %s-created (created)' % P
        # The networks that only stopped containers use were kept, so those containers still start.
        for name in ('exited', 'created'):
            container = client.containers.get('%s-%s' % (P, name))
            container.start()
            container.reload()
            assert container.status in ('running', 'exited')
            assert container.attrs['State']['Error'] == ''
    finally:
        _empty_engine(client)
        client.close()
