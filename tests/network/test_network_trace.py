"""A message followed across the hosts of a network, from each host's maillog (the lines
sendmail 8.17 writes for a message relayed with the esmtp mailer) and spools."""

from net_fixtures import JEJU, KOREA, MX2, made  # noqa: F401

from mailkit.core import maillog
from mailkit.core.clock import FixedClock
from mailkit.core.trace import build_network_trace, build_trace, network_hosts
from mailkit.kernel.display import TraceView

MSGID = "<hop1@korea.example>"


def relay_lines(made, clock, second=JEJU, stat_second="Sent"):
    korea, nxt = made.member(KOREA), made.member(second)
    maillog.log(korea.world, clock, f"from=<alice@korea.example>, size=300, class=0, nrcpts=1, msgid={MSGID}, "
                "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]", qid="6AT0900a004242")
    maillog.log(korea.world, clock, "to=<bob@jeju.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, "
                f"pri=120300, relay={second}. [{nxt.addr}], dsn=2.0.0, "
                "stat=Sent (6AT0900b004242 Message accepted for delivery)", qid="6AT0900a004242")
    maillog.log(nxt.world, clock, f"from=<alice@korea.example>, size=520, class=0, nrcpts=1, msgid={MSGID}, "
                "proto=ESMTP, daemon=MTA, relay=mail.korea.example [127.0.0.4]", qid="6AT0900b004242")
    if stat_second == "Sent":
        maillog.log(nxt.world, clock, "to=<bob@jeju.example>, delay=00:00:00, xdelay=00:00:00, mailer=local, "
                    "pri=30520, dsn=2.0.0, stat=Sent", qid="6AT0900b004242")
        nxt.world.path("/var/spool/mail/bob").write_text(
            "From alice@korea.example Sun Nov 29 09:00:01 2026\n"
            f"Received: from mail.korea.example by {second} id 6AT0900b004242\nMessage-ID: {MSGID}\n"
            "Subject: hop\n\nhi\n\n")
    else:
        maillog.log(nxt.world, clock, f"to=<bob@jeju.example>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, "
                    f"pri=120520, relay=mail.jeju.example., dsn=4.0.0, stat={stat_second}", qid="6AT0900b004242")


def test_two_hops_korea_then_jeju(made):
    relay_lines(made, FixedClock())
    hosts = network_hosts(made.member(JEJU).world)  # asked from any host: the same path
    assert list(hosts) == [JEJU, KOREA, MX2]
    shown, steps, hops = build_network_trace(hosts, MSGID)
    assert shown == MSGID
    assert [(h.host, h.qid) for h in hops] == [(KOREA, "6AT0900a004242"), (JEJU, "6AT0900b004242")]
    assert [(s.host, s.agent) for s in steps] == [
        (KOREA, "MUA"), (KOREA, "MTA"), (KOREA, "queue"), (KOREA, "relay"),
        (JEJU, "MTA"), (JEJU, "queue"), (JEJU, "MDA"), (JEJU, "mailbox"), (JEJU, "POP3/IMAP")]
    relay = steps[3]
    assert relay.ok and relay.what == ("passed on to mail.jeju.example. [127.0.0.5] by mailer=esmtp "
                                       "(Sent (6AT0900b004242 Message accepted for delivery))")
    assert steps[4].qid == "6AT0900b004242" and "6AT0900b004242" in steps[4].what
    assert steps[7].what == "stored in /var/spool/mail/bob (message 1)"
    assert all(s.ok for s in steps[:8]) and not steps[8].reached
    # the same from a queue id or an address on the first host
    assert [h.host for h in build_network_trace(hosts, "6AT0900a004242")[2]] == [KOREA, JEJU]
    assert [h.host for h in build_network_trace(hosts, "alice@korea.example")[2]] == [KOREA, JEJU]


def test_the_backup_mx_holds_it_when_the_primary_is_down(made):
    relay_lines(made, FixedClock(), second=MX2,
                stat_second="Deferred: Connection refused by mail.jeju.example.")
    made.member(MX2).world.path("/var/spool/mqueue/qf6AT0900b004242").write_text("V8\n")
    _, steps, hops = build_network_trace(network_hosts(made.member(KOREA).world), MSGID, lang="ko")
    assert [h.host for h in hops] == [KOREA, MX2]
    queue = next(s for s in steps if s.host == MX2 and s.agent == "queue")
    assert not queue.ok and queue.what.endswith("Deferred: Connection refused by mail.jeju.example.")
    assert steps[3].what.startswith("mx2.jeju.example. [127.0.0.6](으)로 넘김, mailer=esmtp")


def test_the_json_names_hosts_only_on_a_network(made, world):
    relay_lines(made, FixedClock())
    shown, steps, hops = build_network_trace(network_hosts(made.member(KOREA).world), MSGID)
    view = TraceView(shown, steps, hops)
    data = view.to_json()
    assert data["hops"] == [{"host": KOREA, "qid": "6AT0900a004242"}, {"host": JEJU, "qid": "6AT0900b004242"}]
    assert data["steps"][0] == {"agent": "MUA", "what": data["steps"][0]["what"], "ok": True, "reached": True,
                                "host": KOREA, "qid": "6AT0900a004242"}
    text = str(view).splitlines()
    assert text[:2] == [f"Trace of {MSGID}", "[mail.korea.example] queue id 6AT0900a004242"]
    assert "[mail.jeju.example] queue id 6AT0900b004242" in text
    # a host alone: the JSON it always had (no host, no hops)
    maillog.log(world, FixedClock(), "from=<a@localhost>, size=1, class=0, nrcpts=1, msgid=<x@localhost>, "
                "proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]", qid="6AT0900c004242")
    alone = TraceView(*build_trace(world, "<x@localhost>")).to_json()
    assert set(alone) == {"message_id", "steps"} and all(set(s) == {"agent", "what", "ok", "reached"} for s in alone["steps"])
    assert network_hosts(world) == {}


def test_the_trace_widget_follows_the_hops(made):
    from mailkit.widgets.trace import Trace

    relay_lines(made, FixedClock())
    widget = Trace(host=made.member(KOREA).host, message_id=MSGID, lang="en")
    assert [(s["host"], s["agent"]) for s in widget.steps][3:5] == [(KOREA, "relay"), (JEJU, "MTA")]
    assert widget.view.to_json()["hops"][1] == {"host": JEJU, "qid": "6AT0900b004242"}
    assert widget.drawing.value.count("6AT0900b004242</div>") == 1  # the hop's first box names it
