"""The hosts a remote recipient's mail is handed to, in the order they are tried (sendmail's
getmxrr() and the host signature of deliver()).

The cf's ruleset 0 names a mailer and a host (`$#esmtp $@ jeju.example.`; mailertable and
SMART_HOST entries come out of the same rules). The host is looked up in the zones of the
network (core/dnszone.py):
- a name: its MX records, lowest preference first; MX hosts of equal preference in an order
  fixed by their names (sendmail shuffles them with a hash of the name too, so one host is
  always tried first); no MX record: the name's own A records;
- `[name]`: no MX lookup, the name's A records (brackets as in mailertable and SMART_HOST);
- `[a.b.c.d]`: that address.
When this host is one of the MX hosts (a name of class w: $j, local-host-names), only the hosts
preferred to it are tried; when it is the most preferred, the mail would come back to it:
sendmail's "MX list ... points back to ..." error.

A name the zones do not hold (answered SERVFAIL: the network's DNS asks no one else) is a
temporary failure, "host name lookup failure"; a name a zone says does not exist (NXDOMAIN) is
a permanent one, "Host unknown".
"""

from __future__ import annotations

import ipaddress
import zlib
from dataclasses import dataclass

from . import dnszone
from .world import World


@dataclass(frozen=True)
class Hop:
    name: str  # as sendmail names it in relay= and its texts: "mail.jeju.example." / "[127.0.0.6]"
    addrs: tuple  # its IPv4 addresses, in the zone's order


@dataclass(frozen=True)
class NoRoute:
    """Why no host can be tried: a temporary or permanent failure for every recipient."""
    temporary: bool
    dsn: str
    stat: str  # "Deferred: Name server: x.: host name lookup failure", "Host unknown (...)"
    relay: str  # what relay= shows (the name looked up)
    syserr: str | None = None  # a SYSERR line sendmail writes first


def lookup_failure(name: str) -> NoRoute:
    """The temporary failure for a name the network's DNS cannot answer."""
    absolute = name.rstrip(".") + "."
    return NoRoute(True, "4.4.3", f"Deferred: Name server: {absolute}: host name lookup failure", absolute)


def hops(world: World, host: str, local_names=frozenset(), me: str = "") -> list[Hop] | NoRoute:
    """The hosts to try for the mailer host `host` (as ruleset 0 gave it), in order.

    `local_names`: this host's names (class w), `me` its $j, for the MX list pointing back."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        inner = host[1:-1].strip()
        try:
            return [Hop(f"[{ipaddress.IPv4Address(inner)}]", (str(ipaddress.IPv4Address(inner)),))]
        except ValueError:
            pass
        return _a_hop(world, inner)
    name = host.rstrip(".")
    if not name:
        return NoRoute(False, "5.1.2", "Host unknown (Name server: : host not found)", "")
    rcode, mxs = _mx(world, name)
    if rcode == dnszone.SERVFAIL:
        return lookup_failure(name)
    if rcode == dnszone.NXDOMAIN:
        return NoRoute(False, "5.1.2", f"Host unknown (Name server: {name}: host not found)", name)
    if not mxs:  # no MX: the name itself (an implicit MX of preference 0)
        return _a_hop(world, name)
    mine = [pref for pref, target in mxs if target.rstrip(".").lower() in local_names]
    if mine:
        mxs = [(pref, target) for pref, target in mxs if pref < min(mine)]
        if not mxs:
            return NoRoute(False, "5.3.5", "Local configuration error", name + ".",
                           syserr=f"MX list for {name}. points back to {me}")
    out = []
    for _, target in mxs:
        addrs = dnszone.resolve_a(world, target)
        out.append(Hop(target if target.endswith(".") else target + ".", tuple(addrs)))
    return out


def _mx(world: World, name: str) -> tuple[str, list[tuple[int, str]]]:
    """(rcode, MX records) of `name`: lowest preference first, ties in a fixed order."""
    try:
        ans = dnszone.lookup(dnszone.zones_of(world), name + ".", "MX")
    except Exception:  # a name dnspython refuses (too long, bad label): the DNS cannot answer it
        return dnszone.SERVFAIL, []
    found = [(r.preference, r.exchange.to_text()) for rrs in ans.answer
             if rrs.rdtype == 15 for r in rrs]  # 15: MX
    return ans.rcode, sorted(found, key=lambda pt: (pt[0], zlib.crc32(pt[1].lower().encode()), pt[1]))


def _a_hop(world: World, name: str) -> list[Hop] | NoRoute:
    """A host given by name alone (no MX records, or in brackets): its address records."""
    name = name.rstrip(".")
    try:
        ans = dnszone.lookup(dnszone.zones_of(world), name + ".", "A")
    except Exception:
        return lookup_failure(name)
    if ans.rcode == dnszone.SERVFAIL:
        return lookup_failure(name)
    addrs = [r.address for rrs in ans.answer if rrs.rdtype == 1 for r in rrs]  # 1: A
    if ans.rcode == dnszone.NXDOMAIN or not addrs:
        return NoRoute(False, "5.1.2", f"Host unknown (Name server: {name}: host not found)", name)
    canonical = ans.answer[-1].name.to_text() if ans.answer else name + "."
    return [Hop(canonical, tuple(addrs))]
