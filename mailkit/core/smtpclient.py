"""One SMTP client connection, read and written with limits (the wire side of the esmtp mailer).

The peer is another mail host of the network, and still untrusted: a reply line is cut at
sendmail's MAXLINE (2048 bytes), a reply has at most MAX_REPLY_LINES lines, and every reply
must be complete within its timeout (a deadline for the whole reply, not per read), so a peer
that sends slowly, endlessly or nothing at all costs a bounded time and memory. What it sends
is kept as printable ASCII (other bytes become "?"), so it reaches logs and DSNs harmlessly.

Only `open_connection` makes a socket, and only to an endpoint core/network.py gave.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

MAX_REPLY_LINE = 2048  # sendmail's MAXLINE: the rest of a longer line is read and dropped
MAX_REPLY_LINES = 100  # lines of one (multi-line) reply
SEND_CHUNK = 64 * 1024
_UNPRINTABLE = re.compile(rb"[^\x20-\x7e\t]")
_ENHANCED = re.compile(r"[245]\.\d{1,3}\.\d{1,3}(?= |$)")


class SmtpTrouble(Exception):
    """The connection failed: `kind` is "timeout", "reset", "closed" or "protocol"."""

    def __init__(self, kind: str, text: str = ""):
        super().__init__(text or kind)
        self.kind = kind


@dataclass(frozen=True)
class Reply:
    code: int
    lines: tuple  # the text of each line, code included ("250-PIPELINING", "250 HELP")

    @property
    def last(self) -> str:
        """The last line, what sendmail keeps of a reply (SmtpReplyBuffer): "550 5.7.1 ..."."""
        return self.lines[-1]

    @property
    def enhanced(self) -> str | None:
        m = _ENHANCED.match(self.last[4:])
        return m.group() if m else None

    @property
    def message(self) -> str:
        """The last line without its code and enhanced code ("ID Message accepted for delivery")."""
        text = self.last[4:]
        code = self.enhanced
        return text[len(code) + 1:] if code else text


def open_connection(endpoint: tuple[str, int], source: str, timeout: float) -> socket.socket:
    """A TCP connection to `endpoint` from the address `source`; OSError as connect(2) fails
    (ConnectionRefusedError, socket.timeout...)."""
    return socket.create_connection(endpoint, timeout=timeout, source_address=(source, 0))


class Connection:
    """The client end of one SMTP session. `log` receives every line as `sendmail -v` shows
    it: ">>> COMMAND" for what was sent, the reply lines as they came."""

    def __init__(self, sock: socket.socket, log: list[str] | None = None):
        self.sock = sock
        self.buf = b""
        self.log = log if log is not None else []

    def send(self, *lines: str, timeout: float) -> None:
        """Commands, written at once (pipelined when there are several)."""
        data = "".join(f"{ln}\r\n" for ln in lines).encode("ascii", "replace")
        self.log += [f">>> {ln}" for ln in lines]
        self._sendall(data, timeout)

    def send_data(self, chunks, timeout: float) -> None:
        """The message: `chunks` are its bytes with LF line ends; sent with CRLF, a leading dot
        doubled, and the final ".". `timeout` bounds each write (sendmail's Timeout.datablock)."""
        at_start, pending = True, bytearray()
        for chunk in chunks:
            if not chunk:
                continue
            lines = chunk.split(b"\n")
            out = bytearray()
            for i, line in enumerate(lines):
                if (at_start or i) and line.startswith(b"."):
                    out += b"."
                out += line
                if i < len(lines) - 1:
                    out += b"\r\n"
            at_start = chunk.endswith(b"\n")
            pending += out
            if len(pending) >= SEND_CHUNK:
                self._sendall(bytes(pending), timeout)
                pending.clear()
        if not at_start:
            pending += b"\r\n"
        pending += b".\r\n"
        self._sendall(bytes(pending), timeout)
        self.log.append(">>> .")

    def _sendall(self, data: bytes, timeout: float) -> None:
        try:
            self.sock.settimeout(timeout)
            self.sock.sendall(data)
        except socket.timeout:
            raise SmtpTrouble("timeout") from None
        except OSError as e:
            raise SmtpTrouble("reset", e.strerror or str(e)) from None

    def reply(self, timeout: float) -> Reply:
        """The next reply, all of it within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while True:
            raw = self._line(deadline)
            text = _UNPRINTABLE.sub(b"?", raw).decode("ascii")
            if len(text) < 3 or not text[:3].isdigit() or text[3:4] not in ("", " ", "-"):
                raise SmtpTrouble("protocol", text)
            lines.append(text)
            if text[3:4] != "-":
                self.log += lines
                return Reply(int(text[:3]), tuple(lines))
            if len(lines) >= MAX_REPLY_LINES:
                raise SmtpTrouble("protocol", "reply too long")

    def _line(self, deadline: float) -> bytes:
        """One line without its end; bytes past MAX_REPLY_LINE are read and dropped."""
        head = None  # the kept start of an over-long line whose end is still to come
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 1:]
                return (head if head is not None else line[:MAX_REPLY_LINE]).rstrip(b"\r")
            if head is None and len(self.buf) > MAX_REPLY_LINE:
                head = self.buf[:MAX_REPLY_LINE]
            if head is not None:
                self.buf = b""
            self.buf += self._recv(deadline)

    def _recv(self, deadline: float) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SmtpTrouble("timeout")
        try:
            self.sock.settimeout(left)
            data = self.sock.recv(8192)
        except socket.timeout:
            raise SmtpTrouble("timeout") from None
        except OSError as e:
            raise SmtpTrouble("reset", e.strerror or str(e)) from None
        if not data:
            raise SmtpTrouble("closed")
        return data

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
