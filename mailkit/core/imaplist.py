"""LIST and LSUB answers as Dovecot 2.3 gives them (pure: names and attributes in, lines out).

RFC 3501's patterns ("*" any depth, "%" one level, INBOX in any case), the extended LIST of
RFC 5258 as far as SPECIAL-USE (RFC 6154) and CHILDREN need it: selection options in
parentheses before the reference, several patterns in parentheses, RETURN options after them.
The special-use attributes come from the mailbox settings of Dovecot's conf.d/15-mailboxes.conf
(`STOCK_SPECIAL_USE`: what a CentOS host ships; a session may be given other settings, with
"Archive" -> "\\Archive" for instance). As Dovecot answers:

- a plain LIST shows each mailbox's attributes with its children attribute and its special use;
- an extended LIST (any of the three additions) shows no children attribute unless RETURN
  (CHILDREN) and no special use unless RETURN (SPECIAL-USE) or the selection option
  SPECIAL-USE, which lists only the mailboxes that have one; an empty pattern lists nothing;
- LSUB shows the special use of a subscribed mailbox.

SUBSCRIBED and STATUS (LIST-EXTENDED, LIST-STATUS) are not offered, and refused as unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .imapproto import ImapError, astr, quote

# conf.d/15-mailboxes.conf of Dovecot 2.3 (CentOS and Debian ship the same): namespace inbox
STOCK_SPECIAL_USE = {"Drafts": "\\Drafts", "Junk": "\\Junk", "Trash": "\\Trash", "Sent": "\\Sent",
                     "Sent Messages": "\\Sent"}
CHILDREN_ATTRIBUTES = ("\\HasChildren", "\\HasNoChildren")
SELECT_OPTIONS = ("SPECIAL-USE", "REMOTE", "RECURSIVEMATCH")
RETURN_OPTIONS = ("SPECIAL-USE", "CHILDREN")


@dataclass
class ListRequest:
    ref: str
    patterns: list = field(default_factory=list)
    extended: bool = False  # RFC 5258 syntax was used: attributes as an extended LIST shows them
    select: set = field(default_factory=set)
    returns: set = field(default_factory=set)


def pattern_regex(pattern: str, sep: str = "/") -> str:
    return "^" + re.escape(pattern).replace(r"\*", ".*").replace("%", f"[^{re.escape(sep)}]*") + "$"


def matches(rx: str, name: str) -> bool:
    return re.match(rx, name, re.I if name.upper() == "INBOX" else 0) is not None


def _options(arg, known, what: str) -> set:
    if any(isinstance(o, (list, bytes)) for o in arg):
        raise ImapError("Error in IMAP command LIST: List options contains non-atoms")
    chosen = {str(o).upper() for o in arg}
    if chosen - set(known):
        raise ImapError(f"Error in IMAP command LIST: Unknown {what} options")
    return chosen


def parse_list(args: list) -> ListRequest:
    """The arguments of LIST as parsed tokens -> ListRequest; ImapError (BAD) in Dovecot's words."""
    rest = list(args)
    req = ListRequest(ref="")
    if rest and isinstance(rest[0], list):  # selection options
        req.select, req.extended = _options(rest.pop(0), SELECT_OPTIONS, "select"), True
        if req.select == {"RECURSIVEMATCH"}:
            raise ImapError("Error in IMAP command LIST: RECURSIVEMATCH must not be the only selection")
    if len(rest) < 2:
        if req.extended:
            raise ImapError("Error in IMAP command LIST: Invalid pattern")
        raise ImapError("Error in IMAP command LIST: Invalid arguments.")
    req.ref = astr(rest.pop(0))
    patterns = rest.pop(0)
    if isinstance(patterns, list):
        req.extended = True
        req.patterns = [astr(p) for p in patterns]
    else:
        req.patterns = [astr(patterns)]
    if rest:
        if len(rest) != 2 or str(rest[0]).upper() != "RETURN" or not isinstance(rest[1], list):
            raise ImapError("Error in IMAP command LIST: Extra arguments")
        req.returns, req.extended = _options(rest[1], RETURN_OPTIONS, "return"), True
    return req


def list_lines(req: ListRequest, mailboxes: dict, special_use: dict, sep: str = "/") -> list[str]:
    """The untagged LIST lines for `req`; `mailboxes` maps each name to its attributes
    (\\Noselect, \\NoInferiors, and \\HasChildren or \\HasNoChildren; a list, or the words in
    one string), in listing order; `sep` is the hierarchy delimiter."""
    if not req.extended and req.patterns == [""]:
        return [f'* LIST (\\Noselect) "{sep}" ""']  # the hierarchy delimiter
    regexes = [pattern_regex(req.ref + p, sep) for p in req.patterns if p != ""]
    show_use = not req.extended or "SPECIAL-USE" in req.select or "SPECIAL-USE" in req.returns
    show_children = not req.extended or "CHILDREN" in req.returns
    out = []
    for name, attrs in mailboxes.items():
        if not any(matches(rx, name) for rx in regexes):
            continue
        use = special_use.get(name)
        if "SPECIAL-USE" in req.select and not use:
            continue
        shown = [a for a in (attrs.split() if isinstance(attrs, str) else attrs)
                 if show_children or a not in CHILDREN_ATTRIBUTES]
        if use and show_use:
            shown.append(use)
        out.append(f'* LIST ({" ".join(shown)}) "{sep}" {quote(name)}')
    return out


def lsub_lines(ref: str, pattern: str, subscribed: list, special_use: dict, sep: str = "/") -> list[str]:
    """The untagged LSUB lines: each subscribed name the pattern matches, with its special use
    ("()" otherwise: Dovecot's LSUB names no children attributes), and a parent of one where
    the pattern's "%" stops short of it listed \\Noselect (RFC 3501 6.3.9), unless subscribed
    itself."""
    if pattern == "":
        return [f'* LSUB (\\Noselect) "{sep}" ""']
    rx = pattern_regex(ref + pattern, sep)
    names = {s: special_use.get(s, "") for s in subscribed}
    for s in subscribed:
        if matches(rx, s):
            continue
        parts = s.split(sep)
        for i in range(len(parts) - 1, 0, -1):
            parent = sep.join(parts[:i])
            if parent not in names and matches(rx, parent):
                names[parent] = "\\Noselect"
    return [f'* LSUB ({attrs}) "{sep}" {quote(n)}' for n, attrs in names.items() if matches(rx, n)]
