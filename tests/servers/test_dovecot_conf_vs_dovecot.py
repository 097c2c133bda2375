"""dovecot.conf's settings side by side with the real Dovecot 2.3 given the same ones: what a
client on another machine (127.0.0.2, not the server's own address) is told and refused before
TLS (ssl, disable_plaintext_auth), UIDLs (pop3_uidl_format %m over one mbox), and a Maildir
(mail_location = maildir:) read and flagged by both.

Compared: the lines of the replies, but for what the two do not share and the test names: the
greeting's product name, the capability words Dovecot has and mailkit not (SORT, THREAD...;
only STARTTLS, LOGINDISABLED and AUTH= are compared, and a login's OK without its capability
list), the timing Dovecot adds to replies after login ("(0.001 + 0.000 secs)"), UIDVALIDITY
(each server makes its own).
"""

import os
import poplib
import re
import shutil

import pytest

import dovecot
from mailkit.commands.base import Host, run
from mailkit.core import tlscert

from dovecot_host import AUTH, MAIL, POP3, SSL, Raw, capa_end, edit, tagged

PLAIN = "AGJvYgBzZWNyZXQ="  # \0bob\0secret
TIMING = re.compile(r" \(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)")


def plain(lines: list[str]) -> list[str]:
    """Reply lines without what the two servers do not share (see above)."""
    out = []
    for ln in lines:
        if ln.startswith("* CAPABILITY "):
            continue
        out.append(TIMING.sub("", re.sub(r"\[CAPABILITY [^]]*\] ", "", ln)))
    return out


def login_words(caps: str) -> list[str]:
    return [w for w in caps.split() if w in ("STARTTLS", "LOGINDISABLED") or w.startswith("AUTH=")]


def before_tls(imap_addr, pop3_addr) -> dict:
    """What a client on 127.0.0.2 sees and is answered before TLS."""
    out = {}
    t = Raw(imap_addr, source="127.0.0.2")
    out["greeting"] = login_words(t.greeting)
    out["caps"] = login_words(t.send("a CAPABILITY", tagged("a"))[0])
    out["login"] = plain(t.send("b LOGIN bob secret", tagged("b")))
    t.close()
    t = Raw(imap_addr, source="127.0.0.2")
    out["authenticate"] = plain(t.send(f"c AUTHENTICATE PLAIN {PLAIN}", tagged("c")))
    t.close()
    t = Raw(imap_addr, source="127.0.0.2")
    out["authenticate login"] = t.send("d AUTHENTICATE LOGIN", lambda ln: True)
    t.close()
    p = Raw(pop3_addr, source="127.0.0.2")
    out["capa"] = [ln for ln in p.send("CAPA", capa_end) if ln in ("STLS", "USER") or ln.startswith("SASL")]
    out["user"] = p.send("USER bob")
    out["pass"] = p.send("PASS secret")
    # QUIT ends the session before the next one logs in: mailkit locks a POP3 maildrop as
    # Dovecot does with pop3_lock_session=yes (the stock default is no), and a plain close is
    # seen by the server a moment later, so the AUTH session below could find it still held
    p.send("QUIT")
    p.close()
    p = Raw(pop3_addr, source="127.0.0.2")
    out["auth"] = p.send(f"AUTH PLAIN {PLAIN}")
    p.close()
    return out


def private_dovecot(world, settings):
    """running_dovecot with the world's certificate (readable by Dovecot's own user)."""
    settings = dict(settings)
    if settings.get("ssl", "no") != "no":
        settings.update(ssl_cert="<{d}/cert.pem", ssl_key="<{d}/key.pem")
    return dovecot.running_dovecot(settings=settings, before_start=lambda root: [
        shutil.copy(world.path(tlscert.DOVECOT.cert), root / "cert.pem"),
        shutil.copy(world.path(tlscert.DOVECOT.key), root / "key.pem")])


@pytest.mark.parametrize("ssl, plaintext", [("yes", "yes"), ("required", "no"), ("required", "yes"), ("no", "yes"),
                                            ("yes", "no")])
def test_before_tls_as_dovecot(world, host, ssl, plaintext):
    with private_dovecot(world, {"ssl": ssl, "disable_plaintext_auth": plaintext}) as d:
        theirs = before_tls(d.address("imap"), d.address("pop3"))
    edit(world, SSL, "ssl = required", f"ssl = {ssl}")
    edit(world, AUTH, "#disable_plaintext_auth = yes", f"disable_plaintext_auth = {plaintext}")
    edit(world, AUTH, "auth_mechanisms = plain", "auth_mechanisms = plain login")  # as tests/dovecot.py's
    assert run(host, ["systemctl", "restart", "dovecot"]).code == 0
    ours = before_tls(host.runtime.connect_address(143), host.runtime.connect_address(110))
    assert ours == theirs


MBOX = b"""From alice@example.com Sat Nov 28 23:00:00 2026
Received: from mx.example.com (mx.example.com [192.0.2.1])
\tby mail.example.com with ESMTP id 1234
\tfor <bob@example.com>; Sat, 28 Nov 2026 23:00:00 +0000
Received: from elsewhere by mx.example.com
Date: Sat, 28 Nov 2026 22:59:00 +0000
Message-ID: <one@example.com>
Subject: one

first
From alice@example.com Sat Nov 28 23:01:00 2026
Date: Sat, 28 Nov 2026 23:01:00 +0000
Message-ID: <two@example.com>
Delivered-To: bob@example.com
Subject: two

second
From alice@example.com Sat Nov 28 23:02:00 2026
Message-ID:
 <three@example.com>
Date: Sat, 28 Nov 2026 23:02:00 +0000
Received: by localhost
X-Delivery-ID: 42
Subject: three

third
"""


def uidls(addr) -> list[bytes]:
    p = poplib.POP3(*addr, timeout=10)
    p.user("bob")
    p.pass_("secret")
    out = p.uidl()[1]
    p.quit()
    return out


def test_uidl_with_header_md5_as_dovecot(world, host):
    fmt = "%m:%u"
    with dovecot.running_dovecot(settings={"pop3_uidl_format": fmt}) as d:
        d.write_mbox(MBOX)
        theirs = uidls(d.address("pop3"))
    world.path("/var/spool/mail/bob").write_bytes(MBOX)
    edit(world, POP3, "#pop3_uidl_format = %08Xu%08Xv", f"pop3_uidl_format = {fmt}")
    assert run(host, ["systemctl", "restart", "dovecot"]).code == 0
    assert uidls(host.runtime.connect_address(110)) == theirs
    assert len({u.split()[1] for u in theirs}) == 3


MESSAGES = {
    "1764370800.M1P1.example": b"From: alice@example.com\nSubject: one\n\nfirst\n",
    "1764370801.M1P1.example": b"From: alice@example.com\nSubject: two\n\nsecond\n",
    "1764370802.M1P1.example": b"From: alice@example.com\nSubject: three\n\nthird\n",
}


def fill_maildir(root):
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name, data in MESSAGES.items():
        (root / "new" / name).write_bytes(data)


def maildir_script(imap_addr, pop3_addr) -> dict:
    out = {"uidl": uidls(pop3_addr)}
    t = Raw(imap_addr)
    t.send("a LOGIN bob secret", tagged("a"))
    out["select"] = plain([ln for ln in t.send("b SELECT INBOX", tagged("b")) if "UIDVALIDITY" not in ln])
    out["store"] = plain(t.send("c STORE 1:2 +FLAGS (\\Seen \\Flagged)", tagged("c")))
    out["store2"] = plain(t.send("d STORE 3 +FLAGS (\\Answered \\Draft)", tagged("d")))
    out["expunge"] = plain(t.send("e STORE 2 +FLAGS (\\Deleted)", tagged("e")) + t.send("f EXPUNGE", tagged("f")))
    out["fetch"] = plain(t.send("g FETCH 1:* (UID FLAGS RFC822.SIZE)", tagged("g")))
    out["close"] = plain(t.send("h LOGOUT", tagged("h")))
    t.close()
    return out


def test_maildir_as_dovecot(world, host):
    settings = {"mail_location": "maildir:{d}/home/%u/Maildir", "pop3_uidl_format": "%f %u"}
    with dovecot.running_dovecot(settings=settings, before_start=lambda root: fill_maildir(root / "home/bob/Maildir")) as d:
        theirs = maildir_script(d.address("imap"), d.address("pop3"))
        their_files = sorted(os.listdir(d.root / "home/bob/Maildir/cur"))
    fill_maildir(world.path("/home/bob/Maildir"))
    edit(world, MAIL, "\nmail_location = mbox:~/mail:INBOX=/var/mail/%u", "\nmail_location = maildir:~/Maildir")
    edit(world, POP3, "#pop3_uidl_format = %08Xu%08Xv", "pop3_uidl_format = %f %u")
    assert run(Host(world, host.clock, host.runtime), ["systemctl", "restart", "dovecot"]).code == 0
    ours = maildir_script(host.runtime.connect_address(143), host.runtime.connect_address(110))
    assert ours == theirs
    assert sorted(os.listdir(world.path("/home/bob/Maildir/cur"))) == their_files
