"""Widget tests use the shared fixtures (tests/conftest.py): `world`, `clock`, `host` (running)."""

import pytest

from mailkit.commands.base import Host


@pytest.fixture
def offline_host(world, clock):
    """A host whose servers do not run (runtime None): files and commands only."""
    return Host(world, clock)


@pytest.fixture
def live_host(host):
    """The shared running host (sendmail on a free loopback port), stopped after the test."""
    return host
