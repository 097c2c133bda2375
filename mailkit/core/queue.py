"""The mail queue on disk, in sendmail 8's file names and format.

A message is two files in the queue directory: `dfID` holds the body (LF line endings) and
`qfID` the control file (V8, T, K, N, P, I, M, F, $ macros, S, rRFC822;, R, H header lines
and a final "."). The order of writing is what makes a 250 reply safe:

  1. df and the control file (as `tfID`) written and synced (one syncfs for the batch);
  2. `tfID` renamed to `qfID`, then the directory fsync'ed.

Queue.commit() does this for a batch of messages at once (the SMTP server hands it every
message that finished DATA meanwhile), so they share the waits for the disk.

A crash before step 2 ends leaves no qf: the message was never acknowledged. After it, the
message is in the queue and the queue runner will deliver it (at worst twice, never zero
times). A qf is rewritten the same way (tf then rename); delivered messages lose qf first.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32

from .files import atomic_write, fsync_dir, sync_batch, write_all, write_at, write_file
from .world import World


@dataclass
class Envelope:
    sender: str  # "" for the null sender <>
    recipients: list[str]
    helo: str = "localhost"
    client_addr: str = "127.0.0.1"
    client_name: str = "localhost"
    protocol: str = "ESMTP"
    daemon: str = "MTA"
    body_type: str = ""  # MAIL's BODY= (8BITMIME, 7BIT): the qf's B line, passed on when relayed

    @property
    def relay(self) -> str:
        """sendmail's $_: "name [addr]" for a network client, "user@localhost" for one on
        this host (`sendmail -bs`, whose client_addr is empty)."""
        return f"{self.client_name} [{self.client_addr}]" if self.client_addr else self.client_name


@dataclass
class QueueEntry:
    qid: str
    sender: str
    recipients: list[str]  # still to be delivered
    orig_recipients: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    ctime: int = 0  # epoch seconds the message entered the queue
    last_attempt: int = 0
    tries: int = 0
    priority: int = 30000
    message: str = ""  # deferral reason (the M line)
    flags: str = ""
    macros: dict = field(default_factory=dict)
    body_size: int = 0
    inode: str = ""
    extra: list[str] = field(default_factory=list)  # lines mailkit keeps but does not use
    # the S line as written ("<alice@localhost>" from SMTP, "root" from the command line); mailq
    # shows it so; empty: "<sender>"
    sender_form: str = ""
    # recipient -> its C line (controlling user, "`:`rcpt" for root), written before its R line
    ctladdr: dict = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def ctime_dt(self) -> datetime:
        return datetime.fromtimestamp(self.ctime, timezone.utc)


def split_message(data: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Headers (name, unfolded-as-written value) and the body of an RFC 5322 message."""
    data = data.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    if not sep and not head.split(b"\n", 1)[0].count(b":"):
        return [], data  # no header block at all
    msg = BytesHeaderParser(policy=compat32).parsebytes(head + b"\n\n")
    headers = [(k, str(v)) for k, v in msg.items()]
    return headers, body


def message_id(when: datetime, qid: str, host: str) -> str:
    """The Message-Id sendmail adds to a message that has none: `<$t.$i@$j>` of sendmail.cf,
    the time as YYYYMMDDHHMM, the queue id of whoever adds it, the host's name."""
    return f"<{when.strftime('%Y%m%d%H%M')}.{qid}@{host}>"


def join_message(headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8", "surrogateescape")
    return head + b"\n" + body


def format_qf(e: QueueEntry) -> str:
    out = ["V8", f"T{e.ctime}", f"K{e.last_attempt}", f"N{e.tries}", f"P{e.priority}"]
    if e.inode:
        out.append(f"I{e.inode}")
    if e.message:
        out.append(f"M{e.message}")
    out.append(f"F{e.flags}")
    for name, value in e.macros.items():
        out.append(f"${name}{value}" if len(name) == 1 else f"${{{name}}}{value}")
    out.append(f"S{e.sender_form or '<' + e.sender + '>'}")
    out += e.extra
    for orig, rcpt in zip(e.orig_recipients or e.recipients, e.recipients):
        if rcpt in e.ctladdr:
            out.append(f"C{e.ctladdr[rcpt]}")
        out.append(f"rRFC822; {orig}")
        out.append(f"RPFD:{rcpt}")
    for name, value in e.headers:
        value = value.replace("\n", "\n\t") if "\n" in value and not value.split("\n", 1)[1].startswith(("\t", " ")) else value
        out.append(f"H??{name}: {value}")
    out.append(".")
    return "\n".join(out) + "\n"


@dataclass
class Staged:
    """A message between Queue.stage() and Queue.commit(): its entry and its body (the df).

    For a message received by Incoming, `body_fd` is its df file, already holding what was
    spilled while it arrived; `body` is then the rest, appended at commit."""
    entry: QueueEntry
    body: bytes
    envelope: Envelope
    body_fd: int | None = None
    spilled: bool = False  # its df was written while it arrived (body_fd taken by commit)


class QueueFileError(ValueError):
    """A qf that cannot be read as sendmail's format (sendmail renames such a file to Qf)."""


def parse_qf(qid: str, text: str) -> QueueEntry:
    try:
        e = _parse_qf(qid, text)
    except (ValueError, IndexError) as err:
        raise QueueFileError(f"qf{qid}: bogus queue file: {err}") from None
    if not text.startswith("V") or not any(line.startswith("S") for line in text.split("\n")):
        raise QueueFileError(f"qf{qid}: bogus queue file: no V or S line")
    return e


def _parse_qf(qid: str, text: str) -> QueueEntry:
    e = QueueEntry(qid, "", [])
    lines = text.split("\n")
    i = 0
    pending_orig = pending_ctl = None
    while i < len(lines):
        line = lines[i]
        # continuation lines of a header start with whitespace
        while i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t"):
            i += 1
            line += "\n" + lines[i]
        i += 1
        if not line or line == ".":
            continue
        op, rest = line[0], line[1:]
        if op == "T":
            e.ctime = int(rest)
        elif op == "K":
            e.last_attempt = int(rest)
        elif op == "N":
            e.tries = int(rest)
        elif op == "P":
            e.priority = int(rest)
        elif op == "I":
            e.inode = rest
        elif op == "M":
            e.message = rest
        elif op == "F":
            e.flags = rest
        elif op == "$":
            if rest.startswith("{"):
                name, _, value = rest[1:].partition("}")
            else:
                name, value = rest[:1], rest[1:]
            e.macros[name] = value
        elif op == "S":
            e.sender = rest.strip("<>")
            e.sender_form = rest
        elif op == "C":
            pending_ctl = rest
        elif op == "r":
            pending_orig = rest.split(";", 1)[-1].strip()
        elif op == "R":
            addr = rest.split(":", 1)[1] if ":" in rest else rest
            e.recipients.append(addr)
            e.orig_recipients.append(pending_orig or addr)
            if pending_ctl is not None:
                e.ctladdr[addr] = pending_ctl
            pending_orig = pending_ctl = None
        elif op == "H":
            body = rest
            if body.startswith("?"):
                body = body[body.index("?", 1) + 1 :]
            name, _, value = body.partition(":")
            e.headers.append((name, value.lstrip(" ")))
        elif op != "V":
            e.extra.append(line)
    return e


# sendmail's initial priority: e_msgsize - class * ClassFactor + nrcpts * RecipientFactor
# (class 0 for normal mail, RecipientFactor 30000); a larger number runs later.
RECIPIENT_FACTOR = 30000


def message_priority(size: int, nrcpts: int) -> int:
    return size + RECIPIENT_FACTOR * max(1, nrcpts)


class Queue:
    """One queue directory (host path like /var/spool/mqueue) of a world."""

    def __init__(self, world: World, queue_dir: str):
        self.world = world
        self.queue_dir = queue_dir
        self.dir = world.path(queue_dir)

    def stage(self, envelope: Envelope, data: bytes, clock, qid: str | None = None,
              extra_headers: list[tuple[str, str]] = (), msgsize: int | None = None) -> Staged:
        """The queue entry of a message, built in memory; nothing is on disk until commit().
        msgsize: the size sendmail's priority counts when it differs from data's (the MSP
        counts the message as it was read, before it added Date: and Message-Id:)."""
        headers, body = split_message(data)
        size = len(data) - data.count(b"\r\n") if msgsize is None else msgsize
        entry = self._entry(envelope, clock, qid, list(extra_headers) + headers,
                            size, len(body), not body.isascii())
        return Staged(entry, body, envelope)

    def stage_incoming(self, envelope: Envelope, incoming: "Incoming", clock,
                       extra_headers: list[tuple[str, str]] = ()) -> Staged:
        """The entry of a message Incoming received; its df (if spilled) goes with it to commit()."""
        entry = self._entry(envelope, clock, incoming.qid, list(extra_headers) + incoming.headers(),
                            incoming.message_size, incoming.body_size, incoming.has8bit)
        body, fd = incoming.hand_over()
        return Staged(entry, body, envelope, body_fd=fd, spilled=fd is not None)

    def _entry(self, envelope, clock, qid, headers, size, body_size, has8bit) -> QueueEntry:
        return QueueEntry(
            qid=qid or clock.queue_id(), sender=envelope.sender, recipients=list(envelope.recipients),
            orig_recipients=list(envelope.recipients), headers=headers,
            ctime=int(clock.now().timestamp()),
            priority=message_priority(size, len(envelope.recipients)),
            flags="8" if has8bit else "",  # EF_HAS8BIT
            macros={"_": envelope.relay, "r": envelope.protocol,
                    "s": envelope.helo, "daemon_flags": "" if envelope.client_addr else "c u"},
            body_size=body_size,
            extra=[f"B{envelope.body_type}"] if envelope.body_type else [],
        )

    def commit(self, batch: list[Staged]) -> None:
        """Put staged messages on disk for good: every df and tf written, all of them synced,
        each tf renamed to its qf, then one directory fsync for the whole batch.

        Several messages share the syncs (a group commit); none is in the queue until the
        directory fsync has returned, so a 250 sent after commit() is safe for each of them.
        """
        dfd = self._open_dir()
        try:
            self._write_batch(dfd, batch)
            for s in batch:
                os.replace(f"tf{s.entry.qid}", f"qf{s.entry.qid}", src_dir_fd=dfd, dst_dir_fd=dfd)
            os.fsync(dfd)
        finally:
            os.close(dfd)

    def _open_dir(self) -> int:
        """The queue directory, opened once for a whole batch (checked at this open)."""
        try:
            return self.world.open_dir(self.queue_dir)
        except FileNotFoundError:
            self.world.makedirs(self.queue_dir, 0o700)
            return self.world.open_dir(self.queue_dir)

    def _write_batch(self, dfd: int, batch: list[Staged]) -> None:
        """Every df and tf of the batch written into the directory `dfd`, then all synced."""
        fds = []
        try:
            for s in batch:
                # df needs no rename: without its qf nobody reads it.
                if s.spilled:  # written while it arrived: append the rest
                    if s.body_fd is None:
                        raise OSError(f"df{s.entry.qid}: a failed commit cannot be tried again")
                    fd, s.body_fd = s.body_fd, None
                    fds.append(fd)
                    write_all(fd, s.body)
                else:
                    fd = write_at(dfd, f"df{s.entry.qid}", s.body)
                    fds.append(fd)
                st = os.fstat(fd)
                s.entry.inode = f"{os.major(st.st_dev)}/{os.minor(st.st_dev)}/{st.st_ino}"
                qf = format_qf(s.entry).encode("utf-8", "surrogateescape")
                fds.append(write_at(dfd, f"tf{s.entry.qid}", qf))
            sync_batch(fds)
        finally:
            for fd in fds:
                os.close(fd)

    def enqueue(self, envelope: Envelope, data: bytes, clock, qid: str | None = None,
                extra_headers: list[tuple[str, str]] = (), msgsize: int | None = None,
                sender_form: str = "", ctladdr: dict | None = None) -> QueueEntry:
        staged = self.stage(envelope, data, clock, qid=qid, extra_headers=extra_headers, msgsize=msgsize)
        staged.entry.sender_form = sender_form
        staged.entry.ctladdr = dict(ctladdr or {})
        self.commit([staged])
        return staged.entry

    def ids(self) -> list[str]:
        if not self.dir.exists():
            return []
        return sorted(p.name[2:] for p in self.dir.iterdir() if p.name.startswith("qf"))

    def load(self, qid: str) -> QueueEntry:
        text = (self.dir / f"qf{qid}").read_text(encoding="utf-8", errors="surrogateescape")
        e = parse_qf(qid, text)
        df = self.dir / f"df{qid}"
        e.body_size = df.stat().st_size if df.exists() else 0
        return e

    def entries(self) -> list[QueueEntry]:
        out = []
        for qid in self.ids():
            try:
                out.append(self.load(qid))
            except FileNotFoundError:
                continue  # delivered while we listed
            except QueueFileError:
                continue  # not a message mailq can show; the runner sets it aside as Qf
        out.sort(key=lambda e: (e.ctime, e.qid))
        return out

    def body(self, qid: str) -> bytes:
        return (self.dir / f"df{qid}").read_bytes()

    def message(self, entry: QueueEntry) -> bytes:
        return join_message(entry.headers, self.body(entry.qid))

    def update(self, entry: QueueEntry) -> None:
        atomic_write(self.dir / f"qf{entry.qid}", format_qf(entry).encode("utf-8", "surrogateescape"),
                     tmp_name=f"tf{entry.qid}", world=self.world)

    def set_aside(self, qid: str) -> str:
        """A bogus qf becomes Qf (sendmail's name): kept for the administrator, never run."""
        os.replace(self.dir / f"qf{qid}", self.dir / f"Qf{qid}")
        fsync_dir(self.dir)
        return f"Qf{qid}"

    def remove(self, qid: str) -> None:
        # qf first: without a control file the df is an orphan nobody delivers again.
        # No directory fsync: if a crash forgets the unlink, the message is delivered twice,
        # never lost (the queue's guarantee is at-least-once). mailkit writes no xf
        # transcript files, so there is none to remove.
        for prefix in ("qf", "df"):
            try:
                os.unlink(self.dir / f"{prefix}{qid}")
            except FileNotFoundError:
                pass


def parse_header_block(head: bytes) -> list[tuple[str, str]]:
    """(name, value) of each field, as the email package's compat32 gives them (value without
    the blanks after the colon, continuation lines kept), but lines end at LF only: a bare CR
    stays inside its field, as in sendmail, instead of ending the header block. NULs are
    dropped, as sendmail's collect() drops them from headers."""
    fields: list[list[str]] = []
    for line in head.replace(b"\0", b"").decode("ascii", "surrogateescape").split("\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1].append("\n" + line)
        elif ":" in line:
            name, _, value = line.partition(":")
            fields.append([name, value.lstrip(" \t")])
    return [(f[0], "".join(f[1:]).rstrip("\r\n")) for f in fields]


MAX_HEADERS_LENGTH = 32768  # sendmail's MaxHeadersLength default (32 KB)
SPILL_AT = 256 * 1024  # a body larger than this goes to its df file while it arrives
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:")


class Incoming:
    """A message while the SMTP server receives it, as sendmail's collect() reads it.

    feed() takes the text after dot-unstuffing (CRLF line ends as sent). The header block
    stays in memory, at most MAX_HEADERS_LENGTH bytes (more: `headers_too_large`, sendmail's
    "552 5.6.0 Headers too large (32768 max)"); it ends at the blank line or at the first line
    that is not a header field, which then begins the body. The body is kept in memory while
    small; past SPILL_AT, flush() (blocking: the server calls it off its event loop) writes
    what has arrived to dfID, so a message of any size costs a few hundred KB of memory. Past
    `max_size` (MaxMessageSize) nothing more is kept (`too_big`), but the size is still counted.
    A message that is not committed is removed with discard().
    """

    def __init__(self, queue: Queue, qid: str, max_size: int = 0, max_headers: int = MAX_HEADERS_LENGTH):
        self.queue, self.qid, self.max_size, self.max_headers = queue, qid, max_size, max_headers
        self.size = 0  # what sendmail compares with MaxMessageSize: unstuffed, CRLF as sent
        self.head = bytearray()  # the header lines, LF line ends
        self.separated = False  # a blank line ended the header block
        self.in_head = True
        self.headers_too_large = self.too_big = False
        self.write_error: OSError | None = None  # set by the server when flush() failed
        self.body_size = 0
        self.has8bit = False
        self._line = bytearray()  # header block: the line not yet ended
        self._parts: list[bytes] = []
        self.pending = 0  # body bytes in memory, not yet in the df
        self._fd: int | None = None
        self._created = False
        # flush() runs in a worker thread; a session cancelled meanwhile discards on the loop
        self._lock = threading.Lock()
        self._discarded = False

    @property
    def refused(self) -> bool:
        return self.too_big or self.headers_too_large or self.write_error is not None

    @property
    def needs_flush(self) -> bool:
        return self.pending >= SPILL_AT

    @property
    def message_size(self) -> int:
        return len(self.head) + len(self._line) + (1 if self.separated else 0) + self.body_size

    def feed(self, wire: bytes) -> None:
        self.size += len(wire)
        if self.refused:
            return
        if self.max_size and self.size > self.max_size:
            self.too_big = True
            self._drop()
            return
        data = wire.replace(b"\r\n", b"\n")
        if self.in_head:
            data = self._feed_head(data)
        if data and not self.refused:
            self.body_size += len(data)
            self.has8bit = self.has8bit or not data.isascii()
            self._parts.append(data)
            self.pending += len(data)

    def _feed_head(self, data: bytes) -> bytes:
        pos = 0
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl < 0:
                self._line += data[pos:]
                self._check_head_size()
                return b""
            self._line += data[pos:nl + 1]
            line = bytes(self._line)
            self._line.clear()
            pos = nl + 1
            if line == b"\n":
                self.in_head, self.separated = False, True
                return data[pos:]
            if _HEADER_LINE.match(line) or (line[:1] in (b" ", b"\t") and self.head):
                self.head += line
                self._check_head_size()
                if self.refused:
                    return b""
                continue
            self.in_head = False  # not a header field: the body begins with this line
            return line + data[pos:]
        return b""

    def _check_head_size(self) -> None:
        if len(self.head) + len(self._line) > self.max_headers:
            self.headers_too_large = True
            self._drop()

    def headers(self) -> list[tuple[str, str]]:
        return parse_header_block(bytes(self.head + self._line))

    def flush(self) -> None:
        """Write the body received so far to dfID (blocking: call it off the event loop)."""
        with self._lock:
            if not self._parts or self._discarded:
                return
            data = b"".join(self._parts)
            self._parts, self.pending = [], 0
            if self._fd is None:
                # checked at the open from the world's root, as every queue write (core/files.py)
                self._fd = write_file(self.queue.dir / f"df{self.qid}", b"", world=self.queue.world)
                self._created = True
            write_all(self._fd, data)

    def hand_over(self) -> tuple[bytes, int | None]:
        """(body still in memory, the df's fd or None): commit() owns both from here."""
        with self._lock:
            body = b"".join(self._parts)
            fd, self._fd, self._parts, self.pending = self._fd, None, [], 0
            self._created = False
            return body, fd

    def _drop(self) -> None:
        self._parts, self.pending = [], 0
        self.head.clear()
        self._line.clear()

    def discard(self) -> None:
        """Nothing of this message stays: the memory and the df file go (a no-op for a
        message handed to commit())."""
        with self._lock:
            self._discarded = True
            self._drop()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            if self._created:
                self._created = False
                try:
                    os.unlink(self.queue.dir / f"df{self.qid}")
                except FileNotFoundError:
                    pass


# The module-level API of docs/architecture.md, for callers that hold no Queue object.

def enqueue(world: World, queue_dir: str, envelope: Envelope, data: bytes, clock,
            extra_headers: list[tuple[str, str]] = ()) -> str:
    """Write df then qf (both fsync'ed, qf renamed from tf, directory fsync'ed); the queue id."""
    return Queue(world, queue_dir).enqueue(envelope, data, clock, extra_headers=extra_headers).qid


def list_queue(world: World, queue_dir: str) -> list[QueueEntry]:
    return Queue(world, queue_dir).entries()


def load(world: World, queue_dir: str, qid: str) -> QueueEntry:
    return Queue(world, queue_dir).load(qid)


def remove(world: World, queue_dir: str, qid: str) -> None:
    Queue(world, queue_dir).remove(qid)


def defer(world: World, queue_dir: str, qid: str, reason: str, clock) -> QueueEntry:
    """Record one more failed attempt (M, N, K lines), rewriting the qf atomically."""
    q = Queue(world, queue_dir)
    entry = q.load(qid)
    entry.message = reason
    entry.tries += 1
    entry.priority += 90000  # O RetryFactor, as each run of the job adds it
    entry.last_attempt = int(clock.now().timestamp())
    q.update(entry)
    return entry
