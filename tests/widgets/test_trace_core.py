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


def test_an_address_finds_the_latest_transaction_that_names_it(world):
    refused, later = "6AT90002004242", "6AT90003004242"
    world.path("/var/log/maillog").write_text(LOG + (
        f"Nov 29 09:01:00 localhost sendmail[4242]: {refused}: ruleset=check_rcpt, arg1=<bob@localhost>, "
        "relay=client.example.com [127.0.0.2], reject=550 5.2.1 <bob@localhost>... Mailbox disabled for this recipient\n"
        f"Nov 29 09:02:00 localhost sendmail[4242]: {later}: ruleset=check_mail, arg1=<eve@spam.example.net>, "
        "relay=localhost [127.0.0.1], reject=550 5.7.1 <eve@spam.example.net>... Access denied\n"))
    # a Message-ID still wins; the recipient's latest transaction is the refused one, not the MSP's
    assert build_trace(world, "m1@localhost")[0] == "<m1@localhost>"
    shown, steps = build_trace(world, "BOB@localhost")
    assert shown == refused
    assert steps[0].what == "a client tried to send it over SMTP from client.example.com [127.0.0.2]"
    assert steps[1].what == ("sendmail refused RCPT TO:<bob@localhost> (ruleset=check_rcpt): 550 5.2.1 "
                             f"<bob@localhost>... Mailbox disabled for this recipient; nothing was queued under {refused}")
    assert build_trace(world, "<alice@localhost>")[0] == "<m1@localhost>"  # an accepted message by its sender
    assert build_trace(world, "eve@spam.example.net")[0] == later
    assert not any(s.reached for s in build_trace(world, "nobody@localhost")[1])


def test_a_refusal_inside_an_accepted_transaction_is_named_at_the_mta(world):
    world.path("/var/log/maillog").write_text(
        f"Nov 29 09:00:00 localhost sendmail[1]: {MTA}: ruleset=check_rcpt, arg1=<carol@localhost>, "
        "relay=localhost [127.0.0.1], reject=550 5.2.1 <carol@localhost>... Mailbox disabled for this recipient\n"
        f"Nov 29 09:00:00 localhost sendmail[1]: {MTA}: from=<alice@localhost>, size=5, class=0, nrcpts=1, "
        "msgid=<m3@localhost>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]\n")
    _, steps = build_trace(world, "carol@localhost")
    mta = steps[1]
    assert mta.ok and mta.what.startswith(f"sendmail accepted it as {MTA}: size=5, nrcpts=1")
    assert mta.what.endswith("in the same transaction it refused RCPT TO:<carol@localhost> (ruleset=check_rcpt): "
                             "550 5.2.1 <carol@localhost>... Mailbox disabled for this recipient")
