"""Session behaviour beyond single replies: HELO rules, HELP, headers written, delivery modes,
pipelining, dot-stuffing, a client lost mid-message, smtplib's view of the replies."""

import mailbox
import re
import smtplib
import time

import pytest

from mailkit.commands.base import run
from mailkit.core.cf import set_option
from mailkit.core.queue import Queue

from smtp_dialogue import Dialogue


def restart_with(host, **options):
    path = host.world.path("/etc/mail/sendmail.cf")
    text = path.read_text()
    for name, value in options.items():
        text = set_option(text, name, value)
    path.write_text(text)
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0


def mbox(world, user):
    return list(mailbox.mbox(world.path(f"/var/spool/mail/{user}")))


def wait_for(cond, timeout=10):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_mail_without_helo_is_accepted_unless_needmailhelo(host):
    d = Dialogue(host.runtime.connect_address(25))
    assert d.send("MAIL FROM:<alice@localhost>") == "250 2.1.0 <alice@localhost>... Sender ok"
    d.close()
    restart_with(host, PrivacyOptions="authwarnings,needmailhelo")
    d = Dialogue(host.runtime.connect_address(25))
    assert d.send("MAIL FROM:<alice@localhost>") == "503 5.0.0 Polite people say HELO first"
    d.send("HELO client")
    assert d.send("MAIL FROM:<alice@localhost>").startswith("250 2.1.0")
    d.close()


def test_help_comes_from_the_helpfile(host):
    d = Dialogue(host.runtime.connect_address(25))
    lines = d.send("HELP").split("\n")
    assert lines[0] == "214-2.0.0 This is sendmail version 8.17.1.9"
    assert "214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA" in lines
    assert lines[-1] == "214 2.0.0 End of HELP info"
    with host.world.path("/etc/mail/helpfile").open("a") as f:  # read per HELP, like sendmail
        f.write("mail\tMAIL From:<sender> [ <parameters> ]\n")
    assert d.send("HELP MAIL") == "214-2.0.0 MAIL From:<sender> [ <parameters> ]\n214 2.0.0 End of HELP info"
    assert d.send("HELP FROB") == '504 5.3.0 HELP topic "frob" unknown'
    d.close()


def test_received_and_return_path_as_sendmail_writes_them(host):
    with smtplib.SMTP(*host.runtime.connect_address(25)) as s:
        s.ehlo("client.example.com")
        s.mail("alice@localhost")
        s.rcpt("bob@localhost")
        code, reply = s.data(b"Subject: headers\r\n\r\nbody\r\n")
    qid = reply.split()[1].decode()
    host.runtime.run_queue_now()
    [msg] = mbox(host.world, "bob")
    # the local mailer gets the sender as rulesets 3, 1, EnvFromL and 4 leave it: canonify turns
    # localhost into its canonical name (tests/rules/test_rewrite_differential.py)
    assert msg["Return-Path"] == "<alice@localhost.localdomain>"
    assert msg["Received"] == ("from client.example.com (localhost [127.0.0.1])\n"
                               "\tby localhost.localdomain (8.17.1.9/8.17.1.9) with ESMTP id " + qid + "\n"
                               "\tfor <bob@localhost>; Sun, 29 Nov 2026 09:00:00 +0900")
    assert msg["Message-Id"] == f"<202611290900.{qid}@localhost.localdomain>"
    assert msg["Date"] == "Sun, 29 Nov 2026 09:00:00 +0900"
    assert msg.get_payload() == "body\n"


def test_interactive_mode_delivers_before_the_250(host):
    restart_with(host, DeliveryMode="interactive")
    with smtplib.SMTP(*host.runtime.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["carol@localhost"], b"Subject: now\r\n\r\nnow\r\n")
        assert [m["Subject"] for m in mbox(host.world, "carol")] == ["now"]  # before QUIT, no queue run
    assert Queue(host.world, "/var/spool/mqueue").ids() == []


def test_background_mode_delivers_without_a_queue_run(host):
    with smtplib.SMTP(*host.runtime.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["carol@localhost"], b"Subject: soon\r\n\r\nsoon\r\n")
    wait_for(lambda: [m["Subject"] for m in mbox(host.world, "carol")] == ["soon"])


def test_pipelined_commands_get_replies_in_order(running_host):
    d = Dialogue(running_host.connect_address(25))
    d.send("EHLO localhost")
    d.sock.sendall(b"MAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nRCPT TO:<nosuch@localhost>\r\nDATA\r\n")
    assert [d.reply() for _ in range(4)] == [
        "250 2.1.0 <alice@localhost>... Sender ok", "250 2.1.5 <bob@localhost>... Recipient ok",
        "550 5.1.1 <nosuch@localhost>... User unknown", "354 End data with <CR><LF>.<CR><LF>"]
    d.sock.sendall(b"Subject: dots\r\n\r\n..leading dot\r\n.\r\n")
    assert re.fullmatch(r"250 2\.0\.0 \w+ Message accepted for delivery", d.reply())
    d.close()
    running_host.run_queue_now()
    [msg] = mbox(running_host.world, "bob")
    assert msg.get_payload() == ".leading dot\n"


def test_a_client_lost_mid_message_queues_nothing(running_host):
    qdir = running_host.world.path("/var/spool/mqueue")
    d = Dialogue(running_host.connect_address(25))
    d.send("EHLO localhost")
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    d.send("DATA")
    d.sock.sendall(b"Subject: half\r\n\r\nhalf a messa")
    d.close()
    time.sleep(0.2)
    assert sorted(p.name for p in qdir.iterdir()) == []
    d = Dialogue(running_host.connect_address(25))  # and the daemon still serves
    assert d.send("NOOP") == "250 2.0.0 OK"
    d.close()


def test_command_length_limit_is_2046(running_host):
    d = Dialogue(running_host.connect_address(25))
    assert d.send("NOOP " + "x" * (2046 - 5)) == "250 2.0.0 OK"
    assert d.send("NOOP " + "x" * (2047 - 5)).startswith("421 4.7.0 localhost.localdomain Command too long")
    assert d.file.readline() == b""  # closed
    d.close()


def test_etrn_starts_a_queue_run(running_host):
    d = Dialogue(running_host.connect_address(25))
    d.send("EHLO localhost")
    assert d.send("ETRN example.com") == "250 2.0.0 Queuing for node example.com started"
    assert d.send("ETRN") == "501 5.5.2 Parameter required"
    d.close()


def test_smtplib_sees_sendmails_codes(host):
    with smtplib.SMTP(*host.runtime.connect_address(25)) as s:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as e:
            s.sendmail("alice@localhost", ["nosuch@localhost"], b"x")
        assert e.value.recipients == {"nosuch@localhost": (550, b"5.1.1 <nosuch@localhost>... User unknown")}
        refused = s.sendmail("alice@localhost", ["bob@localhost", "ghost@localhost"], b"Subject: part\r\n\r\nx\r\n")
        assert refused == {"ghost@localhost": (550, b"5.1.1 <ghost@localhost>... User unknown")}


def test_connect_discard_accepts_everything_and_keeps_nothing(host):
    host.world.path("/etc/mail/access").write_text("Connect:127.0.0.4 DISCARD\n")
    assert run(host, ["makemap", "hash", "/etc/mail/access"], "Connect:127.0.0.4 DISCARD\n").code == 0
    d = Dialogue(host.runtime.connect_address(25), source="127.0.0.4")
    d.send("EHLO x")
    d.send("MAIL FROM:<a@spam.example.net>")
    assert d.send("RCPT TO:<bob@localhost>").startswith("250 2.1.5")
    assert re.fullmatch(r"250 2\.0\.0 \w+ Message accepted for delivery", d.data("Subject: x\n\ny"))
    d.close()
    host.runtime.run_queue_now()
    assert Queue(host.world, "/var/spool/mqueue").ids() == [] and mbox(host.world, "bob") == []
