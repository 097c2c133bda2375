"""POP3 (RFC 1939, CAPA of RFC 2449) as a pure state machine: a line in, reply bytes out.

The server (servers/pop3.py) only moves lines; everything a POP3 server decides is here.
Replies follow Dovecot's words. Deletions are applied only in the UPDATE state, at QUIT.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from . import accounts
from .mailstore import Expunged, Store
from .world import PathEscape, World

GREETING = b"+OK Dovecot-compatible mailkit ready.\r\n"
CAPA = [b"CAPA", b"TOP", b"UIDL", b"RESP-CODES", b"PIPELINING", b"AUTH-RESP-CODE", b"USER", b"SASL PLAIN"]
MAX_LINE = 255  # RFC 2449: 255 octets including CRLF
_IN_USE: set[str] = set()  # mailboxes with an open POP3 session (one at a time, like Dovecot)
_IN_USE_LOCK = threading.Lock()  # logins run in worker threads: check and claim at once



def _ascii_upper(word: str) -> str:
    """Upper case as Dovecot's t_str_ucase: ASCII letters only ("été" -> "éTé")."""
    return "".join(c.upper() if "a" <= c <= "z" else c for c in word)


def printable(text: str) -> str:
    """Control characters as "?": what Dovecot would echo raw must not reach a terminal (hole 14)."""
    return "".join("?" if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _number(arg: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "²", which int() then refuses."""
    return arg.isascii() and arg.isdigit()

def ok(text: str = "") -> bytes:
    return b"+OK" + (b" " + text.encode() if text else b"") + b"\r\n"


def err(text: str) -> bytes:
    return b"-ERR " + text.encode() + b"\r\n"


def multiline(lines: list[bytes]) -> bytes:
    out = []
    for ln in lines:
        out.append(b"." + ln if ln.startswith(b".") else ln)
    return b"\r\n".join(out) + (b"\r\n" if out else b"") + b".\r\n"


def dot_stuffed(text: bytes) -> bytes:
    """LF-ended text as a multi-line reply: CRLF endings, lines starting with "." doubled, "." last."""
    if not text:
        return b".\r\n"
    data = text.replace(b"\n", b"\r\n")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    if data.startswith(b"."):
        data = b"." + data
    return data.replace(b"\r\n.", b"\r\n..") + b".\r\n"


def top_lines(body: bytes, n: int) -> bytes:
    """The header, the blank line, and the first n lines of the body (LF endings)."""
    head, sep, text = body.partition(b"\n\n")
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    return head + b"\n\n" + b"".join(ln + b"\n" for ln in lines[:n])


@dataclass
class Reply:
    data: bytes
    close: bool = False
    auth_failed: bool = False
    refused: str = ""  # why a good login was turned away, for the log (mail_max_userip_connections)


@dataclass
class Pop3Session:
    world: World
    clock: object = None  # the host's clock: UIDVALIDITY of a new mailbox comes from it
    state: str = "AUTHORIZATION"
    user: str | None = None
    store: Store | None = None
    uidvalidity: int = 0
    messages: list = field(default_factory=list)  # snapshot at login: the maildrop
    deleted: set = field(default_factory=set)  # 1-based message numbers
    retrieved: set = field(default_factory=set)  # UIDs sent by RETR: \Seen at QUIT
    bad_commands: int = 0
    awaiting_sasl: bool = False  # after "AUTH PLAIN" without an initial response
    starttls: bool = False  # the server has a certificate and the connection is not yet TLS
    # what Dovecot's pop3_logout_format reports: TOP/RETR commands and the bytes they sent,
    # messages expunged at QUIT
    tops: int = 0
    top_bytes: int = 0
    retrs: int = 0
    retr_bytes: int = 0
    expunged: int = 0
    # the server's count of logins per user and client address (Dovecot's anvil): admit(user)
    # returns None or the reason to refuse; dismiss() gives the place back
    admit: object = None
    dismiss: object = None
    admitted: bool = False

    @property
    def account(self) -> str | None:
        """The user logged in, if any (`user` alone may be a USER not yet accepted by PASS)."""
        return self.user if self.state != "AUTHORIZATION" else None

    def logout_stats(self) -> str:
        """Dovecot 2.2's default pop3_logout_format: top=%t/%p, retr=%r/%b, del=%d/%m, size=%s."""
        size = sum(m.size for m in self.messages)
        return (f"top={self.tops}/{self.top_bytes}, retr={self.retrs}/{self.retr_bytes}, "
                f"del={self.expunged}/{len(self.messages)}, size={size}")

    def _msg(self, arg: str):
        if not _number(arg) or not (1 <= int(arg) <= len(self.messages)):
            return None, err("There's no message %s." % arg)
        n = int(arg)
        if n in self.deleted:
            return None, err("Message is deleted.")
        return self.messages[n - 1], None

    def capa(self) -> list[bytes]:
        """pop3-login's list: STLS (before USER, where Dovecot puts it) while TLS can be started."""
        if not (self.starttls and self.state == "AUTHORIZATION"):
            return CAPA
        i = CAPA.index(b"USER")
        return CAPA[:i] + [b"STLS"] + CAPA[i:]

    def handle(self, line: bytes) -> Reply:
        try:
            return self._handle(line)
        except OSError:  # an unreadable or vanished mailbox file: a reply, not a dropped connection
            return Reply(err("[SYS/TEMP] Internal error occurred. Refer to server log for more information."))

    def _handle(self, line: bytes) -> Reply:
        if len(line) > MAX_LINE:
            return Reply(err("Input line too long."))
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if self.awaiting_sasl:
            self.awaiting_sasl = False
            return self._sasl_plain(text)
        cmd, _, arg = text.partition(" ")
        cmd, arg = _ascii_upper(cmd), arg.strip()
        if cmd == "CAPA":
            return Reply(ok() + multiline(self.capa()))
        if cmd == "QUIT":
            return self.quit()
        if cmd == "NOOP" and self.state == "TRANSACTION":
            return Reply(ok())
        if self.state == "AUTHORIZATION":
            return self._auth(cmd, arg)
        handler = getattr(self, f"cmd_{cmd}", None) if cmd.isascii() and cmd.isalpha() else None
        if handler is None:
            # Dovecot echoes the word raw; control bytes are shown as "?" here (issue 10, hole 14:
            # nothing a client sends may reach a learner's terminal or notebook as an escape sequence)
            return Reply(err(f"Unknown command: {printable(cmd)}"))
        return Reply(handler(arg))

    def _auth(self, cmd: str, arg: str) -> Reply:
        if cmd == "USER":
            if not arg:
                return Reply(err("USER: Missing argument"))
            self.user = arg
            return Reply(ok())  # always +OK: nothing to learn about which users exist
        if cmd == "PASS":
            if self.user is None:
                return Reply(err("No username given."))
            return self.login(self.user, arg)
        if cmd == "AUTH":
            mech, _, initial = arg.partition(" ")
            if not mech:
                return Reply(ok() + multiline([b"PLAIN"]))
            if mech.upper() != "PLAIN":
                return Reply(err("Unsupported authentication mechanism."))
            if not initial:
                self.awaiting_sasl = True
                return Reply(b"+ \r\n")
            return self._sasl_plain(initial)
        return Reply(err("Unknown command."))  # Dovecot's login process names no command

    def _sasl_plain(self, b64: str) -> Reply:
        import base64
        import binascii

        if b64.strip() == "*":
            return Reply(err("Authentication aborted by client."))
        try:
            _, user, password = base64.b64decode(b64.strip(), validate=True).decode().split("\0")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return Reply(err("Invalid base64 data in continued response"))
        return self.login(user, password)

    def login(self, user: str, password: str) -> Reply:
        if not accounts.verify(self.world, user, password):
            self.user = None
            return Reply(err("[AUTH] Authentication failed."), auth_failed=True)
        try:
            path = self.world.mailbox_path(user)
            store = Store.shared(self.world, path, self.clock)  # the index IMAP sessions use too
        except PathEscape:
            return Reply(err("[AUTH] Authentication failed."), auth_failed=True)
        if self.admit is not None:
            refused = self.admit(user)  # before the mailbox lock, as Dovecot counts in its login process
            if refused:
                self.user = None
                return Reply(err(f"[IN-USE] {refused}"), close=True, refused=refused)
            self.admitted = True
        key = str(path)
        with _IN_USE_LOCK:
            if key in _IN_USE:
                self._dismiss()
                return Reply(err("[IN-USE] Mailbox is locked by another POP3 session."))
            _IN_USE.add(key)
        self.store = store
        try:  # the maildrop: the index's entries as they are now (never changed in place)
            self.uidvalidity, self.messages = self.store.peek(lambda box: (box.uidvalidity, list(box.messages)))
        except BaseException:
            self.release()
            raise
        self.user, self.state = user, "TRANSACTION"
        return Reply(ok("Logged in."))

    def _dismiss(self) -> None:
        if self.admitted:
            self.admitted = False
            if self.dismiss is not None:
                self.dismiss()

    def release(self) -> None:
        if self.store is not None:
            _IN_USE.discard(str(self.store.path))
        self._dismiss()

    def quit(self) -> Reply:
        if self.state != "TRANSACTION":
            return Reply(ok("Logging out"), close=True)
        self.state = "UPDATE"
        uids = {self.messages[n - 1].uid for n in self.deleted}
        seen = {m.uid for m in self.messages if m.uid in self.retrieved and "\\Seen" not in m.flags} - uids
        if uids or seen:
            def apply(box):  # by UID: mail delivered during the session stays as it is
                self.store.remove(box, uids)
                # RETR marks read, as Dovecot's pop3 does
                self.store.set_flags(box, {m.uid: m.flags | {"\\Seen"} for m in box.messages if m.uid in seen})
                return None, True
            self.store.apply(apply)
        self.expunged = len(uids)
        self.release()
        return Reply(ok("Logging out." if not uids else "Logging out, messages deleted."), close=True)

    # -- TRANSACTION
    def _live(self):
        return [(n, m) for n, m in enumerate(self.messages, 1) if n not in self.deleted]

    def cmd_STAT(self, arg):
        live = self._live()
        return ok(f"{len(live)} {sum(m.size for _, m in live)}")

    def cmd_LIST(self, arg):
        if arg:
            m, e = self._msg(arg)
            return e or ok(f"{arg} {m.size}")
        live = self._live()
        return ok(f"{len(live)} messages:") + multiline([f"{n} {m.size}".encode() for n, m in live])

    def cmd_UIDL(self, arg):
        def uidl(m):
            return f"{m.uid:08x}{self.uidvalidity:08x}"
        if arg:
            m, e = self._msg(arg)
            return e or ok(f"{arg} {uidl(m)}")
        return ok() + multiline([f"{n} {uidl(m)}".encode() for n, m in self._live()])

    def cmd_RETR(self, arg):
        m, e = self._msg(arg)
        if e:
            return e
        try:
            body = m.body
        except Expunged:  # another session (IMAP) removed it meanwhile
            return err(f"Message {int(arg)} expunged.")
        self.retrieved.add(m.uid)
        data = b"+OK %d octets\r\n" % m.size + dot_stuffed(body)
        self.retrs += 1
        self.retr_bytes += len(data)
        return data

    def cmd_TOP(self, arg):
        parts = arg.split()
        if len(parts) != 2 or not _number(parts[1]):
            return err("TOP: Invalid arguments")
        m, e = self._msg(parts[0])
        if e:
            return e
        try:
            body = m.body
        except Expunged:
            return err(f"Message {int(parts[0])} expunged.")
        data = ok() + dot_stuffed(top_lines(body, int(parts[1])))
        self.tops += 1
        self.top_bytes += len(data)
        return data

    def cmd_DELE(self, arg):
        m, e = self._msg(arg)
        if e:
            return e
        self.deleted.add(int(arg))
        return ok("Marked to be deleted.")

    def cmd_RSET(self, arg):
        self.deleted.clear()
        return ok()

    def cmd_NOOP(self, arg):
        return ok()
