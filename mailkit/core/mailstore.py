"""A user's mbox as POP3 and IMAP see it: messages with stable UIDs and flags.

The layout is Dovecot's for mbox, so the file stays a plain mbox any tool can read: the
first message carries `X-IMAPbase: <uidvalidity> <uidnext>`, each message `X-UID: <n>`,
`Status:` (R seen, O old) and `X-Status:` (A answered, F flagged, T draft, D deleted).
Those headers are never shown to clients. The MDA only appends; the store rewrites the
file (temp file, fsync, rename, under the mailbox lock) when it assigns UIDs, changes flags
or removes messages.

The store keeps an index of the file, as Dovecot keeps one beside a mailbox: per message its
UID, flags, size, envelope sender, date and where it lies in the file (offset, length), never
the message itself, which is read from the file when a client asks for it. The index is built
by one pass over the file, extended by parsing only what was appended when the file grew, and
built again when the file changed behind it (another inode, a shorter file, or other first
bytes). Messages in the index are never changed in place: a flag change replaces the message's
entry with a new object, so a session's view, a list of the entries it was shown, stays what
it was shown at no cost (see core/imapsession).

A mailbox with no first message (new, emptied by EXPUNGE or POP3, or only appended to by the
MDA since) has nowhere in the mbox to keep its UIDVALIDITY and UIDNEXT. A store opened with
`Store.in_world` keeps them then in a small file of its own, /var/lib/mailkit/imap/<name>
(`uid_state_path`), as Dovecot keeps them in its index: written before the mbox loses its
X-IMAPbase, read while the file has none, removed once X-IMAPbase carries them again. The
mbox itself never holds anything but messages.
"""

from __future__ import annotations

import bisect
import fcntl
import hashlib
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from .files import atomic_write, fsync_dir
from .mboxlock import locked, thread_lock
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
# one header field the store keeps for itself (with its folded lines), as a logical line of the head
_HIDDEN_LINE = re.compile(rb"^(x-imapbase|x-uid|status|x-status|x-keywords|content-length)[ \t]*:"
                          rb"([^\n]*(?:\n[ \t][^\n]*)*)\n", re.I | re.M)
_QUOTED_FROM = re.compile(rb"(?m)^>(>*From )")
_NO_FLAGS: frozenset = frozenset()


class Expunged(LookupError):
    """The message is no longer in the mailbox (another session or program removed it)."""


class Message:
    """One message of a mailbox: what the index holds (UID, flags, size, sender, date, place in
    the file) and, for one not yet written to the file (APPEND, COPY), its text. `flags` is a
    frozenset: an entry of the store is never changed, `with_flags` makes the changed one."""

    __slots__ = ("uid", "flags", "envelope_from", "internal_date", "recent", "size", "_body", "_store", "_at",
                 "filename")

    def __init__(self, uid: int, flags, body: bytes | None, envelope_from: str, internal_date: datetime,
                 recent: bool = False, size: int | None = None, filename: str = ""):
        self.uid = uid
        self.flags = flags if type(flags) is frozenset else frozenset(flags)
        self.envelope_from = envelope_from
        self.internal_date = internal_date
        self.recent = recent
        self._body = body  # LF line ends, store headers removed; None: read from the file
        self._store = None  # the store whose file holds it (when _body is None)
        self._at = None  # (offset, length) of its entry in that file, From_ line excluded
        self.size = size if size is not None else len(body) + body.count(b"\n")
        self.filename = filename  # a Maildir message's file ("cur/<name>:2,S"); "" in an mbox

    @property
    def body(self) -> bytes:
        """The message as clients see it (LF endings, mbox headers removed). Raises Expunged
        when it is read from the file and the mailbox no longer has it."""
        if self._body is not None:
            return self._body
        return self._store.body_of(self.uid)

    def crlf(self) -> bytes:
        return self.body.replace(b"\n", b"\r\n")

    def with_flags(self, flags) -> "Message":
        """The same message with other flags (a new object: views keep the one they were shown)."""
        m = Message.__new__(Message)
        for name in Message.__slots__:
            setattr(m, name, getattr(self, name))
        m.flags = flags if type(flags) is frozenset else frozenset(flags)
        return m

    def __repr__(self) -> str:
        return f"Message(uid={self.uid}, flags={sorted(self.flags)}, size={self.size})"


@dataclass
class Mailbox:
    uidvalidity: int
    uidnext: int
    messages: list = field(default_factory=list)  # in file order, UIDs ascending
    keywords: list = field(default_factory=list)  # every keyword the mailbox has known, in order (X-IMAPbase)


def find(messages: list, uid: int) -> int | None:
    """Where message `uid` is in `messages` (UIDs ascending), by bisection; None when absent."""
    i = bisect.bisect_left(messages, uid, key=uid_of)
    return i if i < len(messages) and messages[i].uid == uid else None


def uid_of(m: Message) -> int:
    return m.uid


_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def _parse_date(text: str) -> datetime:
    """The date of a From_ line ("Sun Nov 29 09:00:00 2026"), read without strptime's cost."""
    parts = text.split()
    try:
        if len(parts) == 5 and parts[1] in _MONTHS:
            hh, mm, ss = parts[3].split(":")
            return datetime(int(parts[4]), _MONTHS[parts[1]], int(parts[2]), int(hh), int(mm), int(ss), tzinfo=timezone.utc)
    except ValueError:
        pass
    try:
        return datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %Y").replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime.now(timezone.utc)


def _entry_bounds(data: bytes, base: int = 0):
    """Yield (from_line, start, end) of each mbox entry of `data`: the entry's text after its
    From_ line is data[start:end] (the blank line that separates entries left out); offsets
    are `base` + the position in data."""
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data) if m.start() == 0 or data[m.start() - 1 : m.start()] == b"\n"]
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        nl = data.find(b"\n", s, end)
        if nl < 0:
            nl = end
        from_line, start = data[s:nl], min(nl + 1, end)
        if data[max(start, end - 2) : end] == b"\n\n":
            end -= 1  # the blank line that separates mbox entries
        elif data[max(start, end - 4) : end] == b"\r\n\r\n":
            end -= 2
        yield from_line, base + start, base + end


def _split_entries(data: bytes):
    """Yield (from_line, message_bytes) of each mbox entry."""
    for from_line, start, end in _entry_bounds(data):
        yield from_line, data[start:end]


def _unquote(body: bytes) -> bytes:
    return _QUOTED_FROM.sub(rb"\1", body) if b"From " in body else body


def _split_clean(raw: bytes, found: list | None = None) -> tuple[bytes, bytes]:
    """(header, body) of an entry as clients see them: CRLF made LF, the store's own header
    lines removed (appended to `found` as (name, value) when given), ">From " unquoted."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n")  # a writer that kept CRLF: clients get exactly one CR per line
    i = raw.find(b"\n\n")
    head, body = (raw, b"") if i < 0 else (raw[:i], raw[i + 2 :])
    if found is None:
        head = _HIDDEN_LINE.sub(b"", head + b"\n")[:-1]
    else:
        def keep(m):
            found.append((m.group(1).lower(), m.group(2)))
            return b""
        head = _HIDDEN_LINE.sub(keep, head + b"\n")[:-1]
    return head, _unquote(body)


def _clean(raw: bytes) -> bytes:
    head, body = _split_clean(raw)
    return head + b"\n\n" + body


def _parse_entry(from_line: bytes, raw: bytes) -> tuple[Message, tuple | None]:
    """The index entry of one mbox entry (its text not kept), and X-IMAPbase's values if it has them."""
    found: list = []
    head, body = _split_clean(raw, found)
    flags, uid, base = set(), 0, None
    for lname, value in found:
        v = value.strip().decode("ascii", "replace")
        if lname == b"x-uid":
            if v.isdigit():
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
    m = _FROM.match(from_line)
    sender = m.group(1).decode(errors="replace") if m else "MAILER-DAEMON"
    date = _parse_date(m.group(2).decode(errors="replace")) if m else datetime.now(timezone.utc)
    size = len(head) + len(body) + 2 + head.count(b"\n") + body.count(b"\n") + 2  # CRLF octets
    return Message(uid, frozenset(flags) if flags else _NO_FLAGS, None, sender, date, size=size), base


def _render_entry(m: Message, body: bytes, base: tuple | None, keywords=()) -> tuple[bytes, bytes]:
    """(From_ line with its newline, the rest) of message `m` with text `body` as the mbox holds
    it; the entry in the file is both and a blank line."""
    head, sep, body = body.partition(b"\n\n")
    if not sep:
        head = head.rstrip(b"\n")  # a header with no blank line after it: the store's fields go below
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
    if b"From " in body:
        body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
    if body and not body.endswith(b"\n"):
        body += b"\n"  # the mbox format ends every line (an empty body stays empty)
    from_line = f"From {m.envelope_from} {m.internal_date.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()
    return from_line, head + b"\n" + b"\n".join(extra) + b"\n\n" + body


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
# the stores used last stay in memory after their sessions end, as Dovecot's index stays on
# disk: the next login or SELECT finds the index built (an index holds no message text)
KEPT_STORES = 256
_kept: "OrderedDict[str, Store]" = OrderedDict()
_registry_lock = threading.Lock()


_reals: dict[str, str] = {}


def _real(path) -> str:
    """os.path.realpath of a mailbox path, remembered: the name a store is shared under (a
    spelling met once keeps its answer; the store itself always opens the path it was given)."""
    text = str(path)
    real = _reals.get(text)
    if real is None:
        if len(_reals) > 10_000:
            _reals.clear()
        real = _reals[text] = os.path.realpath(text)
    return real


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
    """One mbox file and its index. Not thread-safe by itself: callers hold `lock()` around a
    change (peek/apply/update take it).

    `state` is the file that keeps UIDVALIDITY and UIDNEXT while the mbox has no X-IMAPbase
    (None: only this object remembers them, for as long as it lives)."""

    def __init__(self, path: Path, clock=None, state: Path | None = None):
        self.path = Path(path)
        self._spath = str(self.path)
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
        self._tlock = thread_lock(self.path)  # the mailbox lock's in-process half (see body_of)
        self.expunged_flags: dict[int, frozenset] = {}  # the last flags of messages expunged through this store
        self._dirty: dict[int, frozenset] = {}  # flags changed in memory (set_flags), not yet in the file
        # UIDs whose flags changed or that were expunged, in order, for sessions to catch up
        # from where they last looked; a new epoch (file re-read, log too long) means "compare all"
        self.log: list[int] = []
        self.epoch = 0
        self._key = os.path.realpath(self.path)

    @classmethod
    def shared(cls, world, path: Path, clock=None) -> "Store":
        """The one store of mailbox `path` in this process, shared by every POP3 and IMAP
        session on it, so a change one session makes is the others' index without a re-read.
        The last KEPT_STORES used stay after their sessions end."""
        key = _real(path)
        with _registry_lock:
            store = _shared_stores.get(key)
            if store is None or store._spath != str(path) or type(store) is not cls:
                store = cls.in_world(world, path, clock)
                _shared_stores[key] = store
            _kept[key] = store
            _kept.move_to_end(key)
            while len(_kept) > KEPT_STORES:
                _kept.popitem(last=False)
            return store

    # -- the index in memory
    @classmethod
    def ready(cls, path: Path) -> "Store | None":
        """The shared store of `path` when its index is built and the file has not changed
        since (a stat): a command on it is answered from memory. None otherwise."""
        store = _shared_stores.get(_real(path))
        if store is None or store._box is None or store._spath != str(path) or store.changed():
            return None
        return store

    def set_flags(self, box: Mailbox, flags_by_uid: dict) -> list:
        """Give messages of the loaded box new flags (caller holds the lock or is in peek/apply):
        each changed entry is replaced, every user of this store sees the change at once, and
        the file gets it at the next flush() (or any rewrite), so a client reading 1,000
        messages does not rewrite the mbox 1,000 times. Returns the new entries."""
        changed = []
        for uid, flags in flags_by_uid.items():
            i = find(box.messages, uid)
            if i is None or box.messages[i].flags == flags:
                continue
            m = box.messages[i].with_flags(flags)
            box.messages[i] = m
            changed.append(m)
        if changed:
            self.flags_changed(changed)
        return changed

    def flags_changed(self, messages) -> None:
        """Entries of `messages` got new flags in memory (set_flags): noted for flush() and for
        the sessions' catching up."""
        for m in messages:
            self._dirty[m.uid] = m.flags
        self._log([m.uid for m in messages])
        self.generation += 1

    def remove(self, box: Mailbox, uids) -> set:
        """Take messages out of the loaded box (EXPUNGE, MOVE, POP3's DELE), remembering their
        last flags for the sessions that still show them. Returns the UIDs removed."""
        uids = set(uids)
        gone = {m.uid: m.flags for m in box.messages if m.uid in uids}
        if gone:
            self.note_expunged(gone)
            box.messages = [m for m in box.messages if m.uid not in gone]
        return set(gone)

    def _log(self, uids) -> None:
        self.log.extend(uids)
        if len(self.log) > 100_000:
            self.log, self.epoch = [], self.epoch + 1

    def message(self, box: Mailbox, uid: int) -> Message | None:
        """The entry of `uid` in the loaded box (bisection over its UIDs), or None."""
        i = find(box.messages, uid)
        return None if i is None else box.messages[i]

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
        self.expunged_flags.update({u: frozenset(f) for u, f in flags_by_uid.items()})
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
        i = bisect.bisect_left(box.messages, floor, key=uid_of)
        return {m.uid for m in box.messages[i:]}

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
            with locked(self.path, opener, self._tlock):
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

    def _read(self, offset: int, size: int, fd: int | None = None) -> bytes:
        own = fd is None
        if own:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            return _pread(fd, offset, size)
        finally:
            if own:
                self._done_with(fd)

    # -- message text, read from the file where the index says it is
    def texts(self, uids) -> dict:
        """uid -> text as clients see it of the messages of `uids` still in the mailbox (one
        that is not was expunged), read from the file at the places the index holds, with one
        open of it. Without the mailbox lock: the file is read when it is still the file
        indexed (same inode, size and mtime), which an appending MDA or a rewrite elsewhere
        would have changed; otherwise it is indexed again under the lock first. The
        in-process half of the mailbox lock is held meanwhile, so no other thread of this
        process holds the file's lockf lock when the descriptor is closed (closing any
        descriptor of a file drops the process's lock on it)."""
        found = self._cached(uids)
        if found is not None:
            return found
        with self._mutex:
            if self._box is not None:
                found = self._texts(self._box, uids, locked=self._held is not None)
                if found is not None:
                    return found
        return self.apply(lambda box: (self._texts(box, uids, locked=True), False))

    def _cached(self, uids) -> dict | None:
        """texts() when every message asked for is in the index and its text in memory, found
        without the store's mutex (the index's list is replaced, never reordered, while it is
        read); None otherwise."""
        box = self._box
        if box is None:
            return None
        out = {}
        for uid in uids:
            i = find(box.messages, uid)
            if i is None:
                return None
            m = box.messages[i]
            text = m._body if m._body is not None else _cached_text((self._key, box.uidvalidity, uid))
            if text is None:
                return None
            out[uid] = text
        return out

    def _texts(self, box: Mailbox, uids, locked: bool) -> dict | None:
        """texts() from `box`; None when the file is not the one indexed. Texts read are kept
        in the process's text cache, and a read of a few also reads the messages that follow
        (a client reading one message after another finds the next one read)."""
        out, wanted = {}, []
        for uid in uids:
            m = self.message(box, uid)
            if m is None:
                continue  # a session asks only for UIDs the index had: gone
            if m._body is not None:
                out[uid] = m._body
                continue
            text = _cached_text((self._key, box.uidvalidity, uid))
            if text is not None:
                out[uid] = text
            else:
                wanted.append(m)
        if not wanted:
            return out
        ahead = wanted
        if len(wanted) < READ_AHEAD:  # and the messages after the last one asked for
            i = find(box.messages, wanted[-1].uid) + 1
            ahead = wanted + [m for m in box.messages[i : i + READ_AHEAD] if m._body is None and m.size < CACHE_BYTES // 64]
        if locked:  # the lock is held and the file indexed under it
            fd = os.open(self._spath, os.O_RDONLY | os.O_CLOEXEC)
            try:
                read = {m.uid: _clean(_pread(fd, *m._at)) for m in ahead}
            finally:
                self._done_with(fd)
        else:
            with self._tlock:
                fd = os.open(self._spath, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
                try:
                    st = os.fstat(fd)
                    if (st.st_ino, st.st_size, st.st_mtime_ns) != self._sig:
                        return None
                    read = {m.uid: _clean(_pread(fd, *m._at)) for m in ahead}
                finally:
                    os.close(fd)
        _cache_texts(self._key, box.uidvalidity, read)
        out.update((m.uid, read[m.uid]) for m in wanted)
        return out

    def body_of(self, uid: int) -> bytes:
        """The text of message `uid` (texts()); Expunged when the mailbox no longer has it."""
        text = self.texts((uid,)).get(uid)
        if text is None:
            raise Expunged(uid)
        return text

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(timezone.utc)

    def changed(self) -> bool:
        """True when the file differs from what was last parsed (a cheap stat, no lock)."""
        try:
            st = os.stat(self._spath)
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

    def _index(self, data: bytes, base: int) -> tuple[list, tuple | None]:
        """Index entries of the mbox text `data` found at offset `base` of the file, and the
        first X-IMAPbase's values."""
        msgs, first = [], None
        for from_line, start, end in _entry_bounds(data, base):
            m, found = _parse_entry(from_line, data[start - base : end - base])
            m._store, m._at = self, (start, end - start)
            if found and first is None:
                first = found
            msgs.append(m)
        return msgs, first

    def load(self) -> Mailbox:
        """The current index; UIDs are assigned (and written back) to new messages."""
        try:
            st = os.stat(self._spath)
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
            new, _ = self._index(tail, self._parsed_size)
            box = self._box
            box.messages = list(box.messages) + new
            _note_keywords(box, new)
        else:
            msgs, base = self._index(self._read(0, st.st_size), 0)
            if base is not None:
                box = Mailbox(base[0], base[1], keywords=list(base[2]))
                self._drop_state()  # left over from a rewrite cut short: X-IMAPbase is the truth
            else:  # no X-IMAPbase (new or emptied file, or only appended to since)
                validity, uidnext, stored = self._base_without_header()
                box = Mailbox(validity, uidnext)
            box.messages = msgs
            _note_keywords(box, msgs)
            if self._dirty and self._box is not None:  # rewritten behind us: our unwritten flags still count
                for i, m in enumerate(msgs):
                    if m.uid in self._dirty:
                        msgs[i] = m.with_flags(self._dirty[m.uid])
                box.keywords += [k for k in self._box.keywords if k not in box.keywords]
            self.log, self.epoch = [], self.epoch + 1  # what changed in the file is unknown: compare all
        self._box = box
        self.generation += 1
        self._sig = sig
        self._parsed_size = st.st_size
        self._head = self._read(0, min(HEAD_BYTES, st.st_size))
        self._recent_floor(box)  # before new messages get UIDs: they are the recent ones
        if self._number(box):
            self.write(box)
        elif not box.messages and not stored:
            self._save_state(box)  # an empty mailbox's values, kept across restarts
        return box

    @staticmethod
    def _number(box: Mailbox) -> bool:
        """Give a UID to each message without one, and to one whose UID is not above the one
        before it (UIDs ascend in the file, as Dovecot's mbox sync insists); True when any got one."""
        last, renumber = 0, False
        for m in box.messages:
            if m.uid <= last:
                renumber = True
                break
            last = m.uid
        if not renumber and last < box.uidnext:
            return False
        last = 0
        for m in box.messages:  # entries nobody has seen yet: numbered in place
            if m.uid <= last:
                m.uid = box.uidnext
                m.recent = True
                box.uidnext += 1
            else:
                box.uidnext = max(box.uidnext, m.uid + 1)
            last = m.uid
        return True

    def write(self, box: Mailbox) -> None:
        """Rewrite the whole mbox from `box` (caller holds the lock, the box loaded under it).
        An empty mailbox's UIDVALIDITY and UIDNEXT go to the state file first; once the first
        message carries them again, the state file goes. The index then points into the new file."""
        if not box.messages:
            self._save_state(box)
        pieces, places, at = [], [], 0
        old = None
        try:
            for i, m in enumerate(box.messages):
                if m._body is not None:
                    body = m._body
                else:
                    if old is None:
                        old = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                    body = _clean(_pread(old, *m._at))
                from_line, rest = _render_entry(m, body, (box.uidvalidity, box.uidnext, box.keywords) if i == 0 else None,
                                                box.keywords)
                pieces += (from_line, rest, b"\n")
                places.append((at + len(from_line), len(rest)))
                at += len(from_line) + len(rest) + 1
        finally:
            if old is not None:
                self._done_with(old)
        data = b"".join(pieces)
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
        for m, place in zip(box.messages, places):
            m._store, m._at = self, place  # the text is in the file now: no copy kept in memory
            m._body = None
        st = os.stat(self._spath)
        self._box, self._sig, self._parsed_size = box, (st.st_ino, st.st_size, st.st_mtime_ns), st.st_size
        self._head = data[:HEAD_BYTES]
        self._dirty = {}
        self.generation += 1
        if box.messages:
            self._drop_state()

    def update(self, change) -> Mailbox:
        """Read the file again under the lock (fresh entries, which change(box) may alter in
        place: no session has seen them), apply change(box), write it back."""
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


# Message texts read lately, for every store of the process: (mailbox, UIDVALIDITY, UID) ->
# text. A UID names one message for as long as its UIDVALIDITY lasts, so an entry never goes
# stale; the least recently used go first past CACHE_BYTES.
CACHE_BYTES = 16 << 20
READ_AHEAD = 16
_text_cache: "OrderedDict[tuple, bytes]" = OrderedDict()
_text_cache_size = 0
_text_cache_lock = threading.Lock()


def _cached_text(key: tuple) -> bytes | None:
    with _text_cache_lock:
        text = _text_cache.get(key)
        if text is not None:
            _text_cache.move_to_end(key)
        return text


def _cache_texts(mailbox: str, uidvalidity: int, texts: dict) -> None:
    global _text_cache_size
    with _text_cache_lock:
        for uid, text in texts.items():
            if len(text) > CACHE_BYTES // 64:
                continue  # a big message would push out many small ones
            key = (mailbox, uidvalidity, uid)
            old = _text_cache.pop(key, None)
            _text_cache_size += len(text) - (len(old) if old is not None else 0)
            _text_cache[key] = text
        while _text_cache_size > CACHE_BYTES and _text_cache:
            _text_cache_size -= len(_text_cache.popitem(last=False)[1])


def _pread(fd: int, offset: int, size: int) -> bytes:
    chunks = []
    while size > 0:
        chunk = os.pread(fd, min(size, 1 << 24), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(chunks)
