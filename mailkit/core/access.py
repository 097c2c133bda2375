"""The access map: who may connect, send, receive and relay (FEATURE(access_db)).

Keys are an IP or IP prefix, a host or domain name (matching its subdomains), a full address
or "user@", optionally tagged Connect:, From: or To:. Lookups go from the most specific key to
the least, a tagged key before an untagged one, as sendmail's rulesets do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .maps import Entry, MapError, open_map, parse_key_value
from .world import World

ACTIONS = ("RELAY", "OK", "REJECT", "DISCARD", "SKIP", "ERROR", "QUARANTINE")
TAGS = ("Connect", "From", "To")
# Tags of other FEATUREs (not acted on by mailkit, accepted by makemap as on a real host).
OTHER_TAGS = {"spam", "greetpause", "clientrate", "clientconn", "srv_features", "clt_features",
              "try_tls", "tls_srv", "tls_clt", "tls_rcpt", "auth", "qgrp", "compat", "mailrate",
              "ehlo", "bv", "delay_checks"}


@dataclass(frozen=True)
class AccessResult:
    action: str  # one of ACTIONS
    code: str = ""  # for ERROR: "550"
    dsn: str = ""  # for ERROR: "5.7.1" (empty: sendmail derives one)
    text: str = ""  # for ERROR: the message
    key: str = ""  # the map key that matched


# ERROR:"550 text", ERROR:5.7.1:"550 text" and ERROR:"5.7.1:550 text" (all three are sendmail's)
_ERROR = re.compile(r'^ERROR:\s*"?(?:(\d\.\d{1,3}\.\d{1,3}):)?\s*"?(\d{3})\s*(.*?)"?$', re.I)


def parse_action(value: str) -> AccessResult | None:
    v = value.strip()
    up = v.upper()
    if up in ("RELAY", "OK", "REJECT", "DISCARD", "SKIP"):
        return AccessResult(up)
    m = _ERROR.match(v)
    if m:
        return AccessResult("ERROR", m.group(2), m.group(1) or "", m.group(3))
    if up.startswith("QUARANTINE:") and v[11:].strip():
        # sendmail holds such mail in the queue with the reason; mailkit accepts the line (makemap as
        # on a real host) but does not quarantine: no decision is taken on it
        return AccessResult("QUARANTINE", text=v[11:].strip())
    return None


def parse(text: str, filename: str) -> list[Entry]:
    """makemap's view of the access file, plus a check that the right-hand side means something."""
    entries = parse_key_value(text, filename)
    for e in entries:
        tag, sep, rest = e.key.partition(":")
        if tag.lower() == "ipv6":  # "IPv6:2001:db8::1" is an address key, not a tag
            tag, sep, rest = "", "", e.key
        if sep and tag.lower() in OTHER_TAGS:
            # sendmail's other tags (GreetPause:, Spam:, ...) have their own right-hand sides, and
            # with no key ("ClientConn:  10") they are the default for every client
            continue
        if sep and not rest:
            raise MapError(filename, e.lineno, f"no key after the tag \"{tag}:\"")
        if sep and tag.capitalize() not in TAGS:
            raise MapError(filename, e.lineno, f"unknown tag \"{tag}:\" (Connect:, From: or To:)")
        if parse_action(e.value) is None:
            raise MapError(filename, e.lineno, f"unknown action \"{e.value}\" (RELAY, OK, REJECT, DISCARD, SKIP or ERROR:\"code text\")")
    return entries


def _domain_keys(domain: str) -> list[str]:
    parts = domain.lower().strip("[]").split(".")
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


def _ip_keys(ip: str) -> list[str]:
    parts = ip.strip("[]").split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _is_ip(s: str) -> bool:
    return bool(re.fullmatch(r"\[?\d{1,3}(\.\d{1,3}){3}\]?", s))


def candidate_keys(tag: str, value: str) -> list[str]:
    """The keys sendmail tries for a lookup, most specific first."""
    value = value.strip().strip("<>").lower()
    if tag == "Connect":
        bases = _ip_keys(value) if _is_ip(value) else _domain_keys(value)
    else:
        user, at, domain = value.rpartition("@")
        if not at:
            user, domain = value, ""
        bases = []
        if domain:
            bases.append(f"{user}@{domain}")
            bases += _ip_keys(domain) if _is_ip(domain) else _domain_keys(domain)
        bases.append(f"{user}@")
    keys = []
    for b in bases:
        keys += [f"{tag.lower()}:{b}", b]
    return keys


def check(world: World, cfg, tag: str, value: str) -> AccessResult | None:
    """Look `value` up in the built access map (cfg.access_db); None when nothing matches."""
    if not cfg.access_db or not value:
        return None
    m = open_map(world, cfg.access_db)
    for key in candidate_keys(tag, value):
        v = m.get(key)
        if v is None:
            continue
        res = parse_action(v)
        if res is None or res.action == "SKIP":
            return None
        return AccessResult(res.action, res.code, res.dsn, res.text, key)
    return None


def check_connect(world: World, cfg, ip: str, hostname: str | None = None) -> AccessResult | None:
    """sendmail's check_relay: the client's host name (and its parent domains) first, then its
    IP address and prefixes."""
    res = check(world, cfg, "Connect", hostname) if hostname else None
    if res is None:
        res = check(world, cfg, "Connect", ip)
    return res
