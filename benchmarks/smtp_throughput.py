"""SMTP throughput: mailkit against the real sendmail 8.17, with a bare aiosmtpd sink as reference.

Each server runs in its own process on a free loopback port; this process is the load
generator and gives each the same load: N messages (alice@localhost to bob@localhost) over M
concurrent smtplib connections, after an untimed warm-up.

- sink: aiosmtpd's Controller answering 250, keeping nothing (reference column);
- mailkit: `mailkit serve` on a fresh world (stock CentOS sendmail.cf, DeliveryMode background);
- sendmail: the real sendmail 8.17 (Debian sendmail-bin), `sendmail -bD` on a copy of the same
  world's cf with only its paths moved into a private root-owned directory
  (tests/rules/realsendmail.py), delivering with its local mailer, Debian's procmail, into
  /var/mail/bob of its own mount namespace (a directory of the copy).

accepted = N / time until the last 250; delivered = N / time from the first message until all N
are in bob's mbox (polled every 20 ms). Rounds alternate mailkit and sendmail, each on a fresh
world and a fresh server; the first round measures both rates, the later ones accepted only
(their servers are stopped after the last 250: sendmail's pending procmails would otherwise
load the next rounds). The last line is mailkit over sendmail, the accepted ratio the median
of the rounds' ratios:

    accepted x.xx (target 2.0) delivered x.xx (target 5.0)

    python benchmarks/smtp_throughput.py [--n 400] [--m 8] [--rounds 3]
"""

import argparse
import mailbox
import os
import shutil
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "tests" / "rules"))

from mailkit.core.init import create_world  # noqa: E402
from mailkit.servers.runtime import free_port  # noqa: E402
from serve_process import start_host  # noqa: E402
from realsendmail import RealSendmail, why_unavailable  # noqa: E402

MESSAGE = b"Subject: bench\r\nFrom: alice@localhost\r\n\r\n" + b"x" * 500 + b"\r\n"

SINK = """
import sys, time
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"""


def load(addr, n, m):
    """Send n messages over m concurrent connections (n // m each); (seconds, t0)."""
    per = n // m

    def client():
        with smtplib.SMTP(*addr, timeout=60) as s:
            for _ in range(per):
                s.sendmail("alice@localhost", ["bob@localhost"], MESSAGE)

    threads = [threading.Thread(target=client) for _ in range(m)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, t0


def count(mbox: Path) -> int:
    try:
        return len(mailbox.mbox(str(mbox)))
    except (FileNotFoundError, mailbox.Error):
        return 0


def wait_delivered(mbox: Path, want: int, t0: float, limit: float = 300) -> tuple[int, float]:
    """(how many are in mbox, seconds from t0 until `want` were there or the limit ran out)."""
    deadline = time.time() + limit
    got = count(mbox)
    while got < want and time.time() < deadline:
        time.sleep(0.02)
        got = count(mbox)
    return got, time.perf_counter() - t0


def wait_port(port: int, proc, what: str) -> None:
    import socket
    for _ in range(400):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port}")


def run_sink(n, m):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        load(("127.0.0.1", port), m, m)
        secs, _ = load(("127.0.0.1", port), n, m)
        return n / secs, None
    finally:
        proc.stdin.close()
        proc.wait(10)


def run_mailkit(n, m, root: Path, delivery: bool = True):
    world = create_world(root)
    proc, addr = start_host(root)
    try:
        mbox = world.path("/var/spool/mail/bob")
        load(addr, m, m)
        wait_delivered(mbox, m, time.perf_counter(), 60)
        base = count(mbox)
        secs, t0 = load(addr, n, m)
        if not delivery:
            return n / secs, None, None
        got, dsecs = wait_delivered(mbox, base + n, t0)
        return n / secs, (got - base) / dsecs, got - base
    finally:
        proc.terminate()
        proc.wait(30)


def run_sendmail(n, m, root: Path, delivery: bool = True):
    world = create_world(root)
    rs = RealSendmail(world, users=True)
    port = free_port()
    proc = rs.daemon(port)
    try:
        wait_port(port, proc, "sendmail -bD")
        mbox = rs.dir / "mail" / "bob"
        load(("127.0.0.1", port), m, m)
        wait_delivered(mbox, m, time.perf_counter(), 60)
        base = count(mbox)
        secs, t0 = load(("127.0.0.1", port), n, m)
        if not delivery:
            return n / secs, None, None
        got, dsecs = wait_delivered(mbox, base + n, t0)
        return n / secs, (got - base) / dsecs, got - base
    finally:
        proc.terminate()
        proc.wait(30)
        try:  # its delivery children too (its process group, see RealSendmail.daemon)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        rs.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--m", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    why = why_unavailable()
    if why or shutil.which("procmail") is None:
        sys.exit(f"smtp_throughput: needs the real sendmail and procmail: {why or 'procmail is not installed'}")
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sink, _ = run_sink(a.n, a.m)
        rows.append(("sink", 1, sink, None, None))
        for r in range(1, max(1, a.rounds) + 1):
            first = r == 1
            mk = run_mailkit(a.n, a.m, root / f"mailkit-{r}", delivery=first)
            sm = run_sendmail(a.n, a.m, root / f"sendmail-{r}", delivery=first)
            rows += [("mailkit", r, *mk), ("sendmail", r, *sm)]
            ratios.append(mk[0] / sm[0])
            if first:
                delivered = mk[1] / sm[1]
    print(f"{'server':<10} {'round':>5} {'accepted msgs/s':>16} {'delivered msgs/s':>17} {'in mbox':>8}")
    for name, r, acc, dlv, got in rows:
        dlv_text = "-" if dlv is None else f"{dlv:.1f}"
        print(f"{name:<10} {r:>5} {acc:16.1f} {dlv_text:>17} {'-' if got is None else got:>8}")
    print("accepted ratio per round: " + " ".join(f"{x:.2f}" for x in ratios))
    print(f"accepted {statistics.median(ratios):.2f} (target 2.0) delivered {delivered:.2f} (target 5.0)")


if __name__ == "__main__":
    main()
