#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: network_probe
short_description: Prove connectivity between containers and the host with real packets
extends_documentation_fragment:
  - labnet.docker.docker
  - labnet.docker.docker.reads
version_added: 0.1.0
description:
  - Runs a list of probes (a matrix) and checks each observed result against its expectation, so a play can assert
    what a lab promises (who reaches whom, which names resolve, which published ports answer).
  - A probe from a container runs that container's own tools inside it with C(docker exec), so it uses the
    container's network namespace and resolver. It works with busybox-style images (C(ping), C(nc), C(nslookup),
    C(wget) and C(timeout)); when an image lacks the tool a probe needs, that probe fails and says which tool is missing.
  - A probe from V(host) runs in Python on the managed host (where the module runs), without any proxy from
    the environment.
  - The task fails when any observed result differs from its expectation, with a message naming each failing
    pair. Every source container must exist and run, and every probe must be complete; otherwise the task fails
    before any probe runs.
  - The module only reads, so C(changed) is always V(false).
author:
  - labnet.docker maintainers (@labnet)
options:
  probes:
    description:
      - The probes to run, in order.
      - A probe from a container runs C(timeout) and C(ping) (O(probes[].kind=ping)), C(nc) (V(tcp)),
        C(nslookup) (V(dns)) or C(wget) (V(http)) inside it as root.
    type: list
    elements: dict
    required: true
    suboptions:
      from:
        description:
          - Where the probe starts. A container name or ID; the container must be running.
          - V(host) means the managed host, probing with Python.
        type: str
        required: true
      to:
        description:
          - The target. A container name (resolved by the source, as its programs would), a DNS name or an IP address.
          - For O(probes[].kind=dns), the name to look up.
          - For O(probes[].kind=http) with a full O(probes[].url), optional; it only names the target in results
            and messages and defaults to the URL's host.
          - From V(host), container names do not resolve (the host has no Docker DNS); use the container's IP address.
        type: str
      kind:
        description:
          - V(ping) sends ICMP echo requests; reachable when at least one is answered.
          - V(tcp) opens a TCP connection to O(probes[].port); reachable when it is accepted.
          - V(dns) looks O(probes[].to) up; reachable when it resolves (to O(probes[].address), when given).
            In a container it asks the container's DNS server with C(nslookup), so C(/etc/hosts) is not consulted;
            from V(host) it uses the host's resolver (C(getaddrinfo)), which may send the query off the machine.
          - V(http) fetches O(probes[].url) with GET, following redirects; reachable when the final answer has
            status O(probes[].status).
        type: str
        choices: [ping, tcp, dns, http]
        default: ping
      port:
        description:
          - TCP port. Required for V(tcp).
          - For V(http) with a path in O(probes[].url), the port to fetch it from (default 80).
        type: int
      url:
        description:
          - For V(http), required. A full C(http://) or C(https://) URL, or a path starting with C(/) that is fetched
            from O(probes[].to) over plain HTTP.
          - Certificates are not verified; the probe is about reachability, not trust.
        type: str
      status:
        description:
          - For V(http), the HTTP status the answer must have. Defaults to V(200).
        type: int
      address:
        description:
          - For V(dns), an IP address the name must resolve to (among others).
        type: str
      count:
        description:
          - For V(ping), how many echo requests to send, one a second. Defaults to V(1).
        type: int
      expect:
        description:
          - What the probe must observe.
          - A probe that cannot run (a missing tool) observes V(error), which matches neither.
        type: str
        choices: [reachable, unreachable]
        default: reachable
      timeout:
        description:
          - Seconds to wait for an answer. A ping probe ends after at most O(probes[].count) - 1 + O(probes[].timeout)
            seconds, any other after O(probes[].timeout) (plus a second for C(ping) and C(nc)); an unreachable
            target never hangs the task.
          - Names that Docker's embedded DNS does not know take about 5 seconds to fail there; with a shorter
            timeout such a lookup ends as V(unreachable) with "no answer".
        type: int
        default: 3
  parallel:
    description:
      - How many probes may run at the same time, from 1 (one after another) to 64.
      - Results are returned in the order of O(probes) whatever the order the probes finish in.
      - Probes that send requests to the same server (V(http) probes to one C(httpd)) may reach it in any order.
    type: int
    default: 16
notes:
  - A tool counts as present when the image has the program or, in a busybox image, when busybox provides it as
    an applet (busybox runs its own applets even without a link).
  - Up to O(parallel) probes run at the same time, so a matrix of unreachable targets takes about the sum of their
    timeouts divided by O(parallel), not the whole sum. Each probe is still bounded by its own O(probes[].timeout);
    waiting for a free slot does not count against it. With O(parallel=1) they run one after another.
  - Latency is the average round trip reported by C(ping) (or measured for ICMP from V(host)); for the other kinds it
    is the elapsed time of the whole probe, including the C(docker exec) round trip for container sources.
  - O(probes[].from=host) sends ICMP with a datagram ICMP socket, else a raw socket (root), else the host's C(ping)
    command; with none of these a ping probe from the host observes V(error).
'''

EXAMPLES = r'''
- name: On a user-defined bridge, web and db resolve and reach each other
  labnet.docker.network_probe:
    probes:
      - {from: web, to: db, kind: ping}
      - {from: web, to: db, kind: tcp, port: 5432}
      - {from: web, to: db, kind: dns}

- name: The default bridge gives no DNS for container names, and two bridges are isolated
  labnet.docker.network_probe:
    probes:
      - {from: legacy1, to: legacy2, kind: dns, expect: unreachable}
      - {from: legacy1, to: "{{ legacy2_ip }}", kind: ping}
      - {from: web, to: "{{ other_bridge_ip }}", kind: ping, expect: unreachable, timeout: 1}

- name: The published port answers on the host
  labnet.docker.network_probe:
    probes:
      - {from: host, to: web, kind: http, url: "http://127.0.0.1:8080/"}
      - {from: host, to: 127.0.0.1, kind: tcp, port: 8080}
      - {from: web, to: web, kind: http, url: /missing, status: 404}
  register: probe

- name: Show how long the ping took
  ansible.builtin.debug:
    msg: "{{ probe.results | map(attribute='latency_ms') | list }}"
'''

RETURN = r'''
results:
  description:
    - One entry per probe, in the order of O(probes). Also returned when the task fails because a probe did not hold.
    - C(status) is present for V(http) probes and C(addresses) for V(dns) probes.
  returned: success, and failure of an expectation
  type: list
  elements: dict
  sample:
    - probe: {from: c1, to: c2, kind: ping, expect: reachable, timeout: 3, count: 1}
      pair: c1 -> c2 ping
      expected: reachable
      observed: reachable
      ok: true
      latency_ms: 0.228
      error: null
      command: timeout 4 ping -c 1 -W 3 -w 3 c2
      output: |-
        PING c2 (10.203.1.3): 56 data bytes
        64 bytes from 10.203.1.3: seq=0 ttl=64 time=0.228 ms

        --- c2 ping statistics ---
        1 packets transmitted, 1 packets received, 0% packet loss
        round-trip min/avg/max = 0.228/0.228/0.228 ms
    - probe: {from: c1, to: c2, kind: dns, expect: reachable, timeout: 3}
      pair: c1 -> c2 dns
      expected: reachable
      observed: unreachable
      ok: false
      latency_ms: null
      error: "nslookup: write to '127.0.0.1': Connection refused; connection timed out; no servers could be reached"
      command: timeout 3 nslookup c2
      output: ";; connection timed out; no servers could be reached"
      addresses: []
    - probe: {from: host, to: web, kind: http, url: "http://127.0.0.1:8080/", status: 200, expect: reachable, timeout: 3}
      pair: host -> web http
      expected: reachable
      observed: reachable
      ok: true
      latency_ms: 2.113
      error: null
      command: "python: GET http://127.0.0.1:8080/ (no proxy, timeout 3 s)"
      output: null
      status: 200
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.labnet.docker.plugins.module_utils.common.connection import DOCKER_COMMON_ARGS, run_module
from ansible_collections.labnet.docker.plugins.module_utils.probe.spec import DEFAULT_PARALLEL, EXPECTATIONS, KINDS
from ansible_collections.labnet.docker.plugins.module_utils.probe.run import run_probes

PROBE_OPTIONS = {
    'from': dict(type='str', required=True),
    'to': dict(type='str'),
    'kind': dict(type='str', choices=list(KINDS), default='ping'),
    'port': dict(type='int'),
    'url': dict(type='str'),
    'status': dict(type='int'),
    'address': dict(type='str'),
    'count': dict(type='int'),
    'expect': dict(type='str', choices=list(EXPECTATIONS), default='reachable'),
    'timeout': dict(type='int', default=3),
}


def main():
    argument_spec = dict(probes=dict(type='list', elements='dict', required=True, options=PROBE_OPTIONS),
                         parallel=dict(type='int', default=DEFAULT_PARALLEL))
    argument_spec.update(DOCKER_COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_module(module, lambda api, mod: run_probes(api, mod.params['probes'], mod.params['parallel']))


if __name__ == '__main__':
    main()
