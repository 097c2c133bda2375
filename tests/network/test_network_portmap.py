"""Real clients in the kernel reach every host of the network: `localhost` is the current
host, a host's name or address is that host, and each connection comes from the current
host's address (the servers see mail.korea.example connecting, as on a network)."""

import imaplib
import poplib
import smtplib
import ssl
import socket
import time

import pytest
from net_fixtures import listen_everywhere

import mailkit
from mailkit.kernel import extension

MESSAGE = "From: alice@korea.example\nTo: {to}\nSubject: {subject}\n\nhello\n"


@pytest.fixture
def network(ip, monkeypatch):
    monkeypatch.setenv("MAILKIT_LANG", "en")
    ip.run_line_magic("mailkit", "network")
    net = extension.current_session().network
    listen_everywhere(net, "mail.jeju.example", "mx2.jeju.example")
    return net


def spool(net, name, user):
    path = net.member(name).world.mailbox_path(user)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        extension.current_session().wait_for_deliveries(5)
        text = path.read_text(errors="replace") if path.exists() else ""
        if text:
            return text
        time.sleep(0.05)
    return ""


def test_smtp_reaches_the_current_host_and_the_others_by_name(network):
    with smtplib.SMTP("localhost", 25) as s:
        assert s.sock.getsockname()[0] == "127.0.0.4"  # from mail.korea.example's own address
        s.sendmail("root@korea.example", ["alice@localhost"], MESSAGE.format(to="alice", subject="on korea"))
    with smtplib.SMTP("mail.jeju.example") as s:
        code, hello = s.ehlo("mail.korea.example")
        assert code == 250 and b"Hello mail.korea.example [127.0.0.4]" in hello  # jeju names its client
        s.sendmail("alice@korea.example", ["bob@jeju.example"], MESSAGE.format(to="bob@jeju.example", subject="to jeju"))
    assert "Subject: on korea" in spool(network, "mail.korea.example", "alice")
    assert "Subject: to jeju" in spool(network, "mail.jeju.example", "bob")
    for other in ("mail.korea.example", "mx2.jeju.example"):  # only jeju got it
        assert network.member(other).world.mailbox_path("bob").read_text() == ""


def test_pop3_and_imap_by_address_and_name(network):
    with smtplib.SMTP("127.0.0.5", 25) as s:
        s.sendmail("alice@korea.example", ["bob@jeju.example"], MESSAGE.format(to="bob@jeju.example", subject="fetch me"))
    assert "fetch me" in spool(network, "mail.jeju.example", "bob")
    # from another machine Dovecot's stock config (disable_plaintext_auth, ssl = required) wants
    # TLS before a password, as the real one does: only its own address counts as secure
    unverified = ssl._create_unverified_context()
    p = poplib.POP3("mail.jeju.example")
    try:
        assert p.sock.getsockname()[0] == "127.0.0.4"
        with pytest.raises(poplib.error_proto, match="Plaintext authentication disallowed"):
            p.user("bob")  # Dovecot refuses the USER line already
    finally:
        p.quit()
    p = poplib.POP3("mail.jeju.example")
    try:
        p.stls(unverified)
        p.user("bob")
        p.pass_("secret")
        assert p.stat()[0] == 1
    finally:
        p.quit()
    p = poplib.POP3("127.0.0.6")  # mx2 holds no mail for bob
    try:
        p.stls(unverified)
        p.user("bob")
        p.pass_("secret")
        assert p.stat()[0] == 0
    finally:
        p.quit()
    with imaplib.IMAP4("mail.jeju.example") as m:
        assert "LOGINDISABLED" in m.capabilities
        m.starttls(unverified)
        m.login("bob", "secret")
        typ, data = m.select("INBOX", readonly=True)
        assert (typ, data) == ("OK", [b"1"])
        m.logout()


def test_after_switching_localhost_is_the_new_current_host(ip, network, capsys):
    ip.run_line_magic("host", "mail.jeju.example")
    with smtplib.SMTP("localhost") as s:
        assert s.sock.getsockname()[0] == "127.0.0.5"
        s.sendmail("root@jeju.example", ["carol@localhost"], MESSAGE.format(to="carol", subject="local to jeju"))
    assert "local to jeju" in spool(network, "mail.jeju.example", "carol")
    assert mailkit.connect(25) == network.member("mail.jeju.example").runtime.connect_address(25)


def test_a_stopped_host_refuses_and_other_ports_pass_through(ip, network):
    ip.run_line_magic("host", "mx2.jeju.example")
    ip.run_line_magic("systemctl", "stop sendmail")
    ip.run_line_magic("host", "mail.korea.example")
    with pytest.raises(ConnectionRefusedError):
        smtplib.SMTP("mx2.jeju.example", 25, timeout=5)
    with socket.socket() as free:  # a port nobody listens on is not mapped anywhere
        free.bind(("127.0.0.5", 0))
        port = free.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.5", port), timeout=5)
    with socket.socket() as other:  # a service of the machine on localhost stays reachable
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        with socket.create_connection(("localhost", other.getsockname()[1]), timeout=5) as c:
            assert c.getpeername() == other.getsockname()


def test_telnet_and_smtp_send_name_the_other_host(ip, network, capsys):
    from mailkit.course import smtp_dialogue

    ip.run_cell("%%host\necho QUIT | telnet mail.jeju.example 25\n")
    out = capsys.readouterr().out
    assert out.startswith("[mail.korea.example]\nTrying 127.0.0.5...\nConnected to mail.jeju.example.\n")
    assert "221 2.0.0" in out
    d = smtp_dialogue("bob@jeju.example", subject="by smtp_send", sender="alice@korea.example", server="mail.jeju.example")
    lines = [text for _, text in d.lines]
    assert "EHLO mail.korea.example" in lines
    assert any(x.startswith("250 2.0.0 ") and x.endswith("Message accepted for delivery") for x in lines)
    assert "by smtp_send" in spool(network, "mail.jeju.example", "bob")


def test_the_telnet_widget_reaches_another_host(network):
    from mailkit.widgets.telnet import Telnet

    t = Telnet(hostname="mx2.jeju.example", port=25, lang="en")
    try:
        assert t.wait_for("220 ")
        t.send("EHLO mail.korea.example")
        assert t.wait_for("Hello mail.korea.example [127.0.0.4]")  # mx2 sees korea connecting
        assert t.transcript[0] == "Trying 127.0.0.6..."
    finally:
        t.disconnect()
