# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback of the reliability suite: a result and the daemon's listings after every task.

When the play starts ({"task": "(start)"}) and after every task that ran (ok or failed;
skipped ones are not recorded) it appends {"task", "result", "time", "networks",
"containers"} to LNREL_GEN_OUT, reading the daemon's two listings over the unix socket in
LNREL_GEN_SOCKET itself (not through the collection); without a socket only the results
are recorded. It runs in the ansible-playbook process, after the task's result arrived
and before the next task starts, so the bad-input table (test_bad_input.py) compares the
engine before and after each case without a task between cases.

For the generated bad-input test (test_generated_input.py), after a task whose
name ends with " again", or a failed task whose name ends with " real", it puts the engine back as the case found it: networks whose names
start with one of LNREL_GEN_CLEAN (comma separated) are removed, and the containers
named in LNREL_GEN_BASELINE (JSON {container: [networks it keeps]}) leave every other
network (and join those they keep again if a case took them off). Then it appends one
more listing, {"task": "(clean) <task>"}, so the next case is judged against the state
it really starts from.
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: rel_record
type: aggregate
short_description: Record results and listings after every task, and clean up after each generated case (tests only)
description:
  - Appends each task's result and the daemon's listings to LNREL_GEN_OUT; cleans up after each case.
requirements:
  - enable in callbacks_enabled
'''

import http.client
import json
import os
import socket
import time
from urllib.parse import quote

from ansible.plugins.callback import CallbackBase


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost', timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def _call(path, method, url, body=None):
    conn = _UnixConnection(path)
    try:
        headers = {'Content-Type': 'application/json'} if body is not None else {}
        conn.request(method, '/v1.41' + url, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, (json.loads(data) if data and method == 'GET' else None)
    finally:
        conn.close()


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'rel_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.socket = os.environ.get('LNREL_GEN_SOCKET')
        self.out = os.environ.get('LNREL_GEN_OUT')
        self.clean = [p for p in os.environ.get('LNREL_GEN_CLEAN', '').split(',') if p]
        self.baseline = json.loads(os.environ.get('LNREL_GEN_BASELINE') or '{}')

    def _record(self, label, result=None):
        if not self.out:
            return
        line = dict(task=label, result=result, time=time.time())
        if self.socket:  # without a socket only the results are recorded (test_converge16.py)
            line.update(networks=_call(self.socket, 'GET', '/networks')[1],
                        containers=_call(self.socket, 'GET', '/containers/json?all=1')[1])
        with open(self.out, 'a') as handle:
            handle.write(json.dumps(line, default=str) + '\n')

    def _clean_up(self, label):
        networks = _call(self.socket, 'GET', '/networks')[1]
        containers = _call(self.socket, 'GET', '/containers/json?all=1')[1]
        doomed = set(row['Id'] for row in networks if any(row['Name'].startswith(p) for p in self.clean))
        for row in containers:
            name = row['Names'][0].lstrip('/')
            keep = self.baseline.get(name)
            for net_name, endpoint in ((row.get('NetworkSettings') or {}).get('Networks') or {}).items():
                if keep is None and endpoint.get('NetworkID') not in doomed:
                    continue
                if keep is not None and net_name in keep:
                    continue
                target = endpoint.get('NetworkID') or net_name
                status, dummy = _call(self.socket, 'POST', '/networks/%s/disconnect' % quote(target, safe=''),
                                      dict(Container=row['Id'], Force=True))
                if status >= 400:  # a half-made endpoint: a plain connect makes it whole, then it goes
                    _call(self.socket, 'POST', '/networks/%s/connect' % quote(target, safe=''),
                          dict(Container=row['Id'], EndpointConfig={}))
                    _call(self.socket, 'POST', '/networks/%s/disconnect' % quote(target, safe=''),
                          dict(Container=row['Id'], Force=True))
            for net_name in keep or []:  # a case that disconnected a container from a network it keeps
                if net_name not in ((row.get('NetworkSettings') or {}).get('Networks') or {}):
                    _call(self.socket, 'POST', '/networks/%s/connect' % quote(net_name, safe=''),
                          dict(Container=row['Id'], EndpointConfig={}))
        for net_id in doomed:
            _call(self.socket, 'DELETE', '/networks/%s' % net_id)
        self._record('(clean) ' + label)

    def _after(self, result, failed):
        label = result.task_name
        # The result a callback gets has no 'failed' key (the callback method says it): put it back.
        self._record(label, dict(result._result, failed=True) if failed else result._result)
        if self.socket and (label.endswith(' again') or (failed and label.endswith(' real'))):
            self._clean_up(label)

    def v2_playbook_on_play_start(self, play):
        self._record('(start)')

    def v2_runner_on_ok(self, result):
        self._after(result, False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._after(result, True)
