"""A scripted next hop: an SMTP server answering with sendmail's replies, to one mode.

Used on both sides of the differential tests (inside the real sendmail's namespace, and beside
mailkit's MTA), so the MTA under test hears exactly the same replies from the next hop:
  accept    every recipient and the message ("250 2.0.0 ID Message accepted for delivery")
  reject    every recipient "550 5.7.1 <x>... Relaying denied" (DATA then "503 5.0.0 Need RCPT")
  tempfail  every recipient "451 4.3.0 <x>... Temporary failure"
`transcript` keeps what was said ("C: ...", "S: ...", "D: " for message lines).
"""

from __future__ import annotations

import socket
import threading


class Sink:
    def __init__(self, addr: str, port: int, mode: str, name: str):
        self.addr, self.mode, self.name = addr, mode, name
        self.transcript: list[str] = []
        self.accepted = 0
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind((addr, port))
        self.srv.listen(10)
        self.port = self.srv.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.srv.close()

    def _accept(self) -> None:
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c: socket.socket) -> None:
        c.settimeout(30)
        f = c.makefile("rb")
        t = self.transcript

        def say(line: str) -> None:
            t.append("S: " + line)
            c.sendall(line.encode() + b"\r\n")

        try:
            say(f"220 {self.name} ESMTP Sendmail 8.17.1.9/8.17.1.9; Sun, 29 Nov 2026 09:00:00 +0900")
            while True:
                raw = f.readline()
                if not raw:
                    return
                line = raw.decode(errors="replace").rstrip("\r\n")
                t.append("C: " + line)
                cmd = line[:4].upper()
                if cmd == "EHLO":
                    for ln in (f"250-{self.name} Hello", "250-ENHANCEDSTATUSCODES", "250-PIPELINING",
                               "250-8BITMIME", "250-SIZE", "250-DSN", "250 HELP"):
                        say(ln)
                elif cmd == "MAIL":
                    say("250 2.1.0 Sender ok")
                elif cmd == "RCPT":
                    rcpt = line.split(":", 1)[1].split()[0]
                    say({"reject": f"550 5.7.1 {rcpt}... Relaying denied",
                         "tempfail": f"451 4.3.0 {rcpt}... Temporary failure"}.get(
                        self.mode, f"250 2.1.5 {rcpt}... Recipient ok"))
                elif cmd == "DATA":
                    if self.mode != "accept":
                        say("503 5.0.0 Need RCPT (recipient)")
                        continue
                    say('354 Enter mail, end with "." on a line by itself')
                    while True:
                        d = f.readline()
                        if not d:
                            return
                        t.append("D: " + d.decode(errors="replace").rstrip("\r\n"))
                        if d in (b".\r\n", b".\n"):
                            break
                    self.accepted += 1
                    say(f"250 2.0.0 SINK{self.accepted:04d}{self.addr.split('.')[-1]} Message accepted for delivery")
                elif cmd == "QUIT":
                    say(f"221 2.0.0 {self.name} closing connection")
                    return
                elif cmd == "RSET":
                    say("250 2.0.0 Reset state")
                else:
                    say("250 2.0.0 OK")
        except OSError:
            return
        finally:
            c.close()
