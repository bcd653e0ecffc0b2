"""Fixtures for integration tests against the real Docker daemon.

Every object a test makes is named with a per-test prefix and labelled with
this run's ID; teardown removes exactly those, even when the test fails.
"""

from __future__ import annotations

import itertools
import os
import sys
import uuid

import docker
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import remove_prefixed  # noqa: E402  (needs the path above)

RUN_ID = uuid.uuid4().hex[:8]
RUN_LABEL = 'labnet.test.run'
IMAGE = os.environ.get('LABNET_BUSYBOX_IMAGE', 'labnet/busybox:latest')
_counter = itertools.count(1)


@pytest.fixture(scope='session')
def docker_client():
    client = docker.from_env()
    client.ping()
    client.images.get(IMAGE)  # built by `make setup`; never pulled
    yield client
    client.close()


@pytest.fixture
def prefix(docker_client):
    """A name prefix unique to this test; objects with it are removed afterwards."""
    value = 'lntest-%s-%d' % (RUN_ID, next(_counter))
    yield value
    remove_prefixed(docker_client, value)


@pytest.fixture
def make_container(docker_client, prefix):
    """Start a busybox container named ``<prefix>-<suffix>`` that sleeps (or runs ``command``).

    ``image`` swaps in another local image (for example one a test built).
    """

    def factory(suffix, command=('sleep', '3600'), start=True, image=IMAGE, **kwargs):
        kwargs.setdefault('dns', ['127.0.0.1'])  # no lookups leave this machine
        labels = dict(kwargs.pop('labels', {}) or {})
        labels[RUN_LABEL] = RUN_ID
        create = docker_client.containers.run if start else docker_client.containers.create
        extra = {'detach': True} if start else {}
        return create(image, list(command), name='%s-%s' % (prefix, suffix), labels=labels, **extra, **kwargs)

    return factory
