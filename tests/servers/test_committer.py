"""The group commit: many messages share the disk syncs; each is whole on disk before its
future says so, and one message that cannot be written does not fail the others."""

import os
import threading

import pytest

from mailkit.core.queue import Envelope, Queue, parse_qf
from mailkit.servers.committer import Committer

MSG = b"From: alice@localhost\r\nSubject: hi\r\n\r\nbody\r\n"


def test_concurrent_submissions_are_all_committed_in_batches(world, clock, monkeypatch):
    q = Queue(world, "/var/spool/mqueue")
    batches = []
    real_commit = q.commit
    monkeypatch.setattr(q, "commit", lambda batch: (batches.append(len(batch)), real_commit(batch)))
    logged = []
    c = Committer(q, after=lambda s: logged.append(s.entry.qid))
    futures, lock = [], threading.Lock()

    def session(n):
        for i in range(10):
            staged = q.stage(Envelope("alice@localhost", ["bob@localhost"]), MSG, clock)
            with lock:
                futures.append((staged.entry.qid, c.submit(staged)))

    threads = [threading.Thread(target=session, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = {qid: f.result(timeout=30) for qid, f in futures}
    c.close()
    assert len(entries) == 80 and sum(batches) == 80
    for qid, entry in entries.items():
        qf = (q.dir / f"qf{qid}").read_text()
        assert parse_qf(qid, qf).recipients == ["bob@localhost"]
        st = os.stat(q.dir / f"df{qid}")
        assert f"I{os.major(st.st_dev)}/{os.minor(st.st_dev)}/{st.st_ino}" in qf.split("\n")
        assert (q.dir / f"df{qid}").read_bytes() == b"body\n"
    assert not [n for n in os.listdir(q.dir) if n.startswith("tf")]
    assert sorted(logged) == sorted(entries)


def test_a_message_that_cannot_be_written_fails_alone(world, clock):
    q = Queue(world, "/var/spool/mqueue")
    good = [q.stage(Envelope("a@localhost", ["bob@localhost"]), MSG, clock) for _ in range(3)]
    bad = q.stage(Envelope("a@localhost", ["bob@localhost"]), MSG, clock, qid="no/such/dir")
    gate = threading.Event()
    c = Committer(q, after=lambda s: gate.wait(5))
    futs = [c.submit(s) for s in good[:1]]  # the first batch holds the thread in `after`
    futs += [c.submit(s) for s in good[1:2] + [bad] + good[2:]]  # these wait as one batch
    gate.set()
    for f in futs[:1] + futs[1:2] + futs[3:]:
        assert f.result(timeout=30).qid
    with pytest.raises(FileNotFoundError):
        futs[2].result(timeout=30)
    c.close()
    assert sorted(n for n in os.listdir(q.dir) if n.startswith("qf")) == sorted(f"qf{s.entry.qid}" for s in good)
