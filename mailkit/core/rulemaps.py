"""The map classes a sendmail.cf's K lines name, as the rewriting rules look them up.

`declare(name, spec, world, rules)` reads a K line ("hash -o /etc/mail/access.db", "host
-a<OKR> -T<TEMP>", "dequote", "arith", "macro"...) into a `Map`, or None for a class mailkit
does not have (compile_cf lists those in `Rules.unsupported`). Flags as in sendmail's
map_parseargs: -a<text> appended to a found value, -T<text> appended to the key on a
temporary failure, -f keep the key's case, -m match only (return the key), -q keep quotes,
-o optional (a missing file is no error), -S<c> space substitute, -D defer (ignored).

Lookups follow sendmail's map.c: a hash map is the world's built `.db` (core/maps.py, keys
lower-cased unless -f), its value with %0 (the key) and %1..%9 (the $@ arguments)
substituted; `host` canonicalises a name from the world's /etc/hosts (HostsFile; the first
name of the matching line that has a dot), or an IP literal [a.b.c.d] by its address, then
from the zones of /var/named as the DNS would (core/dnszone.py); `dequote` removes quotes (nothing to remove, spaces or unbalanced quotes: no
match); `arith` computes `$(arith + $@ 1 $@ 2 $)`; `macro` sets a macro and returns "".
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from . import maps as builtmaps
from .world import World

EX_OK, EX_NOHOST, EX_TEMPFAIL, EX_CONFIG = 0, 68, 75, 78

SUPPORTED = ("hash", "btree", "dbm", "host", "dequote", "arith", "macro", "null", "stab")


@dataclass
class Map:
    name: str
    mclass: str
    app: str = ""  # -a
    tapp: str | None = None  # -T
    fold: bool = True  # no -f
    match_only: bool = False  # -m
    keep_quotes: bool = False  # -q
    optional: bool = False  # -o
    spacesub: str | None = None  # -S
    file: str | None = None
    world: World | None = None
    rules: object = None
    hosts_file: str = "/etc/hosts"
    extra: dict = field(default_factory=dict)

    # the class's own lookup: what `sendmail -bt` /map calls
    def lookup(self, key: str, argv: list[str], env=None) -> tuple[str | None, int]:
        return getattr(self, "_lookup_" + self.mclass)(key, argv, env)

    # what a $( ... $) in a rule does around it (parseaddr.c map_lookup)
    def lookup_in_rules(self, key: str, argv: list[str], env) -> tuple[str | None, int]:
        if not self.keep_quotes:
            from .rules import stripquotes

            key = stripquotes(key)
            argv = [key] + argv[1:]
        value, status = self.lookup(key, argv, env)
        if status == EX_TEMPFAIL and self.tapp is not None:
            return key + self.tapp, EX_OK
        return value, status

    def _rewrite(self, value: str, argv: list[str]) -> str:
        """%0..%9 replaced by the key and arguments, %% by %, then -a appended (map_rewrite)."""
        if "%" in value:
            out, i = [], 0
            while i < len(value):
                ch = value[i]
                if ch == "%" and i + 1 < len(value):
                    nxt = value[i + 1]
                    if nxt.isdigit():
                        n = int(nxt)
                        if n < len(argv):
                            out.append(argv[n])
                        i += 2
                        continue
                    if nxt == "%":
                        out.append("%")
                        i += 2
                        continue
                out.append(ch)
                i += 1
            value = "".join(out)
        return value + self.app

    def _lookup_hash(self, key, argv, env):
        if self.file is None or self.world is None:
            return None, EX_OK
        try:
            reader = builtmaps.open_map(self.world, self.file)
            value = reader.get(key.lower() if self.fold else key)
        except (ValueError, OSError):
            return None, EX_OK
        if value is None:
            return None, EX_OK
        return self._rewrite(key if self.match_only else value, argv if not self.match_only else []), EX_OK

    _lookup_btree = _lookup_hash
    _lookup_dbm = _lookup_hash

    def _lookup_host(self, key, argv, env):
        name = canonical_host(self.world, self.hosts_file, key)
        if name is None:
            return None, EX_NOHOST
        return self._rewrite(key if self.match_only else name, argv), EX_OK

    def _lookup_dequote(self, key, argv, env):
        out = []
        angle = cmnt = quotes = spaces = 0
        quote = bslash = False
        sub = self.spacesub or ""
        for c in key:
            if bslash:
                bslash = False
                out.append(c)
                continue
            if c == " " and sub:
                c = sub
            if c == "\\":
                bslash = True
            elif c == "(":
                cmnt += 1
            elif c == ")":
                cmnt -= 1
                if cmnt < 0:
                    return None, EX_OK
            elif c in " \t":
                spaces += 1
            if cmnt > 0:
                out.append(c)
                continue
            if c == '"':
                quote = not quote
                quotes += 1
                continue
            if c == "<":
                angle += 1
            elif c == ">":
                angle -= 1
                if angle < 0:
                    return None, EX_OK
            out.append(c)
        if angle or cmnt or bslash or quote or quotes <= 0 or spaces:
            return None, EX_OK
        return self._rewrite("".join(out), []), EX_OK

    def _lookup_arith(self, key, argv, env):
        if len(argv) < 3:
            return None, EX_CONFIG
        try:
            a, b = int(argv[1].strip()), int(argv[2].strip())
        except ValueError:
            return None, EX_CONFIG
        op = key.strip()
        if op == "+":
            r = a + b
        elif op == "-":
            r = a - b
        elif op == "*":
            r = a * b
        elif op in ("/", "%"):
            if b == 0:
                return None, EX_CONFIG
            r = int(a / b) if op == "/" else a - int(a / b) * b
        elif op == "l":
            return self._rewrite("TRUE" if a < b else "FALSE", []), EX_OK
        elif op == "=":
            return self._rewrite("TRUE" if a == b else "FALSE", []), EX_OK
        elif op == "|":
            r = a | b
        elif op == "&":
            r = a & b
        else:
            return None, EX_CONFIG
        return self._rewrite(str(r), []), EX_OK

    def _lookup_macro(self, key, argv, env):
        name = key.strip()
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        if not name or env is None:
            return None, EX_OK
        if len(argv) > 1:
            env.macros[name] = argv[1]
        else:
            env.macros.pop(name, None)
            env.macros[name] = None
        return "", EX_OK

    def _lookup_null(self, key, argv, env):
        return None, EX_OK

    _lookup_stab = _lookup_null


def canonical_host(world: World | None, hosts_file: str, name: str) -> str | None:
    """A host name as "hosts: files dns" canonicalises it: the hosts file first, then the
    zones of /var/named (core/dnszone.py: the CNAME's target, a name with an A or MX record)."""
    found = _files_canonical(world, hosts_file, name)
    if found is None and world is not None and not name.strip().startswith("["):
        from . import dnszone

        found = dnszone.canonical_name(world, name.strip())
    return found


def _files_canonical(world: World | None, hosts_file: str, name: str) -> str | None:
    """A host name as the `files` service canonicalises it; [a.b.c.d] by its address."""
    if world is None:
        return None
    try:
        text = world.read_text(hosts_file)
    except (FileNotFoundError, IsADirectoryError, ValueError, OSError):
        return None
    key = name.strip()
    if key.startswith("["):
        end = key.find("]")
        literal = key[1:end] if end > 0 else key[1:]
        if literal.lower().startswith("ipv6:"):
            literal = literal[5:]
        try:
            addr = ipaddress.ip_address(literal)
        except ValueError:
            return None
        for line in text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 2:
                try:
                    if ipaddress.ip_address(fields[0]) == addr:
                        return fields[1]
                except ValueError:
                    continue
        return None
    if key.endswith("."):
        key = key[:-1]
    if not key:
        return None
    key_l = key.lower()
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        canon = ""
        found = False
        for nm in fields[1:]:
            if not canon or ("." not in canon and "." in nm):
                canon = nm
            if nm.lower() == key_l:
                found = True
        if found:
            return canon
    return None


def _parse_flags(spec: str) -> tuple[str, dict, list[str]]:
    toks = spec.split()
    mclass = toks[0] if toks else ""
    flags: dict[str, str] = {}
    args: list[str] = []
    for t in toks[1:]:
        if t.startswith("-") and len(t) > 1:
            flags[t[1]] = t[2:]
        else:
            args.append(t)
    return mclass, flags, args


def declare(name: str, spec: str, world: World | None, rules) -> Map | None:
    mclass, flags, args = _parse_flags(spec)
    if mclass not in SUPPORTED:
        return None
    m = Map(name, mclass, world=world, rules=rules)
    m.app = flags.get("a", "")
    m.tapp = flags.get("T")
    m.fold = "f" not in flags
    m.match_only = "m" in flags
    m.keep_quotes = "q" in flags or mclass == "dequote"
    m.optional = "o" in flags
    if "S" in flags:
        m.spacesub = flags["S"][:1]
    if mclass in ("hash", "btree", "dbm") and args:
        path = args[-1]
        m.file = path if path.endswith(".db") else path + ".db"
    if mclass == "host":
        m.hosts_file = getattr(rules, "options", {}).get("HostsFile", "/etc/hosts") or "/etc/hosts"
    return m


def add_implicit(rules, world: World | None) -> None:
    """The maps sendmail always has: `host` (what $[ $] looks up, -a.)."""
    if "host" not in rules.maps:
        m = Map("host", "host", app=".", world=world, rules=rules)
        m.hosts_file = rules.options.get("HostsFile", "/etc/hosts") or "/etc/hosts"
        rules.maps["host"] = m
    for m in rules.maps.values():
        if m.mclass == "host":
            m.hosts_file = rules.options.get("HostsFile", "/etc/hosts") or "/etc/hosts"
