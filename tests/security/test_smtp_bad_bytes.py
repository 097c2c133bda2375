"""Bytes outside printable ASCII in SMTP commands and headers: every command gets a reply in
ASCII, a refused command leaves no state behind, and control characters never reach a reply,
/var/log/maillog or an mbox raw (sendmail replaces them with "?" in its replies; the host's
syslog writes them as #ooo)."""

import mailbox
import re
import socket
import time

from mailkit.core import maillog


CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")


def raw_dialogue(addr):
    s = socket.create_connection(addr, timeout=10)
    f = s.makefile("rb")
    assert f.readline().startswith(b"220 ")

    def send(line: bytes) -> bytes:
        s.sendall(line + b"\r\n")
        out = []
        while True:
            r = f.readline()
            assert r, f"connection closed after {line!r}; so far {out!r}"
            out.append(r)
            if r[3:4] != b"-":
                return b"".join(out)
    return s, send


def wait_for(cond, timeout=10):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_a_non_ascii_verb_gets_500_and_the_session_goes_on(host):
    s, send = raw_dialogue(host.runtime.connect_address(25))
    # sendmail strips the eighth bit and cuts the line at a NUL
    assert send(b"FO\xffO") == b'500 5.5.1 Command unrecognized: "FO?O"\r\n'
    assert send(b"\xc3\xa9HLO x") == b'500 5.5.1 Command unrecognized: "C)HLO x"\r\n'
    assert send(b"FO\x00O x") == b'500 5.5.1 Command unrecognized: "FO"\r\n'
    assert send(b"FO\x1b[2JO\rX") == b'500 5.5.1 Command unrecognized: "FO?[2JO?X"\r\n'
    assert send(b"NOOP") == b"250 2.0.0 OK\r\n"
    s.close()


def test_every_reply_is_ascii_whatever_the_argument(host):
    s, send = raw_dialogue(host.runtime.connect_address(25))
    for line in [b"HELO \xc3\xa9", b"EHLO a\x1bb", b"VRFY \xff\xfe", b"EXPN \x80", b"HELP \xff\x1b",
                 b"ETRN \xc3\xa9", b"MAIL FROM:<\xe2\x82\xac@localhost> SIZE=\xff", b"RSET",
                 b"MAIL FROM:<alice@localhost>", b"RCPT TO:<\xe2\x82\xac\x00@localhost>",
                 b"RCPT TO:<bob@localhost> NOTIFY=\x1b", b"NOOP \xff"]:
        reply = send(line)
        assert re.fullmatch(rb"(\d{3}[- ][\x20-\x7e]*\r\n)+", reply), (line, reply)
    s.close()


def test_a_refused_mail_leaves_no_sender(host):
    s, send = raw_dialogue(host.runtime.connect_address(25))
    send(b"EHLO client")
    reply = send(b"MAIL FROM:<ev\x1bil@localhost>")
    assert reply == b'501 5.1.7 Syntax error in mailbox address "ev?il" (non-printable character)\r\n'
    assert send(b"RCPT TO:<bob@localhost>") == b"503 5.0.0 Need MAIL before RCPT\r\n"
    assert send(b"MAIL FROM:<a\x85b@example.com>") == \
        b'501 5.1.7 8-bit character in mailbox address "<a?b@example.com>"\r\n'
    assert send(b"RCPT TO:<bob@localhost>") == b"503 5.0.0 Need MAIL before RCPT\r\n"
    assert send(b"DATA") == b"503 5.0.0 Need MAIL command\r\n"
    s.close()


def test_a_command_that_fails_inside_leaves_no_state(host, monkeypatch):
    """A fault while a command runs answers 451 and the envelope stays as it was before it."""
    from mailkit.core import policy

    def broken(*a, **k):
        raise RuntimeError("map unreadable")

    monkeypatch.setattr(policy, "check_mail", broken)
    s, send = raw_dialogue(host.runtime.connect_address(25))
    send(b"HELO client")
    assert send(b"MAIL FROM:<alice@localhost>").startswith(b"451 4.3.0 ")
    assert send(b"RCPT TO:<bob@localhost>") == b"503 5.0.0 Need MAIL before RCPT\r\n"
    monkeypatch.undo()
    assert send(b"MAIL FROM:<alice@localhost>").startswith(b"250 ")
    s.close()


def test_a_refused_rcpt_adds_no_recipient(host):
    s, send = raw_dialogue(host.runtime.connect_address(25))
    send(b"HELO client")
    send(b"MAIL FROM:<alice@localhost>")
    assert send(b"RCPT TO:<b\x01ob@localhost>") == \
        b'501 5.1.3 Syntax error in mailbox address "b?ob" (non-printable character)\r\n'
    assert send(b"DATA") == b"503 5.0.0 Need RCPT (recipient)\r\n"
    s.close()


def test_control_characters_never_reach_the_maillog_or_the_mbox_raw(host):
    addr = host.runtime.connect_address(25)
    s, send = raw_dialogue(addr)
    send(b"HELO client")
    send(b"MAIL FROM:<alice@localhost>")
    send(b"RCPT TO:<nosuchuser\x1b[2J@localhost>")
    send(b"RCPT TO:<nobody-here@localhost>")
    send(b"RCPT TO:<bob@localhost>")
    assert send(b"DATA").startswith(b"354")
    s.sendall(b"Message-Id: <\x1b]0;owned\x07\x1b[2J\rx\x00y@evil>\r\nSubject: s\x1b[31m\r\n\r\nbody\r\n.\r\n")
    reply = s.makefile("rb").readline()
    assert reply.startswith(b"250 2.0.0 ")
    s.close()
    wait_for(lambda: host.world.path("/var/spool/mail/bob").exists()
             and len(mailbox.mbox(host.world.path("/var/spool/mail/bob"))) == 1)
    log = host.world.path("/var/log/maillog").read_bytes()
    assert not CONTROL.search(log), [ln for ln in log.split(b"\n") if CONTROL.search(ln)]
    assert b"msgid=<#033]0;owned#007#033[2J#015x" in log
    lines = maillog.read(host.world)
    assert any("nobody-here@localhost" in ln for ln in lines)
    first = host.world.path("/var/spool/mail/bob").read_bytes().split(b"\n", 1)[0]
    assert not CONTROL.search(first)
