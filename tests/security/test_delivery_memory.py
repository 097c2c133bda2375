"""Local delivery streams the message from the queue's df file to the mailbox: a big message does
not stay in memory (sendmail's putbody() copies the df in buffer-sized pieces), the mbox entry is
byte for byte what it has always been, and a write that fails leaves the mailbox as it was."""

import errno
import os
import re
import socket
import subprocess
import sys
import textwrap
import time
from datetime import datetime

import pytest

from hypothesis import given, settings, strategies as st

from mailkit.core import config, deliver, runner
from mailkit.core.accounts import home_of
from mailkit.core.queue import Envelope, Queue
from serve_process import converse, start_host, status_kb

MB = 1 << 20
SIZE = 64 * MB
LIMIT_MB = 32  # far below the message's size


def old_mbox_entry(message: bytes, sender: str, when) -> bytes:
    """The mbox entry as core/deliver.py built it in memory before delivery streamed."""
    msg = message.replace(b"\r\n", b"\n")
    head, sep, body = msg.partition(b"\n\n")
    rp = f"Return-Path: <{sender}>\n".encode()
    if not head.lower().startswith(b"return-path:"):
        head = rp + head
    body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
    if not body.endswith(b"\n"):
        body += b"\n"
    from_line = f"From {sender or 'MAILER-DAEMON'} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()
    return from_line + head + b"\n\n" + body + b"\n"


MESSAGES = [
    b"Subject: plain\n\nhello\n",
    b"Subject: from lines\n\nFrom here\n>From there\n>>From everywhere\n From not\nFrom\nFrom",
    b"Subject: no final newline\n\nlast line",
    b"Subject: crlf\r\nX-A: b\r\n\r\nline one\r\nFrom crlf\r\n\r\n\r\nend\r\n",
    "Subject: 8bit\n\nGr\u00fc\u00dfe aus K\u00f6ln\nFrom M\u00fcnchen\n".encode("utf-8") + b"\xff\xfe raw\n",
    b"Subject: empty body\n\n",
    b"Subject: only a header\n",
    b"Return-Path: <x@y>\nSubject: has rp\n\nbody\n",
    b"Subject: gt\n\n>>>>\n>>>>From\n>>>>From x\nFro\nFrom\r\n\r\r\n\rFrom \r",
    b"Subject: blank lines\n\n\n\nFrom a\n\n",
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64 * 1024])
@pytest.mark.parametrize("i", range(len(MESSAGES)))
def test_streamed_entry_is_byte_identical_to_the_old_one(i, chunk, clock):
    data = MESSAGES[i]
    m = deliver.Message.from_bytes(data)
    got = b"".join(deliver.mbox_chunks(m, "alice@localhost", clock.now(), chunk_size=chunk))
    assert got == old_mbox_entry(data, "alice@localhost", clock.now())
    assert deliver.mbox_entry(data, "", clock.now()) == old_mbox_entry(data, "", clock.now())


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b">", b"From ", b"Fro", b"m ", b"x", b"\n\n", b"\xff"]),
                max_size=30), st.integers(0, 30), st.integers(1, 9))
def test_any_split_into_chunks_gives_the_old_entry(parts, cut, chunk):
    data = b"".join(parts)
    lead, body = data[:cut], data[cut:]
    m = deliver.Message(lead, lambda n: (body[i:i + n] for i in range(0, len(body), n)), len(body))
    when = datetime(2026, 11, 30, 9)
    assert b"".join(deliver.mbox_chunks(m, "a@b", when, chunk_size=chunk)) == old_mbox_entry(data, "a@b", when)


def test_queue_delivery_writes_the_same_bytes_as_before(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    expected = b""
    for data in MESSAGES[:5] + MESSAGES[7:]:
        e = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), data, clock)
        # the local mailer gets the sender as its rulesets leave it (core/rewrite.py)
        expected += old_mbox_entry(q.message(e), "alice@localhost.localdomain", clock.now())
    runner.run_queue(world, cfg, clock)
    assert q.entries() == []
    assert world.path("/var/spool/mail/bob").read_bytes() == expected


def test_a_failed_write_leaves_the_mailbox_as_it_was(world, clock):
    cfg = config.load(world)
    deliver.deliver_local(world, cfg, "bob", b"Subject: first\n\nkept\n", "alice@localhost", clock)
    box = world.path("/var/spool/mail/bob")
    before = box.read_bytes()

    def failing():
        yield b"x" * 100_000
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        deliver.append_mbox(box, failing(), world)
    assert box.read_bytes() == before
    # and through the delivery: a df that cannot be read any more mid-way (disk trouble)
    big = deliver.Message(b"Subject: broken\n\n", broken_body, 10 * MB)
    with pytest.raises(OSError):
        deliver.deliver_local(world, cfg, "bob", big, "alice@localhost", clock)
    assert box.read_bytes() == before


def broken_body(chunk_size):
    """A df whose reads fail after 1 MB, as a disk error would."""
    for _ in range(MB // chunk_size):
        yield b"y" * chunk_size
    raise OSError(errno.EIO, "Input/output error")


CHILD = textwrap.dedent("""
    import os, sys
    from mailkit.core import config, runner
    from mailkit.core.clock import FixedClock
    from mailkit.core.world import World

    def kb(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])

    world = World(sys.argv[1])
    cfg = config.load(world)
    clock = FixedClock()
    runner.run_queue(world, cfg, clock)  # warm-up: the small message, every code path loaded
    idle = kb("VmRSS")
    open("/proc/self/clear_refs", "w").write("5")  # VmHWM from here on
    os.rename(sys.argv[2], sys.argv[3])  # the big message's qf: now it is in the queue
    [r] = runner.run_queue(world, cfg, clock)
    assert r.delivered, r
    print(kb("VmHWM") - idle)
""")


def write_big_df(path, size):
    line = b"From the deep " + b"x" * 60 + b"\n"
    block = line * (MB // len(line))
    with open(path, "wb") as f:
        n = 0
        while n < size:
            f.write(block)
            n += len(block)
    return n


PROCMAILRC = (":0 B\n* never-in-the-body\n/dev/null\n"  # reads the body's first megabyte
              ":0\n* ^Subject: big\nbig\n")  # into ~/big, an mbox folder


@pytest.mark.parametrize("procmail", [False, True])
def test_run_queue_delivers_a_64_mb_message_in_bounded_memory(world, clock, procmail):
    cfg = config.load(world)
    home = home_of(world, "carol")
    if procmail:
        world.path(f"{home}/.procmailrc").write_text(PROCMAILRC)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), b"Subject: small\n\nwarm-up\n", clock)
    e = q.enqueue(Envelope("alice@localhost", ["carol@localhost"]), b"Subject: big\n\nx\n", clock)
    size = write_big_df(q.dir / f"df{e.qid}", SIZE)
    os.rename(q.dir / f"qf{e.qid}", q.dir / f"hold{e.qid}")
    out = subprocess.run([sys.executable, "-c", CHILD, str(world.root), str(q.dir / f"hold{e.qid}"),
                          str(q.dir / f"qf{e.qid}")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    grown_mb = int(out.stdout.split()[-1]) / 1024
    box = world.path(f"{home}/big" if procmail else "/var/spool/mail/carol")
    assert box.stat().st_size > size
    with box.open("rb") as f:
        f.seek(-200, os.SEEK_END)
        assert f.read().endswith(b"\n>From the deep " + b"x" * 60 + b"\n\n")
    assert grown_mb < LIMIT_MB, f"RSS grew by {grown_mb:.0f} MB delivering a {SIZE // MB} MB message"


def send(addr, size, rcpt):
    with socket.create_connection(addr, timeout=120) as s:
        f = s.makefile("rb")
        f.readline()
        converse(s, f, b"EHLO client")
        assert converse(s, f, b"MAIL FROM:<alice@localhost>").startswith("250")
        assert converse(s, f, b"RCPT TO:<%s@localhost>" % rcpt.encode()).startswith("250")
        assert converse(s, f, b"DATA").startswith("354")
        s.sendall(b"Subject: big\r\n\r\n")
        block = (b"From the deep " + b"x" * 60 + b"\r\n") * (MB // 76)
        sent = 0
        while sent < size:
            s.sendall(block)
            sent += len(block)
        reply = converse(s, f, b".")
        converse(s, f, b"QUIT")
        return reply, sent


def delivered(world, user, size, limit=120):
    box = world.path(f"/var/spool/mail/{user}")
    queue = world.path("/var/spool/mqueue")
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if box.exists() and box.stat().st_size >= size and not any(p.name.startswith("qf") for p in queue.iterdir()):
            return True
        time.sleep(0.05)
    return False


def test_background_delivery_of_a_64_mb_message_stays_in_bounded_memory(world):
    cf = world.path("/etc/mail/sendmail.cf").read_text()
    assert "O DeliveryMode=background" in cf  # the stock cf: delivered right after the 250
    proc, addr = start_host(world.root)
    try:
        send(addr, MB, "bob")  # warm-up: every code path loaded, delivery included
        assert delivered(world, "bob", MB)
        time.sleep(0.3)
        idle = status_kb(proc.pid, "VmRSS")
        with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
            f.write("5")
        reply, sent = send(addr, SIZE, "carol")
        assert reply.startswith("250 2.0.0 ")
        assert delivered(world, "carol", sent)
        peak = status_kb(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
    grown_mb = (peak - idle) / 1024
    assert grown_mb < LIMIT_MB, f"RSS grew by {grown_mb:.0f} MB for a {SIZE // MB} MB message"
