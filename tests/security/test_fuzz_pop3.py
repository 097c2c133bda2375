"""Stateful fuzzing of the POP3 server over its command grammar, on a real running host.

Each example sends pipelined batches of POP3 commands (USER PASS AUTH CAPA STAT LIST UIDL RETR
TOP DELE RSET NOOP QUIT and garbage) with bytes outside ASCII, control bytes, Unicode digits,
overlong lines (over 255 octets, over the 64 KB stream limit), logs in as bob now and then, and
leaves without QUIT (plain close, TCP reset, half a line).

Invariants (RFC 1939, RFC 2449, RFC 5034, and Dovecot):
- every complete line gets one reply: a status line `+OK ...` or `-ERR ...` (CRLF, no raw
  control bytes, valid UTF-8), followed by a multi-line body ending ".\r\n" exactly where the
  RFCs put one (CAPA; LIST and UIDL without argument; RETR and TOP; AUTH without mechanism),
  or the SASL continuation `+ ` after AUTH PLAIN without an initial response;
- the server closes only after QUIT's +OK or right after an -ERR that ends the session
  (input line too long, too many bad commands, inactivity); a +OK to STLS ends the plaintext
  session (the TLS handshake comes next, so the fuzzer leaves);
- after each example a fresh connection is greeted with +OK;
- /var/log/maillog holds no Python error.

CI runs a small, repeatable number of examples; MAILKIT_FUZZ_EXAMPLES=5000 runs many more.
"""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import strategies as st
from fuzz_rules import live, source_for
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

STATUS = re.compile(rb"^(\+OK|-ERR)(?: [^\x00-\x08\x0a-\x1f\x7f]*)?\r\n$")
LOOSE_STATUS = re.compile(rb"^(\+OK|-ERR)( .*)?\r\n$", re.S)
CONTINUATION = re.compile(rb"^\+ [A-Za-z0-9+/=]*\r\n$")
MAX_LINE = 255  # RFC 2449: a command line is at most 255 octets with its CRLF
STREAM_LIMIT = 1 << 16  # a longer line is more than the server reads: -ERR and close

nasty = st.binary(min_size=1, max_size=12).map(lambda b: b.replace(b"\n", b"")).filter(bool)
utf8 = st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFF), min_size=1, max_size=5).map(
    lambda s: s.encode("utf-8"))
printable = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=10).map(str.encode)
controls = st.sampled_from([b"\x00", b"\x1b[31m", b"\r", b"\x7f", b"\x08", b"\t"])
numberish = st.sampled_from([b"1", b"2", b"0", b"-1", b"99999999999999999999999", b"1 1", b"1 0", b"1 -5",
                             "\u00b2".encode(), "\u0661".encode(), "\uff11".encode(), b"0x1", b"1 99999999999999"])
word = st.one_of(printable, printable, numberish, nasty, utf8, controls)
args = st.lists(word, max_size=3).map(b" ".join)

VERBS = [b"USER", b"PASS", b"AUTH", b"CAPA", b"STAT", b"LIST", b"UIDL", b"RETR", b"TOP", b"DELE", b"RSET",
         b"NOOP", b"APOP", b"STLS", b"XTND", b"user", b"list", b"retr"]


def sasl_plain(user: bytes, pw: bytes) -> bytes:
    return base64.b64encode(b"\0" + user + b"\0" + pw)


@st.composite
def command_line(draw) -> bytes:
    kind = draw(st.sampled_from(["verb", "verb", "verb", "message", "message", "login", "auth", "garbage", "long"]))
    if kind == "message":  # a command on a message number: digits of every script, signs, huge
        return draw(st.sampled_from([b"RETR", b"TOP", b"LIST", b"UIDL", b"DELE"])) + b" " + draw(numberish)
    if kind == "verb":
        return draw(st.sampled_from(VERBS)) + draw(st.sampled_from([b"", b" ", b"  "])) + draw(args)
    if kind == "login":
        user = draw(st.sampled_from([b"bob", b"alice", b"nosuch", b"bob\x00", b"../../etc/passwd", b"BOB"]))
        pw = draw(st.sampled_from([b"secret", b"secret", b"wrong", b"", b"secret\x00x"]))
        return draw(st.sampled_from([b"USER ", b"PASS "])) + (user if draw(st.booleans()) else pw)
    if kind == "auth":
        return draw(st.sampled_from([b"AUTH", b"AUTH PLAIN", b"AUTH PLAIN ", b"AUTH LOGIN", b"AUTH PLAIN =",
                                     b"AUTH PLAIN " + sasl_plain(b"bob", b"secret"),
                                     b"AUTH PLAIN " + sasl_plain(b"bob", b"wrong"),
                                     b"AUTH PLAIN " + base64.b64encode(b"\xff\xfe\x00\x00"),
                                     b"AUTH PLAIN !!!!", b"*", sasl_plain(b"bob", b"secret")]))
    if kind == "long":
        n = draw(st.sampled_from([MAX_LINE - 8, MAX_LINE - 1, MAX_LINE, 4000, STREAM_LIMIT + 10]))
        return draw(st.sampled_from([b"USER ", b"NOOP ", b"X"])) + b"a" * n
    return draw(st.lists(word, min_size=1, max_size=4).map(b"".join))


ending = st.sampled_from([b"\r\n", b"\r\n", b"\n", b"\r\r\n"])


class Pop3Fuzz(RuleBasedStateMachine):
    addr: tuple = None
    make_wire = None
    maillog = None

    def __init__(self):
        super().__init__()
        self.wire = None
        self.wires = []
        self.logged_in = False
        self.awaiting_sasl = False

    def fail(self, why: str) -> None:
        raise AssertionError(f"{why}\n--- transcript (C: client, S: server) ---\n{self.wire.report() if self.wire else ''}")

    def status(self) -> bytes | None:
        line = self.wire.line()
        if line is None:
            return None
        if CONTINUATION.match(line):
            return line
        if not STATUS.match(line):
            hint = " (raw control or invalid bytes in the reply text: hole 14)" if LOOSE_STATUS.match(line) else ""
            self.fail(f"malformed status line{hint}: {line!r}")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            self.fail(f"status line is not UTF-8 (hole 14): {line!r}")
        return line

    def body(self) -> None:
        """A multi-line body: CRLF lines, until '.'."""
        while True:
            line = self.wire.line()
            if line is None:
                self.fail("connection closed inside a multi-line reply")
            if not line.endswith(b"\r\n"):
                self.fail(f"multi-line reply line without CRLF: {line[:80]!r}")
            if line == b".\r\n":
                return

    def open(self, source):
        self.wire = self.make_wire(self.addr, timeout=8.0, source=source)
        self.wires.append(self.wire)
        greeting = self.status()
        if greeting is None or not greeting.startswith(b"+OK"):
            self.fail(f"no +OK greeting: {greeting!r}")
        self.logged_in = self.awaiting_sasl = False

    def answered(self, lines: list[bytes]) -> None:
        """One reply per line, read as the server's state makes it; only QUIT or an -ERR may close."""
        for i, (line, end) in enumerate(lines):
            got = self.status()
            if got is None and self.wire.reset:  # closed on unread input: its -ERR may be lost
                self.wire = None
                return
            if got is None:
                self.fail(f"connection dropped without a reply to line {i + 1} of {len(lines)}: {line[:80]!r}")
            text = (line + end).decode("utf-8", "replace").rstrip("\r\n")  # as the server reads it
            cmd, _, arg = text.partition(" ")
            cmd, arg = cmd.upper(), arg.strip()
            too_long = len(line + end) > MAX_LINE
            if got.startswith(b"+ "):
                if too_long or self.awaiting_sasl or not (cmd == "AUTH" and arg.upper() == "PLAIN") or self.logged_in:
                    self.fail(f"SASL continuation to {line[:80]!r}")
                self.awaiting_sasl = True
                continue
            ok = got.startswith(b"+OK")
            if too_long and ok:
                self.fail(f"+OK to a line of {len(line + end)} octets (limit {MAX_LINE})")
            if not too_long:
                if self.awaiting_sasl:
                    self.awaiting_sasl = False
                    self.logged_in = self.logged_in or ok
                    cmd = ""
                elif cmd == "QUIT" and ok:
                    if not self.wire.closed_by_peer():
                        self.fail("QUIT answered but the connection stays open")
                    self.wire = None
                    return
                elif cmd == "STLS" and ok:
                    # the TLS handshake comes next (Dovecot ignores STLS's arguments too): what
                    # follows in plaintext is no command, and gets no reply
                    self.wire.close()
                    self.wire = None
                    return
                elif ok and (cmd == "CAPA" or (cmd == "AUTH" and not arg and not self.logged_in)
                             or (self.logged_in and (cmd in ("RETR", "TOP") or (cmd in ("LIST", "UIDL") and not arg)))):
                    self.body()
                elif ok and not self.logged_in and cmd in ("PASS", "AUTH"):
                    self.logged_in = True
            if not ok and self.wire.closed_by_peer(wait=0.05):
                self.wire = None  # an -ERR that ends the session (the line was too long, ...)
                return

    @initialize(source=st.integers(2, 250))
    def connect_first(self, source):
        self.open(f"127.0.0.{source}")

    @rule(source=st.integers(2, 250))
    def reconnect(self, source):
        if self.wire is not None:  # always allowed: whether the server closed the last must not matter
            self.wire.close()
            self.wire = None
        self.open(f"127.0.0.{source}")

    @rule(cmds=st.lists(st.tuples(command_line(), ending), min_size=1, max_size=6), split=st.integers(0, 3))
    @live
    def pipelined_commands(self, cmds, split):
        lines = []
        for c, e in cmds:
            lines.append((c, e))
            if len(c + e) > STREAM_LIMIT or (c + e).decode("utf-8", "replace").rstrip("\r\n").upper() == "QUIT":
                break  # nothing after it is read
        data = b"".join(c + e for c, e in lines)
        at = len(data) * split // 4
        if at:
            self.wire.send(data[:at])
        self.wire.send(data[at:])
        self.answered(lines)

    @rule(how=st.sampled_from(["userpass", "plain", "plain-continued"]))
    @live
    def login(self, how):
        if self.logged_in or self.awaiting_sasl:  # a login needs a session that has none yet
            self.wire.close()
            self.open(source_for(len(self.wires)))
        if how == "userpass":
            lines = [(b"USER bob", b"\r\n"), (b"PASS secret", b"\r\n")]
        elif how == "plain":
            lines = [(b"AUTH PLAIN " + sasl_plain(b"bob", b"secret"), b"\r\n")]
        else:
            lines = [(b"AUTH PLAIN", b"\r\n"), (sasl_plain(b"bob", b"secret"), b"\r\n")]
        self.wire.send(b"".join(c + e for c, e in lines))
        self.answered(lines)

    @rule(partial=st.sampled_from([b"", b"RETR", b"\xff\x00", b"USER b"]), reset=st.booleans())
    @live
    def leave_without_quit(self, partial, reset):
        self.wire.send(partial)
        self.wire.abort(reset)
        self.wire = None

    @rule()
    @live
    def quit(self):
        if self.awaiting_sasl:  # QUIT would be read as the SASL answer: cancel the exchange first
            self.wire.send(b"*\r\n")
            self.answered([(b"*", b"\r\n")])
            if self.wire is None:
                return
        self.wire.send(b"QUIT\r\n")
        self.answered([(b"QUIT", b"\r\n")])
        if self.wire is not None:
            self.fail("QUIT did not end the session")

    def teardown(self):
        for w in self.wires:
            w.close()
        self.wire = self.make_wire(self.addr, timeout=8.0)
        greeting = self.wire.line()
        self.wire.close()
        if greeting is None or not greeting.startswith(b"+OK"):
            raise AssertionError(f"a fresh connection after the example is not greeted: {greeting!r}")
        crashes = self.maillog.crashes()
        if crashes:
            raise AssertionError("maillog holds Python errors:\n" + "\n".join(crashes[:10]))


def test_pop3_grammar_fuzz(security_host, security_wire, security_maillog, security_send, fuzz_budget):
    # bob's maildrop: plain, 8-bit, dot lines and a long line, so RETR/TOP/LIST have work
    for body in (b"Subject: one\r\n\r\nhello\r\n", b"Subject: two\r\n\r\n.\r\n..dots\r\n\xc3\xa9t\xc3\xa9\r\n",
                 b"Subject: three\r\n\r\n" + b"y" * 5000 + b"\r\n"):
        security_send("bob@localhost", body)
    security_maillog.new_bytes()
    machine = type("Pop3FuzzRun", (Pop3Fuzz,), {
        "addr": security_host.connect_address(110), "make_wire": staticmethod(security_wire),
        "maillog": security_maillog})
    run_state_machine_as_test(machine, settings=fuzz_budget(ci_examples=40, steps=10))


# Seeds: inputs the fuzzer found that broke an invariant, replayed through the same state
# machine on every run (after a login as bob), so each stays fixed.
POP3_SEEDS = {
    "RETR with a Unicode digit": ["RETR \u00b2".encode()],
    "TOP and LIST with Unicode digits": ["TOP \u00b2 1".encode(), "LIST \u00b9".encode()],
    "ESC echoed in the unknown-command reply (hole 14)": [b"\x1b[2J"],
    "an 8-bit unknown command echoed (hole 14)": [b"\xc8\x90\x17W"],
    "a line over the stream limit: -ERR and close": [b"NOOP " + b"a" * (STREAM_LIMIT + 10)],
}


@pytest.mark.parametrize("seed", list(POP3_SEEDS))
def test_pop3_fuzz_seed(seed, security_host, security_wire, security_maillog, security_send):
    security_send("bob@localhost", b"Subject: seed\r\n\r\nx\r\n")
    security_maillog.new_bytes()
    m = type("Pop3SeedRun", (Pop3Fuzz,), {"addr": security_host.connect_address(110),
                                          "make_wire": staticmethod(security_wire), "maillog": security_maillog})()
    m.connect_first(source=4)
    m.login(how="userpass")
    m.pipelined_commands(cmds=[(line, b"\r\n") for line in POP3_SEEDS[seed]], split=0)
    if m.wire is not None:
        m.quit()
    m.teardown()
