"""POP3 bounds (issue 10, holes 4 and 7): connection caps and timeouts, in Dovecot 2.3's words."""

import socket
import subprocess
import time

import pytest

from mailkit.servers import limits


@pytest.fixture
def short(monkeypatch):
    lim = limits.Limits(login_timeout=0.6, imap_autologout=0.6, pop3_autologout=0.6,
                        login_client_limit=3, mail_max_userip_connections=1,
                        auth_failure_delay=0.05, auth_penalty_init=0.05, auth_penalty_max=0.2)
    monkeypatch.setattr(limits, "DEFAULTS", lim, raising=False)
    return lim


class Client:
    def __init__(self, addr):
        self.s = socket.create_connection(addr, timeout=10)
        self.f = self.s.makefile("rb")
        self.greeting = self.f.readline()

    def cmd(self, line: bytes) -> bytes:
        self.s.sendall(line + b"\r\n")
        return self.f.readline()

    def rest(self, timeout=5) -> bytes:
        self.s.settimeout(timeout)
        try:
            return self.f.read()
        except (TimeoutError, socket.timeout):
            return b"<still open>"

    def close(self):
        self.f.close()
        self.s.close()


def login(addr) -> Client:
    c = Client(addr)
    assert c.cmd(b"USER bob").startswith(b"+OK")
    assert c.cmd(b"PASS secret") == b"+OK Logged in.\r\n"
    return c


def test_pop3_userip_limit_refuses_as_dovecot(running_host, short):
    addr = running_host.connect_address(110)
    first = login(addr)
    c = Client(addr)
    c.cmd(b"USER bob")
    assert c.cmd(b"PASS secret") == \
        b"-ERR [IN-USE] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=1)\r\n"
    assert c.rest() == b""
    assert first.cmd(b"QUIT").startswith(b"+OK")
    first.close()
    time.sleep(0.2)
    login(addr).close()


def test_pop3_preauth_connections_are_capped_oldest_dropped(running_host, short):
    addr = running_host.connect_address(110)
    clients = [Client(addr) for _ in range(4)]
    assert clients[0].rest() == b"-ERR Connection queue full\r\n"
    for c in clients[1:]:
        assert c.cmd(b"CAPA").startswith(b"+OK")
        c.close()


def test_pop3_close_without_quit_leaves_no_close_wait_and_no_fds(running_host, short):
    import os
    addr = running_host.connect_address(110)
    fds = len(os.listdir("/proc/self/fd"))
    for i in range(300):
        s = socket.create_connection(addr, timeout=10)
        if i % 3 == 1:
            s.recv(100)
            s.sendall(b"USER bob\r\nPASS secret\r\n")
            s.recv(100)
        elif i % 3 == 2:
            s.shutdown(socket.SHUT_WR)
        s.close()
    time.sleep(1)
    out = subprocess.run(["ss", "-tanH", "state", "close-wait", f"( sport = :{addr[1]} )"],
                         capture_output=True, text=True).stdout
    assert out.strip() == ""
    assert len(os.listdir("/proc/self/fd")) <= fds + 5
    login(addr).close()  # still serving


def test_pop3_preauth_client_is_disconnected_for_inactivity(running_host, short, world):
    c = Client(running_host.connect_address(110))
    t = time.monotonic()
    assert c.rest() == b"-ERR Disconnected for inactivity.\r\n"
    assert 0.5 <= time.monotonic() - t < 4
    time.sleep(0.2)
    assert "pop3-login: Disconnected: Inactivity (no auth attempts in" in world.path("/var/log/maillog").read_text()


def test_pop3_logged_in_client_is_logged_out_for_inactivity(running_host, short, world):
    c = login(running_host.connect_address(110))
    assert c.rest() == b"-ERR Disconnected for inactivity.\r\n"
    time.sleep(0.2)
    assert "pop3(bob): Disconnected: Inactivity" in world.path("/var/log/maillog").read_text()
    login(running_host.connect_address(110)).close()  # the mailbox was let go


def test_pop3_client_that_stops_reading_is_cut_off(running_host, short, world):
    from datetime import datetime

    from mailkit.core.deliver import append_mbox, mbox_entry
    body = b"Subject: big\n\n" + (b"x" * 999 + b"\n") * 2000  # 2 MB
    append_mbox(world.path("/var/spool/mail/bob"), mbox_entry(body, "alice@localhost", datetime(2026, 11, 29, 9)))
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(running_host.connect_address(110))
    s.sendall(b"USER bob\r\nPASS secret\r\n" + b"RETR 1\r\n" * 20)  # and never read
    time.sleep(3)  # pop3_autologout is 0.6 s in `short`: the stalled output ends the session
    s.settimeout(5)
    got, end = 0, None
    try:
        while True:
            d = s.recv(1 << 16)
            if not d:
                end = "eof"
                break
            got += len(d)
    except ConnectionResetError:
        end = "reset"
    except (TimeoutError, socket.timeout):
        end = "still open"
    s.close()
    assert end in ("eof", "reset") and got < 20 * len(body), (end, got)
