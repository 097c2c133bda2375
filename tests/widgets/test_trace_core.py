"""core/trace: the path rebuilt from sendmail-style maillog lines, queue files and mailboxes."""

from mailkit.core.trace import build_trace, parse_fields, parse_line

MSP, MTA = "6AT90000004242", "6AT90001004243"
LOG = f"""\
Nov 29 09:00:00 localhost sendmail[4242]: {MSP}: from=alice, size=40, class=0, nrcpts=1, msgid=<m1@localhost>, relay=alice@localhost
Nov 29 09:00:00 localhost sendmail[4243]: {MTA}: from=<alice@localhost>, size=40, class=0, nrcpts=1, msgid=<m1@localhost>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]
Nov 29 09:00:00 localhost sendmail[4242]: {MSP}: to=bob@localhost, ctladdr=alice (1000/1000), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=30040, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent ({MTA} Message accepted for delivery)
Nov 29 09:00:01 localhost sendmail[4243]: {MTA}: to=<bob@localhost>, delay=00:00:01, mailer=local, pri=30040, dsn=2.0.0, stat=Sent
Nov 29 09:00:05 localhost dovecot: pop3-login: Login: user=<bob>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1
Nov 29 09:00:05 localhost dovecot: pop3(bob): Disconnected: Logged out top=0/0, retr=1/40, del=1/1, size=40
"""


def test_fields_keep_stat_whole():
    f = parse_fields("to=<x@example.com>, delay=00:00:00, pri=30003, stat=Deferred: Connection refused by example.com., retry")
    assert f["to"] == "<x@example.com>" and f["stat"] == "Deferred: Connection refused by example.com., retry"
    ln = parse_line(f"Nov  9 09:00:00 localhost sendmail[1]: {MTA}: to=<b@x>, stat=Sent")
    assert ln.qid == MTA and ln.program == "sendmail" and ln.fields == {"to": "<b@x>", "stat": "Sent"}
    assert parse_line("garbage") is None


def test_msp_then_mta_then_pop3_fetch(world):
    world.path("/var/log/maillog").write_text(LOG)
    shown, steps = build_trace(world, "m1@localhost")
    assert shown == "<m1@localhost>"
    by = {s.agent: s for s in steps}
    assert f"queued as {MSP} in /var/spool/clientmqueue" in by["MUA"].what
    assert MTA in by["MTA"].what  # the MTA's id, not the MSP's
    assert "mailer=local" in by["MDA"].what and by["MDA"].ok
    assert by["mailbox"].what.startswith("delivered, no longer in any mailbox")  # POP3 took it
    assert by["POP3"].ok and by["POP3"].what == "bob logged in with POP3 after delivery"
    assert [s.agent for s in steps] == ["MUA", "MTA", "queue", "MDA", "mailbox", "POP3"]


def test_bounced_recipient_fails_at_the_mda(world):
    world.path("/var/log/maillog").write_text(
        f"Nov 29 09:00:00 localhost sendmail[1]: {MTA}: from=<alice@localhost>, size=5, class=0, nrcpts=1, "
        "msgid=<m2@localhost>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]\n"
        f"Nov 29 09:00:00 localhost sendmail[1]: {MTA}: to=<nobody@localhost>, delay=00:00:00, pri=30005, "
        "dsn=5.1.1, stat=User unknown\n")
    _, steps = build_trace(world, MTA)  # by queue id
    by = {s.agent: s for s in steps}
    assert by["MDA"].reached and not by["MDA"].ok and "User unknown" in by["MDA"].what
    assert not by["mailbox"].reached
