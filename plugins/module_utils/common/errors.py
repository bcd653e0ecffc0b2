# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type that library code in this collection raises."""

from __future__ import annotations


class LabnetDockerError(Exception):
    """An expected failure: bad input, a refused change or an unreachable daemon.

    ``details`` is merged into the module's failure result so that callers can
    inspect structured data (for example the list of differences) next to ``msg``.
    """

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = details
