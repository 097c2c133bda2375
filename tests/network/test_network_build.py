"""Making a network of mail hosts: worlds, names, addresses, the registry, the name server."""

import json

from net_fixtures import JEJU, KOREA, MX2, made  # noqa: F401

from mailkit.commands.base import Host, run
from mailkit.core import network
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.network import Network
from mailkit.servers.runtime import load_services


def test_the_default_network_has_three_hosts_on_their_own_addresses(made, tmp_path):
    assert made.names == [KOREA, JEJU, MX2]
    assert [m.addr for m in made.members.values()] == ["127.0.0.4", "127.0.0.5", "127.0.0.6"]
    for m in made.members.values():
        assert m.world.root == (tmp_path / "net" / m.name).resolve()
        assert network.membership(m.world).name == m.name
        assert network.own_address(m.world) == m.addr
        assert m.host.world is m.world and m.host.runtime is m.runtime
    reg = json.loads((tmp_path / "net" / "registry.json").read_text())
    assert reg["dns"] == KOREA and sorted(reg["hosts"]) == sorted(made.names)
    assert len({m.world.root for m in made.members.values()}) == 3  # no world shared


def test_each_host_knows_its_name_its_neighbours_and_the_name_server(made):
    jeju = made.member(JEJU)
    assert jeju.world.read_text("/etc/hostname") == "mail.jeju.example\n"
    hosts = jeju.world.read_text("/etc/hosts")
    block = hosts[hosts.index("# The hosts of the network"):].splitlines()[1:]
    assert [ln.split() for ln in block] == [["127.0.0.5", JEJU, "mail"], ["127.0.0.4", KOREA], ["127.0.0.6", MX2]]
    assert "127.0.0.1   localhost" in hosts and "127.0.0.2   client.example.com" in hosts  # the template kept
    assert jeju.world.read_text("/etc/resolv.conf").splitlines()[1:] == ["search jeju.example", "nameserver 127.0.0.4"]
    assert run(jeju.host, ["hostname"]).out == "mail.jeju.example\n"
    assert run(jeju.host, ["hostname", "-s"]).out == "mail\n"
    assert run(jeju.host, ["hostname", "-d"]).out == "jeju.example\n"
    assert run(jeju.host, ["hostname", "-i"]).out == "127.0.0.5\n"
    assert run(jeju.host, ["hostname", "evil.example"]).code == 1


def test_mail_domains_go_where_the_mx_records_send_them(made):
    def words(m, path):
        return [w for ln in m.world.read_text(path).splitlines() for w in ln.split("#", 1)[0].split()]

    assert words(made.member(KOREA), "/etc/mail/local-host-names") == ["korea.example"]
    assert words(made.member(JEJU), "/etc/mail/local-host-names") == ["jeju.example"]
    assert words(made.member(MX2), "/etc/mail/local-host-names") == []
    assert words(made.member(MX2), "/etc/mail/relay-domains") == ["jeju.example"]  # the backup MX


def test_named_runs_on_the_first_host_only(made):
    assert load_services(made.member(KOREA).world)["named"]["active"] is True
    assert not load_services(made.member(JEJU).world).get("named", {}).get("active")


def test_a_host_alone_has_no_name_and_answers_as_before(tmp_path):
    world = create_world(tmp_path / "alone")
    assert network.membership(world) is None and not world.path("/etc/hostname").exists()
    assert run(Host(world, FixedClock()), ["hostname"]).out == "localhost.localdomain\n"
    assert "127.0.0.4" not in world.read_text("/etc/hosts")


def test_an_existing_world_becomes_the_first_host_and_keeps_its_mail(tmp_path):
    clock = FixedClock()
    world = create_world(tmp_path / "world")
    world.path("/var/spool/mail/alice").write_text("From a@b Sun Nov 29 09:00:00 2026\nSubject: kept\n\nhi\n\n")
    net = Network.create(tmp_path / "world.network", clock, first=Host(world, clock))
    try:
        assert net.first.world.root == world.root and net.first.name == KOREA
        assert "Subject: kept" in net.first.world.read_text("/var/spool/mail/alice")
        assert net.member(JEJU).world.root == (tmp_path / "world.network" / JEJU).resolve()
    finally:
        net.close()


def test_making_the_network_again_keeps_what_the_learner_changed(made, tmp_path):
    jeju = made.member(JEJU)
    jeju.world.path("/etc/hosts").write_text("127.0.0.1 localhost\n127.0.0.5 mail.jeju.example\n")
    again = Network.create(tmp_path / "net", FixedClock())
    try:
        assert again.member(JEJU).world.read_text("/etc/hosts") == "127.0.0.1 localhost\n127.0.0.5 mail.jeju.example\n"
        opened = Network.open(tmp_path / "net", FixedClock())
        assert opened.names == [KOREA, JEJU, MX2]
        assert opened.member("127.0.0.6").name == MX2
        opened.close()
    finally:
        again.close()


def test_a_forged_membership_file_is_no_membership(made, tmp_path):
    """network.json is inside the world (a learner can write it); the registry must agree."""
    from mailkit.commands.shell import run_line

    jeju = made.member(JEJU)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text('{"hosts": {}}')
    forged = f'{{"name": "mail.jeju.example", "addr": "127.0.0.5", "registry": "{elsewhere}"}}'
    assert run_line(jeju.host, f"echo '{forged}' > /var/lib/mailkit/network.json").code == 0
    assert network.membership(jeju.world) is None
    network.publish_ports(jeju.world, {25: 1})  # nothing is written to the named file
    assert elsewhere.read_text() == '{"hosts": {}}'
    forged = f'{{"name": "mail.korea.example", "addr": "127.0.0.4", "registry": "{tmp_path / "net" / "registry.json"}"}}'
    assert run_line(jeju.host, f"echo '{forged}' > /var/lib/mailkit/network.json").code == 0
    assert network.membership(jeju.world) is None  # another host's name: the registry says otherwise
