"""sendmail's rewriting rules, run as sendmail 8.17 runs them.

A sendmail.cf is a program: S lines open rulesets, R lines are rules `LHS<tab>RHS<tab>comment`.
`compile_cf(world, cf)` turns the cf's rulesets, classes, macros, maps and mailers into a
`Rules` object once; `Rules.rewrite(tokens, ruleset, env)` runs one ruleset on an address's
tokens exactly as sendmail's `rewrite()` does (parseaddr.c):

- tokens come from `prescan()` (sendmail's state machine: OperatorChars ($o) and `()<>,;` are
  one-character tokens, quoted strings are one token, (comments) are dropped, white space
  separates, an unbalanced `<` `"` `(` is closed and reported);
- the LHS matches with `$*` (zero or more tokens), `$+` (one or more), `$-` (exactly one),
  `$@` (zero), `$=X` / `$~X` (a phrase in / one token not in class X), literal tokens
  compared without case; the first match is the one sendmail's backtracking finds (each
  wildcard as short as possible, the latest one extended first);
- the RHS copies `$n`, expands `$&x` at run time (macros `$x` are expanded when the cf is
  read, as sendmail does), then does `$[ host $]` and `$( map key $@ arg $: default $)`
  lookups, then `$>ruleset` calls (the last call first, each on the rest of the workspace);
  `$:` applies a rule once, `$@` returns, otherwise a rule is retried until it no longer
  matches (at most 100 times: "Infinite loop in ruleset"); calls nest at most 50 deep;
- `$#mailer $@ host $: user` is what ruleset 0 and the check_* rulesets return.

Tokens are str; the cf's operators in a workspace are 2-character strings "\\0#" ($#),
"\\0@" ($@), "\\0:" ($:), "\\0|" ($|), "\\0>" ($>), "\\0[" "\\0]" "\\0(" "\\0)" , which no
address token can be (prescan stops at NUL). `show(tokens)` prints them as sendmail does.

For the MTA: `run(rules, "check_rcpt", tokens, env)`, `parse_address(world, cfg, addr)`
-> `Parsed(mailer, host, user)` (rulesets 3 and 0, then 2, the mailer's R= ruleset and 4 on
the user, as sendmail's parseaddr/buildaddr do).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from . import rulemaps
from .cf import CfFile, parse_cf
from .hosts import DEFAULT_HOSTNAME, HOSTNAME_FILE, hostname_of
from .world import SENDMAIL_CF, World

# sysexits.h values sendmail reports as ruleset and map status
EX_OK, EX_USAGE, EX_DATAERR, EX_NOHOST, EX_UNAVAILABLE = 0, 64, 65, 68, 69
EX_SOFTWARE, EX_TEMPFAIL, EX_CONFIG = 70, 75, 78

MAX_REWRITES = 100  # one rule applied more often than this in a row: "Infinite loop"
MAX_RECURSION = 50  # MAXRULERECURSION
MAX_ATOMS = 200  # MAXATOM: tokens of one workspace
MAX_NAME = 256  # MAXNAME: a token or an address
MAX_RULESETS = 200  # MAXRWSETS; numbers below 100 are the cf's own, named sets count down

CANONNET, CANONHOST, CANONUSER = "\0#", "\0@", "\0:"
CALLSUBR, CONDELSE = "\0>", "\0|"
HOSTBEGIN, HOSTEND, LOOKUPBEGIN, LOOKUPEND = "\0[", "\0]", "\0(", "\0)"

MACHINE_HOSTNAME = DEFAULT_HOSTNAME  # what gethostname() says on a host alone
DELIMCHARS = "()<>,;\r\n"

# prescan's character types and states
OPR, ATM, QST, SPC, ONE, ILL = range(6)
_M, _B = 0o20, 0o40
_STATE = [
    [OPR | _B, ATM | _B, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M | _B],
    [OPR | _B, ATM, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M | _B],
    [QST, QST, OPR, QST, QST, QST],
    [OPR, ATM, QST, SPC | _M, ONE, ILL | _M | _B],
    [OPR, OPR, OPR, OPR, OPR, ILL | _M | _B],
    [OPR | _B, ATM | _B, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M],
]


class RulesError(ValueError):
    """A cf line the engine cannot compile ("sendmail.cf: line N: reason")."""


def token_table(operators: str) -> list[int]:
    """prescan's TokTypeTab with the cf's OperatorChars (and DELIMCHARS) made operators."""
    tab = [ATM] * 256
    for c in " \t\n\r\x0b\x0c":
        tab[ord(c)] = SPC
    tab[ord('"')] = QST
    tab[ord("(")] = tab[ord(")")] = SPC
    for c in operators + DELIMCHARS:
        if ord(c) < 256 and tab[ord(c)] == ATM:
            tab[ord(c)] = OPR
    return tab


@dataclass
class Scan:
    tokens: list[str] | None  # None: the address is refused
    errors: list[str] = field(default_factory=list)  # "553 Unbalanced '<'" ...
    rest: str = ""  # what follows the delimiter (delim=",": the next address)
    stop: int = -1  # where scanning stopped: the delimiter's index, or the length of the text


def prescan(addr: str, table: list[int], delim: str = "\0", comments: bool = True,
            ignore: bool = False) -> Scan:
    """Split an address into tokens as sendmail's prescan() does (parseaddr.c)."""
    addr = addr.split("\0", 1)[0]
    toks: list[str] = []
    errors: list[str] = []
    p, n = 0, len(addr)
    state = ATM
    c: str | None = None  # the lookahead character (None: NOCHAR)
    bslash = route = False
    cmnt = angle = 0
    while True:
        tok: list[str] = []
        while True:
            if c is not None and not bslash:
                tok.append(c)
            if p < n:
                c = addr[p]
                p += 1
            else:
                c = ""
            if c == "":
                if ignore:
                    break
                if state == QST:
                    errors.append("553 Unbalanced '\"'")
                    c = '"'
                elif cmnt > 0:
                    errors.append("553 Unbalanced '('")
                    c = ")"
                elif angle > 0:
                    c = ">"
                    errors.append("553 Unbalanced '<'")
                else:
                    break
            elif c == delim and cmnt <= 0 and state != QST:
                if angle <= 0:
                    break
                if delim == "," and not route:
                    errors.append("553 Unbalanced '<'")
                    c = ">"
                    p -= 1
            if bslash:
                bslash = False
                if cmnt > 0:
                    c = None
                    continue
                if c != "!" or state == QST:
                    tok.append("\\")
                    continue
            if c == "\\":
                bslash = True
            elif state == QST:
                pass
            elif comments and c == "(" and table[40] == SPC:
                cmnt += 1
                c = None
            elif comments and c == ")" and table[40] == SPC:
                if cmnt <= 0:
                    if not ignore:
                        errors.append("553 Unbalanced ')'")
                        c = None
                else:
                    cmnt -= 1
            elif cmnt > 0:
                c = None
            elif c == "<":
                angle += 1
                route = addr[p:].lstrip(" \t\r\n").startswith("@")
            elif c == ">":
                if angle <= 0:
                    if not ignore:
                        errors.append("553 Unbalanced '>'")
                        c = None
                else:
                    angle -= 1
                route = False
            if c is None:
                continue
            if c == delim and angle <= 0 and state != QST:
                break
            o = ord(c)
            ctype = table[o] if o < 256 else ATM
            if not comments and c in "()":
                ctype = OPR
            new = _STATE[state][ctype]
            state = new & 0o17
            if state == ILL:
                errors.append(f"553 Illegal character {c}")
            if new & _M:
                c = None
            if new & _B:
                break
        if tok:
            t = "".join(tok)
            if len(t) > MAX_NAME:
                errors.append("553 5.1.0 prescan: token too long")
                return Scan(None, errors, "", p)
            if len(toks) >= MAX_ATOMS:
                errors.append("553 5.1.0 prescan: too many tokens")
                return Scan(None, errors, "", p)
            toks.append(t)
        if c == "" or (c == delim and angle <= 0):
            break
    at_delim = c == delim and delim != "\0"
    rest = addr[p:] if at_delim else ""
    return Scan(toks, errors, rest, p - 1 if at_delim else len(addr))


def show(tokens) -> str:
    """A workspace as sendmail -bt prints it: tokens separated by one space."""
    return " ".join(show_token(t) for t in tokens)


def visible(text: str) -> str:
    """8-bit characters as sendmail's xputs shows them: each byte over 127 as M-x (cat -v)."""
    if text.isascii():
        return text
    out = []
    for b in text.encode("utf-8", errors="surrogateescape"):
        if b < 0x80:
            out.append(chr(b))
            continue
        c = b - 0x80
        out.append("M-" + ("^" + chr(c + 64) if c < 32 else "^?" if c == 127 else chr(c)))
    return "".join(out)


def show_token(t: str) -> str:
    if t[:1] != "\0":
        return visible(t)
    body = t[1:]
    if body[:1] in "=~&" and len(body) > 2:
        return "$" + body[0] + "{" + body[1:] + "}"
    return "$" + body


def cataddr(tokens, table: list[int], spacesub: str = " ") -> str:
    """Tokens glued back into a string; `spacesub` between two atoms (sendmail's cataddr)."""
    out: list[str] = []
    prev_atom = False
    for t in tokens:
        first = ord(t[0]) if t else 0
        atom = bool(t) and t[0] != "\0" and (first >= 256 or table[first] == ATM)
        if prev_atom and atom and spacesub:
            out.append(spacesub)
        out.append(t)
        prev_atom = atom
    return "".join(out)


def stripquotes(s: str) -> str:
    """Remove double quotes and backslash escapes (sendmail's stripquotes)."""
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            out.append(s[i + 1])
            i += 2
            continue
        if ch != '"':
            out.append(ch)
        i += 1
    return "".join(out)


# --- macros ---------------------------------------------------------------------------

_MACRO_RE = re.compile(r"\$(?:\{([^}]*)\}|(.))", re.S)


def expand(text: str, macros: dict[str, str], depth: int = 0) -> str:
    """Expand $x, ${name} and $?x ... $| ... $. in a string (sendmail's expand())."""
    if "$" not in text or depth > 10:
        return text
    out: list[str] = []
    skip: list[bool] = []  # one entry per open $? conditional: True while its text is dropped
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 >= n:
            if not any(skip):
                out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "?":
            name, i = _macro_name(text, i + 2)
            skip.append(not macros.get(name))
            continue
        if nxt == "|" and skip:
            skip[-1] = not skip[-1]
            i += 2
            continue
        if nxt == "." and skip:
            skip.pop()
            i += 2
            continue
        if nxt == "$":
            if not any(skip):
                out.append("$")
            i += 2
            continue
        name, j = _macro_name(text, i + 1)
        if not any(skip):
            out.append(expand(macros.get(name, ""), macros, depth + 1))
        i = j
    return "".join(out)


def _macro_name(text: str, i: int) -> tuple[str, int]:
    if i < len(text) and text[i] == "{":
        end = text.find("}", i)
        if end < 0:
            return text[i + 1 :], len(text)
        return text[i + 1 : end], end + 1
    return text[i : i + 1], i + 1


# --- compiled rules ------------------------------------------------------------------

@dataclass
class Rule:
    lineno: int
    lhs: tuple  # pattern elements: ("L", lowered token) ("Z",) ("P",) ("O",) ("E",) ("C", cls) ("N", cls)
    rhs: tuple  # ("T", token) ("R", n) ("D", macro)
    mode: str  # "" (retry), ":" (once), "@" (return)
    lhs_text: tuple  # the tokens as =S prints them
    rhs_text: tuple

    called: bool = False  # its $>"name" ran once: sendmail strips the quotes in place
    has_call: bool = False
    has_lookup: bool = False
    required: frozenset = frozenset()  # literal LHS tokens: a workspace without one cannot match

    def rhs_display(self) -> list[str]:
        """The RHS as sendmail shows it: a $>"name" has lost its quotes once the call ran."""
        toks = list(self.rhs_text)
        if self.called:
            toks = [stripquotes(t) if k and toks[k - 1] == CALLSUBR else t for k, t in enumerate(toks)]
        return toks


@dataclass
class Mailer:
    name: str
    equates: dict
    flags: str
    s_env: str | None = None
    s_hdr: str | None = None
    r_env: str | None = None
    r_hdr: str | None = None


@dataclass
class Env:
    """What one run sees besides the rules: run-time macros (client_addr, deliveryMode...),
    classes added at run time (-bt .C), and where map lookups happen."""

    macros: dict = field(default_factory=dict)
    classes: dict = field(default_factory=dict)  # name -> set of lower-cased words (added to the cf's)
    errors: list = field(default_factory=list)  # what sendmail would syserr() (a config error)

    def macro(self, rules: "Rules", name: str) -> str | None:
        if name in self.macros:
            return self.macros[name]
        return rules.macros.get(name)


@dataclass
class Trace:
    """Collects sendmail -bt's "name input:"/"name returns:" lines."""

    lines: list = field(default_factory=list)
    steps: bool = False  # -d21.12: each rule tried, matched, and what it rewrote to

    def enter(self, name: str, tokens) -> None:
        self.lines.append(f"{name[:16]:<16}   input:" + (" " + show(tokens) if tokens else ""))

    def leave(self, name: str, tokens) -> None:
        self.lines.append(f"{name[:16]:<16} returns:" + (" " + show(tokens) if tokens else ""))

    def error(self, text: str) -> None:
        self.lines.append(text)


def syserr(env: "Env", trace: "Trace | None", text: str) -> None:
    """A configuration error found while running: sendmail logs it and goes on (test mode
    prints it where it happens, without the reply codes)."""
    env.errors.append(text)
    if trace is not None:
        trace.lines.append(text)


class RuleError(Exception):
    """A run-time error sendmail reports with syserr (unknown ruleset, infinite loop...)."""

    def __init__(self, text: str, status: int = EX_CONFIG):
        super().__init__(text)
        self.text, self.status = text, status


@dataclass
class Result:
    tokens: list
    status: int = EX_OK


class Rules:
    """One compiled sendmail.cf: rulesets, classes, macros, maps and mailers."""

    def __init__(self, world: World | None, filename: str):
        self.world = world
        self.filename = filename
        self.rulesets: dict[int, list[Rule]] = {}
        self.numbers: dict[str, int] = {}  # ruleset name -> number
        self.names: dict[int, str] = {}  # number -> name printed in traces
        self.classes: dict[str, set] = {}
        self.class_words: dict[str, list] = {}  # in definition order (for $=X listings)
        self.macros: dict[str, str] = {}
        self.options: dict[str, str] = {}
        self.maps: dict[str, rulemaps.Map] = {}
        self.mailers: dict[str, Mailer] = {}
        self.mailer_order: list[str] = []
        self.unsupported: list[tuple[int, str, str]] = []  # (lineno, text, reason)
        self.files_read: tuple = ("/etc/hosts",)  # besides the cf: what compiling read
        self.table = token_table(".:@[]")
        self.spacesub = " "
        self._next_named = MAX_RULESETS - 1
        self._lock = threading.Lock()

    # -- names and numbers
    def ruleset_number(self, name: str, create: bool = False) -> int | None:
        name = name.strip()
        if name[:1].isdigit():
            m = re.match(r"\d+", name)
            num = int(m.group(0))
            return num if num < MAX_RULESETS // 2 else None
        if name in self.numbers:
            return self.numbers[name]
        if not create:
            return None
        num = self._next_named
        self._next_named -= 1
        self.numbers[name] = num
        self.names[num] = name
        return num

    def ruleset_name(self, num: int) -> str:
        return self.names.get(num, str(num))

    def has_class_word(self, env: Env | None, cls: str, word: str) -> bool:
        w = word.lower()
        if w in self.classes.get(cls, ()):
            return True
        return env is not None and w in env.classes.get(cls, ())

    # -- running
    def rewrite(self, tokens, ruleset: int | str, env: Env | None = None,
                trace: Trace | None = None, level: int = 0) -> Result:
        """Run one ruleset on a copy of `tokens`; status EX_OK, EX_TEMPFAIL, EX_CONFIG..."""
        env = env or Env()
        num = ruleset if isinstance(ruleset, int) else self.ruleset_number(ruleset)
        if num is None:
            raise RuleError(f"Undefined ruleset {ruleset}")
        ws = list(tokens)
        status = self._rewrite(ws, num, env, trace, level)
        return Result(ws, status)

    def _rewrite(self, ws: list, num: int, env: Env, trace, level: int) -> int:
        name = self.ruleset_name(num)
        if trace is not None:
            trace.enter(name, ws)
        if level > MAX_RECURSION:  # the call 50 levels below the first one is refused
            syserr(env, trace, f"rewrite: excessive recursion (max {MAX_RECURSION}), ruleset {name}")
            return EX_CONFIG
        status = EX_OK
        rules = self.rulesets.get(num, ())
        ri = 0
        loops = 0
        low = [t.lower() for t in ws]
        present = set(low)
        steps = trace is not None and trace.steps
        while ri < len(rules):
            rule = rules[ri]
            if steps:
                trace.lines.append("-----trying rule: " + show(rule.lhs_text))
            binds = _match(rule.lhs, low, self, env) if rule.required <= present else None
            if binds is None:
                if steps:
                    trace.lines.append("----- rule fails")
                ri += 1
                loops = 0
                continue
            loops += 1
            if loops > MAX_REWRITES:
                syserr(env, trace, f"Infinite loop in ruleset {name}, rule {ri + 1}")
                if steps:
                    trace.lines.append("workspace:  " + show(ws))
                break
            if steps:
                trace.lines.append("-----rule matches: " + show(rule.rhs_display()))
            new: list[str] = []
            for kind, arg in rule.rhs:
                if kind == "T":
                    new.append(arg)
                elif kind == "R":
                    if arg < len(binds):
                        s, e = binds[arg]
                        new.extend(ws[s:e])
                else:  # "D": $&x, the macro's value now, as tokens
                    val = env.macro(self, arg)
                    if steps:
                        trace.lines.append(f'rewrite: RHS $&{{{arg}}} => "{"(NULL)" if val is None else val}"')
                    if val:
                        scan = prescan(val, self.table)
                        if scan.tokens is None:
                            return EX_DATAERR
                        new.extend(scan.tokens)
            if len(new) > MAX_ATOMS:
                syserr(env, trace, "rewrite: expansion too long")
                return EX_DATAERR
            if rule.has_lookup:
                st = self._lookups(new, env, trace)
                if st != EX_OK and (status == EX_OK or st == EX_TEMPFAIL):
                    status = st
            if rule.has_call:
                st = self._calls(new, env, trace, level)
                if st != EX_OK and (status == EX_OK or st == EX_TEMPFAIL):
                    status = st
                rule.called = True
            ws[:] = new
            low = [t.lower() for t in ws]
            present = set(low)
            if steps:
                trace.lines.append("rewritten as:" + (" " + show(ws) if ws else ""))
            if ws and ws[0] == CANONNET:  # a resolved $#mailer ends the ruleset
                break
            if rule.mode == ":":
                ri += 1
                loops = 0
            elif rule.mode == "@":
                break
        if trace is not None:
            trace.leave(name, ws)
        return status

    def _lookups(self, ws: list, env: Env, trace=None) -> int:
        """$[ host $] and $( map key $@ arg $: default $) in a rewritten workspace."""
        status = EX_OK
        i = 0
        while i < len(ws):
            t = ws[i]
            if t != HOSTBEGIN and t != LOOKUPBEGIN:
                i += 1
                continue
            if t == HOSTBEGIN:
                end, mapname, j = HOSTEND, "host", i + 1
            else:
                end = LOOKUPEND
                mapname = ws[i + 1] if i + 1 < len(ws) else ""
                j = i + 2
            k = j
            while k < len(ws) and ws[k] != end:
                k += 1
            key: list[str] = []
            args: list[list[str]] = []
            default: list[str] | None = None
            cur = key
            for tok in ws[j:k]:
                if tok == CANONHOST:
                    cur = []
                    args.append(cur)
                elif tok == CANONUSER:
                    cur = default = []
                else:
                    cur.append(tok)
            rest = ws[k + 1 :]
            m = self.maps.get(mapname)
            if m is None:
                syserr(env, trace, f"rewrite: map {mapname} not found")
                value, st = None, EX_OK
            else:
                keytext = cataddr(key, self.table, m.spacesub or self.spacesub)
                argv = [keytext] + [cataddr(a, self.table, self.spacesub) for a in args]
                value, st = m.lookup_in_rules(keytext, argv, env)
            if st == EX_TEMPFAIL:  # map_lookup passes only a temporary failure on
                status = st
            if value is None and default is not None:
                value = cataddr(default, self.table, self.spacesub)
            if value is None:
                repl = key
            elif value == "":
                repl = []
            else:
                scan = prescan(value, self.table)
                if scan.tokens is None:
                    return EX_DATAERR
                repl = scan.tokens
            ws[i:] = list(repl) + rest
            i += len(repl)
        return status

    def _calls(self, ws: list, env: Env, trace, level: int) -> int:
        """$>set: each call rewrites the rest of the workspace, the last call first."""
        status = EX_OK
        calls = []
        for i in range(len(ws) - 1):
            if ws[i] == CALLSUBR:
                target = stripquotes(ws[i + 1])
                num = self.ruleset_number(target)
                if num is None:
                    syserr(env, trace, f"Unknown ruleset {target}")
                    return EX_CONFIG
                calls.append((i, num))
        for i, num in reversed(calls):
            tail = ws[i + 2 :]
            del ws[i:]
            if self.rulesets.get(num):
                st = self._rewrite(tail, num, env, trace, level + 1)
                if st != EX_OK and (status == EX_OK or st == EX_TEMPFAIL):
                    status = st
            elif trace is not None and trace.steps:
                trace.lines.append(f"-----skip subr {self.ruleset_name(num)} ({num})")
            ws.extend(tail)
        return status

    def tokens_of(self, addr: str) -> Scan:
        return prescan(addr, self.table)


def _match(pat: tuple, low: list, rules: Rules, env: Env):
    """The bindings of the LHS's wildcards ([(start, end)], in order), or None."""
    n = len(low)
    binds: list[tuple[int, int]] = []
    np_ = len(pat)

    def rec(pi: int, ti: int) -> bool:
        while pi < np_:
            el = pat[pi]
            k = el[0]
            if k == "L":
                if ti < n and low[ti] == el[1]:
                    pi += 1
                    ti += 1
                    continue
                return False
            if k == "E":
                pi += 1
                continue
            if k == "O" or k == "N":
                if ti >= n:
                    return False
                if k == "N" and rules.has_class_word(env, el[1], low[ti]):
                    return False
                binds.append((ti, ti + 1))
                if rec(pi + 1, ti + 1):
                    return True
                binds.pop()
                return False
            if k == "Z" or k == "P":
                end = ti if k == "Z" else ti + 1
                if pi == np_ - 1:  # the last element takes the rest
                    if end > n:
                        return False
                    binds.append((ti, n))
                    return True
                nxt = pat[pi + 1]
                while end <= n:
                    if nxt[0] != "L" or (end < n and low[end] == nxt[1]):
                        binds.append((ti, end))
                        if rec(pi + 1, end):
                            return True
                        binds.pop()
                    end += 1
                return False
            if k == "C":
                end = ti + 1
                while end <= n:
                    if rules.has_class_word(env, el[1], "".join(low[ti:end])):
                        binds.append((ti, end))
                        if rec(pi + 1, end):
                            return True
                        binds.pop()
                    end += 1
                return False
            raise AssertionError(k)
        return ti == n

    return binds if rec(0, 0) else None


# --- compiling a cf --------------------------------------------------------------------

_OPERATOR_AFTER_DOLLAR = set("*+-@:#>[]()|")


def _split_rule(text: str) -> tuple[str, str]:
    body = text[1:].replace("\n", " ")
    lhs, _, rest = body.partition("\t")
    rest = rest.lstrip("\t")
    rhs = rest.split("\t", 1)[0]
    return lhs, rhs


def tokenize_rule_side(text: str, rules: Rules, lhs: bool) -> list[str]:
    """One side of an R line as sendmail reads it: macros expanded now ($&x deferred), the
    $-operators as single tokens, the rest through prescan (quotes kept, no comments)."""
    segments: list[tuple[bool, str]] = []  # (is_meta, text)
    plain: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 >= n:
            plain.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        meta = None
        if nxt in _OPERATOR_AFTER_DOLLAR:
            meta, i = "\0" + nxt, i + 2
        elif nxt.isdigit():
            meta, i = "\0" + nxt, i + 2
        elif nxt in "=~&":
            name, j = _macro_name(text, i + 2)
            meta, i = "\0" + nxt + name, j
        elif nxt == "$":
            plain.append("$")
            i += 2
        else:
            name, j = _macro_name(text, i + 1)
            plain.append(expand(rules.macros.get(name, ""), rules.macros))
            i = j
        if meta is not None:
            if plain:
                segments.append((False, "".join(plain)))
                plain = []
            segments.append((True, meta))
    if plain:
        segments.append((False, "".join(plain)))
    out: list[str] = []
    for is_meta, s in segments:
        if is_meta:
            out.append(s)
        else:
            out.extend(prescan(s, rules.table, comments=False, ignore=True).tokens or [])
    return out


def _compile_rule(lineno: int, text: str, rules: Rules) -> Rule:
    lhs_s, rhs_s = _split_rule(text)
    ltoks = tokenize_rule_side(lhs_s, rules, True)
    rtoks = tokenize_rule_side(rhs_s, rules, False)
    lhs = []
    for t in ltoks:
        if t[:1] != "\0":
            lhs.append(("L", t.lower()))
            continue
        op = t[1:2]
        if op == "*":
            lhs.append(("Z", None))
        elif op == "+":
            lhs.append(("P", None))
        elif op == "-":
            lhs.append(("O", None))
        elif op == "@":
            lhs.append(("E", None))
        elif op == "=":
            lhs.append(("C", t[2:]))
        elif op == "~":
            lhs.append(("N", t[2:]))
        elif op.isdigit():
            raise RulesError(f"{rules.filename}: line {lineno}: Inappropriate use of ${op} on LHS")
        else:
            lhs.append(("L", t))
    mode = ""
    body = rtoks
    if body and body[0] == CANONUSER:
        mode, body = ":", body[1:]
    elif body and body[0] == CANONHOST:
        mode, body = "@", body[1:]
    rhs = []
    for t in body:
        if t[:1] == "\0" and t[1:2].isdigit():
            rhs.append(("R", int(t[1:2]) - 1))
        elif t[:2] == "\0&":
            rhs.append(("D", t[2:]))
        else:
            rhs.append(("T", t))
    return Rule(lineno, tuple(lhs), tuple(rhs), mode, tuple(ltoks), tuple(rtoks), has_call=CALLSUBR in rtoks,
                has_lookup=HOSTBEGIN in rtoks or LOOKUPBEGIN in rtoks,
                required=frozenset(arg for kind, arg in lhs if kind == "L"))


def _class_words(rules: Rules, name: str, words) -> None:
    s = rules.classes.setdefault(name, set())
    order = rules.class_words.setdefault(name, [])
    for w in words:
        if w.lower() not in s:
            s.add(w.lower())
            order.append(w)


def _class_file(world: World | None, value: str) -> list[str] | None:
    toks = value.split()
    path = next((t for t in toks if not t.startswith("-")), None)
    fmt = None
    if len(toks) > 1 and not toks[-1].startswith("/") and path is not None:
        fmt = toks[-1]  # scanf format: words as is (the stock cf has none)
    if path is None or world is None:
        return None
    try:
        text = world.read_text(path)
    except (FileNotFoundError, IsADirectoryError, ValueError, OSError):
        return None
    words = []
    for line in text.splitlines():
        if fmt is None:
            words.extend(line.split("#", 1)[0].split())
    return words


def host_aliases(world: World | None, hostname: str) -> list[str]:
    """What sendmail adds to class w for its own name: the other names and the address of the
    hosts entry naming it (the IPv6 one first, as getipnodebyname answers)."""
    if world is None:
        return []
    try:
        text = world.read_text("/etc/hosts")
    except (FileNotFoundError, IsADirectoryError, ValueError, OSError):
        return []
    import ipaddress

    found: list[tuple[int, list[str]]] = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or hostname.lower() not in (f.lower() for f in fields[1:]):
            continue
        try:
            ip = ipaddress.ip_address(fields[0])
        except ValueError:
            continue
        if ip.version == 6:
            literal = "[IPv6:" + ":".join(f"{int(g, 16):x}" for g in ip.exploded.split(":")) + "]"
        else:
            literal = f"[{ip}]"
        found.append((0 if ip.version == 6 else 1, [literal] + fields[1:]))
    if not found:
        return _dns_addresses(world, hostname)
    found.sort(key=lambda x: x[0])
    return found[0][1]


def _dns_addresses(world: World, hostname: str) -> list[str]:
    """A network host's own addresses from the zones ([127.0.0.5]), as gethostbyname() with
    "hosts: files dns" gives them when /etc/hosts does not name the host. A host alone asks
    no zone (its name is in /etc/hosts)."""
    from . import dnszone, network

    if network.membership(world) is None:
        return []
    return [f"[{a}]" for a in dnszone.resolve_a(world, hostname)]


def standard_macros(hostname: str = MACHINE_HOSTNAME, op_mode: str = "t") -> dict[str, str]:
    """The macros sendmail defines before reading the cf (main.c) on the world's host."""
    short, _, domain = hostname.partition(".")
    return {"w": short, "j": hostname, "m": domain, "k": hostname, "v": "8.17.1.9",
            "opMode": op_mode, "_": "root@localhost"}


def compile_cf(world: World | None, cf: CfFile, op_mode: str = "t",
               hostname: str = MACHINE_HOSTNAME) -> Rules:
    """Read a parsed cf as sendmail's readcf() does: lines in order, macros expanded in R lines
    with the values defined above them."""
    rules = Rules(world, cf.filename)
    rules.macros.update(standard_macros(hostname, op_mode))
    _class_words(rules, "w", [hostname] + host_aliases(world, hostname))
    _class_words(rules, "t", ["root", "daemon", "uucp"])  # always trusted (main.c)
    current: int | None = None
    for line in cf.lines:
        k = line.kind
        if k in ("comment", "blank"):
            continue
        if k == "D":
            rules.macros[line.name] = line.value
        elif k == "C":
            _class_words(rules, line.name, expand(line.value, rules.macros).split())
        elif k == "F":
            path = next((t for t in line.value.split() if not t.startswith("-")), None)
            if path:
                rules.files_read += (path,)
            words = _class_file(world, line.value)
            _class_words(rules, line.name, words or [])
        elif k == "O":
            rules.options[line.name] = line.value
            if line.name in ("OperatorChars", "o"):
                rules.table = token_table(line.value)
            elif line.name in ("BlankSub", "B"):
                rules.spacesub = line.value[:1] or " "
        elif k == "S":
            name = line.name.strip()
            number = line.value.strip()
            if number:
                if not number.isdigit() or int(number) >= MAX_RULESETS // 2:
                    raise RulesError(f"{cf.filename}: line {line.lineno}: bad ruleset {number}")
                num = int(number)
                rules.numbers[name] = num
                rules.names[num] = name
            else:
                num = rules.ruleset_number(name, create=True)
                if num is None:
                    raise RulesError(f"{cf.filename}: line {line.lineno}: bad ruleset {name}")
            current = num
            rules.rulesets.setdefault(num, [])
        elif k == "R":
            if current is None:
                current = 0
            if "$?" in line.text:
                rules.unsupported.append((line.lineno, line.text, "$? conditional in a rule"))
            rules.rulesets.setdefault(current, []).append(_compile_rule(line.lineno, line.text, rules))
        elif k == "K":
            m = rulemaps.declare(line.name, line.value, world, rules)
            if m is None:
                rules.unsupported.append((line.lineno, line.text, "map class not supported"))
            else:
                rules.maps[line.name] = m
        elif k == "M":
            _mailer(rules, line)
    # sendmail puts its canonical name ($j, a cf's `Dj` when it sets one) in class w
    j = expand(rules.macros.get("j", ""), rules.macros)
    if j:
        _class_words(rules, "w", [j])
    rulemaps.add_implicit(rules, world)
    _builtin_mailers(rules)
    return rules


def _mailer(rules: Rules, line) -> None:
    eq: dict[str, str] = {}
    for part in re.split(r",\s*", line.value.replace("\n", " ")):
        key, _, val = part.partition("=")
        if key.strip():
            eq[key.strip()[:1]] = val.strip()
    m = Mailer(line.name, eq, eq.get("F", ""))
    for letter, env_attr, hdr_attr in (("S", "s_env", "s_hdr"), ("R", "r_env", "r_hdr")):
        if letter in eq:
            env_s, _, hdr_s = eq[letter].partition("/")
            setattr(m, env_attr, env_s.strip() or None)
            setattr(m, hdr_attr, (hdr_s or env_s).strip() or None)
    if line.name not in rules.mailers:
        rules.mailer_order.append(line.name)
    rules.mailers[line.name] = m


def _builtin_mailers(rules: Rules) -> None:
    for name, flags in (("prog", "lsDFMoqeu9"), ("*file*", "9DEFMPloqsu"), ("*include*", "su")):
        if name not in rules.mailers:
            rules.mailers[name] = Mailer(name, {}, flags)


# --- the entry points for the MTA ----------------------------------------------------

_cache: dict = {}
_cache_lock = threading.Lock()


def load(world: World, cf: str = SENDMAIL_CF, op_mode: str = "d") -> Rules:
    """The compiled rules of the world's cf, compiled again only when the cf (or a file its
    F lines read) changed."""
    key = (str(world.root), cf, op_mode)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == _file_sigs(world, (cf,) + hit[1].files_read):
        return hit[1]
    sig = _file_sigs(world, (cf,))
    rules = compile_cf(world, parse_cf(world.read_text(cf), cf), op_mode=op_mode, hostname=hostname_of(world))
    rules.files_read = (HOSTNAME_FILE,) + rules.files_read
    sig = sig + _file_sigs(world, rules.files_read)
    with _cache_lock:
        _cache[key] = (sig, rules)
    return rules


def _file_sigs(world: World, paths) -> tuple:
    """What tells a changed file: inode, mtime and size of each (None when missing)."""
    out = []
    for p in paths:
        try:
            s = world.path(p).stat()
            out.append((p, s.st_ino, s.st_mtime_ns, s.st_size))
        except (FileNotFoundError, ValueError, OSError):
            out.append((p, None, None, None))
    return tuple(out)


def run(rules: Rules, ruleset: int | str, tokens, env: Env | None = None,
        trace: Trace | None = None) -> Result:
    """Run one ruleset (name or number) on tokens (a list, or an address string to prescan)."""
    if isinstance(tokens, str):
        scan = rules.tokens_of(tokens)
        if scan.tokens is None:
            return Result([], EX_DATAERR)
        tokens = scan.tokens
    return rules.rewrite(tokens, ruleset, env, trace)


def check(rules: Rules, ruleset: str, parts: list[str], env: Env | None = None,
          trace: Trace | None = None) -> Result:
    """A check_* ruleset as the SMTP server calls it: each part prescanned, `$|` between them
    (check_relay: [client_name, client_addr]; check_mail/check_rcpt: ["<addr>"])."""
    tokens: list[str] = []
    for k, part in enumerate(parts):
        if k:
            tokens.append(CONDELSE)
        scan = rules.tokens_of(part)
        if scan.tokens is None:
            return Result([], EX_DATAERR)
        tokens.extend(scan.tokens)
    return rules.rewrite(tokens, ruleset, env, trace)


@dataclass
class Parsed:
    mailer: str
    host: str | None
    user: str
    status: int = EX_OK
    error: str | None = None  # for $#error: "553 5.1.3 User address required"


def triple(rules: Rules, tokens) -> tuple[str, list, list] | None:
    """($#mailer, host tokens, user tokens) of a ruleset 0 result, or None."""
    if not tokens or tokens[0] != CANONNET or len(tokens) < 2:
        return None
    mailer = tokens[1]
    i = 2
    host: list | None = None
    if i < len(tokens) and tokens[i] == CANONHOST:
        i += 1
        start = i
        while i < len(tokens) and tokens[i] != CANONUSER:
            i += 1
        host = tokens[start:i]
    else:
        while i < len(tokens) and tokens[i] != CANONUSER:
            i += 1
    if i >= len(tokens):
        return None
    return mailer, host, tokens[i + 1 :]


def build_address(rules: Rules, tokens, env: Env, trace: Trace | None = None,
                  sender: bool = False) -> Parsed:
    """sendmail's buildaddr(): the mailer, host and user of a ruleset 0 result; the user
    rewritten by ruleset 2 (1 for a sender), the mailer's R= (S=) ruleset and ruleset 4."""
    t = triple(rules, tokens)
    if t is None:
        return Parsed("*error*", None, "", EX_SOFTWARE, "554 5.3.5 buildaddr: no mailer in parsed address")
    mname, host_t, user_t = t
    hbuf = cataddr(host_t, rules.table, rules.spacesub) if host_t else None
    ubuf = cataddr(user_t, rules.table, " ")
    if mname.lower() == "error":
        text = stripquotes(ubuf)
        m = re.match(r"([245]\d\d)([ -])(.*)$", text, re.S)
        if m:
            rest = m.group(3)
            enh = re.match(r"([245]\.\d{1,3}\.\d{1,3}) (.*)$", rest, re.S)
            if enh:
                err = f"{m.group(1)} {enh.group(1)} {enh.group(2)}"
            elif hbuf and re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", hbuf):
                err = f"{m.group(1)} {hbuf} {rest}"
            else:
                err = f"{m.group(1)} {rest}"
        else:
            err = f"553 5.3.0 {text}"
        return Parsed("*error*", hbuf, ubuf, EX_UNAVAILABLE, err)
    mailer = rules.mailers.get(mname) or next(
        (m for n, m in rules.mailers.items() if n.lower() == mname.lower()), None)
    if mailer is None:
        return Parsed("*error*", hbuf, ubuf, EX_SOFTWARE, f"554 5.3.5 buildaddr: unknown mailer {mname}")
    if hbuf is None and "l" not in mailer.flags:
        return Parsed("*error*", None, ubuf, EX_SOFTWARE, "554 5.3.5 buildaddr: no host")
    user_t = list(user_t)
    p = ubuf
    if "@" in mailer.flags and p.startswith("@"):
        p = p[1:]
        user_t = user_t[1:]
    q = p[1:] if p.startswith('"') else p
    if q.startswith("|") and "|" in mailer.flags:
        mailer = rules.mailers["prog"]
    elif q.startswith("/") and "/" in mailer.flags:
        mailer = rules.mailers["*file*"]
    elif q.startswith(":") and ":" in mailer.flags:
        s = stripquotes(ubuf)
        if s.lower().startswith(":include:"):
            return Parsed("*include*", hbuf, s[9:])
    env = Env(dict(env.macros), env.classes)
    env.macros["h"] = hbuf or ""
    res = Result(user_t)
    status = EX_OK
    # ConfigLevel 10: rulesets 2 and the mailer's envelope R= run for senders too (buildaddr)
    sets = ["2", mailer.r_env, "4"]
    for rs in sets:
        if not rs:
            continue
        num = rules.ruleset_number(rs)
        if num is None:
            continue
        res = rules.rewrite(res.tokens, num, env, trace)
        status = status or res.status
    user = cataddr(res.tokens, rules.table, rules.spacesub)
    if hbuf is not None and "h" not in mailer.flags:
        hbuf = hbuf.lower()
    if "u" not in mailer.flags:
        user = user.lower()
    return Parsed(mailer.name, hbuf, user, status)


def parse_address(world: World, cfg, addr: str, env: Env | None = None, sender: bool = False,
                  rules: Rules | None = None) -> Parsed:
    """Which mailer, host and user sendmail would give `addr` (rulesets 3 and 0, then buildaddr)."""
    rules = rules or load(world, getattr(cfg, "cf_path", SENDMAIL_CF))
    env = env or Env()
    scan = rules.tokens_of(addr)
    if scan.tokens is None:
        return Parsed("*error*", None, addr, EX_USAGE, scan.errors[-1] if scan.errors else "553 bad address")
    r3 = rules.rewrite(scan.tokens, 3, env)
    r0 = rules.rewrite(r3.tokens, 0, env)
    return build_address(rules, r0.tokens, env, sender=sender)
