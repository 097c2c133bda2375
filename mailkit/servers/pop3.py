"""The POP3 server: a thin asyncio loop around core/pop3proto.Pop3Session."""

from __future__ import annotations

import asyncio

from ..core.pop3proto import GREETING, Pop3Session, err
from .loginlog import LoginLog

AUTH_DELAY = 0.2  # seconds after the first failed login; doubles per failure, like Dovecot (IMAP too)
IDLE_TIMEOUT = 600
QUICK = (b"RETR", b"LIST", b"UIDL", b"STAT", b"TOP ", b"DELE", b"NOOP", b"RSET")


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


async def serve_pop3(world, clock, host: str, port: int):
    sessions: set = set()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        sessions.add(writer)
        session = Pop3Session(world, clock)
        logins = LoginLog(world, clock, "pop3", writer)
        delay = AUTH_DELAY
        loop = asyncio.get_running_loop()
        try:
            writer.write(GREETING)
            await writer.drain()
            while True:
                try:
                    line = await asyncio.wait_for(reader.readline(), IDLE_TIMEOUT)
                except asyncio.TimeoutError:
                    writer.write(err("Disconnected for inactivity."))
                    break
                except ValueError:  # longer than the stream's limit: no sense in reading on
                    writer.write(err("Input line too long."))
                    break
                if not line:
                    break
                was, tried = session.account, session.user  # PASS forgets a refused USER
                if session.state == "TRANSACTION" and line[:4].upper() in QUICK:
                    reply = session.handle(line)  # works on the session's snapshot: no file I/O
                else:
                    reply = await loop.run_in_executor(None, session.handle, line)
                if session.account and not was:
                    logins.logged_in(session.account)
                if reply.auth_failed:
                    logins.failed(tried)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5)
                if reply.close:
                    logins.disconnected(session.account, session.logout_stats())
                writer.write(reply.data)
                if writer.transport.get_write_buffer_size() > 1 << 16:
                    await writer.drain()
                if reply.close:
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            try:
                await writer.drain()
            except (ConnectionError, RuntimeError):
                pass
            session.release()
            logins.disconnected(session.account, session.logout_stats(), quit=False)
            sessions.discard(writer)
            writer.close()

    server = await asyncio.start_server(client, host, port, limit=1 << 16)
    return _Server(server, sessions)
