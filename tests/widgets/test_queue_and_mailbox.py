"""QueueInspector and MailboxViewer against a real world: buttons clicked, files checked."""

import smtplib

from mailkit.core.queue import Envelope, Queue
from mailkit.widgets import MailboxViewer, QueueInspector
from waiting import wait_until




def queue_remote_mail(host, n=2):
    q = Queue(host.world, "/var/spool/mqueue")
    return [q.enqueue(Envelope("alice@localhost", [f"user{i}@example.com"]), f"Subject: {i}\n\nbody {i}\n".encode(),
                      host.clock).qid for i in range(n)]


def test_table_lists_the_queue_and_shows_qf_and_df(offline_host):
    ids = queue_remote_mail(offline_host)
    qi = QueueInspector(offline_host)
    assert qi.ids == ids
    assert qi.rows[0]["sender"] == "<alice@localhost>" and qi.rows[0]["recipients"] == ["user0@example.com"]
    assert ids[1] in qi.table.value and "user1@example.com" in qi.table.value
    qi.select.value = (ids[1],)
    qi.view_button.click()
    assert qi.qf.value.startswith("V8\nT") and "RPFD:user1@example.com" in qi.qf.value
    assert qi.df.value == "body 1\n"
    assert str(qi.snapshot()).startswith("\t\t/var/spool/mqueue (2 requests)")


def test_delete_selected_removes_qf_and_df(offline_host):
    ids = queue_remote_mail(offline_host)
    qi = QueueInspector(offline_host)
    qi.select.value = (ids[0],)
    qi.delete_button.click()
    qdir = offline_host.world.path("/var/spool/mqueue")
    assert not (qdir / f"qf{ids[0]}").exists() and not (qdir / f"df{ids[0]}").exists()
    assert (qdir / f"qf{ids[1]}").exists()
    assert qi.ids == [ids[1]]
    assert f"/var/spool/mqueue/qf{ids[0]}" in qi.command_log.text


def test_refresh_sees_new_mail_and_flush_runs_sendmail_q(offline_host):
    qi = QueueInspector(offline_host)
    assert qi.ids == [] and "is empty" in qi.table.value
    q = Queue(offline_host.world, "/var/spool/mqueue")
    local = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), b"Subject: hi\n\nfor bob\n", offline_host.clock)
    remote = queue_remote_mail(offline_host, 1)[0]
    qi.refresh_button.click()
    # mailq's order (sendmail's QueueSortOrder=priority): lowest priority number first
    assert sorted(qi.ids) == sorted([local.qid, remote])
    assert qi.ids == [e.qid for e in sorted(q.entries(), key=lambda e: e.priority)]
    qi.flush_button.click()
    assert "# sendmail -q" in qi.command_log.text and "# mailq" in qi.command_log.text
    assert qi.ids == [remote]  # the local one was delivered, the remote one waits
    assert "host name lookup failure" in qi.rows[0]["reason"]
    assert b"for bob" in offline_host.world.mailbox_path("bob").read_bytes()


def test_mailbox_viewer_lists_and_shows_a_message_delivered_over_smtp(live_host):
    addr, port = live_host.runtime.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("alice@localhost", ["bob@localhost"],
                   "From: alice@localhost\nTo: bob@localhost\nSubject: =?UTF-8?B?7JWI64WV?=\n\nhello bob\n".encode())
    assert wait_until(lambda: b"hello bob" in live_host.world.mailbox_path("bob").read_bytes())
    mv = MailboxViewer(live_host, "bob", lang="en")
    assert len(mv.messages) == 1 and mv.list.value == 1
    assert "안녕" in mv.summary.value and "hello bob" in mv.body.value
    assert mv.headers_fold.selected_index is None  # all headers folded away
    assert "Received:" in mv.all_headers.value
    assert mv.message(1).to_json()["mailbox"] == "/var/spool/mail/bob"
    mv.user_select.value = "carol"  # another user's mailbox, empty
    assert mv.messages == [] and "/var/spool/mail/carol</b>: 0 messages" in mv.title.value
    assert mv.body.value == ""


def test_mailbox_viewer_opens_a_procmail_folder_and_a_maildir(live_host):
    """ko11 compares the inbox with the `work` folder procmail files the boss's mail into."""
    from mailkit.commands.shell import run_script

    steps = run_script(live_host, "mkdir -p /home/alice/mail\n"
                       "printf 'MAILDIR=$HOME/mail\\n:0:\\n* ^From:.*boss@\\nwork\\n' > /home/alice/.procmailrc",
                       stop_on_error=True)
    assert all(st.result.code == 0 for st in steps), [st.result.err for st in steps]
    addr, port = live_host.runtime.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("boss@localhost", ["alice@localhost"], b"From: boss@localhost\nSubject: budget\n\nnumbers\n")
        s.sendmail("bob@localhost", ["alice@localhost"], b"From: bob@localhost\nSubject: coffee?\n\nnow\n")
    work = live_host.world.path("/home/alice/mail/work")
    assert wait_until(lambda: work.exists() and b"numbers" in work.read_bytes())
    assert wait_until(lambda: b"coffee?" in live_host.world.mailbox_path("alice").read_bytes())
    mv = MailboxViewer(live_host, "alice", lang="en")
    assert list(mv.folder_select.options) == ["/var/spool/mail/alice", "/home/alice/mail/work"]
    assert [m.header("Subject") for m in mv.messages] == ["coffee?"]
    mv.folder_select.value = "/home/alice/mail/work"
    assert [m.header("Subject") for m in mv.messages] == ["budget"]
    assert "/home/alice/mail/work</b>: 1 message" in mv.title.value and "numbers" in mv.body.value
    assert mv.message(1).to_json()["mailbox"] == "/home/alice/mail/work"
    # a Maildir anywhere in the host, asked for by name
    import mailbox as stdmailbox

    md = stdmailbox.Maildir(live_host.world.path("/home/alice/Maildir"), create=True)
    md.add(b"From: carol@localhost\nSubject: from a maildir\n\nhi\n")
    mv2 = MailboxViewer(live_host, "alice", folder="/home/alice/Maildir")
    assert mv2.folder == "/home/alice/Maildir" and [m.header("Subject") for m in mv2.messages] == ["from a maildir"]
    assert "/home/alice/Maildir" in mv2.folder_select.options


def test_queue_inspector_and_mailbox_viewer_speak_the_notebooks_language(offline_host, monkeypatch):
    monkeypatch.setenv("MAILKIT_LANG", "ko")
    qi, mv = QueueInspector(offline_host), MailboxViewer(offline_host, "bob")
    assert (qi.flush_button.description, qi.refresh_button.description) == ("큐 처리 (sendmail -q)", "새로 고침")
    assert mv.refresh_button.description == "새로 고침" and "메일 0통" in mv.title.value
    monkeypatch.setenv("MAILKIT_LANG", "en")
    assert QueueInspector(offline_host).flush_button.description == "Flush (sendmail -q)"
    assert "0 messages" in MailboxViewer(offline_host, "bob").title.value
