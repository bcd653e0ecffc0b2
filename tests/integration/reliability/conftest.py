"""Fixtures of the reliability suite: a private Docker engine with TLS. Its figures (rel_figures) are printed at
the end by tests/integration/conftest.py."""

from __future__ import annotations

import os

import pytest

from ansible_collections.labnet.docker.tests.integration.reliability.rel_certs import make_tls_material
from ansible_collections.labnet.docker.tests.integration.reliability.rel_engine import PrivateEngine, unavailable_reason

IMAGE = os.environ.get('LABNET_BUSYBOX_IMAGE', 'labnet/busybox:latest')


@pytest.fixture(scope='session')
def tls_files(tmp_path_factory):
    """CA, daemon and client certificates (and an unrelated CA) made for this session."""
    return make_tls_material(str(tmp_path_factory.mktemp('tls')))


@pytest.fixture(scope='session')
def engine(tls_files, host_client):
    """A private dockerd (unix socket, plus TCP with --tlsverify) that tests may restart and stop."""
    reason = unavailable_reason()
    if reason:
        # `make test` sets LABNET_REQUIRE_PRIVATE_ENGINE: there a missing tool fails the suite instead of
        # skipping the reliability tests quietly.
        message = 'private Docker engine unavailable: %s' % reason
        if os.environ.get('LABNET_REQUIRE_PRIVATE_ENGINE'):
            pytest.fail(message)
        pytest.skip(message)
    private = PrivateEngine(tls_files)
    try:
        private.start()
        private.load_image(host_client, IMAGE)
        yield private
    finally:
        private.close()


@pytest.fixture
def live_engine(engine):
    """The private engine, started again if an earlier test left it stopped."""
    if not engine.running:
        engine.start()
    return engine
