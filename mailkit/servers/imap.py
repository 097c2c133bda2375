"""The IMAP server: a thin asyncio loop around core/imapsession.ImapSession.

The loop reads a command line, collects its literals (answering "+ OK" to synchronizing
ones), hands the command to the session in a worker thread, and writes the response. IDLE
sends "* N EXISTS" when the mailbox changes, until the client says DONE.
"""

from __future__ import annotations

import asyncio
import re

from ..core.imapsession import GREETING, ImapSession
from . import pop3
from .loginlog import LoginLog
from .pop3 import _Server

MAX_LINE = 1 << 16
MAX_LITERAL = 50 * 1024 * 1024
IDLE_POLL = 0.5
INLINE = {"FETCH", "SEARCH", "NOOP", "CAPABILITY", "STORE"}
_LITERAL = re.compile(rb"\{(\d+)(\+?)\}\r?\n$")


def _login_name(words: list[str]) -> str | None:
    """The user a LOGIN command named ("LOGIN bob secret" or "LOGIN \"bob\" ..."), for the log."""
    if len(words) < 2 or not words[1]:
        return None
    name = words[1].split(" ", 1)[0]
    return name.strip('"') or None


async def serve_imap(world, clock, host: str, port: int):
    sessions: set = set()

    async def read_command(reader, writer):
        line = await reader.readline()
        if not line:
            return None, None
        if len(line) > MAX_LINE:
            raise ValueError("Command line too long.")
        text, literals = b"", []
        while True:
            m = _LITERAL.search(line)
            if not m:
                text += line.rstrip(b"\r\n")
                return text.decode("utf-8", "surrogateescape"), literals
            size = int(m.group(1))
            if size > MAX_LITERAL:
                raise ValueError("Literal too large.")
            text += line[: m.end() - len(m.group(0))] + b"{%d}" % size
            if not m.group(2):
                writer.write(b"+ OK\r\n")
                await writer.drain()
            literals.append(await reader.readexactly(size))
            line = await reader.readline()

    async def idle(session, reader, writer, tag):
        loop = asyncio.get_running_loop()
        done = asyncio.ensure_future(reader.readline())
        try:
            while True:
                finished, _ = await asyncio.wait({done}, timeout=IDLE_POLL)
                if finished:
                    break
                try:
                    news = await loop.run_in_executor(None, session.updates)
                except OSError:
                    news = b""  # the mailbox could not be read just now: try again at the next poll
                if news:
                    writer.write(news)
                    await writer.drain()
            line = done.result()
        finally:
            if not done.done():
                done.cancel()
        if line.strip().upper() == b"DONE":
            writer.write(f"{tag} OK Idle completed.\r\n".encode())
        else:
            writer.write(f"{tag} BAD Expected DONE.\r\n".encode())

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        sessions.add(writer)
        session = ImapSession(world, clock=clock)
        logins = LoginLog(world, clock, "imap", writer)
        loop = asyncio.get_running_loop()
        delay = pop3.AUTH_DELAY
        try:
            writer.write(GREETING)
            await writer.drain()
            while True:
                try:
                    text, literals = await read_command(reader, writer)
                except ValueError as e:  # the stream's limit, a huge line or literal: no sense reading on
                    reason = str(e) if str(e) in ("Literal too large.", "Command line too long.") else "Command line too long."
                    writer.write(f"* BYE {reason}\r\n".encode())
                    break
                if text is None:
                    break
                tag, _, rest = text.partition(" ")
                was_user = session.user
                word = rest.split(" ", 2)
                if session.pending_auth is not None:  # the line answers AUTHENTICATE's "+ "
                    resp = await loop.run_in_executor(None, session.continue_auth, text)
                elif not tag or not rest:
                    resp = session.untagged_bad()
                elif word[0].upper() in INLINE or (word[0].upper() == "UID" and len(word) > 1 and word[1].upper() in INLINE):
                    # read-mostly commands are quick: a thread hop would cost more than the work
                    resp = session.handle(tag, rest, literals)
                else:
                    resp = await loop.run_in_executor(None, session.handle, tag, rest, literals)
                if session.user and not was_user:
                    logins.logged_in(session.user)
                if was_user:  # Dovecot's in=/out= count what the imap process, after login, saw
                    logins.bytes_in += len(text) + 2 + sum(len(x) for x in literals)
                if session.user:
                    logins.bytes_out += len(resp.data)
                if resp.auth_failed:
                    logins.failed(_login_name(word) if word[0].upper() == "LOGIN" else None)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5)
                if resp.close:
                    logins.disconnected(session.user, logins.imap_stats())
                writer.write(resp.data)
                if writer.transport.get_write_buffer_size() > 1 << 16:
                    await writer.drain()
                if resp.idle:
                    await idle(session, reader, writer, tag)
                    await writer.drain()
                if resp.close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            try:
                await loop.run_in_executor(None, session.flush)
            except Exception:
                pass  # flags not yet written are lost, never messages
            logins.disconnected(session.user, logins.imap_stats(), quit=False)
            sessions.discard(writer)
            writer.close()

    server = await asyncio.start_server(client, host, port, limit=MAX_LINE * 2)
    return _Server(server, sessions)
