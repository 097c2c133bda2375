"""core/mailstore: an mbox read with Dovecot's UID/flag headers, rewritten atomically, appends seen cheaply."""

from datetime import datetime, timedelta

from mailkit.core import mailstore
from mailkit.core.clock import FixedClock
from mailkit.core.deliver import append_mbox, mbox_entry
from mailkit.core.mailstore import Store, new_uidvalidity


def deliver(path, subject, body="hello\n"):
    msg = f"From: alice@localhost\nTo: bob@localhost\nSubject: {subject}\n\n{body}".encode()
    append_mbox(path, mbox_entry(msg, "alice@localhost", datetime(2026, 11, 29, 9, 0, 0)))


def spool(world):
    return world.path("/var/spool/mail/bob")


def test_first_look_assigns_uids_and_writes_dovecot_headers(world):
    path = spool(world)
    deliver(path, "one")
    deliver(path, "two")
    box = Store(path).load()
    assert [m.uid for m in box.messages] == [1, 2] and box.uidnext == 3
    text = path.read_bytes()
    assert text.startswith(b"From alice@localhost Sun Nov 29 09:00:00 2026\n")
    assert text.count(b"X-IMAPbase: ") == 1 and b"X-UID: 2\n" in text and b"Status: O\n" in text
    # what clients see carries none of the store's headers
    assert b"X-UID" not in box.messages[0].body and b"Status:" not in box.messages[0].body
    assert box.messages[0].body.startswith(b"Return-Path: <alice@localhost>\nFrom: alice@localhost\n")
    assert all(m.recent for m in box.messages)


def test_flags_and_uids_survive_a_new_store(world):
    path = spool(world)
    for s in ("a", "b", "c"):
        deliver(path, s)
    store = Store(path)

    def mark(box):
        box.messages[0].flags |= {"\\Seen", "\\Answered", "\\Flagged"}
        box.messages[2].flags |= {"\\Deleted", "$Label1"}
    first = store.update(mark)
    text = path.read_bytes()
    assert b"Status: RO\n" in text and b"X-Status: AF\n" in text and b"X-Keywords: $Label1\n" in text
    again = Store(path).load()  # as after a restart
    assert again.uidvalidity == first.uidvalidity
    assert [m.uid for m in again.messages] == [1, 2, 3]
    assert again.messages[0].flags == {"\\Seen", "\\Answered", "\\Flagged"}
    assert again.messages[1].flags == set()
    assert again.messages[2].flags == {"\\Deleted", "$Label1"}


def test_from_lines_in_bodies_survive_a_rewrite(world):
    path = spool(world)
    deliver(path, "quoted", "From here on\n>From there\nend\n")
    store = Store(path)
    body = store.load().messages[0].body
    assert body.endswith(b"\n\nFrom here on\n>From there\nend\n")

    def seen(box):  # update() reads the file anew: its entries may be changed in place
        box.messages[0].flags |= {"\\Seen"}
    store.update(seen)
    assert Store(path).load().messages[0].body == body
    assert b"\n>From here on\n>>From there\n" in path.read_bytes()  # still a valid mbox


def test_only_the_appended_tail_is_parsed(world, monkeypatch):
    path = spool(world)
    for i in range(5):
        deliver(path, f"old {i}")
    store = Store(path)
    store.load()
    assert not store.changed()
    calls = []
    real = mailstore._parse_entry
    monkeypatch.setattr(mailstore, "_parse_entry", lambda fl, raw: calls.append(raw) or real(fl, raw))
    assert store.load().messages[-1].uid == 5 and calls == []  # unchanged file: no parsing at all
    deliver(path, "new one")
    assert store.changed()
    with store.lock():
        box = store.load()
    assert len(calls) == 1 and b"Subject: new one" in calls[0]
    assert [m.uid for m in box.messages] == [1, 2, 3, 4, 5, 6]
    assert Store(path).load().messages[-1].uid == 6  # and the new UID was written down


def test_removing_messages_and_emptying_the_file(world):
    path = spool(world)
    for s in ("a", "b", "c"):
        deliver(path, s)
    store = Store(path)
    store.update(lambda box: box.messages.pop(1))
    box = Store(path).load()
    assert [m.uid for m in box.messages] == [1, 3]
    assert b"Subject: b" not in path.read_bytes()
    store.update(lambda box: box.messages.clear())
    assert path.read_bytes() == b""  # an emptied spool is an empty file, as learners expect
    deliver(path, "later")
    later = store.load()
    assert later.uidvalidity == box.uidvalidity and later.messages[0].uid == 4  # no UID handed out twice


def test_crlf_in_the_file_becomes_one_line_end(world):
    path = spool(world)
    path.write_bytes(b"From a@b Sun Nov 29 09:00:00 2026\r\nSubject: crlf\r\n\r\nline\r\n\r\n")
    m = Store(path).load().messages[0]
    assert m.body == b"Subject: crlf\n\nline\n"
    assert m.crlf() == b"Subject: crlf\r\n\r\nline\r\n" and m.size == len(m.crlf())


def test_append_uses_the_clock_and_uidvalidity_never_repeats(world):
    clock = FixedClock()
    a, b = new_uidvalidity(clock), new_uidvalidity(clock)
    assert b > a >= int(clock.now().timestamp())
    folder = world.path("/home/bob/mail/Archive")
    folder.parent.mkdir(parents=True)
    store = Store(folder, clock)
    assert store.append(b"Subject: kept\n\nbody\n", {"\\Seen"}) == 1
    clock.advance(timedelta(days=1))
    assert store.append(b"Subject: later\r\n\r\nbody\r\n") == 2
    box = Store(folder).load()
    assert [m.internal_date.date() for m in box.messages] == [clock.now().date() - timedelta(days=1), clock.now().date()]
    assert box.messages[0].flags == {"\\Seen"} and box.messages[1].body == b"Subject: later\n\nbody\n"


def test_rewrites_and_another_process_appending_lose_nothing(world):
    """The MDA of a `mailkit sendmail` in another process appends while this one rewrites."""
    import subprocess
    import sys

    path = spool(world)
    deliver(path, "seed")
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "from mailkit.core.deliver import append_mbox, mbox_entry\n"
        "for i in range(60):\n"
        "    append_mbox(sys.argv[1], mbox_entry(b'Subject: other %d\\n\\nx\\n' % i, 'a@b', datetime(2026, 11, 29)))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)])
    store = Store(path)
    flips = 0

    def flip(box):
        box.messages[0].flags ^= {"\\Flagged"}
    while proc.poll() is None or flips < 5:
        store.update(flip)
        flips += 1
    assert proc.wait() == 0
    subjects = [m.body.split(b"Subject: ")[1].split(b"\n")[0] for m in Store(path).load().messages]
    assert subjects == [b"seed"] + [b"other %d" % i for i in range(60)]


def test_an_empty_mailbox_keeps_its_values_in_a_state_file(world, monkeypatch):
    clock = FixedClock()
    monkeypatch.setattr(mailstore, "_last_validity", 0)
    path = spool(world)
    store = Store.in_world(world, path, clock)
    with store.lock():
        box = store.load()
    assert (box.uidvalidity, box.uidnext) == (int(clock.now().timestamp()), 1)  # from the host's clock
    state = world.path("/var/lib/mailkit/imap/%2Fvar%2Fspool%2Fmail%2Fbob")
    assert store.state == state
    assert state.read_text() == f"uidvalidity {box.uidvalidity}\nuidnext 1\n"
    assert path.read_bytes() == b""  # the mbox holds messages only
    clock.advance(timedelta(days=1))
    monkeypatch.setattr(mailstore, "_last_validity", 0)  # as in a new process
    again = Store.in_world(world, path, clock).load()
    assert (again.uidvalidity, again.uidnext) == (box.uidvalidity, 1)
    without = Store(path, clock).load()  # a store with no state file would have made up another
    assert without.uidvalidity != box.uidvalidity


def test_emptied_mailbox_hands_its_values_to_the_next_first_message(world, monkeypatch):
    path = spool(world)
    for s in ("a", "b", "c"):
        deliver(path, s)
    store = Store.in_world(world, path)
    first = store.load()
    assert [m.uid for m in first.messages] == [1, 2, 3] and not store.state.exists()
    store.update(lambda box: box.messages.clear())
    assert path.read_bytes() == b""
    assert store.state.read_text() == f"uidvalidity {first.uidvalidity}\nuidnext 4\n"
    monkeypatch.setattr(mailstore, "_last_validity", 0)
    later = Store.in_world(world, path)  # as after a restart
    box = later.load()
    assert (box.uidvalidity, box.uidnext, box.messages) == (first.uidvalidity, 4, [])
    deliver(path, "d")
    box = later.load()
    assert (box.uidvalidity, [m.uid for m in box.messages], box.uidnext) == (first.uidvalidity, [4], 5)
    assert path.read_bytes().count(f"X-IMAPbase: {first.uidvalidity} 5\n".encode()) == 1
    assert not store.state.exists()  # X-IMAPbase carries them again


def test_a_leftover_state_file_yields_to_x_imapbase(world):
    path = spool(world)
    deliver(path, "a")
    box = Store(path).load()  # X-IMAPbase written by a store without a state file
    state = mailstore.uid_state_path(world, path)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(f"uidvalidity {box.uidvalidity + 7}\nuidnext 1\n")
    again = Store.in_world(world, path).load()
    assert (again.uidvalidity, again.uidnext) == (box.uidvalidity, 2) and not state.exists()


def test_the_state_file_wins_over_what_an_older_store_remembers(world):
    """Another store emptied the file and handed out UIDs meanwhile: no UID is reused."""
    path = spool(world)
    deliver(path, "a")
    old = Store.in_world(world, path)
    old.update(lambda box: box.messages.clear())  # remembers UIDNEXT 2
    other = Store.in_world(world, path)
    deliver(path, "b")
    deliver(path, "c")
    other.load()
    other.update(lambda box: box.messages.clear())  # UIDs 2 and 3 handed out, now UIDNEXT 4
    deliver(path, "d")
    with old.lock():
        box = old.load()
    assert [m.uid for m in box.messages] == [4] and box.uidnext == 5


def test_state_file_names_stay_inside_the_state_directory(world):
    state_dir = world.path("/var/lib/mailkit/imap")
    names = ["/var/spool/mail/bob", "/home/bob/mail/a/b", "/home/bob/mail/a%2Fb", "/home/bob/mail/a b",
             "/home/bob/mail/" + "x" * 300, "/home/bob/mail/" + "x" * 299 + "y", "/home/bob/mail/Entw\u00fcrfe"]
    paths = [mailstore.uid_state_path(world, world.path(n)) for n in names]
    assert len(set(paths)) == len(names)  # one file per mailbox
    for p in paths:
        assert p.parent == state_dir and len(p.name.encode()) <= 255
        assert "/" not in p.name and not p.name.startswith(".")
    assert paths[0].name == "%2Fvar%2Fspool%2Fmail%2Fbob"
