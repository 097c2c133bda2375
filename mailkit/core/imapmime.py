"""A message's MIME tree on its exact bytes, for IMAP's BODY[section] (RFC 3501 6.4.5, RFC 2046).

The stdlib `email` parser reads the header fields (unfolding, RFC 2231 parameters), but the
parts themselves are cut from the raw bytes here, so every BODY[...] is byte for byte what the
message holds, as Dovecot serves it:
- BODY[n] of a message/rfc822 part is the whole encapsulated message (header and body);
  BODY[n.HEADER], [n.TEXT], [n.HEADER.FIELDS (...)] are that message's; BODY[n.m] goes on
  into its parts.
- a part of a multipart/digest with no Content-Type is message/rfc822 (RFC 2046 5.1.5).
- the CRLF before a boundary line belongs to the boundary (RFC 2046 5.1.1).
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import re
from dataclasses import dataclass, field

MAX_DEPTH = 50  # deeper nesting is read as opaque text (a hostile message must not recurse for ever)
MAX_PARTS = 10_000  # parts beyond this many are not split further (bounded work per message)


@dataclass
class Part:
    header: bytes  # the header lines and the blank line after them (CRLF)
    body: bytes
    maintype: str = "text"
    subtype: str = "plain"
    children: list = field(default_factory=list)  # the parts of a multipart
    message: "Part | None" = None  # the encapsulated message of a message/rfc822 part
    boundary: str | None = None


def split_header_body(raw: bytes) -> tuple[bytes, bytes]:
    """Header (with the blank line) and body. A message without a blank line is all header,
    unless it starts with one."""
    if raw.startswith(b"\r\n"):
        return b"\r\n", raw[2:]
    i = raw.find(b"\r\n\r\n")
    if i < 0:
        return raw, b""
    return raw[: i + 4], raw[i + 4 :]


def _content_type(header: bytes, default: str) -> tuple[str, str, str | None]:
    """(maintype, subtype, boundary) as the stdlib reads the Content-Type field (folded lines
    and RFC 2231 continuations included); `default` when the field is missing."""
    fields = email.message.Message()
    fields.set_default_type(default)
    value = _field(header, "Content-Type")
    if value is not None:
        fields["Content-Type"] = _uncomment(value)
    main, _, sub = fields.get_content_type().partition("/")
    boundary = fields.get_param("boundary") if main == "multipart" else None
    if isinstance(boundary, tuple):  # RFC 2231 (charset, language, value)
        boundary = email.utils.collapse_rfc2231_value(boundary)
    if boundary is not None:
        boundary = re.sub(r"\r?\n[ \t]", " ", str(boundary))
    return main, sub, boundary


def _uncomment(value: str) -> str:
    """A structured field value without its (comments), quoted strings kept."""
    out, depth, quoted, i = [], 0, False, 0
    while i < len(value):
        c = value[i]
        if c == "\\" and (quoted or depth):
            if not depth:
                out.append(value[i : i + 2])
            i += 2
            continue
        if quoted:
            quoted = c != '"'
            out.append(c)
        elif c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif not depth:
            quoted = c == '"'
            out.append(c)
        i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _split_multipart(body: bytes, boundary: str) -> list[tuple[int, int]]:
    """(start, end) of the parts between the boundary lines; the CRLF before each boundary
    line is the boundary's. Without a close delimiter the last part runs to the end."""
    delim = b"--" + boundary.encode("utf-8", "surrogateescape")
    parts, start = [], None
    for m in re.finditer(rb"(?m)^" + re.escape(delim) + rb"(--)?[ \t]*\r?$", body):
        if start is not None:
            end = m.start()
            if body[end - 2 : end] == b"\r\n":
                end -= 2
            parts.append((start, max(end, start)))
        if m.group(1):
            return parts
        nl = body.find(b"\n", m.end())
        start = len(body) if nl < 0 else nl + 1
    if start is not None:
        parts.append((start, len(body)))
    return parts


def _keeps_last_crlf(raw: bytes, default: str) -> bool:
    """Whether the line break before the next boundary line belongs to this part, as Dovecot's
    line-based parser has it: when the part's multipart (or its encapsulated message's) ends on
    its own close delimiter line, or its encapsulated message is all header (that message
    itself still ends before the line break)."""
    def in_header(data: bytes) -> bool:
        return bool(data) and b"\r\n\r\n" not in data and not data.startswith(b"\r\n")
    header, body = split_header_body(raw)
    main, sub, boundary = _content_type(header, default)
    if main == "message" and sub == "rfc822":
        if in_header(body):
            return True
        header, body = split_header_body(body)
        main, sub, boundary = _content_type(header, "text/plain")
    if main != "multipart" or not boundary:
        return False
    return body.rstrip(b" \t").endswith(b"--" + boundary.encode("utf-8", "surrogateescape") + b"--")


def parse(raw: bytes, default: str = "text/plain", depth: int = 0, budget: list | None = None,
          inner_trim: int = 0) -> Part:
    budget = [MAX_PARTS] if budget is None else budget
    budget[0] -= 1
    header, body = split_header_body(raw)
    main, sub, boundary = _content_type(header, default)
    part = Part(header, body, main, sub, boundary=boundary)
    if depth >= MAX_DEPTH or budget[0] <= 0:
        return part
    if main == "multipart" and not boundary:
        part.children = [Part(b"", b"")]  # as Dovecot: one empty text/plain part
    elif main == "multipart" and boundary:
        child_default = "message/rfc822" if sub == "digest" else "text/plain"
        for start, end in _split_multipart(body, boundary) or [(len(body), len(body))]:
            if budget[0] <= 0:
                break
            trim = 0
            if body[end : end + 2] == b"\r\n" and _keeps_last_crlf(body[start:end], child_default):
                end, trim = end + 2, 2
            part.children.append(parse(body[start:end], child_default, depth + 1, budget, trim))
    elif main == "message" and sub == "rfc822":
        inner = body
        if inner_trim and b"\r\n\r\n" not in body and not body.startswith(b"\r\n"):
            inner = body[:-inner_trim]  # all header: the line break was counted to the part only
        part.message = parse(inner, "text/plain", depth + 1, budget)
    return part


def _subpart(message: Part, n: int) -> Part | None:
    """Part n of a message: a child of a multipart, or the message itself as its one part."""
    if message.children:
        return message.children[n - 1] if 1 <= n <= len(message.children) else None
    return message if n == 1 else None


def find(top: Part, numbers: list[int]) -> Part | None:
    """The part a section number names ("2.1" -> [2, 1]); None when there is none. Past a
    message/rfc822 part the numbers go on in the encapsulated message. As Dovecot reads them,
    part 1 of a leaf part is the part itself, but the one part of a single-part message has
    no part 1."""
    cur = _subpart(top, numbers[0])
    sealed = not top.children
    for n in numbers[1:]:
        if cur is None:
            return None
        if cur.message is not None:
            cur, sealed = _subpart(cur.message, n), not cur.message.children
        elif cur.children:
            cur, sealed = (cur.children[n - 1] if 1 <= n <= len(cur.children) else None), False
        elif sealed or n != 1:
            return None
        else:
            sealed = True  # a leaf's part 1 is the leaf; it has no part 1.1
    return cur


# -- BODY and BODYSTRUCTURE (RFC 3501 7.4.2), as Dovecot 2.3 writes them ----------------------

def quote(s: str | None) -> str:
    """An IMAP string as Dovecot writes one: quoted, or a literal when it holds a quote or a
    backslash or a control character such as a TAB (or what imapproto.quote sends as a literal:
    8-bit, length)."""
    from .imapproto import quote as imap_quote
    if s is not None and ('"' in s or "\\" in s or any(c < " " for c in s)):
        s = s.replace("\t", " ")  # Dovecot's literal shows a folded TAB as a space
        return "{%d}\r\n" % len(s.encode("utf-8", "surrogateescape")) + s
    return imap_quote(s)


def _field(header: bytes, name: str) -> str | None:
    """A header field's value, unfolded (CRLF before white space removed), as stored."""
    m = re.search(rb"(?im)^" + re.escape(name.encode()) + rb"[ \t]*:(.*(?:\r?\n[ \t].*)*)", header)
    if not m:
        return None
    return re.sub(r"\r?\n(?=[ \t])", "", m.group(1).decode("utf-8", "surrogateescape")).strip()


def _params(value: str | None) -> tuple[str | None, list[tuple[str, str]]]:
    """'type/sub; a=1; b="x y"' -> ("type/sub", [("a", "1"), ("b", "x y")]), parameters as
    written (RFC 2231 names such as name* kept, as Dovecot shows them)."""
    if value is None:
        return None, []
    value = _uncomment(value)
    items = re.findall(r'\s*((?:[^;"]|"(?:[^"\\]|\\.)*")*)(?:;|$)', value)
    head, params = (items[0].strip() if items else ""), []
    for item in items[1:]:
        key, eq, val = item.strip().partition("=")
        if not eq or not key.strip():
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = re.sub(r"\\(.)", r"\1", val[1:-1])
        params.append((key.strip(), val))
    return head, _join_continuations(params)


def _join_continuations(params):
    """RFC 2231 continuations (boundary*0, boundary*1, ...) joined into one parameter, as
    Dovecot shows them; "name*0*" segments make "name*" (the value stays encoded)."""
    out, joined = [], {}
    for key, val in params:
        m = re.match(r"^(.+)\*(\d+)(\*?)$", key.lower())
        if not m:
            out.append([key, val])
            continue
        base = m.group(1)
        if base not in joined:
            joined[base] = [base, {}, False]
            out.append(joined[base])
        joined[base][1][int(m.group(2))] = val
        joined[base][2] = joined[base][2] or bool(m.group(3))
    result = []
    for item in out:
        if isinstance(item[1], dict):
            base, segments, encoded = item
            result.append((base + ("*" if encoded else ""), "".join(segments[i] for i in sorted(segments))))
        else:
            result.append((item[0], item[1]))
    return result


def _plist(params) -> str:
    return "(" + " ".join(f"{quote(k)} {quote(v)}" for k, v in params) + ")" if params else "NIL"


def _extension(header: bytes) -> list[str]:
    disp, dparams = _params(_field(header, "Content-Disposition"))
    disposition = f"({quote(disp)} {_plist(dparams)})" if disp else "NIL"
    language = _field(header, "Content-Language")
    languages = [x.strip() for x in _uncomment(language).split(",") if x.strip()] if language else []
    langs = "(" + " ".join(quote(x) for x in languages) + ")" if languages else "NIL"
    return [disposition, langs, quote(_field(header, "Content-Location"))]


def bodystructure(part: Part, extended: bool = True) -> str:
    from .imapproto import envelope, parse_message
    ctype, params = _params(_field(part.header, "Content-Type"))
    main, _, sub = (ctype or "").partition("/")
    if not main or part.maintype == "multipart" and main.lower() != "multipart" or (
            part.maintype == "message" and main.lower() != "message"):
        main, sub, params = part.maintype, part.subtype, (params if ctype else [])  # a default type
    if part.children:
        subs = "".join(bodystructure(c, extended) for c in part.children)
        out = f"({subs} {quote(sub)}"
        if extended:
            out += " " + " ".join([_plist(params)] + _extension(part.header))
        return out + ")"
    is_text = main.lower() == "text"
    if is_text and not any(k.lower() == "charset" for k, _ in params):
        params = params + [("charset", "us-ascii")]
    fields = [quote(main), quote(sub), _plist(params), quote(_field(part.header, "Content-ID")),
              quote(_field(part.header, "Content-Description")),
              quote(_field(part.header, "Content-Transfer-Encoding") or "7bit"), str(len(part.body))]
    if part.message is not None:
        inner = part.message
        fields += [envelope(parse_message(inner.header + inner.body)), bodystructure(inner, extended),
                   str(part.body.count(b"\n"))]
    elif is_text:
        fields.append(str(part.body.count(b"\n")))
    if extended:
        fields += [quote(_field(part.header, "Content-MD5"))] + _extension(part.header)
    return "(" + " ".join(fields) + ")"


# -- ENVELOPE (RFC 3501 7.4.2), addresses read as RFC 5322 and Dovecot read them ---------------

_TOKEN = re.compile(r'\s+|"(?:[^"\\]|\\.)*"?|\(|\)|<[^>]*>?|[,:;]|[^\s()<>,:;"]+', re.S)


def _comment_end(text: str, i: int) -> int:
    depth = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        depth += c == "("
        depth -= c == ")"
        i += 1
        if depth == 0:
            break
    return i


def address_list(value: str | None) -> str:
    """An address field as ENVELOPE lists it: (name adl mailbox host) per address, a group as
    (NIL NIL "group" NIL) ... (NIL NIL NIL NIL); the display name as written (quotes off,
    comments out; a comment names an address that has no display name)."""
    if not value:
        return "NIL"
    value = re.sub(r"\r?\n(?=[ \t])", "", value)
    out, words, comments, angle = [], [], [], None

    def finish():
        nonlocal words, comments, angle
        if angle is not None:
            spec, name = angle, " ".join(words) or (comments[-1] if comments else "")
        elif words:
            spec, name = "".join(words), (comments[-1] if comments else "")
        else:
            words, comments, angle = [], [], None
            return
        route = re.match(r"^(@[^:]*):", spec.strip())  # an obsolete source route: the "adl"
        spec = spec.strip()[route.end():] if route else spec.strip()
        box, at, host = spec.rpartition("@") if "@" in spec else (spec, "", "")
        adl = quote(route.group(1)) if route else "NIL"
        out.append(f"({quote(name) if name else 'NIL'} {adl} {quote(box) if box else 'NIL'} {quote(host) if host else 'NIL'})")
        words, comments, angle = [], [], None

    i = 0
    while i < len(value):
        if value[i] == "(":
            end = _comment_end(value, i)
            comments.append(value[i + 1 : end - 1].strip())
            i = end
            continue
        m = _TOKEN.match(value, i)
        tok = m.group(0)
        i = m.end()
        if tok.isspace():
            continue
        if tok == ":" and angle is None:
            out.append(f"(NIL NIL {quote(' '.join(words))} NIL)")
            words, comments = [], []
        elif tok == ";":
            finish()
            out.append("(NIL NIL NIL NIL)")
        elif tok == ",":
            finish()
        elif tok.startswith("<"):
            angle = tok[1:-1] if tok.endswith(">") else tok[1:]
        elif tok.startswith('"'):
            words.append(re.sub(r"\\(.)", r"\1", tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]))
        elif tok != ")":
            words.append(tok)
    finish()
    return "(" + "".join(out) + ")" if out else "NIL"


def envelope(header: bytes) -> str:

    def h(name):
        v = _field(header, name)
        return v if v is not None else None
    frm = h("From")
    fields = [quote(h("Date")), quote(h("Subject")), address_list(frm), address_list(h("Sender") or frm),
              address_list(h("Reply-To") or frm), address_list(h("To")), address_list(h("Cc")), address_list(h("Bcc")),
              quote(h("In-Reply-To")), quote(h("Message-ID"))]
    return "(" + " ".join(fields) + ")"
