"""Hole 15: `Addr=0.0.0.0` (course chapter 04) must not open the mail host to the network.

In a kernel, and in `mailkit serve` unless it is started with --bind-as-configured, the
daemons bind loopback addresses only, whatever sendmail.cf asks for; netstat and ss still
show the address the cf names (0.0.0.0:25), as they would on a real host.
"""

import ipaddress
import shutil
import smtplib
import socket
import subprocess

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.cf import set_option
from mailkit.servers.runtime import HostRuntime


def this_machines_other_addresses():
    """The IPv4 addresses of this machine's interfaces that are not loopback ones."""
    found = set()
    if shutil.which("ip"):
        out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            fields = line.split()
            if "inet" in fields:
                found.add(fields[fields.index("inet") + 1].split("/")[0])
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except OSError:
        pass
    return sorted(a for a in found if not ipaddress.ip_address(a).is_loopback)


def refuses(addr, port) -> bool:
    try:
        with socket.create_connection((addr, port), timeout=2):
            return False
    except OSError:
        return True


def set_daemon_address(world, addr):
    path = world.path("/etc/mail/sendmail.cf")
    path.write_text(set_option(path.read_text(), "DaemonPortOptions", f"Port=smtp,Addr={addr}, Name=MTA"))


def test_addr_0000_binds_loopback_only_and_shows_0000(world, clock, running_host):
    others = this_machines_other_addresses()
    if not others:
        pytest.skip("this machine has no interface address outside 127.0.0.0/8")
    host = Host(world, clock, running_host)
    set_daemon_address(world, "0.0.0.0")
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    _, port = running_host.connect_address(25)
    for addr in others:
        assert refuses(addr, port), f"the mail host answers on {addr}:{port}"
    with smtplib.SMTP(*running_host.connect_address(25), timeout=5) as s:
        assert s.noop()[0] == 250
    rows = [line for line in run(host, ["netstat", "-tlnp"]).out.splitlines() if ":25 " in line]
    assert len(rows) == 1 and rows[0].split()[3] == "0.0.0.0:25"
    assert "0.0.0.0:25" in run(host, ["ss", "-ltn"]).out


def test_a_kernel_session_binds_loopback_only(tmp_path, monkeypatch):
    from mailkit.kernel.session import Session

    others = this_machines_other_addresses()
    if not others:
        pytest.skip("this machine has no interface address outside 127.0.0.0/8")
    monkeypatch.delenv("MAILKIT_WORLD", raising=False)
    session = Session(root=tmp_path / "world")
    set_daemon_address(session.world, "0.0.0.0")
    session.start()
    try:
        for service_port in (25, 110, 143):
            _, port = session.connect(service_port)
            assert all(refuses(addr, port) for addr in others), service_port
    finally:
        session.stop()


def test_a_non_loopback_address_is_shown_and_reached_through_loopback(world, clock):
    set_daemon_address(world, "192.0.2.10")
    rt = HostRuntime(world, clock).start()
    try:
        addr, port = rt.connect_address(25)
        assert ipaddress.ip_address(addr).is_loopback
        with smtplib.SMTP(addr, port, timeout=5) as s:
            assert s.noop()[0] == 250
        out = run(Host(world, clock, rt), ["netstat", "-tln"]).out
        assert "192.0.2.10:25" in out
    finally:
        rt.stop()
