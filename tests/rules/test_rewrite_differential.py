"""Address rewriting on the way out (core/rewrite.py) against the real sendmail 8.17.

Two views of the same rules, on the stock cf and on cfs a learner would make:
- `sendmail -bt` with `/tryflags` and `/try mailer address` over a corpus of addresses for the
  esmtp, local and relay mailers, as envelope and header, sender and recipient: line for line,
  and mailkit's `rewrite.remotename` result equal to the real one's "addr =" line;
- real deliveries (tests/rules/realdelivery.py): the envelope sender and the address headers
  the real sendmail sends over SMTP (esmtp, relay) and gives its local mailer, equal to what
  `rewrite.outgoing()` makes of the same sender and header for that mailer.
The cfs: the stock one; m4-built from the stock sendmail.mc with MASQUERADE_AS(`korea.example')
and FEATURE(`masquerade_envelope'); with FEATURE(`genericstable') and a genericstable built by
makemap; the stock one with `Dj` set; and one whose esmtp mailer has F=C (the sender's domain
added to unqualified header addresses). Skipped without the real sendmail."""

from __future__ import annotations

import re

import pytest

from mailkit.commands.base import Host, run
from mailkit.commands.shell import run_line
from mailkit.core import config, rewrite, rulecache, rules
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.core.mc import host_macro_dir
from mailkit.core.packages import mark_installed

from .make_corpus import ADDRESSES
from .realdelivery import SINK_HOST, real_deliveries
from .realsendmail import why_unavailable
from .test_bt_differential import chunks, compare

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

MAILERS = ("esmtp", "local", "relay")
TRYFLAGS = {"ER": 0, "ES": rewrite.RF_SENDERADDR, "HR": rewrite.RF_HEADERADDR,
            "HS": rewrite.RF_HEADERADDR | rewrite.RF_SENDERADDR}
# what a header holds besides plain addresses: phrases, comments, groups, route-addrs
HEADER_FORMS = [
    "Bob Smith <bob>", "bob (Bob Smith)", '"Smith, Bob" <bob@example.com>', "Joe Q. Public <jqp@example.com>",
    "(c) alice (d)", "Alice <alice@localhost>", "alice@localhost.localdomain (Alice)", "undisclosed-recipients:;",
    "friends: alice, bob@example.com;", "Carol <@relay.example:carol@example.com>", '"quoted" (c) <q@example.com>',
    "MAILER-DAEMON", "Postmaster <postmaster>", "root", "root@localhost", "u@[127.0.0.1] (literal)", "h!u (bang)",
    "x <y> (z)", "Bob <bob", "very " * 30 + "<long@example.com>",
]
CORPUS = ADDRESSES + HEADER_FORMS

MAILERTABLE = "relay.test\trelay:[127.0.0.9]\n"
GENERICS = ("alice\talice.kim@korea.example\nbob@localhost.localdomain\tbob.lee@korea.example\n"
            "carol\tCarol.Park@jeju.example\n")

# Messages for the real deliveries: an envelope sender and the address headers (each message
# also gets a Subject; the real sendmail adds Received, Date, Message-Id... not compared).
SENDERS = ["alice@client.example.com", "", "alice", "bob@localhost", "carol@localhost.localdomain",
           "Alice.Smith@Example.COM", "u@[127.0.0.2]", "host!user", "x%y@localhost", "@relay.example:u@far.example",
           "MAILER-DAEMON", "root"]
HEADERS = [
    "From: alice\nTo: bob, carol (Carol C), Dave <dave>\nCc: x@y.example, \"Q, R\" <q@r.example>\n",
    "From: Alice Kim <alice@localhost.localdomain>\nReply-To: alice@LOCALHOST\nTo: bob carol dave\n",
    "From: bob@localhost (Bob)\nSender: carol\nTo: friends: alice, bob@example.com;\nBcc: hidden\n",
    "From: \"Lee, Bob\" <bob>\nTo: undisclosed-recipients:;\nErrors-To: postmaster\n",
    "From: root\nTo: " + ", ".join(f"user{i}" for i in range(12)) + "\nCc: a@b.example,\n c@d.example\n",
    "From: alice\nResent-From: bob\nResent-To: carol, dave@example.com\nResent-Sender: root\nTo: erin\n",
    "From: MAILER-DAEMON\nTo: alice@[127.0.0.1], host!user, user%remote.example@localhost\n",
    "From: carol@jeju.example\nTo: Bob <@relay.example:bob@example.com>\nApparently-To: alice\n",
    "From: (comment only) alice\nTo: <bob>\nCc: \"quoted name\" <carol>, (c) dave (d)\n",
    "From: alice@localhost.localdomain\nBcc: bob\nDisposition-Notification-To: alice\n",
    "From: Alice <alice>\nTo: " + ", ".join(f"Person Number {i} <person{i}@example.com>" for i in range(4)) + "\n",
    "From: alice\nTo: bob @ localhost, carol\n",
    # shop.example.com has its own line in the world's /etc/hosts: canonify's
    # $[ $] finds it there and keeps the name (a second name on a line would become the first)
    "From: Shop News <news@shop.example.com>\nTo: Our customers <customers@shop.example.com>\n",
]


def cases() -> list[dict]:
    """Each header with a sender (the senders taken in turn), for the local, esmtp and relay mailers."""
    out = []
    for i, head in enumerate(HEADERS * 2):
        sender = SENDERS[i % len(SENDERS)]
        out.append({"sender": f"<{sender}>", "rcpts": ["root", f"u@[{SINK_HOST}]", "v@relay.test"],
                    "message": head + f"Subject: case {i}\n\nbody {i}\n"})
    return out


def make_world(root, cf_edit=None, mc_edit=None):
    """A fresh world whose mailertable sends relay.test to the relay mailer; its cf edited by
    `cf_edit(text)`, or built by m4 (the world's own m4 command) from the sendmail.mc as
    `mc_edit(text)` leaves it, with a genericstable built by makemap."""
    world = create_world(root)
    # the real sendmail here has no DNS (its hosts come from /etc/hosts only): the world gets no
    # zones either, so a name such as korea.example is canonical on neither side
    for zone in world.path("/var/named").glob("*.zone"):
        zone.unlink()
    host = Host(world, FixedClock(), cwd="/etc/mail")
    for name, text in (("mailertable", MAILERTABLE), ("genericstable", GENERICS)):
        world.path(f"/etc/mail/{name}").write_text(text)
        r = run(host, ["makemap", "hash", f"/etc/mail/{name}"], stdin=text)
        assert r.code == 0, r.err
    if mc_edit is not None:
        mark_installed(world, "sendmail-cf")
        mc = world.path("/etc/mail/sendmail.mc")
        mc.write_text(mc_edit(mc.read_text()))
        r = run_line(host, "m4 sendmail.mc > sendmail.cf")
        assert r.code == 0, r.err
    if cf_edit is not None:
        cf = world.path("/etc/mail/sendmail.cf")
        cf.write_text(cf_edit(cf.read_text()))
    return host


def before_mailers(lines: str):
    return lambda mc: mc.replace("MAILER(smtp)dnl", lines + "MAILER(smtp)dnl", 1)


MASQUERADE = before_mailers("MASQUERADE_AS(`korea.example')dnl\nFEATURE(`masquerade_envelope')dnl\n")
GENERICSTABLE = before_mailers("FEATURE(`genericstable', `hash -o /etc/mail/genericstable.db')dnl\n"
                               "GENERICS_DOMAIN(`localhost.localdomain')dnl\nFEATURE(`masquerade_envelope')dnl\n")


def set_dj(cf: str) -> str:
    return cf.replace("#Dj$w.Foo.COM", "Djmail.korea.example", 1)


def esmtp_canonical(cf: str) -> str:
    return cf.replace("Mesmtp,\t\tP=[IPC], F=mDFMuXa,", "Mesmtp,\t\tP=[IPC], F=mDFMuXaC,", 1)


def try_corpus(addresses) -> list[str]:
    lines = []
    for f in TRYFLAGS:
        lines.append(f"/tryflags {f}")
        lines += [f"/try {m} {a}" for m in MAILERS for a in addresses]
    return lines


def check_try(host, addresses) -> int:
    """The /try corpus line for line; then each real "addr =" against rewrite.remotename."""
    lines = try_corpus(addresses)
    theirs: list[str] = []
    n, problems = compare(host, "\n".join(lines) + "\n", theirs_out=theirs)
    assert not problems, f"{len(problems)} of {n} commands differ:\n" + "\n".join(problems[:20])
    rs = rulecache.rules_for(host.world, config.load(host.world))
    flags = 0
    checked = 0
    for line, out in zip(lines, chunks(theirs[0])):
        if line.startswith("/tryflags "):
            flags = TRYFLAGS[line.split()[1]]
            continue
        _, mailer, addr = line.split(" ", 2)
        want = re.search(r"^Rcode = (\d+), addr = (.*)$", out, re.M)
        got = rewrite.remotename(rs, addr, rs.mailers[mailer], flags, rules.Env())
        assert (str(got.status), got.text) == want.groups(), line
        checked += 1
    return checked


def pick(header: str, names: set[str]) -> str:
    """The fields of `header` named in `names` (with their continuation lines), in order."""
    out, keep = [], False
    for ln in header.splitlines(keepends=True):
        if ln[:1] in (" ", "\t"):
            if keep:
                out.append(ln)
            continue
        keep = ln.split(":", 1)[0].strip().lower() in names
        if keep:
            out.append(ln)
    return "".join(out)


def check_deliveries(host, todo: list[dict]) -> int:
    """Each case delivered by the real sendmail; what each mailer got against outgoing()."""
    world = host.world
    cfg = config.load(world)
    got = real_deliveries(world, todo)
    compared = 0
    diffs = []
    for case, d in zip(todo, got):
        assert d.rc == 0, d.err
        head = case["message"].split("\n\n", 1)[0] + "\n"
        names = {ln.split(":", 1)[0].lower() for ln in head.splitlines() if ln[:1] not in (" ", "\t")}
        sender = case["sender"][1:-1]
        sent = [("local", d.local[0])] if d.local else []
        for s in d.smtp:
            sent.append(("relay" if s.rcpts[0].endswith("relay.test") else "esmtp", s))
        assert [m for m, _ in sent] == ["local", "esmtp", "relay"], (case, d)
        for mailer, s in sent:
            host_ = "relay.test" if mailer == "relay" else f"[{SINK_HOST}]" if mailer == "esmtp" else ""
            rpath, block = rewrite.outgoing(world, cfg, mailer, sender, head.encode(), host=host_)
            theirs = (s.sender, pick(s.header, names))
            ours = (rpath, pick(block.decode(), names))
            if theirs != ours:
                diffs.append(f"{mailer} {case['sender']}\n{head}  sendmail: {theirs!r}\n  mailkit:  {ours!r}")
            compared += 1
    assert not diffs, f"{len(diffs)} of {compared} differ:\n" + "\n".join(diffs[:10])
    return compared


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 60
    assert len(try_corpus(CORPUS)) >= 60 * len(MAILERS) * 4
    assert len(cases()) * len(MAILERS) >= 60


def test_try_on_the_stock_cf(tmp_path):
    host = make_world(tmp_path / "w")
    assert check_try(host, CORPUS) == len(CORPUS) * len(MAILERS) * 4


def test_deliveries_on_the_stock_cf(tmp_path):
    host = make_world(tmp_path / "w")
    assert check_deliveries(host, cases()) == len(cases()) * 3
    # what the stock cf does: unqualified names get $j; a null sender is MAILER-DAEMON for the
    # local mailer and <> over SMTP
    cfg = config.load(host.world)
    assert rewrite.outgoing(host.world, cfg, "local", "", b"To: bob\n") == (
        "MAILER-DAEMON@localhost.localdomain", b"To: bob@localhost.localdomain\n")
    assert rewrite.outgoing(host.world, cfg, "esmtp", "", b"To: bob\n")[0] == ""


needs_m4 = pytest.mark.skipif(host_macro_dir() is None, reason="sendmail-cf's macros are not installed")


@needs_m4
def test_masquerade_as_with_masquerade_envelope(tmp_path):
    host = make_world(tmp_path / "w", mc_edit=MASQUERADE)
    cf = host.world.read_text("/etc/mail/sendmail.cf")
    assert "DMkorea.example" in cf
    check_try(host, CORPUS)
    check_deliveries(host, cases())
    cfg = config.load(host.world)
    sender, block = rewrite.outgoing(host.world, cfg, "esmtp", "alice@localhost.localdomain",
                                     b"From: Alice <alice@localhost.localdomain>\nTo: bob\nSubject: x\n")
    assert sender == "alice@korea.example"
    # recipients are not masqueraded without FEATURE(`allmasquerade'): $j qualifies them
    assert block == b"From: Alice <alice@korea.example>\nTo: bob@localhost.localdomain\nSubject: x\n"
    # root is an EXPOSED_USER in the stock sendmail.mc: never masqueraded
    assert rewrite.outgoing(host.world, cfg, "esmtp", "root", b"From: root\n") == (
        "root@localhost.localdomain", b"From: root@localhost.localdomain\n")


@needs_m4
def test_genericstable(tmp_path):
    host = make_world(tmp_path / "w", mc_edit=GENERICSTABLE)
    assert "Kgenerics hash -o /etc/mail/genericstable.db" in host.world.read_text("/etc/mail/sendmail.cf")
    check_try(host, CORPUS)
    check_deliveries(host, cases())
    cfg = config.load(host.world)
    sender, block = rewrite.outgoing(host.world, cfg, "esmtp", "alice", b"From: Alice <alice>\nCc: carol\n")
    assert sender == "alice.kim@korea.example"
    assert block == b"From: Alice <alice.kim@korea.example>\nCc: carol@localhost.localdomain\n"


def test_dj_set(tmp_path):
    """A learner's `Dj` names the host: $j in the greeting and in every address the cf
    qualifies (unqualified senders and header addresses), and sendmail adds it to class w."""
    host = make_world(tmp_path / "w", cf_edit=set_dj)
    hosts = host.world.path("/etc/hosts")
    hosts.write_text(hosts.read_text() + "127.0.0.1   mail.korea.example\n")
    n, problems = compare(host, "$j\n$w\n$m\n$=w\n3,0 u@mail.korea.example\n/parse alice\n")
    assert not problems, "\n".join(problems)
    check_try(host, CORPUS)
    check_deliveries(host, cases())
    cfg = config.load(host.world)
    assert cfg.hostname == "mail.korea.example"
    assert rewrite.outgoing(host.world, cfg, "esmtp", "alice", b"To: bob\n") == (
        "alice@mail.korea.example", b"To: bob@mail.korea.example\n")


def test_sender_domain_added_for_a_mailer_with_flag_C(tmp_path):
    """F=C on the sender's mailer: unqualified header addresses get the sender's domain."""
    host = make_world(tmp_path / "w", cf_edit=esmtp_canonical)
    check_deliveries(host, cases())
    cfg = config.load(host.world)
    block = rewrite.outgoing(host.world, cfg, "esmtp", "x@client.example.com", b"To: bob, carol@far.example\n")[1]
    assert block == b"To: bob@client.example.com, carol@far.example\n"
