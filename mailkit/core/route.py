"""Where a recipient's mail goes: virtusertable -> aliases -> ~/.forward -> a mailbox.

Mail for a domain that is not local (Cw/Fw, class w) is "remote": mailkit never sends it off
the machine. It waits in the queue with a deferral reason until Timeout.queuereturn returns
it to the sender, which is exactly what a host without a route to the outside would do.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import aliases, forward, virtusers
from .accounts import accounts
from .world import World

MAX_DEPTH = 10  # sendmail's MaxAliasRecursion


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
            _owner: str = "root") -> list[Target]:
    """Every final target of `address`, duplicates removed, order kept."""
    if _depth > MAX_DEPTH:
        return [Failure(address, "554", "5.4.6",
                        f"aliasing/forwarding loop broken ({_depth} aliases deep; {MAX_DEPTH} max)")]
    addr = address.strip().strip("<>").strip()
    if addr.startswith("|"):
        return [Program(addr[1:].strip(), _owner)]
    if addr.startswith("/"):
        return [File(addr, _owner)]
    if addr.lower().startswith(":include:"):
        try:
            included = read_include(world, addr[9:].strip())
        except (FileNotFoundError, ValueError):
            return [Failure(addr, "550", "5.1.1", f"{addr[9:].strip()}: cannot open: No such file or directory")]
        return _dedupe(t for a in included for t in resolve(world, cfg, a, _seen, _depth + 1, _owner))
    user, domain = split_address(addr)
    if domain and not cfg.is_local_domain(domain):
        return [Remote(f"{user}@{domain}")]
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
    if targets is not None:
        seen = _seen | {key}
        return _dedupe(t for a in targets for t in resolve(world, cfg, a, seen, _depth + 1, _owner))
    if user not in accounts(world) and key in accounts(world):
        user = key  # the local mailer has no F=u flag: user names are folded to lower case
    if user in accounts(world):
        fwd = forward.read(world, cfg, user)
        if fwd:
            seen = _seen | {key}
            return _dedupe(t for a in fwd for t in resolve(world, cfg, a, seen, _depth + 1, user))
    return _mailbox_or_unknown(world, user, addr)


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


def check_recipient(world: World, cfg, address: str) -> tuple[bool, str, str, str]:
    """The RCPT-time verdict for a local address: (ok, code, dsn, text)."""
    targets = resolve(world, cfg, address)
    good = [t for t in targets if not isinstance(t, Failure)]
    if good or not targets:
        return True, "250", "2.1.5", "Recipient ok"
    f = targets[0]
    return False, f.code, f.dsn, f.text
