"""named: a small authoritative DNS server answering from the world's zones (core/dnszone.py).

UDP and TCP on one port of a loopback address, dnspython's message wire format both ways.
It answers A, MX, NS, SOA, CNAME (any type the zones hold) with AA set, NXDOMAIN for a name
that a zone lacks, SERVFAIL for a name outside every zone: it never forwards a query, so
nothing leaves the machine. A UDP answer larger than the client's buffer (512 bytes without
EDNS) is sent truncated (TC), and the client asks again over TCP, as with BIND.
"""

from __future__ import annotations

import asyncio
import struct

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.rcode

from ..core import dnszone, maillog

TCP_IDLE = 10.0  # seconds a TCP client may stay silent between queries (BIND's tcp-idle-timeout)
TCP_QUERIES = 100  # queries answered on one TCP connection before it is closed
MAX_QUERY = 4096  # a query longer than this is refused unread (no legitimate question is)
UDP_PLAIN = 512  # a UDP answer's limit without EDNS (RFC 1035)


def respond(zoneset: dnszone.ZoneSet, wire: bytes, limit: int | None) -> bytes | None:
    """The answer to one query in wire format; None when it cannot be answered (not a query).
    `limit` is the UDP size the answer must fit (None over TCP)."""
    try:
        query = dns.message.from_wire(wire)
    except dns.message.ShortHeader:
        return None
    except (dns.exception.DNSException, ValueError, UnicodeError):
        if len(wire) < 12 or wire[2] & 0x80:
            return None
        # FORMERR with the query's id and opcode, no question (what BIND sends back)
        flags = 0x8000 | (wire[2] & 0x78) << 8 | dns.rcode.FORMERR
        return wire[:2] + struct.pack("!HHHHH", flags, 0, 0, 0, 0)
    if query.flags & dns.flags.QR:
        return None
    response = dns.message.make_response(query, recursion_available=True, our_payload=1232)
    if query.opcode() != dns.opcode.QUERY:
        response.set_rcode(dns.rcode.NOTIMP)
    elif len(query.question) != 1:
        response.set_rcode(dns.rcode.FORMERR)
    else:
        q = query.question[0]
        ans = dnszone.lookup(zoneset, q.name, q.rdtype)
        response.set_rcode(dns.rcode.from_text(ans.rcode))
        response.answer = list(ans.answer)
        response.authority = list(ans.authority)
        response.additional = list(ans.additional)
        if ans.authoritative:
            response.flags |= dns.flags.AA
    # records in zone order every time (no shuffling), so an answer reads the same twice
    if limit is None:
        return response.to_wire(want_shuffle=False)
    size = max(UDP_PLAIN, query.payload if query.edns >= 0 else UDP_PLAIN)
    try:
        return response.to_wire(max_size=min(size, limit), want_shuffle=False)
    except dns.exception.TooBig:
        response.answer, response.authority, response.additional = [], [], []
        response.flags |= dns.flags.TC
        return response.to_wire(want_shuffle=False)


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, zoneset):
        self.zoneset = zoneset

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if len(data) > MAX_QUERY:
            return
        out = respond(self.zoneset, data, 65535)
        if out is not None:
            self.transport.sendto(out, addr)


async def _tcp_client(zoneset, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        for _ in range(TCP_QUERIES):
            try:
                head = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE)
                (length,) = struct.unpack("!H", head)
                if length > MAX_QUERY:
                    break
                wire = await asyncio.wait_for(reader.readexactly(length), TCP_IDLE)
            except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
                break
            out = respond(zoneset, wire, None)
            if out is None:
                break
            writer.write(struct.pack("!H", len(out)) + out)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


class NamedServer:
    """The TCP server and UDP endpoint of one address and port, closed together."""

    def __init__(self, tcp, udp):
        self.tcp, self.udp = tcp, udp
        self.sockets = tcp.sockets

    def close(self) -> None:
        self.tcp.close()
        closer = getattr(self.tcp, "close_clients", None)  # Python 3.12+
        if closer:
            closer()
        self.udp.close()

    async def wait_closed(self) -> None:
        await self.tcp.wait_closed()


async def serve_dns(world, clock, addr: str, port: int) -> NamedServer:
    """Bind UDP and TCP `addr:port` and answer from the world's zones; zone errors go to the log."""

    def log_zone_error(text: str) -> None:
        for line in text.splitlines():
            maillog.log(world, clock, line, program="named")

    zoneset = dnszone.zones_of(world)
    zoneset.on_error = log_zone_error
    for origin, z in sorted(zoneset.refresh().items()):
        maillog.log(world, clock, f"zone {origin.rstrip('.')}/IN: loaded serial {z.serial}", program="named")
    loop = asyncio.get_running_loop()
    tcp = await asyncio.start_server(lambda r, w: _tcp_client(zoneset, r, w), addr, port)
    try:
        udp, _ = await loop.create_datagram_endpoint(lambda: _Udp(zoneset), local_addr=(addr, port))
    except OSError:
        tcp.close()
        raise
    return NamedServer(tcp, udp)
