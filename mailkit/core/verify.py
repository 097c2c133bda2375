"""`sendmail -bv`: what sendmail 8.17 says of each address, in the order it says it.

As sendmail's sendtolist and recipient() walk the addresses: each argument (and each alias,
:include: or .forward list) is split at its commas and its addresses are taken last first; an
address is parsed by the cf's rulesets (core/route.parse); a local one goes through aliases
(`name`, then `name+*` and `name` for `name+detail`), ~/.forward and the password file. A
failure is printed when it is met ("nosuch... User unknown"); the deliverable addresses are
printed at the end, from the send queue, which sendmail keeps ordered by host signature
(insertion stable within one signature; without DNS the signature is the host name):

    alice... deliverable: mailer local, user alice
    alice+work... deliverable: mailer local, host work, user alice
    bob@example.com... deliverable: mailer esmtp, host example.com., user bob@example.com

The address shown is the one as written (the argument or the list member); an address that
leads to the same mailer, host and user as an earlier one is shown once. The exit status is
that of the first failure that sets one (sendmail's setstat: User unknown 67, a syntax error 64,
an error mailer's DSN or status name), else 64 when an address was refused, else 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import aliases, forward, route
from .accounts import accounts
from .world import World

EX_OK, EX_USAGE, EX_NOUSER = 0, 64, 67
# sysexits.h names an error mailer's $@ may give instead of a number or a DSN
EXIT_NAMES = {"usage": 64, "dataerr": 65, "noinput": 66, "nouser": 67, "nohost": 68, "unavailable": 69,
              "software": 70, "oserr": 71, "osfile": 72, "cantcreat": 73, "ioerr": 74, "tempfail": 75,
              "protocol": 76, "noperm": 77, "config": 78}


def dsn_exit_status(dsn: str) -> int:
    """sendmail's dsntoexitstat: the exit status a DSN code such as 5.1.1 stands for."""
    if dsn[:1] == "2":
        return EX_OK
    if dsn[:1] == "4":
        return 75
    if dsn[:1] != "5":
        return 78
    parts = (dsn.split(".") + ["0", "0"])[1:3]
    try:
        subject, detail = int(parts[0] or 0), int(parts[1] or 0)
    except ValueError:
        return 69
    if subject == 0:
        return 78
    if subject == 1:
        return {0: 65, 1: EX_NOUSER, 2: 68, 3: EX_USAGE, 4: 69, 5: EX_OK, 6: EX_NOUSER}.get(detail, 69)
    if subject == 2:
        return {0: 69, 1: 69, 2: 69, 3: 65, 4: 69}.get(detail, 69)
    return {3: 71, 4: 68, 5: 76, 6: 69, 7: 65}.get(subject, 69)


def error_exit_status(host: str | None) -> int:
    """The status of an error mailer's `$@`: a DSN, a number or a sysexits name."""
    host = (host or "").strip()
    if host[:1].isdigit() and "." in host:
        return dsn_exit_status(host)
    if host.isdigit():
        return int(host)
    return EXIT_NAMES.get(host.lower(), 69)


@dataclass
class Deliverable:
    paddr: str
    mailer: str
    host: str
    user: str

    def line(self) -> str:
        where = f", host {self.host}" if self.host else ""
        return f"{self.paddr}... deliverable: mailer {self.mailer}{where}, user {self.user}"


@dataclass
class _Walk:
    world: World
    cfg: object
    lines: list = field(default_factory=list)
    sendq: list = field(default_factory=list)
    status: int | None = None
    refused: bool = False

    def fail(self, paddr: str, text: str, status: int | None) -> None:
        self.lines.append(f"{paddr}... {text}")
        if status is None:
            self.refused = True
        elif self.status is None:
            self.status = status

    def add(self, d: Deliverable) -> None:
        key = (d.mailer, d.host.lower(), d.user)
        if any((q.mailer, q.host.lower(), q.user) == key for q in self.sendq):
            return
        sig = d.host.lower()
        at = next((i for i, q in enumerate(self.sendq) if q.host.lower() > sig), len(self.sendq))
        self.sendq.insert(at, d)

    def tolist(self, text: str, listed: bool, depth: int, seen: frozenset) -> None:
        for paddr in reversed(aliases.split_list(text)):
            self.recipient(paddr, listed, depth, seen)

    def recipient(self, paddr: str, listed: bool, depth: int, seen: frozenset) -> None:
        if depth > route.MAX_DEPTH:
            self.fail(paddr, f"aliasing/forwarding loop broken ({depth} aliases deep; {route.MAX_DEPTH} max)", 69)
            return
        if not listed:
            refused = route.refuse_direct(paddr, self.cfg)
            if refused is not None:
                self.fail(paddr, refused.text, dsn_exit_status(refused.dsn) if refused.code == "553" else None)
                return
        p = route.parse(self.world, self.cfg, paddr)
        if p is None:
            self.fail(paddr, "Cannot parse address (configuration error)", 78)
            return
        if p.mailer == "*error*":
            f = route._failure_of(paddr, p)
            self.fail(paddr, f.text, error_exit_status(p.host))
            return
        if p.mailer == "*include*":
            try:
                text = self.world.read_text(p.user)
            except (OSError, ValueError):
                self.fail(paddr, f"Cannot open {p.user}: No such file or directory", None)
                return
            for line in text.splitlines():
                line = line.split("#", 1)[0].strip()
                if line:
                    self.tolist(line, True, depth + 1, seen)
            return
        if p.mailer != "local":
            self.add(Deliverable(paddr, p.mailer, p.host or "", p.user))
            return
        self.local(paddr, p.user, depth, seen)

    def local(self, paddr: str, user: str, depth: int, seen: frozenset) -> None:
        if user.startswith("\\"):  # \user: the mailbox itself, no alias; sendmail shows the backslash
            self.mailbox(paddr, user[1:], "", user)
            return
        base, plus, detail = user.partition("+")
        if user not in seen:
            names = [user] + ([f"{base}+*", base] if plus else [])
            for name in names:
                rhs = aliases.lookup_raw(self.world, self.cfg, name)
                if rhs is not None:
                    self.tolist(rhs, True, depth + 1, seen | {user})
                    return
        known = accounts(self.world)
        if user not in known and plus and base in known:
            user, host = base, detail
        else:
            host = ""
        if user in known and user not in seen:
            fwd = forward.read(self.world, self.cfg, user)
            if fwd:
                for a in reversed(fwd):
                    self.recipient(a, True, depth + 1, seen | {user})
                return
        self.mailbox(paddr, user, host, user)

    def mailbox(self, paddr: str, user: str, host: str, shown: str) -> None:
        if user in accounts(self.world):
            self.add(Deliverable(paddr, "local", host, shown))
        else:
            self.fail(paddr, "User unknown", EX_NOUSER)


def verify(world: World, cfg, addresses: list[str]) -> tuple[list[str], int]:
    """The lines `sendmail -bv ADDRESS...` prints and its exit status."""
    walk = _Walk(world, cfg)
    for arg in addresses:
        walk.tolist(arg, False, 0, frozenset())
    status = walk.status if walk.status is not None else (EX_USAGE if walk.refused else EX_OK)
    return walk.lines + [d.line() for d in walk.sendq], status
