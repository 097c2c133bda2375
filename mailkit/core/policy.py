"""The MTA's decisions for one SMTP transaction, as sendmail's check_* rulesets make them.

Each function returns the reply sendmail would give (code, enhanced code, text) or None to go
on. The SMTP server only asks and sends; nothing here knows about sockets.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import access, route
from .world import World

LOCAL_ADDRS = ("127.0.0.1", "::1", "0", "")


@dataclass(frozen=True)
class Reply:
    code: int
    dsn: str
    text: str
    discard: bool = False  # DISCARD: answer 250, drop the message

    def __str__(self) -> str:
        return f"{self.code} {self.dsn} {self.text}" if self.dsn else f"{self.code} {self.text}"


def _access_reply(res: access.AccessResult, addr: str, reject_text: str, reject_dsn: str) -> Reply | None:
    if res.action == "REJECT":
        return Reply(550, reject_dsn, f"<{addr}>... {reject_text}" if addr else reject_text)
    if res.action == "ERROR":
        code = int(res.code or 550)
        dsn = res.dsn or ("5.0.0" if code >= 500 else "4.0.0")
        return Reply(code, dsn, f"<{addr}>... {res.text}" if addr else res.text)
    if res.action == "DISCARD":
        return Reply(250, "", "", discard=True)
    return None


def check_connect(world: World, cfg, client_addr: str, client_name: str | None) -> Reply | None:
    res = access.check_connect(world, cfg, client_addr, client_name)
    if res is None:
        return None
    if res.action == "REJECT":
        return Reply(550, "5.7.1", "Access denied")
    if res.action == "ERROR":
        return Reply(int(res.code or 550), res.dsn or "5.0.0", res.text)
    if res.action == "DISCARD":
        return Reply(250, "", "", discard=True)
    return None


def check_mail(world: World, cfg, sender: str) -> Reply | None:
    if sender == "":
        return None  # the null sender <> of bounces
    user, domain = route.split_address(sender)
    if not domain:
        return Reply(553, "5.5.4", f"<{sender}>... Domain name required for sender address {sender}")
    res = access.check(world, cfg, "From", sender)
    if res is None:
        return None
    return _access_reply(res, sender, "Access denied", "5.7.1")


def relay_ok(world: World, cfg, client_addr: str, client_name: str | None, rcpt_domain: str) -> bool:
    """sendmail's Relay_ok and the recipient-side relay checks."""
    if client_addr in LOCAL_ADDRS:
        return True  # "originated locally"
    if any(client_addr == r or client_addr.startswith(r + ".") for r in cfg.relay_domains):
        return True
    res = access.check_connect(world, cfg, client_addr, client_name)
    if res is not None and res.action == "RELAY":
        return True
    if f"[{client_addr}]" in cfg.local_names:
        return True
    if client_name:
        name = client_name.lower()
        if name in cfg.local_names or _in_domains(name, cfg.relay_domains):
            return True
    if _in_domains(rcpt_domain, cfg.relay_domains):
        return True
    res = access.check(world, cfg, "To", f"@{rcpt_domain}")
    return res is not None and res.action == "RELAY"


def _in_domains(name: str, domains) -> bool:
    name = name.lower().rstrip(".")
    return any(name == d or name.endswith("." + d) for d in domains)


def check_rcpt(world: World, cfg, rcpt: str, client_addr: str, client_name: str | None) -> Reply | None:
    user, domain = route.split_address(rcpt)
    # sendmail parses the address before check_rcpt runs: a domain that is no host name is
    # refused first. A program, file or :include: recipient is refused after the relay checks,
    # by route (only aliases and .forward may name them).
    bad = route.refuse_direct(rcpt, cfg)
    if bad is not None and bad.code == "553":
        return Reply(553, bad.dsn, f"<{rcpt}>... {bad.text}")
    res = access.check(world, cfg, "To", rcpt if domain else f"{user}@{cfg.hostname}")
    if res is not None and res.action not in ("OK", "RELAY"):
        return _access_reply(res, rcpt, "Mailbox disabled for this recipient", "5.2.1")
    if domain and not cfg.is_local_domain(domain):
        if res is not None and res.action == "RELAY" or relay_ok(world, cfg, client_addr, client_name, domain):
            return None
        return Reply(550, "5.7.1", f"<{rcpt}>... Relaying denied")
    ok, code, dsn, text = route.check_recipient(world, cfg, rcpt if domain else f"{user}@{cfg.hostname}")
    if not ok:
        return Reply(int(code), dsn, f"<{rcpt}>... {text}")
    return None
