"""/etc/mail/virtusertable: virtual addresses to local accounts or other addresses.

"user@domain target", "@domain target" (catch-all; %1 is the user part), and
"error:nouser 550 text" or "error:5.1.1:550 text" to refuse an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .maps import Entry, open_map, parse_key_value
from .world import World


@dataclass(frozen=True)
class VirtError:
    code: str
    dsn: str
    text: str


_ERR = re.compile(r"^error:(?:(\d\.\d{1,3}\.\d{1,3}):)?(?:\w+\s+)?(\d{3})\s*(.*)$", re.I)


def parse(text: str, filename: str) -> list[Entry]:
    return parse_key_value(text, filename)


def _result(value: str, user: str, detail: str = "") -> str | VirtError:
    m = _ERR.match(value.strip())
    if m:
        return VirtError(m.group(2), m.group(1) or "", m.group(3).strip('"'))
    return value.replace("%1", user).replace("%2", detail).replace("%%", "%")


def lookup(world: World, cfg, address: str) -> str | VirtError | None:
    if not cfg.virtuser_db:
        return None
    addr = address.strip().strip("<>").lower()
    user, at, domain = addr.rpartition("@")
    if not at:
        return None
    m = open_map(world, cfg.virtuser_db)
    for key in (addr, f"@{domain}"):
        v = m.get(key)
        if v is not None:
            return _result(v, user)
    return None
