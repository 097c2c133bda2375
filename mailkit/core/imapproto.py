"""IMAP4rev1 (RFC 3501) parsing and formatting, as pure functions.

Parsers take text and return (value, rest) or raise ImapError, whose reply is what the
client gets. Nothing here touches sockets; core/imapsession.py holds the state machine.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import datetime, timezone
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_to_datetime


class ImapError(Exception):
    """A command the server refuses: kind is BAD or NO, text is the reply text."""

    def __init__(self, text: str, kind: str = "BAD"):
        super().__init__(text)
        self.kind, self.text = kind, text


ATOM_SPECIALS = set('(){ %*"\\]') | {chr(c) for c in range(32)}


_ATOM = re.compile(r'[^ ()"{]+')
_SECTION_TAIL = re.compile(r"<[\d.]+>")


def parse_token(text: str, literals: list[bytes]) -> tuple[object, str]:
    """One argument from the front of text: (value, rest).

    value is an atom or quoted string (str), a literal (bytes: the `{n}` marker stands for
    the next of `literals`, which the server already read and which is consumed here), or a
    parenthesized list (list). A fetch item such as BODY[HEADER.FIELDS (A B)]<0.10> is one
    atom even though it holds spaces and parentheses. Lists are parsed with a stack, not by
    recursion: a line of nested parentheses is bounded by the line length alone.
    """
    text = text.lstrip(" ")
    if not text:
        raise ImapError("Missing argument")
    if text[0] == ")":
        raise ImapError("Unexpected ')'")
    stack: list[list] = []  # the lists still open, innermost last
    rest = text
    while True:
        rest = rest.lstrip(" ") if stack else rest
        if stack and not rest:
            raise ImapError("Missing ')'")
        if rest[0] == "(":
            stack.append([])
            rest = rest[1:]
            continue
        if stack and rest[0] == ")":
            value, rest = stack.pop(), rest[1:]
        else:
            value, rest = _scalar(rest, literals)
        if not stack:
            return value, rest
        stack[-1].append(value)


def _scalar(text: str, literals: list[bytes]) -> tuple[object, str]:
    """An atom, quoted string or literal from the front of text (no leading blanks)."""
    c = text[0]
    if c == ")":
        raise ImapError("Unexpected ')'")
    if c == '"':
        buf, i, n = [], 1, len(text)
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                i += 1
            buf.append(text[i])
            i += 1
        if i >= n:
            raise ImapError("Missing '\"'")
        return "".join(buf), text[i + 1 :]
    if c == "{":
        end = text.find("}")
        size = text[1:end].rstrip("+")
        if end < 0 or not (size.isascii() and size.isdigit()):
            raise ImapError("Invalid literal")
        if not literals:
            raise ImapError("Missing literal")
        return literals.pop(0), text[end + 1 :]
    tok = _ATOM.match(text).group(0)
    if "[" in tok and "]" not in tok:  # a section with spaces or parentheses: up to its "]"
        end = text.find("]")
        if end < 0:
            raise ImapError("Missing ']'")
        tok = text[: end + 1]
        tail = _SECTION_TAIL.match(text, end + 1)
        if tail:
            tok += tail.group(0)
    return tok, text[len(tok) :]


def astr(arg) -> str:
    """An astring argument as text: an atom, a quoted string, or a literal (bytes)."""
    if isinstance(arg, bytes):
        return arg.decode("utf-8", "surrogateescape")
    if isinstance(arg, list):
        raise ImapError("Invalid arguments.")
    return arg


def parse_tokens(line: str, literals: list[bytes] | None = None) -> list:
    """All arguments of a command line, in order (see parse_token)."""
    literals = list(literals or [])
    out, rest = [], line
    while rest.strip(" "):
        value, rest = parse_token(rest, literals)
        out.append(value)
    return out


def parse_seqset(text: str, maximum: int) -> list[tuple[int, int]]:
    """'1:3,5,7:*' -> [(1,3),(5,5),(7,max)]; '*' is the largest number in use."""
    out = []
    if not isinstance(text, str) or not text:
        raise ImapError("Invalid messageset")
    for part in text.split(","):
        a, _, b = part.partition(":")
        try:
            lo = maximum if a == "*" else int(a)
            hi = lo if not b else (maximum if b == "*" else int(b))
        except ValueError:
            raise ImapError("Invalid messageset") from None
        if lo < 0 or hi < 0:
            raise ImapError("Invalid messageset")
        out.append((min(lo, hi), max(lo, hi)))
    return out


def in_seqset(n: int, ranges) -> bool:
    return any(lo <= n <= hi for lo, hi in ranges)


def quote(s: str | None) -> str:
    """An IMAP string: quoted when 7-bit and short, else a literal (its length counted in bytes).

    Header text from core/mailstore carries raw 8-bit bytes as surrogates (compat32), so the
    bytes are counted, and later sent, with surrogateescape.
    """
    if s is None:
        return "NIL"
    b = s.encode("utf-8", "surrogateescape")
    if b"\r" in b or b"\n" in b or b"\0" in b or len(b) > 1000 or not b.isascii():
        return "{%d}\r\n" % len(b) + s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def imap_date(dt: datetime) -> str:
    return dt.strftime("%d-%b-%Y %H:%M:%S %z")


def parse_date(text: str):
    try:
        return datetime.strptime(text, "%d-%b-%Y").date()
    except (ValueError, TypeError):
        raise ImapError("Invalid search date") from None


# -- message structure -------------------------------------------------------------------

def parse_message(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _addr_list(value: str | None) -> str:
    if not value:
        return "NIL"
    parts = []
    for name, addr in getaddresses([value]):
        user, _, host = addr.partition("@")
        parts.append(f"({quote(name) if name else 'NIL'} NIL {quote(user) if user else 'NIL'} {quote(host) if host else 'NIL'})")
    return "(" + "".join(parts) + ")" if parts else "NIL"


def raw_header(msg, name: str) -> str | None:
    """A header's value as stored (8-bit octets kept as surrogates); compat32's get() would
    turn them into U+FFFD."""
    lname = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == lname:
            return value
    return None


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def header_text(value) -> str:
    """A header as a person reads it: RFC 2047 words decoded, raw UTF-8 octets as text."""
    if value is None:
        return ""
    text = unfold(str(value)).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def envelope(msg) -> str:
    def h(name):
        v = raw_header(msg, name)
        return None if v is None else unfold(v).strip()
    frm = h("From")
    sender = h("Sender") or frm
    reply_to = h("Reply-To") or frm
    fields = [quote(h("Date")), quote(h("Subject")), _addr_list(frm), _addr_list(sender), _addr_list(reply_to),
              _addr_list(h("To")), _addr_list(h("Cc")), _addr_list(h("Bcc")), quote(h("In-Reply-To")),
              quote(h("Message-ID"))]
    return "(" + " ".join(fields) + ")"


def _params(part) -> str:
    params = part.get_params()
    if not params or len(params) < 2:
        ctype = part.get_content_maintype()
        return '("charset" "us-ascii")' if ctype == "text" else "NIL"
    return "(" + " ".join(f"{quote(k)} {quote(str(v))}" for k, v in params[1:]) + ")"


def bodystructure(part, extended: bool = True) -> str:
    if part.is_multipart():
        subs = "".join(bodystructure(p, extended) for p in part.get_payload())
        out = f"({subs} {quote(part.get_content_subtype())}"
        if extended:
            out += f" {_params(part)} NIL NIL"
        return out + ")"
    raw = part._payload  # as stored: get_payload() would replace 8-bit octets and change the size
    raw = raw if isinstance(raw, str) else ""
    body = raw.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogateescape")
    maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
    enc = (raw_header(part, "Content-Transfer-Encoding") or "7bit").strip()
    fields = [quote(maintype), quote(subtype), _params(part), quote(raw_header(part, "Content-ID")),
              quote(raw_header(part, "Content-Description")), quote(enc), str(len(body))]
    if maintype == "text":
        fields.append(str(body.count(b"\r\n")))
    if extended:
        fields += ["NIL", "NIL", "NIL"]
    return "(" + " ".join(fields) + ")"


def split_header_body(raw: bytes) -> tuple[bytes, bytes]:
    """raw uses CRLF; returns header including the blank line, and the body."""
    i = raw.find(b"\r\n\r\n")
    if i < 0:
        return raw, b""
    return raw[: i + 4], raw[i + 4 :]


def header_fields(header: bytes, names: list[str], negate: bool = False) -> bytes:
    lines = re.split(rb"\r\n(?![ \t])", header.rstrip(b"\r\n"))
    wanted = {n.lower() for n in names}
    keep = [ln for ln in lines if (ln.split(b":", 1)[0].decode(errors="replace").strip().lower() in wanted) != negate and ln]
    return b"".join(ln + b"\r\n" for ln in keep) + b"\r\n"


def section(raw: bytes, spec: str) -> bytes:
    """The bytes of BODY[spec] of a message (raw with CRLF)."""
    spec = spec.strip()
    if spec == "":
        return raw
    m = re.match(r"^((?:\d+\.)*\d+)?\.?(HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?\s*(\(.*\))?$", spec, re.I)
    if not m:
        raise ImapError("Invalid BODY[..] parameter")
    part_no, what, fields = m.group(1), (m.group(2) or "").upper(), m.group(3)
    data = raw
    if part_no:
        msg = parse_message(raw)
        part = msg
        for n in part_no.split("."):
            if not part.is_multipart():
                if n == "1":
                    continue
                return b""
            payload = part.get_payload()
            idx = int(n) - 1
            if not (0 <= idx < len(payload)):
                return b""
            part = payload[idx]
        text = part.as_bytes(policy=email.policy.compat32.clone(linesep="\r\n"))
        head, body = split_header_body(text)
        if not what:
            return body if part is not msg else split_header_body(raw)[1]
        if what == "MIME":
            return head
        data = text
    head, body = split_header_body(data)
    if what == "HEADER":
        return head
    if what == "TEXT":
        return body
    if what in ("HEADER.FIELDS", "HEADER.FIELDS.NOT"):
        names = parse_tokens(fields[1:-1]) if fields else []
        return header_fields(head, [str(n) for n in names], negate=what.endswith("NOT"))
    return data


def message_date(msg) -> datetime | None:
    try:
        return parsedate_to_datetime(msg.get("Date"))
    except (TypeError, ValueError, IndexError):
        return None


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
