"""mailkit's esmtp mailer against the real sendmail 8.17 relaying the same mail: the maillog
lines (`to=..., delay=, xdelay=, mailer=esmtp, pri=, relay=..., dsn=, [reply=,] stat=...`), the
order of the recipients in them, and the DSN's words, compared line for line.

Both MTAs are named mail.korea.example, take the same five messages over SMTP from
127.0.0.1, look the same zones up (mailkit's named serves the real sendmail's DNS) and hand
them to the same scripted next hops (tests/network/sink.py):
  jeju.example  -> 127.0.0.5 accepts          (two recipients: one transaction)
  deny.example  -> 127.0.0.8 refuses (550 5.7.1 Relaying denied): a DSN
  slow.example  -> 127.0.0.9, then 127.0.0.10: both answer 451
  down.example  -> 127.0.0.11, then 127.0.0.12: nothing listens
  nosuch.jeju.example: no such name in the zone: Host unknown, a DSN
The DSNs go to alice@sender.example (127.0.0.7, accepting), where their text is read.
Values that differ by nature are masked: queue ids, delay/xdelay, dates, boundaries.
"""

from __future__ import annotations

import json
import re
import smtplib

import pytest

from mailkit.core import network
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime
from tests.rules.realsendmail import why_unavailable
from tests.waiting import wait_until

from .conftest import SOA, ZONES, free_port
from .sink import Sink

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")


def zone(origin: str, records: str) -> str:
    return f"$ORIGIN {origin}.\n$TTL 86400\n" + SOA + records


EXTRA_ZONES = {
    "sender.example": zone("sender.example", "        IN  MX    10 mx.sender.example.\nmx IN A 127.0.0.7\n"),
    "deny.example": zone("deny.example", "        IN  MX    10 mx.deny.example.\nmx IN A 127.0.0.8\n"),
    "slow.example": zone("slow.example", "        IN  MX    10 a.slow.example.\n        IN  MX    20 b.slow.example.\n"
                                         "a IN A 127.0.0.9\nb IN A 127.0.0.10\n"),
    "down.example": zone("down.example", "        IN  MX    10 a.down.example.\n        IN  MX    20 b.down.example.\n"
                                         "a IN A 127.0.0.11\nb IN A 127.0.0.12\n"),
}
SINKS = {"127.0.0.5": ("accept", "mail.jeju.example"), "127.0.0.8": ("reject", "mx.deny.example"),
         "127.0.0.9": ("tempfail", "a.slow.example"), "127.0.0.10": ("tempfail", "b.slow.example"),
         "127.0.0.7": ("accept", "mx.sender.example")}
DATA = "Subject: hi\r\n\r\nhello\r\n"
MESSAGES = [
    {"from": "alice@sender.example", "to": ["bob@jeju.example", "carol@jeju.example"], "data": DATA},
    {"from": "alice@sender.example", "to": ["bob@deny.example", "carol@deny.example"], "data": DATA},
    {"from": "alice@sender.example", "to": ["bob@slow.example", "carol@slow.example"], "data": DATA},
    {"from": "alice@sender.example", "to": ["bob@down.example"], "data": DATA},
    {"from": "alice@sender.example", "to": ["y@nosuch.jeju.example"], "data": DATA},
]
EXPECTED_TO_LINES = 1 + 2 + 4 + 1 + 1 + 2  # and the two DSNs' deliveries


def make_world(root):
    world = create_world(root)
    zones = {k: v for k, v in ZONES.items() if not k.endswith("arpa")}
    for f in world.path("/var/named").glob("*.zone"):
        f.unlink()
    for origin, text in {**zones, **EXTRA_ZONES}.items():
        world.path(f"/var/named/{origin}.zone").write_text(text)
    return world


def by_message(lines: list[str]) -> list[list[str]]:
    """The to= and DSN lines, grouped per queue id, ordered by their first line (the real
    daemon delivers the five messages in parallel processes, so their order varies)."""
    groups: dict = {}
    for ln in lines:
        m = re.match(r"(\w{14}): (.*)$", ln)
        if m and (m.group(2).startswith("to=") or ": DSN: " in m.group(2)):
            groups.setdefault(m.group(1), []).append(masked(m.group(2)))
    return sorted(groups.values())


def masked(line: str) -> str:
    """Queue ids, delay/xdelay, and the DSNs' priority masked: mailkit's DSN returns the
    header of the message (text/rfc822-headers, core/bounce.py), sendmail's the whole of it,
    so their sizes differ; the next hop's ids (SINK...) depend on the order of arrival."""
    line = re.sub(r"delay=[\d:+]+, xdelay=[\d:+]+", "delay=D, xdelay=X", line)
    line = re.sub(r"SINK\d+", "SINKID", line)
    if line.startswith("to=<alice@sender.example>"):
        line = re.sub(r"pri=\d+", "pri=P", line)
    return re.sub(r"^\w{14}: DSN", "QID: DSN", line)


def dsn_texts(transcript: list[str]) -> list[str]:
    """The human-readable part and the per-recipient fields of each DSN the sink received."""
    out, cur = [], None
    for t in transcript:
        if not t.startswith("D: "):
            continue
        line = t[3:]
        line = line[1:] if line.startswith("..") else line  # undo the dot-stuffing
        if line.startswith("   ----- The following addresses"):
            cur = []
        if cur is None:
            continue
        if line.startswith(("Final-Recipient", "X-Actual", "Action", "Status", "Remote-MTA", "Diagnostic")) \
                or not line.startswith(("--", "Content-Type", "Reporting-MTA", "Received-From", "Arrival-Date",
                                        "Last-Attempt")):
            cur.append(line)
        if line.startswith("Content-Type: message/delivery-status"):
            cur.append("--")
        if line.startswith("Content-Type: text/rfc822-headers") or line.startswith("Content-Type: message/rfc822"):
            out.append([x for x in cur if x != "Content-Type: text/rfc822-headers"])
            cur = None
    return out


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from .realrelay import run_real_relay

    world = make_world(tmp_path_factory.mktemp("real") / "world")
    return run_real_relay(world, world, {"sinks": SINKS, "messages": MESSAGES, "expect": EXPECTED_TO_LINES,
                                         "settle": 1.0})


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    d = tmp_path_factory.mktemp("ours")
    world = make_world(d / "korea")
    registry = str(d / "registry.json")
    network.join(world, registry, "mail.korea.example", "127.0.0.4")
    world.path("/etc/hostname").write_text("mail.korea.example\n")
    sinks = {addr: Sink(addr, free_port(addr), mode, name) for addr, (mode, name) in SINKS.items()}
    data = network.read_registry(registry)
    for addr in SINKS.keys() | {"127.0.0.11", "127.0.0.12"}:  # the down ones: hosts with nothing on 25
        ports = {"25": sinks[addr].port} if addr in sinks else {}
        data["hosts"][f"host-{addr}"] = {"addr": addr, "root": "", "ports": ports}
    network.write_registry(registry, data)
    rt = HostRuntime(world, FixedClock()).start()
    log_path = world.path("/var/log/maillog")
    try:
        for m in MESSAGES:
            s = smtplib.SMTP(local_hostname="client.example.com", timeout=20, source_address=("127.0.0.1", 0))
            s.connect(*rt.connect_address(25))
            s.sendmail(m["from"], m["to"], m["data"])
            s.quit()
            rt.wait_for_deliveries(30)
        assert wait_until(lambda: log_path.read_text().count(": to=") >= EXPECTED_TO_LINES, 30)
    finally:
        rt.stop()
        for sk in sinks.values():
            sk.close()
    lines = [ln.split("]: ", 1)[1] for ln in log_path.read_text().splitlines() if "]: " in ln]
    return {"log": lines, "transcripts": {a: s.transcript for a, s in sinks.items()}}


def test_to_lines_equal_the_real_sendmail(real, ours):
    theirs = by_message(real["log"])
    mine = by_message(ours["log"])
    assert len(theirs) == len(mine) == len(MESSAGES) + 2, json.dumps({"real": theirs, "mailkit": mine}, indent=1)
    diffs = [f"sendmail: {a}\nmailkit:  {b}" for ga, gb in zip(theirs, mine) for a, b in zip(ga, gb) if a != b]
    diffs += [f"lines: {ga} / {gb}" for ga, gb in zip(theirs, mine) if len(ga) != len(gb)]
    assert not diffs, "\n".join(diffs)
    flat = [x for g in mine for x in g]
    assert "to=<carol@jeju.example>,<bob@jeju.example>, delay=D, xdelay=X, mailer=esmtp, pri=60019, " \
           "relay=mail.jeju.example. [127.0.0.5], dsn=2.0.0, stat=Sent (SINKID Message accepted for delivery)" in flat


def test_next_hop_hears_the_same_dialogue(real, ours):
    for addr in ("127.0.0.5", "127.0.0.8", "127.0.0.9", "127.0.0.10"):
        theirs = [t for t in real["transcripts"][addr] if t.startswith("C: ")]
        mine = [t for t in ours["transcripts"][addr] if t.startswith("C: ")]
        assert mine == theirs, (addr, theirs, mine)


def test_dsn_words_equal_the_real_sendmail(real, ours):
    theirs = sorted(dsn_texts(real["transcripts"]["127.0.0.7"]))  # the real daemon's come in either order
    mine = sorted(dsn_texts(ours["transcripts"]["127.0.0.7"]))
    assert len(theirs) == len(mine) == 2, (theirs, mine)
    for a, b in zip(theirs, mine):
        assert b == a
    words = "\n".join(x for d in mine for x in d)
    assert "... while talking to mx.deny.example.:\n>>> DATA\n<<< 550 5.7.1 <carol@deny.example>... Relaying denied" in words
    assert "550 5.1.2 <y@nosuch.jeju.example>... Host unknown (Name server: nosuch.jeju.example: host not found)" in words
    assert "Remote-MTA: DNS; mx.deny.example" in words
