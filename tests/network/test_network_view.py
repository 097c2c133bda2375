"""The network diagram: hosts, addresses, listeners and the MX records of each domain."""

import os

from net_fixtures import JEJU, KOREA, MX2, made, net  # noqa: F401

from mailkit.commands.base import run
from mailkit.kernel.netview import NetworkView


def edit_zone(world, path, old, new):
    p = world.path(path)
    before = p.stat().st_mtime_ns
    p.write_text(p.read_text().replace(old, new))
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, max(st.st_mtime_ns, before + 1_000_000)))


def test_the_picture_of_the_default_network(net):
    view = NetworkView.load(net, JEJU)
    assert str(view) == (
        "Network of 3 mail hosts (DNS: mail.korea.example)\n"
        "  host                address    listening\n"
        "  mail.korea.example  127.0.0.4  sendmail 127.0.0.1:25; named 127.0.0.1:53; dovecot 0.0.0.0:110,143,993,995; "
        "dovecot :::110,143,993,995\n"
        "* mail.jeju.example   127.0.0.5  sendmail 127.0.0.1:25; dovecot 0.0.0.0:110,143,993,995\n"
        "  mx2.jeju.example    127.0.0.6  sendmail 127.0.0.1:25; dovecot 0.0.0.0:110,143,993,995\n"
        "MX records\n"
        "  jeju.example    10 mail.jeju.example   -> mail.jeju.example (127.0.0.5)\n"
        "                  20 mx2.jeju.example    -> mx2.jeju.example (127.0.0.6)\n"
        "  korea.example   10 mail.korea.example  -> mail.korea.example (127.0.0.4)\n"
        "(* commands run on this host)\n")
    data = view.to_json()
    assert [h["name"] for h in data["hosts"]] == [KOREA, JEJU, MX2]
    assert data["mx"][1] == {"domain": "jeju.example", "pref": 20, "target": "mx2.jeju.example",
                             "host": MX2, "addr": "127.0.0.6"}
    svg = view._repr_mimebundle_()["text/html"]
    assert "data-host='mail.jeju.example'" in svg and "mail.jeju.example *</text>" in svg
    assert ">MX 20</text>" in svg


def test_stopped_services_and_an_mx_pointing_nowhere(net):
    korea = net.member(KOREA)
    run(net.member(MX2).host, ["systemctl", "stop", "sendmail"])
    edit_zone(korea.world, "/var/named/jeju.example.zone", "        IN  MX    20 mx2.jeju.example.\n",
              "        IN  MX    20 mx2.jeju.example.\n        IN  MX    30 backup.jeju.example.\n"
              "        IN  MX    40 far.jeju.example.\nfar     IN  A     192.0.2.1\n")
    text = str(NetworkView.load(net, KOREA))
    assert "  mx2.jeju.example    127.0.0.6  dovecot 0.0.0.0:110,143,993,995; sendmail stopped\n" in text
    assert "                  30 backup.jeju.example  -> no address in DNS\n" in text
    assert "                  40 far.jeju.example     -> 192.0.2.1: no host of the network\n" in text
    svg = NetworkView.load(net, KOREA).html()
    assert "stroke-dasharray" in svg and "MX 40 far.jeju.example: 192.0.2.1: no host of the network" in svg
