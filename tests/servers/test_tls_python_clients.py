"""TLS as a CentOS host offers it, with Python's own clients: STARTTLS (IMAP, SMTP), STLS
(POP3), imaps 993 and pop3s 995, each trusting the world's self-signed certificate."""

import imaplib
import poplib
import smtplib
import socket
import ssl

import pytest

from mailkit.commands.base import run
from mailkit.core import tlscert
from mailkit.servers.runtime import HostRuntime


def trusting(world, pair=tlscert.DOVECOT) -> ssl.SSLContext:
    """A client context that trusts the world's certificate (and checks the name dialled)."""
    return ssl.create_default_context(cafile=str(world.path(pair.cert)))


def deliver(rt, subject):
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], f"Subject: {subject}\r\n\r\nhello\r\n".encode())
    rt.run_queue_now()


def test_imap_starttls_then_login(running_host, world):
    deliver(running_host, "over imap tls")
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    assert "STARTTLS" in m.capabilities and "LOGINDISABLED" not in m.capabilities
    assert m.starttls(ssl_context=trusting(world))[0] == "OK"
    # imaplib asks for CAPABILITY again over TLS: STARTTLS is no longer offered
    assert "STARTTLS" not in m.capabilities and "AUTH=PLAIN" in m.capabilities
    assert m.sock.version() in ("TLSv1.2", "TLSv1.3")
    assert m.login("bob", "secret")[0] == "OK"
    m.select("INBOX")
    assert b"over imap tls" in m.fetch("1", "(BODY[])")[1][0][1]
    m.logout()
    log = world.read_text("/var/log/maillog")
    assert "imap-login: Login: user=<bob>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=" in log
    assert [ln for ln in log.splitlines() if "imap-login: Login:" in ln][-1].endswith(", TLS")


def test_imap_plaintext_login_stays_allowed_on_loopback(running_host):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    assert "LOGINDISABLED" not in m.capabilities
    assert m.login("bob", "secret")[0] == "OK"
    typ, data = m.capability()
    assert b"STARTTLS" not in data[0]  # after login (the imap process) it is never offered
    m.logout()


def test_imap_starttls_twice_and_after_login(running_host, world):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    m.starttls(ssl_context=trusting(world))
    assert m._simple_command("CAPABILITY")[0] == "OK"
    m.state = "NONAUTH"
    with pytest.raises(imaplib.IMAP4.error, match="TLS is already active."):
        m._simple_command("STARTTLS")
    m.logout()


def test_imaps_993(running_host, world):
    deliver(running_host, "over imaps")
    m = imaplib.IMAP4_SSL(*running_host.connect_address(993), ssl_context=trusting(world), timeout=10)
    assert "STARTTLS" not in m.capabilities
    assert m.login("bob", "secret")[0] == "OK"
    assert m.select("INBOX") == ("OK", [b"1"])
    m.logout()


def test_pop3_stls_then_login(running_host, world):
    deliver(running_host, "over pop3 tls")
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    capa = p.capa()
    assert "STLS" in capa
    assert list(capa).index("STLS") == list(capa).index("USER") - 1  # where Dovecot puts it
    assert p.stls(trusting(world)) == b"+OK Begin TLS negotiation now."
    assert "STLS" not in p.capa()
    with pytest.raises(poplib.error_proto, match="TLS is already active."):
        p._shortcmd("STLS")
    p.user("bob")
    assert p.pass_("secret").startswith(b"+OK")
    assert b"Subject: over pop3 tls" in p.retr(1)[1]
    p.quit()


def test_pop3s_995(running_host, world):
    p = poplib.POP3_SSL(*running_host.connect_address(995), context=trusting(world), timeout=10)
    assert p.getwelcome() == b"+OK Dovecot-compatible mailkit ready."
    assert "STLS" not in p.capa()
    p.user("bob")
    assert p.pass_("secret").startswith(b"+OK")
    p.quit()


def test_smtp_starttls_as_sendmail_answers(running_host, world):
    s = smtplib.SMTP(*running_host.connect_address(25), timeout=10)
    code, text = s.ehlo("client.example.com")
    assert text.decode().split("\n")[6:9] == ["ETRN", "STARTTLS", "DELIVERBY"]
    assert s.docmd("MAIL", "FROM:<alice@localhost>")[0] == 250
    assert s.docmd("STARTTLS") == (503, b"5.5.0 TLS not permitted during a mail transaction")
    s.rset()
    assert s.docmd("STARTTLS", "now") == (501, b"5.5.2 Syntax error (no parameters allowed)")
    assert s.starttls(context=trusting(world, tlscert.SENDMAIL)) == (220, b"2.0.0 Ready to start TLS")
    code, text = s.ehlo("client.example.com")
    assert code == 250 and b"STARTTLS" not in text
    assert s.docmd("STARTTLS") == (503, b"5.5.0 TLS not available")
    s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: over smtp tls\r\n\r\nhi\r\n")
    s.quit()
    running_host.run_queue_now()
    mbox = world.read_text("/var/spool/mail/bob")
    assert "with ESMTPS id " in mbox and "\n\t(version=TLSv1.3 cipher=" in mbox and " verify=NO)\n\tfor <bob@localhost>;" in mbox
    log = world.read_text("/var/log/maillog")
    assert "STARTTLS=server, relay=localhost [127.0.0.1], version=TLSv1.3, verify=NO, cipher=" in log
    assert "proto=ESMTPS, daemon=MTA" in log


def _injected(addr, ctx, first: bytes, greeting_lines: int = 1):
    """Send STARTTLS and a command in one packet; return the socket after the handshake."""
    raw = socket.create_connection(addr, timeout=10)
    f = raw.makefile("rb")
    for _ in range(greeting_lines):
        f.readline()
    raw.sendall(first)
    reply = f.readline()
    return reply, ctx.wrap_socket(raw, server_hostname="127.0.0.1")


def test_imap_command_sent_with_starttls_never_runs(running_host, world):
    reply, tls = _injected(running_host.connect_address(143), trusting(world),
                           b"a STARTTLS\r\nb LOGIN bob secret\r\n")
    assert reply == b"a OK Begin TLS negotiation now.\r\n"
    tls.sendall(b"c SELECT INBOX\r\n")
    answer = tls.recv(4096)
    assert b"b OK" not in answer and answer.startswith(b"c BAD"), answer  # not logged in
    tls.close()


def test_pop3_command_sent_with_stls_never_runs(running_host, world):
    reply, tls = _injected(running_host.connect_address(110), trusting(world), b"STLS\r\nUSER bob\r\n")
    assert reply == b"+OK Begin TLS negotiation now.\r\n"
    tls.sendall(b"PASS secret\r\n")
    assert tls.recv(4096).startswith(b"-ERR")  # no USER before it
    tls.close()


def test_smtp_command_sent_with_starttls_never_runs(running_host, world):
    raw = socket.create_connection(running_host.connect_address(25), timeout=10)
    f = raw.makefile("rb")
    f.readline()
    raw.sendall(b"EHLO x\r\n")
    while not f.readline().startswith(b"250 "):
        pass
    raw.sendall(b"STARTTLS\r\nMAIL FROM:<alice@localhost>\r\n")
    assert f.readline() == b"220 2.0.0 Ready to start TLS\r\n"
    tls = trusting(world, tlscert.SENDMAIL).wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(b"RCPT TO:<bob@localhost>\r\n")
    assert tls.recv(4096) == b"503 5.0.0 Need MAIL before RCPT\r\n"
    tls.close()


def test_smtp_command_pipelined_after_a_message_and_starttls_never_runs(running_host, world):
    """What follows a message's final dot is kept for the next command: a command behind
    STARTTLS there must be dropped as well."""
    raw = socket.create_connection(running_host.connect_address(25), timeout=10)
    f = raw.makefile("rb")
    f.readline()
    raw.sendall(b"EHLO x\r\n")
    while not f.readline().startswith(b"250 "):
        pass
    raw.sendall(b"MAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\n")
    assert [f.readline()[:3] for _ in range(3)] == [b"250", b"250", b"354"]
    raw.sendall(b"Subject: one\r\n\r\nbody\r\n.\r\nSTARTTLS\r\nMAIL FROM:<alice@localhost>\r\n")
    assert f.readline()[:3] == b"250"
    assert f.readline() == b"220 2.0.0 Ready to start TLS\r\n"
    tls = trusting(world, tlscert.SENDMAIL).wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(b"RCPT TO:<bob@localhost>\r\n")
    assert tls.recv(4096) == b"503 5.0.0 Need MAIL before RCPT\r\n"
    tls.close()


def test_existing_world_gets_certificates_at_start(world, clock):
    for pair in (tlscert.DOVECOT, tlscert.SENDMAIL):
        world.path(pair.cert).unlink()
        world.path(pair.key).unlink()
    rt = HostRuntime(world, clock).start()
    try:
        for pair in (tlscert.DOVECOT, tlscert.SENDMAIL):
            assert world.path(pair.cert).is_file() and world.path(pair.key).stat().st_mode & 0o777 == 0o600
        with imaplib.IMAP4_SSL(*rt.connect_address(993), ssl_context=trusting(world), timeout=10) as m:
            assert m.login("bob", "secret")[0] == "OK"
    finally:
        rt.stop()


def test_unreadable_certificate_leaves_tls_off(world, clock):
    """A certificate the servers cannot load: sendmail's 454, Dovecot's "TLS support isn't
    enabled.", STARTTLS/STLS offered nowhere, and no 993/995."""
    for pair in (tlscert.DOVECOT, tlscert.SENDMAIL):
        world.path(pair.cert).write_text("not a certificate\n")
    rt = HostRuntime(world, clock).start()
    try:
        assert 993 not in rt.ports and 995 not in rt.ports
        with smtplib.SMTP(*rt.connect_address(25), timeout=10) as s:
            assert b"STARTTLS" not in s.ehlo("x")[1]
            assert s.docmd("STARTTLS") == (454, b"4.3.3 TLS not available after start")
        m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
        assert "STARTTLS" not in m.capabilities
        with pytest.raises(imaplib.IMAP4.error, match="TLS support isn't enabled."):
            m._simple_command("STARTTLS")
        m.logout()
        p = poplib.POP3(*rt.connect_address(110), timeout=10)
        assert "STLS" not in p.capa()
        with pytest.raises(poplib.error_proto, match="TLS support isn't enabled."):
            p._shortcmd("STLS")
        p.quit()
    finally:
        rt.stop()


def test_netstat_and_ss_show_993_and_995(host):
    """CentOS's dovecot listens on every address (listen = *, ::): netstat shows 0.0.0.0 and ::."""
    out = run(host, ["netstat", "-tlnp"]).out
    for port in (110, 143, 993, 995):
        assert f"0.0.0.0:{port} " in out
    assert "0.0.0.0:993" in run(host, ["ss", "-ltnp"]).out


def test_smtps_only_where_the_cf_declares_m_s(world, clock):
    cf = world.path("/etc/mail/sendmail.cf")
    assert "M=s" not in cf.read_text()
    cf.write_text(cf.read_text() + "O DaemonPortOptions=Port=smtps, Addr=127.0.0.1, Name=TLSMTA, M=s\n")
    rt = HostRuntime(world, clock).start()
    try:
        ctx = trusting(world, tlscert.SENDMAIL)
        with smtplib.SMTP_SSL(*rt.connect_address(465), context=ctx, timeout=10) as s:
            code, text = s.ehlo("x")
            assert code == 250 and b"STARTTLS" not in text
            assert s.docmd("STARTTLS") == (503, b"5.5.0 TLS not available")
            assert s.noop()[0] == 250
    finally:
        rt.stop()


def test_stock_cf_has_no_smtps(running_host):
    assert 465 not in running_host.ports


def test_a_failed_handshake_is_logged_and_the_servers_go_on(running_host, world):
    """A client that answers STARTTLS/STLS with plaintext: the connection ends, the log says
    why in each daemon's words, nothing is left unhandled, the next client is served."""
    import time

    for port, first in ((25, b"STARTTLS\r\n"), (143, b"a STARTTLS\r\n"), (110, b"STLS\r\n")):
        with socket.create_connection(running_host.connect_address(port), timeout=10) as s:
            f = s.makefile("rb")
            f.readline()
            s.sendall(first)
            assert b"TLS" in f.readline()
            s.sendall(b"not a TLS record at all\r\n")
            assert s.recv(100) == b""  # closed
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = world.read_text("/var/log/maillog")
        if log.count("SSL_accept() failed: wrong version number") == 2:
            break
        time.sleep(0.05)
    assert "STARTTLS=server, error: accept failed=-1, reason=wrong version number, relay=localhost [127.0.0.1]" in log
    assert "imap-login: Disconnected: Connection closed: SSL_accept() failed: wrong version number" in log
    assert "pop3-login: Disconnected: Connection closed: SSL_accept() failed: wrong version number" in log
    assert "Unhandled exception" not in log and "SYSERR" not in log
    test_pop3s_995(running_host, world)
