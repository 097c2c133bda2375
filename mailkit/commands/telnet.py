"""`telnet localhost 25` with the session typed in advance: the dialogue engine of `%%telnet`.

The lines are sent one at a time, as a person types them: after each one the engine waits for
the server's whole reply where the protocol gives one (SMTP: every command, and the "." that
ends DATA; POP3: every command, multi-line replies up to "."; IMAP: up to the tagged reply),
so the transcript reads exactly like a terminal. Inside SMTP DATA nothing is awaited and blank
lines are sent; elsewhere blank lines are skipped.

`converse()` returns the whole exchange as data (`TelnetRun`): the lines `(who, text)` for a
dialogue view and the terminal transcript. The `telnet` command prints the transcript.
"""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass, field

from ..core.hosts import address_of
from ..servers import network as netreach
from .base import Host, Result, command

SERVICE_NAMES = {"smtp": 25, "submission": 587, "pop3": 110, "imap": 143, "imap2": 143, "telnet": 23}
PROTOCOLS = {25: "smtp", 587: "smtp", 110: "pop3", 143: "imap"}
LOCAL_NAMES = ("localhost", "localhost.localdomain", "localhost4", "127.0.0.1")
POP3_MULTILINE = ("RETR", "TOP", "CAPA")  # LIST and UIDL too, when given no argument
REPLY_TIMEOUT = 5.0


@dataclass
class TelnetRun:
    service: str  # "smtp", "pop3", "imap" or "" for another port
    hostname: str
    port: int
    lines: list = field(default_factory=list)  # (who, text): who is "server" or "client"
    transcript: list = field(default_factory=list)  # every line as the terminal shows it
    err: str = ""  # telnet's own complaints (name not known, connection refused)
    code: int = 0
    closed_by_server: bool = False

    @property
    def text(self) -> str:
        return "".join(x + "\n" for x in self.transcript)


EOF = object()  # readline's answer when the server has closed (an empty line is "")


class _Conn:
    """A socket read line by line with a deadline."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf, self.eof = sock, b"", False

    def send(self, line: str) -> None:
        self.sock.sendall(line.encode("utf-8", "surrogateescape") + b"\r\n")

    def _fill(self, deadline: float) -> bool:
        left = deadline - time.monotonic()
        if left <= 0 or self.eof:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except OSError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def readline(self, timeout: float) -> str | None:
        """The next line without its CRLF; None on timeout, EOF at end of stream."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if not self._fill(deadline):
                if self.eof:
                    if self.buf:  # a last line without newline
                        line, self.buf = self.buf, b""
                        return line.decode("utf-8", "replace")
                    return EOF
                return None
        raw, self.buf = self.buf.split(b"\n", 1)
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    def read_bytes(self, n: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self.buf) < n and self._fill(deadline):
            pass
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def _resolve(host: Host, name: str) -> str | None:
    """The IPv4 address of `name` on this host: loopback names, or the world's /etc/hosts."""
    if name in LOCAL_NAMES:
        return "127.0.0.1"
    if re.fullmatch(r"127\.\d+\.\d+\.\d+", name):
        return name
    return address_of(host.world, name)


def _target(host: Host, ip: str, port: int) -> tuple[str, int] | None:
    """The real address serving `port` for a client of `ip`, or None when nothing listens."""
    rt = host.runtime
    ports = getattr(rt, "ports", None) or {}
    if port not in ports:
        return None
    if port == 25 and hasattr(rt, "running") and not rt.running and not (hasattr(rt, "is_active") and rt.is_active("postfix")):
        return None
    addr, real = ports[port]
    if addr in ("0.0.0.0", ""):
        return ip, real
    return (addr, real) if addr == ip else None


class _Session:
    def __init__(self, run: TelnetRun, conn: _Conn, timeout: float):
        self.run, self.conn, self.timeout = run, conn, timeout
        self.closed = False

    def server(self, text: str) -> None:
        self.run.lines.append(("server", text))
        self.run.transcript.append(text)

    def client(self, text: str) -> None:
        self.run.lines.append(("client", text))
        self.run.transcript.append(text)
        try:
            self.conn.send(text)
        except OSError:
            self.closed = True

    def line(self, timeout: float | None = None) -> str | None:
        got = self.conn.readline(self.timeout if timeout is None else timeout)
        if got is EOF:
            self.closed = True
            return None
        if got is not None:
            self.server(got)
            m = re.search(r"\{(\d+)\}$", got)
            if m and self.run.service == "imap":  # an IMAP literal: its bytes belong to this reply
                data = self.conn.read_bytes(int(m.group(1)), self.timeout).decode("utf-8", "replace")
                parts = data.split("\n")
                for p in parts[:-1]:
                    self.server(p.rstrip("\r"))
                if parts[-1]:
                    rest = self.conn.readline(self.timeout)
                    rest = rest if rest not in (None, EOF) else ""
                    self.server(parts[-1] + rest)
        return got

    def smtp_reply(self) -> str | None:
        while True:
            got = self.line()
            if got is None:
                return None
            if not re.match(r"\d{3}-", got):
                return got

    def drain(self, quiet: float = 0.3) -> None:
        """Whatever else the server says in a moment (a port mailkit has no protocol for)."""
        while not self.closed and self.line(quiet) is not None:
            pass

    def wait_close(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not self.closed and time.monotonic() < deadline:
            self.line(max(0.01, deadline - time.monotonic()))


def _smtp(s: _Session, typed: list[str]) -> None:
    reply = s.smtp_reply()  # the 220 greeting
    if reply and reply.startswith("421"):
        s.wait_close()
    in_data = False
    for text in typed:
        if s.closed:
            return
        if not in_data and not text.strip():
            continue
        s.client(text)
        if in_data:
            if text == ".":
                in_data = False
                s.smtp_reply()
            continue
        reply = s.smtp_reply()
        if reply is None:
            continue
        if reply.startswith("354"):
            in_data = True
        if text.strip().upper() == "QUIT" or reply.startswith("421"):
            s.wait_close()


def _pop3(s: _Session, typed: list[str]) -> None:
    s.line()  # +OK greeting
    for text in typed:
        if s.closed:
            return
        if not text.strip():
            continue
        s.client(text)
        words = text.split()
        verb = words[0].upper()
        first = s.line()
        if first is None:
            continue
        multi = verb in POP3_MULTILINE or (verb in ("LIST", "UIDL") and len(words) == 1)
        if first.startswith("+OK") and multi:
            while not s.closed:
                got = s.line()
                if got is None or got == ".":
                    break
        if verb == "QUIT":
            s.wait_close()


def _imap(s: _Session, typed: list[str]) -> None:
    s.line()  # * OK greeting
    waiting_tag = None  # a command whose literal the next line supplies
    for text in typed:
        if s.closed:
            return
        if not text.strip() and waiting_tag is None:
            continue
        s.client(text)
        words = text.split()
        tag = waiting_tag or (words[0] if words else "")
        waiting_tag = None
        got = None
        if re.search(r"\{\d+\}$", text):  # the server says "+" before the literal is sent
            while not s.closed:
                got = s.line()
                if got is None or got.startswith("+") or got.startswith(tag + " "):
                    break
            if got is not None and got.startswith("+"):
                waiting_tag = tag
            continue
        if len(words) < 2 and tag.upper() != "DONE":
            s.drain()
            continue
        while not s.closed:
            got = s.line()
            if got is None or got.startswith(tag + " "):
                break
        if len(words) >= 2 and words[1].upper() == "LOGOUT":
            s.wait_close()


def converse(host: Host, hostname: str, port: int, typed: list[str], timeout: float = REPLY_TIMEOUT) -> TelnetRun:
    """Connect to `hostname`:`port` (service ports mapped by the host runtime) and type `typed`."""
    run = TelnetRun(PROTOCOLS.get(port, ""), hostname, port)
    ip = _resolve(host, hostname)
    if ip is None:
        run.err = f"telnet: could not resolve {hostname}/{port}: Name or service not known\n"
        run.code = 1
        return run
    run.transcript.append(f"Trying {ip}...")
    target, source = _target(host, ip, port), None
    if netreach.peer(host.world, ip) is not None:  # a host of the network (this one included)
        route = netreach.reach(host.world, host.runtime, ip, port)
        target = (route.addr, route.port) if route else None
        source = (route.source, 0) if route and route.source else None
    try:
        if target is None:
            raise ConnectionRefusedError(111, "Connection refused")
        sock = socket.create_connection(target, timeout=timeout, source_address=source)
    except OSError as e:
        reason = e.strerror or str(e)
        run.err = f"telnet: connect to address {ip}: {reason}\ntelnet: Unable to connect to remote host: {reason}\n"
        run.code = 1
        return run
    run.transcript += [f"Connected to {hostname}.", "Escape character is '^]'."]
    s = talk(run, sock, typed, timeout)
    if s.closed:
        run.closed_by_server = True
        run.transcript.append("Connection closed by foreign host.")
    else:  # the person ends the session by hand: Ctrl-] then quit
        run.transcript += ["^]", "telnet> quit", "Connection closed."]
    return run


def talk(run: TelnetRun, sock: socket.socket, typed: list[str], timeout: float = REPLY_TIMEOUT) -> _Session:
    """Type `typed` on a connected socket, waiting for each reply as `run.service` gives them
    (also `sendmail -bs`'s dialogue); the socket is closed afterwards."""
    s = _Session(run, _Conn(sock), timeout)
    try:
        {"smtp": _smtp, "pop3": _pop3, "imap": _imap}.get(run.service, _other)(s, typed)
    finally:
        sock.close()
    return s


def _other(s: _Session, typed: list[str]) -> None:
    s.drain()
    for text in typed:
        if s.closed:
            return
        s.client(text)
        s.drain()


def parse_target(argv: list[str]) -> tuple[str, int] | str:
    """(hostname, port) from telnet's arguments, or a usage message."""
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args or len(args) > 2:
        return "usage: telnet [-l user] [-a] [host-name [port]]\n"
    name, port = args[0], args[1] if len(args) == 2 else "23"
    if port.isdigit():
        return name, int(port)
    if port in SERVICE_NAMES:
        return name, SERVICE_NAMES[port]
    return f"telnet: {port}: bad port\n"


@command("telnet")
def telnet(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    target = parse_target(argv)
    if isinstance(target, str):
        return Result(err=target, code=1)
    run = converse(host, target[0], target[1], (stdin or "").splitlines())
    return Result(out=run.text, err=run.err, code=run.code)
