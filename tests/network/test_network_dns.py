"""DNS shared by the network: the zones in the name server's /var/named answer every host's
lookups, and host/dig/nslookup on any host ask ns.korea.example's named."""

import os

from net_fixtures import JEJU, KOREA, MX2, made, net  # noqa: F401

from mailkit.commands.base import run
from mailkit.core import dnszone


def touch_edit(world, path, old, new):
    p = world.path(path)
    before = p.stat().st_mtime_ns
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new))
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, max(st.st_mtime_ns, before + 1_000_000)))


def test_every_host_reads_the_name_servers_zones(made):
    korea, jeju = made.member(KOREA), made.member(JEJU)
    assert dnszone.mx_hosts(jeju.world, "jeju.example") == [(10, "mail.jeju.example."), (20, "mx2.jeju.example.")]
    # jeju's own /var/named is not the network's: an edit there changes nothing
    touch_edit(jeju.world, "/var/named/jeju.example.zone", "MX    10 mail", "MX    30 mail")
    assert dnszone.mx_hosts(jeju.world, "jeju.example")[0] == (10, "mail.jeju.example.")
    # an edit on the name server is seen by every host's next lookup
    touch_edit(korea.world, "/var/named/jeju.example.zone", "MX    10 mail", "MX    30 mail")
    for m in made.members.values():
        assert dnszone.mx_hosts(m.world, "jeju.example") == [(20, "mx2.jeju.example."), (30, "mail.jeju.example.")]
    assert dnszone.resolve_a(made.member(MX2).world, "mail.korea.example") == ["127.0.0.4"]


def test_the_tools_on_every_host_ask_ns_korea_example(net):
    for m in net.members.values():
        assert run(m.host, ["host", "-t", "mx", "jeju.example"]).out == (
            "jeju.example mail is handled by 10 mail.jeju.example.\n"
            "jeju.example mail is handled by 20 mx2.jeju.example.\n"), m.name
        ns = run(m.host, ["nslookup", "-type=mx", "korea.example"])
        assert ns.out == ("Server:\t\t127.0.0.4\nAddress:\t127.0.0.4#53\n\n"
                          "korea.example\tmail exchanger = 10 mail.korea.example.\n\n"), m.name
        dig = run(m.host, ["dig", "MX", "jeju.example"]).out
        assert ";; SERVER: 127.0.0.4#53(127.0.0.4) (UDP)\n" in dig
        assert "jeju.example.\t\t86400\tIN\tMX\t20 mx2.jeju.example.\n" in dig
    jeju = net.member(JEJU)
    # the search list of jeju's resolv.conf: `host smtp` is smtp.jeju.example
    assert run(jeju.host, ["host", "smtp"]).out.startswith("smtp.jeju.example is an alias for mail.jeju.example.\n")
    assert run(jeju.host, ["host", "127.0.0.6"]).out == "6.0.0.127.in-addr.arpa domain name pointer mx2.jeju.example.\n"
    assert run(net.member(MX2).host, ["dig", "+short", "MX", "korea.example"]).out == "10 mail.korea.example.\n"


def test_with_named_stopped_no_host_gets_an_answer(net):
    assert run(net.member(KOREA).host, ["systemctl", "stop", "named"]).code == 0
    r = run(net.member(JEJU).host, ["host", "-t", "mx", "jeju.example"])
    assert r.code == 1 and r.err.startswith(";; communications error to 127.0.0.4#53: connection refused\n")
    assert r.err.endswith(";; no servers could be reached\n")
