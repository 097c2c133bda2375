"""Shared fixtures: a fresh world, a fixed clock, a running mail host on free loopback ports."""

import shutil
import socket

import pytest

from mailkit.commands.base import Host
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def world(tmp_path):
    return create_world(tmp_path / "host")


@pytest.fixture
def running_host(world, clock):
    """A started HostRuntime (sendmail, and POP3/IMAP where built); stopped afterwards."""
    rt = HostRuntime(world, clock).start()
    try:
        yield rt
    finally:
        rt.stop()
        for service_port, (addr, port) in list(rt.ports.items()):
            with socket.socket() as s:  # the port must be free again
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((addr if addr != "0.0.0.0" else "127.0.0.1", port))


@pytest.fixture
def host(world, clock, running_host):
    return Host(world, clock, running_host)


def need(tool):
    """Skip a test when an external client program is missing."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (scripts/setup.sh installs it)")
    return shutil.which(tool)


@pytest.fixture
def ip(tmp_path, monkeypatch):
    """A real IPython shell with `%load_ext mailkit` (its own world, the fixed clock)."""
    from IPython.testing.globalipapp import get_ipython

    from mailkit.kernel import extension

    monkeypatch.setenv("MAILKIT_WORLD", str(tmp_path / "world"))
    monkeypatch.setenv("MAILKIT_CLOCK", "fixed")
    shell = get_ipython()
    shell.run_line_magic("load_ext", "mailkit")
    try:
        yield shell
    finally:
        shell.run_line_magic("unload_ext", "mailkit")
        extension.shutdown()


@pytest.fixture
def displayed(ip, monkeypatch):
    """Every bundle IPython.display.display publishes during the test."""
    bundles = []
    monkeypatch.setattr(ip.display_pub, "publish", lambda data, metadata=None, **kw: bundles.append(data))
    return bundles
