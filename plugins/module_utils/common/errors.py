# -*- coding: utf-8 -*-
# Copyright: labnet.docker contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type that library code in this collection raises, and the filters' one way to pass it on.

Entry points:

- :class:`LabnetDockerError` - raised by library code; connection.run_module turns it into fail_json.
- :func:`reraise_as` - wraps a function so that it raises another type with the same message where it
  raises LabnetDockerError: the filters' AnsibleFilterError, which module_utils cannot import.
"""

from __future__ import annotations

import functools


class LabnetDockerError(Exception):
    """An expected failure: bad input, a refused change or an unreachable daemon.

    ``details`` is merged into the module's failure result so that callers can
    inspect structured data (for example the list of differences) next to ``msg``.
    """

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.msg = msg
        self.details = details


def reraise_as(error_type):
    """A decorator: the function raises ``error_type(message)`` where it raises LabnetDockerError (no chain).

    ``filters = reraise_as(AnsibleFilterError)``, then ``free_subnet = filters(subnets.free_subnet)``.
    """
    def decorate(function):
        @functools.wraps(function)
        def call(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except LabnetDockerError as exc:
                raise error_type(str(exc)) from None
        return call
    return decorate
