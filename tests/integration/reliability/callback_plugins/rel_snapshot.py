# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: after every task, read the daemon's network and container listings.

The reliability suite's bad-input table uses it to compare the engine before and
after each case without a snapshot task between cases. It runs in the
ansible-playbook process, after the task's result arrived and before the next
task starts, and talks HTTP to the daemon's unix socket itself (not through
the collection). Settings: LNREL_SNAPSHOT_SOCKET (the daemon's socket) and
LNREL_SNAPSHOT_OUT (a JSON-lines file it appends {"task", "networks", "containers"} to).
"""

from __future__ import annotations

DOCUMENTATION = r'''
name: rel_snapshot
type: aggregate
short_description: Append the daemon's listings after every task (reliability tests only)
description:
  - Reads GET /networks and GET /containers/json?all=1 from the Docker socket in LNREL_SNAPSHOT_SOCKET
    when the play starts and after every task, and appends them to LNREL_SNAPSHOT_OUT.
requirements:
  - enable in callbacks_enabled
'''

import http.client
import json
import os
import socket

from ansible.plugins.callback import CallbackBase


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost', timeout=60)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def _get(path, url):
    conn = _UnixConnection(path)
    try:
        conn.request('GET', url)
        response = conn.getresponse()
        return json.loads(response.read())
    finally:
        conn.close()


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'rel_snapshot'
    CALLBACK_NEEDS_ENABLED = True

    def _snapshot(self, label):
        path, out = os.environ.get('LNREL_SNAPSHOT_SOCKET'), os.environ.get('LNREL_SNAPSHOT_OUT')
        if not (path and out):
            return
        line = dict(task=label, networks=_get(path, '/v1.41/networks'),
                    containers=_get(path, '/v1.41/containers/json?all=1'))
        with open(out, 'a') as handle:
            handle.write(json.dumps(line) + '\n')

    def v2_playbook_on_play_start(self, play):
        self._snapshot('(start)')

    def v2_runner_on_ok(self, result):
        self._snapshot(result.task_name)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._snapshot(result.task_name)
