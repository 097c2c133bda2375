"""Mail relayed across two hosts, beside local delivery on one host: messages per second.

    python benchmarks/relay.py [--n 200] [--m 4]

Each host is its own `mailkit serve` process (a world joined to one network registry, its
own address, its own free ports):
  relay   N messages over M concurrent smtplib connections to mail.korea.example (127.0.0.4),
          alice@mail.korea.example -> bob@jeju.example: korea queues each (fsync'ed), its
          background delivery hands it over SMTP to mail.jeju.example (127.0.0.5), which queues
          it and appends it to bob's mbox.
  local   the same load to a host alone (127.0.0.1), alice@localhost -> bob@localhost.
For each: "accepted" is the rate of the SMTP load itself (250s at the first host), "delivered"
the rate from the first message sent to the last one found in bob's mbox (at jeju for relay).
The last line is the ratio relay/local of the delivered rates.
"""

from __future__ import annotations

import argparse
import mailbox
import pathlib
import re
import smtplib
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailkit.core import network  # noqa: E402
from mailkit.core.init import create_world  # noqa: E402
from tests.network.conftest import ADDRS, DOMAIN, ZONES  # noqa: E402

BODY = "x" * 500


def serve(world_dir) -> tuple[subprocess.Popen, tuple[str, int]]:
    """`mailkit serve` on a world: the process and the SMTP address it printed first."""
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--world", str(world_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    for line in proc.stdout:
        m = re.match(r"sendmail: port 25 on ([\d.]+):(\d+)", line)
        if m:
            return proc, (m.group(1), int(m.group(2)))
    raise SystemExit("mailkit serve printed no SMTP port")


def network_host(root: pathlib.Path, registry: str, name: str):
    world = create_world(root / name)
    network.join(world, registry, name, ADDRS[name])
    world.path("/etc/hostname").write_text(name + "\n")
    for f in world.path("/var/named").glob("*.zone"):
        f.unlink()
    for origin, text in ZONES.items():
        world.path(f"/var/named/{origin}.zone").write_text(text)
    world.path("/etc/mail/local-host-names").write_text(DOMAIN[name] + "\n")
    return world


def load(addr, sender, rcpt, n, m, tag):
    per = n // m

    def client(k):
        with smtplib.SMTP(*addr, timeout=60) as s:
            for i in range(per):
                s.sendmail(sender, [rcpt], f"Subject: {tag} {k}.{i}\r\n\r\n{BODY}\r\n")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(m)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return t0, per * m / (time.perf_counter() - t0), per * m


def wait_mbox(path, want, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        if path.exists() and len(mailbox.mbox(path)) >= want:
            return time.perf_counter()
        time.sleep(0.05)
    raise SystemExit(f"only {len(mailbox.mbox(path))} of {want} arrived in {path}")


def run(kind: str, n: int, m: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d)
        procs = []
        try:
            if kind == "relay":
                registry = str(root / "registry.json")
                korea = network_host(root, registry, "mail.korea.example")
                jeju = network_host(root, registry, "mail.jeju.example")
                for w in (jeju, korea):
                    procs.append(serve(w.root))
                addr = procs[1][1]
                sender, rcpt, mbox = "alice@mail.korea.example", "bob@jeju.example", jeju.path("/var/spool/mail/bob")
            else:
                alone = create_world(root / "alone")
                procs.append(serve(alone.root))
                addr = procs[0][1]
                sender, rcpt, mbox = "alice@localhost", "bob@localhost", alone.path("/var/spool/mail/bob")
            load(addr, sender, rcpt, m, m, "warm-up")
            wait_mbox(mbox, m)
            t0, accepted, sent = load(addr, sender, rcpt, n, m, "bench")
            t1 = wait_mbox(mbox, m + sent)
            return accepted, sent / (t1 - t0)
        finally:
            for p, _ in procs:
                p.terminate()
                p.wait(30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--m", type=int, default=4)
    a = ap.parse_args()
    results = {}
    for kind in ("local", "relay"):
        results[kind] = run(kind, a.n, a.m)
        acc, dlv = results[kind]
        print(f"{kind:6} accepted {acc:7.1f} msgs/s   delivered {dlv:7.1f} msgs/s   ({a.n} messages, {a.m} connections)")
    print(f"ratio relay/local (delivered): {results['relay'][1] / results['local'][1]:.2f}")


if __name__ == "__main__":
    main()
