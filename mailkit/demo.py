"""`mailkit demo`: a headless tour of the mail host, for a machine without a browser."""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import tempfile

from .commands.base import Host, run
from .core.clock import SystemClock
from .core.init import create_world
from .servers.runtime import HostRuntime


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mailkit-demo-") as root:
        world = create_world(root)
        clock = SystemClock()
        rt = HostRuntime(world, clock).start()
        host = Host(world, clock, rt)
        try:
            print("$ systemctl status sendmail")
            print(run(host, ["systemctl", "status", "sendmail"]).out)
            print("--- an SMTP dialogue: alice writes to bob ---")
            def show(reply):
                code, text = reply
                lines = text.decode().split("\n")
                for i, line in enumerate(lines):
                    sep = "-" if i < len(lines) - 1 else " "
                    print(f"{code}{sep}{line}")

            with smtplib.SMTP(*rt.connect_address(25)) as s:
                show(s.ehlo())
                show(s.mail("alice@localhost"))
                show(s.rcpt("bob@localhost"))
                show(s.rcpt("friend@example.com"))
                show(s.data(b"Subject: hello\r\n\r\nHi Bob!\r\n"))
            rt.run_queue_now()
            print("\n$ mailq")
            print(run(host, ["mailq"]).out)
            if 110 in rt.ports:
                p = poplib.POP3(*rt.connect_address(110))
                p.user("bob")
                p.pass_("secret")
                print("--- POP3: bob has", p.stat()[0], "message(s) ---")
                p.quit()
            if 143 in rt.ports:
                m = imaplib.IMAP4(*rt.connect_address(143))
                m.login("bob", "secret")
                typ, data = m.select("INBOX")
                print("--- IMAP: INBOX holds", data[0].decode(), "message(s) ---")
                m.logout()
            print("\n$ tail /var/log/maillog")
            print(world.read_text("/var/log/maillog"))
        finally:
            rt.stop()
    return 0
