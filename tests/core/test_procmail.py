"""~/.procmailrc recipes: folders, /dev/null, body conditions, copies, forwards, LOGFILE."""

import mailbox

import pytest

from mailkit.core import config, procmail, runner
from mailkit.core.deliver import deliver_local
from mailkit.core.queue import Envelope, Queue

RC = """# alice's filters
MAILDIR=$HOME/mail
LOGFILE=$MAILDIR/procmail.log

:0:
* ^Subject:.*spam
spam

:0
* ^From:.*annoying@example\\.com
/dev/null

:0 B:
* viagra
bodyspam

:0 c
* ^Subject:.*keep a copy
copies

:0
* ! ^X-Loop: alice
* ^Subject:.*forward me
! carol@localhost
"""


def msg(subject, body="hi\n", frm="bob@localhost"):
    return f"From: {frm}\nSubject: {subject}\n\n{body}".encode()


def mbox(world, host_path):
    p = world.path(host_path)
    return [m["Subject"] for m in mailbox.mbox(p)] if p.exists() else []


@pytest.fixture
def rc(world):
    world.path("/home/alice/.procmailrc").write_text(RC)
    return config.load(world)


def test_spam_is_filed_and_a_sender_is_dropped(world, clock, rc):
    deliver_local(world, rc, "alice", msg("Cheap spam offer"), "bob@localhost", clock)
    deliver_local(world, rc, "alice", msg("hello", frm="annoying@example.com"), "annoying@example.com", clock)
    deliver_local(world, rc, "alice", msg("lunch?"), "bob@localhost", clock)
    deliver_local(world, rc, "alice", msg("pills", body="buy VIAGRA now\n"), "bob@localhost", clock)
    assert mbox(world, "/home/alice/mail/spam") == ["Cheap spam offer"]
    assert mbox(world, "/home/alice/mail/bodyspam") == ["pills"]
    assert mbox(world, "/var/spool/mail/alice") == ["lunch?"]  # the dropped one is nowhere
    log = world.path("/home/alice/mail/procmail.log").read_text()
    assert "From bob@localhost  Sun Nov 29 09:00:00 2026\n Subject: Cheap spam offer\n  Folder: /home/alice/mail/spam " in log
    assert "  Folder: /dev/null" in log


def test_copy_flag_keeps_going_to_the_default(world, clock, rc):
    deliver_local(world, rc, "alice", msg("please keep a copy"), "bob@localhost", clock)
    assert mbox(world, "/home/alice/mail/copies") == ["please keep a copy"]
    assert mbox(world, "/var/spool/mail/alice") == ["please keep a copy"]


def test_forward_recipe_reenters_routing(world, clock, rc):
    q = Queue(world, rc.queue_dir)
    q.enqueue(Envelope("bob@localhost", ["alice@localhost"]), msg("forward me"), clock)
    runner.run_queue(world, rc, clock)
    assert mbox(world, "/var/spool/mail/carol") == ["forward me"]
    assert mbox(world, "/var/spool/mail/alice") == []
    assert q.entries() == []


def test_header_only_pipe_part_and_negation():
    actions, env = procmail.evaluate(":0 h\n* ! ^Subject: ok\n| /usr/bin/x\n", msg("other"), {"HOME": "/home/a"})
    assert [(a.kind, a.arg, a.part) for a in actions] == [("pipe", "/usr/bin/x", "h")]
    assert procmail.select_part(msg("s", "BODY\n"), "h") == b"From: bob@localhost\nSubject: s\n\n"
    assert procmail.select_part(msg("s", "BODY\n"), "b") == b"BODY\n"
    actions, _ = procmail.evaluate(":0 h\n* ! ^Subject: ok\n| /usr/bin/x\n", msg("ok"), {})
    assert actions == []


def test_to_macro_and_case_sensitivity():
    m = b"To: Root <root@localhost>\nSubject: Mixed\n\nx\n"
    assert procmail.evaluate(":0\n* ^TO_root\nrootmail\n", m, {"MAILDIR": "/m"})[0][0].arg == "/m/rootmail"
    assert procmail.evaluate(":0 D\n* ^Subject: mixed\nx\n", m, {})[0] == []
    assert procmail.evaluate(":0\n* ^Subject: mixed\nx\n", m, {})[0] != []


def test_bad_rc_is_reported_and_mail_falls_back_to_the_spool(world, clock):
    with pytest.raises(procmail.ProcmailError, match="line 1: recipe without an action"):
        procmail.parse(":0\n* ^Subject\n")
    with pytest.raises(procmail.ProcmailError, match="not supported"):
        procmail.parse(":0 fw\n| formail\n")
    world.path("/home/bob/.procmailrc").write_text(":0\n")
    cfg = config.load(world)
    deliver_local(world, cfg, "bob", msg("still here"), "alice@localhost", clock)
    assert mbox(world, "/var/spool/mail/bob") == ["still here"]
