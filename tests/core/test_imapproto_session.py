"""core/imapsession: the IMAP4rev1 state machine driven command by command, without sockets."""

import re
from datetime import datetime

import pytest

from mailkit.core.clock import FixedClock
from mailkit.core.deliver import append_mbox, mbox_entry
from mailkit.core.imapproto import ImapError
from mailkit.core.imapsession import GREETING, ImapSession, valid_mailbox_name


def deliver(world, subject, body="hello\n", frm="alice@localhost", day=29, extra=""):
    msg = f"From: {frm}\nTo: bob@localhost\nSubject: {subject}\n{extra}\n{body}".encode()
    append_mbox(world.path("/var/spool/mail/bob"), mbox_entry(msg, frm, datetime(2026, 11, day, 9)))


class Client:
    """Sends commands with running tags and returns the response text."""

    def __init__(self, world):
        self.s, self.n = ImapSession(world, clock=FixedClock()), 0

    def __call__(self, line, literals=None):
        self.n += 1
        r = self.s.handle(f"a{self.n}", line, literals)
        self.last = r
        return r.data.decode("utf-8", "surrogateescape")

    def ok(self, line, literals=None):
        out = self(line, literals)
        assert f"a{self.n} OK" in out, out
        return out


@pytest.fixture
def imap(world):
    c = Client(world)
    c.ok("LOGIN bob secret")
    yield c
    c.s.flush()


def test_greeting_states_what_is_implemented():
    assert GREETING.startswith(b"* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE ")
    assert GREETING.endswith(b"AUTH=PLAIN] Dovecot-compatible mailkit ready.\r\n")


def test_login_failures_and_third_bad_command(world):
    c = Client(world)
    assert c("LOGIN bob nope") == "a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n" and c.last.auth_failed
    assert c("SELECT INBOX").startswith("a2 BAD")
    assert c("FETCH 1 FLAGS").startswith("a3 BAD")
    assert c("NONSENSE") == "* BYE Too many invalid IMAP commands.\r\n" and c.last.close
    c = Client(world)
    c.ok('LOGIN "bob" {6}', [b"secret"])  # a literal password
    assert c.s.state == "AUTHENTICATED"


def test_select_fetch_store_expunge(world, imap):
    deliver(world, "one")
    deliver(world, "two", body=".dot\nline two\n")
    out = imap.ok("SELECT INBOX")
    assert "* 2 EXISTS\r\n* 2 RECENT\r\n" in out and "[UNSEEN 1]" in out and "[READ-WRITE]" in out
    assert re.search(r"\[UIDVALIDITY \d+\].*\[UIDNEXT 3\]", out, re.S)
    out = imap.ok("FETCH 2 (UID RFC822.SIZE BODY.PEEK[TEXT] FLAGS)")
    assert out.startswith("* 2 FETCH (UID 2 RFC822.SIZE 106 FLAGS (\\Recent) BODY[TEXT]")  # Dovecot's order and "BODY[TEXT] {16}\r\n.dot\r\nline two\r\n)" in out
    out = imap.ok("FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)] BODY[]<0.6>)")
    assert "BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: one\r\n\r\n" in out and "BODY[]<0> {6}\r\nReturn" in out
    assert "FLAGS (\\Seen \\Recent)" in out  # BODY[] without .PEEK marks the message read
    assert imap.ok("SEARCH UNSEEN").startswith("* SEARCH 2\r\n")
    out = imap.ok("STORE 2 +FLAGS (\\Deleted \\Flagged)")
    assert "* 2 FETCH (FLAGS (\\Flagged \\Deleted \\Recent))" in out  # Dovecot's order
    assert imap.ok("STORE 1 -FLAGS.SILENT (\\Seen)") == f"a{imap.n} OK Store completed.\r\n"
    assert b"Subject: two" in world.path("/var/spool/mail/bob").read_bytes()
    assert imap.ok("EXPUNGE").startswith("* 2 EXPUNGE\r\n")
    text = world.path("/var/spool/mail/bob").read_bytes()
    assert b"Subject: two" not in text and b"Subject: one" in text
    assert imap.ok("UID FETCH 1 (FLAGS)") == f"* 1 FETCH (UID 1 FLAGS (\\Recent))\r\na{imap.n} OK Fetch completed.\r\n"


def test_fetch_macros_envelope_bodystructure(world, imap):
    deliver(world, "macro")
    imap.ok("EXAMINE INBOX")
    out = imap.ok("FETCH 1 ALL")
    assert 'INTERNALDATE "29-Nov-2026 09:00:00 +0000"' in out and 'ENVELOPE (NIL "macro"' in out
    out = imap.ok("FETCH 1 FULL")
    assert 'BODY ("text" "plain"' in out
    assert "BODYSTRUCTURE (" in imap.ok("FETCH 1 BODYSTRUCTURE")
    imap.ok("FETCH 1 RFC822")
    assert "\\Seen" not in imap.ok("FETCH 1 FLAGS")  # EXAMINE is read-only: nothing marked
    assert imap("STORE 1 +FLAGS (\\Seen)").startswith(f"a{imap.n} NO")
    assert imap("FETCH 5 FLAGS").startswith(f"a{imap.n} BAD")
    assert imap("FETCH 1 (NOPE)").startswith(f"a{imap.n} BAD")


def test_search_keys(world, imap):
    deliver(world, "alpha", frm="carol@localhost", day=27)
    deliver(world, "beta", body="needle in here\n", day=28, extra="X-Course: exam\n")
    deliver(world, "gamma " + "x" * 300, day=29)
    imap.ok("SELECT INBOX")
    imap.ok("STORE 2 +FLAGS (\\Flagged)")

    def search(q, uid=False):
        out = imap.ok(("UID SEARCH " if uid else "SEARCH ") + q)
        return out.split("\r\n")[0]
    assert search("ALL") == "* SEARCH 1 2 3"
    assert search("FROM carol") == "* SEARCH 1"
    assert search("TO bob SUBJECT beta") == "* SEARCH 2"
    assert search("BODY needle") == "* SEARCH 2" and search("TEXT alpha") == "* SEARCH 1"
    assert search("HEADER X-Course exam") == "* SEARCH 2"
    assert search("FLAGGED") == "* SEARCH 2" and search("UNFLAGGED") == "* SEARCH 1 3"
    assert search("NEW") == "* SEARCH 1 2 3" and search("DELETED") == "* SEARCH"
    assert search("SINCE 28-Nov-2026") == "* SEARCH 2 3" and search("BEFORE 28-Nov-2026") == "* SEARCH 1"
    assert search("ON 28-Nov-2026") == "* SEARCH 2"
    assert search("LARGER 300") == "* SEARCH 3" and search("SMALLER 300") == "* SEARCH 1 2"
    assert search("NOT 2") == "* SEARCH 1 3" and search("OR 1 3") == "* SEARCH 1 3"
    assert search("2:*") == "* SEARCH 2 3" and search("UID 1,3") == "* SEARCH 1 3"
    assert search("(OR FROM carol FLAGGED) NOT SEEN", uid=True) == "* SEARCH 1 2"
    assert search('CHARSET UTF-8 SUBJECT "GAMMA"') == "* SEARCH 3"
    assert imap("SEARCH SINCE yesterday").startswith(f"a{imap.n} BAD")
    assert imap("SEARCH LARGER x").startswith(f"a{imap.n} BAD")


def test_folders_create_list_status_append_copy_rename_delete(world, imap):
    deliver(world, "to file")
    imap.ok("CREATE Archive/2026")
    assert world.path("/home/bob/mail/Archive/2026").is_file()
    assert imap("CREATE Archive/2026").startswith(f"a{imap.n} NO")
    out = imap.ok('LIST "" "*"')
    assert '* LIST (\\HasNoChildren) "/" "INBOX"' in out and '"/" "Archive/2026"' in out
    out = imap.ok('LIST "" "%"')
    assert '"Archive/2026"' not in out and '* LIST (\\Noselect \\HasChildren) "/" "Archive"' in out
    assert imap("CREATE Archive/2026/deeper").startswith(f"a{imap.n} NO")  # an mbox holds no mailboxes
    assert imap("SELECT Archive").startswith(f"a{imap.n} NO")
    out = imap.ok("APPEND Archive/2026 (\\Seen) {21}", [b"Subject: appended\r\n\r\nx"])
    assert "[APPENDUID " in out
    assert imap.ok("STATUS Archive/2026 (MESSAGES UNSEEN UIDNEXT)").startswith(
        '* STATUS "Archive/2026" (MESSAGES 1 UNSEEN 0 UIDNEXT 2)')
    imap.ok("SELECT INBOX")
    assert "[COPYUID " in imap.ok("COPY 1 Archive/2026")
    assert imap("COPY 1 Nowhere").startswith(f"a{imap.n} NO [TRYCREATE]")
    imap.ok("RENAME Archive/2026 Kept")
    assert "MESSAGES 2" in imap.ok("STATUS Kept (MESSAGES)")
    imap.ok("SUBSCRIBE Kept")
    assert '* LSUB () "/" "Kept"' in imap.ok('LSUB "" "*"')  # Dovecot's LSUB names no children
    imap.ok("UNSUBSCRIBE Kept")
    assert "Kept" not in imap.ok('LSUB "" "*"')
    imap.ok("DELETE Kept")
    assert not world.path("/home/bob/mail/Kept").exists()
    imap.ok("CREATE Empty/")
    assert world.path("/home/bob/mail/Empty").is_dir()
    assert '(\\Noselect \\HasNoChildren) "/" "Empty"' in imap.ok('LIST "" "*"')
    imap.ok("DELETE Empty")
    assert imap("DELETE INBOX").startswith(f"a{imap.n} NO")


def test_special_use_attributes_of_the_stock_mailboxes(world, imap):
    """RFC 6154 as Dovecot with the stock 15-mailboxes.conf: SPECIAL-USE offered after login,
    the attribute after the others in a plain LIST, LIST (SPECIAL-USE) lists only those, the
    extended syntax drops children attributes unless asked, LSUB shows the attribute."""
    assert "SPECIAL-USE" not in Client(world)("CAPABILITY")  # imap-login's list is shorter
    assert " SPECIAL-USE " in imap.ok("CAPABILITY")
    for name in ("Sent", "Trash", "Notes", "sent"):
        imap.ok(f"CREATE {name}")
    out = imap.ok('LIST "" "*"')
    assert '* LIST (\\NoInferiors \\Sent) "/" "Sent"' in out and '* LIST (\\NoInferiors \\Trash) "/" "Trash"' in out
    assert '* LIST (\\NoInferiors) "/" "sent"' in out and '* LIST (\\NoInferiors) "/" "Notes"' in out
    assert re.findall(r"\* LIST [^\r]*", imap.ok('LIST (SPECIAL-USE) "" "*"')) == [
        '* LIST (\\NoInferiors \\Sent) "/" "Sent"', '* LIST (\\NoInferiors \\Trash) "/" "Trash"']
    out = imap.ok('LIST "" ("INBOX" "T*") RETURN (SPECIAL-USE)')
    assert re.findall(r"\* LIST [^\r]*", out) == ['* LIST () "/" "INBOX"', '* LIST (\\NoInferiors \\Trash) "/" "Trash"']
    assert '* LIST (\\HasNoChildren) "/" "INBOX"' in imap.ok('LIST "" "INBOX" RETURN (CHILDREN)')
    assert imap('LIST (SUBSCRIBED) "" "*"').endswith("BAD Error in IMAP command LIST: Unknown select options\r\n")
    imap.ok("SUBSCRIBE Sent")
    assert '* LSUB (\\Sent) "/" "Sent"' in imap.ok('LSUB "" "*"')
    imap.s.special_use["Notes"] = "\\Archive"  # a mailbox { special_use = \\Archive } setting
    assert '* LIST (\\NoInferiors \\Archive) "/" "Notes"' in imap.ok('LIST "" "Notes"')


@pytest.mark.parametrize("name", ["..", "../x", "a/../../b", "/etc/passwd", "~root/x", "a\0b", "a//b", "", ".subscriptions"])
def test_mailbox_names_outside_the_users_area_are_refused(name):
    with pytest.raises(ImapError) as e:
        valid_mailbox_name(name)
    assert e.value.kind == "NO"


def test_session_names_outside_are_refused_and_create_nothing(world, imap):
    for bad in ('"../../../etc/x"', '"/tmp/x"', "{4}"):
        lits = [b"../x"] if bad == "{4}" else None
        assert imap(f"CREATE {bad}", lits).startswith(f"a{imap.n} NO"), bad
    assert not world.path("/etc/x").exists() and not world.path("/home/x").exists()


def test_new_mail_shows_at_the_next_command(world, imap):
    deliver(world, "first")
    imap.ok("SELECT INBOX")
    deliver(world, "second")
    out = imap.ok("NOOP")
    assert out.startswith("* 2 EXISTS\r\n* 2 RECENT\r\n")  # RECENT counts the whole mailbox
    assert imap.ok("NOOP") == f"a{imap.n} OK NOOP completed.\r\n"
    assert imap.s.handle("t", "IDLE").idle


def test_flags_are_written_at_close_and_survive_a_new_session(world, imap):
    deliver(world, "x")
    imap.ok("SELECT INBOX")
    imap.ok("STORE 1 +FLAGS (\\Answered $Work)")
    imap.ok("CLOSE")
    assert b"X-Status: A\n" in world.path("/var/spool/mail/bob").read_bytes()
    c = Client(world)
    c.ok("LOGIN bob secret")
    c.ok("SELECT INBOX")
    assert "FLAGS (\\Answered $Work)" in c.ok("FETCH 1 FLAGS")  # system flags first, as Dovecot


def test_unforeseen_input_is_answered_not_fatal(world, imap):
    imap.ok("SELECT INBOX")
    assert imap("FETCH 1:* (FLAGS").startswith(f"a{imap.n} BAD")
    assert imap("STORE 1 +FLAGS").startswith(f"a{imap.n} BAD")
    assert imap("SEARCH FROM").startswith(f"a{imap.n} BAD")
    assert "OK" in imap("NOOP")


def test_mail_read_by_the_sessions_own_rewrite_is_still_announced(world, imap):
    deliver(world, "first")
    imap.ok("SELECT INBOX")
    imap.ok("STORE 1 +FLAGS (\\Flagged)")
    deliver(world, "second")
    imap.ok("CHECK")  # the flag write re-reads the file under the lock and meets the new message
    out = imap.ok("NOOP") if "EXISTS" not in imap.last.data.decode() else imap.last.data.decode()
    assert "* 2 EXISTS" in out
    assert "Subject: second" in imap.ok("FETCH 2 BODY.PEEK[HEADER]")


def test_lines_without_a_command_count_as_bad_before_login(world):
    s = ImapSession(world)
    assert s.untagged_bad().data == b"* BAD Error in IMAP command received by server.\r\n"
    assert s.handle("a", "BOGUS").data.startswith(b"a BAD")
    r = s.untagged_bad()
    assert r.data == b"* BYE Too many invalid IMAP commands.\r\n" and r.close


def test_two_sessions_flags_on_different_messages_both_survive(world, imap):
    deliver(world, "a")
    deliver(world, "b")
    other = Client(world)
    other.ok("LOGIN bob secret")
    imap.ok("SELECT INBOX")
    other.ok("SELECT INBOX")
    imap.ok("STORE 1 +FLAGS (\\Flagged)")
    other.ok("STORE 2 +FLAGS (\\Answered)")
    other.ok("CHECK")
    imap.ok("CHECK")  # writes message 1 only: message 2's \Answered from the other session stays
    third = Client(world)
    third.ok("LOGIN bob secret")
    third.ok("EXAMINE INBOX")
    out = third.ok("FETCH 1:2 FLAGS")
    assert "* 1 FETCH (FLAGS (\\Flagged))" in out and "* 2 FETCH (FLAGS (\\Answered))" in out


def test_status_of_the_selected_mailbox_counts_pending_flags(world, imap):
    deliver(world, "a")
    imap.ok("SELECT INBOX")
    imap.ok("FETCH 1 BODY[]")  # \Seen, not yet written
    assert imap.ok("STATUS INBOX (MESSAGES UNSEEN)").startswith('* STATUS "INBOX" (MESSAGES 1 UNSEEN 0)')


def test_fetch_echoes_the_section_in_upper_case(world, imap):
    deliver(world, "case")
    imap.ok("SELECT INBOX")
    out = imap.ok("fetch 1 (body.peek[header.fields (subject)]<0.5>)")
    assert out.startswith("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<0> {5}\r\nSubje)")


def test_rename_a_hierarchy_and_the_selected_mailbox(world, imap):
    imap.ok("CREATE Work/2025")
    imap.ok("APPEND Work/2025 {10}", [b"Subject: w"])
    imap.ok("RENAME Work Old")
    assert '"Old/2025"' in imap.ok('LIST "" "*"') and not world.path("/home/bob/mail/Work").exists()
    imap.ok("SELECT Old/2025")
    imap.ok("RENAME Old/2025 Old/y2025")
    imap.ok("STORE 1 +FLAGS (\\Flagged)")
    imap.ok("CLOSE")
    assert b"X-Status: F" in world.path("/home/bob/mail/Old/y2025").read_bytes()
    assert imap("RENAME Old/y2025 INBOX").startswith(f"a{imap.n} NO")
    assert imap("RENAME Nope Else").startswith(f"a{imap.n} NO")
