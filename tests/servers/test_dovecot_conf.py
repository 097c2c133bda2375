"""The dovecot unit does what /etc/dovecot says, after `systemctl restart dovecot`: each setting
an administrator (or the exam) changes there changes what real clients (poplib, imaplib, a raw
socket where the library hides the words) see."""

import imaplib
import os
import poplib
import re

import pytest

from mailkit.commands.base import run

from dovecot_host import AUTH, CONF, MAIL, MASTER, POP3, SSL, Raw, capa_end, edit, tagged


def restart(host):
    r = run(host, ["systemctl", "restart", "dovecot"])
    assert r.code == 0, r.err
    return host.runtime


def listening(host) -> str:
    return run(host, ["netstat", "-tlnp"]).out


def test_stock_listeners_are_centos_dovecots(host):
    out = listening(host)
    for port in (110, 143, 993, 995):
        assert re.search(rf"^tcp +0 +0 0\.0\.0\.0:{port} ", out, re.M), port
        assert re.search(rf"^tcp6 +0 +0 :::{port} ", out, re.M), port
    assert "[::]:110" in run(host, ["ss", "-ltn"]).out
    assert run(host, ["doveconf", "protocols"]).out == "protocols = imap pop3 lmtp\n"


def test_protocols_turn_pop3_off_and_on(host, world):
    edit(world, CONF, "#protocols = imap pop3 lmtp", "protocols = imap")
    rt = restart(host)
    assert ":110 " not in listening(host) and ":995 " not in listening(host)
    with pytest.raises(ConnectionRefusedError):
        poplib.POP3(*rt.connect_address(110), timeout=5)
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    m.login("bob", "secret")
    m.logout()
    edit(world, CONF, "protocols = imap", "protocols = imap pop3")
    restart(host)
    p = poplib.POP3(*rt.connect_address(110), timeout=10)
    p.user("bob")
    assert p.pass_("secret").startswith(b"+OK")
    p.quit()


def test_listener_ports_and_a_port_of_zero(host, world):
    edit(world, MASTER, "    #port = 143", "    port = 1143")
    edit(world, MASTER, "    #port = 995", "    port = 0")
    rt = restart(host)
    out = listening(host)
    assert "0.0.0.0:1143 " in out and "0.0.0.0:143 " not in out and ":995 " not in out and "0.0.0.0:993 " in out
    m = imaplib.IMAP4(*rt.connect_address(1143), timeout=10)
    assert m.login("bob", "secret")[0] == "OK"
    m.logout()
    with pytest.raises(ConnectionRefusedError):
        imaplib.IMAP4(*rt.connect_address(143), timeout=5)


def test_listen_on_loopback_only(host, world):
    edit(world, CONF, "#listen = *, ::", "listen = 127.0.0.1")
    restart(host)
    out = listening(host)
    assert "127.0.0.1:110 " in out and "0.0.0.0:110 " not in out and "tcp6" not in out


def test_listen_elsewhere_binds_loopback_but_shows_the_address(host, world):
    edit(world, CONF, "#listen = *, ::", "listen = 192.0.2.10")
    rt = restart(host)
    assert "192.0.2.10:143 " in listening(host)
    assert rt.connect_address(143)[0] == "127.0.0.1"
    imaplib.IMAP4(*rt.connect_address(143), timeout=10).logout()


def test_ssl_no_closes_the_tls_ports_and_starttls(host, world):
    edit(world, SSL, "ssl = required", "ssl = no")
    rt = restart(host)
    out = listening(host)
    assert ":993 " not in out and ":995 " not in out and ":143 " in out
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    assert "STARTTLS" not in m.capabilities
    m.logout()
    t = Raw(rt.connect_address(110))
    assert "STLS" not in t.send("CAPA", capa_end)
    assert t.send("STLS") == ["-ERR TLS support isn't enabled."]
    t.close()


def test_plaintext_from_another_machine_waits_for_tls(host, world):
    """ssl = required (CentOS's): a client on 127.0.0.2 may not send a password before TLS;
    on the host itself (127.0.0.1 to 127.0.0.1) it may."""
    rt = host.runtime
    t = Raw(rt.connect_address(143), source="127.0.0.2")
    assert "LOGINDISABLED" in t.greeting and "AUTH=" not in t.greeting
    assert t.send("a LOGIN bob secret", tagged("a")) == [
        "* BAD [ALERT] Plaintext authentication not allowed without SSL/TLS, but your client did it anyway. "
        "If anyone was listening, the password was exposed.",
        "a NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."]
    assert t.send("b AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=", tagged("b")) == [
        "b NO [PRIVACYREQUIRED] Authentication not allowed until SSL/TLS is enabled."]
    t.close()
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)  # from 127.0.0.1: secured
    assert "LOGINDISABLED" not in m.capabilities and m.login("bob", "secret")[0] == "OK"
    m.logout()
    p = Raw(rt.connect_address(110), source="127.0.0.2")
    capa = p.send("CAPA", capa_end)
    assert "USER" not in capa and "SASL" in capa and "STLS" in capa
    assert p.send("USER bob") == ["-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."]
    p.close()
    # after STARTTLS the same client is secured
    t = Raw(rt.connect_address(143), source="127.0.0.2")
    assert t.send("c STARTTLS") == ["c OK Begin TLS negotiation now."]
    t.tls()
    assert "LOGINDISABLED" not in t.send("d CAPABILITY", tagged("d"))[0]
    assert t.send("e LOGIN bob secret", tagged("e"))[-1].startswith("e OK")
    t.close()


def test_disable_plaintext_auth_no_lets_another_machine_log_in(host, world):
    edit(world, SSL, "ssl = required", "ssl = yes")
    edit(world, AUTH, "#disable_plaintext_auth = yes", "disable_plaintext_auth = no")
    rt = restart(host)
    t = Raw(rt.connect_address(143), source="127.0.0.2")
    assert "LOGINDISABLED" not in t.greeting and "AUTH=PLAIN" in t.greeting
    assert t.send("a LOGIN bob secret", tagged("a"))[-1].startswith("a OK")
    t.close()


def test_auth_mechanisms_plain_login(host, world):
    edit(world, AUTH, "auth_mechanisms = plain", "auth_mechanisms = plain login")
    rt = restart(host)
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    assert {"AUTH=PLAIN", "AUTH=LOGIN"} <= set(m.capabilities)
    answers = iter([b"bob", b"secret"])
    assert m.authenticate("LOGIN", lambda challenge: next(answers))[0] == "OK"
    m.logout()
    t = Raw(rt.connect_address(110))
    assert "SASL PLAIN LOGIN" in t.send("CAPA", capa_end)
    assert t.send("AUTH LOGIN") == ["+ VXNlcm5hbWU6"]
    assert t.send("Ym9i") == ["+ UGFzc3dvcmQ6"]
    assert t.send("c2VjcmV0") == ["+OK Logged in."]
    t.send("QUIT")
    t.close()
    assert "pop3-login: Login: user=<bob>, method=LOGIN," in world.path("/var/log/maillog").read_text()
    edit(world, AUTH, "auth_mechanisms = plain login", "auth_mechanisms = plain")
    restart(host)
    t = Raw(rt.connect_address(110))
    assert t.send("AUTH LOGIN") == ["-ERR Unsupported authentication mechanism."]
    t.close()


def send_mail(host, to="bob", subject="hello"):
    r = run(host, ["sendmail", "-oi", to], stdin=f"From: alice@localhost\nSubject: {subject}\n\nbody of {subject}\n")
    assert r.code == 0, r.err
    host.runtime.wait_for_deliveries()


def test_pop3_uidl_format(host, world):
    send_mail(host)
    p = poplib.POP3(*host.runtime.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    assert re.fullmatch(rb"1 [0-9a-f]{16}", p.uidl()[1][0])
    p.quit()
    edit(world, POP3, "#pop3_uidl_format = %08Xu%08Xv", "pop3_uidl_format = %u.%v")
    rt = restart(host)
    p = poplib.POP3(*rt.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    assert re.fullmatch(rb"1 1\.\d+", p.uidl()[1][0])
    p.quit()


def test_maildir_mail_location(host, world):
    edit(world, MAIL, "\nmail_location = mbox:~/mail:INBOX=/var/mail/%u", "\nmail_location = maildir:~/Maildir")
    edit(world, POP3, "#pop3_uidl_format = %08Xu%08Xv", "pop3_uidl_format = %f")
    world.path("/home/bob/.procmailrc").write_text("DEFAULT=$HOME/Maildir/\n")
    rt = restart(host)
    send_mail(host, subject="one")
    send_mail(host, subject="two")
    new = sorted(os.listdir(world.path("/home/bob/Maildir/new")))
    assert len(new) == 2 and world.path("/var/spool/mail/bob").read_bytes() == b""
    p = poplib.POP3(*rt.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    assert [ln.split()[1].decode() for ln in p.uidl()[1]] == new  # %f: the file names
    assert b"Subject: two" in b"\n".join(p.retr(2)[1])
    p.quit()
    cur = sorted(os.listdir(world.path("/home/bob/Maildir/cur")))
    assert cur == [new[0] + ":2,", new[1] + ":2,S"]  # moved to cur/ by the reader, seen after RETR
    m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
    m.login("bob", "secret")
    assert m.select("INBOX") == ("OK", [b"2"])
    m.store("1", "+FLAGS", "(\\Flagged)")
    m.store("2", "+FLAGS", "(\\Deleted)")
    m.expunge()
    m.create("Work")
    m.copy("1", "Work")
    assert b'(\\HasNoChildren) "." "Work"' in m.list()[1]
    m.logout()
    assert os.listdir(world.path("/home/bob/Maildir/cur")) == [new[0] + ":2,F"]
    work = os.listdir(world.path("/home/bob/Maildir/.Work/cur"))
    assert len(work) == 1 and work[0].endswith(":2,F")


def test_a_bad_line_fails_the_restart_with_file_and_line(host, world):
    rt = host.runtime
    edit(world, MAIL, "#mail_uid =", "mail_uid_typo = vmail\n#mail_uid =")
    line = next(i for i, t in enumerate(world.path(MAIL).read_text().splitlines(), 1) if t.startswith("mail_uid_typo"))
    error = (f"doveconf: Fatal: Error in configuration file /etc/dovecot/conf.d/10-mail.conf line {line}: "
             "Unknown setting: mail_uid_typo")
    r = run(host, ["systemctl", "restart", "dovecot"])
    assert r.code == 1 and "Job for dovecot.service failed" in r.err
    status = run(host, ["systemctl", "status", "dovecot"]).out
    assert "Active: failed" in status and "status=89" in status and status.rstrip().endswith(error)
    assert error in world.path("/var/log/maillog").read_text()
    assert run(host, ["doveconf", "-n"]).err == error + "\n"
    with pytest.raises(ConnectionRefusedError):  # as on CentOS: the restart stopped the old one
        imaplib.IMAP4(*rt.connect_address(143), timeout=5)
    edit(world, MAIL, "mail_uid_typo = vmail\n", "")
    restart(host)
    imaplib.IMAP4(*rt.connect_address(143), timeout=10).logout()


def test_reload_with_a_bad_line_keeps_the_old_configuration(host, world):
    rt = host.runtime
    edit(world, CONF, "#protocols = imap pop3 lmtp", "protocols = imap pop4")
    assert run(host, ["systemctl", "reload", "dovecot"]).code == 0  # kill -HUP always succeeds
    log = world.path("/var/log/maillog").read_text()
    assert "master: Warning: SIGHUP received - reloading configuration" in log
    assert ("master: Error: Error reading configuration: Error in configuration file /etc/dovecot/dovecot.conf: "
            "protocols: Unknown protocol: pop4") in log
    p = poplib.POP3(*rt.connect_address(110), timeout=10)  # still the old configuration
    p.quit()
    edit(world, CONF, "protocols = imap pop4", "protocols = imap")
    assert run(host, ["systemctl", "reload", "dovecot"]).code == 0
    with pytest.raises(ConnectionRefusedError):
        poplib.POP3(*rt.connect_address(110), timeout=5)
