"""`mail`: send through sendmail, list in mailx's layout, read, delete; as on CentOS."""


from mailkit.commands.base import run
from mailkit.commands.shell import run_line
from waiting import wait_for_mail




def test_send_then_list_read_and_delete(host):
    r = run_line(host, "echo 'hello alice' | mail -s 'first note' alice")
    assert (r.code, r.err) == (0, "")
    r = run_line(host, "mail -s '한글 제목' alice <<EOF\n안녕하세요\nEOF")
    assert r.code == 0
    assert wait_for_mail(host.world, "alice", "안녕하세요")
    r = run(host, ["mail", "-u", "alice"])
    lines = r.out.splitlines()
    assert lines[0] == "Heirloom Mail version 12.5 7/5/10.  Type ? for help."
    assert lines[1] == '"/var/spool/mail/alice": 2 messages 2 new'
    assert lines[2].startswith(">N  1 root@localhost.local  Sun Nov 29 09:00 ")
    assert lines[2].endswith('"first note"')
    assert lines[3].startswith(" N  2 ") and lines[3].endswith('"한글 제목"')

    r = run(host, ["mail", "-u", "alice"], "p 1\nq\n")
    assert "Message  1:\nFrom root@localhost.localdomain Sun Nov 29 09:00:00 2026\n" in r.out
    assert "Subject: first note\n" in r.out and "\n\nhello alice\n" in r.out
    assert "Return-Path" not in r.out  # CentOS's mail.rc ignores it
    assert r.out.endswith("Held 2 messages in /var/spool/mail/alice\n")
    assert '2 messages 1 new' in run(host, ["mail", "-u", "alice"]).out  # read is remembered

    run(host, ["mail", "-u", "alice"], "d 1\nq\n")
    r = run(host, ["mail", "-u", "alice"])
    assert '1 message 1 new' in r.out and "first note" not in r.out


def test_exit_without_saving_and_errors(host):
    run(host, ["mail", "-s", "x", "bob"], "b\n")
    assert wait_for_mail(host.world, "bob", "\nb\n")
    run(host, ["mail", "-u", "bob"], "d 1\nx\n")
    assert "1 message" in run(host, ["mail", "-u", "bob"]).out
    assert run(host, ["mail", "-u", "carol"]).err == "No mail for carol\n"
    assert run(host, ["mail", "-f", "/nope"]).err == "/nope: No such file or directory\n"
    r = run(host, ["mail", "-u", "bob"], "p 7\nfoo\n")
    assert r.err == '7: Invalid message number\nUnknown command: "foo"\n'
    r = run(host, ["mail", "-s"])
    assert r.code == 64 and "option requires an argument" in r.err


def test_empty_body_and_unknown_user(host):
    r = run(host, ["mail", "-s", "empty", "alice"], "")
    assert r.err.startswith("Null message body; hope that's ok\n")
    r = run(host, ["mail", "-s", "nobody", "nosuchuser"], "x\n")
    assert r.code != 0 and "User unknown" in r.err


def test_cc_and_bcc_reach_everyone_but_only_cc_is_shown(host):
    r = run_line(host, "echo team | mail -s 'hello team' -c bob -b carol alice")
    assert r.code == 0, r.err
    for user in ("alice", "bob", "carol"):
        assert wait_for_mail(host.world, user, "hello team")
    headers = host.world.mailbox_path("carol").read_text().split("\n\n", 1)[0]
    # mailx writes the names as given; the MSP's relay mailer qualifies them (MasqSMTP), as in sendmail
    assert "\nTo: alice@localhost.localdomain\n" in headers and "\nCc: bob@localhost.localdomain\n" in headers
    assert "Bcc" not in headers


def test_deleting_every_message_keeps_the_mailbox_uids(host, monkeypatch):
    """`mail` reads and rewrites the spool through the store: UIDVALIDITY from the host's clock,
    and an emptied spool keeps it (and UIDNEXT) for the next message."""
    from datetime import datetime

    from mailkit.core import mailstore
    from mailkit.core.deliver import append_mbox, mbox_entry
    from mailkit.core.mailstore import Store

    monkeypatch.setattr(mailstore, "_last_validity", 0)
    spool = host.world.path("/var/spool/mail/carol")
    for s in ("one", "two"):
        append_mbox(spool, mbox_entry(f"Subject: {s}\n\nx\n".encode(), "alice@localhost", datetime(2026, 11, 29, 9)))
    assert "2 messages 2 new" in run(host, ["mail", "-u", "carol"]).out  # the first look assigns UIDs
    validity = int(host.clock.now().timestamp())
    assert spool.read_bytes().count(f"X-IMAPbase: {validity} 3\n".encode()) == 1
    run(host, ["mail", "-u", "carol"], "d 1\nd 2\nq\n")
    assert spool.read_bytes() == b""
    append_mbox(spool, mbox_entry(b"Subject: three\n\nx\n", "alice@localhost", datetime(2026, 11, 29, 9)))
    box = Store.in_world(host.world, spool, host.clock).load()
    assert (box.uidvalidity, [m.uid for m in box.messages], box.uidnext) == (validity, [3], 4)
