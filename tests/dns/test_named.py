"""named over real sockets: dnspython's resolver and raw UDP/TCP against the running host."""

import socket
import struct

import dns.flags
import dns.message
import dns.rcode
import dns.resolver
import pytest

from mailkit.commands.base import run


def resolver(port):
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ["127.0.0.1"]
    r.port = port
    r.timeout = r.lifetime = 3
    return r


@pytest.mark.parametrize("tcp", [False, True])
def test_answers_a_mx_ns_soa_cname_over_udp_and_tcp(dns_port, tcp):
    r = resolver(dns_port)
    mx = r.resolve("jeju.example", "MX", tcp=tcp)
    assert sorted((x.preference, x.exchange.to_text()) for x in mx) == [(10, "mail.jeju.example."),
                                                                          (20, "mx2.jeju.example.")]
    assert mx.response.flags & dns.flags.AA
    assert [x.address for x in r.resolve("mail.korea.example", "A", tcp=tcp)] == ["127.0.0.4"]
    www = r.resolve("www.korea.example", "A", tcp=tcp)
    assert www.canonical_name.to_text() == "mail.korea.example." and www[0].address == "127.0.0.4"
    assert r.resolve("www.korea.example", "CNAME", tcp=tcp)[0].target.to_text() == "mail.korea.example."
    assert r.resolve("korea.example", "NS", tcp=tcp)[0].target.to_text() == "ns.korea.example."
    assert r.resolve("korea.example", "SOA", tcp=tcp)[0].serial == 2026113001


def test_nxdomain_nodata_and_names_outside_the_zones(dns_port):
    r = resolver(dns_port)
    with pytest.raises(dns.resolver.NXDOMAIN):
        r.resolve("nope.korea.example", "A")
    with pytest.raises(dns.resolver.NoAnswer):
        r.resolve("mail.korea.example", "MX")
    q = dns.message.make_query("www.gmail.com", "A")
    resp = _udp(q, dns_port)
    assert resp.rcode() == dns.rcode.SERVFAIL and not resp.answer  # never asked of anyone else


def _udp(q, port):
    import dns.query

    return dns.query.udp(q, "127.0.0.1", port=port, timeout=3)


def test_a_big_answer_is_truncated_over_udp_and_whole_over_tcp(world, named, dns_port, write_zone, test_zone):
    import dns.query

    write_zone("test.example", test_zone + "".join(f"big IN A 127.0.1.{i}\n" for i in range(1, 61)))
    q = dns.message.make_query("big.test.example", "A")  # no EDNS: 512 bytes over UDP
    small = dns.query.udp(q, "127.0.0.1", port=dns_port, timeout=3, ignore_trailing=True)
    assert small.flags & dns.flags.TC and not small.answer
    whole = dns.query.tcp(q, "127.0.0.1", port=dns_port, timeout=3)
    assert len(whole.answer[0]) == 60
    assert len(resolver(dns_port).resolve("big.test.example", "A")) == 60  # the resolver retries on TCP


def test_an_edited_zone_is_served_and_a_bad_edit_keeps_the_old_one(world, named, dns_port, write_zone, test_zone):
    r = resolver(dns_port)
    write_zone("test.example", test_zone)
    assert r.resolve("test.example", "MX")[0].preference == 5
    write_zone("test.example", test_zone.replace("mx      IN A   127.0.0.9", "mx      IN A   127.0.0.999"))
    assert r.resolve("mx.test.example", "A")[0].address == "127.0.0.9"  # the old zone still serves
    log = world.read_text("/var/log/maillog")
    assert "named[" in log and "/var/named/test.example.zone:7: near '127.0.0.999'" in log


def test_garbage_gets_formerr_or_silence_and_the_server_keeps_answering(dns_port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xff\xff", ("127.0.0.1", dns_port))
        reply = s.recv(512)
        assert reply[:2] == b"\x12\x34" and reply[3] & 0x0F == dns.rcode.FORMERR
        s.sendto(b"\x01", ("127.0.0.1", dns_port))  # too short to answer: dropped
        s.sendto(b"\x00" * 5000, ("127.0.0.1", dns_port))  # over the size limit: dropped
    with socket.create_connection(("127.0.0.1", dns_port), timeout=3) as c:
        c.sendall(struct.pack("!H", 60000))  # a length over the limit: the connection is closed
        assert c.recv(10) == b""
    assert resolver(dns_port).resolve("mail.korea.example", "A")[0].address == "127.0.0.4"


def test_several_queries_on_one_tcp_connection(dns_port):
    with socket.create_connection(("127.0.0.1", dns_port), timeout=3) as c:
        for name in ("mail.korea.example", "mail.jeju.example", "mx2.jeju.example"):
            wire = dns.message.make_query(name, "A").to_wire()
            c.sendall(struct.pack("!H", len(wire)) + wire)
            (n,) = struct.unpack("!H", c.recv(2, socket.MSG_WAITALL))
            resp = dns.message.from_wire(c.recv(n, socket.MSG_WAITALL))
            assert resp.answer[0].name.to_text() == name + "."


def test_systemctl_and_netstat_show_named(host):
    assert run(host, ["systemctl", "is-active", "named"]).out == "inactive\n"
    assert run(host, ["systemctl", "start", "named"]).code == 0
    status = run(host, ["systemctl", "status", "named"])
    assert status.code == 0
    assert status.out.startswith("● named.service - Berkeley Internet Name Domain (DNS)\n")
    assert "   Active: active (running) since " in status.out
    pid = host.runtime.pid_of("named")
    net = run(host, ["netstat", "-tulnp"]).out.splitlines()
    prog = f"{pid}/named"
    assert f"tcp        0      0 127.0.0.1:53            0.0.0.0:*               LISTEN      {prog:<20}" in net
    assert f"udp        0      0 127.0.0.1:53            0.0.0.0:*                           {prog:<20}" in net
    assert [ln.split()[0] for ln in net if ":53 " in ln] == ["tcp", "udp"]
    assert not [ln for ln in run(host, ["netstat", "-tlnp"]).out.splitlines() if ln.startswith("udp")]
    assert [ln for ln in run(host, ["netstat", "-ulnp"]).out.splitlines() if ":25 " in ln] == []
    port = host.runtime.ports[53][1]
    assert run(host, ["systemctl", "stop", "named"]).code == 0
    assert run(host, ["systemctl", "status", "named"]).code == 3
    assert ":53 " not in run(host, ["netstat", "-anp"]).out
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:  # the UDP port is free again
        s.bind(("127.0.0.1", port))
    assert run(host, ["systemctl", "restart", "named"]).code == 0
    assert host.runtime.ports[53][1] == port  # the same port again, as for 25/110/143


def test_an_active_named_comes_back_with_the_host(world, clock):
    from mailkit.servers.runtime import HostRuntime

    rt = HostRuntime(world, clock).start()
    try:
        rt.start_service("named")
        rt.restart()
        assert rt.is_active("named")
        assert resolver(rt.ports[53][1]).resolve("mail.korea.example", "A")[0].address == "127.0.0.4"
    finally:
        rt.stop()


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), flip=st.integers(min_value=0, max_value=40))
def test_any_bytes_get_an_answer_or_silence_never_an_exception(world, data, flip):
    from mailkit.core import dnszone
    from mailkit.servers.dns import respond

    zs = dnszone.zones_of(world)
    wire = bytearray(dns.message.make_query("jeju.example", "MX").to_wire())
    if flip < len(wire):
        wire[flip] ^= 0xFF  # a valid query with one byte broken
    for packet in (bytes(data), bytes(wire)):
        out = respond(zs, packet, 512)
        assert out is None or (len(out) <= 512 and out[:2] == packet[:2])
