"""`sendmail -bt`: address test mode, as sendmail 8.17 prints it (main.c testmodeline).

Each stdin line is one command, answered after a "> " prompt:
`3,0 addr` (run rulesets on the address; `a, b` runs each address), `/parse addr` (what
sendmail does with a recipient: rulesets 3 and 0, then the mailer's rulesets: "mailer local,
user alice"), `/try mailer addr`, `/tryflags HS`, `/map name key`, `/canon host`, `$x` / `${name}`
(a macro), `$=X` (a class, in sendmail's symbol-table order), `=Sset` (a ruleset's rules),
`.Dx value` / `.Cx words` (define), blank lines and `#` comments. The rules are the world's
sendmail.cf (or `-C file`) run by core/rules.py.
"""

from __future__ import annotations

import re

from ..core import rewrite
from ..core import rules as R
from ..core.cf import CfError, parse_cf
from ..core.hosts import hostname_of
from ..core.world import SENDMAIL_CF
from .base import EX_CONFIG, EX_USAGE, Host, Result

BANNER = "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n"
RF_SENDER, RF_HEADER = 1, 2
ST_CLASS = 1  # sendmail's symbol type of class words: part of the hash that orders $=X
STABSIZE = 2003


def stab_hash(word: str, symtype: int = ST_CLASS) -> int:
    h = symtype
    for ch in word:
        h = ((h << 1) ^ (ord(ch.lower()) & 0o377)) % STABSIZE
    return h


TO_PREFIX_CODES = ("050", "250", "252", "253", "450", "550", "553", "554")


def shorten(s: str, m: int = 203) -> str:
    """sendmail's shortenstring(): a long address in a message as its ends around "..."."""
    if len(s) < m:
        return s
    return s[: m // 2 - 1] + "..." + s[-(m // 2 - 1):]


def _error_line(addr: str, text: str) -> str:
    """A usrerr as test mode prints it: "addr... text" only for the reply codes fmtmsg
    names the address in (050 250 252 253 450 550 553 554), the codes themselves left out."""
    if text[:3] in TO_PREFIX_CODES or not text[:3].isdigit():
        return f"{shorten(addr)}... {_strip_codes(text)}"
    return _strip_codes(text)


def _strip_codes(text: str) -> str:
    """usrerr text as test mode prints it: without the reply and enhanced status codes."""
    m = re.match(r"\d\d\d[ -](\d\.\d{1,3}\.\d{1,3} )?(.*)$", text, re.S)
    return m.group(2) if m else text


class TestMode:
    def __init__(self, rules: R.Rules, date: str = ""):
        self.rules = rules
        self.env = R.Env(macros={"deliveryMode": "i", "opMode": "t"})
        if date:
            for m in ("b", "a", "d"):
                self.env.macros[m] = date
        self.tryflags = 0
        self.out: list[str] = []
        self._extra_words: dict[str, list[str]] = {}  # .C words, for $=X
        self.class_order: dict[str, int] = {}
        for cls, words in rules.class_words.items():
            for w in words:
                self.class_order.setdefault(w.lower(), len(self.class_order))

    def say(self, text: str = "") -> None:
        self.out.append(text + "\n")

    def run(self, lines) -> str:
        self.out.append(BANNER)
        for line in lines:
            self.out.append("> ")
            self.line(line.rstrip("\n"))
        self.out.append("> ")
        return "".join(self.out)

    # -- one command line
    def line(self, line: str) -> None:
        if not line.strip() or line.lstrip()[0] == "#":
            return
        c = line[0]
        if c == ".":
            return self.dot(line)
        if c == "=":
            return self.show(line)
        if c == "$":
            return self.macro(line)
        if c == "/":
            return self.slash(line)
        if c == "-":
            if line[1:2] == "d":
                return self.debug(line[2:])
            return self.say("Usage: -d{debug arguments}" if len(line) == 1 else f'Unknown "-" command {line}')
        if c == "?":
            return
        self.rulesets(line)

    def debug(self, spec: str) -> None:
        """-dC.L: only category 21 (rewriting) at level 12 or more is shown: each rule step."""
        for item in spec.split(","):
            if not item:
                continue
            cat, _, level = item.partition(".")
            lo, _, hi = cat.partition("-")
            try:
                first, last = int(lo or 0), int(hi or lo or 99)
                lvl = int(level) if level else 1
            except ValueError:
                continue
            if first <= 21 <= last:
                self.rule_steps = lvl >= 12

    rule_steps = False

    def new_trace(self) -> R.Trace:
        return R.Trace(steps=self.rule_steps)

    def dot(self, line: str) -> None:
        kind = line[1:2]
        if kind == "D":
            name, rest = self._macid(line[2:])
            if name is None:
                return self.say("Name required for macro/class")
            self.env.macros[name] = rest
        elif kind == "C":
            if not line[2:]:
                return
            name, rest = self._macid(line[2:])
            if name is None:
                return self.say("Name required for macro/class")
            words = R.expand(rest, {**self.rules.macros, **self.env.macros}).split()
            bucket = self.env.classes.setdefault(name, set())
            for w in words:
                bucket.add(w.lower())
                self.class_order.setdefault(w.lower(), len(self.class_order))
                self._extra_words.setdefault(name, []).append(w)
        elif kind == "":
            self.say("Usage: .[DC]macro value(s)")
        else:
            self.say(f'Unknown "." command {line}')

    def _macid(self, text: str) -> tuple[str | None, str]:
        if not text:
            return None, ""
        if text[0] == "{":
            end = text.find("}")
            if end < 0:
                return None, ""
            return text[1:end], text[end + 1 :]
        if text[0].isspace():
            return None, ""
        return text[0], text[1:]

    def show(self, line: str) -> None:
        kind = line[1:2]
        if kind == "S":
            m = re.match(r"\s*(\w*)", line[2:])
            name = m.group(1) if m else ""
            if not name:
                self.say('invalid ruleset name: ""')
            num = self.rules.ruleset_number(name) if name else None
            if num is None:
                return self.say(f"Undefined ruleset {name or line[2:]}")
            for rule in self.rules.rulesets.get(num, ()):
                lhs = "".join(R.show_token(t) + " " for t in rule.lhs_text)
                rhs = "".join(R.show_token(t) + " " for t in rule.rhs_display())
                self.say(f"R{lhs}\t\t{rhs}")
        elif kind == "M":
            for n, name in enumerate(self.mailer_numbers()):
                self.say(self.describe_mailer(n, self.rules.mailers[name]))
        elif kind == "":
            self.say("Usage: =Sruleset or =M")
        else:
            self.say(f'Unknown "=" command {line}')

    BUILTIN_MAILERS = {
        "prog": {"P": "/bin/sh", "F": "9DFMeloqsu", "T": "X-Unix/X-Unix/X-Unix", "A": "sh -c $u"},
        "*file*": {"P": "[FILE]", "F": "9DEFMPloqsu", "T": "X-Unix/X-Unix/X-Unix", "A": "FILE $u"},
        "*include*": {"P": "/dev/null", "F": "su", "A": "INCLUDE $u"},
    }

    def mailer_numbers(self) -> list[str]:
        """Mailer numbers as sendmail gives them: prog, *file*, *include* first, then the cf's."""
        order = ["prog", "*file*", "*include*"]
        order += [n for n in self.rules.mailer_order if n not in order]
        return order

    def _rwset(self, name: str | None) -> str:
        num = self.rules.ruleset_number(name) if name else 0
        return self.rules.ruleset_name(num if num is not None else 0)

    def describe_mailer(self, n: int, m) -> str:
        eq = dict(self.BUILTIN_MAILERS.get(m.name, {}))
        if m.name in self.rules.mailer_order:
            eq = dict(m.equates)
        flags = set(eq.get("F", ""))
        if m.name == "prog":
            flags.discard("m")  # sendmail gives the prog mailer one recipient at a time
        flags = "".join(sorted(flags))
        eol = eq.get("E") or ("\\r\\n" if eq.get("P") == "[IPC]" else "\\n")
        t = (eq.get("T", "").split("/") + ["", "", ""])[:3]
        t = [x or "<undefined>" for x in t]
        return (f"mailer {n} ({m.name}): P={eq.get('P', '')} S={self._rwset(m.s_env)}/{self._rwset(m.s_hdr)} "
                f"R={self._rwset(m.r_env)}/{self._rwset(m.r_hdr)} M={eq.get('M', '0') or '0'} U=-1:-1 "
                f"F={flags} L={eq.get('L', '0') or '0'} E={eol} T={'/'.join(t)} "
                f"r={eq.get('r', '100') or '100'} A={eq.get('A', '')}")

    def macro(self, line: str) -> None:
        if line[1:2] == "=":
            name, _ = self._macid(line[2:])
            if name is None:
                return self.say("Name required for macro/class")
            words = list(self.rules.class_words.get(name, ())) + list(self._extra_words.get(name, ()))
            seen, uniq = set(), []
            for w in words:
                if w.lower() not in seen:
                    seen.add(w.lower())
                    uniq.append(w)
            uniq.sort(key=lambda w: (stab_hash(w), self.class_order.get(w.lower(), 0)))
            for w in uniq:
                self.say(w)
            return
        name, _ = self._macid(line[1:])
        if name is None:
            return self.say("Name required for macro/class")
        value = self.env.macro(self.rules, name)
        if value is None:
            return self.say("Undefined")
        self.say(value)

    # -- "3,0 address"
    def rulesets(self, line: str) -> None:
        text = line.lstrip()
        m = re.match(r"(\S+)", text)
        names = m.group(1) if m else ""
        rest = text[len(names) :]
        if not rest:
            return self.say("No address!")
        rest = rest[1:]
        if len(rest) > R.MAX_NAME - 1:
            return self.say(f'Address "{rest[:R.MAX_NAME - 1]}" too long ({R.MAX_NAME - 1} bytes max)')
        while True:
            scan = R.prescan(rest, self.rules.table, delim=",", comments=False)
            for err in scan.errors:
                self.say(_error_line(rest, err))
            if scan.tokens:
                for part in names.split(","):
                    if not part:
                        continue
                    num = self.rules.ruleset_number(part)
                    if num is None:
                        self.say(f"Undefined ruleset {part}")
                        break
                    trace = self.new_trace()
                    try:
                        res = self.rules.rewrite(scan.tokens, num, self.env, trace)
                        scan.tokens = res.tokens
                    except R.RuleError as e:
                        self.say(e.text)
                        break
                    self.flush(trace)
                    if res.status != R.EX_OK:
                        self.say(f"== Ruleset {names[names.index(part):]} ({num}) status {res.status}")
            if not scan.rest:
                break
            rest = scan.rest

    def flush(self, trace: R.Trace) -> None:
        for ln in trace.lines:
            self.say(ln)

    # -- "/" commands
    def slash(self, line: str) -> None:
        line = line.rstrip()
        m = re.match(r"(\S*)\s*(.*)$", line, re.S)
        cmd, arg = m.group(1), m.group(2)
        word = cmd[1:].lower()
        if not word:
            return self.say("Usage: /[canon|map|mx|parse|try|tryflags]")
        if word == "map":
            return self.map(arg)
        if word == "parse":
            return self.parse(arg)
        if word == "try":
            return self.try_(arg)
        if word == "tryflags":
            return self.set_tryflags(arg)
        if word == "canon":
            if not arg:
                return self.say("Usage: /canon address")
            name = self.canonical(arg)
            return self.say(f"getcanonname({arg}) returns {name if name else arg}")
        if word == "mx":
            if not arg:
                return self.say("Usage: /mx address")
            from ..core.dnszone import getmxrr

            n, hosts = getmxrr(self.rules.world, arg, self.canonical) if self.rules.world is not None else (-1, [])
            self.say(f"getmxrr({arg}) returns {n} value(s):")
            for h in hosts:
                self.say(f"\t{h}")
            return None
        if word == "quit":
            raise _Quit
        self.say(f'Unknown "/" command {line}')

    def canonical(self, name: str) -> str | None:
        """getcanonname(): the host map's file, then the zones ("hosts: files dns")."""
        from ..core.rulemaps import canonical_host

        hm = self.rules.maps.get("host")
        return canonical_host(self.rules.world, hm.hosts_file if hm else "/etc/hosts", name)

    def map(self, arg: str) -> None:
        if not arg:
            return self.say("Usage: /map mapname key")
        m = re.match(r"(\S+)(?:\s(.*))?$", arg, re.S)
        name, key = m.group(1), m.group(2)
        if key is None:
            return self.say("No key specified")
        mp = self.rules.maps.get(name)
        if mp is None:
            return self.say(f'Map named "{name}" not found')
        value, status = mp.lookup(key, [key], self.env)
        if value is None:
            self.say(f"map_lookup: {name} ({key}) no match ({status})")
        else:
            self.say(f"map_lookup: {name} ({key}) returns {value} ({status})")

    def set_tryflags(self, arg: str) -> None:
        if not arg:
            return self.say("Usage: /tryflags [Hh|Ee][Ss|Rr]")
        for ch in arg:
            if ch in "Hh":
                self.tryflags |= RF_HEADER
            elif ch in "Ee":
                self.tryflags &= ~RF_HEADER
            elif ch in "Ss":
                self.tryflags |= RF_SENDER
            elif ch in "Rr":
                self.tryflags &= ~RF_SENDER
        self.env.macros["addr_type"] = ("h" if self.tryflags & RF_HEADER else "e") + " " + (
            "s" if self.tryflags & RF_SENDER else "r")

    def _kind(self) -> str:
        return ("header" if self.tryflags & RF_HEADER else "envelope") + " " + (
            "sender" if self.tryflags & RF_SENDER else "recipient")

    def parse(self, arg: str) -> None:
        if not arg:
            return self.say("Usage: /parse address")
        self.say(f"Cracked address = {rewrite.show_cracked(rewrite.crackaddr(arg, *rewrite.quoting(self.rules)))}")
        self.say(f"Parsing {self._kind()} address")
        scan = R.prescan(arg, self.rules.table)
        for err in scan.errors:
            self.say(_error_line(arg, err))
        if scan.tokens is None or any("Unbalanced '('" in e for e in scan.errors):
            return self.say("Cannot parse")
        trace = self.new_trace()
        try:
            r3 = self.rules.rewrite(scan.tokens, 3, self.env, trace)
            r0 = self.rules.rewrite(r3.tokens, 0, self.env, trace)
            self.flush(trace)
            trace = self.new_trace()
            parsed = R.build_address(self.rules, r0.tokens, self.env, trace)
        except R.RuleError as e:
            self.flush(trace)
            return self.say(e.text)
        if parsed.error and parsed.mailer == "*error*":
            self.flush(trace)
            self.say(_error_line(arg, parsed.error))
        else:
            self.flush(trace)
        if parsed.host:
            self.env.macros["h"] = parsed.host
            self.say(f"mailer {parsed.mailer}, host {parsed.host}, user {parsed.user}")
        else:
            self.say(f"mailer {parsed.mailer}, user {parsed.user}")

    def try_(self, arg: str) -> None:
        m = re.match(r"(\S+)\s+(.+)$", arg, re.S)
        if not m:
            return self.say("Usage: /try mailer address")
        mname, addr = m.group(1), m.group(2)
        mailer = self.rules.mailers.get(mname)
        if mailer is None:
            return self.say(f"Unknown mailer {mname}")
        self.say(f"Trying {self._kind()} address {addr} for mailer {mname}")
        flags = (rewrite.RF_SENDERADDR if self.tryflags & RF_SENDER else 0) | (
            rewrite.RF_HEADERADDR if self.tryflags & RF_HEADER else 0)
        trace = self.new_trace()
        try:
            res = rewrite.remotename(self.rules, addr, mailer, flags, self.env, trace)
        except R.RuleError as e:
            self.flush(trace)
            return self.say(e.text)
        for err in res.errors:
            self.say(_error_line(addr, err))
        self.flush(trace)
        self.say(f"Rcode = {res.status}, addr = {res.text}")


class _Quit(Exception):
    pass


def test_mode(host: Host, argv: list[str], stdin: str | None) -> Result:
    """`sendmail -bt [-C cf]` with the commands on stdin."""
    cf = SENDMAIL_CF
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-C"):
            if len(a) > 2:
                cf = a[2:]
            elif i + 1 < len(args):
                i += 1
                cf = args[i]
            else:
                return Result(err="sendmail: option requires an argument -- C\n", code=EX_USAGE)
        i += 1
    try:
        text = host.world.read_text(cf)
    except (FileNotFoundError, IsADirectoryError, ValueError):
        return Result(err=f"sendmail: cannot open {cf}: No such file or directory\n", code=EX_CONFIG)
    try:
        rules = R.compile_cf(host.world, parse_cf(text, cf), op_mode="t", hostname=hostname_of(host.world))
    except (CfError, R.RulesError) as e:
        return Result(err=f"{e}\n", code=EX_CONFIG)
    from ..core.clock import rfc5322_date

    tm = TestMode(rules, rfc5322_date(host.clock.now()))
    for a in args:
        if a.startswith("-d"):
            tm.debug(a[2:])
    lines = (stdin or "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        out = tm.run(lines)
    except _Quit:
        out = "".join(tm.out)
    return Result(out=out)
