"""`host`, `nslookup`, `dig` and `named-checkzone`: the exam's DNS tools, asking the host's named.

Each sends a real query (dnspython messages over a UDP socket, TCP when the answer comes back
truncated or +tcp is asked) to the server /etc/resolv.conf names (127.0.0.1 when it names none)
or the one given, and prints what BIND 9.18's tools print for the answer. Port 53 is the
service port: it reaches the host runtime's named on its mapped port, as `telnet localhost 25`
reaches sendmail. Only loopback servers are asked; any other is "no servers could be reached",
so no query ever leaves the machine.
"""

from __future__ import annotations

import socket
import struct
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from ..core import dnszone
from ..servers import network as netreach
from .base import Host, Result, command

DIG_VERSION = "9.18.33"
TIMEOUT = 2.0  # seconds one try waits for an answer
EDNS_PAYLOAD = 1232  # what dig and BIND 9.18 advertise


class Unreachable(Exception):
    """No answer from the server; the text is the tool's ";; ..." line."""


# -- where to ask
def resolv_conf(host: Host) -> tuple[list[str], list[str]]:
    return dnszone.resolv_conf(host.world)


def _server_address(host: Host, server: str) -> str | None:
    """An IPv4 address for a server given by address or name (hosts file, then the zones)."""
    try:
        socket.inet_aton(server)
        if server.count(".") == 3:
            return server
    except OSError:
        pass
    if server.lower() in ("localhost", "localhost.localdomain"):
        return "127.0.0.1"
    found = dnszone.resolve_a(host.world, server)
    return found[0] if found else None


def _server_socket(host: Host, addr: str, port: int) -> tuple[tuple[str, int], tuple | None] | None:
    """(where to send, source address or None) for a query to `addr#port`: port 53 is the
    runtime's named, or on a network the named of the host `addr` names (asked from this
    host's address). None when no named listens there."""
    if port != 53:
        return (addr, port), None
    if netreach.peer(host.world, addr) is not None:
        route = netreach.reach(host.world, host.runtime, addr, port)
        return ((route.addr, route.port), (route.source, 0)) if route else None
    rt = host.runtime
    if rt is None or not getattr(rt, "is_active", lambda n: False)("named") or 53 not in getattr(rt, "ports", {}):
        return None
    return (addr, rt.ports[53][1]), None


def _is_loopback(addr: str) -> bool:
    return addr.startswith("127.")


def exchange(host: Host, query: dns.message.Message, addr: str, port: int, tcp: bool = False):
    """Send one query, return (response, wire size, protocol, milliseconds). Unreachable if none."""
    shown = f"{addr}#{port}"
    if not _is_loopback(addr):
        raise Unreachable(f";; communications error to {shown}: timed out")
    found = _server_socket(host, addr, port)
    if found is None:
        raise Unreachable(f";; communications error to {shown}: connection refused")
    target, source = found
    wire = query.to_wire()
    started = time.monotonic()
    try:
        if not tcp:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(TIMEOUT)
                if source:
                    s.bind(source)
                s.connect(target)
                s.send(wire)
                got = s.recv(65535)
            response = dns.message.from_wire(got)
            if not response.flags & dns.flags.TC:
                return response, len(got), "UDP", int((time.monotonic() - started) * 1000)
        with socket.create_connection(target, timeout=TIMEOUT, source_address=source) as s:
            s.sendall(struct.pack("!H", len(wire)) + wire)
            got = _read_tcp(s)
        response = dns.message.from_wire(got)
        return response, len(got), "TCP", int((time.monotonic() - started) * 1000)
    except ConnectionRefusedError:
        raise Unreachable(f";; communications error to {shown}: connection refused") from None
    except (socket.timeout, TimeoutError):
        raise Unreachable(f";; communications error to {shown}: timed out") from None
    except (OSError, dns.exception.DNSException) as e:
        raise Unreachable(f";; communications error to {shown}: {e}") from None


def _read_tcp(s: socket.socket) -> bytes:
    def exactly(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise ConnectionResetError("end of file")
            buf += chunk
        return buf

    (length,) = struct.unpack("!H", exactly(2))
    return exactly(length)


def _query(name: str, rdtype, edns: bool = False) -> dns.message.Message:
    q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False, payload=EDNS_PAYLOAD)
    if edns:
        q.flags |= dns.flags.AD  # dig sets AD in its queries
    return q


def _rcode(resp) -> str:
    return dns.rcode.to_text(resp.rcode())


def _type(word: str):
    try:
        return dns.rdatatype.from_text(word.upper())
    except dns.rdatatype.UnknownRdatatype:
        return None


def _illegal(prog: str, name: str, code: int) -> Result | None:
    """The tools' refusal of a name that cannot be one (before any query is sent)."""
    try:
        dns.name.from_text(name)
        return None
    except dns.name.LabelTooLong:
        why = "label too long"
    except dns.name.EmptyLabel:
        why = "empty label"
    except dns.name.NameTooLong:
        why = "name too long"
    except (dns.exception.DNSException, ValueError, UnicodeError):
        why = "bad label type"
    return Result(err=f"{prog}: '{name}' is not a legal name ({why})\n", code=code)


def _resolve(host, name, rdtype, addr, port, search, edns=False):
    """Ask for name (and the search list's names until one exists): (asked name, response, size, proto, ms)."""
    last = None
    for cand in dnszone.search_names(host.world, name):
        resp, size, proto, ms = exchange(host, _query(cand, rdtype, edns), addr, port)
        last = (cand, resp, size, proto, ms)
        if resp.rcode() != dns.rcode.NXDOMAIN:
            return last
    return last


def _bare(n) -> str:
    return n.to_text().rstrip(".") or "."


def _reverse_name(text: str) -> str | None:
    """1.0.0.127.in-addr.arpa. for 127.0.0.1; None when text is no IPv4 address."""
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
        return ".".join(reversed(parts)) + ".in-addr.arpa."
    return None


# -- host
_HOST_WORDS = {dns.rdatatype.A: "has address", dns.rdatatype.AAAA: "has IPv6 address",
               dns.rdatatype.MX: "mail is handled by", dns.rdatatype.NS: "name server",
               dns.rdatatype.CNAME: "is an alias for", dns.rdatatype.PTR: "domain name pointer",
               dns.rdatatype.SOA: "has SOA record", dns.rdatatype.TXT: "descriptive text"}


def _host_lines(resp, shown_types) -> list[str]:
    out = []
    for rrs in resp.answer:
        if rrs.rdtype not in shown_types:
            continue
        word = _HOST_WORDS.get(rrs.rdtype, f"has {dns.rdatatype.to_text(rrs.rdtype)} record")
        for r in rrs:
            out.append(f"{_bare(rrs.name)} {word} {r.to_text()}")
    return out


@command("host")
def host_cmd(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    usage = ("Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n"
             "            [-R number] [-m flag] [-p port] hostname [server]\n")
    rdtype, port, words = None, 53, []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-t", "-p", "-W", "-R", "-N", "-c", "-m") or (a[:2] in ("-t", "-p", "-W", "-R", "-N", "-c", "-m") and len(a) > 2):
            val = a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else None)
            i += 1 if len(a) > 2 else 2
            if val is None:
                return Result(err=usage, code=1)
            if a[:2] == "-t":
                rdtype = _type(val)
                if rdtype is None:
                    return Result(err=f"host: invalid type: {val}\n", code=1)
            elif a[:2] == "-p":
                if not val.isdigit() or not 0 < int(val) < 65536:
                    return Result(err=f"host: port '{val}' out of range\n", code=1)
                port = int(val)
            continue
        if a.startswith("-") and len(a) > 1:
            if set(a[1:]) - set("aCdilrTvVw46s"):
                return Result(err=f"host: invalid option: {a}\n" + usage, code=1)
            i += 1
            continue
        words.append(a)
        i += 1
    if not words or len(words) > 2:
        return Result(err=usage, code=1)
    name = words[0]
    bad = _illegal("host", name, 1)
    if bad:
        return bad
    reverse = _reverse_name(name)
    if reverse is not None:  # host 127.0.0.1 asks for the PTR record of 1.0.0.127.in-addr.arpa
        name, rdtype = reverse.rstrip("."), rdtype or dns.rdatatype.PTR
    servers, search = resolv_conf(host)
    out: list[str] = []
    if len(words) == 2:
        addr = _server_address(host, words[1])
        if addr is None:
            return Result(err=f"host: couldn't get address for '{words[1]}': not found\n", code=1)
        out += ["Using domain server:", f"Name: {words[1]}", f"Address: {addr}#{port}", "Aliases: ", ""]
    else:
        addr = servers[0]
    types = [rdtype] if rdtype is not None else [dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.MX]
    try:
        asked, resp, *_ = _resolve(host, name, types[0], addr, port, search)
        if resp.rcode() != dns.rcode.NOERROR:
            # host names a reverse name absolutely for NXDOMAIN (as BIND 9.18's does), not otherwise
            shown = name + "." if reverse is not None and resp.rcode() == dns.rcode.NXDOMAIN else name
            out.append(f"Host {shown} not found: {resp.rcode()}({_rcode(resp)})")
            return Result(out="".join(x + "\n" for x in out), code=1)
        shown = {dns.rdatatype.CNAME, types[0]}
        lines = _host_lines(resp, shown)
        if not resp.answer and rdtype is not None:
            lines.append(f"{_bare(dns.name.from_text(asked))} has no {dns.rdatatype.to_text(rdtype)} record")
        out += lines
        for t in types[1:]:
            resp = exchange(host, _query(asked, t), addr, port)[0]
            out += _host_lines(resp, {t})
    except Unreachable as e:
        return Result(out="".join(x + "\n" for x in out),
                      err=f"{e}\n" * (2 if "refused" in str(e) else 1) + ";; no servers could be reached\n", code=1)
    return Result(out="".join(x + "\n" for x in out))


# -- nslookup
def _ns_lines(resp, rdtype) -> list[str]:
    out = []
    for rrs in resp.answer:
        name = _bare(rrs.name)
        for r in rrs:
            if rrs.rdtype == dns.rdatatype.CNAME:
                out.append(f"{name}\tcanonical name = {r.target}")
            elif rrs.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                out += [f"Name:\t{name}", f"Address: {r.address}"]
            elif rrs.rdtype == dns.rdatatype.MX:
                out.append(f"{name}\tmail exchanger = {r.to_text()}")
            elif rrs.rdtype == dns.rdatatype.NS:
                out.append(f"{name}\tnameserver = {r.target}")
            elif rrs.rdtype == dns.rdatatype.PTR:
                out.append(f"{name}\tname = {r.target}")
            elif rrs.rdtype == dns.rdatatype.SOA:
                out += [name, f"\torigin = {_bare(r.mname)}", f"\tmail addr = {_bare(r.rname)}",
                        f"\tserial = {r.serial}", f"\trefresh = {r.refresh}", f"\tretry = {r.retry}",
                        f"\texpire = {r.expire}", f"\tminimum = {r.minimum}"]
            elif rrs.rdtype == dns.rdatatype.TXT:
                out.append(f"{name}\ttext = {r.to_text()}")
            else:
                out.append(f"{name}\trdata_{int(rrs.rdtype)} = {r.to_text()}")
    return out


@command("nslookup")
def nslookup_cmd(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    rdtype, port, words = dns.rdatatype.A, 53, []
    for a in argv[1:]:
        if a.startswith("-") and len(a) > 1:
            key, _, val = a[1:].partition("=")
            key = key.lower()
            if key in ("type", "query", "querytype", "q", "ty"):
                rdtype = _type(val)
                if rdtype is None:
                    return Result(err=f"unknown query type: {val}\n", code=1)
            elif key in ("port", "po"):
                if not val.isdigit() or not 0 < int(val) < 65536:
                    return Result(err=f"port '{val}' out of range\n", code=1)
                port = int(val)
            elif key in ("timeout", "retry", "ti", "ret", "debug", "nodebug", "search", "nosearch", "vc", "novc"):
                pass
            else:
                return Result(err=f"*** Invalid option: {a[1:]}\n", code=1)
            continue
        words.append(a)
    if not words:
        return Result(err="nslookup: interactive mode is not available here; give a name: nslookup NAME [SERVER]\n",
                      code=1)
    if len(words) > 2:
        return Result(err="nslookup: too many arguments\n", code=1)
    name = words[0]
    bad = _illegal("nslookup", name, 10)
    if bad:
        return bad
    reverse = _reverse_name(name) is not None
    if reverse:  # an address: its PTR record, printed without the Server/Address lines
        name, rdtype = _reverse_name(name).rstrip("."), dns.rdatatype.PTR
    servers, search = resolv_conf(host)
    addr = servers[0]
    if len(words) == 2:
        addr = _server_address(host, words[1])
        if addr is None:
            return Result(err=f"nslookup: couldn't get address for '{words[1]}': not found\n", code=1)
    head = [] if reverse else [f"Server:\t\t{words[1] if len(words) == 2 else addr}", f"Address:\t{addr}#{port}", ""]
    try:
        asked, resp, *_ = _resolve(host, name, rdtype, addr, port, search)
        if resp.rcode() != dns.rcode.NOERROR:
            failed = [f";; Got SERVFAIL reply from {addr}"] if resp.rcode() == dns.rcode.SERVFAIL else []
            out = failed + head + [f"** server can't find {name}: {_rcode(resp)}", ""]
            return Result(out="".join(x + "\n" for x in out), code=1)
        lines = _ns_lines(resp, rdtype)
        has = bool(resp.answer)
        extra_has = False
        if rdtype == dns.rdatatype.A:  # nslookup asks for AAAA too
            six = exchange(host, _query(asked, dns.rdatatype.AAAA), addr, port)[0]
            six_lines = _ns_lines(six, dns.rdatatype.AAAA)
            extra_has = any(r.rdtype == dns.rdatatype.AAAA for r in six.answer)
            if extra_has:
                lines += [x for x in six_lines if not x.split("\t")[-1].startswith("canonical name")]
        if not has and not extra_has:
            out = head + [f"*** Can't find {name}: No answer", ""]
            return Result(out="".join(x + "\n" for x in out))
        auth = [] if resp.flags & dns.flags.AA else ["Non-authoritative answer:"]
        out = head + auth + lines + [""]
    except Unreachable as e:
        return Result(out=f"{e}\n;; no servers could be reached\n\n", code=1)
    return Result(out="".join(x + "\n" for x in out))


# -- dig
def _indent(col: int, to: int) -> tuple[str, int]:
    """BIND's masterdump indent(): tabs (8 wide) and spaces from column col to column to, at
    least one character."""
    to = max(to, col + 1)
    tabs = to // 8 - col // 8
    return ("\t" * tabs + " " * (to % 8)) if tabs > 0 else " " * (to - col), to


def _columns(fields: list[str], stops: list[int], col: int | None = None) -> str:
    out = fields[0]
    col = len(fields[0]) if col is None else col
    for f, stop in zip(fields[1:], stops):
        pad, col = _indent(col, stop)
        out += pad + f
        col += len(f)
    return out


def _dig_rr(rrs) -> list[str]:
    cls, typ = dns.rdataclass.to_text(rrs.rdclass), dns.rdatatype.to_text(rrs.rdtype)
    return [_columns([rrs.name.to_text(), str(rrs.ttl), cls, typ, r.to_text()], [24, 32, 40, 48]) for r in rrs]


_FLAG_ORDER = [("qr", dns.flags.QR), ("aa", dns.flags.AA), ("tc", dns.flags.TC), ("rd", dns.flags.RD),
               ("ra", dns.flags.RA), ("ad", dns.flags.AD), ("cd", dns.flags.CD)]


@command("dig")
def dig_cmd(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    server, port, name, rdtype = None, 53, None, None
    short = tcp = False
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("@"):
            server = a[1:]
        elif a.startswith("+"):
            opt = a[1:].lower()
            if opt == "short":
                short = True
            elif opt in ("tcp", "vc"):
                tcp = True
            elif opt in ("notcp", "novc", "noshort", "cmd", "nocmd") or opt.split("=")[0] in ("time", "tries", "retry"):
                pass
            else:
                return Result(err=f"Invalid option: {a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {{q-opt}}\n",
                              code=1)
        elif a in ("-p", "-t") or (a[:2] in ("-p", "-t") and len(a) > 2):
            val = a[2:] if len(a) > 2 else (args[i] if i < len(args) else None)
            i += 0 if len(a) > 2 else 1
            if val is None:
                return Result(err=f"dig: option requires an argument -- '{a[1]}'\n", code=1)
            if a[:2] == "-p":
                if not val.isdigit() or not 0 < int(val) < 65536:
                    return Result(err=f"dig: port '{val}' out of range\n", code=10)
                port = int(val)
            else:
                rdtype = _type(val)
                if rdtype is None:
                    return Result(err=f"dig: invalid type {val}\n", code=10)
        elif a == "-x":
            if i >= len(args) or _reverse_name(args[i]) is None:
                return Result(err=f"Invalid IP address {args[i] if i < len(args) else ''}\n", code=10)
            name, rdtype = _reverse_name(args[i]), rdtype or dns.rdatatype.PTR
            i += 1
        elif a.startswith("-") and len(a) > 1:
            return Result(err=f"Invalid option: {a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {{q-opt}}\n",
                          code=1)
        elif rdtype is None and name is not None and _type(a) is not None:
            rdtype = _type(a)
        elif a.upper() == "IN":
            pass
        elif name is None and _type(a) is not None and a.upper() in ("MX", "A", "NS", "SOA", "CNAME", "AAAA", "TXT",
                                                                       "PTR", "ANY") and rdtype is None:
            rdtype = _type(a)
        elif name is None:
            name = a
        else:
            return Result(err=f"dig: '{a}' is not a legal name\n", code=10)
    rdtype = rdtype if rdtype is not None else (dns.rdatatype.A if name else dns.rdatatype.NS)
    name = name or "."
    bad = _illegal("dig", name, 10)
    if bad:
        return bad
    servers, _ = resolv_conf(host)
    addr = servers[0]
    if server is not None:
        addr = _server_address(host, server)
        if addr is None:
            return Result(err=f"dig: couldn't get address for '{server}': not found\n", code=10)
    shown = " ".join(argv[1:])
    head = ["", f"; <<>> DiG {DIG_VERSION} <<>> {shown}".rstrip()]
    if server is not None:
        head.append("; (1 server found)")
    head.append(";; global options: +cmd")
    try:
        qname = name if name.endswith(".") else name + "."
        resp, size, proto, ms = exchange(host, _query(qname, rdtype, edns=True), addr, port,
                                           tcp=tcp or rdtype == dns.rdatatype.ANY)  # as dig does
    except Unreachable as e:
        if short:
            return Result(out=f"{e}\n;; no servers could be reached\n", code=9)
        return Result(out="\n".join(head) + "\n;; no servers could be reached\n", err=f"{e}\n", code=9)
    if short:
        return Result(out="".join(r.to_text() + "\n" for rrs in resp.answer for r in rrs))
    flags = " ".join(w for w, bit in _FLAG_ORDER if resp.flags & bit)
    out = head + [";; Got answer:",
                  f";; ->>HEADER<<- opcode: QUERY, status: {_rcode(resp)}, id: {resp.id}",
                  f";; flags: {flags}; QUERY: {len(resp.question)}, ANSWER: {sum(len(r) for r in resp.answer)}, "
                  f"AUTHORITY: {sum(len(r) for r in resp.authority)}, "
                  f"ADDITIONAL: {sum(len(r) for r in resp.additional) + (1 if resp.edns >= 0 else 0)}"]
    if not resp.flags & dns.flags.RA and resp.flags & dns.flags.RD:
        out.append(";; WARNING: recursion requested but not available")
    out.append("")
    if resp.edns >= 0:
        out += [";; OPT PSEUDOSECTION:", f"; EDNS: version: {resp.edns}, flags:; udp: {resp.payload}"]
    out.append(";; QUESTION SECTION:")
    for q in resp.question:
        qname = q.name.to_text()  # dig counts the columns without the ";"
        out.append(_columns([";" + qname, dns.rdataclass.to_text(q.rdclass), dns.rdatatype.to_text(q.rdtype)],
                            [32, 40], col=len(qname)))
    out.append("")
    for title, section in (("ANSWER", resp.answer), ("AUTHORITY", resp.authority), ("ADDITIONAL", resp.additional)):
        if section:
            out.append(f";; {title} SECTION:")
            for rrs in section:
                out += _dig_rr(rrs)
            out.append("")
    when = host.clock.now().strftime("%a %b %d %H:%M:%S %Z %Y")
    out += [f";; Query time: {ms} msec", f";; SERVER: {addr}#{port}({server if server else addr}) ({proto})",
            f";; WHEN: {when}", f";; MSG SIZE  rcvd: {size}", "", ""]
    return Result(out="\n".join(out))


# -- named-checkzone
@command("named-checkzone")
def named_checkzone(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    words = [a for a in argv[1:] if not a.startswith("-")]
    if len(words) != 2:
        return Result(err="usage: named-checkzone [-djqvD] zonename filename\n", code=1)
    zone, path = words
    if not path.startswith("/"):
        path = "/var/named/" + path
    try:
        z = dnszone.check_zone(host.world, zone, path)
    except dnszone.ZoneError as e:
        return Result(out=str(e) + "\n", code=1)
    except (OSError, ValueError):
        return Result(out=f"zone {zone}/IN: loading from master file {words[1]} failed: file not found\n"
                          f"zone {zone}/IN: not loaded due to errors.\n", code=1)
    return Result(out=f"zone {zone.rstrip('.')}/IN: loaded serial {z.serial}\nOK\n")
