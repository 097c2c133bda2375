"""Mail from one host of the network to another over real SMTP: the esmtp mailer of
mail.korea.example (127.0.0.4) hands alice's message to the MX of jeju.example, and so on.

Each host is a world with its own HostRuntime on its own loopback address and free ports; the
MTA's client finds a peer only through the network registry (core/network.endpoint)."""

from __future__ import annotations

import re
import socket

from mailkit.core import network
from tests.waiting import wait_until

KOREA, JEJU, MX2 = "mail.korea.example", "mail.jeju.example", "mx2.jeju.example"


def received(mbox: str) -> list[str]:
    return re.findall(r"^Received: .*(?:\n\t.*)*", mbox, re.M)


def to_lines(log: str) -> list[str]:
    return [ln.split(": ", 1)[1].split(": ", 1)[1] for ln in log.splitlines() if ": to=" in ln]


def test_alice_on_korea_writes_to_bob_on_jeju(net):
    net.add(KOREA)
    net.add(JEJU)
    net.start(KOREA)
    net.start(JEJU)
    net.send(KOREA, "alice", ["bob@jeju.example"], body="across the strait\n")
    assert wait_until(lambda: "across the strait" in net.mbox(JEJU, "bob"), 15)
    box = net.mbox(JEJU, "bob")
    hops = received(box)
    assert len(hops) == 2, box
    assert hops[0].startswith("Received: from mail.korea.example (mail.korea.example [127.0.0.4])\n"
                              "\tby mail.jeju.example (8.17.1.9/8.17.1.9) with ESMTP id ")
    assert hops[1].startswith("Received: from mail.korea.example (localhost [127.0.0.1])\n"
                              "\tby mail.korea.example (8.17.1.9/8.17.1.9) with ESMTP id ")
    assert "Return-Path: <alice@mail.korea.example>" in box
    jeju_qid = re.search(r"with ESMTP id (\w+)", hops[0]).group(1)
    sent = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju.example" in ln]
    assert len(sent) == 1
    assert re.fullmatch(
        r"to=<bob@jeju\.example>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=\d+, "
        r"relay=mail\.jeju\.example\. \[127\.0\.0\.5\], dsn=2\.0\.0, "
        rf"stat=Sent \({jeju_qid} Message accepted for delivery\)", sent[0]), sent[0]
    assert "relay=mail.korea.example [127.0.0.4]" in net.log(JEJU)
    assert net.run(KOREA, ["mailq"]).out.startswith("/var/spool/mqueue is empty\n")


def test_two_recipients_of_one_host_go_in_one_transaction(net):
    net.add(KOREA)
    net.add(JEJU)
    net.start(KOREA)
    net.start(JEJU)
    net.send(KOREA, "alice", ["bob@jeju.example", "carol@jeju.example"], body="both of you\n")
    assert wait_until(lambda: "both of you" in net.mbox(JEJU, "carol") and "both of you" in net.mbox(JEJU, "bob"), 15)
    sent = [ln for ln in to_lines(net.log(KOREA)) if "mailer=esmtp" in ln]
    # one line for the transaction; right after acceptance sendmail takes the recipients in
    # the reverse order of the RCPT commands (as the real one logs them)
    assert len(sent) == 1 and sent[0].startswith("to=<carol@jeju.example>,<bob@jeju.example>, "), sent
    froms = [ln for ln in net.log(JEJU).splitlines() if "from=<alice@mail.korea.example>" in ln]
    assert len(froms) == 1 and "nrcpts=2" in froms[0]


def test_lowest_preference_mx_down_the_next_one_takes_it(net):
    net.add(KOREA)
    net.add(JEJU)
    net.add(MX2, relay=["jeju.example"])  # the backup MX relays for jeju.example
    for h in (KOREA, JEJU, MX2):
        net.start(h)
    net.runtimes[JEJU].stop_service("sendmail")
    net.send(KOREA, "alice", ["bob@jeju.example"], body="via the backup\n")
    assert wait_until(lambda: any("relay=mx2.jeju.example." in ln for ln in to_lines(net.log(KOREA))), 15)
    sent = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju.example" in ln]
    assert len(sent) == 1 and "relay=mx2.jeju.example. [127.0.0.6], dsn=2.0.0, stat=Sent (" in sent[0], sent
    # mx2 keeps it: the host it prefers (mail.jeju.example) is down; never itself
    assert wait_until(lambda: "Connection refused by mail.jeju.example." in net.log(MX2), 15)
    assert "Deferred: Connection refused by mail.jeju.example." in net.run(MX2, ["mailq"]).out
    assert not any("relay=mx2" in ln for ln in to_lines(net.log(MX2)))
    # jeju back: mx2's queue run hands it over, and the mbox shows the three hosts' Received
    net.runtimes[JEJU].start_service("sendmail")
    r = net.run(MX2, ["sendmail", "-q"])
    assert r.code == 0, r.err
    assert wait_until(lambda: "via the backup" in net.mbox(JEJU, "bob"), 15)
    hops = received(net.mbox(JEJU, "bob"))
    assert [h.split("\n")[1].split()[1] for h in hops] == [JEJU, MX2, KOREA]


def test_relay_refused_by_the_next_hop_returns_a_dsn_to_the_sender(net):
    net.add(KOREA)
    jeju = net.add(JEJU)
    jeju.path("/etc/mail/local-host-names").write_text("")  # jeju forgot its own domain
    net.start(KOREA)
    net.start(JEJU)
    net.send(KOREA, "alice", ["bob@jeju.example"], body="will bounce\n")
    assert wait_until(lambda: "Returned mail" in net.mbox(KOREA, "alice"), 15)
    dsn = net.mbox(KOREA, "alice")
    assert "From: Mail Delivery Subsystem <MAILER-DAEMON@mail.korea.example>" in dsn
    assert "Subject: Returned mail: see transcript for details" in dsn
    assert ("   ----- The following addresses had permanent fatal errors -----\n<bob@jeju.example>\n"
            "    (reason: 550 5.7.1 <bob@jeju.example>... Relaying denied)\n") in dsn
    assert ("   ----- Transcript of session follows -----\n... while talking to mail.jeju.example.:\n"
            ">>> DATA\n<<< 550 5.7.1 <bob@jeju.example>... Relaying denied\n"
            "550 5.1.1 <bob@jeju.example>... User unknown\n<<< 503 5.0.0 Need RCPT (recipient)\n") in dsn
    assert "Remote-MTA: DNS; mail.jeju.example\nDiagnostic-Code: SMTP; 550 5.7.1 <bob@jeju.example>... Relaying denied" in dsn
    line = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju.example" in ln][0]
    assert line.endswith("relay=mail.jeju.example. [127.0.0.5], dsn=5.7.1, "
                         "reply=550 5.7.1 <bob@jeju.example>... Relaying denied, stat=User unknown")
    assert re.search(r": \w+: DSN: User unknown$", net.log(KOREA), re.M)
    # jeju refused it as a relay attempt from another machine (127.0.0.4 is not its localhost)
    assert "ruleset=check_rcpt, arg1=<bob@jeju.example>, relay=mail.korea.example [127.0.0.4], reject=550 5.7.1" in net.log(JEJU)


def test_deferred_while_the_next_hop_is_down_then_sendmail_q_delivers(net):
    net.add(KOREA)
    net.add(JEJU)
    net.add(MX2, relay=["jeju.example"])
    net.start(KOREA)  # jeju and mx2 stay down
    net.send(KOREA, "alice", ["bob@jeju.example"], body="patience\n")
    assert wait_until(lambda: any("bob@jeju" in ln for ln in to_lines(net.log(KOREA))), 15)
    line = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju" in ln][-1]
    # both MX hosts refused: one line, naming the last one tried
    assert re.fullmatch(r"to=<bob@jeju\.example>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=\d+, "
                        r"relay=mx2\.jeju\.example\. \[127\.0\.0\.6\], dsn=4\.4\.1, "
                        r"stat=Deferred: Connection refused by mx2\.jeju\.example\.", line), line
    # the log line is written before the queue file is updated with the reason: wait for that too
    reason = "(Deferred: Connection refused by mx2.jeju.example.)"
    assert wait_until(lambda: reason in net.run(KOREA, ["mailq"]).out, 15), net.run(KOREA, ["mailq"]).out
    assert "bob@jeju.example" in net.run(KOREA, ["mailq"]).out
    net.start(JEJU)
    r = net.run(KOREA, ["sendmail", "-q", "-v"])
    assert r.code == 0, r.err
    assert "<bob@jeju.example>... Connecting to mail.jeju.example. via esmtp..." in r.out
    assert ">>> EHLO mail.korea.example" in r.out and "<bob@jeju.example>... Sent (" in r.out
    assert wait_until(lambda: "patience" in net.mbox(JEJU, "bob"), 15)
    assert net.run(KOREA, ["mailq"]).out.startswith("/var/spool/mqueue is empty\n")


def test_an_address_outside_the_network_is_never_connected_to(net, monkeypatch):
    korea = net.add(KOREA)
    zones = dict(__import__("tests.network.conftest", fromlist=["ZONES"]).ZONES)
    zones["far.example"] = ("$ORIGIN far.example.\n$TTL 86400\n@ IN SOA ns.far.example. root.far.example. "
                            "( 1 3600 900 604800 86400 )\n  IN NS ns.far.example.\n  IN MX 10 mx.far.example.\n"
                            "mx IN A 192.0.2.1\nns IN A 192.0.2.2\nwww IN A 192.0.2.3\n")
    net.write_zones(korea, zones)
    net.start(KOREA)
    attempts = []
    real_connect = socket.socket.connect

    def connect(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    net.send(KOREA, "alice", ["dave@far.example", "erin@[192.0.2.3]"], body="nowhere\n")
    assert wait_until(lambda: len(to_lines(net.log(KOREA))) >= 2, 15)
    assert attempts  # the wrapper saw the connections made (the MSP's to the MTA)
    assert not [a for a in attempts if not a[0].startswith("127.")], attempts
    lines = to_lines(net.log(KOREA))
    assert any(ln.startswith("to=<dave@far.example>") and
               ln.endswith("relay=mx.far.example., dsn=4.4.3, stat=Deferred: Name server: mx.far.example.: host name lookup failure")
               for ln in lines), lines
    assert any(ln.startswith("to=<erin@[192.0.2.3]>") and "host name lookup failure" in ln for ln in lines), lines
    # mailq cuts the reason at 60 columns, as sendmail; the log line comes before the queue file has it
    assert wait_until(lambda: "host name lookup fai" in net.run(KOREA, ["mailq"]).out, 15)
    assert "dave@far.example" in net.run(KOREA, ["mailq"]).out


def test_a_domain_no_zone_holds_keeps_the_old_deferral_text(net):
    net.add(KOREA)
    net.start(KOREA)
    net.send(KOREA, "alice", ["dave@example.com"])
    # mailq cuts the reason at 60 columns, as sendmail's does; the first attempt may still be
    # running (the job shown locked, `*`, with no reason yet)
    reason = "(Deferred: Name server: example.com.: host name lookup failur)"
    assert wait_until(lambda: reason in net.run(KOREA, ["mailq"]).out, 15), net.run(KOREA, ["mailq"]).out


def test_mailertable_sends_a_domain_to_a_named_host_without_mx_lookup(net):
    korea = net.add(KOREA)
    net.add(JEJU)
    net.add(MX2, local=["jeju.example"])
    korea.path("/etc/mail/mailertable").write_text("jeju.example\tesmtp:[mx2.jeju.example]\n")
    assert net.run(KOREA, ["makemap", "hash", "/etc/mail/mailertable"],
                   korea.path("/etc/mail/mailertable").read_text()).code == 0
    for h in (KOREA, JEJU, MX2):
        net.start(h)
    net.send(KOREA, "alice", ["bob@jeju.example"], body="by the table\n")
    assert wait_until(lambda: "by the table" in net.mbox(MX2, "bob"), 15)
    assert "by the table" not in net.mbox(JEJU, "bob")
    line = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju" in ln][0]
    assert "mailer=esmtp" in line and "relay=mx2.jeju.example. [127.0.0.6], dsn=2.0.0, stat=Sent (" in line


def test_smart_host_relays_everything_not_local(net):
    korea = net.add(KOREA)
    net.add(MX2, local=["jeju.example"])
    cf = korea.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text().replace("\nDS\n", "\nDS[mx2.jeju.example]\n"))
    net.start(KOREA)
    net.start(MX2)
    net.send(KOREA, "alice", ["bob@jeju.example"], body="through the smart host\n")
    assert wait_until(lambda: "through the smart host" in net.mbox(MX2, "bob"), 15)
    line = [ln for ln in to_lines(net.log(KOREA)) if "bob@jeju" in ln][0]
    assert "mailer=relay" in line and "relay=mx2.jeju.example. [127.0.0.6], dsn=2.0.0" in line
    # local mail stays local
    net.send(KOREA, "alice", ["bob"], body="at home\n")
    assert wait_until(lambda: "at home" in net.mbox(KOREA, "bob"), 15)


def test_a_host_alone_binds_127_0_0_1_and_a_network_host_its_own_address(net, tmp_path):
    from mailkit.core.init import create_world
    from mailkit.servers.runtime import HostRuntime

    net.add(KOREA)
    net.add(JEJU)
    korea, jeju = net.start(KOREA), net.start(JEJU)
    assert korea.ports[25][0] == "127.0.0.4" and jeju.ports[25][0] == "127.0.0.5"
    bound = {ln.service: ln.bound for ln in jeju.listeners()}
    assert bound["sendmail"] == ("127.0.0.5",)
    assert {ln.bound for ln in korea.listeners() if ln.service == "sendmail"} == {("127.0.0.4", "127.0.0.1")}
    hosts = network.hosts(net.worlds[KOREA])
    assert hosts[JEJU]["ports"]["25"] == jeju.ports[25][1]
    jeju.stop()
    assert network.hosts(net.worlds[KOREA])[JEJU]["ports"] == {}
    alone = HostRuntime(create_world(tmp_path / "alone")).start()
    try:
        assert alone.ports[25][0] == "127.0.0.1"
        assert alone.connect_address(25)[0] == "127.0.0.1"
    finally:
        alone.stop()


def test_hostname_and_own_address_of_a_network_host(net):
    from mailkit.core import config, policy

    jeju = net.add(JEJU)
    cfg = config.load(jeju)
    assert cfg.hostname == "mail.jeju.example"
    # its own address is its loopback: presented as 127.0.0.1, which the stock access relays
    net.start(JEJU)
    addr = net.runtimes[JEJU].connect_address(25)
    import smtplib

    s = smtplib.SMTP(local_hostname="mail.jeju.example", timeout=10, source_address=("127.0.0.5", 0))
    s.connect(*addr)
    code, msg = s.ehlo()
    assert b"Hello localhost [127.0.0.1]" in msg
    assert s.mail("root@mail.jeju.example")[0] == 250
    assert s.rcpt("x@elsewhere.example")[0] == 250  # relaying for itself
    s.quit()
    # another 127.0.0.N is another machine: refused as a relay
    s = smtplib.SMTP(local_hostname="mail.korea.example", timeout=10, source_address=("127.0.0.4", 0))
    s.connect(*addr)
    s.ehlo()
    s.mail("alice@mail.korea.example")
    code, msg = s.rcpt("x@elsewhere.example")
    assert code == 550 and b"Relaying denied" in msg
    s.quit()
    assert policy is not None
