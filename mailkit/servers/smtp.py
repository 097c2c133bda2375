"""The MTA's SMTP server: aiosmtpd's connection handling, sendmail 8.17's dialogue.

aiosmtpd gives the transport, the line reader and the per-connection protocol object; the
command methods below answer with sendmail's reply codes, enhanced status codes and words.
Policy (access map, relaying, local users) comes from core/policy.py; a message is answered
250 only after core/queue.py has its qf/df files fsync'ed on disk.

What a client sends is hostile until checked: a session ends (and its socket closes) when its
client goes away; the sessions a daemon and one client may hold are capped
(core/conncontrol.py); DATA goes to the df file as it arrives (core/queue.Incoming), never
whole into memory; command lines are read as bytes and answered in ASCII, with sendmail's
treatment of 8-bit and control characters; a command that fails leaves the envelope as it
was; recipient checks (alias expansion) run off the event loop.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import logging
import re
import time
import ssl
import weakref
from asyncio import sslproto

from aiosmtpd.smtp import SMTP

from ..core import conncontrol, maillog, network, policy, route, rules, runner, snapshot, tlscert
from ..core.clock import rfc5322_date
from ..core.hosts import name_of
from ..core.queue import Envelope, Incoming, Queue, message_id
from .committer import Committer

MAX_COMMAND = 2046  # sendmail's MAXLINE less CRLF: longer command lines end the session
READER_LIMIT = 1 << 16  # bytes buffered per connection; DATA is read in blocks, whatever its lines
# aiosmtpd logs every connection on "mail.log"; in a notebook that would surface in a cell.
# The daemon's own record is /var/log/maillog.
logging.getLogger("mail.log").propagate = False
logging.getLogger("mail.log").addHandler(logging.NullHandler())

HELPFILE = "/etc/mail/helpfile"
TLS_HANDSHAKE_TIMEOUT = 60  # seconds; sendmail's Timeout.starttls is an hour, a learner's client is here
DATA_CHUNK = 1 << 16  # DATA is read in blocks of this size
DEFAULT_CLIENT_CONN = conncontrol.DEFAULT_CLIENT_CONN
_ADDR = re.compile(r"^[ \t]*(?:FROM|TO)[ \t]*:[ \t]*(<[^>]*>|\S+)[ \t]*(.*)$", re.I | re.A)
# sendmail reads command lines with the eighth bit stripped (0xE9 is "i"); 0x80-0x9F in an
# address is refused as an 8-bit character before that, anything below 0x20 (but tab) and DEL
# as non-printable. A reply never carries a byte outside printable ASCII: such a byte becomes
# "?", sendmail's BAD_CHAR_REPLACEMENT.
_SEVEN_BIT = {c: c & 0x7F for c in range(0x80, 0x100)}
_C1 = re.compile("[\x80-\x9f]")
_NON_PRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_REPLY_UNSAFE = re.compile("[^\t\x20-\x7e]")
_HELO_NAME = re.compile("[\x21-\x7e]+( [\x21-\x7e]+)*")


def seven_bit(text: str) -> str:
    """A latin-1 decoded line with the eighth bit of each byte stripped, as sendmail reads it."""
    return text.translate(_SEVEN_BIT)


# Background deliveries wait for a pause in the incoming mail (MTA.deliver_later).
DELIVERY_QUIET = 0.01  # seconds without a newly committed message
DELIVERY_HOLD = 2.0  # the longest a delivery waits after its message's 250


class MTA:
    """What every SMTP session of one running daemon shares."""

    def __init__(self, world, clock, cfg, daemon_name="MTA"):
        self.world, self.clock, self.cfg, self.daemon_name = world, clock, cfg, daemon_name
        # the server certificate (CentOS's sendmail.pem); None: STARTTLS is answered 454
        self.tls: ssl.SSLContext | None = tlscert.server_context(world, tlscert.SENDMAIL)
        self.queue = Queue(world, cfg.queue_dir)
        # fsync-bound work leaves the event loop: queue writes go to one committer thread in
        # batches, deliveries run one at a time per queue.
        self.committer = Committer(self.queue, after=self._log_received)
        self.delivery = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mailkit-deliver")
        self.pending: set[concurrent.futures.Future] = set()
        self.last_commit = 0.0  # time.monotonic() of the last message committed
        self._closing = False
        self.sessions: weakref.WeakSet = weakref.WeakSet()  # open connections, closed on stop
        # recipient checks expand aliases (20,000 members take a while): never on the loop
        self.checks = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="mailkit-rcpt")
        # a big message's body is written to its df while it arrives, off the loop
        self.spool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="mailkit-df")
        try:
            self.limits = conncontrol.read(world.read_text(cfg.cf_path), cfg.cf_path)
        except (OSError, ValueError):
            self.limits = conncontrol.Limits()
        # a host of a network reaches its own daemon from its own address: that client is
        # this machine (127.0.0.1 to the rules, the access map and Received), not another host
        self.own_addr = network.own_address(world) if network.membership(world) is not None else None
        self.clients: collections.Counter = collections.Counter()  # open sessions per address
        self.recent: dict[str, collections.deque] = {}  # connection times per address (ClientRate)
        self._this_second = (0, 0)  # (second, connections in it), for ConnectionRateThrottle

    def log(self, text, qid=None):
        maillog.log(self.world, self.clock, text, qid=qid)

    def deliver_later(self, qid: str) -> None:
        """Background delivery (DeliveryMode=background). While messages keep arriving, a
        delivery waits until the SMTP side has been quiet for DELIVERY_QUIET seconds, at most
        DELIVERY_HOLD after its message was accepted: deliveries and sessions share one
        interpreter, and a burst is answered faster when its deliveries follow it (sendmail
        likewise queues instead of delivering when its load is high, QueueLA). A message alone
        is delivered DELIVERY_QUIET after its 250."""
        due = time.monotonic() + DELIVERY_HOLD
        fut = self.delivery.submit(self._deliver_when_quiet, qid, due)
        self.pending.add(fut)
        fut.add_done_callback(self.pending.discard)

    def _deliver_when_quiet(self, qid: str, due: float):
        while not self._closing:
            now = time.monotonic()
            wait = min(self.last_commit + DELIVERY_QUIET, due) - now
            if wait <= 0:
                break
            time.sleep(wait)
        return self._deliver(qid)

    def _deliver(self, qid: str):
        try:
            return runner.deliver_now(self.world, self.cfg, self.clock, self.cfg.queue_dir, qid)
        except Exception as e:  # the message stays queued; the runner retries it
            self.log(f"delivery error: {e!r}", qid=qid)
            return None

    def _log_received(self, staged) -> None:
        self.last_commit = time.monotonic()
        entry = staged.entry
        runner.log_received(self.world, self.clock, entry, staged.envelope, entry.header("Message-Id"))

    def connection_rate(self, client_addr: str, now: float) -> int:
        """Connections from this address within ConnectionRateWindowSize, this one included."""
        window = self.limits.rate_window
        times = self.recent.setdefault(client_addr, collections.deque())
        times.append(now)
        while times and times[0] <= now - window:
            times.popleft()
        if len(self.recent) > 4096:  # forget addresses that have been quiet for a window
            for addr in [a for a, t in self.recent.items() if not t or t[-1] <= now - window]:
                del self.recent[addr]
        return len(times)

    def over_throttle(self, now: float) -> bool:
        """ConnectionRateThrottle: true for a connection to be delayed in the current second
        (sendmail's test `conncnt++ > ConnRateThrottle` delays the N+2nd)."""
        second, count = self._this_second
        count = count + 1 if int(now) == second else 1
        self._this_second = (int(now), count)
        return 0 < self.limits.rate_throttle < count - 1

    def close(self) -> None:
        self._closing = True  # held deliveries go now
        self.committer.close()
        self.delivery.shutdown(wait=True)
        self.checks.shutdown(wait=True)
        self.spool.shutdown(wait=True)


_PATH_START = re.compile(r"[ \t]*(?:FROM|TO)[ \t]*:[ \t]*", re.I)
_PATH_TABLE = rules.token_table(".:@[]")
_PLAIN_PATH = re.compile(r'<?[^<>"()\\ \t]*>?(?=[ \t]|$)')  # nothing prescan would read otherwise


def typed_path(arg: str | None) -> str:
    """The path as the client typed it, which sendmail's replies echo ("<a@b>", "a@b", "< a >",
    "<@r:a@b>"): after "FROM:"/"TO:" and its blanks, up to the first blank outside angle
    brackets, quotes and comments (prescan with " " as the delimiter)."""
    arg = arg or ""
    m = _PATH_START.match(arg)
    text = arg[m.end():] if m else arg
    plain = _PLAIN_PATH.match(text)
    if plain:  # "<a@b>" or "a@b": no quote, comment or nesting for prescan to weigh
        p = plain.group()
        if (p[:1] == "<") == (p[-1:] == ">") and "<" not in p[1:] and ">" not in p[:-1]:
            return p
    scan = rules.prescan(text, _PATH_TABLE, delim=" ")
    return text[:scan.stop] if 0 <= scan.stop <= len(text) else text


def _parse_path(arg: str | None) -> tuple[str | None, dict]:
    """'FROM:<a@b> SIZE=10' -> ('a@b', {'SIZE': '10'}); None when it cannot be parsed."""
    m = _ADDR.match(arg or "")
    if not m:
        return None, {}
    addr = m.group(1).strip()
    if addr.startswith("<"):
        addr = addr[1:-1]
    if addr.startswith("@") and ":" in addr:  # an RFC 821 source route: sendmail ignores it
        addr = addr.rsplit(":", 1)[1]
    params = {}
    for p in m.group(2).split():
        k, _, v = p.partition("=")
        params[k.upper()] = v
    return addr.strip(), params


class SendmailSMTP(SMTP):
    line_length_limit = READER_LIMIT

    def __init__(self, mta: MTA, loop=None, implicit_tls: bool = False, local_user: str | None = None):
        self.mta = mta
        # `sendmail -bs` run by this user: SMTP on the command's standard input, no client address
        self.local_user = local_user
        self._implicit_tls = implicit_tls  # a daemon with M=s (smtps): TLS from the first byte
        cfg = mta.cfg
        super().__init__(
            handler=object(), hostname=cfg.hostname, ident="", decode_data=False,
            enable_SMTPUTF8=False, data_size_limit=None, timeout=300, loop=loop,
        )
        self.cfg = cfg
        self._helo: str | None = None
        self._mail_from: str | None = None
        self._rcpts: list[str] = []
        self._rcpt_shown: dict = {}  # recipient (mailer, host, user) -> how its first RCPT typed it
        self._qid: str | None = None  # the envelope's queue id, taken at its first MAIL
        self._body_type = ""  # MAIL's BODY= parameter
        self._discard = False
        self._discard_connection = False  # access Connect: DISCARD drops all this client sends
        self._refusal: policy.Reply | None = None
        self._leftover = b""  # what the client sent after a message's final dot
        self._counted: str | None = None  # the address counted in mta.clients
        self.client_addr = ""
        self.client_name: str | None = None

    def connection_made(self, transport) -> None:
        tls_again = self._original_transport is not None  # the end of STARTTLS's handshake
        super().connection_made(transport)
        if tls_again:
            return
        self.mta.sessions.add(self)
        if self.local_user is not None:
            return  # not a connection to the daemon: no per-client count
        peer = transport.get_extra_info("peername")
        self._counted = peer[0] if isinstance(peer, tuple) else "127.0.0.1"
        self.mta.clients[self._counted] += 1

    def connection_lost(self, exc) -> None:
        self.mta.sessions.discard(self)
        if self._counted is not None:
            self.mta.clients[self._counted] -= 1
            if self.mta.clients[self._counted] <= 0:
                del self.mta.clients[self._counted]
            self._counted = None
        super().connection_lost(exc)

    def eof_received(self):
        # aiosmtpd cancels the session here and keeps the socket half-open until the timeout
        # (CLOSE-WAIT for 300 s). Instead the session answers what was sent before the EOF,
        # reads the end of input and closes.
        keep_open = asyncio.StreamReaderProtocol.eof_received(self)
        return False if self._tls_active() else keep_open  # TLS closes on EOF anyway (and warns on True)

    async def push(self, status) -> None:
        if isinstance(status, str):
            status = _REPLY_UNSAFE.sub("?", status).encode("ascii")
        await super().push(status)

    # -- the session loop: sendmail's greeting, limits and unknown-command replies
    async def _handle_client(self) -> None:
        try:
            await self._session()
        finally:
            if self.transport is not None:
                self.transport.close()

    async def _session(self) -> None:
        if self.local_user is not None:
            # sendmail -bs: no connection checks (check_relay, limits), no client address
            policy.start_local_session(self.local_user)
            await self.push(f"220 {self.cfg.greeting(rfc5322_date(self.mta.clock.now()))}")
            verdict = None
        else:
            peer = self.session.peer
            self.client_addr = peer[0] if isinstance(peer, tuple) else "127.0.0.1"
            if self.client_addr == self.mta.own_addr:
                self.client_addr = "127.0.0.1"  # this host talking to itself, over its loopback
            self.client_name = name_of(self.mta.world, self.client_addr)
            if not await self._admit():
                return
            now = self.mta.clock.now()
            await self.push(f"220 {self.cfg.greeting(rfc5322_date(now))}")
            verdict = policy.check_connect(self.mta.world, self.cfg, self.client_addr, self.client_name)
        if verdict is not None and verdict.discard:
            self._discard = self._discard_connection = True
        elif verdict is not None:
            self._refusal = verdict
            self._log_relay_reject(verdict)
        while self.transport is not None:
            try:
                line = await self._readline()
            except asyncio.LimitOverrunError:
                await self._too_long()
                return
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            line = line.rstrip(b"\r\n")
            if len(line) > MAX_COMMAND:
                await self._too_long()
                return
            # sendmail reads a command as a C string: a NUL ends it
            text = line.split(b"\0", 1)[0].decode("latin-1")
            word, _, arg = text.strip(" \t\r").partition(" ")
            command = seven_bit(word).upper()
            arg = arg.strip(" \t\r") or None
            if self._refusal is not None and command not in ("QUIT", "NOOP", "RSET", "HELO", "EHLO"):
                await self.push(f"{self._refusal.code} {self._refusal.dsn} {self._refusal.text}")
                continue
            method = self._smtp_methods.get(command)
            if method is None or not word:
                shown = seven_bit(text.strip(" \t\r"))[:40]
                await self.push(f'500 5.5.1 Command unrecognized: "{shown}"')
                continue
            self._typed = seven_bit(word)
            self._reset_timeout()
            saved = self._state()
            try:
                await method(arg)
            except (ConnectionError, asyncio.CancelledError):
                raise
            except Exception as e:  # a bug must not drop an accepted message or the daemon
                self._restore(saved)  # nor leave half a command's effect behind
                self.mta.log(f"SYSERR: {command}: {e!r}")
                await self.push("451 4.3.0 Temporary system failure. Please try again later.")

    async def _readline(self) -> bytes:
        """The next command line: first from what followed a message's final dot."""
        if self._leftover:
            i = self._leftover.find(b"\n")
            if i >= 0:
                line, self._leftover = self._leftover[:i + 1], self._leftover[i + 1:]
                return line
            part, self._leftover = self._leftover, b""
            try:
                return part + await self._reader.readuntil()
            except asyncio.IncompleteReadError as e:
                raise asyncio.IncompleteReadError(part + e.partial, None) from None
        return await self._reader.readuntil()

    def _state(self):
        return (self._helo, self._mail_from, list(self._rcpts), dict(self._rcpt_shown), self._qid,
                self._discard, self.session.extended_smtp)

    def _restore(self, saved) -> None:
        (self._helo, self._mail_from, rcpts, shown, self._qid, self._discard,
         self.session.extended_smtp) = saved
        self._rcpts, self._rcpt_shown = list(rcpts), dict(shown)

    async def _admit(self) -> bool:
        """sendmail's limits on connections (core/conncontrol.py): false when refused and closed."""
        mta, limits = self.mta, self.mta.limits
        open_now = len(mta.sessions)
        if open_now > limits.max_children:
            mta.log(f"rejecting connections on daemon {mta.daemon_name}: {open_now - 1} children, "
                    f"max {limits.max_children}")
            await self._refuse_connection(421, conncontrol.CONN_TEXT, log=False)
            return False
        now = time.time()
        if mta.over_throttle(now):
            mta.log(f"deferring connections on daemon {mta.daemon_name}: {limits.rate_throttle} per second")
            await asyncio.sleep(1)  # sendmail sleeps a second before it accepts more
        world, db, addr = mta.world, self.cfg.access_db, self.client_addr
        count = mta.clients[addr]
        if limits.conn_control:
            limit = await self._off_loop(conncontrol.client_limit, world, db, "ClientConn", addr)
            if limit and count > limit:
                return await self._refuse_connection(limits.conn_control, conncontrol.CONN_TEXT)
        elif count > DEFAULT_CLIENT_CONN:
            return await self._refuse_connection(421, conncontrol.CONN_TEXT)
        if limits.rate_control:
            limit = await self._off_loop(conncontrol.client_limit, world, db, "ClientRate", addr)
            if limit and mta.connection_rate(addr, now) > limit:
                return await self._refuse_connection(limits.rate_control, conncontrol.RATE_TEXT)
        return True

    async def _refuse_connection(self, code: int, text: str, log: bool = True) -> bool:
        """check_relay's verdict on a client over a limit: 421 instead of the greeting and the
        close; 452 (the features without `terminate`) greets, then refuses its commands."""
        verdict = policy.Reply(code, "4.3.2", text)
        if log:
            self._log_relay_reject(verdict)
        if code == 421:
            await self.push(str(verdict))
            return False
        self._refusal = verdict
        return True

    def _log_relay_reject(self, verdict) -> None:
        self.mta.log(f"ruleset=check_relay, arg1={self.client_name or '[' + self.client_addr + ']'}, "
                     f"arg2={self.client_addr}, relay={self._relay_text()}, reject={verdict}")

    async def _off_loop(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.mta.checks, fn, *args)

    async def _too_long(self) -> None:
        await self.push(f"421 4.7.0 {self.cfg.hostname} Command too long, closing connection")
        self.mta.log(f"{self._relay_text()}: Command too long, closing connection")
        self.transport.close()

    def _relay_text(self) -> str:
        """sendmail's $_ (the Hello reply, Received, relay= in maillog)."""
        if self.local_user is not None:
            return f"{self.local_user}@localhost"
        return f"{self.client_name or ''} [{self.client_addr}]".strip()

    def _reset_transaction(self) -> None:
        """A new envelope (HELO/EHLO, RSET, the end of DATA): its queue id comes at the next MAIL."""
        self._mail_from, self._rcpts, self._qid = None, [], None
        self._rcpt_shown = {}
        self._discard = self._discard_connection

    # -- commands
    async def _helo_name(self, arg) -> str | None:
        if not arg:
            await self.push(f"501 5.0.0 {self._typed} requires domain address")
            return None
        if not _HELO_NAME.fullmatch(arg):
            await self.push("501 5.0.0 Invalid domain name")
            return None
        return arg

    async def smtp_HELO(self, arg):
        arg = await self._helo_name(arg)
        if arg is None:
            return
        self._helo = arg
        self._reset_transaction()
        await self.push(f"250 {self.cfg.hostname} Hello {self._relay_text()}, pleased to meet you")

    async def smtp_EHLO(self, arg):
        arg = await self._helo_name(arg)
        if arg is None:
            return
        self._helo = arg
        self.session.extended_smtp = True
        self._reset_transaction()
        size = f"SIZE {self.cfg.max_message_size}" if self.cfg.max_message_size else "SIZE"
        lines = [f"{self.cfg.hostname} Hello {self._relay_text()}, pleased to meet you",
                 "ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME", size, "DSN", "ETRN",
                 *(["STARTTLS"] if self._offers_tls() else []), "DELIVERBY", "HELP"]
        if self._refusal is not None:  # a client check_relay refused hears of nothing to use
            lines = lines[:2]
        for ln in lines[:-1]:
            await self.push(f"250-{ln}")
        await self.push(f"250 {lines[-1]}")

    async def smtp_AUTH(self, arg):
        # no mechanism is offered (as sendmail 8.17 with the stock cf answered here); aiosmtpd's
        # own AUTH dialogue must never run
        if not arg:
            await self.push("501 5.5.2 AUTH mechanism must be specified")
            return
        await self.push(f"504 5.3.3 AUTH mechanism {seven_bit(arg.split()[0])} not available")

    def _offers_tls(self) -> bool:
        """EHLO names STARTTLS while it can be started: a certificate, and no TLS yet."""
        return self.mta.tls is not None and not self._tls_active()

    def _tls_active(self) -> bool:
        return self._implicit_tls or self._tls_protocol is not None

    async def smtp_STARTTLS(self, arg):
        # sendmail's checks, in its order (srvrsmtp.c, CMDSTLS)
        if arg:
            await self.push("501 5.5.2 Syntax error (no parameters allowed)")
            return
        if self._tls_active():  # once on, the feature is no longer offered
            await self.push("503 5.5.0 TLS not available")
            return
        if self.mta.tls is None:  # no certificate, or one that cannot be read
            await self.push("454 4.3.3 TLS not available after start")
            return
        if self._mail_from is not None:
            await self.push("503 5.5.0 TLS not permitted during a mail transaction")
            return
        await self.push("220 2.0.0 Ready to start TLS")
        self._leftover = b""  # plaintext sent after STARTTLS never reaches the TLS session
        self._reader._buffer.clear()
        waiter = self.loop.create_future()
        # aiosmtpd's own switch (SMTP.smtp_STARTTLS) with sendmail's words around it: the TLS
        # layer goes between the socket and this protocol; connection_made then starts afresh
        self._tls_protocol = sslproto.SSLProtocol(self.loop, self, self.mta.tls, waiter, server_side=True)
        self._original_transport = self.transport
        self._original_transport.set_protocol(self._tls_protocol)
        self.transport = self._tls_protocol._app_transport
        self._tls_protocol.connection_made(self._original_transport)
        try:
            await asyncio.wait_for(waiter, TLS_HANDSHAKE_TIMEOUT)
        except (OSError, asyncio.TimeoutError) as e:  # ssl.SSLError is an OSError
            self.mta.log(f"STARTTLS=server, error: accept failed=-1, reason={tlscert.ssl_reason(e)}, "
                         f"relay={self._relay_text()}")
            self.transport.close()
            return
        # RFC 3207 4.2: the client starts over with EHLO; nothing said before TLS holds
        self._helo = None
        self._reset_transaction()
        self.mta.log(f"STARTTLS=server, relay={self._relay_text()}, {self.tls_summary()}")

    def _tls_clause(self) -> str:
        """The Received line's $?{tls_version} part: (version=... cipher=... bits=... verify=NO)."""
        obj = self.transport.get_extra_info("ssl_object") if self.transport is not None else None
        if obj is None:
            return ""
        name, version, bits = obj.cipher()
        return f"(version={version} cipher={name} bits={bits} verify=NO)"

    def tls_summary(self) -> str:
        """sendmail's words for the TLS in use: version=... verify=NO cipher=... bits=n/n."""
        obj = self.transport.get_extra_info("ssl_object") if self.transport is not None else None
        if obj is None:
            return ""
        name, version, bits = obj.cipher()
        return f"version={version}, verify=NO, cipher={name}, bits={bits}/{bits}"

    async def smtp_NOOP(self, arg):
        await self.push("250 2.0.0 OK")

    async def smtp_RSET(self, arg):
        self._reset_transaction()
        await self.push("250 2.0.0 Reset state")

    async def smtp_QUIT(self, arg):
        await self.push(f"221 2.0.0 {self.cfg.hostname} closing connection")
        self.transport.close()

    async def smtp_HELP(self, arg):
        """Answered from /etc/mail/helpfile, as sendmail does: lines keyed by the topic."""
        topic = (arg or "smtp").split()[0].lower()
        path = self.mta.world.path(HELPFILE)
        if not path.exists():
            await self.push(f"502 5.3.0 Sendmail {self.cfg.version} -- HELP not implemented")
            return
        lines = []
        for raw in path.read_text(errors="replace").splitlines():
            key, sep, text = raw.partition("\t")
            if sep and key.lower() == topic:
                lines.append(text.replace("$v", self.cfg.version))
        if not lines:
            await self.push(f'504 5.3.0 HELP topic "{topic}" unknown')
            return
        for ln in lines:
            await self.push(f"214-2.0.0 {ln}")
        await self.push("214 2.0.0 End of HELP info")

    async def smtp_VRFY(self, arg):
        if "novrfy" in self.cfg.privacy or "goaway" in self.cfg.privacy:
            await self.push("252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)")
            return
        if not arg:
            await self.push("501 5.5.2 Argument required")
            return
        await self._verify(arg.strip("<>"), expand=False)

    async def smtp_EXPN(self, arg):
        if "noexpn" in self.cfg.privacy or "goaway" in self.cfg.privacy:
            await self.push("502 5.7.0 Sorry, we do not allow this operation")
            return
        if not arg:
            await self.push("501 5.5.2 Argument required")
            return
        await self._verify(arg.strip("<>"), expand=True)

    async def _verify(self, addr, expand):
        addr = seven_bit(addr)
        targets = await self._off_loop(route.resolve, self.mta.world, self.cfg, addr)
        lines = []
        for t in targets if expand else targets[:1]:
            if isinstance(t, route.Failure):
                lines.append(f"550 5.1.1 {addr}... {t.text}")
            elif isinstance(t, route.Mailbox):
                lines.append(f"250 2.1.5 <{t.user}@{self.cfg.hostname}>")
            elif isinstance(t, route.Remote):
                lines.append(f"250 2.1.5 <{t.address}>")
            else:
                lines.append(f"250 2.1.5 <{getattr(t, 'path', None) or '|' + t.command}>")
        for i, ln in enumerate(lines):
            await self.push(ln if i == len(lines) - 1 else ln[:3] + "-" + ln[4:])

    async def smtp_ETRN(self, arg):
        if not arg:
            await self.push("501 5.5.2 Parameter required")
            return
        self.mta.delivery.submit(runner.run_queue, self.mta.world, self.cfg, self.mta.clock)
        await self.push(f"250 2.0.0 Queuing for node {arg} started")

    def _address_error(self, path: str, addr: str, rcpt: bool) -> str | None:
        """sendmail's refusal of an address with 8-bit or non-printable characters, or None."""
        dsn = "5.1.3" if rcpt else "5.1.7"
        if _C1.search(addr):
            shown = seven_bit(_C1.sub("?", path))
            return f'501 {dsn} 8-bit character in mailbox address "{shown}"'
        if _NON_PRINTABLE.search(seven_bit(addr)):
            shown = seven_bit(addr)
            user, at, domain = shown.rpartition("@")
            if at and self.cfg.is_local_domain(domain):
                shown = user.lower()  # what is left after the local domain is recognised
            return f'501 {dsn} Syntax error in mailbox address "{_NON_PRINTABLE.sub("?", shown)}" (non-printable character)'
        return None

    async def smtp_MAIL(self, arg):
        if self._helo is None and "needmailhelo" in self.cfg.privacy:
            await self.push("503 5.0.0 Polite people say HELO first")
            return
        if self._mail_from is not None:
            await self.push("503 5.5.0 Sender already specified")
            return
        addr, params = _parse_path(arg)
        if addr is None or not (arg or "").upper().lstrip().startswith("FROM"):
            await self.push('501 5.5.2 Syntax error in parameters scanning "from"')
            return
        # sendmail's envelope has its queue id before check_mail runs: a refusal at MAIL or
        # RCPT is logged under it, and an accepted message is queued under it. A refused MAIL
        # leaves the envelope as it was, so the next MAIL in the same transaction keeps the id.
        if self._qid is None:
            self._qid = self.mta.clock.queue_id()
        error = self._address_error(_ADDR.match(arg).group(1), addr, rcpt=False)
        if error:
            await self.push(error)
            return
        addr = seven_bit(addr)
        shown = seven_bit(typed_path(arg))  # what the replies echo, as sendmail's e_to
        limit = self.cfg.max_message_size
        size = params.get("SIZE", "0")
        if limit and size.isascii() and size.isdigit() and int(size) > limit:
            await self.push(f"552 5.2.3 Message size exceeds fixed maximum message size ({limit})")
            return
        with snapshot.one_look():
            verdict = policy.check_mail(self.mta.world, self.cfg, addr, shown=shown)
        if verdict is not None and verdict.discard:
            self._discard = True
        elif verdict is not None:
            self.mta.log(f"ruleset=check_mail, arg1=<{addr}>, relay={self._relay_text()}, reject={verdict}",
                         qid=self._qid)
            await self.push(str(verdict))
            return
        reply = f"250 2.1.0 {shown}... Sender ok"
        self._mail_from = addr
        body = params.get("BODY", "").upper()
        self._body_type = body if body in ("7BIT", "8BITMIME") else ""
        self._rcpts, self._rcpt_shown = [], {}
        await self.push(reply)

    async def smtp_RCPT(self, arg):
        if self._mail_from is None:
            await self.push("503 5.0.0 Need MAIL before RCPT")
            return
        addr, params = _parse_path(arg)
        if addr is None or not (arg or "").upper().lstrip().startswith("TO") or not addr:
            await self.push('501 5.5.2 Syntax error in parameters scanning "to"')
            return
        error = self._address_error(_ADDR.match(arg).group(1), addr, rcpt=True)
        if error:
            await self.push(error)
            return
        addr = seven_bit(addr)
        shown = seven_bit(typed_path(arg))
        world, cfg, client, name, sender = self.mta.world, self.cfg, self.client_addr, self.client_name, self._mail_from
        discarding, local = self._discard, self.local_user

        def check():
            parsed: list = []
            with snapshot.one_look():  # nested in the caller's look when it has one: shared
                verdict = policy.check_rcpt(world, cfg, addr, client, name, sender, shown=shown,
                                            discarding=discarding, local_user=local, parsed_out=parsed)
                if verdict is not None and not verdict.discard:
                    return verdict, None
                if parsed:
                    return verdict, policy.recipient_key(world, cfg, addr, parsed[0])
                return verdict, policy.recipient_key(world, cfg, addr)

        # an alias may have thousands of members: expanded in a worker thread, not on the loop;
        # an address that expands nothing is answered here (a thread's round trip costs more)
        with snapshot.one_look():
            quick = route.expands_little(world, cfg, addr)
            if quick:
                verdict, key = check()
        if not quick:
            verdict, key = await self._off_loop(check)
        if verdict is not None and verdict.discard:
            self._discard = True
        elif verdict is not None:
            self.mta.log(f"ruleset=check_rcpt, arg1=<{addr}>, relay={self._relay_text()}, reject={verdict}",
                         qid=self._qid)
            await self.push(str(verdict))
            return
        self._rcpts.append(addr if "@" in addr else f"{addr}@{self.cfg.hostname}")
        # a recipient sendmail already holds (sameaddr()) is answered as its first RCPT typed it
        await self.push(f"250 2.1.5 {self._rcpt_shown.setdefault(key, shown)}... Recipient ok")

    async def smtp_DATA(self, arg):
        if self._mail_from is None:
            await self.push("503 5.0.0 Need MAIL command")
            return
        if not self._rcpts:
            await self.push("503 5.0.0 Need RCPT (recipient)")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        sender, rcpts, discard, qid = self._mail_from, list(self._rcpts), self._discard, self._qid
        limit = self.cfg.max_message_size
        incoming = Incoming(self.mta.queue, qid, max_size=limit)
        try:
            if not await self._collect(incoming):
                return  # the client went away mid-message: nothing was accepted
            self._reset_transaction()
            if incoming.refused or discard:
                incoming.discard()  # before the reply: once refused, nothing of it is on disk
            if incoming.too_big:
                await self.push(f"552 5.2.3 Message exceeds maximum fixed size ({limit})")
                return
            if incoming.write_error is not None:
                self.mta.log(f"collect: Cannot write ./df{qid}: {incoming.write_error.strerror}", qid=qid)
                await self.push("451 4.3.0 Temporary system failure. Please try again later.")
                return
            if incoming.headers_too_large:
                self.mta.log(f"headers too large ({incoming.max_headers} max) from "
                             f"{self.client_name or 'localhost'} during message collect", qid=qid)
                await self.push(f"552 5.6.0 Headers too large ({incoming.max_headers} max)")
                return
            if discard:
                self.mta.log(f"from=<{sender}>, size={incoming.message_size}, discarded", qid=qid)
                await self.push(f"250 2.0.0 {qid} Message accepted for delivery")
                return
            staged = self._stage_message(qid, sender, rcpts, incoming)
        finally:
            incoming.discard()  # a no-op once the message was handed to the queue
        await self.mta.committer.submit_async(staged)
        mode = self.cfg.delivery_mode
        if mode == "i":
            await asyncio.wrap_future(self.mta.delivery.submit(self.mta._deliver, qid))
        await self.push(f"250 2.0.0 {qid} Message accepted for delivery")
        if mode == "b":
            self.mta.deliver_later(qid)

    async def _collect(self, incoming: Incoming) -> bool:
        """Read the message up to its final dot, in blocks, undoing the dot-stuffing; what the
        client sent after the dot stays for the command loop. False if the client left first.

        A line is complete when its LF has come; the last, incomplete line of a block waits
        for the next block (it may be the start of ".\\r\\n"), unless it is already too long to
        be the final dot: then it goes on, less its last byte (maybe the CR of a CRLF)."""
        loop = asyncio.get_running_loop()
        at_line_start, carry = True, b""
        data, self._leftover = self._leftover, b""
        while True:
            if not data:
                data = await self._reader.read(DATA_CHUNK)
                if not data:
                    return False
                self._reset_timeout()  # the timeout is per read, as sendmail's Timeout.datablock
            buf = carry + data if carry else data
            data, carry = b"", b""
            end, after = _final_dot(buf, at_line_start)
            if end >= 0:
                self._feed(incoming, buf[:end], at_line_start)
                self._leftover = buf[after:]
                return True
            cut = buf.rfind(b"\n") + 1
            if cut:
                self._feed(incoming, buf[:cut], at_line_start)
                at_line_start = True
            carry = buf[cut:]
            if len(carry) > DATA_CHUNK:
                self._feed(incoming, carry[:-1], at_line_start)
                at_line_start, carry = False, carry[-1:]
            if incoming.needs_flush:
                try:
                    await loop.run_in_executor(self.mta.spool, incoming.flush)
                except OSError as e:  # the disk failed: read on to the dot, answer 451
                    incoming.discard()
                    incoming.write_error = e

    @staticmethod
    def _feed(incoming: Incoming, block: bytes, at_line_start: bool) -> None:
        if at_line_start and block[:1] == b".":
            block = block[1:]
        incoming.feed(block.replace(b"\n.", b"\n"))

    def _stage_message(self, qid, sender, rcpts, incoming: Incoming):
        names = {name.lower() for name, _ in incoming.headers()}
        now = rfc5322_date(self.mta.clock.now())
        host = self.cfg.hostname
        tls = self._tls_clause()
        protocol = ("ESMTP" if self.session.extended_smtp else "SMTP") + ("S" if tls else "")
        received = (f"from {self._helo or self.client_name or ''} ({self._relay_text()})\n"
                    f"\tby {host} ({self.cfg.version}/{self.cfg.version}) with "
                    f"{protocol} id {qid}" + (f"\n\t{tls}" if tls else "")
                    + (f"\n\tfor <{rcpts[0]}>" if len(rcpts) == 1 else "") + f"; {now}")
        extra = [("Received", received)]
        add_after = []
        if "date" not in names:
            add_after.append(("Date", now))
        if "message-id" not in names:
            add_after.append(("Message-Id", message_id(self.mta.clock.now(), qid, host)))
        if "from" not in names:
            add_after.append(("From", sender or f"{self.cfg.dn}@{host}"))
        env = Envelope(sender, rcpts, helo=self._helo or "", client_addr=self.client_addr,
                       client_name=self._relay_text() if self.local_user is not None
                       else self.client_name or f"[{self.client_addr}]",
                       protocol=protocol, daemon="" if self.local_user is not None else self.mta.daemon_name,
                       body_type=self._body_type)
        return self.mta.queue.stage_incoming(env, incoming, self.mta.clock, extra_headers=extra + add_after)


def _final_dot(buf: bytes, at_line_start: bool) -> tuple[int, int]:
    """(where the line holding only "." starts, where the text after it starts), or (-1, -1)."""
    if at_line_start:
        for term in (b".\r\n", b".\n"):
            if buf.startswith(term):
                return 0, len(term)
    best = (-1, -1)
    for term in (b"\n.\r\n", b"\n.\n"):
        i = buf.find(term)
        if i >= 0 and (best[0] < 0 or i + 1 < best[0]):
            best = (i + 1, i + len(term))
    return best
