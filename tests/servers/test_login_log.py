"""POP3/IMAP sessions leave Dovecot's lines in /var/log/maillog: logins, refused logins, logouts."""

import imaplib
import poplib
import re
import smtplib

import pytest

from mailkit.core import maillog
from mailkit.core.trace import build_trace
from waiting import wait_until


def dovecot_lines(world, count):
    """The dovecot lines, once `count` are there (a session's last line follows its QUIT)."""
    lines = lambda: [ln.split(" localhost ", 1)[1] for ln in maillog.read(world) if " dovecot" in ln]  # noqa: E731
    wait_until(lambda: len(lines()) >= count)
    return lines()


def test_pop3_login_logout_and_refused_login(world, running_host):
    with smtplib.SMTP(*running_host.connect_address(25)) as s:
        for n in (1, 2):
            s.sendmail("alice@localhost", ["bob@localhost"], f"Subject: m{n}\r\n\r\nbody {n}\r\n".encode())
    running_host.wait_for_deliveries()
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    count, size = p.stat()
    p.top(1, 0)
    p.retr(2)
    p.dele(2)
    p.quit()
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    with pytest.raises(poplib.error_proto):
        p.pass_("wrong")
    p.quit()
    assert count == 2
    logout = dovecot_lines(world, 3)[1]
    top_bytes, retr_bytes = map(int, re.search(r"top=1/(\d+), retr=1/(\d+)", logout).groups())
    assert 0 < top_bytes < retr_bytes and retr_bytes > size // 2  # TOP 0 sent headers, RETR all of m2
    assert dovecot_lines(world, 3) == [
        "dovecot: pop3-login: Login: user=<bob>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=4242, secured",
        f"dovecot: pop3(bob): Disconnected: Logged out top=1/{top_bytes}, retr=1/{retr_bytes}, del=1/2, size={size}",
        "dovecot: pop3-login: Disconnected (auth failed, 1 attempts in 0 secs): user=<bob>, method=PLAIN, "
        "rip=127.0.0.1, lip=127.0.0.1, secured",
    ]


def test_imap_login_logout_and_refused_login(world, running_host):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    m.login("carol", "secret")
    m.logout()
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    for _ in range(2):
        with pytest.raises(imaplib.IMAP4.error):
            m.login("carol", "nope")
    m.logout()
    inout = re.search(r"in=\d+ out=\d+", dovecot_lines(world, 3)[1]).group()
    bytes_in, bytes_out = map(int, re.findall(r"\d+", inout))
    assert len(b"XXXX2 LOGOUT\r\n") <= bytes_in < 40 and bytes_out > len(b"* BYE Logging out\r\n")
    assert dovecot_lines(world, 3) == [
        "dovecot: imap-login: Login: user=<carol>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=4242, secured",
        f"dovecot: imap(carol): Disconnected: Logged out {inout}",
        "dovecot: imap-login: Disconnected (auth failed, 2 attempts in 0 secs): user=<carol>, method=PLAIN, "
        "rip=127.0.0.1, lip=127.0.0.1, secured",
    ]


def test_a_refused_login_is_not_a_fetch_in_the_trace(world, running_host, host):
    with smtplib.SMTP(*running_host.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], b"Message-ID: <t1@localhost>\r\nSubject: t\r\n\r\nx\r\n")
    running_host.wait_for_deliveries()
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    with pytest.raises(poplib.error_proto):
        p.pass_("wrong")
    p.quit()
    dovecot_lines(world, 1)
    _, steps = build_trace(world, "<t1@localhost>")
    assert not steps[-1].ok
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    p.quit()
    dovecot_lines(world, 3)
    _, steps = build_trace(world, "<t1@localhost>")
    assert steps[-1].ok and "POP3" in steps[-1].what


def test_a_client_that_goes_away_without_logout(world, running_host):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    m.login("carol", "secret")
    m.shutdown()  # no LOGOUT
    dovecot_lines(world, 2)  # the server has seen the connection end
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    p.close()  # no QUIT: nothing is deleted, Dovecot says the connection closed
    lines = dovecot_lines(world, 4)
    assert re.fullmatch(r"dovecot: imap\(carol\): Disconnected: Connection closed in=0 out=\d+", lines[1])
    assert lines[3] == "dovecot: pop3(bob): Disconnected: Connection closed top=0/0, retr=0/0, del=0/0, size=0"
