"""The next hop is untrusted too: a peer that says nothing, talks forever, sends endless or
binary reply lines costs the sending host a bounded time and memory, and what it said reaches
maillog and the DSN only as printable text. (The peers here are raw sockets registered as hosts
of the network, so the MTA's client may reach them.)"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from mailkit.core import esmtp, network, smtpclient
from tests.waiting import wait_until

from .conftest import SOA, ZONES, free_port

KOREA = "mail.korea.example"
EVIL = "127.0.0.9"


class Peer:
    """A listening socket on 127.0.0.9 that runs `script(conn)` for each connection."""

    def __init__(self, script):
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind((EVIL, free_port(EVIL)))
        self.srv.listen(5)
        self.port = self.srv.getsockname()[1]
        self.connections = 0
        self.received = b""

        def serve():
            while True:
                try:
                    c, _ = self.srv.accept()
                except OSError:
                    return
                self.connections += 1
                threading.Thread(target=self._run, args=(script, c), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()

    def _run(self, script, c):
        try:
            script(c, self)
        except OSError:
            pass
        finally:
            c.close()

    def close(self):
        self.srv.close()


@pytest.fixture
def evil_net(net):
    korea = net.add(KOREA)
    zones = dict(ZONES)
    zones["evil.example"] = ("$ORIGIN evil.example.\n$TTL 86400\n" + SOA +
                             "        IN  MX    10 mx.evil.example.\nmx IN A 127.0.0.9\n")
    net.write_zones(korea, zones)
    peers = []

    def register(script):
        p = Peer(script)
        peers.append(p)
        data = network.read_registry(net.registry)
        data["hosts"]["mx.evil.example"] = {"addr": EVIL, "root": "", "ports": {"25": p.port}}
        network.write_registry(net.registry, data)
        return p

    net.register = register
    yield net
    for p in peers:
        p.close()


def lines_to(net, rcpt):
    return [ln for ln in net.log(KOREA).splitlines() if f"to=<{rcpt}>" in ln]


def test_a_peer_that_never_greets_is_given_up_within_the_timeout(evil_net, monkeypatch):
    monkeypatch.setattr(esmtp, "REPLY_CAP", 1.0)
    peer = evil_net.register(lambda c, p: time.sleep(30))
    evil_net.start(KOREA)
    t0 = time.monotonic()
    evil_net.send(KOREA, "alice", ["x@evil.example"])
    assert wait_until(lambda: lines_to(evil_net, "x@evil.example"), 15)
    assert time.monotonic() - t0 < 10
    assert peer.connections == 1
    line = lines_to(evil_net, "x@evil.example")[0]
    assert line.endswith("relay=mx.evil.example. [127.0.0.9], dsn=4.4.2, stat=Deferred: Connection timed out with mx.evil.example.")
    # the log line comes before the queue file gets the reason
    assert wait_until(lambda: "Connection timed out with mx.evil.example." in evil_net.run(KOREA, ["mailq"]).out, 15)


def test_the_cf_timeout_option_is_read(evil_net):
    korea = evil_net.worlds[KOREA]
    cf = korea.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text().replace("#O Timeout.initial=5m", "O Timeout.initial=1s"))
    evil_net.register(lambda c, p: time.sleep(30))
    evil_net.start(KOREA)
    t0 = time.monotonic()
    evil_net.send(KOREA, "alice", ["x@evil.example"])
    assert wait_until(lambda: lines_to(evil_net, "x@evil.example"), 15)
    assert time.monotonic() - t0 < 8  # 1 s, not the 30 s cap
    assert "Connection timed out" in lines_to(evil_net, "x@evil.example")[0]


def endless_reply(c, p):
    c.sendall(b"220-mx.evil.example hello\r\n")
    for _ in range(100000):
        c.sendall(b"220-more and more and more\r\n")


def test_an_endless_reply_is_cut_off(evil_net):
    peer = evil_net.register(endless_reply)
    evil_net.start(KOREA)
    evil_net.send(KOREA, "alice", ["x@evil.example"])
    assert wait_until(lambda: lines_to(evil_net, "x@evil.example"), 15)
    assert lines_to(evil_net, "x@evil.example")[0].endswith("stat=Deferred: Remote protocol error")
    assert peer.connections == 1


def long_and_binary(c, p):
    c.sendall(b"220 mx.evil.example " + b"A" * 200000 + b"\r\n")
    f = c.makefile("rb")
    f.readline()  # EHLO
    c.sendall(b"250 mx.evil.example\r\n")
    f.readline()  # MAIL
    c.sendall(b"250 ok\r\n")
    f.readline()  # RCPT
    c.sendall(b"550 5.7.1 go away \x1b[31mred\x00\xff" + b"B" * 5000 + b"\r\n")
    f.readline()  # DATA
    c.sendall(b"503 5.0.0 Need RCPT\r\n")
    f.readline()
    c.sendall(b"221 bye\r\n")


def test_long_and_binary_reply_lines_are_cut_and_made_printable(evil_net):
    evil_net.register(long_and_binary)
    evil_net.start(KOREA)
    evil_net.send(KOREA, "alice", ["x@evil.example"])
    assert wait_until(lambda: "Returned mail" in evil_net.mbox(KOREA, "alice"), 15)
    line = lines_to(evil_net, "x@evil.example")[0]
    assert "reply=550 5.7.1 go away ?[31mred??BBB" in line and "stat=User unknown" in line
    assert len(line) < smtpclient.MAX_REPLY_LINE + 400
    raw = evil_net.worlds[KOREA].path("/var/log/maillog").read_bytes()
    assert b"\x1b" not in raw and b"\x00" not in raw
    dsn = evil_net.mbox(KOREA, "alice")
    assert "\x1b" not in dsn and "<<< 550 5.7.1 go away ?[31mred??" in dsn


def test_reply_reader_bounds():
    """The reader alone: a line with no end within the deadline, a line past MAXLINE, a peer
    that closes."""
    a, b = socket.socketpair()
    b.sendall(b"250 " + b"x" * 10000)  # no line end: the deadline ends it
    t0 = time.monotonic()
    with pytest.raises(smtpclient.SmtpTrouble) as e:
        smtpclient.Connection(a).reply(0.5)
    assert e.value.kind == "timeout" and time.monotonic() - t0 < 2
    a.close(), b.close()
    a, b = socket.socketpair()
    conn = smtpclient.Connection(a)
    b.sendall(b"250-" + b"x" * 10000 + b"\r\n250 ok\r\n")
    r = conn.reply(1)  # the long line is cut at MAXLINE, the reply goes on
    assert len(r.lines[0]) == smtpclient.MAX_REPLY_LINE and r.last == "250 ok"
    b.close()
    with pytest.raises(smtpclient.SmtpTrouble) as e:
        conn.reply(1)
    assert e.value.kind == "closed"
    a.close()
