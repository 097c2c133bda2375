"""A message to deliver, read in chunks: the queued header lines, then the df file's body.

Local delivery never holds a whole message: the mbox entry (From_ line, Return-Path, the header,
the body with "From " lines quoted, a blank line) is made chunk by chunk (`mbox_chunks`), as
sendmail's putbody() copies the df in buffer-sized pieces. The text is the same as one pass of
the old in-memory rules over the whole message: CRLF becomes LF, the header is what comes
before the first empty line, and in the body every line matching `^>*From ` gets one more ">".
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterator

CHUNK = 64 * 1024  # what is read from the df, and written to the mailbox, at a time

Chunks = Callable[[int], Iterator[bytes]]  # chunk_size -> the body's bytes, in order


class Message:
    """`lead` (bytes in memory: the header lines and the blank line of a queued message, or a
    whole small message) followed by `body(chunk_size)` (the df's bytes), `body_size` long."""

    def __init__(self, lead: bytes, body: Chunks | None = None, body_size: int = 0,
                 close: Callable[[], None] | None = None):
        self.lead, self._body, self.body_size, self._close = lead, body, body_size, close
        self._head: bytes | None = None

    @classmethod
    def from_bytes(cls, data: bytes) -> "Message":
        return cls(bytes(data))

    @classmethod
    def from_fd(cls, lead: bytes, fd: int) -> "Message":
        """The body read from `fd` (owned: closed by close()) with pread, so every delivery of
        the message (one per recipient) reads it from the start."""

        def chunks(size: int) -> Iterator[bytes]:
            offset = 0
            while True:
                data = os.pread(fd, size, offset)
                if not data:
                    return
                offset += len(data)
                yield data

        return cls(lead, chunks, os.fstat(fd).st_size, lambda: os.close(fd))

    @property
    def size(self) -> int:
        return len(self.lead) + self.body_size

    def close(self) -> None:
        if self._close:
            self._close, close = None, self._close
            close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def raw_chunks(self, chunk_size: int = CHUNK) -> Iterator[bytes]:
        """The message's bytes as stored (line ends as they are)."""
        for i in range(0, len(self.lead), chunk_size):
            yield self.lead[i:i + chunk_size]
        if self._body is not None:
            yield from self._body(chunk_size)

    def tobytes(self) -> bytes:
        """The whole message in memory: only for small messages (tests, the sendmail command)."""
        return b"".join(self.raw_chunks())

    def split(self, chunk_size: int = CHUNK) -> tuple[bytes, Iterator[bytes]]:
        """The header (LF line ends, without the empty line) and the rest, LF line ends."""
        return split_head(lf_chunks(self.raw_chunks(chunk_size)))

    def head(self) -> bytes:
        if self._head is None:
            self._head, rest = self.split()
            close = getattr(rest, "close", None)
            if close:
                close()
        return self._head

    def body_prefix(self, limit: int) -> bytes:
        """The first `limit` bytes of the body (LF line ends)."""
        _, rest = self.split()
        out = bytearray()
        for chunk in rest:
            out += chunk[:limit - len(out)]
            if len(out) >= limit:
                break
        return bytes(out)

    def with_head(self, head: bytes) -> "Message":
        """The same body under another header (`head` as head() gives it: LF line ends, no
        blank line): the message as a mailer that rewrote its address fields sends it."""
        if self._body is not None and self.lead == self.head() + b"\n\n":
            # a queued message: the header in memory, the body all in the df, read as it was
            return Message(head + b"\n\n", self._body, self.body_size)
        return Message(head + b"\n\n", lambda size: self.split(size)[1],
                       max(0, self.size - len(self.head()) - 2))

    def body_only(self) -> "Message":
        """The body alone (LF line ends) as a message of its own (procmail's `b` flag)."""
        return Message(b"", lambda size: self.split(size)[1], self.body_size)


def lf_chunks(chunks) -> Iterator[bytes]:
    """CRLF -> LF over a chunked stream (a CR ending a chunk waits for the next one)."""
    cr = False
    for chunk in chunks:
        if not chunk:
            continue
        if cr:
            chunk = b"\r" + chunk
        cr = chunk.endswith(b"\r")
        if cr:
            chunk = chunk[:-1]
        if chunk:
            yield chunk.replace(b"\r\n", b"\n")
    if cr:
        yield b"\r"


def split_head(chunks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """What comes before the first empty line, and an iterator over what follows it."""
    chunks = iter(chunks)
    buf = b""
    for chunk in chunks:
        start = max(0, len(buf) - 1)
        buf += chunk
        i = buf.find(b"\n\n", start)
        if i >= 0:
            return buf[:i], _chain(buf[i + 2:], chunks)
    return buf, iter(())


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


_FROM_LINE = re.compile(rb"(?m)^(>*From )")
_GTS = re.compile(rb">*")
FROM_ = b"From "


class FromQuoter:
    """mbox quoting of a body fed in chunks: ">" before every line matching `>*From `. A line
    start that cannot be decided yet is kept as a count of ">" and at most 4 bytes of "From"."""

    def __init__(self):
        self.midline = False  # inside a line whose start is decided
        self.gts = 0  # undecided line start: this many ">" ...
        self.frm = b""  # ... then this much of "From "
        self.last = b""  # the last byte given out (the final-newline rule)

    def _prefix(self) -> list[bytes]:
        out = [b">" * n for n in _pieces(self.gts)] + ([self.frm] if self.frm else [])
        self.gts, self.frm = 0, b""
        return out

    def feed(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        pos, n = 0, len(data)
        while pos < n:
            if self.midline:
                nl = data.find(b"\n", pos)
                if nl < 0:
                    out.append(data[pos:])
                    break
                out.append(data[pos:nl + 1])
                pos, self.midline = nl + 1, False
                last = data.rfind(b"\n", pos)
                if last >= pos:  # whole lines: one regular expression, as before
                    out.append(_FROM_LINE.sub(rb">\1", data[pos:last + 1]))
                    pos = last + 1
                continue
            if not self.frm:
                end = _GTS.match(data, pos).end()
                self.gts += end - pos
                pos = end
                if pos == n:
                    break
            need = FROM_[len(self.frm):]
            piece = data[pos:pos + len(need)]
            if piece == need:
                out += [b">", *self._prefix(), need]
                pos += len(need)
                self.midline = True
            elif need.startswith(piece):  # the chunk ends inside "From "
                self.frm += piece
                pos = n
            else:
                out += self._prefix()
                self.midline = True
        out = [o for o in out if o]
        if out:
            self.last = out[-1][-1:]
        return out

    def close(self) -> list[bytes]:
        """The undecided rest, then the newline a body needs at its end, and the blank line."""
        out = [o for o in self._prefix() if o]
        if out:
            self.last = out[-1][-1:]
        if self.last != b"\n":
            out.append(b"\n")
        out.append(b"\n")
        return out


def _pieces(n: int, size: int = CHUNK) -> Iterator[int]:
    while n > 0:
        yield min(n, size)
        n -= size


def from_line(sender: str, when) -> bytes:
    return f"From {sender or 'MAILER-DAEMON'} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()


def mbox_chunks(message: Message, sender: str, when, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The mbox entry of `message`, in pieces of about `chunk_size` bytes."""
    head, rest = message.split(chunk_size)
    if not head.lower().startswith(b"return-path:"):
        head = f"Return-Path: <{sender}>\n".encode() + head
    yield from_line(sender, when) + head + b"\n\n"
    quoter = FromQuoter()
    pending: list[bytes] = []
    size = 0
    for chunk in rest:
        for piece in quoter.feed(chunk):
            pending.append(piece)
            size += len(piece)
        if size >= chunk_size:
            yield b"".join(pending)
            pending, size = [], 0
    pending += quoter.close()
    yield b"".join(pending)


def as_message(message) -> Message:
    return message if isinstance(message, Message) else Message.from_bytes(message)


def mbox_entry(message, sender: str, when) -> bytes:
    """The whole mbox entry in memory (small messages: the sendmail command, tests)."""
    return b"".join(mbox_chunks(as_message(message), sender, when))
