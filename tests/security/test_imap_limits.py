"""IMAP bounds (issue 10, holes 4, 5, 7, 10): connection caps, literal and line sizes, timeouts,
deep nesting. Each refusal is worded as Dovecot 2.3 words it (seen from the real one)."""

import socket
import time

import pytest

from mailkit.servers import limits

BYE_INACTIVE = b"* BYE Disconnected for inactivity.\r\n"


@pytest.fixture
def short(monkeypatch):
    """Small limits so the tests need no minutes; the servers read them per connection."""
    lim = limits.Limits(login_timeout=0.6, imap_autologout=0.6, pop3_autologout=0.6,
                        login_client_limit=3, mail_max_userip_connections=2,
                        auth_failure_delay=0.05, auth_penalty_init=0.05, auth_penalty_max=0.2)
    monkeypatch.setattr(limits, "DEFAULTS", lim, raising=False)
    return lim


class Client:
    def __init__(self, addr):
        self.s = socket.create_connection(addr, timeout=10)
        self.f = self.s.makefile("rb")
        self.greeting = self.f.readline()

    def send(self, data: bytes):
        self.s.sendall(data)

    def line(self) -> bytes:
        return self.f.readline()

    def until_tagged(self, tag: bytes) -> list[bytes]:
        out = []
        while True:
            ln = self.f.readline()
            out.append(ln)
            if not ln or ln.startswith(tag + b" "):
                return out

    def rest(self, timeout=5) -> bytes:
        """What the server still sends until it closes (b"" plus a timeout error if it does not)."""
        self.s.settimeout(timeout)
        try:
            return self.f.read()
        except (TimeoutError, socket.timeout):
            return b"<still open>"

    def close(self):
        self.f.close()
        self.s.close()


def login(addr, user=b"bob") -> Client:
    c = Client(addr)
    c.send(b"a LOGIN " + user + b" secret\r\n")
    assert c.line().startswith(b"a OK")
    return c


# -- hole 4: caps ------------------------------------------------------------------------

def test_imap_userip_limit_refuses_the_next_login_as_dovecot(running_host, short):
    addr = running_host.connect_address(143)
    first = [login(addr), login(addr)]
    c = Client(addr)
    c.send(b"a LOGIN bob secret\r\n")
    assert c.line() == b"a NO [LIMIT] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=2)\r\n"
    assert c.rest() == b""  # and the connection ends, as imap-login ends it
    first[0].send(b"z LOGOUT\r\n")
    first[0].until_tagged(b"z")
    first[0].close()
    time.sleep(0.2)
    again = login(addr)  # a slot is free again
    for x in (first[1], again):
        x.close()


def test_imap_preauth_connections_are_capped_oldest_dropped(running_host, short):
    addr = running_host.connect_address(143)
    clients = [Client(addr) for _ in range(4)]  # login_client_limit=3 in `short`
    assert clients[0].rest() == b"* BYE Connection queue full\r\n"
    for c in clients[1:]:
        c.send(b"n NOOP\r\n")
        assert c.line().startswith(b"n OK")
        c.close()


def test_imap_close_without_logout_leaves_no_close_wait(running_host, short):
    addr = running_host.connect_address(143)
    for i in range(150):
        s = socket.create_connection(addr, timeout=10)
        if i % 3 == 1:
            s.sendall(b"a LOGIN {5}\r\n")  # mid-literal
        elif i % 3 == 2:
            s.recv(100)
            s.sendall(b"a LOGIN bob secret\r\n")
        s.close()
    time.sleep(1)
    out = __import__("subprocess").run(["ss", "-tanH", "state", "close-wait", f"( sport = :{addr[1]} )"],
                                       capture_output=True, text=True).stdout
    assert out.strip() == ""
    login(addr).close()  # still serving


# -- hole 5: literals and lines --------------------------------------------------------------

def test_imap_preauth_literal_over_8k_is_refused_before_reading_it(running_host):
    addr = running_host.connect_address(143)
    c = Client(addr)
    c.send(b"a LOGIN {50000000}\r\n")
    assert c.rest() == b"* BYE Literal size too large\r\n"
    c = Client(addr)
    c.send(b"a LOGIN {8000}\r\n")
    assert c.line() == b"+ OK\r\n"
    c.close()


def test_imap_preauth_many_literals_in_one_command_are_bounded(running_host):
    c = Client(running_host.connect_address(143))
    data = b"a ID (" + b"".join(b'"k" {4000+}\r\n' + b"x" * 4000 + b" " for _ in range(10)) + b")\r\n"
    try:
        c.send(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert c.rest().startswith(b"* BYE Literal size too large\r\n")


def test_imap_preauth_long_line_input_buffer_full(running_host):
    c = Client(running_host.connect_address(143))
    c.send(b"a NOOP " + b"x" * 4000 + b"\r\n")
    assert c.line() == b"* BYE Input buffer full, aborting\r\n"


def test_imap_after_login_long_argument_is_bad_and_the_session_goes_on(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"c SELECT " + b"x" * 100_000 + b"\r\n")
    assert c.line() == b"c BAD Error in IMAP command SELECT: Too long argument.\r\n"
    c.send(b"d NOOP\r\n")
    assert c.until_tagged(b"d")[-1].startswith(b"d OK")
    c.close()


def test_imap_after_login_non_append_literal_over_64k_is_refused(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"c SEARCH TEXT {70000}\r\n")
    assert c.rest() == b"* BYE Literal size too large\r\n"


def test_imap_append_literals_are_bounded_in_total(running_host, monkeypatch):
    from mailkit.servers import imap as imap_server
    monkeypatch.setattr(imap_server, "MAX_APPEND", 10_000)
    c = login(running_host.connect_address(143))
    c.send(b"c APPEND INBOX {6000+}\r\n" + b"x" * 6000 + b" {6000}\r\n")
    assert c.rest() == b"* BYE Literal size too large\r\n"


# -- hole 7: timeouts ---------------------------------------------------------------------------

def test_imap_preauth_client_is_disconnected_for_inactivity(running_host, short, world):
    c = Client(running_host.connect_address(143))
    t = time.monotonic()
    assert c.rest() == BYE_INACTIVE
    assert 0.5 <= time.monotonic() - t < 4
    time.sleep(0.2)
    assert "imap-login: Disconnected: Inactivity (no auth attempts in" in world.path("/var/log/maillog").read_text()


def test_imap_logged_in_client_is_logged_out_for_inactivity(running_host, short, world):
    c = login(running_host.connect_address(143))
    assert c.rest() == BYE_INACTIVE
    time.sleep(0.2)
    assert "imap(bob): Disconnected: Inactivity" in world.path("/var/log/maillog").read_text()


def test_imap_idle_client_is_logged_out_for_inactivity(running_host, short):
    c = login(running_host.connect_address(143))
    c.send(b"b SELECT INBOX\r\n")
    c.until_tagged(b"b")
    c.send(b"c IDLE\r\n")
    assert c.line() == b"+ idling\r\n"
    assert c.rest() == BYE_INACTIVE


def test_imap_default_timeouts_are_dovecots():
    d = limits.Limits()
    assert (d.login_timeout, d.imap_autologout, d.pop3_autologout) == (180, 1800, 600)
    assert (d.mail_max_userip_connections, d.auth_failure_delay) == (10, 2)


# -- hole 10: nesting and long lines ------------------------------------------------------------

def test_imap_id_with_1000_nested_parentheses_is_answered(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"b ID (" + b"(" * 1000 + b")" * 1000 + b")\r\n")
    assert c.until_tagged(b"b")[-1].startswith(b"b OK")
    c.send(b"c NOOP\r\n")
    assert c.until_tagged(b"c")[-1].startswith(b"c OK")


def test_imap_search_nested_deeply_gets_a_reply_not_a_dropped_connection(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"b SELECT INBOX\r\n")
    c.until_tagged(b"b")
    c.send(b"c SEARCH " + b"NOT " * 10000 + b"ALL\r\n")
    last = c.until_tagged(b"c")[-1]
    assert last.startswith(b"c ")
    c.send(b"d NOOP\r\n")
    assert c.until_tagged(b"d")[-1].startswith(b"d OK")


def test_imap_idle_with_a_128k_line_expects_done_and_goes_on(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"b SELECT INBOX\r\n")
    c.until_tagged(b"b")
    c.send(b"c IDLE\r\n")
    assert c.line() == b"+ idling\r\n"
    c.send(b"x" * 131072 + b"\r\n")
    assert c.until_tagged(b"c")[-1] == b"c BAD Expected DONE.\r\n"
    c.send(b"d NOOP\r\n")
    assert c.until_tagged(b"d")[-1].startswith(b"d OK")


def test_imap_after_login_literals_of_one_command_count_together(running_host):
    c = login(running_host.connect_address(143))
    c.send(b"b SELECT INBOX\r\n")
    c.until_tagged(b"b")
    c.send(b"c SEARCH TEXT {40000+}\r\n" + b"x" * 40000 + b" TEXT {40000}\r\n")
    assert c.rest() == b"* BYE Literal size too large\r\n"  # as Dovecot: 64k for the whole command
