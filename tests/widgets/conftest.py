"""A world and a running host for the widget tests (real sockets on free loopback ports)."""

from datetime import datetime, timedelta, timezone

import pytest

from mailkit.commands.base import Host
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 29, 9, 0, 0, tzinfo=timezone(timedelta(hours=9))))


@pytest.fixture
def offline_host(tmp_path, clock):
    """A host whose servers do not run (runtime None): files and commands only."""
    return Host(create_world(tmp_path / "world"), clock)


@pytest.fixture
def live_host(tmp_path, clock):
    from mailkit.servers.runtime import HostRuntime

    world = create_world(tmp_path / "world")
    rt = HostRuntime(world, clock).start()
    try:
        yield Host(world, clock, rt)
    finally:
        rt.stop()
