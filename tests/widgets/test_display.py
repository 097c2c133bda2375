"""The rich display objects: text/plain reads alone; the JSON forms follow docs/architecture.md."""

import json

from mailkit.core.mailq import format_mailq
from mailkit.core.queue import Envelope, Queue
from mailkit.kernel.display import (DIALOGUE_MIME, MESSAGE_MIME, QUEUE_MIME, TRACE_MIME, Dialogue, Message,
                                    QueueTable, TraceView, explain_reply)


def test_dialogue_text_and_json_explain_each_reply():
    d = Dialogue("smtp", "localhost", 25)
    d.add("server", "220 localhost.localdomain ESMTP Sendmail 8.17.1.9/8.17.1.9; Sun, 29 Nov 2026 09:00:00 +0900")
    d.add("client", "MAIL FROM:<spammer@example.com>")
    d.add("server", "550 5.7.1 <spammer@example.com>... Access denied")
    d.add("client", "DATA")
    d.add("server", "354 End data with <CR><LF>.<CR><LF>")
    d.add("client", "QUIT")  # inside DATA: message text, not a command
    d.add("client", ".")
    d.add("server", "250 2.0.0 6AT90000004242 Message accepted for delivery")
    bundle = d._repr_mimebundle_()
    assert bundle["text/plain"].splitlines()[1] == "C: MAIL FROM:<spammer@example.com>"
    assert bundle["text/plain"].startswith("S: 220 localhost.localdomain ESMTP")
    payload = bundle[DIALOGUE_MIME]
    assert payload["service"] == "smtp" and payload["port"] == 25 and payload["host"] == "localhost"
    lines = payload["lines"]
    assert lines[0] == {"from": "server", "text": d.lines[0][1], "code": "220", "explain": "Service ready"}
    assert lines[1]["from"] == "client" and lines[1]["code"] == "" and lines[1]["explain"] == "Envelope sender"
    assert lines[2]["code"] == "550" and lines[2]["explain"].startswith("Mailbox unavailable / policy refusal")
    assert "5.7.1" in lines[2]["explain"]
    assert lines[4]["explain"].startswith("Start mail input")
    assert lines[5]["explain"] == ""  # "QUIT" typed as message text
    assert lines[7]["explain"] == "Requested action okay"
    json.dumps(payload)  # plain JSON, nothing else


def test_pop3_and_imap_replies_are_explained():
    assert explain_reply("pop3", "+OK Logged in.") == ("+OK", "Success")
    assert explain_reply("pop3", "-ERR no such message") == ("-ERR", "Error")
    assert explain_reply("imap", "a1 NO [AUTHENTICATIONFAILED] failed") == ("NO", "Command failed")
    assert explain_reply("imap", "* 3 EXISTS") == ("*", "Untagged data")
    assert explain_reply("smtp", "250-localhost Hello") == ("250", "Requested action okay")
    assert explain_reply("smtp", "552 5.2.3 Message size exceeds fixed maximum message size (1000)")[1] \
        == "Exceeded storage allocation (message too big) (5.2.3: message too long)"


def test_queue_table_plain_is_mailq_and_json_has_rows(offline_host, clock):
    world = offline_host.world
    q = Queue(world, "/var/spool/mqueue")
    e = q.enqueue(Envelope("alice@localhost", ["someone@example.com"]), b"Subject: x\n\nhello\n", clock)
    e.message = "Deferred: Connection refused by example.com."
    q.update(e)
    tz = clock.now().tzinfo
    table = QueueTable.load(world, "/var/spool/mqueue", tz)
    b = table._repr_mimebundle_()
    entries = q.entries()
    assert b["text/plain"] == format_mailq("/var/spool/mqueue", entries, tz).rstrip("\n")
    assert "\t\t/var/spool/mqueue (1 request)" in b["text/plain"]
    assert b[QUEUE_MIME] == {"queue": "/var/spool/mqueue", "total": 1, "text": b["text/plain"], "rows": [{
        "id": e.qid, "size": 6, "time": "Sun Nov 29 09:00", "sender": "<alice@localhost>",
        "recipients": ["someone@example.com"], "reason": "Deferred: Connection refused by example.com.", "locked": False}]}
    empty = QueueTable("/var/spool/clientmqueue", [])._repr_mimebundle_()
    assert empty["text/plain"] == "/var/spool/clientmqueue is empty\n\t\tTotal requests: 0"
    assert empty[QUEUE_MIME] == {"queue": "/var/spool/clientmqueue", "total": 0, "rows": [], "text": empty["text/plain"]}


def test_message_decodes_korean_subject_and_keeps_header_order():
    raw = ("From: alice@localhost\nTo: bob@localhost\nSubject: =?UTF-8?B?7JWI64WV?=\n"
           "Received: from localhost\n\tby localhost.localdomain\n\nbody line\n").encode()
    m = Message.from_bytes("/var/spool/mail/bob", 2, raw)
    b = m._repr_mimebundle_()
    assert b[MESSAGE_MIME] == {"mailbox": "/var/spool/mail/bob", "index": 2, "headers": [
        ["From", "alice@localhost"], ["To", "bob@localhost"], ["Subject", "안녕"],
        ["Received", "from localhost by localhost.localdomain"]], "body": "body line\n"}
    assert b["text/plain"] == ("Message 2 of /var/spool/mail/bob\nFrom: alice@localhost\nTo: bob@localhost\n"
                               "Subject: 안녕\nReceived: from localhost by localhost.localdomain\n\nbody line\n")


def test_trace_view_marks_reached_and_unreached_steps():
    v = TraceView("<m1@localhost>", [
        {"agent": "MUA", "what": "sent", "ok": True},
        {"agent": "MTA", "what": "rejected", "ok": False, "reached": True},
        {"agent": "queue", "what": "not reached", "ok": False, "reached": False},
    ])
    b = v._repr_mimebundle_()
    assert b[TRACE_MIME]["message_id"] == "<m1@localhost>"
    assert [s["ok"] for s in b[TRACE_MIME]["steps"]] == [True, False, False]
    assert [s["reached"] for s in b[TRACE_MIME]["steps"]] == [True, True, False]
    assert b["text/plain"] == ("Trace of <m1@localhost>\n   MUA       ok sent\n-> MTA       !! rejected\n"
                               "-> queue     -- not reached\n")
    assert set(v._repr_mimebundle_(include=["text/plain"])) == {"text/plain"}


def test_dialogue_plain_text_may_be_the_terminal_transcript():
    d = Dialogue("pop3", "localhost", 110, [("server", "+OK Dovecot ready."), ("client", "USER bob")],
                 transcript="Trying 127.0.0.1...\nConnected to localhost.\n+OK Dovecot ready.\nUSER bob")
    b = d._repr_mimebundle_()
    assert b["text/plain"].startswith("Trying 127.0.0.1...")
    assert b[DIALOGUE_MIME]["lines"][1] == {"from": "client", "text": "USER bob", "code": "", "explain": "User name"}
