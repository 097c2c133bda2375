"""SMTP throughput: mailkit (durable queue + local delivery) against a bare aiosmtpd sink.

Both run in this process on free loopback ports and get the same load: N messages over M
concurrent smtplib connections. The last line is the ratio mailkit/sink (target >= 0.5).

    python benchmarks/smtp_throughput.py [--n 400] [--m 8]
"""

import argparse
import mailbox
import smtplib
import tempfile
import threading
import time

from aiosmtpd.controller import Controller

from mailkit.core.clock import SystemClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime, free_port

MESSAGE = b"Subject: bench\r\nFrom: alice@localhost\r\n\r\n" + b"x" * 500 + b"\r\n"


def load(addr, n, m):
    """Send n messages over m concurrent connections (n // m each); msgs/s of the whole run."""
    per = n // m

    def client():
        with smtplib.SMTP(*addr) as s:
            for _ in range(per):
                s.sendmail("alice@localhost", ["bob@localhost"], MESSAGE)

    threads = [threading.Thread(target=client) for _ in range(m)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per * m / (time.perf_counter() - t0)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--m", type=int, default=8)
    a = ap.parse_args()

    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    try:
        load(("127.0.0.1", sink.port), a.m, a.m)  # warm-up, not timed
        sink_rate = load(("127.0.0.1", sink.port), a.n, a.m)
    finally:
        sink.stop()

    with tempfile.TemporaryDirectory() as root:
        world = create_world(root)
        rt = HostRuntime(world, SystemClock()).start()
        try:
            load(rt.connect_address(25), a.m, a.m)  # warm-up, not timed
            warm = a.m
            mk_rate = load(rt.connect_address(25), a.n, a.m)
            want = warm + a.n // a.m * a.m
            deadline = time.time() + 60
            while time.time() < deadline and len(mailbox.mbox(world.path("/var/spool/mail/bob"))) < want:
                time.sleep(0.1)
            delivered = len(mailbox.mbox(world.path("/var/spool/mail/bob"))) - warm
        finally:
            rt.stop()
    print(f"aiosmtpd sink: {sink_rate:8.1f} msgs/s")
    print(f"mailkit:       {mk_rate:8.1f} msgs/s (queued with fsync, {delivered} delivered to the mbox)")
    print(f"ratio mailkit/sink: {mk_rate / sink_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
