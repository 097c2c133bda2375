"""The MTA's decisions for one SMTP transaction, made by the world's sendmail.cf.

As sendmail 8.17 does: check_relay runs at connect, check_mail at MAIL and check_rcpt at RCPT,
each on the compiled rules of the cf (core/rules.py, compiled once per cf) with the run-time
macros sendmail sets ({client_addr}, {client_name}, {client_resolve}, {daemon_flags}, $&f...).
A `$#error $@ 5.7.1 $: "550 Relaying denied"` result becomes the reply "550 5.7.1 <addr>...
Relaying denied"; `$#discard` accepts and drops. Before check_rcpt, the recipient is parsed
(rulesets 3 and 0, where the virtusertable lookup of the stock cf happens); after it, a local
recipient is looked up as the local mailer does (aliases, ~/.forward, the account: "User
unknown"), and a program, file or :include: recipient is refused (core/route.py) - those are
sendmail's own checks outside the rulesets.

Each function returns the reply sendmail would give (code, enhanced code, text) or None to go
on. The SMTP server only asks and sends; nothing here knows about sockets.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from . import route, rulecache, rules
from .world import World

# The client and sender of the SMTP session this call belongs to. Each session runs in its own
# task (its own context), so check_connect's client is what check_mail sees, and check_mail's
# sender is what check_rcpt sees, as sendmail's macros live for its session. A caller outside
# that context (a thread pool does not copy it) must pass client_addr/client_name itself.
_session: ContextVar[dict | None] = ContextVar("mailkit_policy_session", default=None)
_UNSET = object()


@dataclass(frozen=True)
class Reply:
    code: int
    dsn: str
    text: str
    discard: bool = False  # DISCARD: answer 250, drop the message

    def __str__(self) -> str:
        return f"{self.code} {self.dsn} {self.text}" if self.dsn else f"{self.code} {self.text}"


def session_env(cfg, client_addr: str, client_name: str | None, sender: str | None = None,
                local_user: str | None = None) -> rules.Env:
    """The macros sendmail has set when its check_* rulesets run for this client. A session of
    `sendmail -bs` run by `local_user` has no client address or name, the daemon flags "c u"
    (unqualified addresses allowed) and $_ "user@localhost"."""
    if local_user is not None:
        macros = {"client_addr": "", "client_name": "", "client_resolve": "", "daemon_flags": "c u",
                  "_": f"{local_user}@localhost", "deliveryMode": getattr(cfg, "delivery_mode", "b") or "b"}
        if sender is not None:
            macros["f"] = sender
        return rules.Env(macros, classes=dict(rulecache.DAEMON_CLASSES))
    addr = client_addr or "127.0.0.1"
    macros = {
        "client_addr": addr,
        "client_name": client_name or f"[{addr}]",
        # resolved from the world's /etc/hosts (no DNS): a name is OK, none is FAIL
        "client_resolve": "OK" if client_name else "FAIL",
        "client_port": "0",
        "daemon_flags": "",
        "daemon_name": "MTA",
        "server_addr": "127.0.0.1",
        "server_name": cfg.hostname,
        "_": f"{client_name or ''} [{addr}]".strip(),
        "deliveryMode": getattr(cfg, "delivery_mode", "b") or "b",
    }
    if sender is not None:
        macros["f"] = sender
    return rules.Env(macros, classes=dict(rulecache.DAEMON_CLASSES))


def reply_of(text: str, shown: str | None) -> Reply:
    """A reply line as sendmail's usrerr builds it from "550 5.7.1 Relaying denied": the
    `shown... ` prefix (the address as the client typed it, "<a@b>") goes after the codes when
    the refusal is about an address."""
    m = re.match(r"([245]\d\d) (?:([245]\.\d{1,3}\.\d{1,3}) )?(.*)$", text, re.S)
    code, dsn, msg = (int(m.group(1)), m.group(2) or "", m.group(3)) if m else (553, "5.3.0", text)
    if not dsn:
        dsn = {2: "2.0.0", 4: "4.0.0", 5: "5.0.0"}[code // 100]
    return Reply(code, dsn, f"{shown}... {msg}" if shown else msg)


def _verdict(rs: rules.Rules, res: rules.Result, env: rules.Env, shown: str | None) -> Reply | None:
    """What a check_* result means: $#error -> the reply, $#discard -> discard, else go on."""
    t = rules.triple(rs, res.tokens)
    if t is None:
        return None
    mailer = t[0].lower()
    if mailer == "discard":
        return Reply(250, "", "", discard=True)
    if mailer != "error":
        return None  # $#OK, $#RELAY and the like: accepted
    parsed = rules.build_address(rs, res.tokens, env)
    return reply_of(parsed.error or "553 5.3.0 Unknown error", shown)


def _rules_for(world: World, cfg) -> rules.Rules:
    return rulecache.rules_for(world, cfg)


def _signature(world: World, cfg) -> tuple | None:
    """The maps' state, taken once for the questions of one command."""
    rs = _rules_for(world, cfg)
    return rulecache.signature(rs) if rs is not None and rs.world is not None else None


def _run_check(world: World, cfg, name: str, parts: list[str], env: rules.Env,
               shown: str | None, sig: tuple | None = None) -> Reply | None:
    rs = _rules_for(world, cfg)
    if rs is None or rs.ruleset_number(name) is None or not rs.rulesets.get(rs.ruleset_number(name)):
        return None  # a cf without this ruleset: sendmail accepts
    key = (name, tuple(parts), tuple(sorted(env.macros.items())))
    try:
        res = rulecache.remember(rs, key, lambda: rules.check(rs, name, parts, env), sig)
    except rules.RuleError:
        # sendmail logs the config error and answers a temporary failure
        return Reply(451, "4.3.0", f"{shown}... Temporary system failure. Please try again later." if shown
                     else "Temporary system failure. Please try again later.")
    return _verdict(rs, res, env, shown)


def _client(client_addr, client_name) -> tuple[str, str | None]:
    if client_addr is not _UNSET:
        return client_addr, client_name if client_name is not _UNSET else None
    s = _session.get()
    return (s["addr"], s["name"]) if s else ("127.0.0.1", "localhost")


def start_local_session(user: str) -> None:
    """A `sendmail -bs` session of `user` in this context: check_mail sees no client address."""
    _session.set({"addr": "", "name": None, "sender": "", "local": user})


def check_connect(world: World, cfg, client_addr: str, client_name: str | None) -> Reply | None:
    _session.set({"addr": client_addr, "name": client_name, "sender": ""})
    env = session_env(cfg, client_addr, client_name)
    return _run_check(world, cfg, "check_relay", [env.macros["client_name"], env.macros["client_addr"]],
                      env, None)


def sender_macro(world: World, cfg, sender: str, sig: tuple | None = None) -> str:
    """$f: the sender as setsender() leaves it (rulesets 3, 1 and 4: "<a%b@localhost>" is
    a%b@localhost.localdomain; a route-addr keeps its angle brackets), what check_mail's and
    check_rcpt's texts name."""
    rs = _rules_for(world, cfg)
    if rs is None or not sender:
        return sender

    def compute() -> str:
        toks = rs.tokens_of(f"<{sender}>").tokens
        if toks is None:
            return sender
        env = rules.Env({"addr_type": "e s"}, classes=dict(rulecache.DAEMON_CLASSES))
        try:
            for num in (3, 1, 4):
                toks = rs.rewrite(toks, num, env).tokens
        except rules.RuleError:
            return sender
        text = rules.cataddr(toks, rs.table, rs.spacesub)
        return f"<{text}>" if text.startswith("@") else text
    return rulecache.remember(rs, ("sender_macro", sender), compute, sig)


def check_mail(world: World, cfg, sender: str, client_addr=_UNSET, client_name=_UNSET,
               shown: str | None = None) -> Reply | None:
    """check_mail for `sender`; the client is the session's (from check_connect) unless given.
    `shown`: the path as the client typed it (the reply names it so), "<sender>" by default."""
    client_addr, client_name = _client(client_addr, client_name)
    shown = f"<{sender}>" if shown is None else shown
    s = _session.get()
    if s is not None:
        s["sender"] = sender
    local = s.get("local") if s is not None and client_addr == s["addr"] else None
    sig = _signature(world, cfg)
    env = session_env(cfg, client_addr, client_name, sender_macro(world, cfg, sender, sig), local)
    verdict = _run_check(world, cfg, "check_mail", [f"<{sender}>"], env, shown, sig)
    if verdict is not None and verdict.code // 100 == 4:
        # the real sendmail 8.17 answers a temporary refusal at MAIL without the address:
        # "451 4.3.2 Try again later" (at RCPT it keeps "<addr>... ")
        verdict = Reply(verdict.code, verdict.dsn, verdict.text.removeprefix(f"{shown}... "))
    return verdict


def relay_ok(world: World, cfg, client_addr: str, client_name: str | None, rcpt_domain: str) -> bool:
    """Whether the cf's check_rcpt lets this client send to a user at `rcpt_domain`."""
    env = session_env(cfg, client_addr, client_name, "")
    probe = f"postmaster@{rcpt_domain}"
    reply = _run_check(world, cfg, "check_rcpt", [f"<{probe}>"], env, f"<{probe}>")
    return reply is None or reply.discard


def check_rcpt(world: World, cfg, rcpt: str, client_addr: str, client_name: str | None,
               sender: str | None = None, shown: str | None = None, discarding: bool = False,
               local_user: str | None = None, parsed_out: list | None = None) -> Reply | None:
    """The verdict on one RCPT; `shown` is the path as typed ("<rcpt>" by default).
    `discarding`: an earlier DISCARD (check_mail or check_rcpt) already dropped the message, and
    sendmail then looks no local user up ("User unknown" is not said)."""
    shown = f"<{rcpt}>" if shown is None else shown
    if sender is None:
        s = _session.get()
        sender = s["sender"] if s else ""
    # sendmail parses the address before check_rcpt runs: a domain that is no host name is
    # refused first, then whatever ruleset 0 answers with $#error (virtusertable error:...).
    bad = route.refuse_direct(rcpt, cfg)
    if bad is not None and bad.code == "553":
        return Reply(553, bad.dsn, f"{shown}... {bad.text}")
    sig = _signature(world, cfg)
    env = session_env(cfg, client_addr, client_name, sender_macro(world, cfg, sender, sig), local_user)
    parsed = route.parse(world, cfg, rcpt)
    if parsed_out is not None:  # the parse, for the caller's recipient_key()
        parsed_out.append(parsed)
    if parsed is not None and parsed.mailer == "*error*" and parsed.error:
        return reply_of(parsed.error, shown)
    verdict = _run_check(world, cfg, "check_rcpt", [f"<{rcpt}>"], env, shown, sig)
    if verdict is not None:
        return verdict
    # The local mailer's own checks: no program, file or :include: from the envelope, and a
    # user that aliases, .forward or an account know.
    if discarding:
        bad = route.refuse_direct(rcpt, cfg)
        return Reply(int(bad.code), bad.dsn, f"{shown}... {bad.text}") if bad is not None else None
    if parsed is None or parsed.mailer in ("local", "prog", "*file*", "*include*"):
        ok, code, dsn, text = route.check_recipient(world, cfg, rcpt)
        if not ok:
            return Reply(int(code), dsn, f"{shown}... {text}")
    return None


def recipient_key(world: World, cfg, rcpt: str, parsed=_UNSET) -> tuple:
    """What sendmail's sameaddr() compares for two recipients of a transaction: the mailer,
    host and user buildaddr() made (case folded as the mailer's F=u/F=h say). `parsed`: the
    parse check_rcpt made (its parsed_out), parsed again when not given."""
    if parsed is _UNSET:
        parsed = route.parse(world, cfg, rcpt)
    if parsed is None:
        return ("", None, rcpt.lower())
    return (parsed.mailer, parsed.host, parsed.user)
