"""Hole 12: mail accepted before a crash or a stop goes out when the daemon starts again.

sendmail -q15m runs the queue at start, then every 15 minutes (seen on sendmail 8.17: the
queue run at `sendmail -bd -q15m` tries a job at once). Before that, the tf files a crash
left (a qf being written, never acknowledged) are removed with their df; a df with neither
qf nor tf is left in place, as sendmail leaves it.
"""

import mailbox
import os
import re
import subprocess
import sys
import time

from mailkit.commands.base import Host, run
from mailkit.core.queue import Envelope, Queue
from mailkit.servers.runtime import HostRuntime

MQUEUE = "/var/spool/mqueue"


def queue_for_bob(world, clock, subject):
    """A message on disk in the queue, as the daemon leaves one it acknowledged and then died."""
    entry = Queue(world, MQUEUE).enqueue(Envelope("alice@localhost", ["bob@localhost"]),
                                         f"Subject: {subject}\n\nhello\n".encode(), clock)
    return entry.qid


def subjects_of_bob(world):
    path = world.path("/var/spool/mail/bob")
    return [m["Subject"] for m in mailbox.mbox(path)] if path.exists() else []


def test_the_queue_runs_when_the_host_starts(world, clock):
    qid = queue_for_bob(world, clock, "waited")
    rt = HostRuntime(world, clock).start()
    try:
        assert subjects_of_bob(world) == ["waited"]  # no `sendmail -q`, no 15 minutes
        assert not world.path(f"{MQUEUE}/qf{qid}").exists()
    finally:
        rt.stop()


def test_the_queue_runs_when_systemctl_starts_sendmail(world, clock, running_host):
    host = Host(world, clock, running_host)
    assert run(host, ["systemctl", "stop", "sendmail"]).code == 0
    queue_for_bob(world, clock, "while stopped")
    assert run(host, ["systemctl", "start", "sendmail"]).code == 0
    assert subjects_of_bob(world) == ["while stopped"]


def test_the_queue_runs_when_mailkit_serve_starts(world, clock):
    queue_for_bob(world, clock, "before serve")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("MAILKIT_QUEUE_INTERVAL", None)  # the default 15 minutes: only the start run can deliver
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", str(world.root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert re.match(r"sendmail: port 25 on ", proc.stdout.readline())
        deadline = time.monotonic() + 10
        while subjects_of_bob(world) != ["before serve"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert subjects_of_bob(world) == ["before serve"]
    finally:
        proc.terminate()
        proc.wait(15)
        proc.stdout.close()


def test_a_crash_leftover_tf_goes_and_an_orphan_df_stays(world, clock):
    q = world.path(MQUEUE)
    old = time.time() - 3600
    leftovers = {"tf6AUAAAAA000001": b"V8\nT0\n", "df6AUAAAAA000001": b"never acknowledged\n",
                 "df6AUAAAAA000002": b"no qf, no tf\n"}
    for name, data in leftovers.items():
        (q / name).write_bytes(data)
        os.utime(q / name, (old, old))
    rt = HostRuntime(world, clock).start()
    try:
        left = set(os.listdir(q))
        assert "tf6AUAAAAA000001" not in left and "df6AUAAAAA000001" not in left
        assert "df6AUAAAAA000002" in left  # as sendmail: only the administrator knows what it is
    finally:
        rt.stop()
    # a tf written after the daemon started belongs to a live commit of another process: kept
    from mailkit.core.recovery import tidy_queue

    (q / "tf6AUAAAAA000003").write_bytes(b"V8\n")
    assert tidy_queue(world, MQUEUE, started=time.time() - 60).removed == []
    assert (q / "tf6AUAAAAA000003").exists()
