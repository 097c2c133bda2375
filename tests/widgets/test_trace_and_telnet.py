"""Trace and Telnet against the live host: a real SMTP session, then the path read back."""

import smtplib

from mailkit.kernel.display import TRACE_MIME
from mailkit.widgets import Telnet, Trace
from waiting import wait_until




def send(host, rcpt, msgid):
    addr, port = host.runtime.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("alice@localhost", [rcpt], f"Subject: t\nMessage-ID: {msgid}\nUser-Agent: mutt/2.2\n\nhi\n")


def test_trace_of_a_local_message_reaches_the_mailbox(live_host):
    send(live_host, "bob@localhost", "<trace1@localhost>")
    t = Trace(live_host, "<trace1@localhost>", lang="en")
    # the queue runner logs to= just after the mbox append: wait for both, as a learner re-clicks Trace
    assert wait_until(lambda: t.refresh().rows()[3]["ok"] and t.steps[4]["ok"])
    agents = [s["agent"] for s in t.steps]
    assert agents == ["MUA", "MTA", "queue", "MDA", "mailbox", "POP3/IMAP"]
    assert [s["ok"] for s in t.steps] == [True, True, True, True, True, False]
    assert "mutt/2.2" in t.steps[0]["what"] and "ESMTP" in t.steps[0]["what"]
    assert "mailer=local" in t.steps[3]["what"]
    assert "/var/spool/mail/bob (message 1)" in t.steps[4]["what"]
    assert t.steps[5]["reached"] is False
    assert "/var/spool/mail/bob" in t.drawing.value
    assert t.view._repr_mimebundle_()[TRACE_MIME]["message_id"] == "<trace1@localhost>"


def test_trace_of_remote_mail_stops_in_the_queue(live_host):
    send(live_host, "someone@example.com", "<trace2@localhost>")
    t = Trace(live_host, "", lang="en")
    t.key.value = "trace2@localhost"  # the angle brackets may be left out
    assert wait_until(lambda: t.refresh().rows()[2]["what"].startswith("waiting") and "Deferred" in t.steps[2]["what"])
    assert t.steps[2]["ok"] is False and t.steps[2]["reached"] is True
    assert [s["reached"] for s in t.steps[3:]] == [False, False, False]


def test_trace_of_an_unknown_message_reaches_nothing(offline_host):
    t = Trace(offline_host, "<nothing@here>")
    assert not any(s["reached"] for s in t.steps)


def test_telnet_console_speaks_smtp_by_hand(live_host):
    tn = Telnet(live_host, 25)
    try:
        assert tn.wait_for("220 ")
        tn.input.value = "EHLO client.example.com"
        tn.send_button.click()
        assert tn.wait_for("250 HELP")
        for line in ("MAIL FROM:<alice@localhost>", "RCPT TO:<bob@localhost>", "DATA"):
            tn.send(line)
        assert tn.wait_for("354 ")
        for line in ("Subject: typed by hand", "", "hello", "."):
            tn.send(line)
        assert tn.wait_for("Message accepted for delivery")
        tn.send("QUIT")
        assert tn.wait_for("221 2.0.0")
        assert tn.closed.wait(5)
    finally:
        tn.close()
    text = "".join(o["text"] for o in tn.output.outputs)
    assert text.startswith("Trying 127.0.0.1...\nConnected to localhost.\nEscape character is '^]'.\n220 ")
    assert text.rstrip().endswith("Connection closed by foreign host.")
    rows = tn.dialogue.to_json()["lines"]
    assert {"from": "client", "text": "EHLO client.example.com", "code": "",
            "explain": "Say hello and ask for ESMTP extensions"} in rows
    assert any(r["code"] == "354" for r in rows)
    assert wait_until(lambda: b"typed by hand" in live_host.world.mailbox_path("bob").read_bytes())


def test_telnet_to_a_closed_port_is_refused(live_host):
    tn = Telnet(live_host, 2525)
    assert tn.closed.is_set()
    assert "".join(o["text"] for o in tn.output.outputs).endswith(
        "telnet: Unable to connect to remote host: Connection refused\n")
    tn.close()


def test_trace_follows_a_pop3_fetch_to_the_end(live_host):
    import poplib

    if 110 not in live_host.runtime.ports:
        import pytest
        pytest.skip("POP3 is not running in this host")
    send(live_host, "bob@localhost", "<trace3@localhost>")
    t = Trace(live_host, "<trace3@localhost>", lang="en")
    assert wait_until(lambda: t.refresh().rows()[4]["ok"])
    addr, port = live_host.runtime.connect_address(110)
    p = poplib.POP3(addr, port, timeout=10)
    p.user("bob")
    p.pass_("secret")
    p.retr(1)
    p.dele(1)
    p.quit()
    assert wait_until(lambda: t.refresh().rows()[5]["ok"])
    assert t.steps[5] == {"agent": "POP3", "what": "bob logged in with POP3 after delivery", "ok": True, "reached": True}
    assert t.steps[4]["what"].startswith("delivered, no longer in any mailbox")


def test_trace_sees_an_imap_session(live_host):
    import imaplib

    if 143 not in live_host.runtime.ports:
        import pytest
        pytest.skip("IMAP is not running in this host")
    send(live_host, "carol@localhost", "<trace4@localhost>")
    t = Trace(live_host, "<trace4@localhost>", lang="en")
    assert wait_until(lambda: t.refresh().rows()[4]["ok"])
    addr, port = live_host.runtime.connect_address(143)
    m = imaplib.IMAP4(addr, port, timeout=10)
    m.login("carol", "secret")
    m.select("INBOX")
    m.fetch("1", "(RFC822)")
    m.logout()
    # the message is flagged read at once; the session's log line follows the LOGOUT
    assert wait_until(lambda: t.refresh().rows()[5]["agent"] == "IMAP")
    assert t.steps[5]["ok"] and t.steps[5]["what"] == "carol logged in with IMAP after delivery"
    assert "/var/spool/mail/carol (message 1)" in t.steps[4]["what"]  # IMAP leaves it on the server


def test_telnet_console_looks_like_a_terminal_keeps_history_and_reconnects(live_host):
    from mailkit.widgets.telnet import SCREEN_LINES

    tn = Telnet(live_host, 25, lang="ko")
    try:
        assert (tn.send_button.description, tn.close_button.description) == ("보내기", "끊기")
        assert tn.wait_for("220 ")
        for i in range(SCREEN_LINES + 2):
            tn.send("NOOP")
        tn.send("HELP")
        assert tn.wait_for("End of HELP info")
        tn.send("RSET")
        assert tn.wait_for("250 2.0.0 Reset state")
        screen = tn.screen.value
        assert "mk-telnet" in screen and "background:#1e1e1e" in screen
        assert screen.count("\n") == SCREEN_LINES  # only the newest lines: the last one is always in view
        assert "Reset state" in screen and "Trying 127.0.0.1" not in screen
        assert "color:#8be9fd'>RSET<" in screen  # what was typed has its own colour
        assert list(tn.history.options) == ["", "RSET", "HELP", "NOOP"]  # newest first, repeats once
        tn.history.value = "NOOP"
        assert tn.input.value == "NOOP"
        tn.close_button.click()  # hang up: the console stays, Reconnect comes alive
        assert tn.closed.wait(5) and not tn.reconnect_button.disabled
        assert tn.transcript[-1] == "Connection closed by foreign host."
        tn.reconnect_button.click()
        assert wait_until(lambda: sum(t.startswith("220 ") for t in tn.transcript) == 2)
        assert tn.reconnect_button.disabled
        assert sum(1 for t in tn.transcript if t.startswith("Trying ")) == 2
    finally:
        tn.close()
