"""SMTP connections cannot be hoarded: a client that leaves is closed at once, and the number
of open sessions is capped per daemon (MaxDaemonChildren) and per client address, refused with
sendmail's own words."""

import socket
import time

from mailkit.commands.base import run
from mailkit.core import maillog
from mailkit.core.cf import set_option
from mailkit.servers import smtp

from smtp_dialogue import Dialogue

CLOSE_WAIT = "08"  # /proc/net/tcp state


def sockets_in_state(port: int, state: str) -> int:
    """Sockets of this host whose local end is 127.x:port, in a TCP state of /proc/net/tcp."""
    n = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            local, st = fields[1], fields[3]
            if int(local.split(":")[1], 16) == port and st == state:
                n += 1
    return n


def wait_until(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def greeting(addr, source="127.0.0.1"):
    s = socket.create_connection(addr, timeout=10, source_address=(source, 0))
    return s, s.makefile("rb").readline().decode("ascii")


def restart_with(host, **options):
    path = host.world.path("/etc/mail/sendmail.cf")
    text = path.read_text()
    for name, value in options.items():
        text = set_option(text, name, value)
    path.write_text(text)
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0


def test_a_client_that_leaves_without_quit_is_closed_at_once(host):
    addr = host.runtime.connect_address(25)
    socks = []
    for i in range(16):  # under MaxDaemonChildren (20) and the per-client limit (10)
        s, line = greeting(addr, source=f"127.0.0.{10 + i % 2}")
        assert line.startswith("220 ")
        socks.append(s)
    socks[0].sendall(b"EHLO x\r\nMAIL FROM:<alice@localhost>\r\n")  # one leaves mid-transaction
    for s in socks:
        s.close()
    # sendmail's child exits when its client is gone; nothing stays half-open for Timeout.*
    assert wait_until(lambda: sockets_in_state(addr[1], CLOSE_WAIT) == 0), \
        f"{sockets_in_state(addr[1], CLOSE_WAIT)} sockets left in CLOSE-WAIT"
    assert not host.runtime._mtas[0].sessions


def test_pipelined_commands_before_the_client_half_closes_are_all_answered(host):
    s = socket.create_connection(host.runtime.connect_address(25), timeout=10)
    f = s.makefile("rb")
    f.readline()
    s.sendall(b"HELO x\r\nMAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\n"
              b"Subject: half-closed\r\n\r\nbody\r\n.\r\nQUIT\r\n")
    s.shutdown(socket.SHUT_WR)
    replies = [ln.decode() for ln in f.read().splitlines()]
    s.close()
    assert [r[:3] for r in replies] == ["250", "250", "250", "354", "250", "221"], replies


def test_a_thousand_connect_close_cycles_leave_smtp_serving(host):
    addr = host.runtime.connect_address(25)
    t0 = time.monotonic()
    for _ in range(1000):
        s = socket.create_connection(addr, timeout=10)
        s.close()
        assert time.monotonic() - t0 < 60
    assert wait_until(lambda: sockets_in_state(addr[1], CLOSE_WAIT) == 0, timeout=10)
    d = Dialogue(addr)
    assert d.greeting.startswith("220 ")
    assert d.send("NOOP") == "250 2.0.0 OK"
    d.close()


def test_max_daemon_children_refuses_the_next_connection(host):
    restart_with(host, MaxDaemonChildren="3")
    addr = host.runtime.connect_address(25)
    held = []
    for _ in range(3):
        s, line = greeting(addr)
        assert line.startswith("220 ")
        held.append(s)
    s, line = greeting(addr)
    assert line == "421 4.3.2 Too many open connections.\r\n"
    assert s.recv(10) == b""  # and closed
    s.close()
    assert any("rejecting connections on daemon MTA: 3 children, max 3" in ln
               for ln in maillog.read(host.world))
    held.pop().close()
    assert wait_until(lambda: len(host.runtime._mtas[0].sessions) == 2)
    s, line = greeting(addr)
    assert line.startswith("220 ")
    s.close()
    for h in held:
        h.close()


def test_one_client_address_cannot_take_every_session(host):
    addr = host.runtime.connect_address(25)
    per_client = smtp.DEFAULT_CLIENT_CONN
    held = []
    for _ in range(per_client):
        s, line = greeting(addr, source="127.0.0.2")
        assert line.startswith("220 ")
        held.append(s)
    s, line = greeting(addr, source="127.0.0.2")
    assert line == "421 4.3.2 Too many open connections.\r\n"
    s.close()
    s, line = greeting(addr, source="127.0.0.3")  # another client is still served
    assert line.startswith("220 ")
    s.close()
    for h in held:
        h.close()


def test_access_map_client_conn_and_client_rate_as_the_conncontrol_feature(host):
    """FEATURE(`conncontrol', `', `terminate') and FEATURE(`ratecontrol', `', `terminate') in
    the cf: ClientConn:/ClientRate: entries of the access map give each client its limits."""
    w = host.world
    cf = w.path("/etc/mail/sendmail.cf")
    text = cf.read_text()
    cf.write_text(text + "\nSConnControl\nR<$+> $| TRUE\t$#error $@ 4.3.2 $: 421 Too many open connections.\n"
                  "\nSRateControl\nR<$+> $| TRUE\t$#error $@ 4.3.2 $: 421 Connection rate limit exceeded.\n")
    access = w.path("/etc/mail/access")
    access.write_text(access.read_text() + "ClientConn:127.0.0.4\t1\nClientRate:127.0.0.5\t2\n")
    assert run(host, ["makemap", "hash", "/etc/mail/access"], stdin=access.read_text()).code == 0
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    addr = host.runtime.connect_address(25)
    a, line = greeting(addr, source="127.0.0.4")
    assert line.startswith("220 ")
    b, line = greeting(addr, source="127.0.0.4")
    assert line == "421 4.3.2 Too many open connections.\r\n"
    a.close()
    b.close()
    lines = []
    for _ in range(3):
        s, line = greeting(addr, source="127.0.0.5")
        lines.append(line)
        s.close()
    assert lines[:2] == [lines[0]] * 2 and lines[0].startswith("220 ")
    assert lines[2] == "421 4.3.2 Connection rate limit exceeded.\r\n"


def test_connection_rate_throttle_delays_a_burst(host):
    restart_with(host, ConnectionRateThrottle="2")
    addr = host.runtime.connect_address(25)
    waits = []
    for i in range(8):  # from several addresses: the per-client limit is not what is tested
        t0 = time.monotonic()
        s, line = greeting(addr, source=f"127.0.0.{20 + i}")
        waits.append(time.monotonic() - t0)
        assert line.startswith("220 ")
        s.close()
    assert max(waits) >= 0.9, waits  # sendmail sleeps a second before it goes on accepting
    assert any("deferring connections on daemon MTA: 2 per second" in ln for ln in maillog.read(host.world))
