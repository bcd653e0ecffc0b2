# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running probes: the logic behind network_probe.

Probes from a container run its own tools inside it through docker exec (so in
its network namespace, with its resolver); probes from ``host`` run in Python on
the managed host. Nothing is changed anywhere, so check mode runs them too.

Up to ``parallel`` probes run at once, each in a thread of its own: a probe
mostly waits (for an answer, or for its timeout), so a matrix of unreachable
targets costs about its timeouts divided by ``parallel`` instead of their sum.
Results keep the order of the probes.

Entry points: :func:`run_probes` (the module), :class:`ProbeRunner`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.labnet.docker.plugins.module_utils.common.containers import container_state, is_running
from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError
from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import (
    DEFAULT_PARALLEL, Observation, judge, normalize_parallel, normalize_probes, summarize)
from ansible_collections.labnet.docker.plugins.module_utils.probe.host import observe_from_host
from ansible_collections.labnet.docker.plugins.module_utils.probe.tools import (
    NC_STYLES, TOOLS, container_command, interpret, missing_tool, nc_unsupported, quote_command, time_limit,
    trim)

# A proxy from the container's environment would turn an http probe into a probe of
# the proxy; an empty *_proxy disables it in busybox and GNU wget. LC_ALL=C keeps
# error messages in the words the parser knows.
PROBE_ENVIRONMENT = ['LC_ALL=C', 'http_proxy=', 'https_proxy=', 'HTTP_PROXY=', 'HTTPS_PROXY=']
# Seconds beyond a probe's own limit to wait for docker exec itself.
EXEC_GRACE = 15
# How often a dns probe whose exec came back with exit 0 and no output at all is run again.
LOST_OUTPUT_RETRIES = 2


def _state_problem(container):
    state = container_state(container)
    if state in ('paused', 'restarting'):
        return 'is %s' % state
    if not is_running(container):
        return 'is not running (status %s)' % state
    return None


class ProbeRunner:
    """Runs probes with an injected :class:`DockerApi`; remembers what each source container offers."""

    def __init__(self, api):
        self.api = api
        self.containers = {}
        self.nc_styles = {}

    def check_sources(self, probes):
        """Inspect every source container once; one error naming each that cannot be probed from."""
        users = {}
        for index, probe in enumerate(probes):
            if not probe.from_host:
                users.setdefault(probe.source, []).append('probes[%d]' % index)
        problems = []
        for source, where in users.items():
            container = self.api.inspect_container(source)
            problem = 'does not exist' if container is None else _state_problem(container)
            if problem:
                problems.append('%s: source container %s %s' % (', '.join(where), source, problem))
            else:
                self.containers[source] = container
        if problems:
            raise LabnetDockerError('cannot probe: ' + '; '.join(problems), problems=problems)

    def observe_all(self, probes, parallel=DEFAULT_PARALLEL):
        """One observation per probe, in the order of ``probes``, with at most ``parallel`` running at once."""
        workers = min(parallel, len(probes))
        if workers <= 1:
            return [self.observe(probe) for probe in probes]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix='labnet-probe') as pool:
            futures = [pool.submit(self.observe, probe) for probe in probes]
            try:
                return [future.result() for future in futures]
            except BaseException:
                # The daemon failed under one probe: start no more; those running end within their own limits.
                for future in futures:
                    future.cancel()
                raise

    def observe(self, probe):
        if probe.from_host:
            return observe_from_host(probe)
        return self._observe_in_container(probe)

    def _missing(self, probe, tool, command, output):
        container = self.containers[probe.source]
        image = (container.get('Config') or {}).get('Image') or container.get('Image')
        need = 'every probe needs it to bound its run' if tool == 'timeout' else 'a %s probe runs it' % probe.kind
        return Observation('error', command, output=trim(output),
                           error='container %s (image %s) has no %s command; %s' % (probe.source, image, tool, need))

    def _observe_in_container(self, probe):
        container_id = self.containers[probe.source]['Id']
        styles = (None,)
        if probe.kind == 'tcp':
            styles = (self.nc_styles[probe.source],) if probe.source in self.nc_styles else NC_STYLES
        for style in styles:
            argv = container_command(probe, style or 'exec')
            command = quote_command(argv)
            started = time.monotonic()
            for dummy in range(LOST_OUTPUT_RETRIES + 1):
                code, output = self.api.exec_run(container_id, argv, timeout=time_limit(probe) + EXEC_GRACE,
                                                 user='0', environment=PROBE_ENVIRONMENT)
                # A dns verdict is read from what nslookup printed, and it always prints its server. Exec output
                # now and then comes back empty for a command that did print (docker-py issues 2042, 3332), more
                # often under load: a run that succeeded with no output at all is run again, not judged.
                if not (probe.kind == 'dns' and code == 0 and not (output or '').strip()):
                    break
            elapsed_ms = (time.monotonic() - started) * 1000
            tool = missing_tool(code, output)
            if tool:
                return self._missing(probe, tool, command, output)
            if style is not None and nc_unsupported(code, output):
                continue
            if style is not None:
                self.nc_styles[probe.source] = style
            return interpret(probe, code, output, elapsed_ms, command)
        return Observation('error', command, output=trim(output), error=(
            'the %s in container %s supports neither -e nor -z, so it cannot test a TCP connect'
            % (TOOLS['tcp'], probe.source)))


def run_probes(api, raw_probes, parallel=DEFAULT_PARALLEL):
    """Result of network_probe: one result per probe, in order; raises when any did not hold.

    Everything is validated (the probes, ``parallel``, the source containers) before any probe runs.
    """
    workers = normalize_parallel(parallel)
    probes = normalize_probes(raw_probes)
    runner = ProbeRunner(api)
    runner.check_sources(probes)
    results = [judge(probe, observation) for probe, observation in zip(probes, runner.observe_all(probes, workers))]
    message = summarize(results)
    if message:
        raise LabnetDockerError(message, changed=False, results=results)
    return dict(changed=False, results=results)
