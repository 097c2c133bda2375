"""The POP3 server: a thin asyncio loop around core/pop3proto.Pop3Session.

Bounds (servers/limits.py, Dovecot's numbers): 3 minutes to log in and 10 to idle after,
at most `login_client_limit` connections waiting to log in (the oldest is dropped), at
most mail_max_userip_connections sessions per user and client address, and wrong passwords
answered after auth_failure_delay, spaced per client address, with the anvil penalty.
"""

from __future__ import annotations

import asyncio

from ..core import loginpolicy, maillocation, tlscert
from ..core.pop3proto import GREETING, UIDL_FORMAT, Pop3Session, err, ok
from . import limits
from .loginlog import LoginLog

QUICK = (b"RETR", b"LIST", b"UIDL", b"STAT", b"TOP ", b"DELE", b"NOOP", b"RSET")
FINAL_DRAIN = 5  # seconds the last reply (a BYE, -ERR) may take to go out before the close
USERIP_REFUSAL = "Maximum number of connections from user+IP exceeded (mail_max_userip_connections={})"


class _Server:
    """asyncio.Server plus the open sessions, so closing the service ends them too."""

    def __init__(self, server, sessions):
        self._server, self._sessions = server, sessions

    def close(self):
        """Stop listening and end the open sessions, so the port is free at once."""
        self._server.close()
        self.close_clients()

    def close_clients(self):
        for w in list(self._sessions):
            w.close()

    async def wait_closed(self):
        await self._server.wait_closed()


def dropper(writer, goodbye: bytes, why: list):
    """What the login queue calls on the oldest waiting connection: say goodbye, hang up.
    The connection's own loop then sees EOF and logs `why`."""
    def drop():
        why.append("Connection queue full")
        try:
            writer.write(goodbye)
        finally:
            writer.close()
    return drop


def userip_admission(anvil, proto: str, ip: str, lim, held: list):
    """(admit, dismiss) for one connection: count its login against mail_max_userip_connections."""
    def admit(user: str):
        if not anvil.admit(proto, user, ip, lim.mail_max_userip_connections):
            return USERIP_REFUSAL.format(lim.mail_max_userip_connections)
        held.append(user)
        return None

    def dismiss():
        while held:
            anvil.leave(proto, held.pop(), ip)
    return admit, dismiss


def _is_login(line: bytes, session: Pop3Session) -> bool:
    return session.awaiting_sasl or line[:5].upper() in (b"PASS ", b"AUTH ")


async def start_tls(reader, writer, ctx, timeout: float, logins) -> str | None:
    """Switch the connection to TLS after the OK went out: None when it is TLS now (the login
    log says so), else why it ended, in Dovecot's login-log words. What the client sent after
    its STARTTLS line in plaintext is thrown away (a command injected before the handshake must
    not run inside the TLS session), as Dovecot and sendmail do."""
    try:
        writer.transport.pause_reading()
        await limits.drain(writer, timeout)
        reader._buffer.clear()  # asyncio keeps no public way to drop what is buffered
        await writer.start_tls(ctx, ssl_handshake_timeout=timeout)
    except (OSError, asyncio.TimeoutError) as e:  # ssl.SSLError is an OSError
        return f"Connection closed: SSL_accept() failed: {tlscert.ssl_reason(e)}"
    logins.tls = True
    return None


def _is_stls(line: bytes, session: Pop3Session) -> bool:
    """STLS, with or without words after it (pop3-login ignores them), before login."""
    words = line.split(None, 1)
    return (session.state == "AUTHORIZATION" and not session.awaiting_sasl
            and bool(words) and words[0].upper() == b"STLS")


def session_settings(conf, protocol: str) -> dict:
    """What a session takes from dovecot.conf (None: CentOS's stock values) for `protocol`."""
    if conf is None:
        return {"mail_location": maillocation.STOCK, "uidl_format": UIDL_FORMAT}
    return {"mail_location": conf.get("mail_location", protocol=protocol),
            "uidl_format": conf.get("pop3_uidl_format", protocol=protocol)}


async def serve_pop3(world, clock, host: str, port: int, implicit_tls: bool = False, conf=None):
    """POP3 on host:port; with implicit_tls the connection is TLS from its first byte (995).
    `conf`: the DovecotConfig the service started with (None: CentOS's stock dovecot.conf)."""
    sessions: set = set()
    ctx, waiting, anvil = limits.listener_state(world, implicit_tls, conf)
    settings = session_settings(conf, "pop3")

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        lim = limits.current()
        sessions.add(writer)
        logins = LoginLog(world, clock, "pop3", writer)
        why: list[str] = []  # set when the server ends the connection itself
        held: list[str] = []
        admit, dismiss = userip_admission(anvil, "pop3", logins.rip, lim, held)
        policy = loginpolicy.policy_for(conf, "pop3", logins.lip, logins.rip, tls=implicit_tls)
        session = Pop3Session(world, clock, admit=admit, dismiss=dismiss,
                              starttls=ctx is not None and not implicit_tls, policy=policy, **settings)
        logins.secured = policy.secured
        secured = logins.tls = implicit_tls
        waiting.enter(writer, dropper(writer, err("Connection queue full"), why), lim.login_client_limit)
        loop = asyncio.get_running_loop()
        quiet = limits.IdleLimit()
        try:
            writer.write(GREETING)
            await limits.drain(writer, lim.login_timeout)
            while True:
                timeout = lim.pop3_autologout if session.account else lim.login_timeout
                try:
                    with quiet.limit(timeout):
                        line = await reader.readline()
                except limits.Inactive:
                    writer.write(err("Disconnected for inactivity."))
                    why.append("Inactivity")
                    break
                except ValueError:  # longer than the stream's limit: no sense in reading on
                    writer.write(err("Input line too long."))
                    break
                if not line:
                    break
                if _is_stls(line, session):  # pop3-login's own command
                    if not session.starttls:
                        writer.write(err("TLS is already active." if secured else "TLS support isn't enabled."))
                        continue
                    writer.write(ok("Begin TLS negotiation now."))
                    failed = await start_tls(reader, writer, ctx, lim.login_timeout, logins)
                    if failed:
                        why.append(failed)
                        break
                    session.starttls, secured = False, True
                    session.policy = session.policy.tls()
                    continue
                was, tried = session.account, session.user  # PASS forgets a refused USER
                if not was and _is_login(line, session):
                    wait = anvil.penalty(logins.rip, lim)  # the address failed before: slower
                    if wait:
                        await asyncio.sleep(wait)
                if session.state == "TRANSACTION" and line[:4].upper() in QUICK:
                    reply = session.handle(line)  # works on the session's snapshot: no file I/O
                else:
                    reply = await loop.run_in_executor(None, session.handle, line)
                if session.account and not was:
                    waiting.leave(writer)
                    anvil.succeeded(logins.rip)
                    logins.logged_in(session.account, session.method)
                if reply.auth_failed:
                    logins.failed(tried)
                    await asyncio.sleep(anvil.failed(logins.rip, lim))
                if reply.refused:
                    logins.refused(tried or "", reply.refused)
                if reply.close:
                    logins.disconnected(session.account, session.logout_stats())
                writer.write(reply.data)
                if writer.transport.get_write_buffer_size() > 1 << 16:
                    await limits.drain(writer, lim.pop3_autologout)
                if reply.close:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            quiet.close()
            waiting.leave(writer)
            try:
                await limits.drain(writer, FINAL_DRAIN)
            except (OSError, RuntimeError):  # OSError: a failed TLS handshake (ssl.SSLError) too
                pass
            session.release()
            reason = why[0] if why else ""
            logins.disconnected(session.account, session.logout_stats(), quit=False, reason=reason)
            sessions.discard(writer)
            writer.close()

    tls = {"ssl": ctx, "ssl_handshake_timeout": limits.current().login_timeout} if implicit_tls else {}
    server = await asyncio.start_server(client, host, port, limit=1 << 16, **tls)
    return _Server(server, sessions)
