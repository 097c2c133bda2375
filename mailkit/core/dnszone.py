"""The network's DNS data: BIND zone files in the world's /var/named, read with dnspython.

Every `/var/named/NAME.zone` is the master file of zone NAME (its `$ORIGIN` may say so too),
parsed by `dns.zone.from_text` as named-checkzone would: a bad line is a `ZoneError` naming
file:line, and a zone that loaded before keeps serving until the file is good again (as
`rndc reload` keeps the old zone of a file that no longer loads). Files are re-read when their
mtime or size changes, so an edit is seen by the next query, sendmail's lookups included.

`lookup` answers one question from the zones as an authoritative server would (CNAMEs
followed inside the zones); a name outside every zone is SERVFAIL, since this server never
asks anyone else. `mx_hosts` and `resolve_a` are the resolver calls the MTA makes.
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.tokenizer
import dns.zone
import dns.zonefile

from .world import World

ZONE_DIR = "/var/named"
ZONE_SUFFIX = ".zone"
MAX_ZONE_BYTES = 1 << 20  # a master file larger than this is refused, not read
MAX_CNAME_CHAIN = 8  # BIND follows at most a few; a loop ends here

NOERROR, SERVFAIL, NXDOMAIN = "NOERROR", "SERVFAIL", "NXDOMAIN"


class ZoneError(ValueError):
    """A master file that does not load; the text reads like named-checkzone's."""


@dataclass
class Loaded:
    origin: str  # "korea.example." (absolute)
    file: str  # the world path
    zone: dns.zone.Zone
    stamp: tuple  # (mtime_ns, size) of the file when it was read
    rrsets: dict = field(default_factory=dict)  # (name, type) -> RRset built once (hashing rdata is slow)

    def rrset(self, name, rdataset):
        key = (name, rdataset.rdtype)
        found = self.rrsets.get(key)
        if found is None:
            found = self.rrsets[key] = _rrset(name, rdataset)
        return found

    @property
    def serial(self) -> int:
        return self.zone.get_soa().serial


@dataclass
class Answer:
    rcode: str  # NOERROR, NXDOMAIN, SERVFAIL
    answer: list = field(default_factory=list)  # dns.rrset.RRset, in order (CNAMEs first)
    authority: list = field(default_factory=list)
    additional: list = field(default_factory=list)  # addresses of the MX and NS hosts named
    authoritative: bool = False


def zone_origin(filename: str) -> str:
    """The zone a file under /var/named is the master of: korea.example.zone -> korea.example."""
    base = filename.rsplit("/", 1)[-1]
    return base[: -len(ZONE_SUFFIX)].rstrip(".").lower() + "."


class _LineTokenizer(dns.tokenizer.Tokenizer):
    """Errors name the line of the last token read: dnspython finds a bad rdata once it has read
    the end of its line, and would name the next one; named-checkzone names the record's."""

    def __init__(self, text, filename):
        super().__init__(text, filename)
        self.token_line = 1
        self.token_text = ""

    def get(self, want_leading=False, want_comment=False):
        token = super().get(want_leading, want_comment)
        if not (token.is_eol() or token.is_eof() or token.is_whitespace()):
            self.token_line = self.line_number - (1 if self.ungotten_char == "\n" else 0)
            self.token_text = token.value
        return token

    def where(self):
        return self.filename, self.token_line


def parse_zone(text: str, origin: str, filename: str) -> dns.zone.Zone:
    """One master file as named-checkzone reads it; ZoneError (file:line: why) when bad."""
    head = f"zone {origin.rstrip('.')}/IN"
    tok = _LineTokenizer(text, filename)
    try:
        zone = dns.zone.Zone(origin, dns.rdataclass.IN, relativize=False)
        with zone.writer(True) as txn:  # dns.zone.from_text's steps, with our tokenizer
            dns.zonefile.Reader(tok, dns.rdataclass.IN, txn, allow_include=False).read()
        zone.check_origin()
        return zone
    except dns.zone.NoSOA:
        why = f"{filename}: no SOA record at the zone apex {origin}"
    except dns.zone.NoNS:
        why = f"{filename}: no NS records at the zone apex {origin}"
    except dns.exception.SyntaxError as e:
        why = str(e)
        where = f"{filename}:{tok.token_line}: "
        if why.startswith(where) and tok.token_text:  # as BIND says it: file:line: near 'token': why
            why = f"{where}near '{tok.token_text}': {why[len(where):]}"
        elif not why.startswith(filename):
            why = f"{filename}: {why}"
    except (dns.exception.DNSException, ValueError, UnicodeError) as e:
        why = f"{filename}: {e}"
    raise ZoneError(f"{why}\n{head}: loading from master file {filename} failed\n{head}: not loaded due to errors.")


def check_zone(world: World, origin: str, path: str) -> Loaded:
    """Read and parse one zone file of the world (named-checkzone ZONE FILE)."""
    origin = origin.rstrip(".").lower() + "."
    p = world.path(path)
    st = p.stat()
    if st.st_size > MAX_ZONE_BYTES:
        raise ZoneError(f"{path}: file too large ({st.st_size} bytes)\n"
                        f"zone {origin.rstrip('.')}/IN: loading from master file {path} failed")
    text = world.read_text(path)
    return Loaded(origin, path, parse_zone(text, origin, path), (st.st_mtime_ns, st.st_size))


class ZoneSet:
    """The zones of one world, kept up to date with their files; a file that stops loading
    keeps its last good zone (and its error is in `errors` until fixed)."""

    def __init__(self, world: World, on_error=None):
        self.world = world
        self.on_error = on_error  # called with the error text once per bad version of a file
        self._zones: dict[str, Loaded] = {}  # origin -> last good zone
        self._seen: dict[str, tuple] = {}  # file -> stamp last read (good or bad)
        self.errors: dict[str, str] = {}  # file -> error text of its current (bad) version
        self._lock = threading.Lock()

    def _files(self) -> list[str]:
        try:
            d = self.world.path(ZONE_DIR)
            names = sorted(p.name for p in d.iterdir() if p.name.endswith(ZONE_SUFFIX))
        except (OSError, ValueError):
            return []
        return [f"{ZONE_DIR}/{n}" for n in names]

    def refresh(self) -> dict[str, Loaded]:
        with self._lock:
            files = self._files()
            for path in files:
                try:
                    st = self.world.path(path).stat()
                except (OSError, ValueError):
                    continue
                stamp = (st.st_mtime_ns, st.st_size)
                if self._seen.get(path) == stamp:
                    continue
                self._seen[path] = stamp
                origin = zone_origin(path)
                try:
                    self._zones[origin] = check_zone(self.world, origin, path)
                    self.errors.pop(path, None)
                except (ZoneError, OSError, ValueError) as e:
                    self.errors[path] = str(e)
                    if self.on_error is not None:
                        self.on_error(str(e))
            gone = {zone_origin(p) for p in self._seen if p not in files}
            for path in [p for p in self._seen if p not in files]:
                self._seen.pop(path)
                self.errors.pop(path, None)
            for origin in gone:
                self._zones.pop(origin, None)
            return dict(self._zones)

    def broken(self) -> set[str]:
        """Origins whose file does not load and that have no good zone to serve instead."""
        with self._lock:
            return {zone_origin(p) for p in self.errors} - set(self._zones)


_sets: dict[str, ZoneSet] = {}
_sets_lock = threading.Lock()


def zones_of(world: World) -> ZoneSet:
    """The one ZoneSet of a world (shared by the DNS server and the MTA's lookups). A host of a
    network reads the zones of the network's name server (the registry's "dns" host), so an
    edit there is seen by every host's lookups."""
    world = dns_world(world)
    key = str(world.root)
    with _sets_lock:
        zs = _sets.get(key)
        if zs is None:
            zs = _sets[key] = ZoneSet(world)
        return zs


_dns_worlds: dict[str, tuple] = {}  # world root -> (membership stamp, registry, its stamp, DNS world)


def _stamp(path):
    try:
        st = os.stat(path)
        return st.st_mtime_ns, st.st_size, st.st_ino
    except OSError:
        return None


def dns_world(world: World) -> World:
    """The world whose /var/named answers for `world`: itself when alone, else the network's
    name server. Remembered until the membership or the registry file changes."""
    from . import network

    try:
        m_stamp = _stamp(world.path(network.MEMBERSHIP_FILE))
    except ValueError:
        return world
    if m_stamp is None:
        return world
    key = str(world.root)
    cached = _dns_worlds.get(key)
    if cached is not None and cached[0] == m_stamp and _stamp(cached[1]) == cached[2]:
        return cached[3]
    m = network.membership(world)
    if m is None:
        return world
    reg_stamp = _stamp(m.registry)
    data = network.read_registry(m.registry)
    root = data.get("hosts", {}).get(data.get("dns", ""), {}).get("root")
    found = World(root) if root and root != str(world.root) and os.path.isdir(root) else world
    _dns_worlds[key] = (m_stamp, m.registry, reg_stamp, found)
    return found


def _zone_for(zones: dict[str, Loaded], qname: dns.name.Name) -> Loaded | None:
    best = None
    for origin, z in zones.items():
        if qname.is_subdomain(z.zone.origin):
            if best is None or len(origin) > len(best.origin):
                best = z
    return best


def lookup(zoneset: ZoneSet, qname, qtype) -> Answer:
    """The answer an authoritative server gives to (qname, qtype) from the zones."""
    zones = zoneset.refresh()
    name = qname if isinstance(qname, dns.name.Name) else dns.name.from_text(qname)
    rdtype = dns.rdatatype.RdataType.make(qtype)
    out = Answer(NOERROR)
    for _ in range(MAX_CNAME_CHAIN):
        z = _zone_for(zones, name)
        if z is None:
            if out.answer:  # a CNAME pointing out of our zones: what we have is the answer
                return out
            return Answer(SERVFAIL)  # not ours (or ours but not loadable): we ask no one else
        out.authoritative = True
        node = z.zone.get_node(name)
        apex = z.zone.origin
        soa = z.rrset(apex, z.zone.get_rdataset(apex, dns.rdatatype.SOA))
        if node is None:
            exists_below = any(n.is_subdomain(name) for n in z.zone.nodes)  # an empty non-terminal
            out.rcode = NOERROR if exists_below else NXDOMAIN
            out.authority = [soa]
            return out
        if rdtype == dns.rdatatype.ANY:
            out.answer = [z.rrset(name, rds) for rds in node.rdatasets]
            return out
        found = node.get_rdataset(dns.rdataclass.IN, rdtype)
        if found is not None:
            out.answer.append(z.rrset(name, found))
            out.additional = _glue(zones, found)
            return out
        cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
        if cname is not None and rdtype != dns.rdatatype.CNAME:
            out.answer.append(z.rrset(name, cname))
            name = cname[0].target
            continue
        out.authority = [soa]  # the name exists, not with this type (NODATA)
        return out
    return out


def _glue(zones: dict[str, Loaded], rdataset) -> list:
    """The A records of the hosts an MX or NS answer names, when our zones hold them (BIND
    adds them to the additional section so the client need not ask again)."""
    targets = [r.exchange for r in rdataset] if rdataset.rdtype == dns.rdatatype.MX else \
        [r.target for r in rdataset] if rdataset.rdtype == dns.rdatatype.NS else []
    out = []
    for t in targets:
        z = _zone_for(zones, t)
        node = z.zone.get_node(t) if z is not None else None
        a = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.A) if node is not None else None
        if a is not None and all(x.name != t for x in out):
            out.append(z.rrset(t, a))
    return out


def _rrset(name, rdataset):
    import dns.rrset

    rrs = dns.rrset.RRset(name, rdataset.rdclass, rdataset.rdtype)
    rrs.update(rdataset)
    return rrs


def _text(name) -> str:
    return name.to_text()


def mx_hosts(world: World, domain: str) -> list[tuple[int, str]]:
    """The MX records of a domain, lowest preference first: [(10, "mail.korea.example.")]."""
    return mx_hosts_of(zones_of(world), domain)


def mx_hosts_of(zoneset: ZoneSet, domain: str) -> list[tuple[int, str]]:
    try:
        ans = lookup(zoneset, domain.rstrip(".") + ".", "MX")
    except (dns.exception.DNSException, ValueError):
        return []
    found = [(r.preference, _text(r.exchange)) for rrs in ans.answer if rrs.rdtype == dns.rdatatype.MX for r in rrs]
    return sorted(found)


_IPV4_LITERAL = re.compile(r"\d+(\.\d+){0,3}")


def _literal_ok(inner: str) -> bool:
    """What inet_addr() (or, after "IPv6:", inet_pton) takes."""
    if inner[:5].lower() == "ipv6:":
        try:
            ipaddress.IPv6Address(inner[5:])
            return True
        except ValueError:
            return False
    return bool(_IPV4_LITERAL.fullmatch(inner))


def _as_sent(name: str, qname: str) -> str:
    """A name from an answer as the resolver reads it: a suffix equal to the question is
    compressed into a pointer to it, so it comes back spelled as the question was asked."""
    low, q = name.lower(), qname.lower()
    if low == q:
        return qname
    if low.endswith("." + q):
        return name[: len(name) - len(q)] + qname
    return name


def getmxrr(world: World, host: str, canonical=None) -> tuple[int, list[str]]:
    """sendmail's getmxrr() without dropping this host's own names (what `sendmail -bt`'s /mx
    shows): (count, hosts). The MX hosts lowest preference first, each with a trailing dot;
    a [literal] as it is; a name with no MX record (or none at all) itself once
    `canonical(name)` (getcanonname) knows it, else nothing; a CNAME with no MX behind it
    nothing; -1 when the zones cannot answer (SERVFAIL: the resolver's TRY_AGAIN)."""
    if host.startswith("["):
        end = host.find("]")
        if end > 0:
            if _literal_ok(host[1:end]):
                return 1, [host]
            host = host[1:end]
        return _punt(host, canonical)
    servfail = False
    for cand in search_names(world, host):
        try:
            ans = lookup(zones_of(world), cand, "MX")
        except (dns.exception.DNSException, ValueError):
            servfail = True
            continue
        if ans.rcode == SERVFAIL:
            servfail = True
            continue
        if ans.rcode == NXDOMAIN:
            continue
        mx = sorted((r.preference, _text(r.exchange)) for rrs in ans.answer
                    if rrs.rdtype == dns.rdatatype.MX for r in rrs)
        if mx:
            return len(mx), [_as_sent(name.rstrip("."), cand.rstrip(".")) + "." for _, name in mx]
        if ans.answer:  # a CNAME and no MX behind it
            return 0, []
        return _punt(host, canonical)  # the name is there, with no MX record
    if servfail:
        return -1, []
    return _punt(host, canonical)  # no such name in DNS: perhaps in /etc/hosts


def _punt(host: str, canonical) -> tuple[int, list[str]]:
    found = canonical(host) if canonical is not None else None
    if not found:
        return 0, []
    if found.lower() == host.rstrip(".").lower():
        found = host.rstrip(".")  # the answer spells it as the question did
    return 1, [found if found.endswith(".") else found + "."]


def resolve_a(world: World, name: str) -> list[str]:
    """The IPv4 addresses of a name in the zones (CNAMEs followed); [] when it has none."""
    try:
        ans = lookup(zones_of(world), name.rstrip(".") + ".", "A")
    except (dns.exception.DNSException, ValueError):
        return []
    return [r.address for rrs in ans.answer if rrs.rdtype == dns.rdatatype.A for r in rrs]


def resolv_conf(world: World) -> tuple[list[str], list[str]]:
    """(nameservers, search domains) of the world's /etc/resolv.conf; 127.0.0.1 when it names none."""
    servers, search = [], []
    try:
        text = world.read_text("/etc/resolv.conf")
    except (OSError, ValueError):
        text = ""
    for line in text.splitlines():
        f = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(f) >= 2 and f[0] == "nameserver":
            servers.append(f[1])
        elif len(f) >= 2 and f[0] in ("search", "domain"):
            search = f[1:]
    return servers or ["127.0.0.1"], search


def search_names(world: World, name: str) -> list[str]:
    """The absolute names a resolver tries for `name`: as given when it is absolute or has a dot
    (ndots:1), then with each domain of resolv.conf's search list."""
    if name.endswith("."):
        return [name]
    tried = [f"{name}.{d.rstrip('.')}." for d in resolv_conf(world)[1]]
    return ([name + "."] + tried) if "." in name else (tried + [name + "."])


def canonical_name(world: World, name: str) -> str | None:
    """A name as the resolver canonicalises it (sendmail's getcanonname with DNS): the end of
    its CNAME chain, when that has an address or MX record; else None."""
    if not name or len(name) > 255:
        return None
    try:
        zs = zones_of(world)
        for cand in search_names(world, name):
            for rdtype in ("A", "MX"):
                ans = lookup(zs, cand, rdtype)
                if any(rrs.rdtype == dns.rdatatype.RdataType.make(rdtype) for rrs in ans.answer):
                    return _text(ans.answer[-1].name).rstrip(".")
    except (dns.exception.DNSException, ValueError):
        return None
    return None
