"""The queue runner: local delivery, remote deferral, queuewarn notices, queuereturn bounces."""

import email
import mailbox
from dataclasses import replace
from datetime import timedelta

from mailkit.core import config, runner
from mailkit.core.queue import Envelope, Queue

MSG = b"From: alice@localhost\nTo: bob@localhost, dave@example.com\nSubject: mixed\nMessage-Id: <m1@localhost>\n\nhello\n"


def mbox(world, user):
    p = world.path(f"/var/spool/mail/{user}")
    return list(mailbox.mbox(p)) if p.exists() else []


def test_local_recipients_are_delivered_remote_ones_wait(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    qid = q.enqueue(Envelope("alice@localhost", ["bob@localhost", "dave@example.com"]), MSG, clock).qid
    [r] = runner.run_queue(world, cfg, clock)
    assert r.delivered == [("bob@localhost", "local")]
    assert r.deferred == [("dave@example.com", "Deferred: Name server: example.com.: host name lookup failure")]
    assert [m["Subject"] for m in mbox(world, "bob")] == ["mixed"]
    [e] = q.entries()
    assert (e.qid, e.recipients, e.tries) == (qid, ["dave@example.com"], 1)
    assert e.priority == len(MSG) + 2 * 30000 + 90000  # queued for two, run once
    # a second run does not deliver bob again: delivered recipients left the qf
    runner.run_queue(world, cfg, clock)
    assert len(mbox(world, "bob")) == 1 and q.entries()[0].tries == 2
    log = world.path("/var/log/maillog").read_text()
    assert f"{qid}: to=<bob@localhost>, delay=00:00:00, mailer=local" in log and "stat=Sent" in log


def test_queuereturn_bounces_to_the_sender_from_mailer_daemon(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    qid = q.enqueue(Envelope("alice@localhost", ["dave@example.com"]), MSG, clock).qid
    runner.run_queue(world, cfg, clock)
    clock.advance(timedelta(days=4, hours=23))
    runner.run_queue(world, cfg, clock)
    assert [e.qid for e in q.entries()] == [qid]  # not yet five days
    clock.advance(timedelta(hours=1))
    [r] = runner.run_queue(world, cfg, clock)
    assert r.removed and r.bounce_qid and q.entries() == []
    bounces = [m for m in mbox(world, "alice") if m["Subject"].startswith("Returned mail")]
    assert len(bounces) == 1
    b = email.message_from_bytes(bounces[0].as_bytes())
    assert b["From"] == f"Mail Delivery Subsystem <MAILER-DAEMON@{cfg.hostname}>"
    assert b["Subject"] == "Returned mail: Cannot send message for 5 days"
    assert b.get_content_type() == "multipart/report" and b.get_param("report-type") == "delivery-status"
    text, status, headers = b.get_payload()
    deferral = "Deferred: Name server: example.com.: host name lookup failure"
    assert ("   ----- The following addresses had permanent fatal errors -----\n<dave@example.com>\n"
            f"    (reason: {deferral})\n\n"
            "   ----- Transcript of session follows -----\n"
            f"<dave@example.com>... {deferral}\n"
            "Message could not be delivered for 5 days\nMessage will be deleted from queue\n") in text.get_payload()
    assert status.get_content_type() == "message/delivery-status"
    assert "Status: 4.4.7" in status.as_string() and "Action: failed" in status.as_string()
    assert "Subject: mixed" in headers.as_string()
    # null envelope sender: the local mailer's EnvFromL makes it $n@$j, as the real sendmail's -f
    assert bounces[0].get_from().startswith(f"MAILER-DAEMON@{cfg.hostname} ")


def test_queuewarn_sends_one_warning(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("alice@localhost", ["dave@example.com"]), MSG, clock)
    runner.run_queue(world, cfg, clock)
    assert mbox(world, "alice") == []
    clock.advance(timedelta(hours=4))
    [r] = runner.run_queue(world, cfg, clock)
    assert r.warning_qid and not r.removed
    clock.advance(timedelta(hours=1))
    runner.run_queue(world, cfg, clock)
    warnings = mbox(world, "alice")
    assert [m["Subject"] for m in warnings] == ["Warning: could not send message for past 4 hours"]
    body = warnings[0].as_string()
    assert "THIS IS A WARNING MESSAGE ONLY" in body and "Will keep trying until message is 5 days old" in body
    assert "w" in q.entries()[0].flags


def test_unknown_user_bounces_at_once_and_null_sender_does_not_bounce(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("alice@localhost", ["nosuch@localhost"]), MSG, clock)
    q.enqueue(Envelope("", ["nosuch@localhost"]), MSG, clock)
    results = runner.run_queue(world, cfg, clock)
    assert [r.failed for r in results] == [[("nosuch@localhost", "5.1.1", "User unknown")]] * 2
    assert results[0].bounce_qid and results[1].bounce_qid
    assert [m["Subject"] for m in mbox(world, "alice")] == ["Returned mail: see transcript for details"]
    # mail from <> that fails is a double bounce: the postmaster (an alias of root) hears of it
    assert [m["Subject"] for m in mbox(world, "root")] == ["Postmaster notify: see transcript for details"]
    assert q.entries() == []


def test_a_bounce_that_cannot_be_delivered_reaches_the_postmaster_and_stops(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("ghost@localhost", ["nosuch@localhost"]), MSG, clock)
    [r] = runner.run_queue(world, cfg, clock)
    assert r.bounce_qid  # to ghost, who is unknown too -> postmaster notify
    notes = [m for m in mbox(world, "root") if m["Subject"].startswith("Postmaster notify")]
    # the local mailer's HdrToL qualifies the header address, as the real sendmail's does
    assert len(notes) == 1 and notes[0]["To"] == f"<postmaster@{cfg.hostname}>"
    assert q.entries() == []


def test_crash_after_delivery_before_removal_delivers_again_never_loses(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    qid = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), MSG, clock).qid
    qf, df = (world.path(f"{cfg.queue_dir}/{p}{qid}") for p in ("qf", "df"))
    saved = qf.read_bytes(), df.read_bytes()
    runner.run_queue(world, cfg, clock)
    qf.write_bytes(saved[0])  # as if the process died before the unlink reached the disk
    df.write_bytes(saved[1])
    runner.run_queue(world, cfg, clock)
    assert len(mbox(world, "bob")) == 2 and q.entries() == []


def test_accept_reports_the_delivery_mode(world, clock):
    cfg = config.load(world)
    for mode in ("i", "b", "q", "d"):
        a = runner.accept(world, replace(cfg, delivery_mode=mode), clock,
                          Envelope("alice@localhost", ["bob@localhost"]), MSG)
        assert (a.mode, a.deliver_now, a.deliver_in_background) == (mode, mode == "i", mode == "b")
        assert world.path(f"{cfg.queue_dir}/qf{a.qid}").exists()
    assert f"{a.qid}: from=<alice@localhost>, size=6, class=0, nrcpts=1, msgid=<m1@localhost>" in \
        world.path("/var/log/maillog").read_text()


def test_a_bogus_qf_is_set_aside_as_Qf_and_the_rest_still_runs(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    qdir = world.path(cfg.queue_dir)
    (qdir / "qf6AT0000b000001").write_text("V8\nTnot-a-number\nS<a@localhost>\n.\n")
    (qdir / "df6AT0000b000001").write_text("body\n")
    q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), MSG, clock)
    assert len(q.entries()) == 1  # mailq shows what it can read
    [r] = runner.run_queue(world, cfg, clock)
    assert r.delivered == [("bob@localhost", "local")]
    assert (qdir / "Qf6AT0000b000001").exists() and (qdir / "df6AT0000b000001").exists()
    assert not (qdir / "qf6AT0000b000001").exists()
    assert "6AT0000b000001: SYSERR(root): qf6AT0000b000001: bogus queue file" in world.path("/var/log/maillog").read_text()


def test_a_bounce_names_its_own_queue_id_in_its_message_id(world, clock):
    # sendmail's H?M?Message-Id: <$t.$i@$j>: time as YYYYMMDDHHMM, the DSN's own queue id
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("alice@localhost", ["nosuchuser@localhost"]), MSG, clock)
    [r] = runner.run_queue(world, cfg, clock)
    [b] = mbox(world, "alice")
    stamp = clock.now().strftime("%Y%m%d%H%M")
    assert b["Message-Id"] == f"<{stamp}.{r.bounce_qid}@{cfg.hostname}>"
