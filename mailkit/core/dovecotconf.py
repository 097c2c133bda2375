"""Dovecot's configuration, /etc/dovecot/dovecot.conf and what it includes, read as Dovecot 2.3
reads it (src/config/config-parser.c), so the POP3 and IMAP servers do what the file says.

The syntax: `key = value` (quoted values unescaped; `key = <file` reads a file; `$name` words
take the value of an earlier setting), sections `name [arg] {` ... `}` (service, inet_listener,
unix_listener, fifo_listener, namespace, mailbox, passdb, userdb, and plugin/dict whose keys are
free), filters `protocol P {`, `local NET {`, `remote NET {`, `local_name N {`, `!include PATH`
(a glob, relative to the including file; no match is an error) and `!include_try PATH`, `#`
comments and lines continued with a trailing backslash. What Dovecot knows, each setting's
type and default, is dovecot_settings.json (made from the real doveconf by
scripts/dovecot_settings.py). Errors are Dovecot's, with the file and line:
`Error in configuration file /etc/dovecot/conf.d/10-mail.conf line 3: Unknown setting: foo`.

`parse(world)` reads as `doveconf` does (no `$var` or `<file` expanded but "key = $key ..."),
`parse(world, expand=True)` as the running Dovecot does (every `$var`, and `<file` must open).
Files are opened through the world only, each at most MAX_FILE bytes, MAX_FILES in all.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import dovecotvars
from .world import PathEscape, World

DOVECOT_CONF = "/etc/dovecot/dovecot.conf"
MAX_FILE = 1 << 20  # bytes read of one configuration file
MAX_FILES = 256  # files one parse may open (includes included again count again)
ALIASES = {"mail": "mail_location", "doveadm_proxy_port": "doveadm_port"}
# section keyword -> (type, how its instances are told apart): "unique" by name (a second
# `service imap {` adds to the first), "index" (each `passdb {` is another), "strlist" (free keys)
ROOT_LISTS = {"service": "unique", "namespace": "unique", "passdb": "index", "userdb": "index",
              "plugin": "strlist", "dict": "strlist"}
CHILD_LISTS = {"service": {"inet_listener": "unique", "unix_listener": "unique", "fifo_listener": "unique"},
               "namespace": {"mailbox": "unique"}}
FILTERS = ("protocol", "local", "remote", "local_name")
PROTOCOLS = ("imap", "pop3", "lmtp")  # the services CentOS 7's dovecot package installs
# what `doveconf -n` says about the machine (sysinfo-get.c): a CentOS 7 host
OS_LINE = "Linux 3.10.0-1160.el7.x86_64 x86_64 CentOS Linux release 7.9.2009 (Core)"
FILESYSTEM = "xfs"  # CentOS 7's root filesystem, named for a mail_location on a fixed path


@lru_cache(maxsize=1)
def known() -> dict:
    """dovecot_settings.json: version, global settings, section keys, default services."""
    return json.loads((Path(__file__).with_name("dovecot_settings.json")).read_text())


def version() -> str:
    return known()["version"]


class ConfError(Exception):
    """Dovecot's error for a configuration it will not use. `str()` is doveconf's text after
    "doveconf: Fatal: "; `check` marks an error found after parsing (no line), which doveconf
    also prints once as "doveconf: Error: ..."."""

    def __init__(self, reason: str, path: str, line: int | None = None, check: bool = False, conf=None):
        super().__init__(reason)
        self.reason, self.path, self.line, self.check = reason, path, line, check
        self.conf = conf  # a check's error: what was parsed (doveconf -n still prints it)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path} line {self.line}"
        return f"Error in configuration file {where}: {self.reason}"

    @property
    def fatal(self) -> str:
        return f"doveconf: Fatal: {self}"


# -- values --------------------------------------------------------------------------------

def _uint(value: str) -> int:
    if not value or not value.isascii() or not value.isdigit():
        why = "Number too small" if value.startswith("-") and value[1:].isdigit() else "Not a valid number"
        raise ValueError(f"Invalid number {value}: {why}")
    n = int(value)
    if n > 0xFFFFFFFF:
        raise ValueError(f"Invalid number {value}: Number too large")
    return n


def _leading_number(text: str, error: str) -> tuple[int, str]:
    i = 0
    while i < len(text) and text[i].isascii() and text[i].isdigit():
        i += 1
    if i == 0:
        raise ValueError(error)
    return int(text[:i]), text[i:]


_TIME_UNITS = [("S", 1, ("secs", "seconds")), ("M", 60, ("mins", "minutes")), ("H", 3600, ("hours",)),
               ("D", 86400, ("days",)), ("W", 604800, ("weeks",))]


def _seconds(value: str, msecs: bool) -> int:
    """settings_get_time_full: "2 secs", "5m", "1 hours"; msecs gives milliseconds."""
    bad = f"Invalid time interval: {value}"
    num, rest = _leading_number(value, bad)
    rest = rest.lstrip(" ")
    if not rest and num != 0:
        raise ValueError(f"Time interval '{value}' is missing units (add e.g. 's' for seconds)")
    mult = 1000 if msecs else 1
    if rest:
        low = rest.lower()
        if low[0] == "m" and any(w.startswith(low) for w in ("msecs", "mseconds", "millisecs", "milliseconds")) \
                and not any(w.startswith(low) for w in ("mins", "minutes")):
            if not msecs and num % 1000:
                raise ValueError(f"Milliseconds not supported for this setting: {value}")
            return num if msecs else num // 1000
        for letter, secs, words in _TIME_UNITS:
            if low[0] == letter.lower():
                mult *= secs
                if len(low) > 1 and not any(w.startswith(low) for w in words):
                    raise ValueError(bad)
                break
        else:
            raise ValueError(bad)
    if num * mult > 0xFFFFFFFF:
        raise ValueError(f"Time interval is too large: {value}")
    return num * mult


def _time_text(secs: int) -> str:
    if secs == 0:
        return "0"
    suffix = "secs"
    for div, name in ((60, "mins"), (60, "hours"), (24, "days"), (7, "weeks")):
        if secs % div:
            break
        secs //= div
        suffix = name
    return f"{secs} {suffix}"


def _size(value: str) -> int:
    bad = f"Invalid size: {value}"
    num, rest = _leading_number(value, bad)
    rest = rest.lstrip(" ")
    mult = 1
    if rest:
        units = {"B": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
        mult = units.get(rest[0].upper(), 0)
        if not mult:
            raise ValueError(bad)
        rest = rest[1:]
        if mult > 1:
            if rest[:1].upper() == "I":
                rest = rest[1:]
            if rest[:1].upper() == "B":
                rest = rest[1:]
        if rest:
            raise ValueError(bad)
    if num * mult > 0xFFFFFFFFFFFFFFFF:
        raise ValueError(f"Size is too large: {value}")
    return num * mult


def _size_text(n: int) -> str:
    if n == 0:
        return "0"
    suffix = "B"
    for s in "kMGT":
        if n % 1024:
            break
        n //= 1024
        suffix = s
    return f"{n} {suffix}"


def normalize(kind: str, value: str) -> str:
    """A setting's value as Dovecot keeps and prints it; ValueError with Dovecot's words."""
    if kind == "bool":
        if value.lower() in ("yes", "y") or value == "1":
            return "yes"
        if value.lower() == "no":
            return "no"
        raise ValueError(f"Invalid boolean value: {value} (use yes or no)")
    if kind == "uint":
        return str(_uint(value))
    if kind == "octal":
        if not value.startswith("0"):
            return "0%o" % _uint(value)
        try:
            return "0%o" % int(value, 8)
        except ValueError:
            raise ValueError(f"Invalid number: {value}") from None
    if kind in ("time", "msecs"):
        n = _seconds(value, kind == "msecs")
        if kind == "msecs":
            return _time_text(n // 1000) if n % 1000 == 0 else f"{n} ms"
        return _time_text(n)
    if kind == "size":
        return _size_text(_size(value))
    if kind == "port":
        if not value.isascii() or not value.isdigit() or int(value) > 65535:
            raise ValueError(f"Invalid port number {value}")
        return str(int(value))
    if kind.startswith("enum:"):
        if value not in kind.split(":")[1:]:
            raise ValueError(f"Invalid value: {value}")
        return value
    return value


def default_of(kind: str, value: str) -> str:
    """A default as the settings table holds it, in the form `normalize` gives."""
    if kind.startswith("enum:"):
        return kind.split(":")[1]
    if kind == "size" and value == "18446744073709551615 B":
        return value  # "unlimited": the largest size, as doveconf prints it
    try:
        return normalize(kind, value)
    except ValueError:
        return value


# -- the parsed configuration ----------------------------------------------------------------

@dataclass
class Section:
    """One `kind name {` block (merged with later blocks of the same unique name)."""
    kind: str
    name: str  # the name as written ("" for none); an index for passdb/userdb
    key: str  # the name in the settings tree (escaped, or a counter for an unnamed block)
    where: str
    values: dict = field(default_factory=dict)  # key -> value, only what the file set
    lines: dict = field(default_factory=dict)  # key -> "file:line" where it was set last
    children: dict = field(default_factory=dict)  # (kind, key) -> Section, in order


@dataclass
class Filter:
    protocol: str | None = None
    local: tuple | None = None  # (ip_network, text as written)
    remote: tuple | None = None
    local_name: str | None = None
    where: str = ""
    values: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)

    def spec(self) -> tuple:
        return (self.protocol, self.local and self.local[1], self.remote and self.remote[1], self.local_name)

    def matches(self, protocol: str | None, local_ip: str | None, remote_ip: str | None) -> bool:
        if self.protocol is not None:
            if protocol is None:
                return False
            if self.protocol.startswith("!"):
                if protocol == self.protocol[1:]:
                    return False
            elif protocol != self.protocol:
                return False
        for net, ip in ((self.local, local_ip), (self.remote, remote_ip)):
            if net is not None:
                try:
                    if ip is None or ipaddress.ip_address(ip) not in net[0]:
                        return False
                except ValueError:
                    return False
        return self.local_name is None  # no TLS SNI here: a local_name block never applies

    def rank(self) -> tuple:
        """config_filter_parser_cmp's order, least specific first (as the values apply)."""
        return (self.local_name is not None, self.local[0].prefixlen if self.local else 0,
                self.remote[0].prefixlen if self.remote else 0, self.protocol is not None)


@dataclass
class DovecotConfig:
    path: str
    root: Section
    filters: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    files: list = field(default_factory=list)  # every file read, in order

    # -- effective values
    def get(self, key: str, protocol: str | None = None, local_ip: str | None = None,
            remote_ip: str | None = None) -> str:
        """The value Dovecot's `protocol` service uses for a connection to local_ip from
        remote_ip: the global one, then each matching filter's, least specific first."""
        key = ALIASES.get(key, key)
        value = self.root.values.get(key)
        if value is None:
            kind, default = known()["global"][key]
            value = default_of(kind, default)
        for f in sorted((f for f in self.filters if key in f.values), key=Filter.rank):
            if f.matches(protocol, local_ip, remote_ip):
                value = f.values[key]
        return value

    def flag(self, key: str, **kw) -> bool:
        return self.get(key, **kw) == "yes"

    def sections(self, kind: str) -> list[Section]:
        return [s for (k, _), s in self.root.children.items() if k == kind]

    def service(self, name: str) -> dict:
        """A service's settings and its inet listeners as Dovecot runs them: the default
        service (if any) with what the file changed. {"settings": {...}, "inet_listener":
        {name: {...}}}"""
        base = known()["services"].get(name, {"settings": {}})
        out = {"settings": dict(base["settings"]), "inet_listener": {}}
        for lname, values in base.get("inet_listener", {}).items():
            out["inet_listener"][lname] = dict(values)
        for sec in self.sections("service"):
            if sec.name != name:
                continue
            out["settings"].update(sec.values)
            for (kind, _), child in sec.children.items():
                if kind == "inet_listener":
                    merged = out["inet_listener"].setdefault(child.name, {
                        k: default_of(*v) for k, v in known()["sections"]["inet_listener"].items()})
                    merged.update(child.values)
        return out

    def cert_pair(self):
        """The certificate and key ssl_cert and ssl_key name (`<path`), as a tlscert.CertPair;
        None with ssl = no or either one unset."""
        from .tlscert import CertPair

        cert, key = self.get("ssl_cert"), self.get("ssl_key")
        if self.get("ssl") == "no" or not cert.startswith("<") or not key.startswith("<"):
            return None
        return CertPair(cert[1:], key[1:])

    def inet_listeners(self, service: str) -> list[tuple[str, str, int, bool]]:
        """(listener name, addresses, port, ssl) of a service's enabled inet listeners."""
        out = []
        for lname, values in self.service(service)["inet_listener"].items():
            port = int(values.get("port", "0") or 0)
            if port == 0:
                continue  # a port of 0 disables the listener
            out.append((lname, values.get("address", "") or self.get("listen"), port, values.get("ssl") == "yes"))
        return out


# -- parsing ---------------------------------------------------------------------------------

def _is_white(c: str) -> bool:
    return c in " \t"


def _unescape(text: str) -> str:
    """str_unescape: a backslash takes the next character as it is."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def section_escape(name: str) -> str:
    """settings_section_escape: how a section's name is kept in the settings tree."""
    table = {"=": "\\e", "/": "\\s", "\\": "\\\\", " ": "\\_", ",": "\\+"}
    return "".join(table.get(c, c) for c in name)


@dataclass
class _Input:
    path: str
    lines: list
    linenum: int = 0


@dataclass
class _Frame:
    """One open block: a section, a filter, or the root."""
    kind: str  # "" for the root
    section: Section | None = None
    filter: Filter | None = None
    open_path: str = ""
    open_line: int = 0


class _Parser:
    def __init__(self, world: World, path: str, expand: bool):
        self.world, self.path, self.expand = world, path, expand
        self.root = Section("", "", "", path)
        self.filters: list[Filter] = []
        self.stack = [_Frame("", self.root)]
        self.counter = 0
        self.opened = 0
        self.warnings: list[str] = []
        self.files: list[str] = []
        self.seen_in_filters: dict[str, str] = {}

    # -- files
    def _read(self, path: str) -> list[str]:
        self.opened += 1
        if self.opened > MAX_FILES:
            raise OSError(f"more than {MAX_FILES} configuration files")
        fd = self.world.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            data = os.read(fd, MAX_FILE + 1)
        finally:
            os.close(fd)
        self.files.append(path)
        text = data[:MAX_FILE].decode("utf-8", "surrogateescape")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]

    def _glob(self, pattern: str) -> list[str]:
        """glob(3) over the world: each component may hold * ? [ ]; sorted; dot files only for
        a pattern that starts with a dot."""
        parts = [p for p in pattern.split("/") if p]
        found = ["/"]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt = []
            for base in found:
                if not any(c in part for c in "*?["):
                    cand = posixpath.join(base, part)
                    if last or self._isdir(cand):
                        nxt.append(cand)
                    continue
                try:
                    fd = self.world.open_dir(base)
                except (OSError, PathEscape):
                    continue
                try:
                    names = os.listdir(fd)
                finally:
                    os.close(fd)
                for name in sorted(names):
                    if name.startswith(".") and not part.startswith("."):
                        continue
                    if fnmatch.fnmatchcase(name, part):
                        cand = posixpath.join(base, name)
                        if last or self._isdir(cand):
                            nxt.append(cand)
            found = nxt
        return [p for p in found if self._exists(p)]

    def _isdir(self, path: str) -> bool:
        try:
            return self.world.path(path).is_dir()
        except PathEscape:
            return False

    def _exists(self, path: str) -> bool:
        """Whether glob(3) would list it: a symlink counts, wherever it leads (opening it
        through the world then refuses one that leads out)."""
        return os.path.lexists(str(self.world.root) + self.world.normalize(path))

    def _relative(self, path: str, inp: _Input) -> str:
        if path.startswith("/"):
            return path
        slash = inp.path.rfind("/")
        return path if slash < 0 else inp.path[:slash + 1] + path

    # -- the parse
    def run(self) -> DovecotConfig:
        try:
            lines = self._read(self.path)
        except (OSError, PathEscape) as e:
            reason = getattr(e, "strerror", None) or str(e)
            raise ConfError(f"open({self.path}) failed: {reason}", self.path) from None
        inputs = [_Input(self.path, lines)]
        full = ""
        while inputs:
            inp = inputs[-1]
            if inp.linenum >= len(inp.lines):
                inputs.pop()
                continue
            raw = inp.lines[inp.linenum]
            inp.linenum += 1
            try:
                full, kind, key, value = self._line(raw, full, inp)
                if kind == "continue":
                    continue
                self._apply(kind, key, value, inp, inputs)
            except ValueError as e:
                raise ConfError(str(e), inp.path, inp.linenum) from None
            full = ""
        if len(self.stack) > 1:
            top = self.stack[-1]
            raise ConfError(f"Missing '}}' (section started at {top.open_path}:{top.open_line})", self.path,
                            check=True)
        conf = DovecotConfig(self.path, self.root, self.filters, self.warnings, self.files)
        try:
            check(conf)
        except ConfError as e:
            e.conf = conf
            raise
        return conf

    def _line(self, line: str, full: str, inp: _Input):
        """config_parse_line: (full line so far, kind, key, value)."""
        line = line.split("\0", 1)[0]
        i = 0
        while i < len(line) and _is_white(line[i]):
            i += 1
        line = line[i:]
        if not line or line[0] == "#":
            return full, "skip", None, None
        # strip the comment, not inside quotes
        i = 0
        while i < len(line):
            c = line[i]
            if c in "'\"":
                i += 1
                while i < len(line) and line[i] != c:
                    if line[i] == "\\" and i + 1 < len(line):
                        i += 1
                    i += 1
                if i >= len(line):
                    break
            elif c == "#":
                if i > 0 and not _is_white(line[i - 1]):
                    self.warnings.append(f"Configuration file {inp.path} line {inp.linenum}: Ambiguous '#' character "
                                         "in line, treating it as comment. Add a space before it to remove this warning.")
                line = line[:i]
                break
            i += 1
        line = line.rstrip(" \t")
        if line.endswith("\\"):
            part = line[:-1].rstrip(" \t")
            if part:
                full += part + " "
            return full, "continue", None, None
        if full:
            line = full + line
        i = 0
        while i < len(line) and not _is_white(line[i]) and line[i] != "=":
            i += 1
        key, rest = line[:i], line[i:]
        rest = rest.lstrip(" \t") if rest[:1] in (" ", "\t") else rest
        if key in ("!include", "!include_try"):
            return full, key, key, rest
        if rest.startswith("="):
            value = rest[1:].lstrip(" \t")
            if value.startswith("<"):
                return full, "keyfile", key, value[1:].lstrip(" \t")
            if value[:1] not in ("'", '"') and "$" in value:
                return full, "keyvariable", key, value
            if value and value[0] in "'\"" and value[-1] == value[0]:
                value = _unescape(value[1:-1])
            return full, "keyvalue", key, value
        if key == "}" and not rest:
            return full, "end", key, None
        # a section: `key {`, `key name {`, `key "quoted name" {`
        if rest.startswith("{"):
            name = ""
        else:
            if not rest.startswith('"'):
                j = 0
                while j < len(rest) and not _is_white(rest[j]):
                    j += 1
                name, rest = rest[:j], rest[j:].lstrip(" \t")
            else:
                end = rest.find('"', 1)
                if end < 0:
                    name, rest = rest, rest[1:]
                else:
                    name, rest = _unescape(rest[1:end]), rest[end + 1:].lstrip(" \t")
            if not rest.startswith("{"):
                raise ValueError("Expecting '{'")
        if rest[1:]:
            raise ValueError("Garbage after '{'")
        return full, "section", key, name

    # -- applying a line
    def _frame(self) -> _Frame:
        return self.stack[-1]

    def _setting_path(self, key: str) -> str:
        """get_setting_full_path: the open sections (not filters) before the key."""
        parts = [f"{fr.kind} {{ " for fr in self.stack[1:] if fr.section is not None]
        return "".join(parts) + key

    def _apply(self, kind, key, value, inp: _Input, inputs: list) -> None:
        if kind == "skip":
            return
        if kind in ("!include", "!include_try"):
            self._include(self._relative(value, inp), kind == "!include_try", inputs)
            return
        if kind == "end":
            if len(self.stack) == 1:
                raise ValueError("Unexpected '}'")
            self.stack.pop()
            return
        if kind == "section":
            self._open(key, value, inp)
            return
        self._set(kind, key, value, inp)

    def _include(self, pattern: str, optional: bool, inputs: list) -> None:
        matches = self._glob(pattern)
        if not matches:
            if optional:
                return
            raise ValueError("No matches")
        loaded = []
        for path in matches:
            if any(i.path == path for i in inputs):
                raise ValueError(f"Recursive include file: {path}")
            try:
                loaded.append(_Input(path, self._read(path)))
            except (OSError, PathEscape) as e:
                if optional:
                    continue
                raise ValueError(f"Couldn't open include file {path}: {getattr(e, 'strerror', None) or e}") from None
        inputs.extend(reversed(loaded))  # the first match is read first

    def _open(self, key: str, name: str, inp: _Input) -> None:
        frame = self._frame()
        where = f"{inp.path}:{inp.linenum}"
        if key in FILTERS and frame.section is self.root or (key in FILTERS and frame.filter is not None):
            self._open_filter(key, name, frame, inp)
            return
        owner = frame.section
        lists = ROOT_LISTS if owner is self.root or frame.filter is not None else CHILD_LISTS.get(owner.kind, {})
        if frame.filter is not None:
            owner = self.root  # sections inside a filter: kept with the global ones
        how = lists.get(key)
        if ROOT_LISTS.get(owner.kind) == "strlist":
            raise ValueError("Section not allowed here")
        if how is None:
            self.stack.append(_Frame(key, Section(key, name, name, where), open_path=inp.path, open_line=inp.linenum))
            raise ValueError(f"Unknown setting: {self._setting_path(key)}")
        if how == "strlist":
            tree_key = ""
        elif how == "index" or not name:
            tree_key = str(self.counter)
            self.counter += 1
        else:
            tree_key = section_escape(name)
        section = owner.children.get((key, tree_key))
        if section is None:
            section = owner.children[(key, tree_key)] = Section(key, name, tree_key, where)
        self.stack.append(_Frame(key, section, open_path=inp.path, open_line=inp.linenum))

    def _open_filter(self, key: str, value: str, frame: _Frame, inp: _Input) -> None:
        parent = frame.filter or Filter()
        f = Filter(parent.protocol, parent.local, parent.remote, parent.local_name, f"{inp.path} line {inp.linenum}")
        if key == "protocol":
            if parent.protocol is not None:
                raise ValueError("Nested protocol { protocol { .. } } block not allowed")
            f.protocol = value
        elif key == "local":
            if parent.remote:
                raise ValueError("remote { local { .. } } not allowed (use local { remote { .. } } instead)")
            if parent.protocol is not None:
                raise ValueError("protocol { local { .. } } not allowed (use local { protocol { .. } } instead)")
            if parent.local_name is not None:
                raise ValueError("local_name { local { .. } } not allowed (use local { local_name { .. } } instead)")
            f.local = (self._net(value), value)
            if parent.local and not f.local[0].subnet_of(parent.local[0]):
                raise ValueError("local net1 { local net2 { .. } } requires net2 to be inside net1")
        elif key == "local_name":
            if parent.remote:
                raise ValueError("remote { local_name { .. } } not allowed (use local_name { remote { .. } } instead)")
            if parent.protocol is not None:
                raise ValueError("protocol { local_name { .. } } not allowed (use local_name { protocol { .. } } instead)")
            f.local_name = value
        else:
            if parent.protocol is not None:
                raise ValueError("protocol { remote { .. } } not allowed (use remote { protocol { .. } } instead)")
            f.remote = (self._net(value), value)
            if parent.remote and not f.remote[0].subnet_of(parent.remote[0]):
                raise ValueError("remote net1 { remote net2 { .. } } requires net2 to be inside net1")
        same = next((g for g in self.filters if g.spec() == f.spec()), None)
        if same is None:
            self.filters.append(f)
            same = f
        self.stack.append(_Frame(key, None, same, inp.path, inp.linenum))

    def _net(self, value: str):
        """config_parse_net: an address, a network, or a name of the world's /etc/hosts."""
        addr, _, bits = value.partition("/")
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            from .config import resolve_address

            found = resolve_address(self.world, addr)
            if not found:
                raise ValueError(f"gethostbyname({addr}) failed: Name or service not known") from None
            ip = ipaddress.ip_address(found)
        if bits:
            if not bits.isdigit() or int(bits) > ip.max_prefixlen:
                raise ValueError(f"Invalid network mask: {bits}")
            return ipaddress.ip_network(f"{ip}/{bits}", strict=False)
        return ipaddress.ip_network(ip)

    def _table(self, frame: _Frame) -> dict | None:
        """The keys a block takes (None: any key, a plugin {} or dict {} list)."""
        if frame.section is None or frame.section is self.root:
            return known()["global"]
        if frame.kind in ROOT_LISTS and ROOT_LISTS[frame.kind] == "strlist":
            return None
        return known()["sections"].get(frame.kind, {})

    def _set(self, kind: str, key: str, value: str, inp: _Input) -> None:
        if not key:
            raise ValueError("Missing key name ('=' at the beginning of line)")
        frame = self._frame()
        table = self._table(frame)
        key = ALIASES.get(key, key) if table is known()["global"] else key
        if table is not None and key not in table:
            raise ValueError(f"Unknown setting: {self._setting_path(key)}")
        if kind == "keyfile":
            path = self._relative(value, inp)
            if self.expand:
                try:
                    fd = self.world.open(path, os.O_RDONLY | os.O_NONBLOCK)
                    os.close(fd)
                except (OSError, PathEscape) as e:
                    raise ValueError(f"{key}: Can't open file {path}: {getattr(e, 'strerror', None) or e}") from None
                value = path  # the running Dovecot reads the file; mailkit keeps where it is
            value = "<" + value
        elif kind == "keyvariable":
            value = self._variables(key, value, frame)
        if table is not None:
            kind_, _ = table[key]
            value = normalize(kind_, value)
        if frame.filter is not None:
            self.seen_in_filters.setdefault(key, f"{inp.path} line {inp.linenum}")
            frame.filter.values[key] = value
            frame.filter.lines[key] = f"{inp.path}:{inp.linenum}"
        else:
            if frame.section is self.root and key in self.seen_in_filters:
                first = self.seen_in_filters[key]
                self.warnings.append(f"{inp.path} line {inp.linenum}: Global setting {key} won't change the setting "
                                     f"inside an earlier filter at {first} (if this is intentional, avoid this "
                                     f"warning by moving the global setting before {first})")
            frame.section.values[key] = value
            frame.section.lines[key] = f"{inp.path}:{inp.linenum}"

    def _variables(self, key: str, value: str, frame: _Frame) -> str:
        """config_write_keyvariable: `$name` words take the setting's current value."""
        out = []
        words = value.split(" ")
        first = True
        for i, word in enumerate(words):
            if word == "" and not first:
                continue  # runs of spaces: one
            name = word[1:] if word.startswith("$") else word
            parent = name == key
            if not word.startswith("$") or (not self.expand and not parent):
                out.append(word)
            elif word.startswith("$ENV:"):
                out.append("")  # the world passes no environment to Dovecot
            else:
                found = self._current(name, frame, parent)
                if found is None:
                    raise ValueError(f"Unknown variable: ${name}")
                out.append(found)
            first = False
        return " ".join(out)

    def _current(self, name: str, frame: _Frame, parent: bool) -> str | None:
        name = ALIASES.get(name, name)
        table = known()["global"]
        if name not in table:
            return None
        if frame.filter is not None:
            if name in frame.filter.values:
                return frame.filter.values[name]
            if not parent:
                return default_of(*table[name])
        if name in self.root.values:
            return self.root.values[name]
        return default_of(*table[name])


def parse(world: World, path: str = DOVECOT_CONF, expand: bool = False) -> DovecotConfig:
    """Read `path` and what it includes; ConfError (Dovecot's text) for what Dovecot refuses."""
    return _Parser(world, path, expand).run()


# -- checks after parsing (each settings block's check function) --------------------------------

def check(conf: DovecotConfig) -> None:
    def fail(reason):
        raise ConfError(reason, conf.path, check=True)

    scopes = [conf.root.values] + [f.values for f in conf.filters]
    for values in scopes:
        if "listen" in values and values["listen"] == "":
            fail("listen can't be set empty")
        if "protocols" in values:
            words = values["protocols"].split()
            if words != ["none"]:
                for w in words:
                    if w not in PROTOCOLS:
                        fail(f"protocols: Unknown protocol: {w}")
        if "pop3_uidl_format" in values:
            _check_uidl(values["pop3_uidl_format"], fail)
    for ns in conf.sections("namespace"):
        sep = ns.values.get("separator", "")
        if len(sep) > 1:
            fail(f"Namespace '{ns.values.get('prefix', '')}': Hierarchy separator must be only one character long")


def _check_uidl(fmt: str, fail) -> None:
    ok = False
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            c = dovecotvars.key_of(fmt, i + 1)
            if c in "vumfg" and c:
                ok = True
            elif c != "%":
                fail(f"Unknown pop3_uidl_format variable: %{c}")
            i += 2
            continue
        i += 1
    if not ok:
        fail("pop3_uidl_format setting doesn't contain any %% variables.")


# -- doveconf -n -------------------------------------------------------------------------------

def _need_quote(value: str) -> bool:
    return bool(value) and ("#" in value or _is_white(value[0]) or _is_white(value[-1]))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")


_SECRETS = ("key", "secret", "pass", "http://", "https://", "ftp://")


def _hide_secrets(key: str, value: str) -> str | None:
    """doveconf's hide_secrets_from_value: what it prints instead of a secret (None: as is)."""
    if value and (key.endswith(("_password", "_key", "_nonce")) or key.startswith("ssl_dh")):
        return "# hidden, use -P to show it"
    out, pos, hid = [], 0, False
    while True:
        hits = [(value.find(s, pos), s) for s in _SECRETS if value.find(s, pos) >= 0]
        if not hits:
            break
        at, secret = min(hits)
        hid = True
        if "://" in secret:
            start = at + len(secret)
            end = start
            while end < len(value) and not value[end].isspace() and value[end] not in "/@":
                end += 1
            if end < len(value) and value[end] == "@" and end != start:
                out.append(value[pos:start] + "#hidden_use-P_to_show#")
                pos = end
            else:
                out.append(value[pos:end])
                pos = end
            continue
        if at == 0 or not value[at - 1].isalnum():
            end = at
            while end < len(value) and value[end] != "=" and not value[end].isspace():
                end += 1
            while end < len(value) and value[end].isspace():
                end += 1
            out.append(value[pos:end])
            pos = end
            if end < len(value) and value[end] == "=":
                out.append("=#hidden_use-P_to_show#")
                end += 1
                while end < len(value) and not value[end].isspace() and value[end] not in ";:":
                    end += 1
                pos = end
        else:
            out.append(value[pos:at + 1])
            pos = at + 1
    if not hid:
        return None
    rest = "".join(out) + value[pos:]
    return f'"{_escape(rest)}"' if _need_quote(value) else rest


def _line(key: str, value: str, indent: int, hide: bool) -> str:
    pad = "  " * indent
    hidden = _hide_secrets(key, value) if hide else None
    if hidden is not None:
        return f"{pad}{key} = {hidden}"
    if _need_quote(value):
        return f'{pad}{key} = "{_escape(value)}"'
    return f"{pad}{key} = {value}"


def _changed(section: Section, table: dict, unique: bool) -> list[tuple[str, str]]:
    """The settings of a section doveconf -n prints: in a uniquely named list (service,
    namespace, listeners, mailbox) whatever the file set; elsewhere what differs from the default."""
    out = []
    for key, value in section.values.items():
        if key == "name" and unique:
            continue
        kind, default = table.get(key, ("str", ""))
        if unique or value != default_of(kind, default):
            out.append((key, value))
    if section.kind == "namespace":  # Dovecot 2.3's doveconf -n always names these two
        out += [(k, "") for k in ("location", "prefix") if k not in section.values]
    return out


def _block(section: Section, indent: int, hide: bool) -> list[str]:
    """The lines of one section's content, sorted as doveconf sorts its keys."""
    if section.kind in ROOT_LISTS and ROOT_LISTS[section.kind] == "strlist":
        return [_line(k, v, indent, hide) for k, v in sorted(section.values.items())]
    table = known()["sections"].get(section.kind, {})
    unique = section.kind in ("service", "namespace", "inet_listener", "unix_listener", "fifo_listener", "mailbox")
    items = [(k, "value", k, v) for k, v in _changed(section, table, unique)]
    for (kind, key), child in section.children.items():
        items.append((f"{kind}/{key}/", "section", kind, child))
    return _render(items, indent, hide)


def _render(items: list, indent: int, hide: bool) -> list[str]:
    out = []
    for _, what, key, value in sorted(items, key=lambda t: t[0]):
        if what == "value":
            out.append(_line(key, value, indent, hide))
            continue
        inner = _block(value, indent + 1, hide)
        if not inner:
            continue
        head = key
        if value.kind not in ("passdb", "userdb") and value.name and ROOT_LISTS.get(value.kind) != "strlist":
            head += f' "{_escape(value.name)}"' if " " in value.name else f" {value.name}"
        out += ["  " * indent + head + " {", *inner, "  " * indent + "}"]
    return out


def non_default(conf: DovecotConfig, hide: bool = True) -> list[str]:
    """doveconf -n's settings: the global ones and sections, then each filter block."""
    table = known()["global"]
    items = []
    for key, value in conf.root.values.items():
        kind, default = table[key]
        if value != default_of(kind, default):
            items.append((key, "value", key, value))
    for (kind, key), child in conf.root.children.items():
        items.append((f"{kind}/{key}/", "section", kind, child))
    out = _render(items, 0, hide)
    for f in sorted(conf.filters, key=Filter.rank):
        body = [_line(k, v, 0, hide) for k, v in sorted(f.values.items())]
        if not body:
            continue
        heads = []
        if f.local:
            heads.append(f"local {_net_text(f.local[0])}")
        if f.local_name is not None:
            heads.append(f"local_name {f.local_name}")
        if f.remote:
            heads.append(f"remote {_net_text(f.remote[0])}")
        if f.protocol is not None:
            heads.append(f"protocol {f.protocol}")
        for depth, head in enumerate(heads):
            out.append("  " * depth + head + " {")
        out += ["  " * len(heads) + ln for ln in body]
        for depth in reversed(range(len(heads))):
            out.append("  " * depth + "}")
    return out


def _net_text(net) -> str:
    return str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)


def header(conf_path: str, mail_location: str = "", hostname: str = "localhost.localdomain",
           exists=lambda path: True) -> list[str]:
    """doveconf's first lines: version and file, the OS (with the file system of a mail_location
    on a fixed path that exists), the host name."""
    path = mail_location.split(":", 2)[1] if ":" in mail_location else mail_location
    path = path.split("%", 1)[0]
    fs = FILESYSTEM if not path.startswith("~") and len(path) > 1 and exists(path) else ""
    return [f"# {version()}: {conf_path}", f"# OS: {OS_LINE} {fs}", f"# Hostname: {hostname}"]


def value_of(conf: DovecotConfig, name: str, changed_only: bool = False) -> str | None:
    """`doveconf NAME`'s value of a global setting (None: unknown, or unchanged with -n)."""
    name = ALIASES.get(name, name)
    table = known()["global"]
    if name not in table:
        return None
    value = conf.root.values.get(name)
    default = default_of(*table[name])
    if value is None:
        value = default
    if changed_only and value == default:
        return None
    return value


# -- what mailkit does not act on (mailkit check-config) ----------------------------------------

# the global settings the POP3/IMAP servers read (docs/architecture.md, "Dovecot's configuration")
ACTED_ON = {"protocols", "listen", "ssl", "ssl_cert", "ssl_key", "disable_plaintext_auth", "auth_mechanisms",
            "pop3_uidl_format", "mail_location", "login_trusted_networks"}
# what the servers do anyway: fcntl locks on mboxes, users from /etc/passwd and /etc/shadow
ALREADY = {("mbox_write_locks", "fcntl"), ("mbox_read_locks", "fcntl")}
SYSTEM_AUTH = {("passdb", "pam"), ("passdb", "shadow"), ("userdb", "passwd")}


def not_acted_on(conf: DovecotConfig) -> list[str]:
    """"file:line: setting    # why" for every non-default setting and section the servers do
    not act on, as `mailkit check-config` lists the cf lines it does not act on."""
    table, out = known()["global"], []
    scopes = [(conf.root.values, conf.root.lines, "")] + [(f.values, f.lines, " (in a filter)") for f in conf.filters]
    for values, lines, where in scopes:
        for key, value in values.items():
            if key in ACTED_ON or (key, value) in ALREADY or value == default_of(*table[key]):
                continue
            out.append(f"{lines.get(key, conf.path)}: {key} = {value}    # dovecot: not acted on{where}")
    for (kind, _), sec in conf.root.children.items():
        if kind in ("passdb", "userdb") and (kind, sec.values.get("driver", "")) in SYSTEM_AUTH:
            continue  # the accounts of /etc/passwd and /etc/shadow, as mailkit has them
        if kind == "service":  # only imap-login's and pop3-login's listener ports and addresses count
            others = [c for (k, _), c in sec.children.items() if c.values and not (
                k == "inet_listener" and sec.name in ("imap-login", "pop3-login") and set(c.values) <= {"port", "address"})]
            if not sec.values and not others:
                continue
        elif kind in ("plugin", "dict") and not sec.values:
            continue
        label = f"{kind} {sec.name}".strip()
        out.append(f"{sec.where}: {label} {{ ... }}    # dovecot: not acted on")
    return out
