"""A Maildir as POP3 and IMAP see it (mail_location = maildir:~/Maildir): the same `Store`
interface as an mbox (core/mailstore.py), kept in Dovecot's own Maildir layout so the directory
stays readable by Dovecot, mutt or any Maildir tool:

- one file per message, in new/ (delivered, not yet seen by a mail reader) or cur/; a reader
  moves new/ files to cur/ and gives them the info part ":2," (as Dovecot does at its next sync)
- flags in the file name after ":2,": D draft, F flagged, R answered, S seen, T deleted, and
  a-z the keywords numbered in dovecot-keywords ("0 Work")
- UIDs in dovecot-uidlist (version 3: "3 V<uidvalidity> N<uidnext> G<guid>", then "<uid> :<base
  name>" per message); new files get the next UIDs, ordered by name (delivery time)
- a message's received date is its file's mtime; messages saved by IMAP go to new/ when they
  have no flags, cur/ with their flags otherwise, named "<secs>.M<usecs>P<pid>.<host>,S=<size>,W=<vsize>"

Changes are made under one lock per Maildir (the file .mailkit-lock: thread lock + lockf, as
mailboxes are locked in core/mboxlock.py); renames and the uidlist rewrite are atomic.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .files import atomic_write, write_all
from .mailstore import Mailbox, Message, Store, new_uidvalidity, _note_keywords
from .mboxlock import locked

SUBDIRS = ("cur", "new", "tmp")
FLAG_LETTERS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
UIDLIST = "dovecot-uidlist"
KEYWORDS = "dovecot-keywords"
LOCK = ".mailkit-lock"
MAX_MESSAGE = 256 << 20  # bytes read of one message file
_RETURN_PATH = re.compile(rb"^Return-Path:\s*<?([^>\s]*)>?", re.I | re.M)
_sequence = 0
_sequence_lock = threading.Lock()


def base_name(name: str) -> str:
    """A Maildir file's name without its info part (":2,FS"): what stays when flags change."""
    return name.split(":", 1)[0]


def info_flags(name: str, keywords: list) -> set:
    _, sep, info = name.partition(":2,")
    if not sep:
        return set()
    out = set()
    for c in info:
        if c in FLAG_LETTERS:
            out.add(FLAG_LETTERS[c])
        elif "a" <= c <= "z" and ord(c) - 97 < len(keywords):
            out.add(keywords[ord(c) - 97])
    return out


def info_part(flags, keywords: list) -> str:
    """":2," and the flag letters, in ASCII order as Dovecot writes them."""
    letters = [c for c, f in FLAG_LETTERS.items() if f in flags]
    letters += [chr(97 + i) for i, k in enumerate(keywords[:26]) if k in flags]
    return ":2," + "".join(sorted(letters))


def _order(name: str) -> tuple:
    """Dovecot assigns new UIDs in the order of the names' times (secs, then microseconds)."""
    m = re.match(r"(\d+)\.(?:M(\d+))?", name)
    return (int(m.group(1)), int(m.group(2) or 0), name) if m else (0, 0, name)


class MaildirStore(Store):
    """One Maildir, behind the interface of core/mailstore.Store."""

    def __init__(self, path: Path, clock=None, state=None):
        super().__init__(path, clock, None)
        self._files: dict[int, str] = {}  # uid -> "cur/name:2,S" as on disk
        self._bodies: dict[str, tuple] = {}  # base name -> (size, mtime_ns, body)

    @classmethod
    def in_world(cls, world, path: Path, clock=None) -> "MaildirStore":
        store = cls(path, clock)
        store.world = world
        return store

    # -- the directory
    def _host(self, name: str) -> str:
        return self.world.host_of(self.path / name) if self.world is not None else str(self.path / name)

    def _ensure_dirs(self) -> None:
        for sub in SUBDIRS:
            p = self.path / sub
            if not p.is_dir():
                if self.world is not None:
                    self.world.makedirs(self._host(sub))
                else:
                    p.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def lock(self):
        with self._mutex:
            if self._held is not None:
                yield
                return
            self._ensure_dirs()
            w = self.world
            lock_path = self.path / LOCK
            opener = None if w is None else (lambda flags, mode: w.open(self._host(LOCK), flags, mode, follow=False))
            with locked(lock_path, opener):
                self._held = []
                try:
                    yield
                finally:
                    self._held = None

    def _signature(self):
        sig = []
        for name in ("cur", "new", UIDLIST):
            try:
                st = (self.path / name).stat()
                sig.append((st.st_ino, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                sig.append(None)
        return tuple(sig)

    def changed(self) -> bool:
        return self._signature() != self._sig

    # -- dovecot-uidlist and dovecot-keywords
    def _read_uidlist(self) -> tuple[int, int, dict[str, int]]:
        try:
            lines = (self.path / UIDLIST).read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        except FileNotFoundError:
            return 0, 1, {}
        validity, uidnext, by_name = 0, 1, {}
        if lines:
            head = lines[0].split()
            if head and head[0] == "3":
                for f in head[1:]:
                    if f[:1] == "V" and f[1:].isdigit():
                        validity = int(f[1:])
                    elif f[:1] == "N" and f[1:].isdigit():
                        uidnext = int(f[1:])
            elif len(head) >= 3 and all(x.isdigit() for x in head[:3]):
                validity, uidnext = int(head[1]), int(head[2])
        for line in lines[1:]:
            uid, _, rest = line.partition(" ")
            if not uid.isdigit():
                continue
            name = rest.split(" :", 1)[1] if " :" in rest else rest[1:] if rest.startswith(":") else rest.split()[-1:]
            if isinstance(name, list):
                name = name[0] if name else ""
            if name:
                by_name[base_name(name)] = int(uid)
        return validity, uidnext, by_name

    def _write_uidlist(self, box: Mailbox) -> None:
        lines = [f"3 V{box.uidvalidity} N{box.uidnext} G{box.uidvalidity:016x}{'0' * 16}"]
        for m in sorted(box.messages, key=lambda m: m.uid):
            lines.append(f"{m.uid} :{base_name(m.filename.rsplit('/', 1)[-1])}")
        atomic_write(self.path / UIDLIST, ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"),
                     world=self.world)

    def _read_keywords(self) -> list:
        try:
            text = (self.path / KEYWORDS).read_text(encoding="utf-8", errors="surrogateescape")
        except FileNotFoundError:
            return []
        found = {}
        for line in text.splitlines():
            num, _, word = line.partition(" ")
            if num.isdigit() and word and int(num) < 26:
                found[int(num)] = word
        return [found[i] for i in range(len(found)) if i in found]

    def _write_keywords(self, keywords: list) -> None:
        text = "".join(f"{i} {k}\n" for i, k in enumerate(keywords[:26]))
        atomic_write(self.path / KEYWORDS, text.encode("utf-8", "surrogateescape"), world=self.world)

    # -- reading
    def _body(self, rel: str) -> tuple[bytes, datetime, str]:
        """(body with LF endings, received date, envelope sender) of the file at rel."""
        p = self.path / rel
        st = p.stat()
        key = base_name(p.name)
        cached = self._bodies.get(key)
        if cached is None or cached[0] != st.st_size or cached[1] != st.st_mtime_ns:
            fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                data = os.read(fd, MAX_MESSAGE)
            finally:
                os.close(fd)
            if b"\r" in data:
                data = data.replace(b"\r\n", b"\n")
            head = data.split(b"\n\n", 1)[0]
            m = _RETURN_PATH.search(head)
            sender = m.group(1).decode("utf-8", "replace") if m and m.group(1) else "MAILER-DAEMON"
            cached = self._bodies[key] = (st.st_size, st.st_mtime_ns, data, sender)
        date = datetime.fromtimestamp(st.st_mtime, timezone.utc).replace(microsecond=0)
        return cached[2], date, cached[3]

    def load(self) -> Mailbox:
        sig = self._signature()
        if self._box is not None and sig == self._sig:
            return self._box
        self._ensure_dirs()
        validity, uidnext, by_name = self._read_uidlist()
        keywords = self._read_keywords()
        moved = False
        for name in sorted(os.listdir(self.path / "new")):
            if name.startswith("."):
                continue
            os.rename(self.path / "new" / name, self.path / "cur" / (base_name(name) + ":2,"))  # seen by a reader now
            moved = True
        files = sorted((n for n in os.listdir(self.path / "cur") if not n.startswith(".")), key=_order)
        fresh = not validity
        box = Mailbox(validity or new_uidvalidity(self.clock), max(uidnext, 1), keywords=list(keywords))
        msgs, new = [], []
        for name in files:
            try:
                body, date, sender = self._body("cur/" + name)
            except OSError:
                continue  # gone meanwhile (another reader renamed or expunged it)
            uid = by_name.get(base_name(name), 0)
            m = Message(uid, info_flags(name, keywords), body, sender, date, filename="cur/" + name)
            (msgs if uid else new).append(m)
        msgs.sort(key=lambda m: m.uid)
        if self._dirty and self._box is not None:  # flags changed in memory still count
            for m in msgs:
                if m.uid in self._dirty:
                    m.flags = frozenset(self._dirty[m.uid])
        box.messages = msgs
        self._recent_floor(box)  # before new messages get UIDs: they are the recent ones
        for m in new:
            m.uid, m.recent = box.uidnext, True
            box.uidnext += 1
            box.messages.append(m)
        _note_keywords(box, box.messages)
        self._box = box
        self._files = {m.uid: m.filename for m in box.messages}
        self.log, self.epoch = [], self.epoch + 1
        self.generation += 1
        if new or fresh or moved:
            self._write_uidlist(box)
        self._sig = self._signature()
        return box

    # -- writing
    def _new_name(self) -> str:
        global _sequence
        now = self._now()
        with _sequence_lock:
            _sequence += 1
            usec = (now.microsecond + _sequence) % 1000000
        return f"{int(now.timestamp())}.M{usec}P{os.getpid()}.{socket.gethostname().split('.')[0] or 'localhost'}"

    def _save(self, m: Message, keywords: list) -> str:
        """A message the store has not got on disk yet (APPEND, COPY): tmp/ then new/ or cur/."""
        data = m.body
        base = f"{self._new_name()},S={len(data)},W={m.size}"
        tmp = self.path / "tmp" / base
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        fd = os.open(tmp, flags | os.O_NOFOLLOW, 0o600) if self.world is None else \
            self.world.open(self._host("tmp/" + base), flags, 0o600, follow=False)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        stamp = m.internal_date.timestamp()
        os.utime(tmp, (stamp, stamp))
        flagged = any(f in FLAG_LETTERS.values() or not f.startswith("\\") for f in m.flags)
        rel = ("cur/" + base + info_part(m.flags, keywords)) if flagged else ("new/" + base)
        os.rename(tmp, self.path / rel)
        return rel

    def write(self, box: Mailbox) -> None:
        """Make the directory hold `box`: flags renamed into the names, removed messages
        unlinked, new ones saved; then dovecot-uidlist (and dovecot-keywords)."""
        self._ensure_dirs()
        _note_keywords(box, box.messages)
        if box.keywords != self._read_keywords():
            self._write_keywords(box.keywords)
        keep = {m.uid for m in box.messages}
        for uid, rel in list(self._files.items()):
            if uid not in keep:
                try:
                    os.unlink(self.path / rel)
                except FileNotFoundError:
                    pass
                self._files.pop(uid, None)
        for m in box.messages:
            rel = self._files.get(m.uid) or m.filename
            if not rel or not (self.path / rel).exists():
                rel = self._save(m, box.keywords)
            else:
                want = "cur/" + base_name(rel.split("/", 1)[1]) + info_part(m.flags, box.keywords)
                if want != rel:
                    os.rename(self.path / rel, self.path / want)
                    rel = want
            m.filename = rel
            self._files[m.uid] = rel
        self._write_uidlist(box)
        self._box = box
        self._dirty = {}
        self.generation += 1
        self._sig = self._signature()
