"""UIDVALIDITY and UIDNEXT over IMAP (imaplib) when a mailbox has no message to carry them."""

import imaplib
import poplib
import re
import smtplib
from datetime import timedelta

import pytest

from mailkit.core import mailstore
from mailkit.core.world import IMAP_STATE_DIR


def send(rt, rcpt, subject):
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        s.sendmail("alice@localhost", [rcpt], f"From: alice@localhost\r\nTo: {rcpt}\r\nSubject: {subject}\r\n\r\nhi\r\n".encode())
    rt.run_queue_now()


def imap(rt, user="bob"):
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    m.login(user, "secret")
    return m


def select(m, name="INBOX"):
    """(UIDVALIDITY, UIDNEXT, EXISTS) as the SELECT response announced them."""
    typ, data = m.select(name)
    assert typ == "OK", data
    validity = int(m.response("UIDVALIDITY")[1][0])
    uidnext = int(m.response("UIDNEXT")[1][0])
    return validity, uidnext, int(data[0])


def status(m, name="INBOX"):
    typ, data = m.status(name, "(UIDVALIDITY UIDNEXT MESSAGES)")
    assert typ == "OK", data
    found = dict(re.findall(r"(UIDVALIDITY|UIDNEXT|MESSAGES) (\d+)", data[0].decode()))
    return int(found["UIDVALIDITY"]), int(found["UIDNEXT"]), int(found["MESSAGES"])


def restart(rt, clock, monkeypatch):
    """Restart POP3/IMAP as a new process would come up: later on the clock, and with no
    memory of the UIDVALIDITY values handed out so far."""
    clock.advance(timedelta(hours=1))
    monkeypatch.setattr(mailstore, "_last_validity", 0)
    rt.restart_service("dovecot")


def test_an_empty_mailbox_keeps_its_uidvalidity_across_a_restart(running_host, world, clock, monkeypatch):
    m = imap(running_host)
    assert m.create("Empty")[0] == "OK"
    inbox = select(m)
    folder = select(m, "Empty")
    assert inbox[1:] == (1, 0) and folder[1:] == (1, 0)
    assert status(m) == (inbox[0], 1, 0)  # a second look in the same session agrees
    m.logout()
    restart(running_host, clock, monkeypatch)
    m = imap(running_host)
    assert select(m) == inbox
    assert select(m, "Empty") == folder
    assert status(m, "Empty") == (folder[0], 1, 0)
    m.logout()
    # nothing of it in the mailboxes themselves: both are still empty files
    assert world.path("/var/spool/mail/bob").read_bytes() == b""
    assert world.path("/home/bob/mail/Empty").read_bytes() == b""
    # the first message takes the values that were announced: nothing jumps
    send(running_host, "bob@localhost", "first")
    m = imap(running_host)
    validity, uidnext, exists = select(m)
    assert (validity, uidnext, exists) == (inbox[0], 2, 1)
    assert m.uid("search", None, "ALL")[1] == [b"1"]
    m.logout()
    assert f"X-IMAPbase: {inbox[0]} 2\n".encode() in world.path("/var/spool/mail/bob").read_bytes()


def test_after_everything_is_expunged_uids_go_on_and_uidvalidity_stays(running_host, world, clock, monkeypatch):
    for s in ("one", "two", "three"):
        send(running_host, "bob@localhost", s)
    m = imap(running_host)
    validity, uidnext, exists = select(m)
    assert (uidnext, exists) == (4, 3)
    assert m.uid("search", None, "ALL")[1] == [b"1 2 3"]
    m.store("1:*", "+FLAGS", "(\\Deleted)")
    m.expunge()
    m.logout()
    assert world.path("/var/spool/mail/bob").read_bytes() == b""
    restart(running_host, clock, monkeypatch)
    m = imap(running_host)
    assert select(m) == (validity, 4, 0)
    m.logout()
    send(running_host, "bob@localhost", "four")
    m = imap(running_host)
    assert select(m) == (validity, 5, 1)
    assert m.uid("search", None, "ALL")[1] == [b"4"]
    typ, data = m.uid("fetch", "4", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert typ == "OK" and b"Subject: four" in data[0][1]
    # the same within one session: expunge all, then APPEND
    m.store("1:*", "+FLAGS", "(\\Deleted)")
    m.expunge()
    typ, data = m.append("INBOX", None, None, b"Subject: appended\r\n\r\nx\r\n")
    assert typ == "OK" and f"[APPENDUID {validity} 5]".encode() in data[0]
    m.logout()


def test_pop3_deleting_everything_then_imap_keeps_uidvalidity(running_host, world, clock, monkeypatch):
    send(running_host, "bob@localhost", "a")
    send(running_host, "bob@localhost", "b")
    m = imap(running_host)
    validity, uidnext, _ = select(m)
    assert uidnext == 3
    m.logout()
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    assert p.stat()[0] == 2
    p.dele(1)
    p.dele(2)
    p.quit()
    assert world.path("/var/spool/mail/bob").read_bytes() == b""
    restart(running_host, clock, monkeypatch)
    m = imap(running_host)
    assert select(m) == (validity, 3, 0)
    m.logout()
    send(running_host, "bob@localhost", "c")
    m = imap(running_host)
    assert select(m) == (validity, 4, 1)
    assert m.uid("search", None, "ALL")[1] == [b"3"]
    m.logout()


@pytest.mark.parametrize("name", ["..", "../../../var/lib/mailkit/imap/x", "a/../b", "Empty/..", "./x"])
def test_mailbox_names_that_climb_are_still_refused(running_host, world, name):
    m = imap(running_host)
    for command in (lambda: m.select(name), lambda: m.create(name), lambda: m.status(name, "(UIDVALIDITY)"),
                    lambda: m.append(name, None, None, b"Subject: x\r\n\r\nx\r\n")):
        typ, data = command()
        assert typ == "NO", (name, data)
    assert select(m)[2] == 0  # the session goes on
    m.logout()
    # only the INBOX got a state file, named inside the state directory
    assert sorted(p.name for p in world.path(IMAP_STATE_DIR).iterdir()) == ["%2Fvar%2Fspool%2Fmail%2Fbob"]
    assert not world.path("/var/lib/mailkit/imap/x").exists() and not world.path("/home/bob/b").exists()
