"""IMAP with two and three sessions on one mailbox, over real sockets, against a running host:
what each session sees and when (RFC 3501 5.2, 7.4.1), flags as deltas, \\Recent given once."""

import imaplib
import re
import time
from datetime import datetime

from dovecot import RawImap

from mailkit.core.deliver import append_mbox, mbox_entry


def deliver(world, subject, user="bob"):
    msg = f"From: alice@localhost\nTo: {user}@localhost\nSubject: {subject}\n\nhello {subject}\n".encode()
    append_mbox(world.path(f"/var/spool/mail/{user}"), mbox_entry(msg, "alice@localhost", datetime(2026, 11, 29, 9)))


def session(rt, select="INBOX") -> RawImap:
    c = RawImap(rt.connect_address(143)).login()
    if select:
        c.ok(f"SELECT {select}")
    return c


def flags_of(untagged, seq=None):
    """{seq: flags} from the FETCH lines in `untagged`."""
    out = {}
    for line in untagged:
        m = re.match(r"\* (\d+) FETCH \(.*FLAGS \(([^)]*)\)", line)
        if m and (seq is None or int(m.group(1)) == seq):
            out[int(m.group(1))] = m.group(2).split()
    return out


def test_system_flags_are_case_insensitive(running_host):
    c = session(running_host)
    untagged, tagged = c.append("INBOX", b"Subject: x\r\n\r\nbody\r\n", "\\seen \\DELETED")
    assert " OK " in tagged
    c.ok("NOOP")
    assert flags_of(c.ok("FETCH 1 FLAGS"))[1] == ["\\Deleted", "\\Seen", "\\Recent"]
    c.append("INBOX", b"Subject: y\r\n\r\nbody\r\n")
    c.ok("NOOP")
    assert flags_of(c.ok("STORE 2 +FLAGS (\\Deleted \\deleted \\FLAGGED)"))[2] == ["\\Flagged", "\\Deleted", "\\Recent"]
    c.ok("STORE 1 -FLAGS (\\deleted)")
    c.ok("STORE 2 FLAGS (\\deleted)")
    assert c.ok("EXPUNGE") == ["* 2 EXPUNGE", "* 1 RECENT"]  # as Dovecot: the count changed
    assert flags_of(c.ok("FETCH 1:* FLAGS")) == {1: ["\\Seen", "\\Recent"]}


def test_flag_changes_of_two_sessions_are_merged_and_shown_to_the_other(running_host, world):
    deliver(world, "one")
    deliver(world, "two")
    s1, s2 = session(running_host), session(running_host)
    s1.ok("STORE 1 +FLAGS.SILENT (\\Seen)")
    assert flags_of(s2.ok("NOOP")) == {1: ["\\Seen"]}  # s1's change, at s2's next command
    s1.ok("STORE 1 +FLAGS (\\Answered)")
    s2.ok("STORE 1 -FLAGS (\\Seen)")
    for s in (s1, s2):
        s.ok("NOOP")
    fresh = session(running_host)
    assert flags_of(fresh.ok("FETCH 1 FLAGS"))[1] == ["\\Answered"]  # neither change lost
    # the third session's change reaches the other two at their next command, whatever it is
    fresh.ok("STORE 2 +FLAGS (\\Flagged)")
    assert flags_of(s1.ok("CHECK")) == {2: ["\\Flagged", "\\Recent"]}
    assert flags_of(s2.ok("SEARCH ALL")) == {2: ["\\Flagged"]}


def test_expunge_waits_for_a_command_that_may_renumber(running_host, world):
    for s in ("one", "two", "three"):
        deliver(world, s)
    s1, s2 = session(running_host), session(running_host)
    s2.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert s2.ok("EXPUNGE") == ["* 1 EXPUNGE"]
    # s1 still numbers "one" as 1: FETCH, STORE and SEARCH may not announce the expunge
    for line in ("FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "STORE 2 +FLAGS (\\Flagged)", "SEARCH FLAGGED"):
        untagged = s1.ok(line)
        assert not any("EXPUNGE" in u for u in untagged), (line, untagged)
    assert "Subject: two" in s1.ok("FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[0]
    assert s1.ok("SEARCH FLAGGED") == ["* SEARCH 2"]
    assert "* 1 EXPUNGE" in s1.ok("NOOP")
    assert s1.ok("SEARCH FLAGGED") == ["* SEARCH 1"]
    assert flags_of(s2.ok("FETCH 1 FLAGS"))[1] == ["\\Flagged"]  # s1's STORE hit "two"


def test_uid_commands_and_idle_may_announce_expunge(running_host, world):
    for s in ("one", "two"):
        deliver(world, s)
    s1, s2 = session(running_host), session(running_host)
    s2.ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
    s2.ok("EXPUNGE")
    assert "* 1 EXPUNGE" in s1.ok("UID FETCH 1:* FLAGS")
    tag = s1.send("IDLE")
    assert s1.readline().startswith(b"+ ")
    s2.ok("STORE 1 +FLAGS (\\Answered)")
    s2.append("INBOX", b"Subject: three\r\n\r\nbody\r\n")
    seen = set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not {"fetch", "exists"} <= seen:
        line = s1.readline().decode()
        if re.match(r"\* 1 FETCH \(FLAGS \(\\Answered( \\Recent)?\)\)", line):
            seen.add("fetch")
        if line == "* 2 EXISTS":
            seen.add("exists")
    assert seen == {"fetch", "exists"}
    s1.sock.sendall(b"DONE\r\n")
    assert s1.read_until(tag)[1].startswith(f"{tag} OK")


def test_recent_belongs_to_the_first_session_that_selects(running_host, world):
    deliver(world, "one")
    deliver(world, "two")
    s1 = RawImap(running_host.connect_address(143)).login()
    assert "* 2 RECENT" in s1.ok("SELECT INBOX")
    s2 = RawImap(running_host.connect_address(143)).login()
    assert "* 0 RECENT" in s2.ok("SELECT INBOX")
    assert s1.ok("SEARCH RECENT") == ["* SEARCH 1 2"]
    assert s2.ok("SEARCH RECENT") == ["* SEARCH"]
    assert s2.ok("SEARCH OLD") == ["* SEARCH 1 2"]
    s1.ok("STORE 1 +FLAGS (\\Seen)")
    assert s1.ok("SEARCH NEW") == ["* SEARCH 2"]
    # a message that arrives while both are selected is recent for exactly one of them
    deliver(world, "three")
    a, b = s1.ok("NOOP"), s2.ok("NOOP")
    assert "* 3 EXISTS" in a and "* 3 EXISTS" in b
    recents = [u for u in a + b if re.match(r"\* \d+ RECENT", u)]
    assert recents == ["* 3 RECENT"], recents  # s1 had two, now three; s2 is told nothing
    both = s1.ok("SEARCH RECENT") + s2.ok("SEARCH RECENT")
    assert sum(" 3" in x for x in both) == 1, both
    # a later session finds nothing recent
    s3 = RawImap(running_host.connect_address(143)).login()
    assert "* 0 RECENT" in s3.ok("SELECT INBOX")


def test_copy_and_append_make_recent_messages_keeping_flags_and_keywords(running_host, world):
    deliver(world, "one")
    s1 = session(running_host)
    s1.ok("CREATE Archive")
    s1.ok("STORE 1 +FLAGS (\\Flagged $Work)")
    assert s1.ok("COPY 1 Archive")  == []
    s1.append("Archive", b"Subject: a\r\n\r\nbody\r\n", "\\Seen")
    s2 = RawImap(running_host.connect_address(143)).login()
    sel = s2.ok("SELECT Archive")
    assert "* 2 EXISTS" in sel and "* 2 RECENT" in sel
    assert "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work)" in sel
    assert "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Work \\*)] Flags permitted." in sel
    assert flags_of(s2.ok("FETCH 1:2 FLAGS")) == {1: ["\\Flagged", "\\Recent", "$Work"], 2: ["\\Seen", "\\Recent"]}
    assert "* 0 RECENT" in session(running_host, None).ok("SELECT Archive")


def test_a_new_keyword_is_announced_in_flags_and_permanentflags(running_host, world):
    deliver(world, "one")
    s1, s2 = session(running_host), session(running_host)
    out = s1.ok("STORE 1 +FLAGS (Todo)")
    assert out[0] == "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Todo)"
    assert out[1] == "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Todo \\*)] Flags permitted."
    out = s2.ok("NOOP")
    assert "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Todo)" in out
    assert flags_of(out) == {1: ["Todo"]}
    s2.ok("STORE 1 +FLAGS (todo)")  # the same keyword, whatever its case
    assert flags_of(s2.ok("FETCH 1 FLAGS")) == {1: ["Todo"]}


def test_close_expunges_silently_and_others_are_told(running_host, world):
    deliver(world, "one")
    deliver(world, "two")
    s1, s2 = session(running_host), session(running_host)
    s1.ok("STORE 2 +FLAGS.SILENT (\\Deleted)")
    assert s1.ok("CLOSE") == []
    assert "* 2 EXPUNGE" in s2.ok("NOOP")
    assert s2.ok("FETCH 1:* (FLAGS)") != [] and "* 2 FETCH" not in " ".join(s2.ok("FETCH 1:* FLAGS"))


def test_three_sessions_see_the_same_mailbox(running_host, world):
    for s in ("one", "two", "three", "four"):
        deliver(world, s)
    s = [session(running_host) for _ in range(3)]
    s[0].ok("STORE 1 +FLAGS.SILENT (\\Deleted)")
    s[1].ok("STORE 4 +FLAGS.SILENT (\\Seen)")
    s[2].append("INBOX", b"Subject: five\r\n\r\nbody\r\n")
    s[0].ok("EXPUNGE")
    assert s[1].ok("NOOP") == ["* 1 EXPUNGE", "* 4 EXISTS"]
    assert s[2].ok("NOOP") == ["* 1 EXPUNGE"]  # it knew of its own APPEND already
    views = [flags_of(c.ok("FETCH 1:* FLAGS")) for c in s]
    stripped = [{k: [f for f in v if f != "\\Recent"] for k, v in view.items()} for view in views]
    assert stripped[0] == stripped[1] == stripped[2] == {1: [], 2: [], 3: ["\\Seen"], 4: []}


def test_lsub_and_list_name_noselect_parents(running_host, world):
    c = session(running_host, None)
    c.ok("CREATE Projects/2026/Q4")
    c.ok("SUBSCRIBE Projects/2026/Q4")
    # mailkit quotes every name but INBOX (Dovecot sends these as atoms; both are valid IMAP)
    assert c.ok('LSUB "" "Projects/%"') == ['* LSUB (\\Noselect) "/" "Projects/2026"']
    assert c.ok('LSUB "" "%"') == ['* LSUB (\\Noselect) "/" "Projects"']
    assert c.ok('LSUB "" "*"') == ['* LSUB () "/" "Projects/2026/Q4"']
    listed = c.ok('LIST "" "*"')
    assert '* LIST (\\Noselect \\HasChildren) "/" "Projects"' in listed


def test_imaplib_sessions_keep_working_on_a_shared_mailbox(running_host, world):
    deliver(world, "one")
    a = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    b = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    for m in (a, b):
        m.login("bob", "secret")
        m.select("INBOX")
    a.store("1", "+FLAGS", "(\\Answered)")
    b.store("1", "+FLAGS", "(\\Flagged)")
    typ, data = a.fetch("1", "(FLAGS)")
    assert b"\\Answered" in data[-1] and b"\\Flagged" in data[-1], data
    a.logout()
    b.logout()
