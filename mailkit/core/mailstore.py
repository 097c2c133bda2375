"""A user's mbox as POP3 and IMAP see it: messages with stable UIDs and flags.

The layout is Dovecot's for mbox, so the file stays a plain mbox any tool can read: the
first message carries `X-IMAPbase: <uidvalidity> <uidnext>`, each message `X-UID: <n>`,
`Status:` (R seen, O old) and `X-Status:` (A answered, F flagged, T draft, D deleted).
Those headers are never shown to clients. The MDA only appends; the store rewrites the
file (temp file, fsync, rename, under the mailbox lock) when it assigns UIDs, changes flags
or removes messages. A parsed index is kept, and a file that only grew is parsed from where
the last parse ended.

A mailbox with no first message (new, emptied by EXPUNGE or POP3, or only appended to by the
MDA since) has nowhere in the mbox to keep its UIDVALIDITY and UIDNEXT. A store opened with
`Store.in_world` keeps them then in a small file of its own, /var/lib/mailkit/imap/<name>
(`uid_state_path`), as Dovecot keeps them in its index: written before the mbox loses its
X-IMAPbase, read while the file has none, removed once X-IMAPbase carries them again. The
mbox itself never holds anything but messages.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from .files import atomic_write, fsync_dir
from .mboxlock import locked
from .world import IMAP_STATE_DIR

HIDDEN = (b"x-imapbase", b"x-uid", b"status", b"x-status", b"x-keywords", b"content-length")
STATUS_FLAGS = {"R": "\\Seen"}
XSTATUS_FLAGS = {"A": "\\Answered", "F": "\\Flagged", "T": "\\Draft", "D": "\\Deleted"}
SYSTEM_FLAGS = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")  # Dovecot's order
_SYSTEM_BY_LOWER = {f.lower(): f for f in SYSTEM_FLAGS}



HEAD_BYTES = 512  # enough to hold the first From_ line and X-IMAPbase: a rewritten file differs there

def canonical_flags(names, keywords: list) -> set:
    """Flag names as a client wrote them -> the stored spelling. System flags are
    case-insensitive (RFC 3501: "\\seen" is "\\Seen"); a keyword takes the spelling the mailbox
    already knows it by (Dovecot's keywords are case-insensitive too), and a new one is added
    to `keywords`, the mailbox's list."""
    out = set()
    known = {k.lower(): k for k in keywords}
    for name in names:
        low = name.lower()
        if low in _SYSTEM_BY_LOWER:
            out.add(_SYSTEM_BY_LOWER[low])
        elif low.startswith("\\"):
            continue  # \Recent and unknown system flags are the server's, never stored
        else:
            if low not in known:
                known[low] = name
                keywords.append(name)
            out.add(known[low])
    return out


def ordered_flags(flags, keywords: list, recent: bool = False) -> list:
    """Flags in the order Dovecot prints them: system flags, \\Recent, then keywords in the
    mailbox's keyword order."""
    out = [f for f in SYSTEM_FLAGS if f in flags] + (["\\Recent"] if recent else [])
    out += [k for k in keywords if k in flags]
    out += sorted(f for f in flags if f not in SYSTEM_FLAGS and f not in keywords)
    return out
_FROM = re.compile(rb"^From (\S+) +(.*)$")


@dataclass
class Message:
    uid: int
    flags: set
    body: bytes  # the message as clients see it (LF endings, mbox headers removed)
    envelope_from: str
    internal_date: datetime
    recent: bool = False
    filename: str = ""  # a Maildir message's file ("cur/<name>:2,S"); "" in an mbox

    @property
    def size(self) -> int:
        """RFC 822 size: octets with CRLF line endings, as POP3 and IMAP count them."""
        return len(self.body) + self.body.count(b"\n")

    def crlf(self) -> bytes:
        return self.body.replace(b"\n", b"\r\n")


@dataclass
class Mailbox:
    uidvalidity: int
    uidnext: int
    messages: list = field(default_factory=list)
    keywords: list = field(default_factory=list)  # every keyword the mailbox has known, in order (X-IMAPbase)


def _parse_date(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %Y").replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def _split_entries(data: bytes):
    """Yield (from_line, message_bytes) of each mbox entry."""
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data) if m.start() == 0 or data[m.start() - 1 : m.start()] == b"\n"]
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        chunk = data[s:end]
        nl = chunk.find(b"\n")
        from_line, rest = chunk[:nl], chunk[nl + 1 :]
        if rest.endswith(b"\n\n"):
            rest = rest[:-1]  # the blank line that separates mbox entries
        elif rest.endswith(b"\r\n\r\n"):
            rest = rest[:-2]
        yield from_line, rest


def _unquote(body: bytes) -> bytes:
    return re.sub(rb"(?m)^>(>*From )", rb"\1", body)


def _parse_entry(from_line: bytes, raw: bytes) -> tuple[Message, tuple | None]:
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")  # a writer that kept CRLF: clients get exactly one CR per line
    head, sep, body = raw.partition(b"\n\n")
    kept, flags, uid, base = [], set(), 0, None
    for line in re.split(rb"\n(?![ \t])", head):
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname in HIDDEN:
            v = value.strip().decode("ascii", "replace")
            if lname == b"x-uid" and v.isdigit():
                uid = int(v)
            elif lname == b"status":
                flags |= {STATUS_FLAGS[c] for c in v if c in STATUS_FLAGS}
            elif lname == b"x-status":
                flags |= {XSTATUS_FLAGS[c] for c in v if c in XSTATUS_FLAGS}
            elif lname == b"x-imapbase":
                parts = v.split()
                if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                    base = (int(parts[0]), int(parts[1]), parts[2:])
            elif lname == b"x-keywords":
                flags |= set(v.split())
            continue
        kept.append(line)
    m = _FROM.match(from_line)
    sender = m.group(1).decode(errors="replace") if m else "MAILER-DAEMON"
    date = _parse_date(m.group(2).decode(errors="replace")) if m else datetime.now(timezone.utc)
    body_text = b"\n".join(kept) + (sep or b"\n\n") + _unquote(body)
    return Message(uid, flags, body_text, sender, date), base


def _render_entry(m: Message, base: tuple | None, keywords=()) -> bytes:
    head, sep, body = m.body.partition(b"\n\n")
    extra = []
    if base:
        words = [str(base[0]), str(base[1]), *(base[2] if len(base) > 2 else ())]
        extra.append(b"X-IMAPbase: " + " ".join(words).encode("utf-8", "surrogateescape"))
    status = "R" if "\\Seen" in m.flags else ""
    extra.append(f"Status: {status}O".encode())
    xs = "".join(c for c, f in XSTATUS_FLAGS.items() if f in m.flags)
    if xs:
        extra.append(f"X-Status: {xs}".encode())
    own = [k for k in keywords if k in m.flags]
    own += sorted(f for f in m.flags if not f.startswith("\\") and f not in own)
    if own:
        extra.append(b"X-Keywords: " + " ".join(own).encode("utf-8", "surrogateescape"))
    extra.append(f"X-UID: {m.uid}".encode())
    body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
    if not body.endswith(b"\n"):
        body += b"\n"
    from_line = f"From {m.envelope_from} {m.internal_date.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()
    return from_line + head + b"\n" + b"\n".join(extra) + b"\n\n" + body + b"\n"


_last_validity = 0


def new_uidvalidity(clock=None) -> int:
    """A UIDVALIDITY never handed out before by this process (the host's clock when given)."""
    global _last_validity
    now = int(clock.now().timestamp()) if clock is not None else int(time.time())
    _last_validity = max(now, _last_validity + 1)
    return _last_validity


def uid_state_path(world, mailbox: Path) -> Path:
    """The file keeping UIDVALIDITY and UIDNEXT of `mailbox` (a real path inside `world`) while
    no message carries them: one file per mailbox in IMAP_STATE_DIR, named after the mailbox's
    host path with every "/" (and anything but letters, digits and "_.-~") %-escaped
    ("/var/spool/mail/bob" -> "%2Fvar%2Fspool%2Fmail%2Fbob"), so the name can neither climb out
    nor name another mailbox's file; a name too long for the filesystem keeps its start and
    ends in "%h" and a hash (a sequence quoting never produces)."""
    rel = ("/" + Path(mailbox).relative_to(world.root).as_posix()).encode("utf-8", "surrogateescape")
    name = quote(rel, safe="")
    if len(name) > 200:
        name = name[:136] + "%h" + hashlib.sha256(rel).hexdigest()
    return world.path(f"{IMAP_STATE_DIR}/{name}")


def _note_keywords(box: Mailbox, msgs) -> None:
    """Keywords set by another writer (X-Keywords only) join the mailbox's list."""
    known = set(box.keywords)
    for m in msgs:
        for f in m.flags:
            if not f.startswith("\\") and f not in known:
                known.add(f)
                box.keywords.append(f)


# \Recent, as Dovecot's index keeps it: every UID from a mailbox's "first recent UID" on is
# recent, until a session that selects the mailbox read-write takes them (claim_recent) and the
# floor moves to UIDNEXT. Per process, keyed by the mailbox's real path and UIDVALIDITY.
_recent_floors: dict[str, tuple[int, int]] = {}
_shared_stores: "weakref.WeakValueDictionary[str, Store]" = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def _read_state(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    values = dict(line.split(None, 1) for line in text.splitlines() if len(line.split()) == 2)
    v, n = values.get("uidvalidity", ""), values.get("uidnext", "")
    if v.strip().isdigit() and n.strip().isdigit() and int(v) > 0 and int(n) > 0:
        return int(v), int(n)
    return None


class Store:
    """One mbox file. Not thread-safe by itself: callers hold `lock()` around a change.

    `state` is the file that keeps UIDVALIDITY and UIDNEXT while the mbox has no X-IMAPbase
    (None: only this object remembers them, for as long as it lives)."""

    def __init__(self, path: Path, clock=None, state: Path | None = None):
        self.path = Path(path)
        self.clock = clock
        self.state = Path(state) if state is not None else None
        self._sig = None
        self._parsed_size = 0
        self._head = b""  # the file's first bytes when it was parsed: the same file, only grown?
        self.generation = 0  # counts every (re)read and rewrite: a view can tell it is behind
        self._held: list[int] | None = None  # descriptors kept open while lock() is held
        self._box: Mailbox | None = None
        self.world = None  # set by in_world: files are then opened through World.open
        self._mutex = threading.RLock()  # one thread at a time in lock(): the store may be shared
        self.expunged_flags: dict[int, set] = {}  # the last flags of messages expunged through this store
        self._dirty: dict[int, set] = {}  # flags changed in memory (set_flags), not yet in the file
        # UIDs whose flags changed or that were expunged, in order, for sessions to catch up
        # from where they last looked; a new epoch (file re-read, log too long) means "compare all"
        self.log: list[int] = []
        self.epoch = 0
        self._index: tuple | None = None
        self._key = os.path.realpath(self.path)

    @classmethod
    def shared(cls, world, path: Path, clock=None) -> "Store":
        """The one store of mailbox `path` in this process, shared by every IMAP session on it,
        so a change one session writes is the others' parsed index without a re-read."""
        key = os.path.realpath(path)
        with _registry_lock:
            store = _shared_stores.get(key)
            if store is None or store.path != Path(path) or type(store) is not cls:
                store = cls.in_world(world, path, clock)
                _shared_stores[key] = store
            return store

    def flags_changed(self, messages) -> None:
        """Flags of `messages` (of the loaded box) were changed in memory, under the lock: every
        user of this store sees them at once; the file gets them at the next flush() (or any
        rewrite), so a client reading 1,000 messages does not rewrite the mbox 1,000 times."""
        for m in messages:
            self._dirty[m.uid] = set(m.flags)
        self._log([m.uid for m in messages])
        self.generation += 1

    def _log(self, uids) -> None:
        self.log.extend(uids)
        if len(self.log) > 100_000:
            self.log, self.epoch = [], self.epoch + 1

    def by_uid(self, box: Mailbox) -> dict:
        """uid -> message of the loaded box (cached while its message list is the same)."""
        cached = self._index
        if cached is None or cached[0] is not box.messages or cached[1] != len(box.messages):
            self._index = cached = (box.messages, len(box.messages), {m.uid: m for m in box.messages})
        return cached[2]

    @property
    def dirty(self) -> bool:
        return bool(self._dirty)

    def flush(self) -> None:
        """Write flags changed in memory to the mbox (CHECK, CLOSE, LOGOUT, a session leaving)."""
        if not self._dirty:
            return
        with self.lock():
            box = self.load()
            if self._dirty:
                self.write(box)

    def note_expunged(self, flags_by_uid: dict) -> None:
        """Remember what flags expunged messages had, for sessions that still show them (bounded)."""
        self.expunged_flags.update({u: set(f) for u, f in flags_by_uid.items()})
        self._log(list(flags_by_uid))
        while len(self.expunged_flags) > 10000:
            del self.expunged_flags[next(iter(self.expunged_flags))]

    def _recent_floor(self, box: Mailbox) -> int:
        with _registry_lock:
            known = _recent_floors.get(self._key)
            if known is not None and known[0] == box.uidvalidity and known[1] <= box.uidnext:
                return known[1]  # (a floor past UIDNEXT belonged to a mailbox made anew at this path)
            # first look in this process: what this store just numbered (or will) is recent
            floor = min((m.uid for m in box.messages if m.recent and m.uid), default=box.uidnext)
            _recent_floors[self._key] = (box.uidvalidity, floor)
            return floor

    def recent_uids(self, box: Mailbox) -> set:
        """UIDs not yet taken by any session as \\Recent (caller holds the lock, box loaded)."""
        floor = self._recent_floor(box)
        return {m.uid for m in box.messages if m.uid >= floor}

    def claim_recent(self, box: Mailbox) -> set:
        """Take the recent UIDs for one session: no other session gets them."""
        uids = self.recent_uids(box)
        with _registry_lock:
            _recent_floors[self._key] = (box.uidvalidity, box.uidnext)
        return uids

    def peek(self, change):
        """change(box) -> result, on the box in memory, for looking and for flag changes (which
        flush() writes later). When the file is as last read (a stat), only this store's own
        mutex is taken; otherwise the mailbox lock, and the file is read first."""
        with self._mutex:
            if self._box is not None and self._held is None and not self.changed():
                self._recent_floor(self._box)
                return change(self._box)
        return self.apply(lambda box: (change(box), False))

    def apply(self, change):
        """Under the lock: load (a stat tells whether the file changed), change(box) mutates it
        and returns (result, write?); the file is rewritten only when asked. Returns result."""
        with self.lock():
            box = self.load()
            self._recent_floor(box)  # what change() adds is recent when nothing else was yet
            result, write = change(box)
            if write:
                self.write(box)
            return result

    @classmethod
    def in_world(cls, world, path: Path, clock=None) -> "Store":
        """The store of mailbox `path` (a real path in `world`) with its state file."""
        store = cls(path, clock, uid_state_path(world, path))
        store.world = world
        return store

    @contextmanager
    def lock(self):
        """The mailbox lock. POSIX drops a process's lockf lock when it closes *any* descriptor
        of the file, so while it is held the store keeps every descriptor it opened (the one
        it read through, the rewritten file it locked before renaming it into place) and
        closes them only when the lock ends."""
        with self._mutex:
            if self._held is not None:  # already held by this thread (nested use)
                yield
                return
            w = self.world
            opener = None if w is None else (lambda flags, mode: w.open(w.host_of(self.path), flags, mode))
            with locked(self.path, opener):
                self._held = []
                try:
                    yield
                finally:
                    held, self._held = self._held, None
                    for fd in held:
                        os.close(fd)

    def _done_with(self, fd: int) -> None:
        if self._held is not None:
            self._held.append(fd)
        else:
            os.close(fd)

    def _read(self, offset: int, size: int) -> bytes:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            chunks = []
            while size > 0:
                chunk = os.pread(fd, min(size, 1 << 24), offset)
                if not chunk:
                    break
                chunks.append(chunk)
                offset += len(chunk)
                size -= len(chunk)
            return b"".join(chunks)
        finally:
            self._done_with(fd)

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(timezone.utc)

    def changed(self) -> bool:
        """True when the file differs from what was last parsed (a cheap stat, no lock)."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return self._sig is not None
        return (st.st_ino, st.st_size, st.st_mtime_ns) != self._sig

    def _base_without_header(self) -> tuple[int, int, bool]:
        """UIDVALIDITY and UIDNEXT for a file with no X-IMAPbase (new, emptied, or only appended
        to), and whether the state file already holds them. The state file comes first (another
        store may have emptied the file since this one looked), then what this store announced,
        and only then a new UIDVALIDITY from the host's clock."""
        saved = _read_state(self.state)
        prior = self._box
        if saved is not None:
            if prior is not None and prior.uidvalidity == saved[0] and prior.uidnext > saved[1]:
                return prior.uidvalidity, prior.uidnext, False
            return saved[0], saved[1], True
        if prior is not None:
            return prior.uidvalidity, prior.uidnext, False
        return new_uidvalidity(self.clock), 1, False

    def _save_state(self, box: Mailbox) -> None:
        if self.state is None:
            return
        self.state.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.state, f"uidvalidity {box.uidvalidity}\nuidnext {box.uidnext}\n".encode(), world=self.world)

    def _drop_state(self) -> None:
        if self.state is None:
            return
        try:
            os.unlink(self.state)
        except FileNotFoundError:
            return
        fsync_dir(self.state.parent)

    def load(self) -> Mailbox:
        """The current messages; UIDs are assigned (and written back) to new ones."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            validity, uidnext, stored = self._base_without_header()
            prior = self._box
            if prior is None or prior.messages or (prior.uidvalidity, prior.uidnext) != (validity, uidnext):
                self._box = Mailbox(validity, uidnext, [])
                self.generation += 1
            if not stored:
                self._save_state(self._box)
            self._sig = None
            return self._box
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._box is not None and sig == self._sig:
            return self._box
        stored = True  # the state file is up to date, or not needed (a message carries the values)
        if (self._box is not None and self._sig and st.st_ino == self._sig[0] and st.st_size > self._parsed_size
                and self._parsed_size > 0 and self._read(0, len(self._head)) == self._head):
            # only appended to (an inode number alone can be reused by a file that replaced it,
            # and an emptied file needs the state file read again: both are parsed whole)
            tail = self._read(self._parsed_size, st.st_size - self._parsed_size)  # only what was appended
            new = [_parse_entry(fl, raw)[0] for fl, raw in _split_entries(tail)]
            box = self._box
            box.messages = list(box.messages) + new
            _note_keywords(box, new)
        else:
            data = self._read(0, st.st_size)
            box = None
            msgs = []
            for fl, raw in _split_entries(data):
                m, base = _parse_entry(fl, raw)
                if base and box is None:
                    box = Mailbox(base[0], base[1], keywords=list(base[2]))
                msgs.append(m)
            if box is None:  # no X-IMAPbase (new or emptied file, or only appended to since)
                validity, uidnext, stored = self._base_without_header()
                box = Mailbox(validity, uidnext)
            else:
                self._drop_state()  # left over from a rewrite cut short: X-IMAPbase is the truth
            box.messages = msgs
            _note_keywords(box, msgs)
            if self._dirty and self._box is not None:  # rewritten behind us: our unwritten flags still count
                for m in msgs:
                    if m.uid in self._dirty:
                        m.flags = set(self._dirty[m.uid])
                box.keywords += [k for k in self._box.keywords if k not in box.keywords]
            self.log, self.epoch = [], self.epoch + 1  # what changed in the file is unknown: compare all
        self._box = box
        self.generation += 1
        self._sig = sig
        self._parsed_size = st.st_size
        self._head = self._read(0, min(HEAD_BYTES, st.st_size))
        self._recent_floor(box)  # before new messages get UIDs: they are the recent ones
        if any(m.uid == 0 or m.uid >= box.uidnext for m in box.messages):
            for m in box.messages:
                if m.uid == 0 or m.uid < 0:
                    m.uid = box.uidnext
                    m.recent = True
                    box.uidnext += 1
                else:
                    box.uidnext = max(box.uidnext, m.uid + 1)
            self.write(box)
        elif not box.messages and not stored:
            self._save_state(box)  # an empty mailbox's values, kept across restarts
        return box

    def write(self, box: Mailbox) -> None:
        """Rewrite the whole mbox from `box` (caller holds the lock). An empty mailbox's
        UIDVALIDITY and UIDNEXT go to the state file first; once the first message carries
        them again, the state file goes."""
        if not box.messages:
            self._save_state(box)
        data = b"".join(_render_entry(m, (box.uidvalidity, box.uidnext, box.keywords) if i == 0 else None, box.keywords)
                        for i, m in enumerate(box.messages))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.mailkit{os.getpid()}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        fd = os.open(tmp, flags, 0o600) if self.world is None else \
            self.world.open(self.world.host_of(tmp), flags, 0o600, follow=False)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            # lock the new file before it takes the mailbox's name: a process that opens the
            # name after the rename waits for us instead of writing into it meanwhile
            fcntl.lockf(fd, fcntl.LOCK_EX)
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent, self.world)
        finally:
            self._done_with(fd)
        st = self.path.stat()
        self._box, self._sig, self._parsed_size = box, (st.st_ino, st.st_size, st.st_mtime_ns), st.st_size
        self._head = self._read(0, min(HEAD_BYTES, st.st_size))
        self._dirty = {}
        self.generation += 1
        if box.messages:
            self._drop_state()

    def update(self, change) -> Mailbox:
        """Reload under the lock, apply change(box) (which mutates it), write it back."""
        with self.lock():
            self._sig = None  # force a fresh read: another process may have appended
            box = self.load()
            change(box)
            self.write(box)
            return box

    def append(self, body: bytes, flags=(), envelope_from="MAILER-DAEMON", date=None) -> int:
        def add(box):
            box.messages.append(Message(box.uidnext, set(flags), body.replace(b"\r\n", b"\n"), envelope_from,
                                        date or self._now()))
            box.uidnext += 1
        box = self.update(add)
        return box.uidnext - 1
