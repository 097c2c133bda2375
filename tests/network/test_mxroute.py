"""The hosts tried for a mailer host, from the zones (core/mxroute.py), as sendmail's getmxrr."""

from __future__ import annotations

from mailkit.core import mxroute
from mailkit.core.init import create_world

from .conftest import SOA, ZONES, Net


def world_with(tmp_path, extra: dict):
    w = create_world(tmp_path / "w")
    Net.write_zones(w, {**ZONES, **extra})
    return w


TIES = "$ORIGIN tie.example.\n$TTL 60\n" + SOA + "".join(
    f"        IN  MX    10 {n}.tie.example.\n" for n in "abcdef") + "".join(
    f"{n} IN A 127.0.0.{i}\n" for i, n in enumerate("abcdef", 20))


def test_mx_in_preference_order_with_addresses(tmp_path):
    w = world_with(tmp_path, {})
    hops = mxroute.hops(w, "jeju.example.")
    assert hops == [mxroute.Hop("mail.jeju.example.", ("127.0.0.5",)), mxroute.Hop("mx2.jeju.example.", ("127.0.0.6",))]


def test_equal_preferences_in_one_fixed_order(tmp_path):
    w = world_with(tmp_path, {"tie.example": TIES})
    first = [h.name for h in mxroute.hops(w, "tie.example")]
    assert sorted(first) == sorted(f"{n}.tie.example." for n in "abcdef")
    assert all([h.name for h in mxroute.hops(w, "tie.example")] == first for _ in range(5))


def test_brackets_skip_the_mx_lookup(tmp_path):
    w = world_with(tmp_path, {})
    assert mxroute.hops(w, "[mx2.jeju.example]") == [mxroute.Hop("mx2.jeju.example.", ("127.0.0.6",))]
    assert mxroute.hops(w, "[127.0.0.6]") == [mxroute.Hop("[127.0.0.6]", ("127.0.0.6",))]
    # a CNAME is followed to its target's name and address
    assert mxroute.hops(w, "[smtp.jeju.example]") == [mxroute.Hop("mail.jeju.example.", ("127.0.0.5",))]


def test_no_mx_means_the_a_record(tmp_path):
    w = world_with(tmp_path, {})
    assert mxroute.hops(w, "mail.jeju.example.") == [mxroute.Hop("mail.jeju.example.", ("127.0.0.5",))]


def test_unknown_names(tmp_path):
    w = world_with(tmp_path, {})
    nx = mxroute.hops(w, "nosuch.jeju.example")
    assert nx == mxroute.NoRoute(False, "5.1.2", "Host unknown (Name server: nosuch.jeju.example: host not found)",
                                 "nosuch.jeju.example")
    out = mxroute.hops(w, "gmail.com")  # no zone holds it: the DNS cannot say (SERVFAIL)
    assert out == mxroute.NoRoute(True, "4.4.3", "Deferred: Name server: gmail.com.: host name lookup failure",
                                  "gmail.com.")


def test_this_host_in_the_mx_list(tmp_path):
    w = world_with(tmp_path, {})
    # the backup MX tries only the hosts preferred to itself
    assert mxroute.hops(w, "jeju.example", frozenset({"mx2.jeju.example"}), "mx2.jeju.example") == \
        [mxroute.Hop("mail.jeju.example.", ("127.0.0.5",))]
    # the best MX with the domain not local: the mail would come back
    back = mxroute.hops(w, "jeju.example", frozenset({"mail.jeju.example"}), "mail.jeju.example")
    assert back.dsn == "5.3.5" and not back.temporary and back.stat == "Local configuration error"
    assert back.syserr == "MX list for jeju.example. points back to mail.jeju.example"
