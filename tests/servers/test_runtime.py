"""The host runtime: one thread and loop, idempotent start/stop/restart, ports freed, errors logged."""

import mailbox
import smtplib
import socket
import threading
import time

import pytest

from mailkit.core.cf import set_option
from mailkit.core.queue import Queue
from mailkit.servers.queue_runner import interval_of, parse_interval
from mailkit.servers.runtime import HostRuntime


def host_threads():
    return [t for t in threading.enumerate() if t.name == "mailkit-host"]


def port_is_free(addr, port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((addr, port))
        except OSError:
            return False
    return True


def wait_for(cond, timeout=10):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_start_stop_restart_are_idempotent_and_free_ports(world, clock):
    before = len(host_threads())
    rt = HostRuntime(world, clock)
    rt.start()
    rt.start()
    assert rt.running and len(host_threads()) == before + 1
    ports = dict(rt.ports)
    assert 25 in ports and ports[25][0] == "127.0.0.1"
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        assert s.noop() == (250, b"2.0.0 OK")
    rt.restart()
    assert rt.running and rt.ports == ports  # a restart binds the same real ports again
    rt.stop()
    rt.stop()
    assert not rt.running and len(host_threads()) == before
    for addr, port in ports.values():
        assert port_is_free(addr, port)
    rt.start()  # a stopped runtime starts again
    try:
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            assert s.noop()[0] == 250
    finally:
        rt.stop()


def test_concurrent_start_and_stop_leave_one_consistent_host(world, clock):
    rt = HostRuntime(world, clock)
    errors = []

    def hammer(i):
        try:
            for _ in range(3):
                rt.start() if i % 2 == 0 else rt.restart()
        except Exception as e:  # noqa: BLE001 - any error is the failure under test
            errors.append(e)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert rt.running and len(host_threads()) == 1
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            assert s.noop()[0] == 250
    finally:
        rt.stop()
    assert host_threads() == []


def test_stop_closes_open_connections(world, clock):
    rt = HostRuntime(world, clock).start()
    sock = socket.create_connection(rt.connect_address(25), timeout=5)
    assert sock.recv(200).startswith(b"220 ")
    rt.stop()
    assert sock.recv(200) == b""  # the server side went away with the daemon
    sock.close()


def test_errors_in_the_host_thread_go_to_maillog_not_the_terminal(running_host, world, capfd):
    def boom():
        raise RuntimeError("kaboom in the loop")

    running_host._loop.call_soon_threadsafe(boom)
    wait_for(lambda: "kaboom in the loop" in world.read_text("/var/log/maillog"))
    out, err = capfd.readouterr()
    assert "kaboom" not in out + err
    assert "SYSERR(root)" in world.read_text("/var/log/maillog")


def test_periodic_queue_run_delivers_queued_mail(world, clock, monkeypatch):
    cf = world.path("/etc/mail/sendmail.cf")
    cf.write_text(set_option(cf.read_text(), "DeliveryMode", "queueonly"))
    monkeypatch.setenv("MAILKIT_QUEUE_INTERVAL", "0.2")
    rt = HostRuntime(world, clock).start()
    try:
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: periodic\r\n\r\nlater\r\n")
        wait_for(lambda: rt.queue_runner.runs >= 1 and Queue(world, "/var/spool/mqueue").ids() == [])
        assert [m["Subject"] for m in mailbox.mbox(world.path("/var/spool/mail/bob"))] == ["periodic"]
    finally:
        rt.stop()
    assert rt.queue_runner.task is None


@pytest.mark.parametrize("text,seconds", [("15m", 900), ("-q1h", 3600), ("1h30m", 5400), ("30", 1800),
                                          ("2x", None), ("", None)])
def test_queue_interval_syntax(text, seconds):
    assert parse_interval(text) == seconds


def test_queue_interval_from_sysconfig_shows_in_the_start_line(world, clock, monkeypatch):
    monkeypatch.delenv("MAILKIT_QUEUE_INTERVAL", raising=False)
    assert interval_of(world) == 900
    path = world.path("/etc/sysconfig/sendmail")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("DAEMON=yes\nQUEUE=1h\n")
    assert interval_of(world) == 3600
    rt = HostRuntime(world, clock).start()
    rt.stop()
    assert "starting daemon (8.17.1.9): SMTP+queueing@01:00:00" in world.read_text("/var/log/maillog")


def test_daemon_on_all_addresses_is_shown_as_0_0_0_0(world, clock):
    cf = world.path("/etc/mail/sendmail.cf")
    cf.write_text(set_option(cf.read_text(), "DaemonPortOptions", "Port=smtp, Name=MTA"))
    rt = HostRuntime(world, clock).start()
    try:
        assert rt.ports[25][0] == "0.0.0.0"
        assert any(ln.addr == "0.0.0.0" and ln.port == 25 for ln in rt.listeners())
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            assert s.noop()[0] == 250
    finally:
        rt.stop()


def test_real_ports_fall_back_to_free_ones_when_25_cannot_be_bound(world, clock):
    with socket.socket() as holder:  # whoever has port 25 (or no root): mailkit must still run
        try:
            holder.bind(("127.0.0.1", 25))
            holder.listen()
        except OSError:
            pass
        rt = HostRuntime(world, clock, real_ports=True).start()
        try:
            assert rt.running and rt.ports[25][1] != 25
            with smtplib.SMTP(*rt.connect_address(25)) as s:
                assert s.noop()[0] == 250
        finally:
            rt.stop()


def test_addr_0_0_0_0_takes_another_port_when_its_port_is_held_on_another_loopback_address(world, clock):
    """0.0.0.0 binds every loopback address of /etc/hosts; another program holding the kept port
    on one of them (a client's source port, say) must not fail the restart."""
    import socket

    from mailkit.commands.base import Host, run
    from mailkit.servers.runtime import HostRuntime

    rt = HostRuntime(world, clock).start()
    try:
        port = rt.ports[25][1]
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.2", port))
            cf = world.path("/etc/mail/sendmail.cf")
            cf.write_text(cf.read_text().replace("Port=smtp,Addr=127.0.0.1", "Port=smtp,Addr=0.0.0.0"))
            assert run(Host(world, clock, rt), ["systemctl", "restart", "sendmail"]).code == 0
            assert rt.ports[25][0] == "0.0.0.0" and rt.ports[25][1] != port
            with socket.create_connection(("127.0.0.2", rt.ports[25][1]), timeout=5) as c:
                assert c.recv(100).startswith(b"220 ")
    finally:
        rt.stop()
