"""POP3 and IMAP with Python's poplib and imaplib, on mail the MTA delivered."""

import imaplib
import poplib
import smtplib
import threading
import time

import pytest

from mailkit.core.mailstore import Store


def send(rt, rcpt, subject, body="hello"):
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        s.sendmail("alice@localhost", [rcpt], f"From: alice@localhost\r\nTo: {rcpt}\r\nSubject: {subject}\r\n\r\n{body}\r\n".encode())
    rt.run_queue_now()


def pop3(rt, user="bob", pw="secret"):
    p = poplib.POP3(*rt.connect_address(110), timeout=10)
    p.user(user)
    p.pass_(pw)
    return p


def imap(rt, user="bob", pw="secret"):
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    m.login(user, pw)
    return m


def test_pop3_retr_dele_quit_empties_the_mbox(running_host, world):
    send(running_host, "bob@localhost", "pop me")
    p = pop3(running_host)
    assert p.getwelcome() == b"+OK Dovecot-compatible mailkit ready."
    count, size = p.stat()
    assert count == 1
    resp, lines, octets = p.retr(1)
    assert b"Subject: pop me" in lines and octets == size
    p.dele(1)
    # deletion happens only at QUIT (UPDATE state)
    assert b"pop me" in world.path("/var/spool/mail/bob").read_bytes()
    p.quit()
    assert world.path("/var/spool/mail/bob").read_bytes() == b""


def test_pop3_rset_uidl_top_and_errors(running_host):
    send(running_host, "bob@localhost", "one")
    send(running_host, "bob@localhost", "two")
    p = pop3(running_host)
    uidl = p.uidl()[1]
    assert len(uidl) == 2 and uidl[0].split()[1] != uidl[1].split()[1]
    top = p.top(2, 0)[1]
    assert b"Subject: two" in top and top[-1] == b""
    p.dele(1)
    assert p.stat()[0] == 1
    p.rset()
    assert p.stat()[0] == 2
    with pytest.raises(poplib.error_proto, match="Unknown command"):
        p._shortcmd("FOO")
    with pytest.raises(poplib.error_proto, match="no message 9"):
        p.retr(9)
    # a second session on the same mailbox is refused while this one holds it
    with pytest.raises(poplib.error_proto, match=r"IN-USE"):
        pop3(running_host)
    p.quit()
    pop3(running_host).quit()


def test_pop3_wrong_password_is_delayed(running_host):
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    assert p.user("bob").startswith(b"+OK")
    t0 = time.monotonic()
    with pytest.raises(poplib.error_proto, match=r"\[AUTH\] Authentication failed"):
        p.pass_("wrong")
    assert time.monotonic() - t0 >= 0.15
    p.close()


def test_imap_keeps_mail_until_deleted_and_expunged(running_host, world):
    send(running_host, "bob@localhost", "keep me")
    m = imap(running_host)
    typ, data = m.select("INBOX")
    assert data == [b"1"]
    typ, data = m.fetch("1", "(RFC822)")
    assert b"Subject: keep me" in data[0][1]
    m.close()
    m.select("INBOX")
    assert m.search(None, "SEEN")[1] == [b"1"]  # reading set \Seen, the message stayed
    assert b"keep me" in world.path("/var/spool/mail/bob").read_bytes()
    m.store("1", "+FLAGS", "\\Deleted")
    assert b"keep me" in world.path("/var/spool/mail/bob").read_bytes()
    assert m.expunge()[1] == [b"1"]
    assert b"keep me" not in world.path("/var/spool/mail/bob").read_bytes()
    m.logout()


def test_imap_sees_new_mail_while_selected(running_host, world):
    m = imap(running_host)
    m.select("INBOX")
    errors = []

    def deliver_many():
        try:
            for i in range(10):
                send(running_host, "bob@localhost", f"burst {i}")
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=deliver_many)
    t.start()
    exists, deadline = [], time.monotonic() + 20
    while (t.is_alive() or exists[-1:] != [b"10"]) and time.monotonic() < deadline:
        # the session keeps reading and rewriting flags (CHECK) while the MDA appends
        m.noop()
        typ, data = m.response("EXISTS")
        exists += [d for d in data if d]
        if exists and exists[-1] != b"0":
            m.store(exists[-1].decode(), "+FLAGS", "(\\Flagged)")
            m.check()
    t.join()
    assert not errors
    assert exists[-1] == b"10"  # the session was told of every message, by EXISTS
    subjects = [x[1] for x in m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1] if isinstance(x, tuple)]
    assert sorted(s.strip().decode() for s in subjects) == sorted(f"Subject: burst {i}" for i in range(10))
    m.logout()
    assert world.path("/var/spool/mail/bob").read_bytes().count(b"\nX-UID: ") == 10  # nothing lost on disk


def test_imap_idle_reports_exists(running_host):
    m = imap(running_host)
    m.select("INBOX")
    tag = m._new_tag().decode()
    m.send(f"{tag} IDLE\r\n".encode())
    assert m.readline().startswith(b"+ ")
    send(running_host, "bob@localhost", "during idle")
    line = m.readline()
    assert line == b"* 1 EXISTS\r\n"
    m.send(b"DONE\r\n")
    while not (line := m.readline()).startswith(tag.encode()):
        pass
    assert b"OK" in line
    m.logout()


def test_imap_mailbox_names_stay_inside_the_users_area(running_host, world):
    m = imap(running_host)
    for bad in ("../../../etc", "a/../../b", "/etc/passwd", "~root/x"):
        assert m.create(bad)[0] == "NO"
        assert m.select(bad)[0] == "NO"
    assert m.create("Projects/2026")[0] == "OK"
    assert world.path("/home/bob/mail/Projects/2026").is_file()
    m.logout()


def test_imap_flags_and_uids_survive_a_restart(running_host, world):
    send(running_host, "bob@localhost", "a")
    send(running_host, "bob@localhost", "b")
    m = imap(running_host)
    m.select("INBOX")
    uids = m.uid("search", None, "ALL")[1][0].split()
    m.store("2", "+FLAGS", "(\\Flagged)")
    m.logout()
    running_host.restart_service("dovecot")
    m = imap(running_host)
    m.select("INBOX")
    assert m.uid("search", None, "ALL")[1][0].split() == uids
    assert m.search(None, "FLAGGED")[1] == [b"2"]
    m.logout()
    box = Store(world.path("/var/spool/mail/bob")).load()
    assert [msg.uid for msg in box.messages] == [int(u) for u in uids]


def test_imap_wrong_password_and_bad_commands(running_host):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        m.login("bob", "nope")
    m.shutdown()
    import socket

    s = socket.create_connection(running_host.connect_address(143), timeout=10)
    f = s.makefile("rb")
    f.readline()
    for i in range(3):
        s.sendall(f"a{i} SELECT INBOX\r\n".encode())
        last = f.readline()
    assert last.startswith(b"* BYE")
    s.close()
