"""POP3 (RFC 1939, CAPA of RFC 2449) as a pure state machine: a line in, reply bytes out.

The server (servers/pop3.py) only moves lines; everything a POP3 server decides is here.
Replies follow Dovecot's words. Deletions are applied only in the UPDATE state, at QUIT.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
import threading
from dataclasses import dataclass, field

from . import accounts, dovecotvars, maillocation
from .loginpolicy import DISALLOWED, LoginPolicy
from .mailstore import Expunged, Store
from .world import PathEscape, World

GREETING = b"+OK Dovecot-compatible mailkit ready.\r\n"
CAPA_HEAD = [b"CAPA", b"TOP", b"UIDL", b"RESP-CODES", b"PIPELINING", b"AUTH-RESP-CODE"]
CAPA = CAPA_HEAD + [b"USER", b"SASL PLAIN"]  # after login
UIDL_FORMAT = "%08Xu%08Xv"  # Dovecot's default pop3_uidl_format
INTERNAL_ERROR = "[SYS/TEMP] Internal error occurred. Refer to server log for more information."
USERNAME_PROMPT = b"+ " + base64.b64encode(b"Username:") + b"\r\n"  # SASL LOGIN's two questions
PASSWORD_PROMPT = b"+ " + base64.b64encode(b"Password:") + b"\r\n"
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


def header_md5(body: bytes) -> str:
    """The MD5 of a message's header as Dovecot's mbox_md5 = apop3d takes it (pop3_uidl_format
    %m): the values of Delivered-To and X-Delivery-ID, of Date and Message-ID unless a Received
    came before them, and of the first Received; a folded field line by line, as it stands."""
    fields: list[tuple[bytes, list[bytes]]] = []
    for line in body.split(b"\n\n", 1)[0].split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if fields:
                fields[-1][1].append(line)
            continue
        name, colon, value = line.partition(b":")
        if colon:
            fields.append((name.strip().lower(), [value.lstrip(b" \t")]))
    md5, seen_received = hashlib.md5(), False
    for name, values in fields:
        if name in (b"delivered-to", b"x-delivery-id") or (
                name in (b"date", b"message-id", b"received") and not seen_received):
            for v in values:
                md5.update(v)
        if name == b"received":
            seen_received = True
    return md5.hexdigest()


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
    sasl: list | None = None  # an AUTH waiting for the client's next line: [mechanism, user so far]
    starttls: bool = False  # the server has a certificate and the connection is not yet TLS
    # dovecot.conf, as the server read it: what may log in how, where the mail is, UIDL's form
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    mail_location: str = maillocation.STOCK
    uidl_format: str = UIDL_FORMAT
    method: str = "PLAIN"  # the SASL mechanism of the login (the login log names it)
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
    def awaiting_sasl(self) -> bool:
        """After "AUTH PLAIN" or "AUTH LOGIN": the next line answers the server's question."""
        return self.sasl is not None

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
        """pop3-login's list: STLS while TLS can be started, USER while a password may be sent
        in the clear, and the SASL mechanisms it may use (dovecot.conf's auth_mechanisms)."""
        if self.state != "AUTHORIZATION":
            return CAPA
        out = list(CAPA_HEAD)
        if self.starttls:
            out.append(b"STLS")
        if self.policy.user_offered:
            out.append(b"USER")
        return out + [" ".join(["SASL", *self.policy.offered]).encode()]

    def handle(self, line: bytes) -> Reply:
        try:
            return self._handle(line)
        except OSError:  # an unreadable or vanished mailbox file: a reply, not a dropped connection
            return Reply(err("[SYS/TEMP] Internal error occurred. Refer to server log for more information."))

    def _handle(self, line: bytes) -> Reply:
        if len(line) > MAX_LINE:
            return Reply(err("Input line too long."))
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if self.sasl is not None:
            return self._sasl_step(text)
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
            if not self.policy.plaintext_allowed:
                return Reply(err("[AUTH] " + DISALLOWED))
            self.user = arg
            return Reply(ok())  # always +OK: nothing to learn about which users exist
        if cmd == "PASS":
            if self.user is None:
                # a client may skip USER's answer and show only PASS's
                return Reply(err("No username given." if self.policy.plaintext_allowed else "[AUTH] " + DISALLOWED))
            self.method = "PLAIN"
            return self.login(self.user, arg)
        if cmd == "AUTH":
            mech, _, initial = arg.partition(" ")
            if not mech:
                return Reply(ok() + multiline([m.encode() for m in self.policy.offered]))
            mech = mech.upper()
            privacy, refusal = self.policy.auth_refusal(mech)
            if refusal:
                return Reply(err("[AUTH] " + refusal if privacy else refusal))
            self.method, self.sasl = mech, [mech, None]
            if not initial:
                return Reply(b"+ \r\n" if mech == "PLAIN" else USERNAME_PROMPT)
            return self._sasl_step(initial)
        return Reply(err("Unknown command."))  # Dovecot's login process names no command

    def _sasl_step(self, b64: str) -> Reply:
        """One answer of the client in an AUTH exchange: PLAIN's single one, LOGIN's two."""
        mech, user = self.sasl
        self.sasl = None
        if b64.strip() == "*":
            return Reply(err("Authentication aborted by client."))
        try:
            data = base64.b64decode(b64.strip(), validate=True).decode()
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return Reply(err("Invalid base64 data in continued response"))
        if mech == "LOGIN":
            if user is None:
                self.sasl = [mech, data]
                return Reply(PASSWORD_PROMPT)
            return self.login(user, data)
        try:
            _, user, password = data.split("\0")
        except ValueError:
            return Reply(err("Invalid base64 data in continued response"))
        return self.login(user, password)

    def login(self, user: str, password: str) -> Reply:
        if not accounts.verify(self.world, user, password):
            self.user = None
            return Reply(err("[AUTH] Authentication failed."), auth_failed=True)
        try:
            location = maillocation.resolve(self.world, user, self.mail_location)
            path = location.inbox
            store = location.store(path, self.clock)  # shared: the index IMAP sessions use too
        except PathEscape:
            return Reply(err("[AUTH] Authentication failed."), auth_failed=True)
        except maillocation.LocationError as e:  # the mail process cannot start for this user
            self.user = None
            return Reply(err(INTERNAL_ERROR), close=True, refused=f"Error: {e}")
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
        def maildrop(box):
            # the first session to open the mailbox takes its \Recent, a POP3 one too (Dovecot)
            self.store.claim_recent(box)
            return box.uidvalidity, list(box.messages)  # the index's entries as they are now

        try:
            self.uidvalidity, self.messages = self.store.peek(maildrop)
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

    def uidl(self, m) -> str:
        """A message's UIDL as pop3_uidl_format makes it: %u UID, %v UIDVALIDITY, %m the
        header's MD5 (mbox), %f the file name (Maildir), %g the GUID."""
        name = posixpath.basename(m.filename).split(":", 1)[0] if m.filename else ""
        md5 = "" if m.filename else header_md5(m.body)
        values = {"u": str(m.uid), "v": str(self.uidvalidity), "m": md5, "f": name, "g": name or md5}
        long = {"uid": values["u"], "uidvalidity": values["v"], "md5": md5, "filename": name, "guid": values["g"]}
        return dovecotvars.expand(self.uidl_format, values, long)

    def cmd_UIDL(self, arg):
        uidl = self.uidl
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
