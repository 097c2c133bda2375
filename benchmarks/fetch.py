"""Fetching speed: 1,000 messages over IMAP and POP3 from mailkit, and from Dovecot when installed.

Same mailbox, same client code (imaplib, poplib), one run. Prints msgs/s for each step and,
when /usr/sbin/dovecot exists, the ratio mailkit/Dovecot on the last line (target >= 0.5).

    python benchmarks/fetch.py [--n 1000]
"""

import argparse
import imaplib
import os
import poplib
import pwd
import shutil
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

from mailkit.core.clock import SystemClock
from mailkit.core.deliver import mbox_entry
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime, free_port


def make_mbox(n: int) -> bytes:
    return b"".join(mbox_entry(f"From: alice@localhost\nTo: bob@localhost\nSubject: message {i}\n\nbody {i}\n".encode(),
                               "alice@localhost", datetime(2026, 11, 29, 9, 0, 0)) for i in range(n))


def bench(imap_addr, pop_addr, n, user="bob", pw="secret"):
    res = {}
    t = time.perf_counter()
    m = imaplib.IMAP4(*imap_addr)
    m.login(user, pw)
    m.select("INBOX")
    res["imap login+select"] = time.perf_counter() - t
    t = time.perf_counter()
    typ, data = m.fetch("1:*", "(BODY.PEEK[])")
    assert typ == "OK" and sum(isinstance(x, tuple) for x in data) == n
    res["imap FETCH 1:* (msgs/s)"] = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(1, n + 1):
        typ, data = m.fetch(str(i), "(BODY.PEEK[])")
        assert typ == "OK"
    res["imap single FETCH (msgs/s)"] = n / (time.perf_counter() - t)
    m.logout()
    p = poplib.POP3(*pop_addr)
    p.user(user)
    p.pass_(pw)
    t = time.perf_counter()
    for i in range(1, n + 1):
        p.retr(i)
    res["pop3 RETR (msgs/s)"] = n / (time.perf_counter() - t)
    p.quit()
    return res


DOVECOT_CONF = """
protocols = imap pop3
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = mbox:{d}/mail/%u:INBOX={d}/spool/%u
first_valid_uid = 1
mail_uid = {user}
mail_gid = {group}
default_internal_user = {user}
default_login_user = {user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {imap}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {pop3}
  }}
}}
"""


def run_dovecot(mbox: bytes, n: int):
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(dovecot):
        return None
    d = Path(tempfile.mkdtemp(prefix="mailkit-dovecot-"))
    user = "nobody"
    pw_ent = pwd.getpwnam(user)
    for sub in ("run", "state", "mail/bob", "spool", "home/bob"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "spool/bob").write_bytes(mbox)
    (d / "passwd").write_text("bob:{PLAIN}secret\n")
    imap_port, pop_port = free_port(), free_port()
    (d / "dovecot.conf").write_text(DOVECOT_CONF.format(d=d, user=user, group=pw_ent.pw_gid and "nogroup", imap=imap_port, pop3=pop_port))
    for p in [d] + list(d.rglob("*")):
        os.chown(p, pw_ent.pw_uid, pw_ent.pw_gid)
    os.chmod(d, 0o755)
    subprocess.run([dovecot, "-c", str(d / "dovecot.conf")], check=True)
    try:
        for _ in range(50):
            try:
                imaplib.IMAP4("127.0.0.1", imap_port).logout()
                break
            except OSError:
                time.sleep(0.1)
        return bench(("127.0.0.1", imap_port), ("127.0.0.1", pop_port), n)
    finally:
        subprocess.run([dovecot, "-c", str(d / "dovecot.conf"), "stop"], check=False)
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    n = ap.parse_args().n
    mbox = make_mbox(n)
    with tempfile.TemporaryDirectory() as root:
        world = create_world(root)
        world.path("/var/spool/mail/bob").write_bytes(mbox)
        rt = HostRuntime(world, SystemClock()).start()
        try:
            mk = bench(rt.connect_address(143), rt.connect_address(110), n)
        finally:
            rt.stop()
    try:
        dc = run_dovecot(mbox, n)
    except (subprocess.CalledProcessError, KeyError, OSError) as e:
        print(f"dovecot: could not run ({e})")
        dc = None
    for k, v in mk.items():
        line = f"{k:28} mailkit {v:10.3f}"
        if dc:
            line += f"   dovecot {dc[k]:10.3f}"
        print(line)
    if dc:
        keys = [k for k in mk if "msgs/s" in k]
        ratios = [mk[k] / dc[k] for k in keys]
        print("ratios mailkit/dovecot: " + ", ".join(f"{k.split(' (')[0]} {r:.2f}" for k, r in zip(keys, ratios)))
        print(f"ratio mailkit/dovecot (worst): {min(ratios):.2f} (target >= 0.5)")
    else:
        print("dovecot not available: no ratio")


if __name__ == "__main__":
    main()
