"""SMTP throughput: mailkit (durable queue + local delivery) against a bare aiosmtpd sink.

Both run in this process on free loopback ports and get the same load: N messages over M
concurrent smtplib connections. The last line is the ratio mailkit/sink (target >= 0.5).

    python benchmarks/smtp_throughput.py [--n 400] [--m 8] [--explain]

--explain also measures, in the same run, two variants that show where the time goes (their
lines come before the last line, which is always the real host's ratio):
  queue only       DeliveryMode=queue in sendmail.cf: the 250s without the deliveries
                   competing for the interpreter (a real setting of the host);
  ceiling          queue only with os.fsync made a no-op: NOT a mode mailkit offers, only the
                   upper bound of what the Python work allows on this machine.
"""

import argparse
import mailbox
import os
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


def run_mailkit(n, m, queue_only=False):
    """msgs/s of the real host on a fresh world; with background delivery, also how many of
    the n reached bob's mbox (the run waits for them, untimed)."""
    with tempfile.TemporaryDirectory() as root:
        world = create_world(root)
        if queue_only:
            cf = world.path("/etc/mail/sendmail.cf")
            cf.write_text(cf.read_text().replace("O DeliveryMode=background", "O DeliveryMode=queue"))
        rt = HostRuntime(world, SystemClock()).start()
        try:
            load(rt.connect_address(25), m, m)  # warm-up, not timed
            rate = load(rt.connect_address(25), n, m)
            if queue_only:
                return rate, 0
            want = m + n // m * m
            mbox = world.path("/var/spool/mail/bob")
            deadline = time.time() + 60
            while time.time() < deadline and len(mailbox.mbox(mbox)) < want:
                time.sleep(0.1)
            return rate, len(mailbox.mbox(mbox)) - m
        finally:
            rt.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--m", type=int, default=8)
    ap.add_argument("--explain", action="store_true", help="also measure queue-only and the no-fsync ceiling")
    a = ap.parse_args()

    sink = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    sink.start()
    try:
        load(("127.0.0.1", sink.port), a.m, a.m)  # warm-up, not timed
        sink_rate = load(("127.0.0.1", sink.port), a.n, a.m)
    finally:
        sink.stop()

    mk_rate, delivered = run_mailkit(a.n, a.m)
    if a.explain:
        q_rate, _ = run_mailkit(a.n, a.m, queue_only=True)
        real_fsync = os.fsync
        os.fsync = lambda fd: None
        try:
            c_rate, _ = run_mailkit(a.n, a.m, queue_only=True)
        finally:
            os.fsync = real_fsync
        print(f"queue only:    {q_rate:8.1f} msgs/s  ratio {q_rate / sink_rate:.2f}")
        print(f"ceiling:       {c_rate:8.1f} msgs/s  ratio {c_rate / sink_rate:.2f} (queue only, fsync a no-op)")
    print(f"aiosmtpd sink: {sink_rate:8.1f} msgs/s")
    print(f"mailkit:       {mk_rate:8.1f} msgs/s (queued with fsync, {delivered} delivered to the mbox)")
    print(f"ratio mailkit/sink: {mk_rate / sink_rate:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
