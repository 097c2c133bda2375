"""Routing (virtusertable, aliases, :include:, .forward, loops) and the MDA (mbox, procmail)."""

import mailbox
from datetime import timedelta

from mailkit.commands.base import Host, run
from mailkit.core import config, route, runner
from mailkit.core.queue import Envelope, Queue


def setup(world, **files):
    for path, text in files.items():
        p = world.path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def rebuild(world, clock):
    h = Host(world, clock)
    for m in ("/etc/mail/access", "/etc/mail/virtusertable"):
        r = run(h, ["makemap", "hash", m], world.read_text(m))
        assert r.code == 0, r.err
    assert run(h, ["newaliases"]).code == 0


def deliver(world, clock, sender, rcpts, body="hello\n", subject="test"):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope(sender, rcpts), f"Subject: {subject}\n\n{body}".encode(), clock)
    return runner.run_queue(world, cfg, clock)


def subjects(world, user):
    return [m["Subject"] for m in mailbox.mbox(world.path(f"/var/spool/mail/{user}"))]


def test_aliases_several_targets_include_and_newaliases_lesson(world, clock):
    setup(world, **{"/etc/mail_admin": "alice\n# a comment\nbob\n"})
    with world.path("/etc/aliases").open("a") as f:
        f.write("webmaster: ihduser, kaituser\nadmin: :include:/etc/mail_admin\n")
    cfg = config.load(world)
    # not yet rebuilt: sendmail reads aliases.db, so webmaster is unknown
    assert route.check_recipient(world, cfg, "webmaster@localhost")[0] is False
    rebuild(world, clock)
    assert route.resolve(world, cfg, "webmaster@localhost") == [route.Mailbox("ihduser"), route.Mailbox("kaituser")]
    deliver(world, clock, "root@localhost", ["admin@localhost"], subject="to admins")
    assert subjects(world, "alice") == ["to admins"] and subjects(world, "bob") == ["to admins"]


def test_alias_loop_is_broken_and_self_alias_delivers(world, clock):
    with world.path("/etc/aliases").open("a") as f:
        f.write("ping: pong\npong: ping\nalice: alice, bob\n")
    rebuild(world, clock)
    cfg = config.load(world)
    targets = route.resolve(world, cfg, "ping@localhost")
    assert all(isinstance(t, route.Failure) for t in targets)
    assert route.resolve(world, cfg, "alice@localhost") == [route.Mailbox("alice"), route.Mailbox("bob")]


def test_virtusertable_catch_all_and_error(world, clock):
    setup(world, **{"/etc/mail/virtusertable": "info@example.com alice\n@example.com %1\n@example.net error:nouser 550 No such user here\n",
                    "/etc/mail/local-host-names": "example.com\nexample.net\n"})
    rebuild(world, clock)
    cfg = config.load(world)
    assert route.resolve(world, cfg, "info@example.com") == [route.Mailbox("alice")]
    assert route.resolve(world, cfg, "bob@example.com") == [route.Mailbox("bob")]
    f = route.resolve(world, cfg, "x@example.net")[0]
    assert (f.code, f.text) == ("550", "No such user here")
    assert route.resolve(world, cfg, "x@example.org") == [route.Remote("x@example.org")]


def test_forward_follows_forwardpath(world, clock):
    setup(world, **{"/home/bob/.forward": "carol@localhost\n"})
    deliver(world, clock, "alice@localhost", ["bob@localhost"], subject="fwd")
    assert subjects(world, "carol") == ["fwd"] and subjects(world, "bob") == []
    setup(world, **{"/home/bob/.forward": "\\bob, carol\n"})
    deliver(world, clock, "alice@localhost", ["bob@localhost"], subject="both")
    assert subjects(world, "bob") == ["both"]


def test_procmail_files_spam_and_drops_pests(world, clock):
    setup(world, **{"/home/alice/.procmailrc": "MAILDIR=$HOME/mail\n:0:\n* ^Subject:.*\\[SPAM\\]\nspam\n\n:0\n* ^Subject: pest\n/dev/null\n"})
    deliver(world, clock, "x@localhost", ["alice@localhost"], subject="[SPAM] buy now")
    deliver(world, clock, "x@localhost", ["alice@localhost"], subject="pest")
    deliver(world, clock, "x@localhost", ["alice@localhost"], subject="hello")
    assert subjects(world, "alice") == ["hello"]
    assert [m["Subject"] for m in mailbox.mbox(world.path("/home/alice/mail/spam"))] == ["[SPAM] buy now"]


def test_program_only_from_smrsh(world, clock):
    with world.path("/etc/aliases").open("a") as f:
        f.write('robot: "|/usr/bin/autoreply"\nevil: "|/bin/rm -rf /"\n')
    rebuild(world, clock)
    res = deliver(world, clock, "alice@localhost", ["robot@localhost", "evil@localhost"])
    assert ("robot@localhost", "|/usr/bin/autoreply") in res[0].delivered
    assert any("smrsh: rm not available" in f[2] for f in res[0].failed)
    assert "Subject: test" in world.path("/root/autoreply.log").read_text()


def test_remote_mail_waits_then_returns_after_queuereturn(world, clock):
    res = deliver(world, clock, "alice@localhost", ["friend@example.org"], subject="far away")
    assert res[0].deferred and not res[0].removed
    out = run(Host(world, clock), ["mailq"]).out
    assert "(Deferred: Name server: example.org.: host name lookup failure)" in run(Host(world, clock), ["mailq", "-v"]).out
    assert "(Deferred: Name server: example.org.: host name lookup failur)" in out  # mailq cuts at 60
    clock.advance(timedelta(days=5, seconds=1))
    runner.run_queue(world, config.load(world), clock)
    box = mailbox.mbox(world.path("/var/spool/mail/alice"))
    bounce = [m for m in box][-1]
    assert bounce["Subject"] == "Returned mail: Cannot send message for 5 days"
    assert bounce["From"] == "Mail Delivery Subsystem <MAILER-DAEMON@localhost.localdomain>"
    assert bounce.get_content_type() == "multipart/report"
    status = [p for p in bounce.walk() if p.get_content_type() == "message/delivery-status"]
    assert status and "Status: 4.4.7" in status[0].as_string()
    assert "Total requests: 0" in run(Host(world, clock), ["mailq"]).out


def test_two_addresses_for_one_mailbox_deliver_once(world, clock):
    setup(world, **{"/etc/mail/virtusertable": "@example.com %1\n", "/etc/mail/local-host-names": "example.com\n"})
    rebuild(world, clock)
    deliver(world, clock, "alice@localhost", ["bob@example.com", "bob@localhost"], subject="once")
    assert subjects(world, "bob") == ["once"]


def test_procmail_delivery_is_logged_as_the_local_mailer(world, clock):
    setup(world, **{"/home/alice/.procmailrc": "MAILDIR=$HOME/mail\n:0\n* ^Subject: sort me\nsorted\n"})
    deliver(world, clock, "x@localhost", ["alice@localhost"], subject="sort me")
    log = world.read_text("/var/log/maillog")
    assert "to=<alice@localhost>" in log and "mailer=local" in log and "mailer=*file*" not in log
