"""The same IMAP command scripts, with two and three sessions on one mailbox, sent to the real
Dovecot 2.3 and to mailkit, each on its own copy of the same mbox: every untagged response and
tagged result must match, after masking what really differs (named at each mask).

Skipped with the reason where Dovecot is not installed (scripts/setup.sh installs it)."""

import fcntl
import re
import socket
import time

import pytest
from dovecot import RawImap, need_dovecot, running_dovecot

def mbox(*subjects, day="Mon Nov 30 09:00:00 2026") -> bytes:
    return b"".join(
        f"From alice@localhost {day}\nFrom: alice@localhost\nTo: bob@localhost\nSubject: {s}\n"
        f"Message-ID: <{s}@localhost>\n\nhello {s}\n\n".encode() for s in subjects)


def mask(line: str) -> str:
    # Dovecot appends its timings to every tagged reply, "(0.001 + 0.000 secs).", with a final
    # "." even where its text has none: compared without both
    line = re.sub(r" \(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)\.$", "", line)
    if not line.startswith("* "):
        line = line.rstrip(".")
    # UIDVALIDITY is the time the mailbox was first seen: it differs between any two servers
    line = re.sub(r"\[UIDVALIDITY \d+\]", "[UIDVALIDITY v]", line)
    line = re.sub(r"\[(APPENDUID|COPYUID) \d+ ", r"[\1 v ", line)
    # mailkit quotes every mailbox name but INBOX; Dovecot sends atoms where it can (both valid)
    line = re.sub(r'^(\* (?:LIST|LSUB) \([^)]*\) "/") "([^" ]+)"$', r"\1 \2", line)
    line = re.sub(r'^\* STATUS "([^" ]+)" ', r"* STATUS \1 ", line)
    # Dovecot marks an mbox folder \Marked or \UnMarked by its atime against its mtime (new mail
    # since it was last read); mailkit keeps no atime and names neither
    line = re.sub(r" \\(?:Un)?Marked(?=[ )])", "", line)
    return line


class Servers:
    """One script, run on both servers side by side, step by step."""

    def __init__(self, dovecot_address, mailkit_address, n_sessions, dovecot_spool, mailkit_spool):
        self.addresses = {"dovecot": dovecot_address, "mailkit": mailkit_address}
        self.spools = {"dovecot": dovecot_spool, "mailkit": mailkit_spool}
        self.sessions = {k: [RawImap(a).login() for _ in range(n_sessions)] for k, a in self.addresses.items()}
        self.transcript = []

    def run(self, i: int, command: str):
        """Session i sends `command` to both servers; the two answers must be equal."""
        out = {}
        for name, sessions in self.sessions.items():
            untagged, tagged = sessions[i].cmd(command)
            untagged = [mask(u) for u in untagged]
            if command.split()[0].upper() in ("LIST", "LSUB"):
                untagged.sort()  # Dovecot lists an mbox directory in readdir order, INBOX last
            out[name] = (untagged, mask(tagged.split(" ", 1)[1]))
        self.transcript.append((i, command, out["dovecot"]))
        assert out["mailkit"] == out["dovecot"], f"session {i}: {command}\n  dovecot: {out['dovecot']}\n  mailkit: {out['mailkit']}"
        return out["mailkit"][0]

    def append(self, i: int, mailbox: str, message: bytes, flags: str = ""):
        out = {}
        for name, sessions in self.sessions.items():
            untagged, tagged = sessions[i].append(mailbox, message, flags)
            out[name] = ([mask(u) for u in untagged], mask(tagged.split(" ", 1)[1]))
        assert out["mailkit"] == out["dovecot"], f"session {i}: APPEND {mailbox} ({flags})\n  dovecot: {out['dovecot']}\n  mailkit: {out['mailkit']}"

    def deliver(self, data: bytes):
        """A new message appended to the mbox by an MDA (under the mbox's fcntl lock)."""
        for path in self.spools.values():
            with open(path, "ab") as f:
                fcntl.lockf(f, fcntl.LOCK_EX)
                f.write(data)
                fcntl.lockf(f, fcntl.LOCK_UN)

    def close(self):
        for sessions in self.sessions.values():
            for s in sessions:
                s.close()


@pytest.fixture
def servers(running_host, world):
    """servers(mbox_bytes, n_sessions): both servers on a copy of the mbox, n sessions each."""
    need_dovecot()
    made = []
    with running_dovecot() as d:
        def start(data: bytes, n_sessions: int = 2) -> Servers:
            d.write_mbox(data)
            spool = world.path("/var/spool/mail/bob")
            spool.write_bytes(data)
            made.append(Servers(d.address(), running_host.connect_address(143), n_sessions, d.spool(), spool))
            return made[-1]
        try:
            yield start
        finally:
            for s in made:
                s.close()


def test_flag_case_keywords_and_deltas_of_two_sessions(servers):
    s = servers(mbox("one", "two", "three"))
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    s.run(0, "STORE 1 +FLAGS (\\seen \\DELETED)")
    s.run(1, "NOOP")
    s.run(0, "STORE 2 +FLAGS (\\Answered)")
    s.run(1, "STORE 2 +FLAGS (\\Flagged)")
    s.run(0, "FETCH 1:3 (FLAGS)")
    s.run(1, "STORE 2 -FLAGS (\\answered)")
    s.run(0, "NOOP")
    s.run(0, "STORE 3 +FLAGS ($Work Todo)")
    s.run(1, "NOOP")
    s.run(1, "STORE 3 -FLAGS (Todo)")
    s.run(0, "UID FETCH 1:* (FLAGS)")
    s.run(0, "SEARCH KEYWORD $Work")
    s.run(1, "SEARCH UNKEYWORD Todo")
    s.run(0, "STORE 1 +FLAGS (\\Recent)")
    s.run(0, "STORE 1 FLAGS (\\deleted \\Draft)")
    s.run(1, "EXPUNGE")
    s.run(0, "NOOP")
    s.run(0, "FETCH 1:* (UID FLAGS)")


def test_expunge_waits_for_fetch_store_and_search(servers):
    s = servers(mbox("one", "two", "three", "four"))
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    s.run(1, "STORE 1,3 +FLAGS.SILENT (\\Deleted)")
    s.run(1, "EXPUNGE")
    s.run(0, "FETCH 2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    s.run(0, "STORE 4 +FLAGS (\\Flagged)")
    s.run(0, "SEARCH FLAGGED")
    s.run(0, "SEARCH ALL")
    s.run(0, "FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    s.run(0, "NOOP")
    s.run(0, "SEARCH FLAGGED")
    s.run(1, "NOOP")
    s.run(1, "STORE 1 +FLAGS.SILENT (\\Deleted)")
    s.run(1, "EXPUNGE")
    s.run(0, "UID SEARCH ALL")
    s.run(0, "FETCH 1:* (UID FLAGS)")


def test_recent_goes_to_one_session(servers):
    s = servers(mbox("one", "two"))
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    s.run(0, "SEARCH RECENT")
    s.run(1, "SEARCH RECENT")
    s.run(1, "SEARCH OLD")
    s.run(0, "STORE 1 +FLAGS (\\Seen)")
    s.run(0, "SEARCH NEW")
    s.deliver(mbox("three", day="Mon Nov 30 10:00:00 2026"))
    s.run(1, "NOOP")
    s.run(0, "NOOP")
    s.run(0, "SEARCH RECENT")
    s.run(1, "SEARCH RECENT")
    s.run(1, "FETCH 3 (FLAGS)")
    s.run(0, "STATUS INBOX (MESSAGES RECENT UNSEEN)")
    s.run(1, "CLOSE")
    s.run(1, "SELECT INBOX")


def test_three_sessions_expunge_append_and_close(servers):
    s = servers(mbox("one", "two", "three", "four"), 3)
    for i in range(3):
        s.run(i, "SELECT INBOX")
    s.run(0, "STORE 1 +FLAGS.SILENT (\\Deleted)")
    s.run(1, "STORE 4 +FLAGS.SILENT (\\Seen)")
    s.append(2, "INBOX", b"Subject: five\r\n\r\nbody\r\n", "\\Flagged")
    s.run(0, "EXPUNGE")
    s.run(1, "NOOP")
    s.run(2, "NOOP")
    s.run(2, "STORE 2 +FLAGS.SILENT (\\Deleted)")
    s.run(2, "CLOSE")
    s.run(0, "FETCH 1:* (FLAGS)")
    s.run(0, "NOOP")
    s.run(1, "CHECK")
    s.run(1, "FETCH 1:* (UID FLAGS)")


def test_copy_keeps_flags_and_keywords_and_marks_recent(servers):
    s = servers(mbox("one", "two"))
    s.run(0, "CREATE Archive")
    s.run(0, "SELECT INBOX")
    s.run(0, "STORE 1 +FLAGS (\\Flagged $Work)")
    s.run(0, "COPY 1:2 Archive")
    s.run(0, "STATUS Archive (MESSAGES RECENT UNSEEN)")
    s.run(1, "SELECT Archive")
    s.run(1, "FETCH 1:* (FLAGS)")
    s.run(0, "SELECT Archive")
    s.run(0, "EXAMINE Archive")


def test_list_and_lsub_with_noselect_parents(servers):
    s = servers(mbox("one"))
    s.run(0, "CREATE Projects/2026/Q4")
    s.run(0, "SUBSCRIBE Projects/2026/Q4")
    s.run(0, 'LSUB "" "Projects/%"')
    s.run(0, 'LSUB "" "%"')
    s.run(0, 'LSUB "" "*"')
    s.run(0, 'LIST "" "Projects/%"')
    s.run(1, 'LIST "" "%"')


def test_append_and_expunge_with_lower_case_system_flags(servers):
    s = servers(mbox("one"))
    s.run(0, "SELECT INBOX")
    s.append(0, "INBOX", b"Subject: x\r\n\r\nbody\r\n", "\\seen \\DELETED")
    s.append(1, "INBOX", b"Subject: y\r\n\r\nbody\r\n", "\\Flagged \\flagged $Label1 $label1")
    s.run(0, "NOOP")
    s.run(0, "FETCH 1:* (FLAGS)")
    s.run(0, "STORE 3 +FLAGS (\\Deleted \\deleted)")
    s.run(0, "STORE 2 -FLAGS (\\deleted)")
    s.run(0, "EXPUNGE")
    s.run(0, "FETCH 1:* (UID FLAGS)")
    s.run(1, "SELECT INBOX")
    s.run(1, "SEARCH RECENT")


def idle_until(session: RawImap, wanted: int, seconds: float = 5.0) -> list:
    """The untagged lines an IDLE session gets until `wanted` of them came (or time is up)."""
    got = []
    session.sock.settimeout(0.2)
    deadline = time.monotonic() + seconds
    try:
        while len(got) < wanted and time.monotonic() < deadline:
            try:
                line = session.readline().decode()
            except (TimeoutError, socket.timeout):
                continue
            if line != "* OK Still here":  # Dovecot's keepalive, on its own timer
                got.append(line)
    finally:
        session.sock.settimeout(10)
    return got


def test_idle_shows_other_sessions_flags_expunges_and_new_mail(servers):
    s = servers(mbox("one", "two", "three"))
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    tags = {}
    for name, sessions in s.sessions.items():
        tags[name] = sessions[0].send("IDLE")
        assert sessions[0].readline().startswith(b"+ ")
    s.run(1, "STORE 2 +FLAGS (\\Flagged)")
    seen = {name: idle_until(sessions[0], 1) for name, sessions in s.sessions.items()}
    assert seen["mailkit"] == seen["dovecot"] == ["* 2 FETCH (FLAGS (\\Flagged \\Recent))"], seen
    s.run(1, "STORE 1 +FLAGS.SILENT (\\Deleted)")
    s.run(1, "EXPUNGE")
    seen = {name: idle_until(sessions[0], 2) for name, sessions in s.sessions.items()}
    assert seen["mailkit"] == seen["dovecot"], seen
    s.deliver(mbox("four", day="Mon Nov 30 10:00:00 2026"))
    seen = {name: idle_until(sessions[0], 2) for name, sessions in s.sessions.items()}
    assert seen["mailkit"] == seen["dovecot"], seen
    for name, sessions in s.sessions.items():
        sessions[0].sock.sendall(b"DONE\r\n")
        assert mask(sessions[0].read_until(tags[name])[1]).endswith("OK Idle completed")
    s.run(0, "FETCH 1:* (FLAGS)")


def test_list_status_create_tell_nothing_of_the_mailbox(servers):
    """Dovecot tells a session of changes only at the commands that sync (NOOP, CHECK, FETCH,
    STORE, SEARCH, COPY, EXPUNGE, APPEND, IDLE): not at LIST, STATUS, CREATE or SUBSCRIBE;
    STATUS of the selected mailbox counts the session's view."""
    s = servers(mbox("one", "two"))
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    s.run(1, "STORE 1 +FLAGS (\\Seen)")
    s.run(0, 'LIST "" "*"')
    s.run(1, "STORE 2 +FLAGS.SILENT (\\Deleted)")
    s.run(1, "EXPUNGE")
    s.run(0, "STATUS INBOX (MESSAGES UNSEEN)")
    s.run(0, "NOOP")
    s.deliver(mbox("three", day="Mon Nov 30 10:00:00 2026"))
    s.run(0, "CREATE Box")
    s.run(0, "SUBSCRIBE Box")
    s.run(1, "STATUS Box (MESSAGES)")


def test_move_and_namespace_as_dovecot(servers):
    """RFC 6851 MOVE (COPYUID, the originals expunged at once, told to another session) and NAMESPACE."""
    s = servers(mbox("one", "two", "three", "four"))
    s.run(0, "CREATE Archive")
    s.run(0, "SELECT INBOX")
    s.run(1, "SELECT INBOX")
    s.run(0, "STORE 2 +FLAGS (\\Flagged)")
    s.run(0, "MOVE 1:2 Archive")
    s.run(1, "NOOP")
    s.run(0, "UID MOVE 4 Archive")
    s.run(0, "MOVE 1 Nope")
    s.run(0, "NAMESPACE")
    s.run(1, "FETCH 1:* (UID FLAGS)")
    s.run(0, "EXAMINE Archive")
    s.run(0, "FETCH 1:* (UID FLAGS)")


def test_special_use_as_dovecot(servers):
    """RFC 6154 with the mailbox settings of the stock 15-mailboxes.conf (tests/dovecot.py has
    them too): the attributes in a plain LIST, LIST (SPECIAL-USE) and RETURN (SPECIAL-USE) in
    RFC 5258's syntax (no children attributes there unless RETURN (CHILDREN)), several
    patterns, LSUB, a renamed special mailbox, and the refusals of options not offered."""
    s = servers(mbox("one"))
    for name in ("Drafts", "Junk", "Trash", "Sent", "Other", "drafts", "Folder/Sub"):
        s.run(0, f"CREATE {name}")
    for name, sessions in s.sessions.items():
        caps = sessions[1].ok("CAPABILITY")[0].split()
        assert "SPECIAL-USE" in caps, (name, caps)
    s.run(0, 'LIST "" "*"')
    s.run(1, 'LIST "" "%"')
    s.run(0, 'LIST (SPECIAL-USE) "" "*"')
    s.run(0, 'LIST "" "*" RETURN (SPECIAL-USE)')
    s.run(0, 'LIST (SPECIAL-USE) "" "*" RETURN (SPECIAL-USE CHILDREN)')
    s.run(0, 'LIST "" "*" RETURN (CHILDREN)')
    s.run(0, 'LIST "" "*" RETURN ()')
    s.run(0, 'LIST () "" "%"')
    s.run(0, 'LIST (special-use REMOTE) "" "%/%"')
    s.run(0, 'LIST "" ("INBOX" "Sent" "S*" "T%")')
    s.run(0, 'LIST (SPECIAL-USE) "" ("*" "Drafts")')
    s.run(0, 'LIST "Dr" "afts"')
    s.run(0, 'LIST (SPECIAL-USE) "" ""')
    s.run(0, 'LIST "" "Sent Messages"')
    s.run(0, 'CREATE "Sent Messages"')
    s.run(1, 'LIST (SPECIAL-USE) "" "Sent*"')
    s.run(0, "SUBSCRIBE Sent")
    s.run(0, "SUBSCRIBE Folder/Sub")
    s.run(0, 'LSUB "" "*"')
    s.run(0, 'LSUB "" "%"')
    s.run(0, "RENAME Drafts Old")
    s.run(0, 'LIST "" "*"')
    for bad in ('LIST (FOO) "" "*"', 'LIST "" "*" RETURN (FOO)', 'LIST (RECURSIVEMATCH) "" "*"',
                'LIST (SPECIAL-USE) "" "*" RETURN', 'LIST (SPECIAL-USE) "" "*" FOO (X)', 'LIST ((SPECIAL-USE)) "" "*"',
                'LIST (SPECIAL-USE) ""', 'LIST "" "*" RETURN (SPECIAL-USE'):
        s.run(0, bad)
