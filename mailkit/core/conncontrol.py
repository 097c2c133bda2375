"""How many SMTP connections a daemon takes, in all and from one client, as sendmail.cf says.

sendmail's knobs, read from the cf:
- `O MaxDaemonChildren=N`: at N open sessions sendmail stops accepting ("rejecting connections
  on daemon MTA: N children, max N"). The stock CentOS cf sets 20. mailkit answers the extra
  client `421 4.3.2 Too many open connections.` and closes, so it is told rather than left
  hanging; unset or 0 (no limit for sendmail) means DEFAULT_MAX_DAEMON_CHILDREN here.
- `O ConnectionRateThrottle=N`: a connection past N+1 in one second is delayed a second
  ("deferring connections on daemon MTA: N per second"). Unset: no throttle, as sendmail.
- FEATURE(`conncontrol') and FEATURE(`ratecontrol') put the ConnControl/RateControl rulesets
  in the cf; then `ClientConn:<ip>` and `ClientRate:<ip>` entries of the access map (or the
  default `ClientConn:` / `ClientRate:`) limit each client: open sessions, and connections per
  `O ConnectionRateWindowSize` (default 60s). Over the limit the client gets `452 4.3.2 Too
  many open connections.` / `452 4.3.2 Connection rate limit exceeded.` for its commands, or
  421 and the close with the feature's `terminate` argument (the reply code in the ruleset).
- Without FEATURE(`conncontrol') no client address may hold more than DEFAULT_CLIENT_CONN
  sessions (mailkit's own guard; sendmail has none), refused with the 421 text above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cf import parse_cf
from .maps import open_map

DEFAULT_MAX_DAEMON_CHILDREN = 200
DEFAULT_CLIENT_CONN = 10
DEFAULT_RATE_WINDOW = 60

CONN_TEXT = "Too many open connections."
RATE_TEXT = "Connection rate limit exceeded."
_REPLY_CODE = re.compile(r"\$:\s*(\d{3})\s+(Too many open connections|Connection rate limit exceeded)")
_DURATION = re.compile(r"^(\d+)([smhdw]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass(frozen=True)
class Limits:
    max_children: int = DEFAULT_MAX_DAEMON_CHILDREN
    rate_throttle: int = 0
    rate_window: int = DEFAULT_RATE_WINDOW
    conn_control: int = 0  # reply code of FEATURE(conncontrol): 452, 421 (terminate), 0 absent
    rate_control: int = 0


def _int(value: str) -> int:
    try:
        return max(0, int(value.strip()))
    except ValueError:
        return 0  # sendmail's atoi: a bad number counts as 0


def _seconds(value: str) -> int:
    m = _DURATION.match(value.strip().lower())
    return int(m.group(1)) * _UNITS[m.group(2)] if m else DEFAULT_RATE_WINDOW


def read(cf_text: str, filename: str = "/etc/mail/sendmail.cf") -> Limits:
    kw: dict = {}
    for line in parse_cf(cf_text, filename).lines:
        if line.kind == "O" and line.name == "MaxDaemonChildren":
            kw["max_children"] = _int(line.value) or DEFAULT_MAX_DAEMON_CHILDREN
        elif line.kind == "O" and line.name == "ConnectionRateThrottle":
            kw["rate_throttle"] = _int(line.value)
        elif line.kind == "O" and line.name == "ConnectionRateWindowSize":
            kw["rate_window"] = max(1, _seconds(line.value))
    for m in _REPLY_CODE.finditer(cf_text):
        key = "conn_control" if m.group(2).startswith("Too many") else "rate_control"
        kw[key] = int(m.group(1))
    return Limits(**kw)


def client_limit(world, access_db: str | None, tag: str, client_addr: str) -> int | None:
    """The access map's `ClientConn:`/`ClientRate:` value for an address (its own entry, then
    its networks, then the default entry `Tag:`), None when there is none; 0 means no limit."""
    if not access_db:
        return None
    try:
        amap = open_map(world, access_db)
    except (OSError, ValueError):
        return None
    keys = [client_addr]
    parts = client_addr.split(".")
    keys += [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
    for key in keys + [""]:
        try:
            value = amap.get(f"{tag.lower()}:{key}")  # makemap folds keys to lower case
        except Exception:
            return None
        if value is not None:
            return _int(value.split()[0]) if value.split() else 0
    return None
