"""`mailkit demo`: a headless tour of the mail host, for a machine without a browser.

A fresh world in a temporary directory, the host started on free ports, one message sent with
smtplib (the dialogue printed both ways), the queue shown, the message fetched back with
poplib and imaplib, the maillog, then everything stopped. Exit status 0 when all of it worked.
"""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import tempfile

from .commands.base import Host, run
from .core.clock import SystemClock
from .core.init import create_world
from .servers.runtime import HostRuntime


def _show(prefix: str, code: int, text: bytes) -> None:
    lines = text.decode(errors="replace").split("\n")
    for i, line in enumerate(lines):
        print(f"{prefix}{code}{'-' if i < len(lines) - 1 else ' '}{line}")


def _smtp(addr) -> None:
    s = smtplib.SMTP()
    _show("S: ", *s.connect(*addr))
    try:
        for client, call in (("EHLO localhost", lambda: s.ehlo("localhost")),
                             ("MAIL FROM:<alice@localhost>", lambda: s.mail("alice@localhost")),
                             ("RCPT TO:<bob@localhost>", lambda: s.rcpt("bob@localhost")),
                             ("RCPT TO:<nosuch@localhost>", lambda: s.rcpt("nosuch@localhost")),
                             ("RCPT TO:<friend@example.com>", lambda: s.rcpt("friend@example.com"))):
            print(f"C: {client}")
            _show("S: ", *call())
        print("C: DATA")
        print("C: Subject: hello\nC: \nC: Hi Bob!\nC: .")
        _show("S: ", *s.data(b"Subject: hello\r\n\r\nHi Bob!\r\n"))
        print("C: QUIT")
        _show("S: ", *s.quit())
    finally:
        s.close()


NEXT_STEP = ("--- next: the course ---\n"
             "bash scripts/run.sh    # opens JupyterLab on notebooks/ko/00-start-here.ipynb (English: notebooks/en/)")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mailkit-demo-") as root:
        world = create_world(root)
        clock = SystemClock()
        rt = HostRuntime(world, clock).start()
        host = Host(world, clock, rt)
        try:
            for cmd in (["systemctl", "status", "sendmail"], ["netstat", "-tlnp"]):
                print("$ " + " ".join(cmd))
                print(run(host, cmd).out)
            print(f"--- SMTP: alice writes to bob (service port 25 is {':'.join(map(str, rt.connect_address(25)))}) ---")
            _smtp(rt.connect_address(25))
            rt.wait_for_deliveries()  # bob's copy delivered, example.com's waits in the queue
            print("\n$ mailq")
            print(run(host, ["mailq"]).out)
            if 110 in rt.ports:
                p = poplib.POP3(*rt.connect_address(110), timeout=10)
                p.user("bob")
                p.pass_("secret")
                count, size = p.stat()
                print(f"--- POP3: bob has {count} message(s), {size} octets; RETR 1 ---")
                print("\n".join(ln.decode(errors="replace") for ln in p.retr(1)[1]))
                p.quit()
            if 143 in rt.ports:
                m = imaplib.IMAP4(*rt.connect_address(143), timeout=10)
                m.login("bob", "secret")
                typ, data = m.select("INBOX")
                typ, fetched = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                subject = fetched[0][1].decode(errors="replace").strip() if fetched and fetched[0] else "?"
                print(f"\n--- IMAP: INBOX holds {data[0].decode()} message(s); message 1: {subject} ---")
                m.logout()
            print("\n$ tail /var/log/maillog")
            print(world.read_text("/var/log/maillog"))
        finally:
            rt.stop()
    print(NEXT_STEP)
    return 0
