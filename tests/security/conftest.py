"""Shared fixtures for tests/security: one running mail host per module, raw-socket clients,
the fuzz suites' example budget, and the maillog check for crashes.

Fixture names start with `security_` / `fuzz_` so that other security tests may add their own.
"""

from __future__ import annotations

import os
import re
import socket
import time

import pytest
from hypothesis import HealthCheck, Phase, settings

from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.core.maillog import MAILLOG
from mailkit.servers.runtime import HostRuntime

# A line the host writes when Python code failed where it should have answered: the loop's
# exception handler ("SYSERR(root): Task exception was never retrieved: ..."), the SMTP
# session's catch-all ("SYSERR: MAIL: ..."), a failed background delivery, or a traceback.
CRASH_MARK = re.compile(rb"Traceback \(most recent call last\)|\]: (?:\w+: )?SYSERR|delivery error: ")


def fuzz_settings(ci_examples: int, steps: int = 12) -> settings:
    """The fuzz budget: `ci_examples` in a default run (derandomized, no shrinking, so a run is
    repeatable and a failure costs no minutes of shrinking against a live server); with
    MAILKIT_FUZZ_EXAMPLES=N, N random examples, shrunk on failure (MAILKIT_FUZZ_SHRINK=0: not)."""
    many = os.environ.get("MAILKIT_FUZZ_EXAMPLES")
    common = dict(deadline=None, stateful_step_count=steps, database=None, print_blob=False,
                  suppress_health_check=list(HealthCheck))
    if many:
        if os.environ.get("MAILKIT_FUZZ_SHRINK") == "0":  # report failures as found, at once
            common["phases"] = [Phase.explicit, Phase.generate]
        return settings(max_examples=int(many), **common)
    return settings(max_examples=ci_examples, derandomize=True,
                    phases=[Phase.explicit, Phase.generate], **common)


@pytest.fixture
def fuzz_budget():
    """fuzz_settings, for test modules (conftest is not imported by name)."""
    return fuzz_settings


@pytest.fixture(scope="module")
def security_world(tmp_path_factory):
    world = create_world(tmp_path_factory.mktemp("security") / "host")
    # the suites connect from 127.0.0.2 ... 127.0.0.250 (a fresh address keeps one test's
    # per-address limits from slowing the next); Dovecot lets those log in without TLS only
    # when they are trusted networks
    conf = world.path("/etc/dovecot/dovecot.conf")
    conf.write_text(conf.read_text().replace("#login_trusted_networks =", "login_trusted_networks = 127.0.0.0/8"))
    return world


@pytest.fixture(scope="module")
def security_host(security_world):
    """A started HostRuntime (SMTP, POP3, IMAP on free loopback ports) for the whole module."""
    rt = HostRuntime(security_world, FixedClock()).start()
    try:
        yield rt
    finally:
        rt.stop()


@pytest.fixture(scope="module")
def security_send(security_host):
    """security_send(rcpt, body_bytes): one message over SMTP (smtplib), delivered before it returns."""
    import smtplib

    def send(rcpt: str, body: bytes, sender: str = "alice@localhost") -> None:
        with smtplib.SMTP(*security_host.connect_address(25), timeout=10) as s:
            s.sendmail(sender, [rcpt], body)
        security_host.wait_for_deliveries(10)

    return send


class Maillog:
    """/var/log/maillog of a world, read from where the last check ended."""

    def __init__(self, world):
        self.path = world.path(MAILLOG)
        self.offset = self.path.stat().st_size if self.path.exists() else 0

    def new_bytes(self) -> bytes:
        if not self.path.exists():
            return b""
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        return data

    def crashes(self) -> list[str]:
        """The new lines that tell of a Python error (see CRASH_MARK)."""
        return [ln.decode("utf-8", "replace") for ln in self.new_bytes().splitlines() if CRASH_MARK.search(ln)]


@pytest.fixture(scope="module")
def security_maillog(security_world):
    return Maillog(security_world)


class Wire:
    """A raw TCP client that keeps every byte it sent and got, for a readable failure report."""

    def __init__(self, addr, timeout=4.0, source: str | None = None):
        # source: a loopback address to connect from (127.0.0.2 ...), so per-address limits
        # of one test do not slow the next
        self.sock = socket.create_connection(addr, timeout=timeout, source_address=(source, 0) if source else None)
        self.buf = b""
        self.eof = False
        # The server reset the connection (RST): it closed with our bytes still unread, and
        # TCP may then discard its last reply before we read it. Suites accept a missing
        # final reply only then; a crash still shows in maillog.
        self.reset = False
        self.transcript: list[tuple[str, bytes]] = []

    def send(self, data: bytes) -> bool:
        """False when the server has already closed its side (the bytes could not all go)."""
        self.transcript.append(("C", data))
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.reset = True
            return False

    def _fill(self) -> bool:
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            self.reset = True
            chunk = b""
        except socket.timeout:
            raise AssertionError("no reply within the timeout:\n" + self.report()) from None
        if not chunk:
            self.eof = True
            return False
        self.transcript.append(("S", chunk))
        self.buf += chunk
        return True

    def line(self) -> bytes | None:
        """One CRLF- or LF-ended line as sent (ending included); None at EOF before a whole line."""
        while b"\n" not in self.buf:
            if self.eof or not self._fill():
                return None
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def exactly(self, n: int) -> bytes | None:
        while len(self.buf) < n:
            if self.eof or not self._fill():
                return None
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def closed_by_peer(self, wait: float = 5.0) -> bool:
        """True when the server closes the connection (nothing more to read) within `wait`."""
        if self.buf:
            return False
        before = self.sock.gettimeout()
        self.sock.settimeout(wait)
        try:
            return not self._fill()
        except AssertionError:
            return False
        finally:
            self.sock.settimeout(before)

    def abort(self, reset: bool = False) -> None:
        """Leave without QUIT/LOGOUT: a plain close, or a TCP reset (SO_LINGER 0)."""
        if reset:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()

    def close(self) -> None:
        self.sock.close()

    def report(self, last: int = 40) -> str:
        def show(b: bytes) -> str:
            s = repr(b)
            return s if len(s) < 400 else s[:300] + f"... ({len(b)} bytes) ..." + s[-80:]
        return "\n".join(f"{who}: {show(b)}" for who, b in self.transcript[-last:])


@pytest.fixture
def security_wire():
    """Factory: security_wire(addr, timeout=4.0, source=None) -> Wire; every wire opened is closed after the test."""
    opened = []

    def make(addr, timeout=4.0, source=None):
        w = Wire(addr, timeout, source)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


def wait_until(predicate, timeout=5.0, step=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
