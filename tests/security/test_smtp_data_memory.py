"""A big message goes to the queue's df file as it arrives: the daemon's memory does not grow
with the message (sendmail's collect() writes the body to the df while it reads it)."""

import socket

from mailkit.core.queue import Queue
from serve_process import converse, start_host, status_kb

MB = 1 << 20
SIZE = 48 * MB


def send_big(addr, size):
    s = socket.create_connection(addr, timeout=120)
    f = s.makefile("rb")
    f.readline()
    converse(s, f, b"EHLO client")
    assert converse(s, f, b"MAIL FROM:<alice@localhost>").startswith("250")
    assert converse(s, f, b"RCPT TO:<bob@localhost>").startswith("250")
    assert converse(s, f, b"DATA").startswith("354")
    s.sendall(b"Subject: big\r\n\r\n")
    line = b"." + b"x" * 76 + b"\r\n"  # stuffed: every line starts with a dot
    block = line * (MB // len(line))
    sent = 0
    while sent < size:
        s.sendall(block)
        sent += len(block)
    reply = converse(s, f, b".")
    converse(s, f, b"QUIT")
    s.close()
    return reply, sent // len(line)


def test_a_48_mb_message_does_not_stay_in_the_daemons_memory(world):
    w = world
    cf = w.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text().replace("O DeliveryMode=background", "O DeliveryMode=queue"))
    proc, addr = start_host(w.root)
    try:
        send_big(addr, MB)  # warm-up: every code path loaded
        idle = status_kb(proc.pid, "VmRSS")
        reply, lines = send_big(addr, SIZE)
        peak = status_kb(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
    assert reply.startswith("250 2.0.0 ") and reply.endswith("Message accepted for delivery")
    qid = reply.split()[2]
    q = Queue(w, "/var/spool/mqueue")
    df = w.path(f"/var/spool/mqueue/df{qid}")
    assert df.stat().st_size == lines * 77  # unstuffed, LF line endings
    with df.open("rb") as fh:
        assert fh.read(77 * 2) == (b"x" * 76 + b"\n") * 2
    assert q.load(qid).body_size == lines * 77
    grown_mb = (peak - idle) / 1024
    assert grown_mb < SIZE / MB / 4, f"RSS grew by {grown_mb:.0f} MB for a {SIZE // MB} MB message"
