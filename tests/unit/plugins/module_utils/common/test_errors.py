"""The filters' one way to pass LabnetDockerError on: the same message, another type, no chain (pure)."""

import pytest

from ansible_collections.labnet.docker.plugins.module_utils.common.errors import LabnetDockerError, reraise_as


class HostError(Exception):
    pass


def refuse(value, reason='bad'):
    """Refuse ``value``."""
    if value is None:
        raise LabnetDockerError('%s: %r' % (reason, value), problems=[reason])
    if value == 'other':
        raise ValueError('not ours')
    return value


def test_reraise_as_passes_results_and_keeps_the_name():
    wrapped = reraise_as(HostError)(refuse)
    assert wrapped('ok') == 'ok' and wrapped.__name__ == 'refuse' and wrapped.__doc__ == 'Refuse ``value``.'


def test_reraise_as_raises_the_other_type_with_the_message_and_no_chain():
    with pytest.raises(HostError, match=r'^worse: None$') as caught:
        reraise_as(HostError)(refuse)(None, reason='worse')
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_reraise_as_leaves_other_errors_alone():
    with pytest.raises(ValueError, match='not ours'):
        reraise_as(HostError)(refuse)('other')
