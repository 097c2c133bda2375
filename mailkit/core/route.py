"""Where a recipient's mail goes: the cf's ruleset 0 -> aliases -> ~/.forward -> a mailbox.

The mailer of an address is what the world's sendmail.cf says: rulesets 3 and 0 and
buildaddr (core/rules.parse_address), as sendmail's parseaddr. The stock cf's ruleset 0 also
does the virtusertable lookup (FEATURE(`virtusertable')), so a virtual address arrives here
already rewritten to its local user, its remote address or its error, exactly as in the real
sendmail; `$#error` becomes a Failure with the rule's code and text, a mailer other than local
(esmtp, smtp, relay...) a Remote. Aliases, ~/.forward and :include: stay here: sendmail does
them in the local mailer's recipient(), not in the rulesets. A cf that cannot be compiled
falls back to mailkit's own reading of class w and the virtusertable (core/virtusers.py).

Only aliases, .forward and :include: lists may name a program (`|prog`), a file (`/path`) or
an :include: list: an envelope recipient (from SMTP, the command line or a queue file) that
names one is refused as sendmail refuses it ("Cannot mail directly to programs"), after a
domain that cannot be a host name ("Invalid host name").

Mail for a domain that is not local (Cw/Fw, class w) is "remote": a Remote target carries
the mailer and host ruleset 0 chose, and core/esmtp.py hands it to the next host of the
network (core/network.py). It never leaves the machine: a host alone, or a host that is no
member of the network, is never connected to, and the mail waits in the queue with a deferral
reason until Timeout.queuereturn returns it to the sender, which is exactly what a host
without a route to the outside would do.
"""

from __future__ import annotations

import dataclasses
import re

from dataclasses import dataclass

from . import aliases, forward, rulecache, rules, virtusers
from .accounts import accounts
from .world import World

MAX_DEPTH = 10  # sendmail's MaxAliasRecursion
# sendmail 8.17 refuses a domain with a "/" in it ("localhost/../etc") as an invalid host
# name before it looks at the address any further; other odd characters ($, _, comments) pass.
DIRECT = ((":include:", "Cannot mail directly to :include:s"), ("|", "Cannot mail directly to programs"),
          ("/", "Cannot mail directly to files"))


@dataclass(frozen=True)
class Mailbox:
    user: str


@dataclass(frozen=True)
class File:
    path: str
    owner: str = "root"


@dataclass(frozen=True)
class Program:
    command: str
    owner: str = "root"


@dataclass(frozen=True)
class Remote:
    address: str
    # how ruleset 0 routes it (not part of its identity: one address is one target)
    mailer: str = dataclasses.field(default="esmtp", compare=False)  # esmtp, smtp, relay...
    host: str = dataclasses.field(default="", compare=False)  # $@: "jeju.example.", "[mail.jeju.example]"


@dataclass(frozen=True)
class Failure:
    address: str
    code: str
    dsn: str
    text: str


Target = Mailbox | File | Program | Remote | Failure


def split_address(address: str) -> tuple[str, str]:
    addr = address.strip().strip("<>").strip()
    user, at, domain = addr.rpartition("@")
    if not at:
        return addr, ""
    return user, domain.lower()


def read_include(world: World, host_path: str) -> list[str]:
    out = []
    for line in world.read_text(host_path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out += aliases.split_targets(line)
    return out


def resolve(world: World, cfg, address: str, _seen: frozenset = frozenset(), _depth: int = 0,
            _owner: str = "root", _listed: bool = False) -> list[Target]:
    """Every final target of `address`, duplicates removed, order kept.

    `_listed` is true for an address read from an alias, a .forward or an :include: list: only
    those may name a program, a file or another list (sendmail's q_alias check).
    """
    if _depth > MAX_DEPTH:
        return [Failure(address, "554", "5.4.6",
                        f"aliasing/forwarding loop broken ({_depth} aliases deep; {MAX_DEPTH} max)")]
    addr = address.strip().strip("<>").strip()
    if not _listed:
        refused = refuse_direct(addr, cfg)
        if refused is not None:
            return [refused]
    elif addr.startswith("|"):
        return [Program(addr[1:].strip(), _owner)]
    elif addr.startswith("/"):
        return [File(addr, _owner)]
    elif addr.lower().startswith(":include:"):
        try:
            included = read_include(world, addr[9:].strip())
        except (FileNotFoundError, ValueError):
            return [Failure(addr, "550", "5.1.1", f"{addr[9:].strip()}: cannot open: No such file or directory")]
        return _dedupe(t for a in included for t in resolve(world, cfg, a, _seen, _depth + 1, _owner, True))
    user, domain = split_address(addr)
    parsed = None if user.startswith("\\") else parse(world, cfg, addr)
    if parsed is not None:
        if parsed.mailer == "*error*":
            return [_failure_of(addr, parsed)]
        if parsed.mailer not in LOCAL_MAILERS:
            return [Remote(_remote_address(user, domain, parsed), parsed.mailer, parsed.host or domain)]
        if parsed.mailer == "local":
            user, domain = parsed.user, ""  # virtusertable already applied by ruleset 0
    if domain and not cfg.is_local_domain(domain):
        return [Remote(f"{user}@{domain}", "esmtp", domain)]
    if domain:
        v = virtusers.lookup(world, cfg, f"{user}@{domain}")
        if isinstance(v, virtusers.VirtError):
            return [Failure(addr, v.code, v.dsn or "5.1.1", v.text or "User unknown")]
        if v is not None and v.lower() != f"{user}@{domain}".lower():
            return resolve(world, cfg, v, _seen, _depth + 1, _owner)
    if user.startswith("\\"):
        return _mailbox_or_unknown(world, user[1:], addr)
    key = user.lower()
    if key in _seen:
        # a name that comes back to itself is delivered to its own mailbox, as sendmail does
        return _mailbox_or_unknown(world, user, addr)
    targets = aliases.lookup(world, cfg, key)
    base, plus, _detail = key.partition("+")
    if targets is None and plus and key not in accounts(world):
        # user+detail: the alias user+* or user, else the user's own mailbox (sendmail's
        # recipient(); the detail goes to the local mailer as $h)
        targets = aliases.lookup(world, cfg, base + "+*") or aliases.lookup(world, cfg, base)
        if targets is None and base in accounts(world):
            user = key = base
    if targets is not None:
        seen = _seen | {key}
        return _dedupe(t for a in targets for t in resolve(world, cfg, a, seen, _depth + 1, _owner, True))
    if user not in accounts(world) and key in accounts(world):
        user = key  # the local mailer has no F=u flag: user names are folded to lower case
    if user in accounts(world):
        fwd = forward.read(world, cfg, user)
        if fwd:
            seen = _seen | {key}
            return _dedupe(t for a in fwd for t in resolve(world, cfg, a, seen, _depth + 1, user, True))
    return _mailbox_or_unknown(world, user, addr)


LOCAL_MAILERS = ("local", "prog", "*file*", "*include*")


def parse(world: World, cfg, addr: str) -> rules.Parsed | None:
    """The cf's verdict on `addr` (rulesets 3, 0, buildaddr): its mailer, host and user, or
    `*error*` with the reply text. None when the cf cannot be run (a config error).

    A 20,000-address alias of remote users would cost the engine a millisecond each: for
    `word@remote.domain`, where `word` is one plain token that no rule names and no class holds,
    the rules cannot tell `word` from any other such token, so the verdict for the domain (got
    once with a probe token) is taken with the probe replaced by `word`."""
    rs = rulecache.rules_for(world, cfg)
    if rs is None or not rs.rulesets.get(0):
        return None
    user, domain = split_address(addr)
    if domain and _PLAIN_TOKEN.match(user) and user.lower() not in _told_apart(rs) \
            and not cfg.is_local_domain(domain):
        # the domain as written: a mailer with F=u keeps its case in the user it gets
        probe = _parse(world, cfg, rs, f"{_PROBE}@{addr.strip().strip('<>').strip().rpartition('@')[2]}")
        if probe is not None and probe.mailer not in LOCAL_MAILERS and probe.mailer != "*error*" \
                and probe.user.count(_PROBE) == 1 and _PROBE not in (probe.host or ""):
            return dataclasses.replace(probe, user=probe.user.replace(_PROBE, user))
    return _parse(world, cfg, rs, addr)


_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_-]+\Z")  # no OperatorChars, quotes or specials: one token
_PROBE = "mkprobe7q3x"


def _parse(world: World, cfg, rs, addr: str) -> rules.Parsed | None:
    try:
        return rulecache.remember(rs, ("parse", addr), lambda: rules.parse_address(
            world, cfg, addr, rules.Env(classes=dict(rulecache.DAEMON_CLASSES)), rules=rs))
    except rules.RuleError:
        return None


def _told_apart(rs) -> frozenset:
    """Every word a rule's left side names and every word of a class: a local part among them
    may be treated apart by the rules (kept with the compiled cf)."""
    words = getattr(rs, "_route_words", None)
    if words is None:
        found = {v for rules_ in rs.rulesets.values() for r in rules_ for kind, v in r.lhs if kind == "L"}
        for cls in list(rs.classes.values()) + list(rulecache.DAEMON_CLASSES.values()):
            found |= {w.lower() for w in cls}
        words = rs._route_words = frozenset(found)
    return words


def _remote_address(user: str, domain: str, parsed: rules.Parsed) -> str:
    """The address a non-local mailer got: as written (domain lower-cased) unless the rules
    rewrote it (the percent hack, a source route, a bang path): then the rewritten one."""
    if domain and parsed.user.lower() == f"{user}@{domain}".lower():
        return f"{user}@{domain}"
    if "@" in parsed.user:
        return parsed.user
    return f"{parsed.user}@{(parsed.host or '').rstrip('.')}"


def _failure_of(addr: str, parsed: rules.Parsed) -> Failure:
    """A `$#error` of ruleset 0 as a Failure: "550 5.1.1 User unknown" split in three."""
    text = parsed.error or "553 5.3.0 Unknown error"
    code, _, rest = text.partition(" ")
    dsn, _, msg = rest.partition(" ")
    if not (dsn[:1].isdigit() and dsn.count(".") == 2):
        dsn, msg = {"4": "4.0.0", "2": "2.0.0"}.get(code[:1], "5.0.0"), rest
    return Failure(addr, code, dsn, msg)


def refuse_direct(addr: str, cfg) -> Failure | None:
    """sendmail's verdict on an envelope recipient that is not a plain address: a domain that
    is no host name (checked first, before any path is looked at), then a local part naming a
    program, a file or an :include: list for the local mailer. None for an ordinary address."""
    user, domain = split_address(addr)
    if "/" in domain:
        return Failure(addr, "553", "5.1.2", "Invalid host name")
    if domain and not cfg.is_local_domain(domain):
        return None  # the esmtp mailer's; it never leaves the machine
    local = user.strip('"')
    for prefix, text in DIRECT:
        if local[:len(prefix)].lower() == prefix:
            return Failure(addr, "550", "5.7.1", text)
    return None


def _mailbox_or_unknown(world: World, user: str, addr: str) -> list[Target]:
    if user in accounts(world):
        return [Mailbox(user)]
    if user.lower() in accounts(world):
        return [Mailbox(user.lower())]
    return [Failure(addr, "550", "5.1.1", "User unknown")]


def _dedupe(targets) -> list[Target]:
    """First occurrence of each target, in order; a set makes it linear (a list of 20,000
    alias members compared pairwise took seconds)."""
    seen: set = set()
    out = []
    for t in targets:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def expands_little(world: World, cfg, address: str) -> bool:
    """Whether checking `address` at RCPT expands nothing (no alias, .forward or virtusertable
    entry leads anywhere from it): then the verdict is the rules' and an account lookup, quick
    enough to give on the event loop. An address that does expand may take long (an alias of
    20,000 members) and is checked in a worker thread."""
    addr = address.strip().strip("<>").strip()
    if virtusers.lookup(world, cfg, addr) is not None:
        return False
    user, domain = split_address(addr)
    if domain and not cfg.is_local_domain(domain):
        return True  # the esmtp mailer's: only the rules look at it
    key = user.lstrip("\\").lower()
    base, plus, _detail = key.partition("+")
    names = [key] + ([base + "+*", base] if plus else [])
    if any(aliases.lookup_raw(world, cfg, n) is not None for n in names):
        return False
    return all(forward.forward_file(world, cfg, n) is None for n in {user.lstrip("\\"), key, base})


def check_recipient(world: World, cfg, address: str) -> tuple[bool, str, str, str]:
    """The RCPT-time verdict for a local address: (ok, code, dsn, text)."""
    targets = resolve(world, cfg, address)
    good = [t for t in targets if not isinstance(t, Failure)]
    if good or not targets:
        return True, "250", "2.1.5", "Recipient ok"
    f = targets[0]
    return False, f.code, f.dsn, f.text


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.+-]+\Z")  # a name no rule can take for anything but local


def alias_name_parser(world: World, cfg):
    """name_of for aliases.read: an alias name as newaliases parses it (sendmail's readaliases
    calls parseaddr): (the key, [(error text, exit status)]). A name the rules give a mailer
    other than local cannot be aliased; one they refuse is reported twice, as sendmail does."""
    def name_of(name: str):
        if _PLAIN_NAME.match(name):
            return name.lower(), []
        p = parse(world, cfg, name)
        if p is None or p.mailer == "local":
            return (p.user if p else name).lower(), []
        problems = []
        if p.mailer == "*error*":
            f = _failure_of(name, p)
            problems.append((f"{name}... {f.text}", 64))
        return name, problems + [(f"{name}... cannot alias non-local names", 70)]
    return name_of
