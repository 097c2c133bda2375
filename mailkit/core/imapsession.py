"""An IMAP4rev1 session as a state machine: a parsed command in, response bytes out.

Where the mailboxes are is dovecot.conf's mail_location (core/maillocation.py): with CentOS's
mbox:~/mail:INBOX=/var/mail/%u INBOX is the user's spool and other mailboxes are mbox files
under ~/mail/ (hierarchy delimiter "/"); with maildir:~/Maildir INBOX is the Maildir and the
others Maildir++ folders (delimiter "."). A client's mailbox name never leaves that area. What
may log in how before login is core/loginpolicy.py's.
All sessions on one mailbox share one `Store` (the mailbox's index, in memory). A STORE (or the
\\Seen a FETCH sets) changes that store's flags as a delta under its lock, so two sessions'
changes to one message both stay; the mbox file gets them at CHECK, CLOSE, EXPUNGE, SELECT of
another mailbox, LOGOUT or disconnect (as Dovecot defers them), so reading 1,000 messages
does not rewrite the file 1,000 times. Each session keeps its own view, the index entries
it was shown in sequence order (an entry is replaced when its flags change, so the view keeps
what the client was told), and catches up at its next command from the store's change log;
docs/architecture.md ("What each session sees, and when") gives the rules.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import base64
import binascii

from . import accounts, maillocation
from . import imaplist, imapmime
from .imapproto import (ImapError, astr, header_fields, header_text, raw_header, imap_date,
                        in_seqset, literal, parse_date, parse_message, parse_seqset, parse_tokens, quote,
                        split_header_body, message_date)
from .pop3proto import printable  # one rule for both of Dovecot's protocols
from .loginpolicy import DISALLOWED, EXPOSED, LoginPolicy
from .mailstore import SYSTEM_FLAGS, Expunged, Message, Store, canonical_flags, find, ordered_flags, uid_of
from .world import PathEscape, World

_SYSTEM_LOWER = {f.lower() for f in SYSTEM_FLAGS}
CAPABILITIES = "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UIDPLUS UNSELECT CHILDREN NAMESPACE MOVE AUTH=PLAIN"
GREETING = f"* OK [CAPABILITY {CAPABILITIES}] Dovecot-compatible mailkit ready.\r\n".encode()
# after login the imap process has more to offer, SPECIAL-USE among them (as Dovecot's)
LOGGED_IN_CAPABILITIES = CAPABILITIES.replace(" AUTH=", " SPECIAL-USE AUTH=", 1)


PRE_LOGIN = CAPABILITIES.split(" AUTH=", 1)[0]
INTERNAL_ERROR = "Internal error occurred. Refer to server log for more information."
USERNAME_PROMPT = b"+ " + base64.b64encode(b"Username:") + b"\r\n"  # SASL LOGIN's two questions
PASSWORD_PROMPT = b"+ " + base64.b64encode(b"Password:") + b"\r\n"


def capabilities(starttls: bool = False, policy: LoginPolicy | None = None) -> str:
    """The list as imap-login gives it: STARTTLS while TLS can still be started, then
    LOGINDISABLED when a password may not be sent in the clear, then AUTH= for each mechanism
    offered (dovecot.conf's auth_mechanisms; core/loginpolicy.py)."""
    policy = policy or LoginPolicy()
    words = [PRE_LOGIN] + (["STARTTLS"] if starttls else [])
    if not policy.plaintext_allowed:
        words.append("LOGINDISABLED")
    return " ".join(words + [f"AUTH={m}" for m in policy.offered])


def greeting(starttls: bool = False, policy: LoginPolicy | None = None) -> bytes:
    return f"* OK [CAPABILITY {capabilities(starttls, policy)}] Dovecot-compatible mailkit ready.\r\n".encode()


def _check_system_flags(names, command) -> None:
    for name in names:
        if name.startswith("\\") and name.lower() not in _SYSTEM_LOWER:
            raise ImapError(f"Error in IMAP command {command}: Invalid system flag {name.upper()}")


def _uid_set(uids) -> str:
    """UIDs as an IMAP set with ranges, as Dovecot writes COPYUID: 1:3,7."""
    out, run = [], []
    for u in sorted(uids):
        if run and u == run[-1] + 1:
            run.append(u)
            continue
        if run:
            out.append(f"{run[0]}:{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [u]
    if run:
        out.append(f"{run[0]}:{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(out)


def body_section(raw: bytes, spec: str) -> bytes | None:
    """The bytes of BODY[spec] (raw with CRLF), part numbers as RFC 3501 6.4.5 reads them
    (core/imapmime); empty when the message has no such part, as Dovecot answers."""
    spec = spec.strip()
    if spec == "":
        return raw
    m = re.match(r"^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(\(.*\))?$", spec, re.I)
    if not m or (m.group(2) or "").upper() == "MIME" and not m.group(1):
        raise ImapError("Error in IMAP command FETCH: Invalid BODY[..] parameter: Unknown section name")
    numbers, what, fields = m.group(1), (m.group(2) or "").upper(), m.group(3)
    top = imapmime.parse(raw)
    if numbers:
        part = imapmime.find(top, [int(n) for n in numbers.split(".")])
        if part is None:
            return b""
        if not what:
            return part.body
        if what == "MIME":
            return part.header
        if part.message is None:
            return b""  # HEADER and TEXT name an encapsulated message's
        head, body = part.message.header, part.message.body
    else:
        head, body = top.header, top.body
    if what == "HEADER":
        return head
    if what == "TEXT":
        return body
    names = parse_tokens(fields[1:-1]) if fields else []
    return header_fields(head, [astr(n) for n in names], negate=what.endswith("NOT"))


def _all_fields(m: Message, name: str) -> list[str]:
    """Every occurrence of a header field (SEARCH HEADER looks at all, as Dovecot)."""
    lname = name.lower()
    return [v for k, v in parse_message(m.body).raw_items() if k.lower() == lname]


def _address_text(value: str) -> str:
    """An address field as Dovecot searches it: each address's display name and
    mailbox@domain, comments left out (a comment stands in for a missing display name)."""
    import email.headerregistry
    import email.policy

    try:
        header = email.policy.default.header_factory("To", re.sub(r"\r?\n(?=[ \t])", "", value))
        addresses = header.addresses
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        return value
    comments = re.findall(r"\(([^()]*)\)", value)
    out = []
    for a in addresses:
        name = a.display_name
        if not name:
            name = next((c for c in comments if a.addr_spec and a.addr_spec in value.split("(" + c + ")")[0]), "")
        out.append(f"{name} <{a.addr_spec}>" if name else a.addr_spec)
    for group in getattr(header, "groups", ()):
        if group.display_name:
            out.append(group.display_name)
    return ", ".join(out)


_NO_TEXT = ("UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE")  # FETCH items the index answers alone
_FETCH_MACROS = {"ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
                 "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
                 "FULL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"]}
_SECTION = re.compile(r"^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d+)\.(\d+)>)?$", re.I)


def _is_section(part: bytes) -> bool:
    return part.startswith((b"BODY[", b"RFC822 ", b"RFC822.HEADER ", b"RFC822.TEXT "))


def _sets_seen(item) -> bool:
    up = str(item).upper()
    return up in ("RFC822", "RFC822.TEXT") or up.startswith("BODY[")



def _list_depth(value) -> int:
    """How deep parenthesised lists nest in parsed arguments (iterative: any depth is safe)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, list):
            if d:
                deepest = max(deepest, d)
            stack.extend((x, d + 1) for x in v)
    return deepest

class _UidSet:
    def __init__(self, ranges):
        self.ranges = ranges

    def __contains__(self, uid) -> bool:
        return in_seqset(uid, self.ranges)


@dataclass
class Response:
    data: bytes
    close: bool = False
    auth_failed: bool = False
    idle: bool = False


def valid_mailbox_name(name: str) -> str:
    """A mailbox name of the mbox layout (core/maillocation.py's rule); ImapError NO if not."""
    try:
        return maillocation.valid_name(name, "mbox")
    except maillocation.FolderError as e:
        raise ImapError(str(e), "NO") from None


@dataclass
class ImapSession:
    world: World
    clock: object = None  # the host's clock: dates of APPEND and UIDVALIDITY of new mailboxes
    state: str = "NOT_AUTHENTICATED"
    user: str | None = None
    selected: str | None = None
    readonly: bool = False
    store: Store | None = None
    msgs: list = field(default_factory=list)  # the client's view: index = seq - 1
    recent: set = field(default_factory=set)  # UIDs that are \Recent for this session
    pending_expunge: set = field(default_factory=set)  # UIDs gone from the mailbox, not yet announced
    keywords_shown: list = field(default_factory=list)  # the keywords the last FLAGS response named
    recent_told: int = 0  # the count of the last "* N RECENT"
    starttls: bool = False  # the server has a certificate and the connection is not yet TLS
    log_at: tuple = (-1, 0)  # (epoch, position) in the store's change log this view has caught up to
    generation: int = 0  # the store's generation this session's view was last synced with
    bad_before_login: int = 0
    pending_auth: str | None = None  # the tag of an AUTHENTICATE waiting for the client's response
    pending_mech: list | None = None  # its [mechanism, user so far]
    # dovecot.conf, as the server read it: what may log in how, and where the mail is
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    mail_location: str = maillocation.STOCK
    location: maillocation.MailLocation | None = None  # the logged-in user's
    method: str = "PLAIN"  # the SASL mechanism of the login (the login log names it)
    _unchanged_at: int | None = None  # the store generation at which this command found the file unchanged
    _inbox: tuple | None = None  # (user, the real path of the user's INBOX)
    # mailbox name -> its RFC 6154 attribute, Dovecot's mailbox { special_use = ... } settings
    special_use: dict = field(default_factory=lambda: dict(imaplist.STOCK_SPECIAL_USE))

    # -- mailbox files
    def _path(self, name: str):
        if name.upper() == "INBOX":
            # found once per login (the store opens it checked for what it writes and locks)
            if self._inbox is None or self._inbox[0] != self.user:
                self._inbox = (self.user, self.location.inbox)
            return self._inbox[1]
        try:
            return self.location.path(name)
        except maillocation.FolderError as e:
            raise ImapError(str(e), "NO") from None

    def _exists(self, name: str) -> bool:
        try:
            return self.location.exists(name)
        except maillocation.FolderError as e:
            raise ImapError(str(e), "NO") from None

    def _store(self, path):
        return self.location.store(path, self.clock)

    @property
    def sep(self) -> str:
        return self.location.sep if self.location is not None else "/"

    def _subscriptions_path(self):
        return self.location.subscriptions

    def _all_mailboxes(self) -> dict[str, str]:
        """name -> LIST attributes: mailboxes that hold mail (an mbox file \\NoInferiors, as
        Dovecot's mbox lists it), and names that only hold others."""
        return self.location.listing()

    # -- dispatch
    def handle(self, tag: str, line: str, literals: list[bytes] | None = None) -> Response:
        self._unchanged_at = None  # the file is looked at (a stat) once per command
        cmd, _, rest = line.partition(" ")
        cmd = cmd.upper()
        uid = False
        if cmd == "UID":
            uid = True
            cmd, _, rest = rest.partition(" ")
            cmd = cmd.upper()
            if cmd not in ("FETCH", "STORE", "COPY", "SEARCH", "EXPUNGE", "MOVE"):
                return self._tagged(tag, "BAD", "Error in IMAP command UID: Unknown command")
        try:
            args = parse_tokens(rest, literals)
        except ImapError as e:
            return self._tagged(tag, "BAD", f"Error in IMAP command {cmd}: {e.text}")
        handler = getattr(self, f"cmd_{cmd}", None)
        allowed = {"NOT_AUTHENTICATED": {"CAPABILITY", "NOOP", "LOGOUT", "LOGIN", "AUTHENTICATE", "ID"},
                   "AUTHENTICATED": None, "SELECTED": None}[self.state]
        if self.state != "NOT_AUTHENTICATED" and (handler is None or cmd in ("LOGIN", "AUTHENTICATE")):
            # Dovecot's imap process (after login) names the command it does not know
            return self._tagged(tag, "BAD", f"Error in IMAP command {printable(cmd)}: Unknown command.")
        if handler is None or (allowed is not None and cmd not in allowed):
            if self.state == "NOT_AUTHENTICATED":
                self.bad_before_login += 1
                if self.bad_before_login >= 3:
                    return Response(b"* BYE Too many invalid IMAP commands.\r\n", close=True)
                if handler is not None:
                    return self._tagged(tag, "BAD", "Error in IMAP command received by server.")
            return self._tagged(tag, "BAD", "Error in IMAP command received by server.")
        if cmd in ("CHECK", "CLOSE", "EXPUNGE", "FETCH", "STORE", "COPY", "SEARCH", "UNSELECT", "MOVE") and self.state != "SELECTED":
            return self._tagged(tag, "BAD", "No mailbox selected.")
        try:
            out = handler(tag, args, uid) if cmd in ("FETCH", "STORE", "COPY", "SEARCH", "EXPUNGE", "MOVE") else handler(tag, args)
        except ImapError as e:
            return self._tagged(tag, e.kind, e.text)
        except (OSError, ValueError, LookupError, TypeError, AttributeError):
            # input we did not foresee must not drop the connection: answer as Dovecot does
            return self._tagged(tag, "NO", "Internal error occurred. Refer to server log for more information.")
        return out

    def from_memory(self, command: str) -> bool:
        """True when `command` (the line after its tag) is answered from memory: a SELECT,
        EXAMINE or STATUS of a mailbox whose index is built and whose file has not changed,
        with nothing of the mailbox left to write first. The server runs such a command on its
        loop rather than in a worker thread (the hop costs more than the work)."""
        verb, _, rest = command.partition(" ")
        if self.state == "NOT_AUTHENTICATED" or verb.upper() not in ("SELECT", "EXAMINE", "STATUS"):
            return False
        if self.store is not None and self.store.dirty:
            return False  # SELECT writes the flags of the mailbox it leaves
        try:
            args = parse_tokens(rest)
            return bool(args) and isinstance(args[0], str) and Store.ready(self._path(args[0])) is not None
        except (ImapError, OSError, ValueError):
            return False

    def untagged_bad(self) -> Response:
        """A line without tag and command: counts toward the three strikes before login."""
        if self.state == "NOT_AUTHENTICATED":
            self.bad_before_login += 1
            if self.bad_before_login >= 3:
                return Response(b"* BYE Too many invalid IMAP commands.\r\n", close=True)
        return Response(b"* BAD Error in IMAP command received by server.\r\n")

    def _tagged(self, tag, kind, text, untagged: bytes = b"", **kw) -> Response:
        return Response(untagged + f"{tag} {kind} {text}\r\n".encode("utf-8", "surrogateescape"), **kw)

    # -- any state
    def cmd_CAPABILITY(self, tag, args):
        offer = self.starttls and self.state == "NOT_AUTHENTICATED"  # imap (after login) never offers it
        caps = capabilities(offer, self.policy) if self.state == "NOT_AUTHENTICATED" else LOGGED_IN_CAPABILITIES
        return self._tagged(tag, "OK", "Capability completed.", f"* CAPABILITY {caps}\r\n".encode())

    def cmd_NOOP(self, tag, args):
        return self._tagged(tag, "OK", "NOOP completed.", self.updates())

    def cmd_ID(self, tag, args):
        if self.state == "NOT_AUTHENTICATED":  # imap-login's parser allows one level of lists
            depth = _list_depth(args)
            if depth >= 3:
                return self._tagged(tag, "BAD", "Too many '('")
            if depth == 2:
                return self._tagged(tag, "BAD", "Invalid ID parameters")
        return self._tagged(tag, "OK", "ID completed.", b'* ID ("name" "mailkit")\r\n')

    def cmd_LOGOUT(self, tag, args):
        self.flush()
        return self._tagged(tag, "OK", "Logout completed.", b"* BYE Logging out\r\n", close=True)

    def cmd_LOGIN(self, tag, args):
        if len(args) != 2 or not all(isinstance(a, (str, bytes)) for a in args):
            raise ImapError("Error in IMAP command LOGIN: Invalid arguments.")
        if not self.policy.plaintext_allowed:  # imap-login: the password came in the clear anyway
            return self._tagged(tag, "NO", f"[PRIVACYREQUIRED] {DISALLOWED}", f"* BAD [ALERT] {EXPOSED}\r\n".encode())
        user, pw = (a.decode() if isinstance(a, bytes) else a for a in args)
        self.method = "PLAIN"
        return self._login(tag, user, pw)

    def cmd_AUTHENTICATE(self, tag, args):
        mech = astr(args[0]).upper() if args else ""
        privacy, refusal = self.policy.auth_refusal(mech)
        if refusal:
            raise ImapError(f"[PRIVACYREQUIRED] {refusal}" if privacy else refusal, "NO")
        self.method, self.pending_mech = mech, [mech, None]
        if len(args) < 2:  # no initial response (SASL-IR): ask for it
            self.pending_auth = tag
            return Response(b"+ \r\n" if mech == "PLAIN" else USERNAME_PROMPT)
        self.pending_auth = tag
        return self.continue_auth(astr(args[1]))

    def continue_auth(self, line: str) -> Response:
        """The client's answer to a "+ " of AUTHENTICATE (a line without a tag): PLAIN's one,
        or one of LOGIN's two."""
        tag, self.pending_auth = self.pending_auth, None
        mech, user = self.pending_mech or ["PLAIN", None]
        self.pending_mech = None
        if line.strip() == "*":
            return self._tagged(tag, "BAD", "Authentication aborted by client.")
        try:
            data = base64.b64decode(line.strip(), validate=True).decode()
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return self._tagged(tag, "BAD", "Invalid base64 data in continued response")
        if mech == "LOGIN":
            if user is None:
                self.pending_auth, self.pending_mech = tag, [mech, data]
                return Response(PASSWORD_PROMPT)
            return self._login(tag, user, data)
        try:
            _, user, pw = data.split("\0")
        except ValueError:
            return self._tagged(tag, "BAD", "Invalid base64 data in continued response")
        return self._login(tag, user, pw)

    def _login(self, tag, user, pw):
        if not accounts.verify(self.world, user, pw):
            return self._tagged(tag, "NO", "[AUTHENTICATIONFAILED] Authentication failed.", auth_failed=True)
        try:
            self.location = maillocation.resolve(self.world, user, self.mail_location)
        except (maillocation.LocationError, ValueError):  # the imap process cannot start for this user
            return Response(f"* BYE {INTERNAL_ERROR}\r\n".encode(), close=True)
        self.user, self.state = user, "AUTHENTICATED"
        return self._tagged(tag, "OK", f"[CAPABILITY {LOGGED_IN_CAPABILITIES}] Logged in")

    # -- authenticated
    def _open(self, tag, args, readonly):
        if len(args) != 1:
            raise ImapError("Error in IMAP command SELECT: Invalid arguments.")
        self.flush()
        name = astr(args[0])
        path = self._path(name)
        if not self._exists(name):
            self._leave()
            raise ImapError(f"Mailbox doesn't exist: {name}", "NO")
        closed = ["* OK [CLOSED] Previous mailbox closed."] if self.state == "SELECTED" else []
        self._leave()
        self.store = self._store(path)

        def take(box):
            # SELECT takes the recent messages for this session alone; EXAMINE only looks
            recent = self.store.recent_uids(box) if readonly else self.store.claim_recent(box)
            self.log_at = (self.store.epoch, len(self.store.log))
            # the view: the index's entries as they are now (the store replaces an entry it
            # changes, so these stay what this client was shown)
            return (self.store.generation, box.uidvalidity, box.uidnext, list(box.messages),
                    recent, list(box.keywords))
        self.generation, validity, uidnext, self.msgs, self.recent, self.keywords_shown = self.store.peek(take)
        self.recent_told = len(self.recent)
        self.selected, self.readonly, self.state = ("INBOX" if name.upper() == "INBOX" else name), readonly, "SELECTED"
        unseen = next((i for i, m in enumerate(self.msgs, 1) if "\\Seen" not in m.flags), None)
        lines = closed + self._flag_lines(self.keywords_shown) + [f"* {len(self.msgs)} EXISTS", f"* {len(self.recent)} RECENT"]
        if unseen:
            lines.append(f"* OK [UNSEEN {unseen}] First unseen.")
        lines += [f"* OK [UIDVALIDITY {validity}] UIDs valid", f"* OK [UIDNEXT {uidnext}] Predicted next UID"]
        mode = "READ-ONLY" if readonly else "READ-WRITE"
        word = "Examine" if readonly else "Select"
        return self._tagged(tag, "OK", f"[{mode}] {word} completed.", "".join(x + "\r\n" for x in lines).encode())

    def cmd_SELECT(self, tag, args):
        return self._open(tag, args, False)

    def cmd_EXAMINE(self, tag, args):
        return self._open(tag, args, True)

    def cmd_CREATE(self, tag, args):
        if len(args) != 1:
            raise ImapError("Error in IMAP command CREATE: Invalid arguments.")
        try:
            self.location.create(astr(args[0]))
        except maillocation.FolderError as e:
            raise ImapError(str(e), "NO") from None
        return self._tagged(tag, "OK", "Create completed.")

    def cmd_DELETE(self, tag, args):
        name = astr(args[0]) if args else ""
        if self.selected == name and name.upper() != "INBOX":
            self._leave()
        try:
            self.location.delete(name)
        except maillocation.FolderError as e:
            raise ImapError(str(e), "NO") from None
        return self._tagged(tag, "OK", "Delete completed.")

    def cmd_RENAME(self, tag, args):
        if len(args) != 2:
            raise ImapError("Error in IMAP command RENAME: Invalid arguments.")
        old, new = astr(args[0]).rstrip(self.sep), astr(args[1]).rstrip(self.sep)
        if self.selected == old:
            self.flush()  # flags kept in memory belong to the old name's store
        try:
            dst = self.location.rename(old, new)
        except maillocation.FolderError as e:
            raise ImapError(str(e), "NO") from None
        if self.selected == old and self.store is not None:
            self.selected, self.store = new, self._store(dst)
            self.generation = -1  # the view is compared with the renamed file at the next command
        return self._tagged(tag, "OK", "Rename completed.")

    def _subs(self) -> list[str]:
        p = self._subscriptions_path()
        return p.read_text().split("\n") if p.exists() else []

    def cmd_SUBSCRIBE(self, tag, args):
        name = astr(args[0])
        if name.upper() != "INBOX":
            self._path(name)  # a name no mailbox could have is refused
        subs = [s for s in self._subs() if s]
        if name not in subs:
            subs.append(name)
        p = self._subscriptions_path()
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(subs) + "\n")
        return self._tagged(tag, "OK", "Subscribe completed.")

    def cmd_UNSUBSCRIBE(self, tag, args):
        name = astr(args[0])
        subs = [s for s in self._subs() if s and s != name]
        p = self._subscriptions_path()
        if p.exists():
            p.write_text("\n".join(subs) + "\n")
        return self._tagged(tag, "OK", "Unsubscribe completed.")

    def cmd_LIST(self, tag, args):
        lines = imaplist.list_lines(imaplist.parse_list(args), self._all_mailboxes(), self.special_use, self.sep)
        return self._tagged(tag, "OK", "List completed.", "".join(x + "\r\n" for x in lines).encode())

    def cmd_LSUB(self, tag, args):
        if len(args) != 2:
            raise ImapError("Error in IMAP command LSUB: Invalid arguments.")
        subs = [s for s in self._subs() if s]
        lines = imaplist.lsub_lines(astr(args[0]), astr(args[1]), subs, self.special_use, self.sep)
        return self._tagged(tag, "OK", "Lsub completed.", "".join(x + "\r\n" for x in lines).encode())

    def cmd_STATUS(self, tag, args):
        if len(args) != 2 or not isinstance(args[1], list):
            raise ImapError("Error in IMAP command STATUS: Invalid arguments.")
        name = astr(args[0])
        path = self._path(name)
        if not self._exists(name):
            raise ImapError(f"Mailbox doesn't exist: {name}", "NO")
        st = self._store(path)

        def count(box):
            return {"MESSAGES": len(box.messages), "RECENT": len(st.recent_uids(box)),
                    "UIDNEXT": box.uidnext, "UIDVALIDITY": box.uidvalidity,
                    "UNSEEN": sum("\\Seen" not in m.flags for m in box.messages)}
        vals = st.peek(count)
        if self.store is not None and self.store.path == path:
            # as Dovecot: the selected mailbox is counted as this session last saw it, nothing told
            vals.update(MESSAGES=len(self.msgs), RECENT=len(self.recent),
                        UNSEEN=sum("\\Seen" not in m.flags for m in self.msgs))
        items = " ".join(f"{k.upper()} {vals[k.upper()]}" for k in args[1] if k.upper() in vals)
        text = "Status completed."
        if self.store is not None and self.store.path == path:
            text = "[CLIENTBUG] Status on selected mailbox completed."  # Dovecot's hint: the view has it
        return self._tagged(tag, "OK", text, f"* STATUS {quote(name)} ({items})\r\n".encode())

    def cmd_APPEND(self, tag, args):
        if len(args) < 2 or not isinstance(args[-1], bytes):
            raise ImapError("Error in IMAP command APPEND: Invalid arguments.")
        name = astr(args[0])
        flags, date = set(), None
        for a in args[1:-1]:
            if isinstance(a, list):
                flags = [astr(f) for f in a]
                _check_system_flags(flags, "APPEND")
            elif isinstance(a, str):
                try:
                    date = datetime.strptime(a, "%d-%b-%Y %H:%M:%S %z")
                except ValueError:
                    raise ImapError("Invalid internal date") from None
        path = self._path(name)
        if not self._exists(name):
            raise ImapError(f"[TRYCREATE] Mailbox doesn't exist: {name}", "NO")
        st = self._store(path)
        body = args[-1].replace(b"\r\n", b"\n")

        def add(box):  # recent for the next session that selects the mailbox
            box.messages.append(Message(box.uidnext, canonical_flags(flags, box.keywords), body,
                                        self.user or "MAILER-DAEMON", date or st._now()))
            box.uidnext += 1
            return (box.uidvalidity, box.uidnext - 1), True
        validity, uid = st.apply(add)
        return self._tagged(tag, "OK", f"[APPENDUID {validity} {uid}] Append completed.", self.updates())

    # -- selected
    def flush(self) -> None:
        """Write the mailbox's flag changes (this session's and the others', kept in the shared
        store) to the mbox: at CHECK, CLOSE, SELECT of another mailbox, LOGOUT and disconnect."""
        if self.store is not None:
            self.store.flush()

    def _leave(self) -> None:
        self.state, self.selected, self.store, self.msgs, self.recent = "AUTHENTICATED", None, None, [], set()
        self.pending_expunge, self.keywords_shown = set(), []

    def _flag_lines(self, keywords) -> list[str]:
        names = " ".join([*SYSTEM_FLAGS, *keywords])
        if self.readonly:
            return [f"* FLAGS ({names})", "* OK [PERMANENTFLAGS ()] Read-only mailbox."]
        return [f"* FLAGS ({names})", f"* OK [PERMANENTFLAGS ({names} \\*)] Flags permitted."]

    def updates(self) -> bytes:
        """What changed in the mailbox since this session last looked (at any command that may
        renumber, and in IDLE): expunges, other sessions' flag changes, new messages."""
        self._unchanged_at = None  # IDLE asks between commands: the file is looked at anew
        return self._sync(allow_expunge=True)

    def _sync(self, allow_expunge: bool) -> bytes:
        """Untagged responses that bring the client's view up to date. An expunge is announced
        only when `allow_expunge` (RFC 3501 7.4.1: never during a non-UID FETCH, STORE or
        SEARCH); until then the message keeps its sequence number here."""
        if self.state != "SELECTED" or self.store is None:
            return b""
        if (self._in_step() and not (allow_expunge and self.pending_expunge)):
            return b""  # the usual case: a stat, nothing read
        last = self.msgs[-1].uid if self.msgs else 0
        st = self.store

        def look(box):
            fresh = box.messages[bisect.bisect_right(box.messages, last, key=uid_of):]  # new mail is at the end
            if not fresh:
                recent = set()
            elif self.readonly:
                recent = st.recent_uids(box)
            else:
                recent = st.claim_recent(box)
            if self.log_at[0] != st.epoch or self.log_at[1] > len(st.log):
                current = {m.uid: m for m in box.messages if m.uid <= last}  # re-read: compare all
                touched = None
            else:  # only what the store's log names since this session last looked
                touched = {u for u in st.log[self.log_at[1]:] if u <= last}
                current = {u: m for u, m in ((u, st.message(box, u)) for u in touched) if m is not None}
            self.log_at = (st.epoch, len(st.log))
            return st.generation, current, touched, fresh, recent, list(box.keywords)
        self.generation, current, touched, fresh, recent, keywords = st.peek(look)
        out = []
        if keywords != self.keywords_shown:
            self.keywords_shown = keywords
            out += self._flag_lines(keywords)
        if touched is None:
            candidates = list(enumerate(self.msgs, 1))
        else:
            candidates = []
            for uid in sorted(touched):
                i = find(self.msgs, uid)
                if i is not None:
                    candidates.append((i + 1, self.msgs[i]))
        # Dovecot's order: flag changes (numbered as the client knows them), expunges, new mail
        for seq, m in candidates:
            now = current.get(m.uid)
            if now is None:
                # just found gone: announced now, no flags first; kept for later: its flags when
                # it went (Dovecot), once
                known = m.uid in self.pending_expunge
                self.pending_expunge.add(m.uid)
                flags = None if allow_expunge or known else st.expunged_flags.get(m.uid)
                now = None if flags is None else m.with_flags(flags)
            if now is not None and now.flags != m.flags:
                self.msgs[seq - 1] = now
                out.append(f"* {seq} FETCH (FLAGS ({self._flags(now)}))")
        if allow_expunge and self.pending_expunge:
            for seq in range(len(self.msgs), 0, -1):
                if self.msgs[seq - 1].uid in self.pending_expunge:
                    self.recent.discard(self.msgs[seq - 1].uid)
                    del self.msgs[seq - 1]
                    out.append(f"* {seq} EXPUNGE")
            self.pending_expunge = set()
        if fresh:
            self.msgs.extend(fresh)
            self.recent |= {m.uid for m in fresh if m.uid in recent}
            out.append(f"* {len(self.msgs)} EXISTS")
        if len(self.recent) != self.recent_told:  # as Dovecot: whenever the count is not what was told
            self.recent_told = len(self.recent)
            out.append(f"* {self.recent_told} RECENT")
        return "".join(x + "\r\n" for x in out).encode("utf-8", "surrogateescape")

    def _in_step(self) -> bool:
        """True when the view is as the mailbox is: nothing changed through the store since it
        was last synced, and the file not behind its back (one stat per command)."""
        gen = self.store.generation
        if self.generation != gen:
            return False
        if self._unchanged_at != gen:
            if self.store.changed():
                return False
            self._unchanged_at = gen
        return True

    def _as_now(self, chosen):
        """`chosen` (seq, message) with each message's flags as the mailbox has them now: FETCH
        and SEARCH answer from the mailbox, and the change is still announced afterwards."""
        if self._in_step():
            return chosen
        wanted = {m.uid for _, m in chosen}

        def look(box):
            return {u: m for u, m in ((u, self.store.message(box, u)) for u in wanted) if m is not None}
        now = self.store.peek(look)
        gone = self.store.expunged_flags
        for seq, m in chosen:
            if m.uid not in now and m.uid in gone:
                now[m.uid] = m.with_flags(gone[m.uid])
        return [(seq, m if m.uid not in now or now[m.uid].flags == m.flags else now[m.uid]) for seq, m in chosen]

    def cmd_CHECK(self, tag, args):
        self.flush()
        return self._tagged(tag, "OK", "Check completed.", self.updates())

    def cmd_CLOSE(self, tag, args):
        if not self.readonly:
            self._remove_deleted(None)  # silently: CLOSE sends no EXPUNGE (the others will see them)
        self.flush()
        self._leave()
        return self._tagged(tag, "OK", "Close completed.")

    def cmd_UNSELECT(self, tag, args):
        self.flush()
        self._leave()
        return self._tagged(tag, "OK", "Unselect completed.")

    def _remove_deleted(self, only_uids) -> set:
        """Remove every \\Deleted message of the mailbox (as it is now, whoever set the flag)."""
        def drop(box):
            gone = self.store.remove(box, [m.uid for m in box.messages if "\\Deleted" in m.flags
                                           and (only_uids is None or m.uid in only_uids)])
            return gone, bool(gone)
        return self.store.apply(drop)

    def cmd_EXPUNGE(self, tag, args, uid=False):
        if self.readonly:
            raise ImapError("Mailbox is read-only.", "NO")
        only = None
        if uid:
            if not args:
                raise ImapError("Error in IMAP command UID EXPUNGE: Invalid arguments.")
            only = _UidSet(parse_seqset(astr(args[0]), self.msgs[-1].uid if self.msgs else 0))
        self._remove_deleted(only)
        return self._tagged(tag, "OK", "Expunge completed.", self.updates())

    def _select_msgs(self, setspec, uid) -> list[tuple[int, Message]]:
        if uid:  # each range found by bisection over the view's UIDs (ascending)
            ranges = parse_seqset(str(setspec), self.msgs[-1].uid if self.msgs else 0)
            if len(ranges) == 1:
                lo, hi = ranges[0]
                start = bisect.bisect_left(self.msgs, lo, key=uid_of)
                end = bisect.bisect_right(self.msgs, hi, key=uid_of)
                return [(i + 1, self.msgs[i]) for i in range(start, end)]
            picked = set()
            for lo, hi in ranges:
                picked.update(range(bisect.bisect_left(self.msgs, lo, key=uid_of),
                                    bisect.bisect_right(self.msgs, hi, key=uid_of)))
            return [(i + 1, self.msgs[i]) for i in sorted(picked)]
        n = len(self.msgs)
        ranges = parse_seqset(str(setspec), n)
        if any(lo < 1 or lo > n for lo, hi in ranges):
            raise ImapError("Error in IMAP command: Invalid messageset")
        if len(ranges) == 1:
            return [(i, self.msgs[i - 1]) for i in range(ranges[0][0], min(ranges[0][1], n) + 1)]
        seqs = sorted({i for lo, hi in ranges for i in range(lo, min(hi, n) + 1)})
        return [(i, self.msgs[i - 1]) for i in seqs]

    def _change_flags(self, uids, how: str, names) -> tuple[dict, bool]:
        """Apply +FLAGS/-FLAGS/FLAGS to `uids` in the mailbox itself, under its lock, as a delta:
        a flag another session set on the same message meanwhile stays. Returns each UID's
        flags after the change (UIDs no longer in the mailbox are absent) and whether a new
        keyword joined the mailbox's list."""
        def change(box):
            before = len(box.keywords)
            flags = canonical_flags(names, box.keywords)  # even -FLAGS names a keyword into the list, as Dovecot
            result, changes = {}, {}
            for uid in sorted(uids):
                m = self.store.message(box, uid)
                if m is None:
                    continue
                new = m.flags | flags if how == "+FLAGS" else m.flags - flags if how == "-FLAGS" else frozenset(flags)
                if new != m.flags:
                    changes[uid] = new
                result[uid] = m
            # in memory now (new entries), in the file at the next flush
            result.update((m.uid, m) for m in self.store.set_flags(box, changes))
            if not changes and len(box.keywords) != before:
                self.store.flags_changed([])  # the others learn the new keyword
            return result, len(box.keywords) != before, list(box.keywords)
        result, new_keyword, keywords = self.store.peek(change)
        return result, (keywords if new_keyword else None)

    def cmd_FETCH(self, tag, args, uid=False):
        if len(args) != 2:
            raise ImapError("Error in IMAP command FETCH: Invalid arguments.")
        items = args[1] if isinstance(args[1], list) else [args[1]]
        expanded = []
        for it in items:
            expanded += _FETCH_MACROS.get(str(it).upper(), [str(it)])
        ups = [i.upper() for i in expanded]
        if uid and "UID" not in ups:
            expanded.insert(0, "UID")
            ups.insert(0, "UID")
        chosen = self._select_msgs(args[0], uid)
        for item in expanded:  # a bad item is refused before anything is marked \Seen
            self._check_fetch_item(item)
        chosen = self._as_now(chosen)
        seen_now: set = set()
        if not self.readonly and any(_sets_seen(i) for i in ups):
            want = {m.uid for _, m in chosen if "\\Seen" not in m.flags and m.uid not in self.pending_expunge}
            if want:
                result, _ = self._change_flags(want, "+FLAGS", ["\\Seen"])
                seen_now = want & result.keys()
                chosen = [(seq, result[m.uid] if m.uid in seen_now else m) for seq, m in chosen]
                self._mark_told({u: result[u] for u in seen_now})
        texts = None  # the texts asked for, read from the mbox in one go
        if any(i not in _NO_TEXT for i in ups):
            texts = self.store.texts([m.uid for _, m in chosen if m.uid not in self.pending_expunge])
        plan = [(item, up, _SECTION.match(item)) for item, up in zip(expanded, ups)]
        out = [self._fetch_one(seq, m, plan, m.uid in seen_now, texts) for seq, m in chosen]
        text = "Fetch completed."
        # gone meanwhile (its text no longer in the mailbox), or already known gone
        if (texts is not None and any(m.uid not in texts for _, m in chosen)
                or any(m.uid in self.pending_expunge for _, m in chosen)):
            text = "[EXPUNGEISSUED] Some messages were already expunged."
        return self._tagged(tag, "OK", text, b"".join(out) + self._sync(allow_expunge=uid))

    @staticmethod
    def _check_fetch_item(item) -> None:
        up = str(item).upper()
        if up in ("UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY", "BODYSTRUCTURE",
                  "RFC822", "RFC822.HEADER", "RFC822.TEXT"):
            return
        if (up.startswith("BODY[") or up.startswith("BODY.PEEK[")) and _SECTION.match(str(item)):
            return
        if up.startswith("BODY[") or up.startswith("BODY.PEEK["):
            raise ImapError("Error in IMAP command FETCH: Invalid fetch item")
        raise ImapError(f"Error in IMAP command FETCH: Unknown parameter {item}")

    def _fetch_one(self, seq, m: Message, plan, seen_now: bool, texts: dict | None) -> bytes:
        """One message's FETCH response; `plan` is (item, ITEM, section match) per item asked,
        `texts` the message texts read for this FETCH (None: no item needs one; a message
        missing there is gone)."""
        parts: list[bytes] = []
        # expunged by another session, known or found now: its content is NIL (as Dovecot)
        gone = m.uid in self.pending_expunge or (texts is not None and m.uid not in texts)
        raw = None if gone or texts is None else texts[m.uid].replace(b"\n", b"\r\n")
        for item, up, mm in plan:
            if gone and up not in ("UID", "FLAGS"):
                name = up.replace(".PEEK", "") if up.startswith("BODY") else up
                parts.append(f"{name} NIL".encode())
            elif up == "UID":
                parts.append(f"UID {m.uid}".encode())
            elif up == "FLAGS":
                continue  # written first, with \Seen as this command left it
            elif up == "INTERNALDATE":
                parts.append(f'INTERNALDATE "{imap_date(m.internal_date)}"'.encode())
            elif up == "RFC822.SIZE":
                parts.append(f"RFC822.SIZE {m.size}".encode())
            elif up in ("ENVELOPE", "BODY", "BODYSTRUCTURE"):
                if up == "ENVELOPE":
                    text = imapmime.envelope(imapmime.split_header_body(raw)[0])
                else:
                    text = imapmime.bodystructure(imapmime.parse(raw), up == "BODYSTRUCTURE")
                parts.append(f"{up} {text}".encode("utf-8", "surrogateescape"))
            elif up in ("RFC822", "RFC822.HEADER", "RFC822.TEXT"):
                head, body = split_header_body(raw)
                data = {"RFC822": raw, "RFC822.HEADER": head, "RFC822.TEXT": body}[up]
                parts.append(up.encode() + b" " + literal(data))
            else:
                data = body_section(raw, mm.group(2))
                name = f"BODY[{mm.group(2).upper()}]"  # as Dovecot echoes it, whatever the case asked
                if mm.group(3) is not None:
                    start, length = int(mm.group(3)), int(mm.group(4))
                    data = None if data is None else data[start : start + length]
                    name += f"<{start}>"
                parts.append(name.encode() + b" " + (b"NIL" if data is None else literal(data)))
        asked = [up for _, up, _ in plan]
        if "FLAGS" in asked:
            parts.insert(sum(1 for i in asked[: asked.index("FLAGS")] if i != "FLAGS"), f"FLAGS ({self._flags(m)})".encode())
        elif seen_now:
            parts.append(f"FLAGS ({self._flags(m)})".encode())
        # Dovecot's order: the short items as asked (FLAGS where asked, or after them when \Seen
        # was just set), then the sections (literals) as asked
        short = [p for p in parts if not _is_section(p)]
        return f"* {seq} FETCH (".encode() + b" ".join(short + [p for p in parts if _is_section(p)]) + b")\r\n"

    def _mark_told(self, told: dict) -> None:
        """The client was just told the flags of these entries (uid -> entry): the view holds them now."""
        for uid, m in told.items():
            i = find(self.msgs, uid)
            if i is not None:
                self.msgs[i] = m

    def _flags(self, m: Message) -> str:
        return " ".join(ordered_flags(m.flags, self.keywords_shown, m.uid in self.recent))

    def cmd_STORE(self, tag, args, uid=False):
        if len(args) < 3 or self.readonly:
            raise ImapError("Mailbox is read-only." if self.readonly else "Error in IMAP command STORE: Invalid arguments.",
                            "NO" if self.readonly else "BAD")
        how = astr(args[1]).upper()
        silent = how.endswith(".SILENT")
        how = how.replace(".SILENT", "")
        if how not in ("+FLAGS", "-FLAGS", "FLAGS"):
            raise ImapError("Error in IMAP command STORE: Invalid arguments.")
        names = args[2] if isinstance(args[2], list) else args[2:]
        names = [astr(f) for f in names]
        _check_system_flags(names, "STORE")
        chosen = self._select_msgs(args[0], uid)
        result, keywords = self._change_flags({m.uid for _, m in chosen if m.uid not in self.pending_expunge}, how, names)
        # expunged by another session since this one last looked: gone here too, not yet told
        self.pending_expunge |= {m.uid for _, m in chosen if m.uid not in result}
        out = []
        if keywords is not None:  # a new keyword: the client learns it before seeing it on a message
            self.keywords_shown = keywords
            out += [x + "\r\n" for x in self._flag_lines(keywords)]
        for seq, m in chosen:
            if m.uid in self.pending_expunge:  # gone: the client's copy changes, as Dovecot's does
                f = canonical_flags(names, list(self.keywords_shown))
                m = m.with_flags(m.flags | f if how == "+FLAGS" else m.flags - f if how == "-FLAGS" else f)
            else:
                m = result[m.uid]
            self.msgs[seq - 1] = m
            if not silent:
                extra = f" UID {m.uid}" if uid else ""
                out.append(f"* {seq} FETCH (FLAGS ({self._flags(m)}){extra})\r\n")
        return self._tagged(tag, "OK", "Store completed.", "".join(out).encode() + self._sync(allow_expunge=uid))

    def cmd_COPY(self, tag, args, uid=False):
        done = self._copy(tag, args, uid, "COPY")
        if isinstance(done, Response):
            return done
        chosen, validity, src_uids, dst_uids = done
        code = f"[COPYUID {validity} {_uid_set(src_uids)} {_uid_set(dst_uids)}] " if chosen else ""
        return self._tagged(tag, "OK", f"{code}Copy completed.", self.updates())

    def cmd_MOVE(self, tag, args, uid=False):
        """RFC 6851: COPY, then the originals expunged at once, as Dovecot answers it."""
        done = self._copy(tag, args, uid, "MOVE")
        if isinstance(done, Response):
            return done
        chosen, validity, src_uids, dst_uids = done
        moved = set(src_uids)

        def drop(box):
            return None, bool(self.store.remove(box, moved))
        untagged = b""
        if chosen:
            self.store.apply(drop)
            untagged = f"* OK [COPYUID {validity} {_uid_set(src_uids)} {_uid_set(dst_uids)}] Moved UIDs.\r\n".encode()
        return self._tagged(tag, "OK", "Move completed.", untagged + self.updates())

    def cmd_NAMESPACE(self, tag, args):
        return self._tagged(tag, "OK", "Namespace completed.", f'* NAMESPACE (("" "{self.sep}")) NIL NIL\r\n'.encode())

    def _copy(self, tag, args, uid, verb):
        """COPY's work for COPY and MOVE: (chosen, uidvalidity, source UIDs, new UIDs), or the
        Response that ends the command early."""
        if len(args) != 2:
            raise ImapError(f"Error in IMAP command {verb}: Invalid arguments.")
        name = astr(args[1])
        path = self._path(name)
        if not self._exists(name):
            raise ImapError(f"[TRYCREATE] Mailbox doesn't exist: {name}", "NO")
        chosen = self._select_msgs(args[0], uid)
        # the texts are read before the destination is locked (two sessions copying between two
        # mailboxes in opposite directions must not each wait for the other's lock)
        texts = self.store.texts([m.uid for _, m in chosen if m.uid not in self.pending_expunge])
        if any(m.uid not in texts for _, m in chosen):
            return self._tagged(tag, "NO", "[EXPUNGEISSUED] Some of the requested messages no longer exist.", self.updates())
        dest = self._store(path)

        def add(box):
            src_uids, dst_uids = [], []
            for _, m in chosen:  # flags and keywords go with the copy; it is recent where it lands
                box.messages.append(Message(box.uidnext, canonical_flags(m.flags, box.keywords), texts[m.uid],
                                            m.envelope_from, m.internal_date))
                src_uids.append(m.uid)
                dst_uids.append(box.uidnext)
                box.uidnext += 1
            return (box.uidvalidity, src_uids, dst_uids), bool(chosen)
        validity, src_uids, dst_uids = dest.apply(add)
        return chosen, validity, src_uids, dst_uids

    def cmd_SEARCH(self, tag, args, uid=False):
        if args and isinstance(args[0], str) and args[0].upper() == "CHARSET":
            args = args[2:]
        keys = list(args) or ["ALL"]
        self._match_all(keys, 0, Message(0, set(), b"\n", "", datetime.now(timezone.utc)))  # BAD before any hit
        hits = []
        for seq, m in self._as_now(list(enumerate(self.msgs, 1))):
            try:
                if self._match_all(keys, seq, m):
                    hits.append(m.uid if uid else seq)
            except Expunged:  # its text is gone with it: no match
                continue
        return self._tagged(tag, "OK", "Search completed.", f"* SEARCH{''.join(' ' + str(h) for h in hits)}\r\n".encode() + self._sync(allow_expunge=uid))

    def _match_all(self, keys, seq, m) -> bool:
        keys = list(keys)
        ok = True
        while keys:
            ok = self._match_one(keys, seq, m) and ok
        return ok

    def _match_one(self, keys, seq, m) -> bool:
        k = keys.pop(0)
        if isinstance(k, list):
            return self._match_all(k, seq, m)
        K = str(k).upper()
        flag_keys = {"ANSWERED": "\\Answered", "DELETED": "\\Deleted", "FLAGGED": "\\Flagged", "SEEN": "\\Seen", "DRAFT": "\\Draft"}
        if K == "ALL":
            return True
        if K in flag_keys:
            return flag_keys[K] in m.flags
        if K.startswith("UN") and K[2:] in flag_keys:
            return flag_keys[K[2:]] not in m.flags
        if K in ("NEW", "RECENT"):
            return m.uid in self.recent and (K == "RECENT" or "\\Seen" not in m.flags)
        if K == "OLD":
            return m.uid not in self.recent
        if K == "NOT":
            return not self._match_one(keys, seq, m)
        if K == "OR":
            a = self._match_one(keys, seq, m)
            b = self._match_one(keys, seq, m)
            return a or b
        if K in ("KEYWORD", "UNKEYWORD"):
            kw = str(keys.pop(0))
            return (kw.lower() in {f.lower() for f in m.flags}) == (K == "KEYWORD")
        if K in ("LARGER", "SMALLER"):
            n = self._arg(keys)
            if not n.isdigit():
                raise ImapError(f"Error in IMAP command SEARCH: Invalid size {n}")
            n = int(n)
            return m.size > n if K == "LARGER" else m.size < n
        if K == "SUBJECT":
            needle = self._arg(keys).lower()
            return needle in header_text(raw_header(parse_message(m.body), K)).lower()
        if K in ("FROM", "TO", "CC", "BCC"):
            needle = self._arg(keys).lower()
            return any(needle in header_text(_address_text(v)).lower() for v in _all_fields(m, K))
        if K == "HEADER":
            name, needle = self._arg(keys), self._arg(keys).lower()
            return any(needle in header_text(v).lower() for v in _all_fields(m, name))
        if K in ("BODY", "TEXT"):
            needle = self._arg(keys).lower().encode("utf-8", "surrogateescape")
            data = m.body if K == "TEXT" else m.body.partition(b"\n\n")[2]
            return needle in data.lower()
        if K in ("SINCE", "BEFORE", "ON"):
            d, day = parse_date(str(keys.pop(0))), m.internal_date.date()
            return {"SINCE": day >= d, "BEFORE": day < d, "ON": day == d}[K]
        if K in ("SENTSINCE", "SENTBEFORE", "SENTON"):
            d = parse_date(str(keys.pop(0)))
            sent = message_date(parse_message(m.body))
            if sent is None:
                return False
            day = sent.date()
            return {"SENTSINCE": day >= d, "SENTBEFORE": day < d, "SENTON": day == d}[K]
        if K == "UID":
            ranges = parse_seqset(str(keys.pop(0)), self.msgs[-1].uid if self.msgs else 0)
            return in_seqset(m.uid, ranges)
        if re.match(r"^[\d*:,]+$", K):
            return in_seqset(seq, parse_seqset(K, len(self.msgs)))
        raise ImapError(f"Error in IMAP command SEARCH: Unknown argument {k}")

    @staticmethod
    def _arg(keys) -> str:
        if not keys:
            raise ImapError("Error in IMAP command SEARCH: Missing argument")
        v = keys.pop(0)
        if isinstance(v, list):
            raise ImapError("Error in IMAP command SEARCH: Invalid argument")
        return v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)

    def cmd_IDLE(self, tag, args):
        return Response(b"+ idling\r\n" + self.updates(), idle=True)

    def cmd_ENABLE(self, tag, args):
        return self._tagged(tag, "OK", "Enabled.", b"* ENABLED\r\n")
