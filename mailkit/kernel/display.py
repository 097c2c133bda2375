"""Rich display objects: each one reads well as text/plain and carries one JSON form.

The JSON forms (docs/architecture.md, "Rich output") are what the JupyterLab renderers draw.
nbval compares them raw, so every value in them is either fixed text or comes from the host's
clock (queue ids, times); nothing here reads the wall clock or a random source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header

from ..core.mailq import format_mailq, queue_time, sender_shown
from ..core.queue import QueueEntry, split_message

DIALOGUE_MIME = "application/vnd.mailkit.dialogue+json"
QUEUE_MIME = "application/vnd.mailkit.queue+json"
MESSAGE_MIME = "application/vnd.mailkit.message+json"
TRACE_MIME = "application/vnd.mailkit.trace+json"
ADDRTEST_MIME = "application/vnd.mailkit.addrtest+json"

# RFC 5321 section 4.2: what each SMTP reply code means, in a learner's words.
SMTP_CODES = {
    "211": "System status",
    "214": "Help message",
    "220": "Service ready",
    "221": "Service closing transmission channel",
    "235": "Authentication succeeded",
    "250": "Requested action okay",
    "251": "User not local; will forward",
    "252": "Cannot verify user, but will accept and attempt delivery",
    "334": "Server challenge (AUTH in progress)",
    "354": "Start mail input; end with <CRLF>.<CRLF>",
    "421": "Service not available, closing channel",
    "450": "Mailbox unavailable, try again later",
    "451": "Local error in processing, try again later",
    "452": "Insufficient system storage, try again later",
    "454": "Temporary authentication failure",
    "500": "Syntax error, command unrecognized",
    "501": "Syntax error in parameters or arguments",
    "502": "Command not implemented",
    "503": "Bad sequence of commands",
    "504": "Command parameter not implemented",
    "530": "Authentication required",
    "535": "Authentication credentials invalid",
    "550": "Mailbox unavailable / policy refusal",
    "551": "User not local",
    "552": "Exceeded storage allocation (message too big)",
    "553": "Mailbox name not allowed",
    "554": "Transaction failed",
}

# RFC 3463 enhanced status codes that the course's dialogues show.
ENHANCED_CODES = {
    "2.0.0": "success",
    "2.1.0": "sender ok",
    "2.1.5": "recipient ok",
    "2.5.2": "VRFY not allowed",
    "4.7.0": "temporary policy refusal",
    "5.0.0": "permanent failure",
    "5.1.1": "no such mailbox",
    "5.2.1": "mailbox disabled",
    "5.2.3": "message too long",
    "5.5.0": "bad command sequence",
    "5.5.1": "command unrecognized",
    "5.7.0": "not allowed by policy",
    "5.7.1": "delivery not authorized",
}

POP3_REPLIES = {"+OK": "Success", "-ERR": "Error"}
IMAP_STATUS = {
    "OK": "Command completed",
    "NO": "Command failed",
    "BAD": "Command not understood (protocol error)",
    "PREAUTH": "Already authenticated",
    "BYE": "Server is closing the connection",
}

# What a client line asks for (the verb), so a dialogue reads as a lesson.
CLIENT_VERBS = {
    "smtp": {
        "HELO": "Say hello (plain SMTP)",
        "EHLO": "Say hello and ask for ESMTP extensions",
        "MAIL": "Envelope sender",
        "RCPT": "Envelope recipient",
        "DATA": "Start sending the message",
        ".": "End of the message",
        "RSET": "Forget the current transaction",
        "NOOP": "Do nothing (keep alive)",
        "VRFY": "Ask whether a user exists",
        "EXPN": "Ask what a list expands to",
        "QUIT": "Close the session",
        "HELP": "Ask for help",
        "STARTTLS": "Start TLS encryption",
        "AUTH": "Authenticate",
    },
    "pop3": {
        "USER": "User name", "PASS": "Password", "STAT": "Count and size of messages",
        "LIST": "List messages and sizes", "RETR": "Retrieve a message",
        "DELE": "Mark a message for deletion", "TOP": "Headers and first lines of a message",
        "UIDL": "Unique ids of messages", "NOOP": "Do nothing", "RSET": "Undo deletions",
        "QUIT": "Delete marked messages and close", "CAPA": "List capabilities",
    },
    "imap": {
        "LOGIN": "Log in", "SELECT": "Open a mailbox", "EXAMINE": "Open a mailbox read-only",
        "FETCH": "Get message data", "STORE": "Change flags", "SEARCH": "Find messages",
        "EXPUNGE": "Remove messages flagged \\Deleted", "LOGOUT": "Close the session",
        "LIST": "List mailboxes", "CAPABILITY": "List capabilities", "NOOP": "Do nothing",
        "CLOSE": "Close the mailbox (expunging)", "UID": "Command by unique id",
        "STATUS": "Mailbox status", "CREATE": "Create a mailbox", "DELETE": "Delete a mailbox",
        "COPY": "Copy messages",
    },
}

_SMTP_REPLY = re.compile(r"^(\d{3})(?:[ -]|$)(?:(\d\.\d{1,3}\.\d{1,3})\b)?")


def explain_reply(service: str, text: str) -> tuple[str, str]:
    """(code, short English meaning) of one server line of an SMTP, POP3 or IMAP dialogue."""
    if service == "pop3":
        for tok, meaning in POP3_REPLIES.items():
            if text.startswith(tok):
                return tok, meaning
        return "", "Data (message or listing line)" if text != "." else "End of multi-line reply"
    if service == "imap":
        parts = text.split(" ", 2)
        if parts[0] == "+":
            return "+", "Continue: server waits for more from the client"
        if len(parts) >= 2 and parts[1].upper() in IMAP_STATUS:
            status = parts[1].upper()
            if parts[0] == "*":
                return status, ("Greeting: " if status == "OK" else "") + IMAP_STATUS[status]
            return status, IMAP_STATUS[status]
        if parts[0] == "*":
            return "*", "Untagged data"
        return "", ""
    m = _SMTP_REPLY.match(text)
    if not m:
        return "", ""
    code, enhanced = m.group(1), m.group(2)
    meaning = SMTP_CODES.get(code) or {
        "2": "Success", "3": "Waiting for more input", "4": "Temporary failure, try again later",
        "5": "Permanent failure",
    }.get(code[0], "")
    if enhanced in ENHANCED_CODES and enhanced != "2.0.0":  # 2.0.0 adds nothing to "okay"
        meaning += f" ({enhanced}: {ENHANCED_CODES[enhanced]})"
    return code, meaning


def explain_command(service: str, text: str) -> str:
    verb = text.split(" ", 2)
    if service == "imap" and len(verb) >= 2:  # "a1 LOGIN bob secret": the tag comes first
        verb = verb[1:]
    word = verb[0].upper().split(":")[0] if verb and verb[0] else ""
    return CLIENT_VERBS.get(service, {}).get(word, "")


def _bundle(plain: str, mime: str, payload: dict, include=None, exclude=None) -> dict:
    data = {"text/plain": plain, mime: payload}
    if include:
        data = {k: v for k, v in data.items() if k in include}
    if exclude:
        data = {k: v for k, v in data.items() if k not in exclude}
    return data


@dataclass
class Dialogue:
    """A client/server exchange: `lines` are (who, text) with who "server" or "client"."""

    service: str  # "smtp", "pop3", "imap"
    host: str
    port: int
    lines: list = field(default_factory=list)
    # text/plain as a terminal showed it (telnet's "Trying ..." lines); default "S: "/"C: " lines
    transcript: str | None = None

    def add(self, who: str, text: str) -> None:
        self.lines.append((who, text))

    def rows(self) -> list[dict]:
        out = []
        in_data = False  # message text sent after 354 is not a command
        for who, text in self.lines:
            if who == "server":
                code, explain = explain_reply(self.service, text)
                if code == "354":
                    in_data = True
            else:
                code = ""
                if in_data:
                    explain = CLIENT_VERBS["smtp"]["."] if text == "." else ""
                    in_data = text != "."
                else:
                    explain = explain_command(self.service, text)
            out.append({"from": who, "text": text, "code": code, "explain": explain})
        return out

    def to_json(self) -> dict:
        return {"service": self.service, "host": self.host, "port": self.port, "lines": self.rows()}

    def __str__(self) -> str:
        if self.transcript is not None:
            return self.transcript
        return "\n".join(("S: " if who == "server" else "C: ") + text for who, text in self.lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(str(self), DIALOGUE_MIME, self.to_json(), include, exclude)


@dataclass
class QueueTable:
    """A mail queue: text/plain is exactly what `mailq` prints for it."""

    queue: str
    entries: list = field(default_factory=list)  # core.queue.QueueEntry
    tz: object = None  # the host's zone, as mailq prints times in it
    locked: frozenset = frozenset()  # ids of jobs a runner is on now (mailq's `*`)

    @classmethod
    def load(cls, world, queue_dir: str = "/var/spool/mqueue", tz=None) -> "QueueTable":
        from ..core import queue as q
        from ..core.mailq import locked_ids, printq_order

        lister = getattr(q, "list_queue", None)
        entries = printq_order(list(lister(world, queue_dir) if lister else q.Queue(world, queue_dir).entries()))
        return cls(queue_dir, entries, tz, locked_ids(world.path(queue_dir), entries))

    def rows(self) -> list[dict]:
        return [queue_row(e, self.tz, e.qid in self.locked) for e in self.entries]

    def to_json(self) -> dict:
        # text: what mailq prints, which the renderer shows first (the exam reads that layout)
        return {"queue": self.queue, "total": len(self.entries), "rows": self.rows(), "text": str(self).rstrip("\n")}

    def __str__(self) -> str:
        return format_mailq(self.queue, self.entries, self.tz, locked=self.locked)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # a display adds its own line end; mailq's final newline would show as a blank line
        return _bundle(str(self).rstrip("\n"), QUEUE_MIME, self.to_json(), include, exclude)


def queue_row(e: QueueEntry, tz=None, locked: bool = False) -> dict:
    """locked: a runner is on this job now (mailq's `*` after the id)."""
    return {"id": e.qid, "size": e.body_size, "time": queue_time(e, tz), "sender": sender_shown(e),
            "recipients": list(e.recipients), "reason": e.message, "locked": locked}


def decode_header_value(value: str) -> str:
    """'=?UTF-8?B?...?=' -> readable text (Korean subjects are sent encoded)."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # a malformed encoded word: show it as it came
        return value


@dataclass
class Message:
    """One message of a mailbox: headers in order (unfolded, decoded) and the body text."""

    mailbox: str
    index: int
    headers: list = field(default_factory=list)  # [(name, value)]
    body: str = ""

    @classmethod
    def from_bytes(cls, mailbox: str, index: int, data: bytes) -> "Message":
        headers, body = split_message(data)
        headers = [(k, decode_header_value(" ".join(v.split()))) for k, v in headers]
        return cls(mailbox, index, headers, body.decode("utf-8", "replace"))

    def header(self, name: str, default: str = "") -> str:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def to_json(self) -> dict:
        return {"mailbox": self.mailbox, "index": self.index,
                "headers": [[k, v] for k, v in self.headers], "body": self.body}

    def __str__(self) -> str:
        head = "".join(f"{k}: {v}\n" for k, v in self.headers)
        return f"Message {self.index} of {self.mailbox}\n{head}\n{self.body}".rstrip("\n") + "\n"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(str(self), MESSAGE_MIME, self.to_json(), include, exclude)


@dataclass
class TraceView:
    """The path of one message, step by step (core.trace.Step or dicts with agent/what/ok).
    On a network each step names its host and queue id there, and `hops` lists the hosts
    in order ([{"host", "qid"}] or core.trace.Hop)."""

    message_id: str
    steps: list = field(default_factory=list)
    hops: list = field(default_factory=list)

    def rows(self) -> list[dict]:
        out = []
        for s in self.steps:
            d = s if isinstance(s, dict) else s.to_dict()
            row = {"agent": d["agent"], "what": d["what"], "ok": bool(d["ok"]),
                   "reached": bool(d.get("reached", True))}
            if d.get("host"):
                row.update(host=d["host"], qid=d.get("qid") or "")
            out.append(row)
        return out

    def hop_rows(self) -> list[dict]:
        return [h if isinstance(h, dict) else {"host": h.host, "qid": h.qid or ""} for h in self.hops]

    def to_json(self) -> dict:
        data = {"message_id": self.message_id, "steps": self.rows()}
        if self.hops:
            data["hops"] = self.hop_rows()
        return data

    def __str__(self) -> str:
        lines = [f"Trace of {self.message_id}"]
        host = None
        for i, r in enumerate(self.rows()):
            if r.get("host") and r["host"] != host:
                host = r["host"]
                lines.append(f"[{host}]" + (f" queue id {r['qid']}" if r.get("qid") else ""))
            mark = "ok " if r["ok"] else ("-- " if not r["reached"] else "!! ")
            arrow = "   " if i == 0 else "-> "
            lines.append(f"{arrow}{r['agent']:<9} {mark}{r['what']}")
        return "\n".join(lines) + "\n"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(str(self), TRACE_MIME, self.to_json(), include, exclude)


@dataclass
class AddressTest:
    """`sendmail -bt`: the text test mode printed (text/plain, what nbval compares) and, for the
    Lab, the rulesets each input line ran with the rules that fired (core.bttrace)."""

    text: str
    payload: dict

    def __str__(self) -> str:
        return self.text

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(self.text, ADDRTEST_MIME, self.payload, include, exclude)
