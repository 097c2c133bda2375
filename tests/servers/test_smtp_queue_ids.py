"""The queue id of an SMTP transaction is taken at MAIL, as sendmail 8 gives its envelope one
before check_mail runs: refusals at MAIL and RCPT are logged under it, and an accepted message is
queued under it (from= line, qf/df names, Received and Message-Id)."""

import re
from datetime import timedelta

import pytest

from mailkit.commands.base import run
from mailkit.core import maillog
from mailkit.core.cf import set_option
from mailkit.core.trace import build_trace
from mailkit.widgets import Trace

from smtp_dialogue import Dialogue

SPAMMER = "spammer@spam.example.net"
LINE = r"Nov 29 (?P<time>\d\d:\d\d:\d\d) localhost sendmail\[4242\]: (?P<qid>[0-9A-Za-x]{8}\d{6}): "


@pytest.fixture
def queueonly(host):
    """Accepted mail stays in /var/spool/mqueue (qf/df on disk to compare with the log); the
    access map refuses one sender and one recipient."""
    cf = host.world.path("/etc/mail/sendmail.cf")
    cf.write_text(set_option(cf.read_text(), "DeliveryMode", "queueonly"))
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    # the real sendmail 8.17 looks a local recipient up in access.db under the canonical name
    # ($j): "To:carol@localhost" is never found, "To:carol@localhost.localdomain" is
    access = f"From:{SPAMMER} REJECT\nTo:carol@localhost.localdomain REJECT\n"
    host.world.path("/etc/mail/access").write_text(access)
    res = run(host, ["makemap", "hash", "/etc/mail/access"], access)
    assert res.code == 0, res.err
    return host


def dialogue(host, source="127.0.0.1"):
    d = Dialogue(host.runtime.connect_address(25), source=source)
    d.send("EHLO client.example.com")
    return d


def log_lines(host, pattern):
    return [m for m in (re.fullmatch(LINE + pattern, ln) for ln in maillog.read(host.world)) if m]


def accepted_id(reply):
    m = re.fullmatch(r"250 2\.0\.0 ([0-9A-Za-x]{8}\d{6}) Message accepted for delivery", reply)
    assert m, reply
    return m.group(1)


def test_refused_at_mail_is_logged_under_an_id_and_the_next_message_gets_a_fresh_one(queueonly, clock):
    host = queueonly
    d = dialogue(host, source="127.0.0.3")
    # the reply text is sendmail's, unchanged
    assert d.send(f"MAIL FROM:<{SPAMMER}>") == f"550 5.7.1 <{SPAMMER}>... Access denied"
    [refused] = log_lines(host, re.escape(
        f"ruleset=check_mail, arg1=<{SPAMMER}>, relay=spam.example.net [127.0.0.3], "
        f"reject=550 5.7.1 <{SPAMMER}>... Access denied"))
    refused_id = refused.group("qid")

    assert d.send("RSET") == "250 2.0.0 Reset state"
    # from another machine the real sendmail 8.17 refuses a @localhost sender ("553 5.5.4 ...
    # Real domain name required for sender address"): the client names its own domain
    assert d.send("MAIL FROM:<alice@spam.example.net>").startswith("250 2.1.0")
    clock.advance(timedelta(minutes=5))  # the id keeps the time of MAIL, not of the end of DATA
    assert d.send("RCPT TO:<bob@localhost>").startswith("250 2.1.5")
    qid = accepted_id(d.data("Subject: after the refusal\n\nhello"))
    d.close()

    assert qid != refused_id
    assert qid[4:6] == "00"  # minute and second of MAIL (09:00:00); the end of DATA was 09:05
    [frm] = log_lines(host, r"from=<alice@spam.example.net>, size=\d+, .*")
    assert frm.group("qid") == qid and frm.group("time") == "09:05:00"
    qdir = host.world.path("/var/spool/mqueue")
    assert sorted(p.name for p in qdir.iterdir()) == [f"df{qid}", f"qf{qid}"]
    qf = (qdir / f"qf{qid}").read_text()
    assert f"with ESMTP id {qid}" in qf and f".{qid}@localhost.localdomain>" in qf  # Received, Message-Id
    assert not (qdir / f"qf{refused_id}").exists()


def test_refused_rcpt_shares_the_id_of_the_message_it_belongs_to(queueonly):
    host = queueonly
    d = dialogue(host)
    d.send("MAIL FROM:<alice@localhost>")
    assert d.send("RCPT TO:<carol@localhost>") == \
        "550 5.2.1 <carol@localhost>... Mailbox disabled for this recipient"
    assert d.send("RCPT TO:<bob@localhost>").startswith("250 2.1.5")
    qid = accepted_id(d.data("Subject: two recipients\n\nhi"))
    d.close()
    [refused] = log_lines(host, r"ruleset=check_rcpt, arg1=<carol@localhost>, .*")
    assert refused.group("qid") == qid
    [frm] = log_lines(host, r"from=<alice@localhost>, .*nrcpts=1, .*")
    assert frm.group("qid") == qid


def test_one_id_per_envelope(queueonly):
    """A refused MAIL leaves the envelope (and its id) for the next MAIL; RSET, EHLO and the end
    of DATA start a new one."""
    host = queueonly
    d = dialogue(host)
    assert d.send(f"MAIL FROM:<{SPAMMER}>").startswith("550 5.7.1")
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    first = accepted_id(d.data("Subject: one\n\n1"))
    [refused] = log_lines(host, r"ruleset=check_mail, .*")
    assert refused.group("qid") == first
    d.send("MAIL FROM:<alice@localhost>")  # a new transaction after DATA
    d.send("RCPT TO:<bob@localhost>")
    second = accepted_id(d.data("Subject: two\n\n2"))
    d.send("MAIL FROM:<alice@localhost>")
    d.send("EHLO client.example.com")  # EHLO drops the envelope, as RSET does
    d.send("MAIL FROM:<alice@localhost>")
    d.send("RCPT TO:<bob@localhost>")
    third = accepted_id(d.data("Subject: three\n\n3"))
    d.close()
    assert len({first, second, third}) == 3


def test_trace_of_a_message_refused_at_mail(queueonly):
    host = queueonly
    d = dialogue(host, source="127.0.0.3")
    d.send(f"MAIL FROM:<{SPAMMER}>")
    d.send("QUIT")
    d.close()
    [refused] = log_lines(host, r"ruleset=check_mail, .*")
    qid = refused.group("qid")
    reject = f"550 5.7.1 <{SPAMMER}>... Access denied"

    for key in (qid, SPAMMER, f"<{SPAMMER}>"):
        shown, steps = build_trace(host.world, key)
        assert shown == qid, key
        assert [(s.agent, s.ok, s.reached) for s in steps] == [
            ("MUA", True, True), ("MTA", False, True), ("queue", False, False),
            ("MDA", False, False), ("mailbox", False, False), ("POP3/IMAP", False, False)], key
        assert steps[0].what == f"<{SPAMMER}> tried to send it over SMTP from spam.example.net [127.0.0.3]"
        assert steps[1].what == (f"sendmail refused MAIL FROM:<{SPAMMER}> (ruleset=check_mail): {reject}; "
                                 f"nothing was queued under {qid}")

    t = Trace(host, SPAMMER, lang="en")  # the widget, as a learner types the sender
    assert t.view.message_id == qid
    assert t.steps[1] == {"agent": "MTA", "what": steps[1].what, "ok": False, "reached": True}
    assert reject in t.drawing.value.replace("&lt;", "<").replace("&gt;", ">")
    assert f"!! sendmail refused MAIL FROM:<{SPAMMER}>" in str(t.view)


def test_trace_of_a_recipient_refused_at_rcpt(queueonly):
    host = queueonly
    d = dialogue(host, source="127.0.0.2")
    d.send("MAIL FROM:<someone@client.example.com>")
    assert d.send("RCPT TO:<friend@example.org>") == "550 5.7.1 <friend@example.org>... Relaying denied"
    d.close()
    shown, steps = build_trace(host.world, "friend@example.org")
    assert re.fullmatch(r"[0-9A-Za-x]{8}\d{6}", shown)
    assert steps[0].what == "a client tried to send it over SMTP from client.example.com [127.0.0.2]"
    assert steps[1].what.startswith("sendmail refused RCPT TO:<friend@example.org> (ruleset=check_rcpt): "
                                    "550 5.7.1 <friend@example.org>... Relaying denied")
    assert not steps[1].ok and steps[1].reached
    assert not any(s.reached for s in steps[2:])
