"""The qf lock: runners in different processes never deliver one message twice, a locked job
is skipped and shown by mailq with `*`, and the lock dies with its holder."""

import mailbox
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest

from mailkit.commands.base import Host, run
from mailkit.core import config, qflock, runner
from mailkit.core.mailq import format_mailq
from mailkit.core.queue import Envelope, Queue
from mailkit.kernel.display import QueueTable

USERS = ("alice", "bob", "carol")

# a queue run in its own process, through the CLI; it starts when the parent says go
CLI_RUN = r"""
import sys
from mailkit.cli import main
print("ready", flush=True)
sys.stdin.readline()
sys.exit(main(["--world", sys.argv[1], "sendmail", "-q", "-v"]))
"""

# another process holding a qf's lock (as its runner would) until it is killed
HOLDER = r"""
import sys, time
from mailkit.core.qflock import QfLock
lock = QfLock(sys.argv[1])
print("locked" if lock.acquire() else "busy", flush=True)
time.sleep(120)
"""

PROBE = "import sys; from mailkit.core.qflock import is_locked; print(is_locked(sys.argv[1]))"


def message(n: int) -> bytes:
    return f"From: alice@localhost\nSubject: m{n}\nMessage-Id: <m{n}@localhost>\n\nbody {n}\n".encode()


def subjects(world) -> Counter:
    got = Counter()
    for user in USERS:
        p = world.path(f"/var/spool/mail/{user}")
        if p.exists():
            got.update(m["Subject"] for m in mailbox.mbox(p))
    return got


def probe(path) -> bool:
    """is_locked as another process sees it."""
    r = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip() == "True"


@pytest.fixture
def holder():
    procs = []

    def start(path):
        p = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
        procs.append(p)
        assert p.stdout.readline().strip() == "locked"
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)


def test_two_processes_running_the_queue_at_once_deliver_each_message_once(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    n = 150
    q.commit([q.stage(Envelope("alice@localhost", [f"{USERS[i % 3]}@localhost"]), message(i), clock)
              for i in range(n)])
    procs = [subprocess.Popen([sys.executable, "-c", CLI_RUN, str(world.root)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:  # both start their runs together (the CLI reads stdin to its end)
            p.stdin.write("go\n")
            p.stdin.close()
        outs = [p.stdout.read() for p in procs]
        for p in procs:
            p.wait(timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out
    ran = [[line.split("/")[-1].split()[0] for line in out.splitlines() if line.startswith("Running ")]
           for out in outs]
    # every job was attempted by exactly one of the two runs (the other skipped it)
    assert sorted(ran[0] + ran[1]) == sorted(set(ran[0]) | set(ran[1]))
    assert len(ran[0]) + len(ran[1]) == n
    got = subjects(world)
    assert got == Counter({f"m{i}": 1 for i in range(n)})
    assert q.ids() == []


def test_a_job_locked_by_another_process_is_skipped_and_shown_with_a_star(world, clock, holder):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    first = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), message(1), clock)
    second = q.enqueue(Envelope("alice@localhost", ["carol@localhost"]), message(2), clock)
    qf = q.dir / f"qf{first.qid}"
    proc = holder(qf)

    assert qflock.is_locked(qf) and not qflock.is_locked(q.dir / f"qf{second.qid}")
    h = Host(world, clock)
    out = run(h, ["mailq"]).out
    assert f"\n{first.qid}*{first.body_size:>8} Sun Nov 29 09:00 <alice@localhost>\n" in out
    assert f"\n{second.qid} {second.body_size:>8} Sun Nov 29 09:00 <alice@localhost>\n" in out
    verbose = run(h, ["mailq", "-v"]).out
    assert f"\n{first.qid}*{first.body_size:>8} {first.priority:>10} Nov 29 09:00 <alice@localhost>\n" in verbose
    # the notebook's table prints the same text as the command
    table = QueueTable.load(world, cfg.queue_dir, clock.now().tzinfo)
    assert str(table) == out
    # ... and its JSON (the JupyterLab renderer, QueueInspector) marks the same job
    assert {r["id"]: r["locked"] for r in table.to_json()["rows"]} == {first.qid: True, second.qid: False}
    from mailkit.widgets import QueueInspector
    inspector = QueueInspector(host=h)
    assert f">{first.qid}*<" in inspector.table.value and f">{second.qid}<" in inspector.table.value

    results = runner.run_queue(world, cfg, clock)
    assert [r.qid for r in results] == [second.qid]  # skipped, not an error
    assert runner.deliver_now(world, cfg, clock, cfg.queue_dir, first.qid) is None
    assert subjects(world) == Counter({"m2": 1})
    assert q.ids() == [first.qid]

    # SIGKILL: no chance to unlock, the kernel drops the lock with the process
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert not qflock.is_locked(qf)
    assert run(h, ["mailq"]).out.count(f"{first.qid} ") == 1
    [r] = runner.run_queue(world, cfg, clock)
    assert r.qid == first.qid and r.removed
    assert subjects(world) == Counter({"m1": 1, "m2": 1})
    assert q.ids() == []


def test_the_lock_outlives_other_opens_of_the_file_in_the_holding_process(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    e = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), message(1), clock)
    qf = q.dir / f"qf{e.qid}"
    with qflock.locked(qf) as got:
        assert got
        q.load(e.qid)  # opens and closes the qf: a POSIX fcntl lock would end here
        qf.read_bytes()
        assert qflock.is_locked(qf) and probe(qf)
        with qflock.locked(qf) as again:  # a second runner in this same process
            assert not again
        assert probe(qf)
    assert not qflock.is_locked(qf) and not probe(qf)


def test_a_rewritten_qf_stays_locked_and_a_removed_one_is_not_taken(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    e = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), message(1), clock)
    qf = q.dir / f"qf{e.qid}"
    lock = qflock.QfLock(qf)
    assert lock.acquire()
    waiting = qflock.QfLock(qf)
    assert not waiting.acquire(wait=0.05)
    e.message = "Deferred: test"
    runner.update(q, e, lock)  # tf written and locked, renamed over the qf
    assert q.load(e.qid).message == "Deferred: test"
    assert not (q.dir / f"tf{e.qid}").exists()
    assert probe(qf) and not waiting.acquire()
    lock.release()
    assert not probe(qf)
    # a runner that opened the qf before the holder removed it or renamed a new one over it
    # gets the lock of a file nobody will deliver again: it must not count as the job's
    fd = os.open(qf, os.O_RDONLY)
    try:
        assert qflock._names(fd, qf)
        q.update(e)  # a new qf renamed over the one open on fd
        assert not qflock._names(fd, qf)
    finally:
        os.close(fd)
    fd = os.open(qf, os.O_RDONLY)
    try:
        q.remove(e.qid)
        assert not qflock._names(fd, qf)
    finally:
        os.close(fd)
    assert not qflock.QfLock(qf).acquire() and not qflock.is_locked(qf)


def test_a_deferred_job_is_rewritten_and_let_go(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    e = q.enqueue(Envelope("alice@localhost", ["dave@example.com"]), message(1), clock)
    [r] = runner.run_queue(world, cfg, clock)
    assert r.deferred and not r.removed
    assert q.load(e.qid).tries == 1 and not qflock.is_locked(q.dir / f"qf{e.qid}")
    assert sorted(p.name for p in q.dir.iterdir()) == [f"df{e.qid}", f"qf{e.qid}"]


def test_mailq_star_keeps_the_columns(world, clock):
    q = Queue(world, "/var/spool/mqueue")
    e = q.enqueue(Envelope("user1@localhost", ["someone@example.com"]), b"Subject: s\n\n" + b"x" * 29 + b"\n", clock)
    entries, tz = q.entries(), clock.now().tzinfo
    plain = format_mailq("/var/spool/mqueue", entries, tz)
    marked = format_mailq("/var/spool/mqueue", entries, tz, locked={e.qid})
    assert marked == plain.replace(f"{e.qid} ", f"{e.qid}*")
    assert f"{e.qid}*      30 Sun Nov 29 09:00 <user1@localhost>\n" in marked
    verbose = format_mailq("/var/spool/mqueue", entries, tz, verbose=True, locked={e.qid})
    assert f"{e.qid}*      30      30042 Nov 29 09:00 <user1@localhost>\n" in verbose


def test_the_client_queue_run_skips_a_locked_job_too(world, clock, holder):
    q = Queue(world, "/var/spool/clientmqueue")
    e = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), message(1), clock)
    proc = holder(q.dir / f"qf{e.qid}")
    h = Host(world, clock)
    assert f"\n{e.qid}*" in run(h, ["mailq", "-Ac"]).out
    assert run(h, ["sendmail", "-Ac", "-q"]).out == ""  # skipped: another run has it
    assert q.load(e.qid).tries == 0
    proc.kill()
    proc.wait(timeout=10)
    # no MTA listens here: the job is tried, stays queued, and its rewritten qf is let go
    assert run(h, ["sendmail", "-Ac", "-q"]).out == f"{e.qid}: Deferred: Connection refused by [127.0.0.1]\n"
    assert q.load(e.qid).tries == 1 and not qflock.is_locked(q.dir / f"qf{e.qid}")
