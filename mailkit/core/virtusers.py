"""/etc/mail/virtusertable: virtual addresses to local accounts or other addresses.

"user@domain target", "@domain target" (catch-all; %1 is the user part), and
"error:nouser 550 text" or "error:5.1.1:550 text" to refuse an address.

Lookup order, as sendmail's ruleset for FEATURE(virtusertable) with "+detail" addresses:
user+detail@domain, user+*@domain, user@domain, then @domain (%1 = user, %2 = detail,
%3 = "+detail"). Keys are lower case, as makemap writes them.
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
# The error mailer's symbolic hosts without a numeric code (error:nouser User unknown).
_SYMBOLIC = {"nouser": ("550", "5.1.1"), "unavailable": ("550", "5.0.0"), "tempfail": ("451", "4.0.0"),
             "noperm": ("550", "5.0.0"), "dataerr": ("550", "5.6.0"), "software": ("554", "5.3.0")}


def parse(text: str, filename: str) -> list[Entry]:
    return parse_key_value(text, filename)


def _result(value: str, user: str, detail: str | None = None) -> str | VirtError:
    v = value.strip()
    m = _ERR.match(v)
    if m:
        return VirtError(m.group(2), m.group(1) or "", m.group(3).strip('"'))
    if v.lower().startswith("error:"):
        word, _, text = v[6:].partition(" ")
        code, dsn = _SYMBOLIC.get(word.lower(), ("550", "5.0.0"))
        return VirtError(code, dsn, text.strip().strip('"'))
    subs = {"1": user, "2": detail or "", "3": f"+{detail}" if detail is not None else "", "%": "%"}
    return re.sub(r"%([0-9%])", lambda x: subs.get(x.group(1), ""), v)


def candidate_keys(address: str) -> list[tuple[str, bool]]:
    """The keys tried for `address`, most specific first; True marks the catch-all."""
    addr = address.strip().strip("<>").lower()
    user, at, domain = addr.rpartition("@")
    if not at:
        return []
    base, plus, detail = user.partition("+")
    keys = [(addr, False)]
    if plus:
        keys += [(f"{base}+*@{domain}", False), (f"{base}@{domain}", False)]
    keys.append((f"@{domain}", True))
    return keys


def lookup(world: World, cfg, address: str) -> str | VirtError | None:
    """The target of `address` in the built virtusertable.db, a VirtError, or None."""
    if not cfg.virtuser_db:
        return None
    m = open_map(world, cfg.virtuser_db)
    user = address.strip().strip("<>").lower().rpartition("@")[0]
    base, plus, detail = user.partition("+")
    for key, catch_all in candidate_keys(address):
        v = m.get(key)
        if v is not None:
            return _result(v, base if plus else user, detail if plus else None)
    return None
