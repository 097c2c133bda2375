"""The IMAP server: a thin asyncio loop around core/imapsession.ImapSession.

The loop reads a command line, collects its literals (answering "+ OK" to synchronizing
ones), hands the command to the session in a worker thread, and writes the response. IDLE
sends "* N EXISTS" when the mailbox changes, until the client says DONE.

What a client may send is bounded as Dovecot 2.3 bounds it (servers/limits.py for the rest):
- before login (imap-login), a line of at most PREAUTH_MAX_LINE bytes ("* BYE Input buffer
  full, aborting") and a command with its literals under PREAUTH_MAX_COMMAND ("* BYE Literal
  size too large"), both refused before the data is read;
- after login, a line of at most MAX_LINE (imap_max_line_length, 64k: "BAD Error in IMAP
  command X: Too long argument.", the session goes on), a command with its literals of at most
  MAX_LINE but for APPEND, whose literals may total MAX_APPEND ("* BYE Literal size too large").
"""

from __future__ import annotations

import asyncio
import re

from ..core import loginpolicy, maillog
from ..core.imapsession import ImapSession, greeting
from . import limits
from .loginlog import LoginLog
from .pop3 import FINAL_DRAIN, USERIP_REFUSAL, _Server, dropper, session_settings, start_tls

MAX_LINE = 1 << 16  # imap_max_line_length
MAX_APPEND = 50 * 1024 * 1024  # all literals of one APPEND
PREAUTH_MAX_LINE = 1024  # imap-login's input buffer
PREAUTH_MAX_COMMAND = 8192  # imap-login: a command with its literals ("a LOGIN {8150}" passes, {8180} not)
IDLE_POLL = 0.5
INLINE = {"FETCH", "SEARCH", "NOOP", "CAPABILITY", "STORE"}
_LITERAL = re.compile(rb"\{(\d+)(\+?)\}\r?\n$")


class Refused(Exception):
    """Input past a bound: `reply` goes to the client; `close` ends the connection, with
    `reason` in the log; otherwise the command is answered and the session goes on."""

    def __init__(self, reply: bytes, close: bool = True, reason: str = ""):
        super().__init__(reason)
        self.reply, self.close, self.reason = reply, close, reason


def _login_name(words: list[str]) -> str | None:
    """The user a LOGIN command named ("LOGIN bob secret" or "LOGIN \"bob\" ..."), for the log."""
    if len(words) < 2 or not words[1]:
        return None
    name = words[1].split(" ", 1)[0]
    return name.strip('"') or None


_TAG_SPECIALS = set('(){%*"\\+')


def _valid_tag(tag: str) -> bool:
    """RFC 3501's tag: ASTRING-CHARs but "+" (printable ASCII without ( ) { % * " \\ +)."""
    return bool(tag) and all("!" <= c <= "~" and c not in _TAG_SPECIALS for c in tag)


def _tag_and_command(head: bytes) -> tuple[str, str]:
    words = head.decode("utf-8", "replace").split(" ", 3)
    tag = words[0] if words and words[0] else "*"
    cmd = words[1].upper() if len(words) > 1 else ""
    if cmd == "UID" and len(words) > 2:
        cmd = words[2].upper()
    return tag, cmd


async def read_command(reader, writer, logged_in: bool):
    """(text, literals) of the next command, (None, None) at EOF; Refused past a bound."""
    max_line = MAX_LINE if logged_in else PREAUTH_MAX_LINE
    text, literals, cmd = b"", [], None
    line_total = literal_total = 0  # the command's own text, and its literals
    while True:
        # before login an over-long line ends the connection: no need to read the rest of it
        line, length = await limits.read_line(reader, max_line + 2, None if logged_in else max_line + 2)
        if not line and not text:
            return None, None
        if cmd is None:
            tag, cmd = _tag_and_command(line[:200])
        line_total += length
        if length > max_line + 2 or line_total > max_line + 2:
            if not logged_in:
                raise Refused(b"* BYE Input buffer full, aborting\r\n", reason="Input buffer full")
            raise Refused(f"{tag} BAD Error in IMAP command {cmd or 'received by server'}: Too long argument.\r\n"
                          .encode("utf-8", "replace"), close=False)
        m = _LITERAL.search(line)
        if not m:
            text += line.rstrip(b"\r\n")
            return text.decode("utf-8", "surrogateescape"), literals
        size = int(m.group(1))
        literal_total += size
        if logged_in:
            # APPEND's literals are the messages; any other command counts them with its line
            too_large = literal_total > MAX_APPEND if cmd == "APPEND" else line_total + literal_total > MAX_LINE
        else:
            too_large = line_total + literal_total >= PREAUTH_MAX_COMMAND
        if too_large:  # refused before a byte of it is read
            raise Refused(b"* BYE Literal size too large\r\n", reason="Literal size too large")
        text += line[: m.end() - len(m.group(0))] + b"{%d}" % size
        if not m.group(2):
            writer.write(b"+ OK\r\n")
            await writer.drain()
        literals.append(await reader.readexactly(size))


STARTTLS_BEGIN = "OK Begin TLS negotiation now."  # imap-login's words (notify_starttls)
TLS_ACTIVE = "BAD TLS is already active."
TLS_DISABLED = "BAD TLS support isn't enabled."


async def serve_imap(world, clock, host: str, port: int, implicit_tls: bool = False, conf=None):
    """IMAP on host:port; with implicit_tls the connection is TLS from its first byte (993).
    `conf`: the DovecotConfig the service started with (None: CentOS's stock dovecot.conf)."""
    sessions: set = set()
    ctx, waiting, anvil = limits.listener_state(world, implicit_tls, conf)
    location = session_settings(conf, "imap")["mail_location"]

    async def idle(session, reader, writer, tag, autologout: float):
        """Until DONE: new mail as it comes. Returns a reason when the client is to go."""
        loop = asyncio.get_running_loop()
        done = asyncio.ensure_future(limits.read_line(reader, 64))
        deadline = loop.time() + autologout
        try:
            while True:
                left = deadline - loop.time()
                if left <= 0:
                    writer.write(b"* BYE Disconnected for inactivity.\r\n")
                    return "Inactivity"
                finished, _ = await asyncio.wait({done}, timeout=min(IDLE_POLL, left))
                if finished:
                    break
                try:
                    news = await loop.run_in_executor(None, session.updates)
                except OSError:
                    news = b""  # the mailbox could not be read just now: try again at the next poll
                if news:
                    writer.write(news)
                    await limits.drain(writer, autologout)
            line, length = done.result()
        finally:
            if not done.done():
                done.cancel()
        if not line:
            return "Connection closed"
        if line.strip().upper() == b"DONE":
            writer.write(f"{tag} OK Idle completed.\r\n".encode())
        else:  # anything else, however long (read to its end, not kept), ends IDLE as in Dovecot
            writer.write(f"{tag} BAD Expected DONE.\r\n".encode())
        return None

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        lim = limits.current()
        sessions.add(writer)
        logins = LoginLog(world, clock, "imap", writer)
        policy = loginpolicy.policy_for(conf, "imap", logins.lip, logins.rip, tls=implicit_tls)
        session = ImapSession(world, clock=clock, starttls=ctx is not None and not implicit_tls, policy=policy,
                              mail_location=location)
        logins.secured = policy.secured
        secured = logins.tls = implicit_tls  # TLS is on (from the start, or after STARTTLS)
        why: list[str] = []  # set when the server ends the connection itself
        admitted = None  # the user counted against mail_max_userip_connections
        waiting.enter(writer, dropper(writer, b"* BYE Connection queue full\r\n", why), lim.login_client_limit)
        loop = asyncio.get_running_loop()
        quiet = limits.IdleLimit()
        try:
            writer.write(greeting(session.starttls, session.policy))
            await limits.drain(writer, lim.login_timeout)
            while True:
                timeout = lim.imap_autologout if session.user else lim.login_timeout
                try:
                    with quiet.limit(timeout):
                        text, literals = await read_command(reader, writer, bool(session.user))
                except limits.Inactive:
                    writer.write(b"* BYE Disconnected for inactivity.\r\n")
                    why.append("Inactivity")
                    break
                except Refused as e:
                    writer.write(e.reply)
                    if e.close:
                        why.append(e.reason)
                        break
                    continue
                except ValueError:  # the stream's own limit (not expected: lines are read in pieces)
                    writer.write(b"* BYE Input buffer full, aborting\r\n")
                    why.append("Input buffer full")
                    break
                if text is None:
                    break
                tag, _, rest = text.partition(" ")
                was_user = session.user
                word = rest.split(" ", 2)
                verb = word[0].upper()
                if not was_user and (session.pending_auth is not None or verb in ("LOGIN", "AUTHENTICATE")):
                    wait = anvil.penalty(logins.rip, lim)  # the address failed before: slower
                    if wait:
                        await asyncio.sleep(wait)
                if (not was_user and session.pending_auth is None and verb == "STARTTLS"
                        and _valid_tag(tag)):  # imap-login's own command: the session never sees it
                    if not session.starttls:
                        writer.write(f"{tag} {TLS_ACTIVE if secured else TLS_DISABLED}\r\n".encode())
                        continue
                    writer.write(f"{tag} {STARTTLS_BEGIN}\r\n".encode())
                    failed = await start_tls(reader, writer, ctx, lim.login_timeout, logins)
                    if failed:
                        why.append(failed)
                        break
                    session.starttls, secured = False, True
                    session.policy = session.policy.tls()
                    continue
                try:
                    if session.pending_auth is not None:  # the line answers AUTHENTICATE's "+ "
                        resp = await loop.run_in_executor(None, session.continue_auth, text)
                    elif not _valid_tag(tag) or not rest:
                        resp = session.untagged_bad()  # Dovecot: "* BAD Error in IMAP command received by server."
                    elif (verb in INLINE or (verb == "UID" and len(word) > 1 and word[1].upper() in INLINE)
                          or session.from_memory(rest)):
                        # read-mostly commands are quick: a thread hop would cost more than the work
                        resp = session.handle(tag, rest, literals)
                    else:
                        resp = await loop.run_in_executor(None, session.handle, tag, rest, literals)
                except Exception as e:  # noqa: BLE001 - input nobody foresaw: a reply, never a dropped connection
                    maillog.log(world, clock, f"imap({session.user or 'login'}): Error: {verb}: "
                                f"{type(e).__name__}", program="dovecot", with_pid=False)
                    writer.write(f"{tag or '*'} NO [SERVERBUG] Internal error occurred. "
                                 "Refer to server log for more information.\r\n".encode("utf-8", "replace"))
                    continue
                if session.user and not was_user:
                    if not anvil.admit("imap", session.user, logins.rip, lim.mail_max_userip_connections):
                        refusal = USERIP_REFUSAL.format(lim.mail_max_userip_connections)
                        logins.refused(session.user, refusal)
                        writer.write(f"{tag} NO [LIMIT] {refusal}\r\n".encode())
                        break
                    admitted = session.user
                    waiting.leave(writer)
                    anvil.succeeded(logins.rip)
                    logins.logged_in(session.user, session.method)
                if was_user:  # Dovecot's in=/out= count what the imap process, after login, saw
                    logins.bytes_in += len(text) + 2 + sum(len(x) for x in literals)
                if session.user:
                    logins.bytes_out += len(resp.data)
                if resp.auth_failed:
                    logins.failed(_login_name(word) if verb == "LOGIN" else None)
                    await asyncio.sleep(anvil.failed(logins.rip, lim))
                if resp.close:
                    logins.disconnected(session.user, logins.imap_stats())
                writer.write(resp.data)
                if writer.transport.get_write_buffer_size() > 1 << 16:
                    await limits.drain(writer, lim.imap_autologout)
                if resp.idle:
                    gone = await idle(session, reader, writer, tag, lim.imap_autologout)
                    if gone:
                        if gone != "Connection closed":
                            why.append(gone)
                        break
                    await limits.drain(writer, lim.imap_autologout)
                if resp.close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            quiet.close()
            waiting.leave(writer)
            if admitted:
                anvil.leave("imap", admitted, logins.rip)
            try:
                await loop.run_in_executor(None, session.flush)
            except Exception:
                pass  # flags not yet written are lost, never messages
            logins.disconnected(admitted, logins.imap_stats(), quit=False, reason=why[0] if why else "")
            sessions.discard(writer)
            try:
                await limits.drain(writer, FINAL_DRAIN)
            except (OSError, RuntimeError):  # OSError: a failed TLS handshake (ssl.SSLError) too
                pass
            writer.close()

    tls = {"ssl": ctx, "ssl_handshake_timeout": limits.current().login_timeout} if implicit_tls else {}
    server = await asyncio.start_server(client, host, port, limit=MAX_LINE * 2, **tls)
    return _Server(server, sessions)
