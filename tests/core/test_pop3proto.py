"""core/pop3proto: the POP3 state machine and its formatting, without sockets."""

from datetime import datetime

import pytest

from mailkit.core.deliver import append_mbox, mbox_entry
from mailkit.core.pop3proto import MAX_LINE, Pop3Session, dot_stuffed, top_lines


def deliver(world, subject, body="hello\n", user="bob"):
    msg = f"From: alice@localhost\nSubject: {subject}\n\n{body}".encode()
    append_mbox(world.path(f"/var/spool/mail/{user}"), mbox_entry(msg, "alice@localhost", datetime(2026, 11, 29, 9)))


@pytest.fixture
def session(world):
    sessions = []

    def login(user="bob", pw="secret"):
        s = Pop3Session(world)
        sessions.append(s)
        assert s.handle(b"USER " + user.encode() + b"\r\n").data == b"+OK\r\n"
        return s, s.handle(b"PASS " + pw.encode() + b"\r\n")
    yield login
    for s in sessions:
        s.release()


def test_dot_stuffing_and_crlf():
    assert dot_stuffed(b"a\n.b\n..c\n") == b"a\r\n..b\r\n...c\r\n.\r\n"
    assert dot_stuffed(b".start\nend") == b"..start\r\nend\r\n.\r\n"
    assert dot_stuffed(b"") == b".\r\n"


def test_top_lines_keeps_header_blank_line_and_n_lines():
    body = b"Subject: x\nTo: y\n\n1\n2\n3\n"
    assert top_lines(body, 0) == b"Subject: x\nTo: y\n\n"
    assert top_lines(body, 2) == b"Subject: x\nTo: y\n\n1\n2\n"
    assert top_lines(body, 99) == body


def test_user_always_ok_and_wrong_password_like_dovecot(world, session):
    s, r = session("nosuchuser", "x")
    assert r.data == b"-ERR [AUTH] Authentication failed.\r\n" and r.auth_failed
    s, r = session("bob", "wrong")
    assert r.data == b"-ERR [AUTH] Authentication failed.\r\n" and s.state == "AUTHORIZATION"
    assert Pop3Session(world).handle(b"PASS secret\r\n").data.startswith(b"-ERR")


def test_unknown_too_long_and_capa(world):
    s = Pop3Session(world)
    assert s.handle(b"FOO\r\n").data == b"-ERR Unknown command.\r\n"  # Dovecot 2.3 before login
    assert s.handle(b"USER " + b"x" * MAX_LINE + b"\r\n").data == b"-ERR Input line too long.\r\n"
    capa = s.handle(b"CAPA\r\n").data
    assert capa.startswith(b"+OK\r\n") and b"\r\nUIDL\r\n" in capa and capa.endswith(b"\r\n.\r\n")


def test_transaction_commands(world, session):
    deliver(world, "one", ".dot line\nplain\n")
    deliver(world, "two")
    s, r = session()
    assert r.data == b"+OK Logged in.\r\n"
    sizes = [m.size for m in s.messages]
    assert s.handle(b"STAT\r\n").data == f"+OK 2 {sum(sizes)}\r\n".encode()
    assert s.handle(b"LIST\r\n").data == f"+OK 2 messages:\r\n1 {sizes[0]}\r\n2 {sizes[1]}\r\n.\r\n".encode()
    retr = s.handle(b"RETR 1\r\n").data
    head, _, rest = retr.partition(b"\r\n")
    assert head == f"+OK {sizes[0]} octets".encode()
    assert b"\r\n..dot line\r\nplain\r\n.\r\n" in rest
    assert len(rest[: -len(b".\r\n")].replace(b"\r\n..", b"\r\n.")) == sizes[0]  # octets as announced
    uidl = s.handle(b"UIDL\r\n").data.split(b"\r\n")
    assert uidl[1].startswith(b"1 ") and uidl[1].split()[1] != uidl[2].split()[1]
    assert s.handle(b"DELE 1\r\n").data == b"+OK Marked to be deleted.\r\n"
    assert s.handle(b"RETR 1\r\n").data == b"-ERR Message is deleted.\r\n"
    assert s.handle(b"STAT\r\n").data == f"+OK 1 {sizes[1]}\r\n".encode()
    assert s.handle(b"RSET\r\n").data == b"+OK\r\n"
    assert s.handle(b"LIST 2\r\n").data == f"+OK 2 {sizes[1]}\r\n".encode()
    assert s.handle(b"RETR 3\r\n").data == b"-ERR There's no message 3.\r\n"
    assert s.handle(b"TOP 1 x\r\n").data.startswith(b"-ERR")


def test_deletions_apply_only_at_quit_and_spare_new_mail(world, session):
    deliver(world, "old")
    s, _ = session()
    s.handle(b"DELE 1\r\n")
    assert b"Subject: old" in world.path("/var/spool/mail/bob").read_bytes()
    deliver(world, "arrived meanwhile")
    r = s.handle(b"QUIT\r\n")
    assert r.close and r.data == b"+OK Logging out, messages deleted.\r\n"
    text = world.path("/var/spool/mail/bob").read_bytes()
    assert b"Subject: old" not in text and b"Subject: arrived meanwhile" in text


def test_dropped_connection_deletes_nothing(world, session):
    deliver(world, "keep")
    s, _ = session()
    s.handle(b"DELE 1\r\n")
    s.release()  # the server's cleanup when the client vanishes without QUIT
    assert b"Subject: keep" in world.path("/var/spool/mail/bob").read_bytes()


def test_one_session_per_mailbox(world, session):
    first, r = session()
    assert r.data == b"+OK Logged in.\r\n"
    second, r = session()
    assert r.data == b"-ERR [IN-USE] Mailbox is locked by another POP3 session.\r\n"
    other, r = session("alice")
    assert r.data == b"+OK Logged in.\r\n"  # another user's mailbox is free
    first.handle(b"QUIT\r\n")
    third, r = session()
    assert r.data == b"+OK Logged in.\r\n"


def test_auth_plain(world):
    import base64

    s = Pop3Session(world)
    assert s.handle(b"AUTH PLAIN\r\n").data == b"+ \r\n"
    r = s.handle(base64.b64encode(b"\0bob\0secret") + b"\r\n")
    assert r.data == b"+OK Logged in.\r\n"
    s.release()


def test_retr_marks_read_at_quit_top_does_not(world, session):
    deliver(world, "read me")
    deliver(world, "only peeked")
    s, _ = session()
    s.handle(b"RETR 1\r\n")
    s.handle(b"TOP 2 0\r\n")
    assert b"Status: RO" not in world.path("/var/spool/mail/bob").read_bytes()
    assert s.handle(b"QUIT\r\n").data == b"+OK Logging out.\r\n"
    from mailkit.core.mailstore import Store
    box = Store(world.path("/var/spool/mail/bob")).load()
    assert [m.flags for m in box.messages] == [{"\\Seen"}, set()]


def test_an_unreadable_mailbox_gets_an_error_reply(world, session):
    spool = world.path("/var/spool/mail/bob")
    spool.unlink(missing_ok=True)
    spool.mkdir()  # not a file: reading it fails
    s, r = session()
    assert r.data.startswith(b"-ERR [SYS/TEMP] Internal error occurred.")
    assert s.state == "AUTHORIZATION"
    s2, r = session()
    assert not r.data.startswith(b"-ERR [IN-USE]")  # the failed login did not keep the mailbox claimed
