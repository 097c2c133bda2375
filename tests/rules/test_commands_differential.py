"""The administrator's commands of mailkit against the real sendmail 8.17, output for output:
`newaliases` (counts, a malformed line's error with file:line), `makemap -u`, `sendmail -bv`,
and the queue listings `mailq`, `mailq -v`, `mailq -Ac`, `sendmail -bp` with their "Total
requests" line. Both sides read the same aliases/access/virtusertable text files (the real
maps built by the real makemap and newaliases, RealSendmail), the same cf, the same accounts
(RealSendmail(users=True): the world's users are the real one's too).

Masks, each for a reason that is not mailkit's to fix:
- PATH: the real one's files live in its private directory (`/var/lib/mailkit-bt-x/etc/aliases`
  for `/etc/aliases`, `.../clientmqueue` for `/var/spool/clientmqueue`);
- QID and TIME: queue ids and times come from each program's own clock and pid;
- ORDER of `makemap -u`: the real one dumps a Berkeley DB hash in its hash order, mailkit's
  maps keep another order (the lines are compared as sorted lists).
Not covered: ~/.forward (the real one's users have no home directories in its namespace).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.clock import SystemClock
from mailkit.core.init import create_world

from .make_corpus import MAPS
from .realsendmail import RealSendmail, why_unavailable

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

ALIASES_EXTRA = """
staff:		alice, bob,
		carol
team:		alice,bob, "|/usr/bin/autoreply", /tmp/team.log, :include:/etc/mail/team.list
prog:		"|/usr/bin/autoreply -m hi"
archive:	/var/spool/archive/mbox
listx:		:include:/etc/mail/team.list
missing:	:include:/etc/mail/no-such.list
chain:		staff
long-one:	alice, bob, carol, ihduser, kaituser, someone@example.com, other@example.org
Mixed:		Alice
ext:		bob@example.com
staff+*:	carol
"""
TEAM_LIST = "alice\nbob@example.com\n"

BV_SINGLE = [
    "alice", "ALICE", "root", "postmaster", "mailer-daemon", "nosuch", "staff", "team", "prog",
    "archive", "listx", "missing", "chain", "long-one", "Mixed", "ext", "alice+work", "alice+a+b",
    "staff+x", "nosuch+x", "bob+x@localhost", "bob@localhost", "<bob@localhost>",
    "@localhost:alice@localhost", "\\alice", "x@remote.example", "bob@example.com",
    "alice@[127.0.0.1]", "user@relay.example", "u@err.example", "u@old.example", "info@virtual.example",
    "sales@virtual.example", "anyone@virtual.example", "x+detail@virtual.example",
    "gone@virtual.example", "bad@virtual.example", "who@other.virtual", "|/bin/true", "/tmp/x",
    ":include:/etc/mail/team.list", "a@b@c", "x@localhost/../etc", "root, bob",
]
BV_TOGETHER = [
    ["alice", "bob@example.com", "carol@example.com", "a@example.org", "ALICE", "alice+work",
     "bob@localhost", "root", "postmaster", "staff", "team", "prog", "archive", "listx", "chain",
     "nosuch", "x@remote.example", "info@virtual.example", "gone@virtual.example", "Mixed", "ext",
     "user@relay.example", "alice@[127.0.0.1]", "mailer-daemon"],
    ["|/bin/true", "nosuch"], ["u@err.example", "nosuch", "alice"], ["nosuch, bob, a@b@c"],
    ["x@localhost/../etc", "nosuch"], ["bob@example.com, alice, carol@example.com, bob@example.com"],
]
BAD_ALIASES = [
    "nocolon here\n", "\n   indented: x\n", "# note\n\tpart of the note\n", "empty:\n",
    "ok: a\nnocolon\nlater: b\n", "|prog: x\n", "user@remote.example: x\n", "a@b@c: x\n",
    "/file: x\n", "Bad Name: x\n", "alice@localhost: bob\n", "cont: a,\n   \n",
]


def make_world(root, aliases_extra: str = ALIASES_EXTRA):
    world = create_world(root)
    world.path("/etc/aliases").write_text(world.path("/etc/aliases").read_text() + aliases_extra)
    world.path("/etc/mail/team.list").write_text(TEAM_LIST)
    host = Host(world, SystemClock(), user="root")
    for name, text in MAPS.items():
        world.path(f"/etc/mail/{name}").write_text(text)
    for m in ("access", "virtusertable", "mailertable"):
        assert run(host, ["makemap", "hash", f"/etc/mail/{m}"], stdin=MAPS[m]).code == 0
    return host


def real_for(host, **kw) -> RealSendmail:
    rs = RealSendmail(host.world, users=True, **kw)
    (rs.dir / "etc" / "mail" / "team.list").write_text(TEAM_LIST)
    return rs


def unpath(text: str, rs: RealSendmail) -> str:
    """PATH mask: the real one's private directory named as the world's host path."""
    return (text.replace(f"{rs.dir}/mqueue", "/var/spool/mqueue")
            .replace(f"{rs.dir}/clientmqueue", "/var/spool/clientmqueue").replace(str(rs.dir), ""))


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    host = make_world(tmp_path_factory.mktemp("cmd") / "w")
    assert run(host, ["newaliases"]).code == 0
    rs = real_for(host)
    yield host, rs
    rs.close()


def real_bv(rs, args):
    r = rs.run_sendmail(["-bv", *args], "")
    return r.returncode, unpath(r.stdout.decode(), rs), r.stderr.decode()


def ours_bv(host, args):
    r = run(host, ["sendmail", "-bv", *args])
    return r.code, r.out, r.err


# --- newaliases ---------------------------------------------------------------------------

def test_newaliases_counts_equal(pair):
    host, rs = pair
    r = rs.run_sendmail(["-bi"], "")
    ours = run(host, ["newaliases"])
    assert (ours.code, ours.out) == (r.returncode, unpath(r.stdout.decode(), rs))
    assert "28 aliases, longest 77 bytes" in ours.out  # the lists, quotes and continuations count


@pytest.mark.parametrize("bad", BAD_ALIASES)
def test_newaliases_bad_line_reported_as_the_real_one(tmp_path, bad):
    host = make_world(tmp_path / "w", bad)
    rs = real_for(host)
    try:
        r = rs.run_sendmail(["-bi"], "")
        theirs = (r.returncode, unpath(r.stdout.decode(), rs), r.stderr.decode())
    finally:
        rs.close()
    ours = run(host, ["newaliases"])
    assert (ours.code, ours.out, ours.err) == theirs
    assert run(host, ["sendmail", "-bi"]).out == ours.out


# --- makemap -u ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["/etc/mail/access", "/etc/mail/virtusertable", "/etc/mail/mailertable", "/etc/aliases"])
def test_makemap_dump_equals_the_real_one(pair, name):
    host, rs = pair
    real_db = rs.dir / name.lstrip("/")
    r = subprocess.run([rs.makemap, "-u", "hash", str(real_db)], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    ours = run(host, ["makemap", "-u", "hash", name])
    assert ours.code == 0 and ours.err == ""
    theirs = r.stdout.decode()
    # ORDER mask: hash order against mailkit's; the lines themselves (key TAB value) are equal
    assert sorted(ours.out.splitlines()) == sorted(theirs.splitlines())
    assert ours.out.endswith("\n") and theirs.endswith("\n")


def test_makemap_dump_of_a_missing_map(pair, tmp_path):
    host, rs = pair
    r = subprocess.run([rs.makemap, "-u", "hash", str(rs.dir / "nosuch")], capture_output=True, timeout=30)
    ours = run(host, ["makemap", "-u", "hash", "/etc/mail/nosuch"])
    assert ours.code == r.returncode
    assert ours.err == unpath(r.stderr.decode(), rs).replace(" /nosuch", " /etc/mail/nosuch")


# --- sendmail -bv -------------------------------------------------------------------------

@pytest.mark.parametrize("addr", BV_SINGLE)
def test_bv_one_address(pair, addr):
    host, rs = pair
    assert ours_bv(host, [addr]) == real_bv(rs, [addr])


@pytest.mark.parametrize("args", BV_TOGETHER, ids=lambda a: " ".join(a)[:40])
def test_bv_many_addresses_in_sendmails_order(pair, args):
    host, rs = pair
    assert ours_bv(host, args) == real_bv(rs, args)


def test_bv_says_what_it_found(pair):
    host, _ = pair
    code, out, _ = ours_bv(host, ["alice+work", "user@relay.example", "prog"])
    assert code == 0 and out == (
        '"|/usr/bin/autoreply -m hi"... deliverable: mailer prog, user "|/usr/bin/autoreply -m hi"\n'
        "user@relay.example... deliverable: mailer smtp, host [mail.relay.example], user user@relay.example\n"
        "alice+work... deliverable: mailer local, host work, user alice\n")


# --- queue listings -----------------------------------------------------------------------

MSG = "Subject: hi\nFrom: alice@localhost\n\nbody\n"
# each submission a different size and recipient count: distinct priorities, so the order of
# the listing is the priority order on both sides (the real one leaves ties in directory order)
SUBMISSIONS = [
    (["-odq", "alice"], MSG),
    (["x@example.com", "root"], MSG * 3),
    (["-fbob@localhost.localdomain", "x@example.com", "y@example.org",
      "a-very-long-recipient-name-that-goes-on-and-on-and-on@some.very.long.domain.example"], MSG * 40),
    (["-fa-very-long-sender-name-that-goes-on-and-on-and-on@some.very.long.domain.example", "bob"], MSG * 7),
]


def masked(text: str) -> str:
    """QID and TIME masks: `6AUM4Mtb012427` and `Mon Nov 30 22:04` / `Nov 30 22:04`."""
    text = re.sub(r"^[0-9A-Za-z]{14}([ *])", r"QUEUE-ID-HERE\1", text, flags=re.M)
    return re.sub(r"(?:[A-Z][a-z]{2} )?[A-Z][a-z]{2} [ \d]\d \d\d:\d\d", "TIME", text)


def listings(rs, host, real_args, ours_argv, cf=None):
    r = rs.run_sendmail(real_args, "", cf=cf)
    ours = run(host, ours_argv)
    return (r.returncode, masked(unpath(r.stdout.decode(), rs))), (ours.code, masked(ours.out))


def test_client_queue_listings_equal(tmp_path):
    """`mailq -Ac` (and -v): both MSPs take the same submissions while no MTA listens on
    127.0.0.1:25 (the real one's loopback is up with nothing on it), so both queue them in
    /var/spool/clientmqueue with "Deferred: Connection refused by [127.0.0.1]"; `-odq` leaves
    one without a reason."""
    host = make_world(tmp_path / "w")
    rs = real_for(host, msp=True, loopback=True)
    try:
        for args, msg in SUBMISSIONS:
            r = rs.run_sendmail(args, msg, cf=rs.submit_cf)
            ours = run(host, ["sendmail", *args], stdin=msg)
            assert (ours.code, ours.out, ours.err) == (r.returncode, r.stdout.decode(), r.stderr.decode())
        for real_args, ours_argv in ((["-bp"], ["mailq", "-Ac"]), (["-bp", "-v"], ["mailq", "-Ac", "-v"]),
                                     (["-bp"], ["sendmail", "-Ac", "-bp"])):
            theirs, ours = listings(rs, host, real_args, ours_argv, cf=rs.submit_cf)
            assert ours == theirs, f"{ours_argv}\n{ours[1]}\n---- real:\n{theirs[1]}"
        assert "Total requests: 4\n" in ours[1] and "root\n" in ours[1]
        assert "(---:x@example.com---)" in run(host, ["mailq", "-Ac", "-v"]).out
        # a queue run of the MSP that still finds no MTA: every job deferred again, one try more
        rs.run_sendmail(["-q"], "", cf=rs.submit_cf)
        run(host, ["sendmail", "-Ac", "-q"])
        theirs, ours = listings(rs, host, ["-bp", "-v"], ["mailq", "-Ac", "-v"], cf=rs.submit_cf)
        assert ours == theirs, f"{ours[1]}\n---- real:\n{theirs[1]}"
    finally:
        rs.close()


def test_mta_queue_listings_of_the_same_queue_files_equal(tmp_path):
    """`mailq`, `mailq -v`, `sendmail -bp` of /var/spool/mqueue: mailkit's queue files (received
    messages for remote domains, deferred by a queue run, one of them old enough for the
    Timeout.queuewarn notice) copied into the real one's queue, so both list the same files: the
    real sendmail reads mailkit's qf format, and the listings (order by priority, `+` of a job
    whose warning went out, a reason cut at 60/100 columns, long addresses) are equal."""
    from mailkit.core import queue as q

    host = make_world(tmp_path / "w")
    mq = q.Queue(host.world, "/var/spool/mqueue")
    long_rcpt = "a-very-long-recipient-name-that-goes-on-and-on-and-on@some.very.long.domain.example"
    jobs = [("alice@localhost", ["x@example.com", "y@example.org"], MSG),
            ("", [long_rcpt], MSG * 5),
            ("a-very-long-sender-name-that-goes-on-and-on-and-on@some.very.long.domain.example", ["bob@example.com"], MSG * 9),
            ("carol@localhost", ["z@example.com"], MSG * 2)]
    for sender, rcpts, msg in jobs:
        mq.enqueue(q.Envelope(sender, rcpts), msg.encode(), host.clock)
    old = next(e for e in mq.entries() if e.sender == "carol@localhost")
    old.ctime -= 5 * 3600  # past Timeout.queuewarn (4h): the run sends the notice, F gets `w`
    mq.update(old)
    run(host, ["sendmail", "-q"])
    waiting = mq.entries()
    assert len(waiting) == 4 and any("w" in e.flags for e in waiting)
    rs = real_for(host)
    try:
        for f in host.world.path("/var/spool/mqueue").iterdir():
            (rs.dir / "mqueue" / f.name).write_bytes(f.read_bytes())
        for real_args, ours_argv in ((["-bp"], ["mailq"]), (["-bp", "-v"], ["mailq", "-v"]), (["-bp"], ["sendmail", "-bp"])):
            theirs, ours = listings(rs, host, real_args, ours_argv)
            assert ours == theirs, f"{ours_argv}\n{ours[1]}\n---- real:\n{theirs[1]}"
        assert "Total requests: 4\n" in ours[1]
        verbose = run(host, ["mailq", "-v"]).out
        assert re.search(r"^\S{14}  +\d+ +\d+\+", verbose, re.M), verbose  # the job whose warning went out
        assert "(Deferred: Name server: some.very.long.domain.example.: host name lookup failure)" in verbose
        reason = "Deferred: Name server: some.very.long.domain.example.: host name lookup failure"
        assert f"({reason[:60]})\n" in ours[1]  # the plain listing cuts the reason at 60 columns
    finally:
        rs.close()
