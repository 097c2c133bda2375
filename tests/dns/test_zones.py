"""The zones of /var/named as dnspython reads them: records, errors with file:line, reloads."""

import pytest

from mailkit.commands.base import Host, run
from mailkit.core import dnszone
from mailkit.core.rulemaps import canonical_host


def test_init_writes_the_zones_and_they_load(world):
    zones = dnszone.ZoneSet(world).refresh()
    assert sorted(zones) == ["0.0.127.in-addr.arpa.", "jeju.example.", "korea.example."]
    assert zones["korea.example."].serial == 2026113001


def test_mx_hosts_in_preference_order_and_addresses(world):
    assert dnszone.mx_hosts(world, "korea.example") == [(10, "mail.korea.example.")]
    assert dnszone.mx_hosts(world, "jeju.example.") == [(10, "mail.jeju.example."), (20, "mx2.jeju.example.")]
    assert dnszone.resolve_a(world, "mail.korea.example") == ["127.0.0.4"]
    assert dnszone.resolve_a(world, "mx2.jeju.example") == ["127.0.0.6"]
    assert dnszone.resolve_a(world, "www.korea.example") == ["127.0.0.4"]  # through its CNAME
    assert dnszone.mx_hosts(world, "nowhere.example") == []
    assert dnszone.resolve_a(world, "nope.korea.example") == []
    assert dnszone.mx_hosts(world, "mail.korea.example") == []  # has an A record, no MX


def test_lookup_rcodes(world):
    zs = dnszone.ZoneSet(world)
    assert dnszone.lookup(zs, "nope.korea.example.", "A").rcode == "NXDOMAIN"
    nodata = dnszone.lookup(zs, "mail.korea.example.", "MX")
    assert (nodata.rcode, nodata.answer, nodata.authority[0].rdtype) == ("NOERROR", [], 6)  # SOA
    assert dnszone.lookup(zs, "gmail.com.", "MX").rcode == "SERVFAIL"  # not ours: asked of no one
    mx = dnszone.lookup(zs, "jeju.example.", "MX")
    assert mx.authoritative and [a.to_text() for a in mx.additional] == [
        "mail.jeju.example. 86400 IN A 127.0.0.5", "mx2.jeju.example. 86400 IN A 127.0.0.6"]


def test_a_bad_line_names_file_and_line(world, write_zone, test_zone):
    write_zone("test.example", test_zone.replace("mx      IN A   127.0.0.9", "mx      IN AX  127.0.0.9"))
    with pytest.raises(dnszone.ZoneError) as e:
        dnszone.check_zone(world, "test.example", "/var/named/test.example.zone")
    first = str(e.value).splitlines()[0]
    assert first == "/var/named/test.example.zone:7: near 'AX': unknown rdatatype 'AX'"
    assert str(e.value).splitlines()[-1] == "zone test.example/IN: not loaded due to errors."


def test_a_zone_without_soa_is_refused(world, write_zone, test_zone):
    write_zone("test.example", "\n".join(ln for ln in test_zone.splitlines() if "SOA" not in ln))
    with pytest.raises(dnszone.ZoneError, match="no SOA record"):
        dnszone.check_zone(world, "test.example", "/var/named/test.example.zone")


def test_a_broken_edit_keeps_the_old_zone_serving_until_fixed(world, write_zone, test_zone):
    errors = []
    zs = dnszone.ZoneSet(world, on_error=errors.append)
    write_zone("test.example", test_zone)
    assert dnszone.mx_hosts_of(zs, "test.example") == [(5, "mx.test.example.")]
    write_zone("test.example", test_zone.replace("IN MX  5 mx", "IN MX  five mx"))
    assert dnszone.mx_hosts_of(zs, "test.example") == [(5, "mx.test.example.")]  # the old zone
    assert len(errors) == 1 and errors[0].startswith("/var/named/test.example.zone:5: ")
    assert "/var/named/test.example.zone" in zs.errors
    assert dnszone.mx_hosts_of(zs, "test.example") == [(5, "mx.test.example.")]
    assert len(errors) == 1  # logged once per bad version, not per query
    write_zone("test.example", test_zone.replace("IN MX  5 mx", "IN MX  7 mx"))
    assert dnszone.mx_hosts_of(zs, "test.example") == [(7, "mx.test.example.")]
    assert zs.errors == {}


def test_a_zone_broken_from_the_start_is_servfail_not_served(world, write_zone, test_zone):
    write_zone("test.example", test_zone.replace("$TTL 3600", "$TTL soon"))
    zs = dnszone.ZoneSet(world)
    assert dnszone.lookup(zs, "mx.test.example.", "A").rcode == "SERVFAIL"
    assert zs.broken() == {"test.example."}


def test_a_removed_zone_file_is_no_longer_served(world):
    zs = dnszone.ZoneSet(world)
    assert dnszone.lookup(zs, "jeju.example.", "MX").answer
    world.path("/var/named/jeju.example.zone").unlink()
    assert dnszone.lookup(zs, "jeju.example.", "MX").rcode == "SERVFAIL"


def test_a_huge_zone_file_is_refused_unread(world, write_zone, test_zone):
    write_zone("test.example", test_zone + ";" * dnszone.MAX_ZONE_BYTES)
    with pytest.raises(dnszone.ZoneError, match="too large"):
        dnszone.check_zone(world, "test.example", "/var/named/test.example.zone")


def test_a_zone_symlinked_out_of_the_world_is_not_read(world, tmp_path, test_zone):
    outside = tmp_path / "outside.zone"
    outside.write_text(test_zone)
    world.path("/var/named/test.example.zone").symlink_to(outside)
    zs = dnszone.ZoneSet(world)
    assert "test.example." not in zs.refresh()


def test_host_map_canonicalises_from_the_zones_after_etc_hosts(world):
    assert canonical_host(world, "/etc/hosts", "mail.korea.example") == "mail.korea.example"
    assert canonical_host(world, "/etc/hosts", "WWW.korea.example.") == "mail.korea.example"  # the CNAME's target
    assert canonical_host(world, "/etc/hosts", "korea.example") == "korea.example"  # an MX is enough
    assert canonical_host(world, "/etc/hosts", "nope.korea.example") is None
    assert canonical_host(world, "/etc/hosts", "localhost") == "localhost.localdomain"  # files first
    world.path("/etc/resolv.conf").write_text("search korea.example\nnameserver 127.0.0.1\n")
    assert canonical_host(world, "/etc/hosts", "www") == "mail.korea.example"


def test_sendmail_bt_canon_and_host_map_agree_with_the_zones(world, clock):
    host = Host(world, clock)
    out = run(host, ["sendmail", "-bt"], stdin="/canon www.korea.example\n/map host jeju.example\n"
                                              "/map host nope.korea.example\n").out
    assert "getcanonname(www.korea.example) returns mail.korea.example" in out
    assert "map_lookup: host (jeju.example) returns jeju.example. (0)" in out
    assert "map_lookup: host (nope.korea.example) no match (68)" in out


def test_named_checkzone_command(world, clock, write_zone, test_zone):
    host = Host(world, clock)
    r = run(host, ["named-checkzone", "korea.example", "/var/named/korea.example.zone"])
    assert (r.out, r.code) == ("zone korea.example/IN: loaded serial 2026113001\nOK\n", 0)
    write_zone("test.example", test_zone.replace("ns      IN A   127.0.0.1", "ns      IN A   127.0.0.300"))
    r = run(host, ["named-checkzone", "test.example", "test.example.zone"])
    assert r.code == 1 and r.out.startswith("/var/named/test.example.zone:6: ")


def test_include_is_refused_so_no_file_outside_var_named_is_read(world, write_zone, test_zone):
    write_zone("test.example", test_zone + "$INCLUDE /etc/shadow\n")
    with pytest.raises(dnszone.ZoneError, match=r"test.example.zone:8: near '\$INCLUDE': .*not allowed"):
        dnszone.check_zone(world, "test.example", "/var/named/test.example.zone")
