"""A mail host with named started on a free loopback port; what the DNS tests share."""

import pytest

from mailkit.commands.base import Host


@pytest.fixture
def named(running_host):
    """The running host with its named service started; stopped with the host."""
    running_host.start_service("named")
    return running_host


@pytest.fixture
def dns_port(named):
    addr, port = named.connect_address(53)
    assert addr == "127.0.0.1"
    return port


@pytest.fixture
def dns_host(world, clock, named):
    return Host(world, clock, named)


@pytest.fixture
def write_zone(world):
    """Write /var/named/NAME.zone with a new mtime (a rewrite within one tick is still seen)."""
    import os

    def write(name, text):
        path = world.path(f"/var/named/{name}.zone")
        old = path.stat().st_mtime_ns if path.exists() else 0
        path.write_text(text)
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, max(st.st_mtime_ns, old + 1_000_000)))
        return path

    return write


@pytest.fixture
def test_zone():
    return TEST_ZONE


TEST_ZONE = """$ORIGIN test.example.
$TTL 3600
@       IN SOA ns.test.example. root.test.example. ( 7 3600 900 604800 86400 )
        IN NS  ns
        IN MX  5 mx
ns      IN A   127.0.0.1
mx      IN A   127.0.0.9
"""
