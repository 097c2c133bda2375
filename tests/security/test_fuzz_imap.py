"""Stateful fuzzing of the IMAP server over its command grammar, on a real running host.

Each example sends pipelined tagged commands (CAPABILITY NOOP ID LOGIN AUTHENTICATE SELECT
EXAMINE CREATE DELETE RENAME SUBSCRIBE LIST LSUB STATUS APPEND CHECK CLOSE UNSELECT EXPUNGE
FETCH STORE COPY MOVE SEARCH UID ENABLE IDLE LOGOUT) with bytes outside ASCII, control bytes,
deep parenthesis nesting, literals (synchronizing `{N}` answered by the server's `+`, and
LITERAL+ `{N+}`), huge literals (declared sizes the client never sends, and sent ones of up
to a few MB so memory stays small), untagged garbage, IDLE ended by DONE, garbage or an
overlong line, and leaves without LOGOUT (plain close, TCP reset, in the middle of a literal).

Invariants (RFC 3501 and Dovecot):
- every response is `* ...`, `+ ...` or `TAG OK|NO|BAD ...`; its lines (outside literals) are
  CRLF-ended, valid UTF-8, without NUL, bare CR or other control bytes;
- every tagged command gets its tagged completion, every untagged garbage line a `* BAD` (or
  a tagged reply to what the server took as its tag); a `+` comes only where a literal,
  AUTHENTICATE or IDLE waits for the client;
- the server closes only after `* BYE` (LOGOUT, too many bad commands, line or literal too
  long, autologout);
- after each example a fresh connection is greeted with `* OK`;
- /var/log/maillog holds no Python error.

CI runs a small, repeatable number of examples; MAILKIT_FUZZ_EXAMPLES=5000 runs many more.
"""

from __future__ import annotations

import base64
import os
import re

import pytest
from hypothesis import strategies as st
from fuzz_rules import live
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

SERVER_LITERAL = re.compile(rb"\{(\d+)\}\r\n$")
# Outside literals a response line is 7-bit without NUL, CR or LF (RFC 3501 CHAR, TEXT-CHAR);
# the human-readable text of a status response (tagged OK/NO/BAD, * OK/NO/BAD/BYE), where a
# server may quote what the client sent, may hold UTF-8 but no control bytes.
NOT_CHAR = re.compile(rb"[\x00\r\n\x80-\xff]")
STATUS = re.compile(rb"^(?:\S+|\*) (?:OK|NO|BAD|BYE|PREAUTH)(?: |\r\n)")
CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
TAGGED = re.compile(rb"^((?![*+])\S+) (OK|NO|BAD)(?: |\r\n)")  # a tag never begins with * or +
MAX_SENT_LITERAL = 3 * 1024 * 1024  # literals this suite really sends stay small for CI memory


def _no_brace(b: bytes) -> bytes:
    """Random text must not end a line with {N}: that would be a literal the client never sends."""
    return b.replace(b"\n", b"").replace(b"{", b"(")


nasty = st.binary(min_size=1, max_size=10).map(_no_brace).filter(bool)
utf8 = st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFF), min_size=1, max_size=5).map(
    lambda s: s.encode("utf-8"))
printable = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="{"),
                    min_size=1, max_size=10).map(str.encode)
controls = st.sampled_from([b"\x00", b"\x1b[31m", b"\r", b"\x7f", b"\x08", b"\t"])
mailbox = st.sampled_from([b"INBOX", b"inbox", b"fuzz", b"fuzz/sub", b'"fuzz box"', b"../../etc", b"~root/x", b".hidden",
                           b"/abs", b'"a\\"b"', b"&AMk-t&AOk-", b'"\xc3\xa9t\xc3\xa9"', b"x" * 300, b'""', b"NIL"])
seqset = st.sampled_from([b"1", b"1:*", b"*", b"2,4:5", b"0", b"4294967296", b"1:99999999999999999999", b"\xc2\xb2",
                          b"\xef\xbc\x91", b"-1", b"1,,2", b"$", b"1:"])
fetch_item = st.sampled_from([b"FLAGS", b"UID", b"ENVELOPE", b"BODYSTRUCTURE", b"RFC822.SIZE", b"BODY[]", b"BODY.PEEK[]",
                              b"BODY[HEADER]", b"BODY[TEXT]", b"BODY[1]", b"BODY[1.MIME]", b"BODY[HEADER.FIELDS (SUBJECT)]",
                              b"BODY[]<0.10>", b"BODY[]<99999999999.1>", b"BODY[9.9.9.9]", b"RFC822", b"INTERNALDATE",
                              b"ALL", b"FULL", b"FAST", b"BINARY[]", b"BODY[HEADER.FIELDS ()]", b"X-NONSENSE"])
search_key = st.sampled_from([b"ALL", b"SEEN", b"UNSEEN", b"DELETED", b"NOT DELETED", b"OR SEEN FLAGGED", b"SUBJECT fuzz",
                              b"HEADER Subject x", b"SINCE 1-Jan-2020", b"BEFORE 99-Foo-0000", b"UID 1:*", b"LARGER 5",
                              b"SMALLER x", b"OR", b"NOT", b"CHARSET UTF-8 ALL", b"CHARSET X-BOGUS ALL", b"TEXT \xc3\xa9",
                              b"1:*", b"KEYWORD $x", b"BODY fuzz"])
flags = st.sampled_from([b"(\\Seen)", b"(\\Deleted)", b"(\\Flagged \\Answered)", b"()", b"(\\Bogus)", b"($Junk)", b"\\Seen",
                         b"(\\Seen", b"(\x00)"])
atom = st.one_of(printable, printable, nasty, utf8, controls)
junk = st.lists(atom, min_size=1, max_size=4).map(b" ".join)


def nested(depth: int, inner: bytes = b"x") -> bytes:
    return b"(" * depth + inner + b")" * depth


@st.composite
def command(draw) -> tuple[bytes, list[tuple[bytes, bytes, bool]]]:
    """(command text, literals): the text may hold `{}` markers where each literal goes,
    given as (data, marker suffix, synchronizing)."""
    kind = draw(st.sampled_from(["simple", "simple", "mailbox", "fetch", "fetch", "store", "search", "nest", "junk",
                                 "append", "login", "status", "copy"]))
    uid = draw(st.sampled_from([b"", b"", b"UID "]))
    if kind == "simple":
        return draw(st.sampled_from([b"CAPABILITY", b"NOOP", b"CHECK", b"CLOSE", b"UNSELECT", b"EXPUNGE", b"NAMESPACE",
                                     b"ENABLE CONDSTORE", b"ENABLE", b'ID ("name" "fuzz")', b"ID NIL", b"ID",
                                     b'LIST "" *', b'LIST "" %', b"LSUB \"\" *", b'LIST "" "../*"', b"LIST", b"UID EXPUNGE 1",
                                     b"STARTTLS", b"AUTHENTICATE X-NONE", b"noop", b"capability"])), []
    if kind == "mailbox":
        verb = draw(st.sampled_from([b"SELECT", b"EXAMINE", b"CREATE", b"DELETE", b"SUBSCRIBE", b"UNSUBSCRIBE", b"RENAME"]))
        arg = draw(mailbox) + (b" " + draw(mailbox) if verb == b"RENAME" else b"")
        return verb + b" " + arg, []
    if kind == "status":
        return b"STATUS " + draw(mailbox) + b" " + draw(st.sampled_from([b"(MESSAGES UIDNEXT UNSEEN)", b"()", b"(BOGUS)",
                                                                         b"MESSAGES", b"(MESSAGES"])), []
    if kind == "copy":
        return uid + draw(st.sampled_from([b"COPY", b"MOVE"])) + b" " + draw(seqset) + b" " + draw(mailbox), []
    if kind == "fetch":
        items = draw(st.lists(fetch_item, min_size=1, max_size=4))
        spec = b"(" + b" ".join(items) + b")" if len(items) > 1 or draw(st.booleans()) else items[0]
        return uid + b"FETCH " + draw(seqset) + b" " + spec, []
    if kind == "store":
        return (uid + b"STORE " + draw(seqset) + b" " + draw(st.sampled_from([b"+FLAGS", b"-FLAGS.SILENT", b"FLAGS", b"X"]))
                + b" " + draw(flags)), []
    if kind == "search":
        return uid + b"SEARCH " + b" ".join(draw(st.lists(search_key, min_size=1, max_size=3))), []
    if kind == "nest":
        depth = draw(st.sampled_from([1, 5, 50, 200, 1000, 5000]))
        return draw(st.sampled_from([b"ID " + nested(depth, b'"a" "b"'), b"SEARCH " + nested(depth, b"ALL"),
                                     b"FETCH 1 " + nested(depth, b"FLAGS"), b"STATUS INBOX " + nested(depth, b"MESSAGES"),
                                     b"LIST " + nested(depth, b'""') + b" *"])), []
    if kind == "append":
        size = draw(st.sampled_from([0, 1, 100, 5000, 70000, 1024 * 1024]))
        data = draw(st.sampled_from([b"Subject: fuzz\r\n\r\nbody\r\n", b"\xff\x00\r\n.\r\n", b"no header at all",
                                     b"Subject: \x1b[2J\xc3\xa9\r\n\r\n\r\n"]))
        data = (data * (size // max(len(data), 1) + 1))[:size] if size else b""
        sync = draw(st.booleans())
        head = b"APPEND " + draw(mailbox) + b" " + draw(st.sampled_from([b"", b"(\\Seen) ", b'(\\Seen) "01-Jan-2020 00:00:00 +0000" ',
                                                                         b'"99-Xyz-1 00:00:00 +0000" ', b"(\\Bogus ) "]))
        return head + b"{}", [(data, b"" if sync else b"+", sync)]
    if kind == "login":
        user = draw(st.sampled_from([b"bob", b'"bob"', b"alice", b"nosuch", b'"bob\\"x"', b"../../etc/passwd"]))
        pw = draw(st.sampled_from([b"secret", b"secret", b"wrong", b'""', b"secret extra"]))
        if draw(st.booleans()):
            return b"LOGIN {} {}", [(user.strip(b'"'), b"+", False), (pw.strip(b'"'), b"", True)]
        return b"LOGIN " + user + b" " + pw, []
    return draw(junk), []


MAILBOX_CAP = 16 << 20  # a mailbox APPEND and COPY have grown past this is emptied between examples


def trim_mailboxes(world, user="bob") -> None:
    """Keep long runs (MAILKIT_FUZZ_EXAMPLES) from growing bob's mailboxes without end: one
    grown past MAILBOX_CAP is emptied under the mailbox lock, as `> file` would."""
    from mailkit.core import mboxlock
    from mailkit.core.accounts import home_of

    mail_dir = world.path(f"{home_of(world, user)}/mail")
    boxes = [world.mailbox_path(user)] + ([p for p in mail_dir.rglob("*") if p.is_file()] if mail_dir.is_dir() else [])
    for path in boxes:
        if path.exists() and path.stat().st_size > MAILBOX_CAP:
            with mboxlock.locked(path):
                os.truncate(path, 0)


class ImapFuzz(RuleBasedStateMachine):
    addr: tuple = None
    make_wire = None
    maillog = None
    world = None

    def __init__(self):
        super().__init__()
        self.wire = None
        self.wires = []
        self.n = 0

    def fail(self, why: str) -> None:
        raise AssertionError(f"{why}\n--- transcript (C: client, S: server) ---\n{self.wire.report() if self.wire else ''}")

    def tag(self) -> bytes:
        self.n += 1
        return b"f%d" % self.n

    # -- reading
    def response(self) -> bytes | None:
        """One response, literals skipped; None at EOF. Checks every line outside literals."""
        first = None
        while True:
            line = self.wire.line()
            if line is None:
                if first is not None:
                    self.fail("connection closed inside a response that announced a literal")
                return None
            text = line[:-2]
            if not line.endswith(b"\r\n"):
                self.fail(f"response line ending in a bare LF: {line[:200]!r}")
            if first is None and STATUS.match(line):
                try:
                    text.decode("utf-8")
                except UnicodeDecodeError:
                    self.fail(f"status response that is not UTF-8 (hole 14): {line[:200]!r}")
                if CONTROL.search(text):
                    self.fail(f"status response with raw control bytes (hole 14): {line[:200]!r}")
            elif NOT_CHAR.search(text):
                self.fail(f"response line with NUL, bare CR or 8-bit bytes outside a literal: {line[:200]!r}")
            first = line if first is None else first
            m = SERVER_LITERAL.search(line)
            if not m:
                break
            if self.wire.exactly(int(m.group(1))) is None:
                self.fail("connection closed inside a literal of a response")
        if not (first.startswith((b"* ", b"+ ", b"+\r\n")) or TAGGED.match(first)):
            self.fail(f"response that is neither untagged, continuation nor tagged: {first[:200]!r}")
        return first

    def bye_then_close(self) -> None:
        """After * BYE: at most a tagged completion, then the server closes."""
        rest = self.wire.line()  # a timeout here fails: BYE but the connection stays open
        if rest is not None:
            if not TAGGED.match(rest):
                self.fail(f"more than a tagged completion after BYE: {rest!r}")
            more = self.wire.line()
            if more is not None:
                self.fail(f"more than a tagged completion after BYE: {more!r}")
        self.wire = None

    def completion(self, tag: bytes | None, may_continue=False) -> bytes | None:
        """Read until `tag`'s completion (tag None: an untagged garbage line's, any tagged line or
        `* BAD`). Returns it, b"+" for an awaited continuation, None when the session ended."""
        while True:
            r = self.response()
            if r is None:
                if self.wire.reset:  # closed on unread input: its BYE may be lost in the reset
                    self.wire = None
                    return None
                self.fail(f"connection dropped without a completion for {tag!r}")
            if r.startswith(b"* BYE"):
                self.bye_then_close()
                return None
            if r.startswith(b"+"):
                if may_continue:
                    return b"+"
                self.fail(f"continuation nobody waits for: {r!r}")
            m = TAGGED.match(r)
            if m and (tag is None or m.group(1) == tag):
                return r
            if m:
                self.fail(f"tagged completion for {m.group(1)!r} while waiting for {tag!r}")
            if tag is None and r.startswith(b"* BAD"):
                return r

    # -- sending
    def send_command(self, tag: bytes, text: bytes, literals) -> bool:
        """Send one command; synchronizing literals wait for `+`. False when the server refused
        the command before all of it was sent (its completion or BYE already read)."""
        parts = text.split(b"{}")
        out = tag + b" " + parts[0]
        for (data, suffix, sync), after in zip(literals, parts[1:]):
            out += b"{%d%s}\r\n" % (len(data), suffix)
            if sync:
                self.wire.send(out)
                out = b""
                if self.completion(tag, may_continue=True) != b"+":
                    return False
            out += data + after
        self.wire.send(out + b"\r\n")
        return True

    def open(self, source):
        self.wire = self.make_wire(self.addr, timeout=8.0, source=source)
        self.wires.append(self.wire)
        greeting = self.response()
        if greeting is None or not greeting.startswith((b"* OK", b"* PREAUTH")):
            self.fail(f"no * OK greeting: {greeting!r}")

    @initialize(source=st.integers(2, 250))
    def connect_first(self, source):
        self.open(f"127.0.0.{source}")

    @rule(source=st.integers(2, 250))
    def reconnect(self, source):
        if self.wire is not None:  # always allowed: whether the server closed the last must not matter
            self.wire.close()
            self.wire = None
        self.open(f"127.0.0.{source}")

    @rule()
    @live
    def login(self):
        tag = self.tag()
        self.wire.send(tag + b" LOGIN bob secret\r\n")
        self.completion(tag)

    @rule(cmds=st.lists(command(), min_size=1, max_size=5), split=st.integers(0, 3))
    @live
    def pipelined(self, cmds, split):
        """Commands without synchronizing literals go out in one write (or two, cut anywhere)."""
        if any(sync for _, lits in cmds for _, _, sync in lits):
            for text, lits in cmds:  # one at a time: the client must wait for each `+`
                tag = self.tag()
                if self.send_command(tag, text, lits) and self.completion(tag) is None:
                    return
                if self.wire is None:
                    return
            return
        tags, data = [], b""
        for text, lits in cmds:
            tag = self.tag()
            tags.append(tag)
            parts = text.split(b"{}")
            data += tag + b" " + parts[0]
            for (lit, suffix, _), after in zip(lits, parts[1:]):
                data += b"{%d%s}\r\n" % (len(lit), suffix) + lit + after
            data += b"\r\n"
        at = len(data) * split // 4
        if at:
            self.wire.send(data[:at])
        self.wire.send(data[at:])
        for tag in tags:
            if self.completion(tag) is None:
                return

    @rule(lines=st.lists(st.one_of(junk, st.just(b""), st.just(b"*"), st.just(b"+ x"), st.just(b"tagonly")), min_size=1, max_size=3))
    @live
    def untagged_garbage(self, lines):
        for line in lines:
            self.wire.send(line + b"\r\n")
            if self.completion(None) is None:
                return

    @rule(size=st.sampled_from([10**6, 40 * 10**6, 60 * 10**6, 10**9, 10**12]), sync=st.booleans(),
          command=st.sampled_from([b"LOGIN {}", b"APPEND INBOX {}", b"SELECT {}"]))
    @live
    def huge_literal_never_sent(self, size, sync, command):
        """A literal declared huge; the client sends a little of it and leaves."""
        tag = self.tag()
        head = tag + b" " + command.split(b"{}")[0] + b"{%d%s}\r\n" % (size, b"" if sync else b"+")
        self.wire.send(head)
        if sync:
            got = self.completion(tag, may_continue=True)
            if got != b"+":  # refused at once (tagged NO/BAD or BYE): that is allowed
                return
        self.wire.send(b"x" * 4096)
        self.wire.abort(reset=False)
        self.wire = None

    @rule(size=st.sampled_from([64 * 1024, 1024 * 1024, MAX_SENT_LITERAL]), sync=st.booleans(),
          command=st.sampled_from([b"LOGIN {} x", b"APPEND INBOX {}", b"ID ({} NIL)", b"SELECT {}"]))
    @live
    def big_literal_sent(self, size, sync, command):
        tag = self.tag()
        if self.send_command(tag, command, [(b"a" * size, b"" if sync else b"+", sync)]):
            self.completion(tag)

    @rule(end=st.sampled_from([b"DONE", b"done", b"", b"NOOP", b"\xff\x00", b"x" * 128 * 1024, b"x" * 70000]))
    @live
    def idle(self, end):
        tag = self.tag()
        self.wire.send(tag + b" IDLE\r\n")
        got = self.completion(tag, may_continue=True)
        if got != b"+":
            return  # not allowed in this state (BAD before login), or BYE
        self.wire.send(end + b"\r\n")
        self.completion(tag)

    @rule(response=st.sampled_from([base64.b64encode(b"\0bob\0secret"), base64.b64encode(b"\0bob\0wrong"), b"*", b"!!!",
                                    base64.b64encode(b"\xff\0\0"), b"", b"x" * 5000]), ir=st.booleans())
    @live
    def authenticate(self, response, ir):
        tag = self.tag()
        if ir:
            self.wire.send(tag + b" AUTHENTICATE PLAIN " + (response or b"=") + b"\r\n")
            self.completion(tag)
            return
        self.wire.send(tag + b" AUTHENTICATE PLAIN\r\n")
        if self.completion(tag, may_continue=True) == b"+":
            self.wire.send(response + b"\r\n")
            self.completion(tag)

    @rule(partial=st.sampled_from([b"", b"f1 LOG", b"f1 APPEND INBOX {10}\r\nabc", b"\xff"]), reset=st.booleans())
    @live
    def leave_without_logout(self, partial, reset):
        self.wire.send(partial)
        self.wire.abort(reset)
        self.wire = None

    @rule()
    @live
    def logout(self):
        tag = self.tag()
        self.wire.send(tag + b" LOGOUT\r\n")
        if self.completion(tag) is not None:  # BYE comes first, then OK, then the close
            self.fail("LOGOUT completed without * BYE")

    def teardown(self):
        for w in self.wires:
            w.close()
        self.wire = self.make_wire(self.addr, timeout=8.0)
        greeting = self.wire.line()
        self.wire.close()
        if self.world is not None:
            trim_mailboxes(self.world)
        if greeting is None or not greeting.startswith(b"* OK"):
            raise AssertionError(f"a fresh connection after the example is not greeted: {greeting!r}")
        crashes = self.maillog.crashes()
        if crashes:
            raise AssertionError("maillog holds Python errors:\n" + "\n".join(crashes[:10]))


def test_imap_grammar_fuzz(security_host, security_world, security_wire, security_maillog, security_send, fuzz_budget):
    for body in (b"Subject: one\r\n\r\nhello\r\n", b"Subject: =?utf-8?q?caf=C3=A9?=\r\nContent-Type: multipart/mixed; "
                 b"boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n\xc3\xa9\r\n--b--\r\n"):
        security_send("bob@localhost", body)
    security_maillog.new_bytes()
    machine = type("ImapFuzzRun", (ImapFuzz,), {
        "addr": security_host.connect_address(143), "make_wire": staticmethod(security_wire),
        "maillog": security_maillog, "world": security_world})
    run_state_machine_as_test(machine, settings=fuzz_budget(ci_examples=40, steps=10))


# Seeds: inputs the fuzzer found (or the issue names) that broke an invariant, replayed through
# the same state machine on every run, so each stays fixed whatever the random examples hit.
IMAP_SEEDS = {
    "ID, 1000 nested parentheses (hole 10)": ("command", b"ID " + nested(1000, b'"a" "b"')),
    "SEARCH, 5000 nested parentheses (hole 10)": ("command", b"SEARCH " + nested(5000, b"ALL")),
    "FETCH, 1000 nested parentheses (hole 10)": ("command", b"FETCH 1 " + nested(1000, b"FLAGS")),
    "IDLE ended by a 128 KB line (hole 10)": ("idle", b"x" * 128 * 1024),
    "a line tagged '+' (answered like a continuation: tags unchecked)": ("garbage", b"+ x"),
    "a line tagged with a control byte (tags unchecked, hole 14)": ("garbage", b"\x1b[2J NOOP"),
    "FETCH of a Unicode-digit sequence set": ("command", b"FETCH \xc2\xb2 FLAGS"),
}


@pytest.mark.parametrize("seed", list(IMAP_SEEDS))
def test_imap_fuzz_seed(seed, security_host, security_wire, security_maillog):
    how, data = IMAP_SEEDS[seed]
    security_maillog.new_bytes()
    m = type("ImapSeedRun", (ImapFuzz,), {"addr": security_host.connect_address(143),
                                          "make_wire": staticmethod(security_wire), "maillog": security_maillog})()
    m.connect_first(source=3)
    m.login()
    m.pipelined(cmds=[(b"SELECT INBOX", [])], split=0)
    if how == "command":
        m.pipelined(cmds=[(data, [])], split=0)
    elif how == "idle":
        m.idle(end=data)
    else:
        m.untagged_garbage(lines=[data])
    if m.wire is not None:
        m.logout()
    m.teardown()
