"""Reading mail: mailkit's POP3/IMAP beside a real Dovecot 2.3 on the same 1,000-message mbox.

The mbox is made once; mailkit serves it from a fresh world (`mailkit serve` in a process of
its own, as Dovecot runs in its own; `--in-process`: a HostRuntime in this process, as in a
notebook, where the client and the server share one interpreter) and a private Dovecot
(tests/dovecot.py: its own config, ports and temp dir, Dovecot's stock mbox settings) serves a
copy. Both get the same client code (imaplib, poplib) and the same operations:

    login            connect, LOGIN, LOGOUT (IMAP), repeated          logins/s
    pop3 login       connect, USER, PASS, QUIT, repeated              logins/s
    SELECT           SELECT INBOX again and again in one session      selects/s
    FETCH 1:*        FETCH 1:* (BODY.PEEK[]), four times              msgs/s
    UID FETCH xN     UID FETCH <uid> (BODY.PEEK[]) for every message  msgs/s
    FETCH xN         FETCH <seq> (BODY.PEEK[]) for every message      msgs/s
    POP3 LIST+RETR   LIST, then RETR of every message                 msgs/s

Both servers run at once, and each operation is cut in blocks timed on one server, then the
other, the first changing every block: the machine is shared, and taking turns this closely
lets a burst of other work fall on both sides alike. Each operation is run `--rounds` times;
a rate is the median of its rounds, the ratio mailkit's over Dovecot's (with the lowest and
highest of the rounds), and the last line names the smallest (target >= 1.0). "first
SELECT" (a server reading the mbox it has never seen; one sample, no ratio) is shown in ms.

    python benchmarks/fetch.py [--n 1000] [--rounds 3] [--logins 40] [--selects 100] [--in-process]
    python benchmarks/fetch.py --n 200 --rounds 1 --logins 10 --selects 20     # a quick look
"""

import argparse
import imaplib
import poplib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # mailkit and tests.dovecot, run from anywhere

from mailkit.core.deliver import mbox_entry  # noqa: E402
from mailkit.core.init import create_world  # noqa: E402
from tests import dovecot  # noqa: E402

USER, PASSWORD = "bob", "secret"
SETTLE = 0.2  # seconds of rest before each timed operation
# Dovecot's own defaults for mbox (the private test config turns lazy writes and dirty syncs off
# to see every change at once; a CentOS host runs with these)
DOVECOT_STOCK_MBOX = "mbox_lazy_writes = yes\nmbox_dirty_syncs = yes\nmbox_write_locks = dotlock fcntl\n"


def make_mbox(n: int) -> bytes:
    return b"".join(mbox_entry(f"From: alice@localhost\nTo: bob@localhost\nSubject: message {i}\n\nbody {i}\n".encode(),
                               "alice@localhost", datetime(2026, 11, 29, 9, 0, 0)) for i in range(n))


def imap_session(addr):
    m = imaplib.IMAP4(*addr)
    m.login(USER, PASSWORD)
    typ, data = m.select("INBOX")
    assert typ == "OK", (typ, data)
    return m, int(data[0])


def first_select(server, n) -> float:
    """ms for the first SELECT of a mailbox the server has not read yet."""
    m = imaplib.IMAP4(*server["imap"])
    m.login(USER, PASSWORD)
    t = time.perf_counter()
    typ, data = m.select("INBOX")
    ms = (time.perf_counter() - t) * 1000
    assert typ == "OK" and int(data[0]) == n, (typ, data)
    m.logout()
    return ms


# Each operation: setup(server, args) -> (steps, close). A step is one timed call returning
# how many units (logins, SELECTs, messages) it did; close() ends the sessions, untimed.

def op_login(server, args):
    def step():
        m = imaplib.IMAP4(*server["imap"])
        m.login(USER, PASSWORD)
        m.logout()
        return 1
    return [step] * args.logins, lambda: None


def op_pop3_login(server, args):
    def step():
        p = poplib.POP3(*server["pop3"])
        p.user(USER)
        p.pass_(PASSWORD)
        p.quit()
        return 1
    return [step] * args.logins, lambda: None


def op_select(server, args):
    m, _ = imap_session(server["imap"])

    def step():
        typ, _ = m.select("INBOX")
        assert typ == "OK"
        return 1
    return [step] * args.selects, m.logout


def op_fetch_all(server, args):
    m, n = imap_session(server["imap"])

    def step():
        typ, data = m.fetch("1:*", "(BODY.PEEK[])")
        assert typ == "OK" and sum(isinstance(x, tuple) for x in data) == n
        return n
    return [step] * 4, m.logout


def op_uid_fetch(server, args):
    m, n = imap_session(server["imap"])
    typ, data = m.fetch("1:*", "(UID)")
    uids = [re.search(rb"UID (\d+)", line).group(1).decode() for line in data]

    def step(uid):
        typ, data = m.uid("FETCH", uid, "(BODY.PEEK[])")
        assert typ == "OK" and isinstance(data[0], tuple), (uid, data)
        return 1
    return [lambda u=u: step(u) for u in uids], m.logout


def op_fetch(server, args):
    m, n = imap_session(server["imap"])

    def step(i):
        typ, data = m.fetch(str(i), "(BODY.PEEK[])")
        assert typ == "OK" and isinstance(data[0], tuple)
        return 1
    return [lambda i=i: step(i) for i in range(1, n + 1)], m.logout


def op_pop3_retr(server, args):
    p = poplib.POP3(*server["pop3"])
    p.user(USER)
    p.pass_(PASSWORD)
    listed = []

    def list_all():
        listed.extend(p.list()[1])
        assert len(listed) == args.n
        return 0

    def retr(i):
        p.retr(i)
        return 1

    def close():
        p.rset()  # nothing marked read: every round reads the same mailbox
        p.quit()
    return [list_all] + [lambda i=i: retr(i) for i in range(1, args.n + 1)], close


OPERATIONS = [("login (logins/s)", op_login), ("pop3 login (logins/s)", op_pop3_login),
              ("SELECT (selects/s)", op_select), ("FETCH 1:* (msgs/s)", op_fetch_all),
              ("UID FETCH xN (msgs/s)", op_uid_fetch), ("FETCH xN (msgs/s)", op_fetch),
              ("POP3 LIST+RETR (msgs/s)", op_pop3_retr)]
BLOCKS = 10  # an operation's steps are timed in this many blocks, the servers taking turns


def interleaved(op, servers: dict, args) -> dict:
    """side -> rate of one operation, its steps run block by block on each server in turn (the
    first changing every block), so a burst of other work on the machine falls on both."""
    prepared = {side: op(server, args) for side, server in servers.items()}
    spent = {side: 0.0 for side in servers}
    done = {side: 0 for side in servers}
    total = len(next(iter(prepared.values()))[0])
    size = max(1, -(-total // BLOCKS))
    order = list(servers)
    try:
        for b, start in enumerate(range(0, total, size)):
            for side in (order if b % 2 == 0 else order[::-1]):
                steps = prepared[side][0][start : start + size]
                t = time.perf_counter()
                for step in steps:
                    done[side] += step()
                spent[side] += time.perf_counter() - t
    finally:
        for steps, close in prepared.values():
            close()
    return {side: done[side] / spent[side] for side in servers}


@contextmanager
def mailkit_server(mbox: bytes, in_process: bool):
    with tempfile.TemporaryDirectory() as root:
        world = create_world(root)
        world.path(f"/var/spool/mail/{USER}").write_bytes(mbox)
        if in_process:
            from mailkit.core.clock import SystemClock
            from mailkit.servers.runtime import HostRuntime

            rt = HostRuntime(world, SystemClock()).start()
            try:
                yield {"imap": rt.connect_address(143), "pop3": rt.connect_address(110)}
            finally:
                rt.stop()
            return
        proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--world", root],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            ports = {}
            for line in proc.stdout:  # "dovecot: port 143 on 127.0.0.1:40123"
                m = re.match(r"\S+: port (110|143) on ([\d.]+):(\d+)", line)
                if m:
                    ports["pop3" if m.group(1) == "110" else "imap"] = (m.group(2), int(m.group(3)))
                if len(ports) == 2:
                    break
            assert len(ports) == 2, f"mailkit serve named no POP3/IMAP ports: {ports}"
            yield ports
        finally:
            proc.terminate()
            proc.wait(30)


@contextmanager
def dovecot_server(mbox: bytes):
    with dovecot.running_dovecot(users=(USER,), extra=DOVECOT_STOCK_MBOX) as d:
        d.write_mbox(mbox, USER)
        yield {"imap": d.address("imap"), "pop3": d.address("pop3")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="messages in the mbox (1,000)")
    ap.add_argument("--rounds", type=int, default=3, help="times each operation is timed on each server (3)")
    ap.add_argument("--logins", type=int, default=40, help="logins timed per protocol and round (40)")
    ap.add_argument("--selects", type=int, default=100, help="SELECTs timed per round (100)")
    ap.add_argument("--in-process", action="store_true", help="mailkit's servers in this process, as in a notebook")
    args = ap.parse_args()
    mbox = make_mbox(args.n)
    why = dovecot.missing()
    if why:
        print(f"dovecot not available ({why}): no ratio")
        return
    with mailkit_server(mbox, args.in_process) as mk, dovecot_server(mbox) as dc:
        first = {"mailkit": first_select(mk, args.n), "dovecot": first_select(dc, args.n)}
        rates = {name: {"mailkit": [], "dovecot": []} for name, _ in OPERATIONS}
        for _ in range(args.rounds):
            for name, op in OPERATIONS:
                time.sleep(SETTLE)
                for side, rate in interleaved(op, {"mailkit": mk, "dovecot": dc}, args).items():
                    rates[name][side].append(rate)
    mode = "in this process" if args.in_process else "mailkit serve"
    print(f"{args.n} messages, {args.rounds} rounds, mailkit: {mode}")
    print(f"{'first SELECT (ms)':28} mailkit {first['mailkit']:10.1f}   dovecot {first['dovecot']:10.1f}")
    ratios = {}
    for name, _ in OPERATIONS:
        label = name.replace("xN", f"x{args.n}")
        mk_rate, dc_rate = (statistics.median(rates[name][s]) for s in ("mailkit", "dovecot"))
        ratios[label] = mk_rate / dc_rate
        spread = min(a / b for a, b in zip(rates[name]["mailkit"], rates[name]["dovecot"])), \
            max(a / b for a, b in zip(rates[name]["mailkit"], rates[name]["dovecot"]))
        print(f"{label:28} mailkit {mk_rate:10.1f}   dovecot {dc_rate:10.1f}   ratio {ratios[label]:5.2f}"
              f"   (rounds {spread[0]:.2f}-{spread[1]:.2f})")
    worst = min(ratios, key=ratios.get)
    print(f"smallest ratio mailkit/dovecot: {ratios[worst]:.2f} ({worst.split(' (')[0]}; target >= 1.0)")


if __name__ == "__main__":
    main()
