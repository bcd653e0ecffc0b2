"""ProbeRunner's bookkeeping with a small fake client; real runs are in tests/integration."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.probe import Probe
from ansible_collections.labnet.docker.plugins.module_utils.probe_runner import ProbeRunner, run_probes

OPENBSD_NC_USAGE = "nc: invalid option -- 'e'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval]\n"


class FakeApi:
    """Containers by name; ``answer(argv)`` gives each exec's (exit code, output)."""

    def __init__(self, containers, answer):
        self.containers = containers
        self.answer = answer
        self.runs = []

    def inspect_container(self, name):
        return self.containers.get(name)

    def exec_run(self, container, cmd, timeout=None, user=None, environment=None):
        self.runs.append((container, cmd, user))
        return self.answer(cmd)


def running(name, image='debian-slim'):
    return {'Id': name + '-id', 'Config': {'Image': image}, 'State': {'Running': True, 'Status': 'running'}}


def openbsd_nc(argv):
    return (1, OPENBSD_NC_USAGE) if '-e' in argv else (0, '')


def test_nc_without_e_falls_back_to_z_once_per_container():
    api = FakeApi({'c1': running('c1')}, openbsd_nc)
    runner = ProbeRunner(api)
    probes = [Probe('c1', 'c2', 'tcp', port=80), Probe('c1', 'c3', 'tcp', port=22)]
    runner.check_sources(probes)
    observations = [runner.observe(probe) for probe in probes]
    assert [obs.observed for obs in observations] == ['reachable', 'reachable']
    assert [run[1][2:4] for run in api.runs] == [['nc', '-w'], ['nc', '-z'], ['nc', '-z']]
    assert observations[1].command == 'timeout 4 nc -z -w 3 c3 22'
    assert all(run[2] == '0' for run in api.runs)  # as root: unprivileged users cannot always ping


def test_nc_with_neither_style_is_an_error():
    api = FakeApi({'c1': running('c1')}, lambda argv: (1, "nc: unrecognized option '%s'" % argv[3]))
    runner = ProbeRunner(api)
    probe = Probe('c1', 'c2', 'tcp', port=80)
    runner.check_sources([probe])
    observation = runner.observe(probe)
    assert observation.observed == 'error'
    assert observation.error == 'the nc in container c1 supports neither -e nor -z, so it cannot test a TCP connect'


def test_missing_tool_names_container_and_image():
    api = FakeApi({'c1': running('c1', 'debian:12-slim')},
                  lambda argv: (127, "timeout: failed to run command 'ping': No such file or directory\n"))
    runner = ProbeRunner(api)
    probe = Probe('c1', 'c2', 'ping', count=1)
    runner.check_sources([probe])
    observation = runner.observe(probe)
    assert (observation.observed, observation.error) == (
        'error', 'container c1 (image debian:12-slim) has no ping command; a ping probe runs it')


def test_sources_are_checked_once_and_all_problems_named():
    exited = dict(running('c3'), State={'Running': False, 'Status': 'exited'})
    api = FakeApi({'c1': running('c1'), 'c3': exited}, lambda argv: (0, ''))
    probes = [Probe('c2', 'c1', 'ping', count=1), Probe('host', 'c1', 'ping', count=1),
              Probe('c3', 'c1', 'ping', count=1), Probe('c2', 'c1', 'dns')]
    with pytest.raises(LabnetDockerError) as caught:
        ProbeRunner(api).check_sources(probes)
    assert caught.value.msg == ('cannot probe: probes[0], probes[3]: source container c2 does not exist; '
                                'probes[2]: source container c3 is not running (status exited)')
    assert api.runs == []


def test_run_probes_fails_with_results_when_an_expectation_does_not_hold():
    api = FakeApi({'c1': running('c1')}, lambda argv: (0, ''))
    with pytest.raises(LabnetDockerError) as caught:
        run_probes(api, [{'from': 'c1', 'to': 'c2', 'kind': 'tcp', 'port': 80, 'expect': 'unreachable'}])
    assert caught.value.msg == '1 of 1 probes did not hold: c1 -> c2:80 tcp: expected unreachable, observed reachable'
    assert caught.value.details['changed'] is False
    assert caught.value.details['results'][0]['ok'] is False
