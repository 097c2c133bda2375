"""Reading mail: mailkit's POP3/IMAP beside a real Dovecot 2.3 on the same 1,000-message mbox.

One run: the mbox is made once, mailkit serves it from a fresh world (HostRuntime in this
process, as in a notebook), then a private Dovecot (tests/dovecot.py: its own config, ports and
temp dir; Dovecot's stock mbox settings) serves a copy. Both get the same client code
(imaplib, poplib) and the same operations:

    login          connect, LOGIN, LOGOUT (IMAP), repeated           logins/s
    pop3 login     connect, USER, PASS, QUIT, repeated               logins/s
    SELECT         SELECT INBOX again and again in one session       selects/s
    FETCH 1:*      one FETCH 1:* (BODY.PEEK[])                       msgs/s
    UID FETCH x N  UID FETCH <uid> (BODY.PEEK[]) for every message   msgs/s
    FETCH x N      FETCH <seq> (BODY.PEEK[]) for every message       msgs/s
    POP3 LIST+RETR LIST, then RETR of every message                  msgs/s

and prints each rate and mailkit's rate over Dovecot's; the last line is the smallest ratio
(target >= 1.0). "first SELECT" (the server reading the mbox it has never seen) is shown in ms,
without a ratio. The machine is shared: compare ratios of one run, and repeat the run.

    python benchmarks/fetch.py [--n 1000] [--logins 40] [--selects 100]
    python benchmarks/fetch.py --n 200 --logins 10 --selects 20     # a quick look
"""

import argparse
import imaplib
import poplib
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.dovecot, run from anywhere

from mailkit.core.clock import SystemClock  # noqa: E402
from mailkit.core.deliver import mbox_entry  # noqa: E402
from mailkit.core.init import create_world  # noqa: E402
from mailkit.servers.runtime import HostRuntime  # noqa: E402
from tests import dovecot  # noqa: E402

# Dovecot's own defaults for mbox (the private test config turns lazy writes and dirty syncs off
# to see every change at once; a CentOS host runs with these)
DOVECOT_STOCK_MBOX = "mbox_lazy_writes = yes\nmbox_dirty_syncs = yes\nmbox_write_locks = dotlock fcntl\n"


def make_mbox(n: int) -> bytes:
    return b"".join(mbox_entry(f"From: alice@localhost\nTo: bob@localhost\nSubject: message {i}\n\nbody {i}\n".encode(),
                               "alice@localhost", datetime(2026, 11, 29, 9, 0, 0)) for i in range(n))


def rate(count: int, started: float) -> float:
    return count / (time.perf_counter() - started)


def bench(imap_addr, pop_addr, n, logins, selects, user="bob", pw="secret") -> dict:
    res = {}
    m = imaplib.IMAP4(*imap_addr)
    m.login(user, pw)
    t = time.perf_counter()
    typ, data = m.select("INBOX")
    res["first SELECT (ms)"] = (time.perf_counter() - t) * 1000
    assert typ == "OK" and int(data[0]) == n, (typ, data)
    t = time.perf_counter()
    for _ in range(selects):
        typ, _ = m.select("INBOX")
        assert typ == "OK"
    res["SELECT (selects/s)"] = rate(selects, t)
    t = time.perf_counter()
    typ, data = m.fetch("1:*", "(BODY.PEEK[])")
    assert typ == "OK" and sum(isinstance(x, tuple) for x in data) == n
    res["FETCH 1:* (msgs/s)"] = rate(n, t)
    typ, data = m.fetch("1:*", "(UID)")
    uids = [line.split()[-1].rstrip(b")").decode() for line in data]
    t = time.perf_counter()
    for uid in uids:
        typ, data = m.uid("FETCH", uid, "(BODY.PEEK[])")
        assert typ == "OK" and isinstance(data[0], tuple), (uid, data)
    res[f"UID FETCH x{n} (msgs/s)"] = rate(n, t)
    t = time.perf_counter()
    for i in range(1, n + 1):
        typ, data = m.fetch(str(i), "(BODY.PEEK[])")
        assert typ == "OK" and isinstance(data[0], tuple)
    res[f"FETCH x{n} (msgs/s)"] = rate(n, t)
    m.logout()
    t = time.perf_counter()
    for _ in range(logins):
        m = imaplib.IMAP4(*imap_addr)
        m.login(user, pw)
        m.logout()
    res["login (logins/s)"] = rate(logins, t)
    t = time.perf_counter()
    for _ in range(logins):
        p = poplib.POP3(*pop_addr)
        p.user(user)
        p.pass_(pw)
        p.quit()
    res["pop3 login (logins/s)"] = rate(logins, t)
    p = poplib.POP3(*pop_addr)
    p.user(user)
    p.pass_(pw)
    t = time.perf_counter()
    listed = p.list()[1]
    assert len(listed) == n
    for i in range(1, n + 1):
        p.retr(i)
    res["POP3 LIST+RETR (msgs/s)"] = rate(n, t)
    p.quit()
    return res


def run_mailkit(mbox: bytes, args) -> dict:
    with tempfile.TemporaryDirectory() as root:
        world = create_world(root)
        world.path("/var/spool/mail/bob").write_bytes(mbox)
        rt = HostRuntime(world, SystemClock()).start()
        try:
            return bench(rt.connect_address(143), rt.connect_address(110), args.n, args.logins, args.selects)
        finally:
            rt.stop()


def run_dovecot(mbox: bytes, args) -> dict:
    with dovecot.running_dovecot(users=("bob",), extra=DOVECOT_STOCK_MBOX) as d:
        d.write_mbox(mbox)
        return bench(d.address("imap"), d.address("pop3"), args.n, args.logins, args.selects)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="messages in the mbox (1,000)")
    ap.add_argument("--logins", type=int, default=40, help="logins timed per protocol (40)")
    ap.add_argument("--selects", type=int, default=100, help="SELECTs timed (100)")
    args = ap.parse_args()
    mbox = make_mbox(args.n)
    mk = run_mailkit(mbox, args)
    why = dovecot.missing()
    dc = None if why else run_dovecot(mbox, args)
    ratios = {}
    for k, v in mk.items():
        line = f"{k:28} mailkit {v:10.1f}"
        if dc:
            line += f"   dovecot {dc[k]:10.1f}"
            if "/s)" in k:
                ratios[k] = v / dc[k]
                line += f"   ratio {ratios[k]:5.2f}"
        print(line)
    if not dc:
        print(f"dovecot not available ({why}): no ratio")
        return
    worst = min(ratios, key=ratios.get)
    print(f"smallest ratio mailkit/dovecot: {ratios[worst]:.2f} ({worst.split(' (')[0]}; target >= 1.0)")


if __name__ == "__main__":
    main()
