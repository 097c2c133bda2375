"""The queue on disk in sendmail 8's format, and `mailq`'s layout, byte for byte."""

import os
import re
from datetime import timedelta

from mailkit.core import queue as q
from mailkit.core.mailq import format_mailq
from mailkit.core.queue import Envelope, Queue, parse_qf

MSG = b"From: alice@localhost\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nline one\r\nline two\r\n"


def test_enqueue_writes_df_and_qf_in_sendmail_format(world, clock):
    env = Envelope("alice@localhost", ["bob@example.com", "carol@localhost"], helo="client.example",
                   client_addr="127.0.0.1", client_name="localhost", protocol="ESMTP")
    qid = q.enqueue(world, "/var/spool/mqueue", env, MSG, clock)
    assert re.fullmatch(r"[0-9A-Za-z]{8}\d{6}", qid), qid
    qdir = world.path("/var/spool/mqueue")
    assert sorted(os.listdir(qdir)) == sorted([f"df{qid}", f"qf{qid}"])  # no tf left behind
    assert (qdir / f"df{qid}").read_bytes() == b"line one\nline two\n"  # LF line endings
    lines = (qdir / f"qf{qid}").read_text().split("\n")
    ts = int(clock.now().timestamp())
    st = os.stat(qdir / f"df{qid}")
    size = len(MSG.replace(b"\r\n", b"\n"))
    assert lines[:5] == ["V8", f"T{ts}", "K0", "N0", f"P{size + 2 * 30000}"]
    assert lines[5] == f"I{os.major(st.st_dev)}/{os.minor(st.st_dev)}/{st.st_ino}"
    assert lines[6:11] == ["F", "$_localhost [127.0.0.1]", "$rESMTP", "$sclient.example", "${daemon_flags}"]
    assert lines[11] == "S<alice@localhost>"
    assert lines[12:16] == ["rRFC822; bob@example.com", "RPFD:bob@example.com",
                            "rRFC822; carol@localhost", "RPFD:carol@localhost"]
    assert lines[16:19] == ["H??From: alice@localhost", "H??To: bob@example.com", "H??Subject: hi"]
    assert lines[19:] == [".", ""]


def test_qf_reads_back_and_defer_updates_it_atomically(world, clock):
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("a@localhost", ["x@example.com"]), MSG, clock)
    e = q.load(world, "/var/spool/mqueue", qid)
    assert (e.sender, e.recipients, e.tries, e.body_size) == ("a@localhost", ["x@example.com"], 0, 18)
    assert e.header("subject") == "hi"
    clock.advance(timedelta(minutes=30))
    q.defer(world, "/var/spool/mqueue", qid, "Deferred: Connection refused by example.com.", clock)
    text = world.path(f"/var/spool/mqueue/qf{qid}").read_text()
    assert "\nN1\n" in text and f"\nK{int(clock.now().timestamp())}\n" in text
    assert "\nMDeferred: Connection refused by example.com.\n" in text
    again = parse_qf(qid, text)
    assert again.message == "Deferred: Connection refused by example.com." and again.recipients == ["x@example.com"]
    assert not any(n.startswith("tf") for n in os.listdir(world.path("/var/spool/mqueue")))


def test_folded_headers_survive_the_qf(world, clock):
    data = b"Subject: a long\n\tsubject line\nX-A: 1\n\nbody\n"
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("a@localhost", ["b@localhost"]), data, clock)
    e = q.load(world, "/var/spool/mqueue", qid)
    assert e.headers == [("Subject", "a long\n\tsubject line"), ("X-A", "1")]
    assert Queue(world, "/var/spool/mqueue").message(e) == data


def test_df_without_qf_is_not_a_queued_message_and_remove_takes_both(world, clock):
    qdir = world.path("/var/spool/mqueue")
    (qdir / "df6AT0000x000001").write_bytes(b"half written\n")  # a crash between df and qf
    assert q.list_queue(world, "/var/spool/mqueue") == []
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("a@localhost", ["b@example.com"]), MSG, clock)
    assert [e.qid for e in q.list_queue(world, "/var/spool/mqueue")] == [qid]
    q.remove(world, "/var/spool/mqueue", qid)
    assert not (qdir / f"qf{qid}").exists() and not (qdir / f"df{qid}").exists()
    assert q.list_queue(world, "/var/spool/mqueue") == []


def test_eight_bit_body_gets_the_8_flag(world, clock):
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("a@localhost", ["b@localhost"]),
                    "Subject: x\n\n안녕\n".encode(), clock)
    assert "\nF8\n" in world.path(f"/var/spool/mqueue/qf{qid}").read_text()


def test_mailq_layout_exact(world, clock):
    assert format_mailq("/var/spool/mqueue", []) == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("user1@localhost", ["someone@example.com"]),
                    b"Subject: s\n\n" + b"x" * 29 + b"\n", clock)
    q.defer(world, "/var/spool/mqueue", qid, "Deferred: Connection refused by [127.0.0.1]", clock)
    entries = q.list_queue(world, "/var/spool/mqueue")
    tz = clock.now().tzinfo
    assert format_mailq("/var/spool/mqueue", entries, tz) == (
        "\t\t/var/spool/mqueue (1 request)\n"
        "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n"
        f"{qid}       30 Sun Nov 29 09:00 <user1@localhost>\n"
        "                 (Deferred: Connection refused by [127.0.0.1])\n"
        "\t\t\t\t\t someone@example.com\n"
        "\t\tTotal requests: 1\n")
    assert format_mailq("/var/spool/mqueue", entries, tz, verbose=True) == (
        "\t\t/var/spool/mqueue (1 request)\n"
        "-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------\n"
        f"{qid}       30     120042 Nov 29 09:00 <user1@localhost>\n"
        "                 (Deferred: Connection refused by [127.0.0.1])\n"
        "\t\t\t\t\t\tsomeone@example.com\n"  # six tabs under -v (tests/rules/test_commands_differential.py)
        "\t\tTotal requests: 1\n")
    q.enqueue(world, "/var/spool/mqueue", Envelope("b@localhost", ["c@example.com"]), MSG, clock)
    assert format_mailq("/var/spool/mqueue", q.list_queue(world, "/var/spool/mqueue"), tz).startswith(
        "\t\t/var/spool/mqueue (2 requests)\n")


def test_mailq_v_marks_a_job_whose_delay_warning_went_out(world, clock):
    # printqueue: "%10ld%c%.12s" with '+' when EF_WARNING (qf F line letter w) is set
    qid = q.enqueue(world, "/var/spool/mqueue", Envelope("user1@localhost", ["someone@example.com"]),
                    b"Subject: s\n\n" + b"x" * 29 + b"\n", clock)
    entry = q.load(world, "/var/spool/mqueue", qid)
    entry.flags += "w"
    Queue(world, "/var/spool/mqueue").update(entry)
    entries = q.list_queue(world, "/var/spool/mqueue")
    tz = clock.now().tzinfo
    assert f"{qid}       30      30042+Nov 29 09:00 <user1@localhost>\n" in format_mailq(
        "/var/spool/mqueue", entries, tz, verbose=True)
    assert f"{qid}       30 Sun Nov 29 09:00 <user1@localhost>\n" in format_mailq("/var/spool/mqueue", entries, tz)
