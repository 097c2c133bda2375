"""Every reply of sendmail 8.17 that the course shows, with its code and enhanced code."""

import re
import smtplib

import pytest

from mailkit.commands.base import run
from mailkit.core.cf import set_option
from mailkit.core.queue import Queue

from smtp_dialogue import Dialogue


def smtp_addr(rt):
    return rt.connect_address(25)


@pytest.fixture
def d(running_host):
    dlg = Dialogue(smtp_addr(running_host))
    yield dlg
    dlg.close()


def edit_cf(world, **options):
    path = world.path("/etc/mail/sendmail.cf")
    text = path.read_text()
    for name, value in options.items():
        text = set_option(text, name.replace("_", "."), value)
    path.write_text(text)


def test_greeting_has_sendmails_shape(d):
    assert re.fullmatch(
        r"220 localhost\.localdomain ESMTP Sendmail 8\.17\.1\.9/8\.17\.1\.9; "
        r"Sun, 29 Nov 2026 09:00:00 \+0900", d.greeting), d.greeting


def test_ehlo_lists_sendmails_extensions(d):
    lines = d.send("EHLO client.example.com").split("\n")
    assert lines[0] == "250-localhost.localdomain Hello localhost [127.0.0.1], pleased to meet you"
    assert [ln[4:] for ln in lines[1:]] == ["ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME", "SIZE",
                                            "DSN", "ETRN", "STARTTLS", "DELIVERBY", "HELP"]
    assert lines[-1].startswith("250 ")


def test_helo_and_missing_domain(d):
    assert d.send("HELO x") == "250 localhost.localdomain Hello localhost [127.0.0.1], pleased to meet you"
    assert d.send("EHLO") == "501 5.0.0 EHLO requires domain address"


@pytest.mark.parametrize("line,reply", [
    ("NOOP", "250 2.0.0 OK"),
    ("RSET", "250 2.0.0 Reset state"),
    ("FOO bar", '500 5.5.1 Command unrecognized: "FOO bar"'),
    ("RCPT TO:<bob@localhost>", "503 5.0.0 Need MAIL before RCPT"),
    ("DATA", "503 5.0.0 Need MAIL command"),
    ("VRFY bob", "252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)"),
    ("EXPN root", "502 5.7.0 Sorry, we do not allow this operation"),
    ("AUTH", "501 5.5.2 AUTH mechanism must be specified"),
    ("AUTH PLAIN AGFAYgBj", "504 5.3.3 AUTH mechanism PLAIN not available"),
    ("STARTTLS now", "501 5.5.2 Syntax error (no parameters allowed)"),
    ("MAIL FROM:<alice>", "553 5.5.4 <alice>... Domain name required for sender address alice"),
])
def test_single_replies(d, line, reply):
    d.send("EHLO localhost")
    assert d.send(line) == reply


def test_sequence_errors(d):
    d.send("EHLO localhost")
    assert d.send("MAIL FROM:<alice@localhost>") == "250 2.1.0 <alice@localhost>... Sender ok"
    assert d.send("MAIL FROM:<alice@localhost>") == "503 5.5.0 Sender already specified"
    assert d.send("DATA") == "503 5.0.0 Need RCPT (recipient)"
    assert d.send("QUIT") == "221 2.0.0 localhost.localdomain closing connection"


def test_unknown_local_user(d):
    d.send("EHLO localhost")
    d.send("MAIL FROM:<alice@localhost>")
    assert d.send("RCPT TO:<nosuch@localhost>") == "550 5.1.1 <nosuch@localhost>... User unknown"
    assert d.send("RCPT TO:<bob@localhost>") == "250 2.1.5 <bob@localhost>... Recipient ok"


def test_relaying_denied_for_another_host_allowed_from_localhost(running_host):
    other = Dialogue(smtp_addr(running_host), source="127.0.0.2")
    assert "Hello client.example.com [127.0.0.2]" in other.send("EHLO client.example.com")
    other.send("MAIL FROM:<someone@client.example.com>")
    assert other.send("RCPT TO:<friend@example.org>") == "550 5.7.1 <friend@example.org>... Relaying denied"
    other.close()
    local = Dialogue(smtp_addr(running_host))
    local.send("EHLO localhost")
    local.send("MAIL FROM:<alice@localhost>")
    assert local.send("RCPT TO:<friend@example.org>") == "250 2.1.5 <friend@example.org>... Recipient ok"
    local.close()


def makemap_access(host, text):
    host.world.path("/etc/mail/access").write_text(text)
    res = run(host, ["makemap", "hash", "/etc/mail/access"], host.world.read_text("/etc/mail/access"))
    assert res.code == 0, res.err


def test_access_connect_relay_lets_another_host_relay(host):
    makemap_access(host, "Connect:127.0.0.2 RELAY\n")
    d = Dialogue(smtp_addr(host.runtime), source="127.0.0.2")
    d.send("EHLO client.example.com")
    d.send("MAIL FROM:<someone@client.example.com>")
    assert d.send("RCPT TO:<friend@example.org>").startswith("250 2.1.5")
    d.close()


def test_relay_domains_need_a_restart(host):
    host.world.path("/etc/mail/relay-domains").write_text("example.com\n")
    def rcpt():
        d = Dialogue(smtp_addr(host.runtime), source="127.0.0.2")
        d.send("EHLO client.example.com")
        d.send("MAIL FROM:<a@client.example.com>")
        r = d.send("RCPT TO:<b@example.com>")
        d.close()
        return r
    assert rcpt().startswith("550 5.7.1")
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    assert rcpt().startswith("250 2.1.5")


def test_access_from_to_error_and_the_makemap_lesson(host):
    addr = smtp_addr(host.runtime)
    # Sender domains the world's /etc/hosts knows (the real sendmail 8.17 refuses others at MAIL:
    # "553 5.1.8 ... Domain of sender address ... does not exist"), and the recipient under its
    # canonical name, the key the real one looks up ("To:carol@localhost" is never found).
    # edited but not rebuilt: the running MTA still reads the old access.db
    host.world.path("/etc/mail/access").write_text("From:spammer@spam.example.net REJECT\n")
    d = Dialogue(addr)
    d.send("EHLO localhost")
    assert d.send("MAIL FROM:<spammer@spam.example.net>").startswith("250 2.1.0")
    d.close()
    makemap_access(host, "From:spammer@spam.example.net REJECT\nTo:carol@localhost.localdomain REJECT\n"
                         'From:pest@spam.example.net ERROR:"550 Go away, pest"\n')
    d = Dialogue(addr)
    d.send("EHLO localhost")
    assert d.send("MAIL FROM:<spammer@spam.example.net>") == "550 5.7.1 <spammer@spam.example.net>... Access denied"
    assert d.send("MAIL FROM:<pest@spam.example.net>") == "550 5.0.0 <pest@spam.example.net>... Go away, pest"
    d.send("MAIL FROM:<alice@localhost>")
    assert d.send("RCPT TO:<carol@localhost>") == "550 5.2.1 <carol@localhost>... Mailbox disabled for this recipient"
    d.close()


def test_access_discard_accepts_and_drops(host):
    makemap_access(host, "From:junk@example.net DISCARD\n")
    with smtplib.SMTP(*smtp_addr(host.runtime)) as s:
        s.sendmail("junk@example.net", ["bob@localhost"], b"Subject: junk\r\n\r\nbuy\r\n")
    host.runtime.run_queue_now()
    assert host.world.path("/var/spool/mail/bob").read_bytes() == b""
    assert Queue(host.world, "/var/spool/mqueue").ids() == []


def test_access_connect_reject(host):
    makemap_access(host, "Connect:127.0.0.3 REJECT\n")
    d = Dialogue(smtp_addr(host.runtime), source="127.0.0.3")
    assert d.greeting.startswith("220 ")
    # as sendmail 8.17 answers: HELO/EHLO work (EHLO offers nothing), other commands are refused
    assert d.send("EHLO spam.example.net") == ("250-localhost.localdomain Hello spam.example.net [127.0.0.3], "
                                               "pleased to meet you\n250 ENHANCEDSTATUSCODES")
    assert d.send("HELP") == "550 5.7.1 Access denied"
    assert d.send("MAIL FROM:<a@spam.example.net>") == "550 5.7.1 Access denied"
    assert d.send("QUIT").startswith("221 2.0.0")
    d.close()


def test_max_message_size(host):
    edit_cf(host.world, MaxMessageSize="1000")
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    d = Dialogue(smtp_addr(host.runtime))
    assert "250-SIZE 1000" in d.send("EHLO localhost")
    assert d.send("MAIL FROM:<alice@localhost> SIZE=5000") == \
        "552 5.2.3 Message size exceeds fixed maximum message size (1000)"
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    assert d.data("Subject: big\n\n" + "x" * 2000) == "552 5.2.3 Message exceeds maximum fixed size (1000)"
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    assert re.fullmatch(r"250 2\.0\.0 \w{14} Message accepted for delivery", d.data("Subject: small\n\nok"))
    d.close()


def test_vrfy_expn_without_privacy(host):
    edit_cf(host.world, PrivacyOptions="authwarnings")
    run(host, ["systemctl", "restart", "sendmail"])
    d = Dialogue(smtp_addr(host.runtime))
    d.send("EHLO localhost")
    assert d.send("VRFY bob") == "250 2.1.5 <bob@localhost.localdomain>"
    assert d.send("VRFY nosuch") == "550 5.1.1 nosuch... User unknown"
    d.close()


def test_command_too_long_closes_and_server_lives(running_host):
    d = Dialogue(smtp_addr(running_host))
    assert d.send("NOOP " + "x" * 3000) == "421 4.7.0 localhost.localdomain Command too long, closing connection"
    d.close()
    d = Dialogue(smtp_addr(running_host))
    assert d.send("NOOP") == "250 2.0.0 OK"
    d.close()


def test_accepted_message_is_on_disk_before_250(host):
    edit_cf(host.world, DeliveryMode="queueonly")
    run(host, ["systemctl", "restart", "sendmail"])
    d = Dialogue(smtp_addr(host.runtime))
    d.send("EHLO localhost")
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    reply = d.data("Subject: kept\n\nbody")
    qid = reply.split()[2]
    qdir = host.world.path("/var/spool/mqueue")
    assert (qdir / f"qf{qid}").exists() and (qdir / f"df{qid}").read_bytes() == b"body\n"
    qf = (qdir / f"qf{qid}").read_text().splitlines()
    assert qf[0] == "V8" and qf[-1] == "." and "S<alice@localhost>" in qf and "RPFD:bob@localhost" in qf
    d.close()
    out = run(host, ["mailq"]).out
    assert f"{qid}        5 Sun Nov 29 09:00 <alice@localhost>" in out
    assert run(host, ["sendmail", "-q"]).code == 0
    assert "Subject: kept" in host.world.path("/var/spool/mail/bob").read_text()
    assert run(host, ["mailq"]).out == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"
