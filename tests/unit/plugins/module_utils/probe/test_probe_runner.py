"""ProbeRunner's bookkeeping against the unit tests' fake daemon (tests/unit/fake_api.py); real runs are in
tests/integration."""

import threading

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import Probe
from ansible_collections.labnet.docker.plugins.module_utils.probe.run import ProbeRunner, run_probes
from ansible_collections.labnet.docker.tests.unit.fake_api import FakeApi, container

OPENBSD_NC_USAGE = "nc: invalid option -- 'e'\nusage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval]\n"


def openbsd_nc(argv):
    return (1, OPENBSD_NC_USAGE) if '-e' in argv else (0, '')


def test_nc_without_e_falls_back_to_z_once_per_container():
    api = FakeApi(containers=[container('c1')], answer=openbsd_nc)
    runner = ProbeRunner(api)
    probes = [Probe('c1', 'c2', 'tcp', port=80), Probe('c1', 'c3', 'tcp', port=22)]
    runner.check_sources(probes)
    observations = [runner.observe(probe) for probe in probes]
    assert [obs.observed for obs in observations] == ['reachable', 'reachable']
    assert [run[1][2:4] for run in api.runs] == [['nc', '-w'], ['nc', '-z'], ['nc', '-z']]
    assert observations[1].command == 'timeout 4 nc -z -w 3 c3 22'
    assert all(run[2] == '0' for run in api.runs)  # as root: unprivileged users cannot always ping


def test_nc_with_neither_style_is_an_error():
    api = FakeApi(containers=[container('c1')], answer=lambda argv: (1, "nc: unrecognized option '%s'" % argv[3]))
    runner = ProbeRunner(api)
    probe = Probe('c1', 'c2', 'tcp', port=80)
    runner.check_sources([probe])
    observation = runner.observe(probe)
    assert observation.observed == 'error'
    assert observation.error == 'the nc in container c1 supports neither -e nor -z, so it cannot test a TCP connect'


def test_missing_tool_names_container_and_image():
    api = FakeApi(containers=[container('c1', image='debian:12-slim')],
                  answer=lambda argv: (127, "timeout: failed to run command 'ping': No such file or directory\n"))
    runner = ProbeRunner(api)
    probe = Probe('c1', 'c2', 'ping', count=1)
    runner.check_sources([probe])
    observation = runner.observe(probe)
    assert (observation.observed, observation.error) == (
        'error', 'container c1 (image debian:12-slim) has no ping command; a ping probe runs it')


def test_sources_are_checked_once_and_all_problems_named():
    api = FakeApi(containers=[container('c1'), container('c3', running=False)])
    probes = [Probe('c2', 'c1', 'ping', count=1), Probe('host', 'c1', 'ping', count=1),
              Probe('c3', 'c1', 'ping', count=1), Probe('c2', 'c1', 'dns')]
    with pytest.raises(LabnetDockerError) as caught:
        ProbeRunner(api).check_sources(probes)
    assert caught.value.msg == ('cannot probe: probes[0], probes[3]: source container c2 does not exist; '
                                'probes[2]: source container c3 is not running (status exited)')
    assert api.runs == []


def test_run_probes_fails_with_results_when_an_expectation_does_not_hold():
    api = FakeApi(containers=[container('c1')], answer=lambda argv: (0, ''))
    with pytest.raises(LabnetDockerError) as caught:
        run_probes(api, [{'from': 'c1', 'to': 'c2', 'kind': 'tcp', 'port': 80, 'expect': 'unreachable'}])
    assert caught.value.msg == '1 of 1 probes did not hold: c1 -> c2:80 tcp: expected unreachable, observed reachable'
    assert caught.value.details['changed'] is False
    assert caught.value.details['results'][0]['ok'] is False


class CountingApi(FakeApi):
    """Records how many execs are in flight at once; each waits at a barrier of ``meet`` execs.

    The barrier proves that ``meet`` probes really run together (it breaks when fewer
    arrive); the count proves that no more than the bound ever do.
    """

    def __init__(self, containers, meet):
        super().__init__(containers=containers, answer=self._answer)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.barrier = threading.Barrier(meet, timeout=10) if meet > 1 else None

    def _answer(self, argv):
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        try:
            if self.barrier is not None:
                self.barrier.wait()
            # The target's last digit decides the answer: odd targets answer, even ones do not.
            return (0, '') if int(argv[-1][-1]) % 2 else (1, '')
        finally:
            with self.lock:
                self.in_flight -= 1


@pytest.mark.parametrize('parallel', [1, 3, 9])
def test_probes_run_at_most_parallel_at_once_and_results_keep_their_order(parallel):
    api = CountingApi([container('c1'), container('c2')], meet=parallel)
    raws = [{'from': 'c%d' % (1 + index % 2), 'to': '10.0.0.%d' % index, 'kind': 'ping',
             'expect': 'reachable' if index % 2 else 'unreachable'} for index in range(9)]
    result = run_probes(api, raws, parallel=parallel)
    assert api.most == parallel
    assert [item['pair'] for item in result['results']] == [
        'c%d -> 10.0.0.%d ping' % (1 + index % 2, index) for index in range(9)]
    assert [item['observed'] for item in result['results']] == ['unreachable', 'reachable'] * 4 + ['unreachable']
    assert all(item['ok'] for item in result['results'])


def test_bad_parallel_is_refused_before_anything_runs():
    api = FakeApi(containers=[container('c1')], answer=lambda argv: (0, ''))
    with pytest.raises(LabnetDockerError) as caught:
        run_probes(api, [{'from': 'c1', 'to': 'c2'}], parallel=0)
    assert caught.value.msg == 'invalid parallel: parallel 0 is out of range 1-64'
    assert api.runs == []


def test_a_daemon_failure_under_one_probe_fails_the_task():
    def answer(argv):
        if argv[-1] == 'c3':
            raise LabnetDockerError('running timeout in container c1 failed: cannot reach the Docker daemon')
        return (0, '')

    api = FakeApi(containers=[container('c1')], answer=answer)
    with pytest.raises(LabnetDockerError) as caught:
        run_probes(api, [{'from': 'c1', 'to': 'c%d' % index} for index in range(2, 8)], parallel=2)
    assert caught.value.msg == 'running timeout in container c1 failed: cannot reach the Docker daemon'


NSLOOKUP = 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tweb\nAddress: 10.9.0.5\n'


@pytest.mark.parametrize('answers, observed, runs', [
    ([(0, ''), (0, NSLOOKUP)], 'reachable', 2),            # output lost once: run again, then judged
    ([(0, ''), (0, ''), (0, '')], 'unreachable', 3),        # never any output: judged after the retries
    ([(1, "nslookup: can't resolve 'web'\n")], 'unreachable', 1),  # a real answer is never repeated
])
def test_dns_probe_with_lost_exec_output_runs_again(answers, observed, runs):
    queue = list(answers)
    api = FakeApi(containers=[container('c1')], answer=lambda argv: queue.pop(0))
    runner = ProbeRunner(api)
    probe = Probe('c1', 'web', 'dns')
    runner.check_sources([probe])
    assert runner.observe(probe).observed == observed
    assert len(api.runs) == runs
