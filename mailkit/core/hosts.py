"""The world's names: /etc/hostname (what gethostname() says) and /etc/hosts (the names of the
"other machines", other loopback addresses).

A host alone has no DNS for its clients: a client connecting from 127.0.0.2 is named by
/etc/hosts, as a host without a resolver would name it. A host of a network (core/network.py)
also asks the network's zones for the PTR record of an address /etc/hosts does not name, as
sendmail does with "hosts: files dns", and keeps the name only when its A record leads back to
the address (a name that does not is not believed).
"""

from __future__ import annotations

import os

from .snapshot import file_key
from .world import World

HOSTNAME_FILE = "/etc/hostname"
DEFAULT_HOSTNAME = "localhost.localdomain"  # a CentOS host with the stock /etc/hosts
MAX_HOSTNAME = 255


# real path of a world's /etc/hostname -> (its stat when read, the name): every maillog line
# names the host, and one stat tells whether the file is still the one read.
_names: dict[str, tuple] = {}


def hostname_of(world: World | None) -> str:
    """The machine's name: the first word of the world's /etc/hostname, else
    localhost.localdomain (a host alone has no such file, and keeps that name)."""
    if world is None:
        return DEFAULT_HOSTNAME
    real = os.path.join(world.root, HOSTNAME_FILE.lstrip("/"))
    now = file_key(real)
    hit = _names.get(real)
    if hit is not None and hit[0] == now:
        return hit[1]
    name = _read_hostname(world)
    if len(_names) > 256:
        _names.clear()
    _names[real] = (now, name)
    return name


def _read_hostname(world: World) -> str:
    try:
        text = world.read_text(HOSTNAME_FILE)
    except (OSError, ValueError):
        return DEFAULT_HOSTNAME
    words = text.split("#", 1)[0].split()
    name = words[0].rstrip(".") if words else ""
    if not name or len(name) > MAX_HOSTNAME or not all(c.isalnum() or c in "-._" for c in name):
        return DEFAULT_HOSTNAME
    return name


def name_of(world: World, ip: str) -> str | None:
    try:
        text = world.read_text("/etc/hosts")
    except (FileNotFoundError, ValueError):
        text = ""
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and fields[0] == ip:
            return fields[1]
    if ip in ("127.0.0.1", "::1"):
        return "localhost"
    return _reverse_name(world, ip)


def _reverse_name(world: World, ip: str) -> str | None:
    """The PTR name of `ip` in the network's zones, confirmed by its A record; None when the
    world is a host alone, or the zones do not name the address."""
    from . import dnszone, network

    if network.membership(world) is None:
        return None
    parts = ip.split(".")
    if len(parts) != 4 or not all(p.isdigit() for p in parts):
        return None
    try:
        ans = dnszone.lookup(dnszone.zones_of(world), ".".join(reversed(parts)) + ".in-addr.arpa.", "PTR")
    except Exception:  # a bad name or zone: no name, as a failed lookup gives none
        return None
    for rrs in ans.answer:
        for r in rrs:
            target = getattr(r, "target", None)
            if target is None:
                continue
            name = target.to_text().rstrip(".")
            if ip in dnszone.resolve_a(world, name):
                return name
    return None


def address_of(world: World, name: str) -> str | None:
    """The address /etc/hosts gives `name` (any of a line's names, case-insensitive), or None."""
    try:
        text = world.read_text("/etc/hosts")
    except (OSError, ValueError):
        return None
    want = name.lower().rstrip(".")
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and want in (f.lower() for f in fields[1:]):
            return fields[0]
    return None
