"""Holding up under hostile load: simultaneous connects, connect/close cycles, a huge message.

Each measurement starts its own `mailkit serve` (a child process on a fresh world, free
loopback ports); this process is the load generator and reads the server's file descriptors
(/proc/PID/fd) and memory (/proc/PID/status) from outside. Every result line ends with PASS or
FAIL against its target; the last line counts them.

    python benchmarks/hold.py [--connects 1000] [--cycles 8000] [--size-mb 256] [--only NAME]

  connects  1,000 sockets opened at once to SMTP, POP3 and IMAP (one service after the other);
            each must get its first line (the greeting, or a documented refusal such as
            421 / -ERR / * BYE) within 30 s.                              target: 1000/1000
  cycles    8,000 connect / read greeting / close cycles without QUIT per service; then the
            server's open fds and RSS are compared with before, and a new client must still
            be greeted.                           target: fds +4 at most, RSS +10 MB at most
  bigmsg    one message of 256 MB over SMTP (raw socket, 998-byte lines) to bob; the server's
            peak RSS (VmHWM, reset after warm-up) until the message is delivered, against its
            idle RSS.                                                   target: < +100 MB

Loopback only; every phase is bounded in count and time.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import resource
import selectors
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mailkit.core.init import create_world

GREETING = {25: b"220 ", 110: b"+OK", 143: b"* OK"}
REFUSAL = {25: b"421 ", 110: b"-ERR", 143: b"* BYE"}
NAMES = {25: "SMTP", 110: "POP3", 143: "IMAP"}


class Server:
    """`mailkit serve` on a fresh world in a temp dir, as a child process."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="mailkit-hold-")
        self.world = create_world(Path(self.tmp.name) / "host")
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--world", str(self.world.root)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        self.ports = {}
        for line in self.proc.stdout:
            m = re.match(r"\w+: port (\d+) on ([\d.]+):(\d+)", line)
            if m:
                self.ports[int(m.group(1))] = ("127.0.0.1" if m.group(2) == "0.0.0.0" else m.group(2), int(m.group(3)))
            if {25, 110, 143} <= set(self.ports):
                break
        if not {25, 110, 143} <= set(self.ports):
            raise SystemExit(f"mailkit serve did not start: {self.ports}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def fds(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def status_kb(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        return 0

    def rss_mb(self) -> float:
        return self.status_kb("VmRSS") / 1024

    def reset_peak(self) -> bool:
        """Make VmHWM start from the current RSS (Linux >= 4.0: write 5 to clear_refs)."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def greets(self, port: int, timeout: float = 5) -> bool:
        try:
            with socket.create_connection(self.ports[port], timeout=timeout) as s:
                return s.recv(100).startswith(GREETING[port])
        except OSError:
            return False

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.tmp.cleanup()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def simultaneous(server: Server, port: int, n: int, wait: float = 30.0) -> tuple[int, int, int, float]:
    """n non-blocking connects at once; (greeted, refused, silent, seconds to the last line)."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        err = s.connect_ex(server.ports[port])
        if err not in (0, errno.EINPROGRESS):
            s.close()
            continue
        sel.register(s, selectors.EVENT_READ)
        socks.append(s)
    got: dict[socket.socket, bytes] = {}
    t0 = time.monotonic()
    last = 0.0
    while len(got) < len(socks) and time.monotonic() - t0 < wait:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                data = s.recv(512)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            got[s] = data
            sel.unregister(s)
            last = time.monotonic() - t0
    greeted = sum(1 for d in got.values() if d.startswith(GREETING[port]))
    refused = sum(1 for d in got.values() if d.startswith(REFUSAL[port]))
    for s in socks:
        s.close()
    sel.close()
    return greeted, refused, n - greeted - refused, last


def run_connects(n: int) -> list[bool]:
    results = []
    for port in (25, 110, 143):
        server = Server()
        try:
            greeted, refused, silent, last = simultaneous(server, port, n)
            ok = silent == 0
            print(f"connects {NAMES[port]}: {n} at once: {greeted} greeted, {refused} refused with a reply, "
                  f"{silent} without any reply (last line after {last:.1f} s)  target {n}/{n} answered  "
                  f"{verdict(ok)}", flush=True)
            results.append(ok)
        finally:
            server.stop()
    return results


def run_cycles(cycles: int, limit_s: float = 120.0) -> list[bool]:
    results = []
    for port in (25, 110, 143):
        server = Server()
        try:
            addr = server.ports[port]
            fds0 = server.fds()  # before any client: a warm-up that leaks counts too
            for _ in range(50):  # warm-up: the first sessions import and cache what they need
                with socket.create_connection(addr, timeout=5) as s:
                    s.recv(100)
            time.sleep(0.5)
            rss0 = server.rss_mb()
            t0 = time.monotonic()
            done = failed = 0
            while done < cycles and time.monotonic() - t0 < limit_s:
                try:
                    with socket.create_connection(addr, timeout=5) as s:
                        if not s.recv(100):
                            failed += 1
                except OSError:
                    failed += 1
                done += 1
            took = time.monotonic() - t0
            end = time.monotonic() + 5  # give the server a moment to notice the last closes
            while time.monotonic() < end and server.fds() > fds0 + 4:
                time.sleep(0.2)
            fds1, rss1 = server.fds(), server.rss_mb()
            alive = server.greets(port)
            ok = done == cycles and fds1 <= fds0 + 4 and rss1 - rss0 <= 10 and alive and failed == 0
            print(f"cycles {NAMES[port]}: {done} connect/close without QUIT in {took:.1f} s ({failed} without greeting); "
                  f"fds {fds0} -> {fds1}, RSS {rss0:.1f} -> {rss1:.1f} MB, new client greeted: {alive}  "
                  f"target fds +4, RSS +10 MB  {verdict(ok)}", flush=True)
            results.append(ok)
        finally:
            server.stop()
    return results


def run_bigmsg(size_mb: int, limit_s: float = 600.0) -> list[bool]:
    server = Server()
    try:
        addr = server.ports[25]
        with smtplib.SMTP(*addr, timeout=30) as s:  # warm-up: a small message, delivered
            s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: warm-up\r\n\r\nx\r\n")
        mbox = server.world.path("/var/spool/mail/bob")
        queue = server.world.path("/var/spool/mqueue")
        end = time.monotonic() + 10
        while time.monotonic() < end and any(p.name.startswith("qf") for p in queue.iterdir()):
            time.sleep(0.1)
        time.sleep(0.5)
        idle = server.rss_mb()
        exact = server.reset_peak()
        peak_sampled = idle
        line = b"x" * 996 + b"\r\n"  # 998 octets and CRLF: the longest line RFC 5321 allows
        chunk = line * 1024
        target = size_mb * 1024 * 1024
        t0 = time.monotonic()
        reply = b""
        with socket.create_connection(addr, timeout=limit_s) as s:
            f = s.makefile("rb")

            def answer():
                while True:
                    ln = f.readline()
                    if not ln or ln[3:4] != b"-":
                        return ln

            answer()
            s.sendall(b"EHLO hold\r\nMAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\n")
            replies = [answer() for _ in range(4)]
            if not replies[-1].startswith(b"354"):
                print(f"bigmsg: DATA refused: {replies!r}  FAIL", flush=True)
                return [False]
            s.sendall(b"Subject: big\r\n\r\n")
            sent = 0
            while sent < target and time.monotonic() - t0 < limit_s:
                s.sendall(chunk)
                sent += len(chunk)
                if sent % (16 * len(chunk)) == 0:
                    peak_sampled = max(peak_sampled, server.rss_mb())
            s.sendall(b".\r\n")
            reply = answer()
            s.sendall(b"QUIT\r\n")
        accepted = time.monotonic() - t0
        # the background delivery appends it to bob's mbox: memory counts until that is done
        while time.monotonic() - t0 < limit_s and reply.startswith(b"250"):
            peak_sampled = max(peak_sampled, server.rss_mb())
            if not any(p.name.startswith("qf") for p in queue.iterdir()):
                break
            time.sleep(0.05)
        delivered = mbox.exists() and mbox.stat().st_size >= target
        peak = max(server.status_kb("VmHWM") / 1024, peak_sampled) if exact else peak_sampled
        growth = peak - idle
        ok = reply.startswith(b"250") and delivered and growth < 100
        print(f"bigmsg: {sent / 2**20:.0f} MB message: reply {reply.strip().decode(errors='replace')[:60]!r} after "
              f"{accepted:.1f} s, delivered: {delivered}; RSS idle {idle:.1f} MB, peak {peak:.1f} MB "
              f"({'VmHWM' if exact else 'sampled'}), +{growth:.1f} MB  target < +100 MB  {verdict(ok)}", flush=True)
        return [ok]
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connects", type=int, default=1000)
    ap.add_argument("--cycles", type=int, default=8000)
    ap.add_argument("--size-mb", type=int, default=256)
    ap.add_argument("--only", choices=["connects", "cycles", "bigmsg"])
    args = ap.parse_args()
    # the client side needs a descriptor per simultaneous socket; the server inherits the same
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, 4 * args.connects + 256))
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    print(f"open files limit (client and server): {want}", flush=True)
    results = []
    if args.only in (None, "connects"):
        results += run_connects(args.connects)
    if args.only in (None, "cycles"):
        results += run_cycles(args.cycles)
    if args.only in (None, "bigmsg"):
        results += run_bigmsg(args.size_mb)
    print(f"hold: {sum(results)}/{len(results)} PASS", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
