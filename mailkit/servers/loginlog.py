"""Dovecot's maillog lines for POP3 and IMAP sessions, in the words of dovecot 2.2 (CentOS 7).

    dovecot: pop3-login: Login: user=<bob>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1, mpid=4360, secured
    dovecot: pop3-login: Disconnected (auth failed, 2 attempts in 1 secs): user=<bob>, method=PLAIN, rip=..., lip=..., secured
    dovecot: pop3(bob): Disconnected: Logged out top=0/0, retr=1/602, del=1/1, size=585
    dovecot: imap(bob): Disconnected: Logged out in=123 out=4567
    dovecot: imap(bob): Disconnected: Connection closed in=40 out=700   (no LOGOUT)

Dovecot syslogs without a pid. "secured" marks a connection Dovecot trusts without TLS: from
the server's own address, or from login_trusted_networks (core/loginpolicy.py).
"""

from __future__ import annotations

from ..core import maillog


class LoginLog:
    """What one POP3/IMAP connection leaves in /var/log/maillog."""

    def __init__(self, world, clock, proto: str, writer):
        self.world, self.clock, self.proto = world, clock, proto
        peer = writer.get_extra_info("peername") or ("?", 0)
        sock = writer.get_extra_info("sockname") or ("?", 0)
        self.rip, self.lip = peer[0], sock[0]
        self.started = clock.now()
        self.failures = 0
        self.tried_user: str | None = None
        self.done = False
        self.bytes_in = self.bytes_out = 0  # IMAP after login (Dovecot's %i and %o)
        self.tls = False  # set by the server once the connection is TLS: Dovecot then says "TLS"
        self.secured = self.rip == self.lip  # the server sets what its login policy says

    def imap_stats(self) -> str:
        """Dovecot 2.2's default imap_logout_format: in=%i out=%o."""
        return f"in={self.bytes_in} out={self.bytes_out}"

    def _where(self, mpid: bool = False) -> str:
        parts = [f"rip={self.rip}", f"lip={self.lip}"]
        if mpid:
            parts.append(f"mpid={self.clock.pid}")
        if self.tls:
            parts.append("TLS")
        elif self.secured:
            parts.append("secured")
        return ", ".join(parts)

    def _log(self, text: str) -> None:
        maillog.log(self.world, self.clock, text, program="dovecot", with_pid=False)

    def logged_in(self, user: str, method: str = "PLAIN") -> None:
        self._log(f"{self.proto}-login: Login: user=<{user}>, method={method}, {self._where(mpid=True)}")

    def failed(self, user: str | None) -> None:
        self.failures += 1
        self.tried_user = user or self.tried_user

    def disconnected(self, user: str | None, stats: str = "", quit: bool = True, reason: str = "") -> None:
        """At the end of the connection: the logout line, or the failed logins if any (once).

        The servers call it before they answer QUIT/LOGOUT, so a client that reads the log
        right after its logout finds the line there; quit=False for a client that went away
        without one ("Connection closed", as Dovecot says). `reason` is why the server ended
        it (Inactivity, Connection queue full, Input buffer full, Literal size too large, ...);
        a connection that never logged in is then logged even without failed logins."""
        if self.done:
            return
        self.done = True
        if user:
            why = reason or ("Logged out" if quit else "Connection closed")
            self._log(f"{self.proto}({user}): Disconnected: {why}" + (f" {stats}" if stats else ""))
        elif self.failures or reason:
            secs = int((self.clock.now() - self.started).total_seconds())
            who = f"user=<{self.tried_user}>, " if self.tried_user else ("" if self.failures else "user=<>, ")
            what = (f"auth failed, {self.failures} attempts in {secs} secs" if self.failures
                    else f"no auth attempts in {secs} secs")
            method = "method=PLAIN, " if self.failures else ""
            head = f"Disconnected: {reason} (" if reason else "Disconnected ("
            self._log(f"{self.proto}-login: {head}{what}): {who}{method}{self._where()}")

    def refused(self, user: str, reason: str) -> None:
        """A good password turned away (mail_max_userip_connections): imap-login's line."""
        if not self.done:
            self.done = True
            self._log(f"{self.proto}-login: Disconnected: {reason}: user=<{user}>, method=PLAIN, {self._where()}")
