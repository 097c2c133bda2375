"""Address rewriting on the way out: the envelope sender and the headers of a message as one
mailer sends them, run through the world's sendmail.cf as sendmail 8.17 does it.

- `remotename(rules, name, mailer, flags, env)` is sendmail's remotename() (parseaddr.c): the
  address through ruleset 3, then 1 (a sender) or 2 (a recipient), then the mailer's own
  ruleset (S= for senders, R= for recipients; the part after "/" for header addresses) and
  ruleset 4; the phrase and comments around it are put back (`crackaddr`). This is where
  masquerading (MASQUERADE_AS, FEATURE(`masquerade_envelope')) and FEATURE(`genericstable')
  act, and where an unqualified name gets `$j` (the `Dj` macro) or the masquerade name.
- `outgoing(world, cfg, mailer, sender, header_block)` applies it to one message: the envelope
  sender as sendmail's deliver() does (RF_SENDERADDR|RF_CANONICAL: the MAIL FROM of esmtp, the
  `-f` and Return-Path of the local mailer), and every address header (From, Sender, Reply-To,
  Errors-To, To, Cc, Bcc, Apparently-To, their Resent- forms) as putheader()/commaize() write
  them: each address rewritten, the list joined with ", " and folded before column 78. The
  sender's domain is added to unqualified header addresses (RF_ADDDOMAIN) only when the
  sender's own mailer has F=C, as in sendmail.

Answers are remembered per compiled cf and map state (core/rulecache.py): the MTA asks the same
questions for every message of a sender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import rulecache, rules

RF_SENDERADDR, RF_HEADERADDR, RF_CANONICAL, RF_ADDDOMAIN = 0x001, 0x002, 0x004, 0x008
MACRO_G = "\0g"  # where crackaddr() put the address: sendmail's "\201g" ($g)
MAXNAME = 256
MUST_QUOTE_ALWAYS = "@,;:\\()[]"  # O MustQuoteChars adds to these; unset, it adds ".'"

# Header fields whose values are address lists (sendmail's HdrInfo, conf.c): senders (H_FROM)
# and recipients (H_RCPT); Bcc is H_RCPT|H_BCC.
SENDER_FIELDS = frozenset({"resent-sender", "resent-from", "resent-reply-to", "sender", "from", "reply-to",
                           "errors-to", "disposition-notification-to"})
RECIPIENT_FIELDS = frozenset({"to", "resent-to", "cc", "resent-cc", "bcc", "resent-bcc", "apparently-to"})
BCC_FIELDS = frozenset({"bcc", "resent-bcc"})


# --- crackaddr -----------------------------------------------------------------------

def crackaddr(addr: str, must_quote: str = MUST_QUOTE_ALWAYS + ".'", colon_ok: bool = False) -> str:
    """The address with its mailbox replaced by $g (MACRO_G), the phrase, comments and group
    syntax kept or quoted as sendmail's crackaddr() (headers.c) leaves them; "<$g>" when the
    result would not fit in MAXNAME."""
    out: list[str] = []
    bufend = MAXNAME
    lim = [bufend]  # buflim: lowered while a closing quote, paren or angle is owed

    class _TooLong(Exception):
        pass

    def room() -> bool:
        return len(out) < lim[0] <= bufend

    def put(ch: str) -> None:
        if not room():
            raise _TooLong
        out.append(ch)

    n = len(addr)
    p = 0
    try:
        while p < n and addr[p].isspace():
            put(addr[p])
            p += 1
        start = p  # sendmail's addr, past the leading white space
        bufhead = len(out)
        addrhead = p
        copylev = anglelev = cmtlev = realcmtlev = bracklev = 0
        qmode = realqmode = addangle = False
        putgmac = quoteit = gotangle = gotcolon = False

        def back_over_spaces(q: int) -> int:
            """From the index of a ':' or '<', back over the white space before it (p ends
            just after the last character that is not space)."""
            q -= 1
            while q > start:
                q -= 1
                if not addr[q].isspace():
                    break
            return q + 1

        def phrase(p: int, empty_at: int, stop: str) -> int:
            """At a ':' or '<': the text before it (from addrhead) is a phrase; written again
            over what was copied, quoted when it has to be, with the ':' or '<' after it."""
            del out[bufhead:]
            if quoteit:
                put('"')
                p = back_over_spaces(p)
            for q in range(addrhead, p):
                if quoteit and addr[q] == '"':
                    put("\\")
                put(addr[q])
            if quoteit:
                if len(out) == empty_at:  # nothing before it: no empty quotes
                    out.pop()
                else:
                    put('"')
                while True:
                    ch = addr[p]
                    p += 1
                    put(ch)
                    if ch == stop:
                        break
            return p

        while p < n:
            c = addr[p]
            p += 1
            if copylev > 0:
                put(c)
            goto_putg = False
            if c == "\\":
                if cmtlev <= 0 and not qmode:
                    quoteit = True
                if p >= n:
                    goto_putg = True
                else:
                    c = addr[p]
                    p += 1
                    if copylev > 0:
                        put(c)
                    goto_putg = True
            if not goto_putg:
                if c == '"' and cmtlev <= 0:
                    qmode = not qmode
                    if copylev > 0 and room():
                        lim[0] += -1 if realqmode else 1
                        realqmode = not realqmode
                    continue
                if qmode:
                    goto_putg = True
            if not goto_putg:
                if c == "(":
                    cmtlev += 1
                    if room():
                        lim[0] -= 1
                        realcmtlev += 1
                        if copylev <= 0:
                            if len(out) != bufhead:
                                put(" ")
                            put(c)
                        copylev += 1
                if cmtlev > 0:
                    if c == ")":
                        cmtlev -= 1
                        copylev -= 1
                        if room():
                            realcmtlev -= 1
                            lim[0] += 1
                    continue
                elif c == ")":
                    if copylev > 0 and room() and len(out) > bufhead:
                        out.pop()
                if c == "[":
                    bracklev += 1
                elif c == "]":
                    bracklev -= 1
                if c == ":" and anglelev <= 0 and bracklev <= 0 and not gotcolon and not colon_ok:
                    nxt = addr[p] if p < n else ""
                    if nxt and nxt in ":.":  # DECnet host::user or :. syntax
                        if cmtlev <= 0 and not qmode:
                            quoteit = True
                        if copylev > 0:
                            put(c)
                            put(nxt)
                        p += 1
                        goto_putg = True
                    else:
                        gotcolon = True
                        p = phrase(p, bufhead + 1, ":")
                        while p < n and addr[p].isspace():  # white space after it is the group's
                            put(addr[p])
                            p += 1
                        copylev = 0
                        putgmac = quoteit = False
                        bufhead = len(out)
                        addrhead = p
                        continue
            if not goto_putg:
                if c == ";" and copylev <= 0 and not colon_ok:
                    put(c)
                if c in must_quote and cmtlev <= 0 and not qmode:
                    quoteit = True
                if c == "<":
                    if gotangle:  # the first of two angles is taken for a bogus one
                        quoteit = True
                    gotangle = True
                    anglelev = 1
                    if room():
                        if not addangle:
                            lim[0] -= 1
                        addangle = True
                    p = phrase(p, 1, "<")
                    copylev = 0
                    putgmac = quoteit = False
                    continue
                if c == ">":
                    if anglelev > 0:
                        anglelev -= 1
                        if room():
                            if addangle:
                                lim[0] += 1
                            addangle = False
                    elif room():  # an unmatched '>'
                        if copylev > 0 and len(out) > bufhead:
                            out.pop()
                        quoteit = True
                        continue
                    if copylev <= 0:
                        put(c)
                    copylev += 1
                    continue
            # putg: a character of the address itself
            if copylev <= 0 and not putgmac:
                if out and out[-1] == ")":
                    put(" ")
                put(MACRO_G[0])
                put(MACRO_G[1])
                putgmac = True
        if realqmode and len(out) < bufend:
            out.append('"')
        while realcmtlev > 0 and len(out) < bufend:
            out.append(")")
            realcmtlev -= 1
        if addangle and len(out) < bufend:
            out.append(">")
        if len(out) < bufend:
            return "".join(out)
    except _TooLong:
        pass
    return "<" + MACRO_G + ">"


def show_cracked(text: str) -> str:
    """A crackaddr() result as `sendmail -bt` prints it: "$g" where the address goes."""
    return text.replace(MACRO_G, "$g")


# --- remotename ----------------------------------------------------------------------

@dataclass
class Remote:
    text: str  # the address as the mailer gets it
    status: int = rules.EX_OK  # EX_TEMPFAIL when a map lookup failed for now
    errors: list = field(default_factory=list)  # prescan's complaints ("553 Unbalanced '<'")


def quoting(rs: rules.Rules) -> tuple[str, bool]:
    """MustQuoteChars and ColonOkInAddr of a compiled cf (kept with it)."""
    q = getattr(rs, "_quoting", None)
    if q is None:
        opts = rs.options
        mq = opts.get("MustQuoteChars")
        must = MUST_QUOTE_ALWAYS + (mq if mq is not None else ".'")
        colon = (opts.get("ColonOkInAddr") or "").strip()[:1].lower() in ("t", "y")
        q = rs._quoting = (must, colon)
    return q


def mailer_ruleset(m: rules.Mailer, flags: int) -> str | None:
    if flags & RF_SENDERADDR:
        return m.s_hdr if flags & RF_HEADERADDR else m.s_env
    return m.r_hdr if flags & RF_HEADERADDR else m.r_env


def remotename(rs: rules.Rules, name: str, m: rules.Mailer, flags: int, env: rules.Env,
               trace: rules.Trace | None = None, fromdomain: list | None = None) -> Remote:
    """`name` as mailer `m` gets it (sendmail's remotename()). `flags`: RF_SENDERADDR,
    RF_HEADERADDR, RF_CANONICAL (no phrase or comment kept: an envelope address),
    RF_ADDDOMAIN (with `fromdomain`, the "@ domain" tokens to add to an unqualified name)."""
    env.macros["addr_type"] = ("h" if flags & RF_HEADERADDR else "e") + " " + (
        "s" if flags & RF_SENDERADDR else "r")
    if flags & RF_CANONICAL or "c" in m.flags:
        fancy = MACRO_G
    else:
        fancy = crackaddr(name, *quoting(rs))
    scan = rs.tokens_of(name)
    if scan.tokens is None or any("Unbalanced '('" in e for e in scan.errors):
        return Remote(name, rules.EX_OK, scan.errors)
    status = rules.EX_OK

    def run(toks, ruleset) -> list:
        nonlocal status
        num = ruleset if isinstance(ruleset, int) else rs.ruleset_number(ruleset)
        if num is None:
            return toks
        res = rs.rewrite(toks, num, env, trace)
        if res.status == rules.EX_TEMPFAIL:
            status = rules.EX_TEMPFAIL
        return res.tokens

    toks = run(scan.tokens, 3)
    errors = list(scan.errors)
    if flags & RF_ADDDOMAIN and fromdomain and "@" not in toks:
        if len(toks) + len(fromdomain) >= rules.MAX_ATOMS:
            errors.append("553 5.1.0 remotename: too many tokens")
            status = rules.EX_UNAVAILABLE
        else:
            toks = run(toks + list(fromdomain), 3)
    toks = run(toks, 1 if flags & RF_SENDERADDR else 2)
    rwset = mailer_ruleset(m, flags)
    if rwset:
        num = rs.ruleset_number(rwset)
        if num:  # ruleset 0 (a name the cf lacks) is not run
            toks = run(toks, num)
    toks = run(toks, 4)
    g = rules.cataddr(toks, rs.table, rs.spacesub)
    if flags & RF_CANONICAL and g.startswith("@"):
        text = "<" + g + ">"  # a route-addr keeps its angle brackets
    else:
        text = fancy.replace(MACRO_G, g)
    return Remote(text[:MAXNAME], status, errors)


# --- one message for one mailer ------------------------------------------------------

def _cached_remotename(rs, m, name: str, flags: int, host: str, fromdomain: tuple, sig=None) -> Remote:
    def compute() -> Remote:
        env = rules.Env({"h": host}, classes=dict(rulecache.DAEMON_CLASSES))
        try:
            return remotename(rs, name, m, flags, env, fromdomain=list(fromdomain))
        except rules.RuleError:
            return Remote(name, rules.EX_CONFIG)
    return rulecache.remember(rs, ("remotename", m.name, flags, name, host, fromdomain), compute, sig)


def envelope_address(sender: str) -> str:
    """mailkit's envelope sender ("" for <>) as sendmail holds it (q_paddr: "<a@b>")."""
    return f"<{sender}>"


def from_domain(rs: rules.Rules, sender: str, sig=None) -> tuple:
    """The "@ domain" tokens of the sender when its own mailer has F=C (sendmail's
    e_fromdomain, made by setsender()); () otherwise, as for every mailer of the stock cf."""
    def compute() -> tuple:
        env = rules.Env(classes=dict(rulecache.DAEMON_CLASSES))
        try:
            toks = rs.tokens_of(envelope_address(sender)).tokens
            if toks is None:
                return ()
            parsed = rules.build_address(rs, rs.rewrite(rs.rewrite(toks, 3, env).tokens, 0, env).tokens,
                                         env, sender=True)
            m = rs.mailers.get(parsed.mailer)
            if m is None or "C" not in m.flags:
                return ()
            # setsender() runs 3, 1, 4 for $f, then 3, 1, 4 again on that for the domain
            env.macros["addr_type"] = "e s"
            for num in (3, 1, 4, 3, 1, 4):
                toks = rs.rewrite(toks, num, env).tokens
        except rules.RuleError:
            return ()
        last = max((i for i, t in enumerate(toks) if t == "@"), default=None)
        return tuple(toks[last:]) if last is not None else ()
    return rulecache.remember(rs, ("fromdomain", sender), compute, sig)


def envelope_sender(rs: rules.Rules, m: rules.Mailer, sender: str, host: str = "", sig=None) -> str:
    """The sender as mailer `m` gets it in its envelope (MAIL FROM, `-f`, Return-Path):
    sendmail's remotename(sender, m, RF_SENDERADDR|RF_CANONICAL), without angle brackets."""
    text = _cached_remotename(rs, m, envelope_address(sender), RF_SENDERADDR | RF_CANONICAL, host, (), sig).text
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    return text


_FIELD = re.compile(rb"([^\s:]+)[ \t]*:")


def _fields(lines: list[bytes]) -> list[list[bytes]]:
    """Header lines grouped per field (a field and its continuation lines); a line that is
    neither (the blank line, the body) starts a group of its own that is kept as it is."""
    groups: list[list[bytes]] = []
    for ln in lines:
        if ln[:1] in (b" ", b"\t") and groups and _FIELD.match(groups[-1][0]):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return groups


def _old_style(rs: rules.Rules, fields) -> bool:
    """sendmail's EF_OLDSTYLE: O OldStyleHeaders, cleared by any address header with a
    ",", "(", "<" or ";" in it (then addresses are separated by commas, not spaces)."""
    if (rs.options.get("OldStyleHeaders") or rs.options.get("o") or "").strip()[:1].lower() not in ("t", "y"):
        return False
    return not any(ch in value for _, value in fields for ch in ",(<;")


def denlstring(s: str) -> str:
    """sendmail's denlstring(s, false, ...): newlines out unless each starts a folded line."""
    if "\n" not in s or all(s[i + 1:i + 2] in (" ", "\t") for i, ch in enumerate(s) if ch == "\n"):
        return s
    return s.replace("\n", " ")


def line_limit(m: rules.Mailer) -> int:
    """commaize()'s right margin: the mailer's L= less 2, at most 78."""
    try:
        limit = int(m.equates.get("L") or 990)
    except ValueError:
        limit = 990
    omax = limit - 2
    return 78 if omax < 0 or omax > 78 else omax


def split_names(value: str, table, oldstyle: bool) -> list[str]:
    """The addresses of a header value, as commaize() finds them: prescan up to the next ","
    (a space for an old-style list, where "user @ host" still goes on past the spaces)."""
    names = []
    p, n = 0, len(value)
    delim = " " if oldstyle else ","

    def blank(i: int) -> bool:  # white space, a comma, or the end of the text
        return i >= n or value[i].isspace() or value[i] == ","

    while p < n:
        while p < n and (value[p].isspace() or value[p] == ","):
            p += 1
        if p >= n:
            break
        name = p
        while True:
            scan = rules.prescan(value[p:], table, delim=delim)
            res_ok = scan.tokens is not None
            oldp = min(n, p + scan.stop) if scan.stop >= 0 else n
            q = oldp
            while q < n and value[q].isspace():
                q += 1
            if q >= n or value[q] != "@":
                p = oldp
                break
            q += 1
            while q < n and value[q].isspace():
                q += 1
            p = q
        e = p
        while e >= name and blank(e):  # strip the white space and commas at its end
            e -= 1
        e += 1
        if e == name:
            p = name + 1
            continue
        if not res_ok and e > name and not blank(e):
            e -= 1
        names.append(value[name:e])
        p = e
    return names


def commaize(rs: rules.Rules, m: rules.Mailer, fname: str, value: str, flags: int, oldstyle: bool,
             host: str, fromdomain: tuple, sig=None) -> str:
    """One address header as sendmail writes it for mailer `m` (headers.c commaize())."""
    out = fname + ":"
    opos = min(len(fname) + 1, 201)
    spaces = len(value) - len(value.lstrip())
    value = value[spaces:]
    out += " " * spaces
    opos += spaces
    omax = line_limit(m)
    first = True
    for name in split_names(value, rs.table, oldstyle):
        text = _cached_remotename(rs, m, name, flags, host, fromdomain, sig).text
        if not text:
            continue
        text = denlstring(text)
        opos += len(text) + (0 if first else 2)
        if opos > omax and not first:
            out += ",\n"
            out += "        "
            opos = 8 + len(text)
        elif not first:
            out += ", "
        out += text
        first = False
    return out


def _address_fields(header_block: bytes):
    """(crlf, groups, fields): the header's lines grouped per field, and for each address
    field (index of its group, name as written, value) in order; the header ends at the first
    line that is no field."""
    crlf = b"\r\n" in header_block
    lines = (header_block.replace(b"\r\n", b"\n") if crlf else header_block).splitlines(keepends=True)
    groups = _fields(lines)
    fields = []
    for i, g in enumerate(groups):
        mt = _FIELD.match(g[0])
        if mt is None:
            break
        fname = mt.group(1).decode("latin-1")
        if fname.lower() in SENDER_FIELDS or fname.lower() in RECIPIENT_FIELDS:
            value = b"".join(g)[mt.end():].decode("utf-8", "surrogateescape")
            fields.append((i, fname, value[:-1] if value.endswith("\n") else value))
    return crlf, groups, fields


def _rewrite_fields(rs, m, sender: str, host: str, fields: tuple, sig) -> list:
    """The new text of each address field (None: the field is left out), as putheader()
    writes them for mailer `m`."""
    oldstyle = _old_style(rs, fields)
    fromdomain = from_domain(rs, sender, sig)
    delete_bcc = any(f.lower() in ("to", "cc", "apparently-to") for f, _ in fields)
    out = []
    for fname, value in fields:
        low = fname.lower()
        if low in BCC_FIELDS:  # a Bcc: goes out empty, or not at all beside To:/Cc:
            out.append(None if delete_bcc else fname + ":")
            continue
        flags = RF_HEADERADDR | RF_ADDDOMAIN | (RF_SENDERADDR if low in SENDER_FIELDS else 0)
        out.append(commaize(rs, m, fname, value, flags, oldstyle and low not in SENDER_FIELDS, host,
                            fromdomain, sig))
    return out


def rewrite_headers(rs: rules.Rules, m: rules.Mailer, header_block: bytes, sender: str, host: str = "",
                    sig=None) -> bytes:
    """The header block with every address field as sendmail's putheader() writes it for
    mailer `m`; other fields, and anything after the header, byte for byte as given."""
    crlf, groups, fields = _address_fields(header_block)
    if not fields:
        return header_block
    key = tuple((fname, value) for _, fname, value in fields)
    texts = rulecache.remember(rs, ("headers", m.name, sender, host, key),
                               lambda: _rewrite_fields(rs, m, sender, host, key, sig), sig)
    new = {i: text for (i, _, _), text in zip(fields, texts)}
    out: list[bytes] = []
    for i, g in enumerate(groups):
        if i not in new:
            out += g
        elif new[i] is not None:
            out.append(new[i].encode("utf-8", "surrogateescape") + (b"\n" if g[-1].endswith(b"\n") else b""))
    block = b"".join(out)
    return block.replace(b"\n", b"\r\n") if crlf else block


def for_mailer(world, cfg, mailer: str, message, sender: str):
    """(message, sender) as `mailer` gets them (a core/message.Message): the local mailer's
    `-f` and Return-Path, and the header with its addresses rewritten; the same objects when
    nothing changes."""
    head = message.head()
    new_sender, block = outgoing(world, cfg, mailer, sender, head + b"\n")
    if block != head + b"\n":
        message = message.with_head(block[:-1])
    return message, new_sender


def outgoing(world, cfg, mailer: str, sender: str, header_block: bytes, host: str = "") -> tuple[str, bytes]:
    """The envelope sender and the header block as `mailer` sends them (the cf's rulesets 3,
    1/2, the mailer's S=/R= and 4, as sendmail's deliver() and putheader() apply them).
    `sender` is an envelope sender without angle brackets ("" for <>); `host` the host the
    message goes to ($h, which some rules read). A cf the engine cannot run, or a mailer it
    does not define, leaves both unchanged."""
    rs = rulecache.rules_for(world, cfg)
    m = rs.mailers.get(mailer) if rs is not None else None
    if m is None:
        return sender, header_block
    sig = rulecache.signature(rs) if rs.world is not None else None  # one look at the maps per message
    return envelope_sender(rs, m, sender, host, sig), rewrite_headers(rs, m, header_block, sender, host, sig)
