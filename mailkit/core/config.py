"""What the mail host does, read from /etc/mail/sendmail.cf.

`load()` parses the cf (core/cf.py) and keeps the settings the course teaches; every other
line is listed in `Config.unhandled` with the reason mailkit does not act on it, so nothing
is ignored silently (`mailkit check-config` prints that list).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from . import rulecache, rulemaps
from .cf import EX_CONFIG, EX_OSFILE, CfError, CfFile, parse_cf
from .hosts import DEFAULT_HOSTNAME, hostname_of
from .world import SENDMAIL_CF, World

VERSION = "8.17.1.9"
SERVICE_PORTS = {"smtp": 25, "submission": 587, "smtps": 465, "pop3": 110, "imap": 143}
DELIVERY_MODES = {"i": "interactive", "b": "background", "q": "queueonly", "d": "deferred"}

# Options mailkit honours (long names as in sendmail.cf).
HANDLED_OPTIONS = {
    "AliasFile", "MaxMessageSize", "ForwardPath", "DaemonPortOptions", "DeliveryMode",
    "Timeout.queuereturn", "Timeout.queuewarn", "QueueDirectory", "PrivacyOptions",
    "SmtpGreetingMessage",
}
# The SMTP client's timeouts (the esmtp mailer, core/esmtp.py): sendmail's defaults, each
# Timeout.NAME option of the cf replacing its own (bare numbers in minutes, as sendmail reads them).
CLIENT_TIMEOUTS = {
    "connect": timedelta(0), "initial": timedelta(minutes=5), "helo": timedelta(minutes=5),
    "mail": timedelta(minutes=10), "rcpt": timedelta(hours=1), "datainit": timedelta(minutes=5),
    "datablock": timedelta(hours=1), "datafinal": timedelta(hours=1), "rset": timedelta(minutes=5),
    "quit": timedelta(minutes=2),
}
HANDLED_OPTIONS |= {f"Timeout.{name}" for name in CLIENT_TIMEOUTS}
# The one-letter option names of old sendmail.cf files ("OA/etc/aliases") for the options above.
OLD_OPTION_NAMES = {
    "A": "AliasFile", "Q": "QueueDirectory", "d": "DeliveryMode", "O": "DaemonPortOptions",
    "p": "PrivacyOptions", "J": "ForwardPath", "T": "Timeout.queuereturn",
}
GOAWAY = {"authwarnings", "noexpn", "novrfy", "needmailhelo", "needexpnhelo", "needvrfyhelo",
          "noverb", "noetrn", "nobodyreturn", "noreceipts"}
HANDLED_MACROS = {"j", "n", "Z", "e"}  # $e: the greeting of old cf files
HANDLED_CLASSES = {"w", "R", "t"}
HANDLED_MAPS = {"access", "virtuser"}

# Lines the rules engine (core/rules.py) runs for the MTA's decisions: rulesets and rules
# (check_relay, check_mail, check_rcpt, ruleset 0...), the macros and classes they read, and
# maps of the classes it has (an unknown map class is listed by the engine itself).
ACTED_ON_BY_RULES = {"R", "S", "D", "C", "F"}
RULES_OPTIONS = {"OperatorChars", "o", "BlankSub", "B", "HostsFile",  # read by core/rules.py
                 "OldStyleHeaders", "MustQuoteChars", "ColonOkInAddr"}  # and core/rewrite.py
# read from the cf by the modules that use them: core/conncontrol.py (the SMTP daemon's
# connection limits) and core/deliver.py (/file delivery)
READ_ELSEWHERE_OPTIONS = {"MaxDaemonChildren", "ConnectionRateThrottle", "ConnectionRateWindowSize",
                          "SafeFileEnvironment"}

_REASONS = {
    "M": "mailer definitions: the rules choose a mailer by name; its F= flags, S=/R= rulesets and L= "
         "rewrite what it gets; delivery is built in (P= and A= are not run), nothing is sent off the machine",
    "H": "header templates: mailkit writes Received and Return-Path itself",
    "P": "precedence values are not used for queue ordering",
    "K": "map class the rules engine does not have",
    "O": "option not acted on by mailkit",
    "E": "environment for mailers",
    "Q": "queue groups are not supported",
    "L": "obsolete line",
    "G": "obsolete line",
}


@dataclass(frozen=True)
class Daemon:
    name: str
    addr: str  # dotted quad, as sendmail resolved the Addr= key (0.0.0.0 when absent)
    port: int
    listen: int | None = field(default=None, repr=False)  # the Listen= key: the listen queue size
    modifiers: str = field(default="", repr=False, compare=False)  # the M= key: "s" is SMTP over TLS (smtps)


@dataclass(frozen=True)
class Unhandled:
    lineno: int
    text: str
    reason: str


@dataclass(frozen=True)
class Config:
    cf_path: str = SENDMAIL_CF
    hostname: str = DEFAULT_HOSTNAME
    dj: str | None = None
    dn: str = "MAILER-DAEMON"
    local_names: frozenset = frozenset()
    relay_domains: frozenset = frozenset()
    trusted_users: frozenset = frozenset()
    class_files: dict = field(default_factory=dict)  # class letter -> [host paths]
    alias_files: tuple = ("/etc/aliases",)
    max_message_size: int = 0
    forward_path: tuple = ("$z/.forward.$w", "$z/.forward")
    daemons: tuple = (Daemon("MTA", "127.0.0.1", 25),)
    delivery_mode: str = "b"
    queue_return: timedelta = timedelta(days=5)
    queue_warn: timedelta = timedelta(hours=4)
    queue_dir: str = "/var/spool/mqueue"
    privacy: frozenset = frozenset()
    greeting_template: str = "$j Sendmail $v/$Z; $b"
    access_db: str | None = None
    virtuser_db: str | None = None
    version: str = VERSION
    timeouts: dict = field(default_factory=lambda: dict(CLIENT_TIMEOUTS))  # Timeout.connect... (0: none)
    unhandled: tuple = ()
    warnings: tuple = ()  # what sendmail would print while reading the cf (missing class files)

    def greeting(self, date: str) -> str:
        text = expand_macros(self.greeting_template, self.macros(date))
        if "ESMTP" not in text:
            # sendmail puts ESMTP after the host name itself, whatever the option says
            host, _, rest = text.partition(" ")
            text = f"{host} ESMTP {rest}".rstrip()
        return text

    def macros(self, date: str = "") -> dict[str, str]:
        return {"j": self.hostname, "w": self.hostname.split(".")[0], "m": _domain_of(self.hostname),
                "v": self.version, "Z": self.version, "b": date, "n": self.dn}

    def is_local_domain(self, domain: str) -> bool:
        d = domain.lower().rstrip(".")
        return d in self.local_names or d == "[127.0.0.1]"


def _domain_of(host: str) -> str:
    return host.split(".", 1)[1] if "." in host else ""


def expand_macros(template: str, macros: dict[str, str]) -> str:
    """Expand $x and ${name} as sendmail does in option values."""

    def sub(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        return macros.get(name, "")

    return re.sub(r"\$\{(\w+)\}|\$(\w)", sub, template)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, default_unit: str = "s") -> timedelta:
    """sendmail's convtime: '5d', '4h', '1h30m', '30s', '2w'; a number without a unit is in
    `default_unit` (days for Timeout.queuereturn, hours for Timeout.queuewarn). Raises ValueError."""
    text = text.strip()
    if not text:
        raise ValueError("empty duration")
    total, pos = 0, 0
    for m in re.finditer(r"(\d+)([smhdw]?)", text):
        if m.start() != pos:
            break
        total += int(m.group(1)) * _UNITS[m.group(2) or default_unit]
        pos = m.end()
    if pos != len(text) or pos == 0:
        raise ValueError(f"invalid duration \"{text}\" (use a number with s, m, h, d or w)")
    return timedelta(seconds=total)


def format_duration(td: timedelta) -> str:
    secs = int(td.total_seconds())
    for unit, n in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if secs and secs % n == 0:
            return f"{secs // n}{unit}"
    return f"{secs}s"


class _Worded(ValueError):
    """A cf error sendmail words itself: reported without the "O Name:" prefix."""


def resolve_address(world: World | None, name: str) -> str | None:
    """An Addr= value as sendmail reads it: a numeric address (inet_addr forms such as
    "127.1" included), else a host name from the world's /etc/hosts; None when unknown."""
    try:
        return socket.inet_ntoa(socket.inet_aton(name))
    except OSError:
        pass
    wanted = name.lower().rstrip(".")
    if wanted in ("localhost", "localhost.localdomain"):
        return "127.0.0.1"
    try:
        text = world.read_text("/etc/hosts") if world is not None else ""
    except (OSError, ValueError):
        text = ""
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and wanted in (f.lower() for f in fields[1:]):
            try:
                return socket.inet_ntoa(socket.inet_aton(fields[0]))
            except OSError:
                continue
    return None


def parse_daemon_options(value: str, world: World | None = None) -> Daemon:
    """DaemonPortOptions: key=value pairs; sendmail tells the keys by their first letter
    (Addr, Listen, Name, Port, ...)."""
    opts = {}
    for part in value.split(","):
        k, _, v = part.strip().partition("=")
        if k.strip():
            opts[k.strip()[0]] = v.strip()
    port_s = opts.get("P", "smtp")
    port = int(port_s) if port_s.isdigit() else SERVICE_PORTS.get(port_s)
    if port is None:
        raise ValueError(f"unknown port \"{port_s}\"")
    addr = opts.get("A", "0.0.0.0") or "0.0.0.0"
    resolved = resolve_address(world, addr)
    if resolved is None:
        raise _Worded(f'host "{addr}" unknown')
    listen = opts.get("L")
    if listen is not None and not listen.isdigit():
        raise ValueError(f"invalid listen queue size \"{listen}\"")
    return Daemon(opts.get("N", "MTA") or "MTA", resolved, port, int(listen) if listen else None,
                  opts.get("M", ""))


def _class_file(value: str) -> tuple[str | None, bool]:
    """'-o /etc/mail/relay-domains' -> ('/etc/mail/relay-domains', True); -o: the file is optional."""
    toks = value.split()
    optional = "-o" in toks
    for tok in toks:
        if tok.startswith("/"):
            return tok, optional
    return None, optional


def class_file_names(text: str) -> list[str]:
    """The names of a class file such as local-host-names: whitespace separated, '#' comments."""
    names = []
    for line in text.splitlines():
        names.extend(line.split("#", 1)[0].split())
    return names


def _read_names(world: World, host_path: str) -> list[str] | None:
    """The names of a class file in the world; None when it is missing."""
    try:
        return class_file_names(world.read_text(host_path))
    except (FileNotFoundError, IsADirectoryError, ValueError):
        return None


def _map_db_path(value: str) -> str | None:
    """'hash -T<TMPF> -o /etc/mail/access.db' -> '/etc/mail/access.db'."""
    toks = value.split()
    paths = [t for t in toks[1:] if t.startswith("/")]
    return paths[-1] if paths else None


def load(world: World, cf: str = SENDMAIL_CF) -> Config:
    """The Config of a cf in the world; CfError, worded as sendmail words it, for a cf sendmail
    would not run with (missing, a bad line, or without what every cf must define)."""
    try:
        text = world.read_text(cf)
    except OSError as e:  # only the host path is named, never where the world lives
        raise CfError(cf, 0, f"cannot open: {e.strerror or 'I/O error'}", EX_OSFILE) from None
    except ValueError:  # World.path refused it (a symlink out of the world)
        raise CfError(cf, 0, "cannot open: Permission denied", EX_OSFILE) from None
    parsed = parse_cf(text, cf)
    check_complete(parsed)
    cfg = from_cf(world, parsed)
    # the cf's rules compiled now, with the class files as they are now: a daemon keeps them
    # until it is restarted, as sendmail does (core/rulecache.py)
    rulecache.rules_for(world, cfg)
    return cfg


def check_complete(cf: CfFile) -> None:
    """What sendmail checks once the cf is read: an empty or cut-off cf lacks the local mailer
    (the M lines come last) or the queue directory, and sendmail refuses to run with it."""
    missing = []
    if not any(ln.kind == "M" and ln.name == "local" for ln in cf.lines):
        missing.append("No local mailer defined")
    if not any(ln.kind == "O" and OLD_OPTION_NAMES.get(ln.name, ln.name) == "QueueDirectory" for ln in cf.lines):
        missing.append("QueueDirectory (Q) option must be set")
    if missing:
        raise CfError(cf.filename, None, "\n".join(missing), EX_CONFIG)


def from_cf(world: World, cf: CfFile) -> Config:
    kw: dict = {"cf_path": cf.filename}
    classes: dict[str, set[str]] = {"w": set(), "R": set(), "t": set()}
    class_files: dict[str, list[str]] = {}
    unhandled: list[Unhandled] = []
    warnings: list[str] = []
    macros: dict[str, str] = {}

    def skip(line, reason=None):
        unhandled.append(Unhandled(line.lineno, line.text.split("\n")[0], reason or _REASONS[line.kind]))

    for line in cf.lines:
        k = line.kind
        if k in ("comment", "blank"):
            continue
        if k == "D" and line.name in HANDLED_MACROS:
            macros[line.name] = line.value.strip()
        elif k == "C" and line.name in HANDLED_CLASSES:
            classes[line.name].update(line.value.split())
        elif k == "F" and line.name in HANDLED_CLASSES:
            path, optional = _class_file(line.value)
            if not path:
                skip(line, "class file line without a file name")
                continue
            class_files.setdefault(line.name, []).append(path)
            names = _read_names(world, path)
            if names is None and not optional:
                warnings.append(f"{cf.filename}: line {line.lineno}: fileclass: cannot open '{path}': "
                                "No such file or directory")
            classes[line.name].update(names or ())
        elif k == "K" and line.name in HANDLED_MAPS:
            kw["access_db" if line.name == "access" else "virtuser_db"] = _map_db_path(line.value)
        elif k == "K" and (line.value.split() or [""])[0] in rulemaps.SUPPORTED:
            continue  # declared for the rules, which look it up
        elif k == "O" and OLD_OPTION_NAMES.get(line.name, line.name) in HANDLED_OPTIONS:
            name, value = OLD_OPTION_NAMES.get(line.name, line.name), line.value
            if line.name == "T" and "/" in value:  # old "T5d/4h": queuereturn/queuewarn
                value, warn = value.split("/", 1)
                _apply_option(kw, "Timeout.queuewarn", warn, cf.filename, line.lineno)
            _apply_option(kw, name, value, cf.filename, line.lineno, world)
        elif k == "T":  # the old trusted-users line: the same as class t
            classes["t"].update(line.value.split())
        elif k == "V":
            continue  # the version level is read, and 10 is what sendmail 8.17 writes
        elif k in ACTED_ON_BY_RULES or (k == "O" and (line.name in RULES_OPTIONS or line.name in READ_ELSEWHERE_OPTIONS)):
            continue  # compiled and run by core/rules.py (core/policy.py, core/route.py)
        else:
            skip(line)

    # $j: the cf's Dj, else the machine's name (sendmail asks gethostname(): the world's
    # /etc/hostname, localhost.localdomain for a host alone)
    machine = hostname_of(world)
    host = macros.get("j")
    if host:
        short, _, domain = machine.partition(".")
        host = expand_macros(host, {"w": short, "m": domain})
        kw["dj"] = host
        kw["hostname"] = host
    elif machine != DEFAULT_HOSTNAME:
        kw["hostname"] = machine
    if "n" in macros:
        kw["dn"] = macros["n"]
    if "Z" in macros:
        kw["version"] = macros["Z"]
    if "e" in macros and "greeting_template" not in kw:
        kw["greeting_template"] = macros["e"]
    hostname = kw.get("hostname", DEFAULT_HOSTNAME)
    kw["local_names"] = frozenset(n.lower() for n in classes["w"] | {hostname})
    kw["relay_domains"] = frozenset(n.lower() for n in classes["R"])
    kw["trusted_users"] = frozenset(classes["t"] | {"root", "daemon", "uucp"})
    kw["class_files"] = class_files
    kw["unhandled"] = tuple(unhandled)
    kw["warnings"] = tuple(warnings)
    if "daemons_seen" in kw:
        kw["daemons"] = tuple(kw.pop("daemons_seen"))
    return Config(**kw)


def _apply_option(kw: dict, name: str, value: str, filename: str, lineno: int, world: World | None = None) -> None:
    try:
        if name == "AliasFile":
            kw["alias_files"] = tuple(
                v.strip().split(":", 1)[-1] if ":" in v and not v.strip().startswith("/") else v.strip()
                for v in value.split(",") if v.strip()
            )
        elif name == "MaxMessageSize":
            # sendmail limits only when the value is above 0: a negative one means no limit
            kw["max_message_size"] = max(0, int(value or 0))
        elif name == "ForwardPath":
            kw["forward_path"] = tuple(p for p in value.split(":") if p)
        elif name == "DaemonPortOptions":
            # several DaemonPortOptions lines mean several listeners
            kw.setdefault("daemons_seen", []).append(parse_daemon_options(value, world))
        elif name == "DeliveryMode":
            mode = value.strip()[:1].lower()
            if mode not in DELIVERY_MODES:
                raise ValueError(f"invalid delivery mode \"{value}\"")
            kw["delivery_mode"] = mode
        elif name == "Timeout.queuereturn":
            kw["queue_return"] = parse_duration(value, "d")
        elif name == "Timeout.queuewarn":
            kw["queue_warn"] = parse_duration(value, "h")
        elif name == "QueueDirectory":
            kw["queue_dir"] = value.strip()
        elif name == "PrivacyOptions":
            flags = {p.strip().lower() for p in value.split(",") if p.strip()}
            if "goaway" in flags:  # goaway is shorthand for all of these (sendmail's op guide)
                flags |= GOAWAY
            kw["privacy"] = frozenset(flags)
        elif name == "SmtpGreetingMessage":
            kw["greeting_template"] = value
        elif name.startswith("Timeout."):
            kw.setdefault("timeouts", dict(CLIENT_TIMEOUTS))[name[8:]] = parse_duration(value, "m")
    except _Worded as e:
        raise CfError(filename, lineno, str(e)) from None
    except ValueError as e:
        raise CfError(filename, lineno, f"O {name}: {e}") from None
