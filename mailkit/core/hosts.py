"""/etc/hosts of the world: the names of the "other machines" (other loopback addresses).

The mail host has no DNS; a client connecting from 127.0.0.2 is named by this file, as a
host without a resolver would name it.
"""

from __future__ import annotations

from .world import World


def name_of(world: World, ip: str) -> str | None:
    try:
        text = world.read_text("/etc/hosts")
    except (FileNotFoundError, ValueError):
        text = ""
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and fields[0] == ip:
            return fields[1]
    return "localhost" if ip in ("127.0.0.1", "::1") else None


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
