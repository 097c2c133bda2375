"""The MTA's SMTP server: aiosmtpd's connection handling, sendmail 8.17's dialogue.

aiosmtpd gives the transport, the line reader and the per-connection protocol object; the
command methods below answer with sendmail's reply codes, enhanced status codes and words.
Policy (access map, relaying, local users) comes from core/policy.py; a message is answered
250 only after core/queue.py has its qf/df files fsync'ed on disk.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import weakref

from aiosmtpd.smtp import SMTP

from ..core import maillog, policy, runner
from ..core.clock import rfc5322_date
from ..core.hosts import name_of
from ..core.queue import Envelope, Queue, message_id
from .committer import Committer

MAX_COMMAND = 2046  # sendmail's MAXLINE less CRLF: longer command lines end the session
READER_LIMIT = 1 << 20  # the stream limit; DATA lines may be long, commands may not
# aiosmtpd logs every connection on "mail.log"; in a notebook that would surface in a cell.
# The daemon's own record is /var/log/maillog.
logging.getLogger("mail.log").propagate = False
logging.getLogger("mail.log").addHandler(logging.NullHandler())

HELPFILE = "/etc/mail/helpfile"
_ADDR = re.compile(r"^\s*(?:FROM|TO)\s*:\s*(<[^>]*>|\S+)\s*(.*)$", re.I)


class MTA:
    """What every SMTP session of one running daemon shares."""

    def __init__(self, world, clock, cfg, daemon_name="MTA"):
        self.world, self.clock, self.cfg, self.daemon_name = world, clock, cfg, daemon_name
        self.queue = Queue(world, cfg.queue_dir)
        # fsync-bound work leaves the event loop: queue writes go to one committer thread in
        # batches, deliveries run one at a time per queue.
        self.committer = Committer(self.queue, after=self._log_received)
        self.delivery = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mailkit-deliver")
        self.pending: set[concurrent.futures.Future] = set()
        self.sessions: weakref.WeakSet = weakref.WeakSet()  # open connections, closed on stop

    def log(self, text, qid=None):
        maillog.log(self.world, self.clock, text, qid=qid)

    def deliver_later(self, qid: str) -> None:
        fut = self.delivery.submit(self._deliver, qid)
        self.pending.add(fut)
        fut.add_done_callback(self.pending.discard)

    def _deliver(self, qid: str):
        try:
            return runner.deliver_now(self.world, self.cfg, self.clock, self.cfg.queue_dir, qid)
        except Exception as e:  # the message stays queued; the runner retries it
            self.log(f"delivery error: {e!r}", qid=qid)
            return None

    def _log_received(self, staged) -> None:
        entry = staged.entry
        runner.log_received(self.world, self.clock, entry, staged.envelope, entry.header("Message-Id"))

    def close(self) -> None:
        self.committer.close()
        self.delivery.shutdown(wait=True)


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


def _header_names(data: bytes) -> set[str]:
    """Lower-case names of the header fields (enough to know which ones sendmail must add)."""
    head = data.split(b"\n\n", 1)[0] if b"\n\n" in data else data
    names = set()
    for line in head.split(b"\n"):
        name, colon, _ = line.partition(b":")
        if not colon or line[:1] in (b" ", b"\t"):
            continue
        if b" " in name.strip() or not name.strip():
            return names  # not a header line: the body began without a blank line
        names.add(name.strip().decode("ascii", "replace").lower())
    return names


class SendmailSMTP(SMTP):
    line_length_limit = READER_LIMIT

    def __init__(self, mta: MTA, loop=None):
        self.mta = mta
        cfg = mta.cfg
        super().__init__(
            handler=object(), hostname=cfg.hostname, ident="", decode_data=False,
            enable_SMTPUTF8=False, data_size_limit=None, timeout=300, loop=loop,
        )
        self.cfg = cfg
        self._helo: str | None = None
        self._mail_from: str | None = None
        self._rcpts: list[str] = []
        self._qid: str | None = None  # the envelope's queue id, taken at its first MAIL
        self._discard = False
        self._discard_connection = False  # access Connect: DISCARD drops all this client sends
        self._refusal: policy.Reply | None = None
        self.client_addr = ""
        self.client_name: str | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.mta.sessions.add(self)

    def connection_lost(self, exc) -> None:
        self.mta.sessions.discard(self)
        super().connection_lost(exc)

    # -- the session loop: sendmail's greeting, limits and unknown-command replies
    async def _handle_client(self) -> None:
        peer = self.session.peer
        self.client_addr = peer[0] if isinstance(peer, tuple) else "127.0.0.1"
        self.client_name = name_of(self.mta.world, self.client_addr)
        now = self.mta.clock.now()
        await self.push(f"220 {self.cfg.greeting(rfc5322_date(now))}")
        verdict = policy.check_connect(self.mta.world, self.cfg, self.client_addr, self.client_name)
        if verdict is not None and verdict.discard:
            self._discard = self._discard_connection = True
        elif verdict is not None:
            self._refusal = verdict
            self.mta.log(f"ruleset=check_relay, arg1={self.client_name or '[' + self.client_addr + ']'}, arg2={self.client_addr}, relay={self._relay_text()}, reject={verdict}")
        while self.transport is not None:
            try:
                line = await self._reader.readuntil()
            except asyncio.LimitOverrunError:
                await self._too_long()
                return
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            line = line.rstrip(b"\r\n")
            if len(line) > MAX_COMMAND:
                await self._too_long()
                return
            text = line.decode("utf-8", "surrogateescape")
            word, _, arg = text.strip().partition(" ")
            command = word.upper()
            arg = arg.strip() or None
            if self._refusal is not None and command not in ("QUIT", "NOOP", "RSET"):
                await self.push(f"{self._refusal.code} {self._refusal.dsn} {self._refusal.text}")
                continue
            method = self._smtp_methods.get(command)
            if method is None or not word:
                shown = text.strip()[:40]
                await self.push(f'500 5.5.1 Command unrecognized: "{shown}"')
                continue
            self._typed = word
            self._reset_timeout()
            try:
                await method(arg)
            except (ConnectionError, asyncio.CancelledError):
                raise
            except Exception as e:  # a bug must not drop an accepted message or the daemon
                self.mta.log(f"SYSERR: {command}: {e!r}")
                await self.push("451 4.3.0 Temporary system failure. Please try again later.")

    async def _too_long(self) -> None:
        await self.push(f"421 4.7.0 {self.cfg.hostname} Command too long, closing connection")
        self.mta.log(f"{self._relay_text()}: Command too long, closing connection")
        self.transport.close()

    def _relay_text(self) -> str:
        return f"{self.client_name or ''} [{self.client_addr}]".strip()

    def _reset_transaction(self) -> None:
        """A new envelope (HELO/EHLO, RSET, the end of DATA): its queue id comes at the next MAIL."""
        self._mail_from, self._rcpts, self._qid = None, [], None
        self._discard = self._discard_connection

    # -- commands
    async def smtp_HELO(self, arg):
        if not arg:
            await self.push(f"501 5.0.0 {self._typed} requires domain address")
            return
        self._helo = arg
        self._reset_transaction()
        await self.push(f"250 {self.cfg.hostname} Hello {self._relay_text()}, pleased to meet you")

    async def smtp_EHLO(self, arg):
        if not arg:
            await self.push(f"501 5.0.0 {self._typed} requires domain address")
            return
        self._helo = arg
        self.session.extended_smtp = True
        self._reset_transaction()
        size = f"SIZE {self.cfg.max_message_size}" if self.cfg.max_message_size else "SIZE"
        lines = [f"{self.cfg.hostname} Hello {self._relay_text()}, pleased to meet you",
                 "ENHANCEDSTATUSCODES", "PIPELINING", "8BITMIME", size, "DSN", "ETRN", "DELIVERBY", "HELP"]
        for ln in lines[:-1]:
            await self.push(f"250-{ln}")
        await self.push(f"250 {lines[-1]}")

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
        from ..core import route

        targets = route.resolve(self.mta.world, self.cfg, addr)
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
        limit = self.cfg.max_message_size
        if limit and params.get("SIZE", "0").isdigit() and int(params.get("SIZE", "0")) > limit:
            await self.push(f"552 5.2.3 Message size exceeds fixed maximum message size ({limit})")
            return
        verdict = policy.check_mail(self.mta.world, self.cfg, addr)
        if verdict is not None and verdict.discard:
            self._discard = True
        elif verdict is not None:
            self.mta.log(f"ruleset=check_mail, arg1=<{addr}>, relay={self._relay_text()}, reject={verdict}",
                         qid=self._qid)
            await self.push(str(verdict))
            return
        self._mail_from = addr
        self._rcpts = []
        await self.push(f"250 2.1.0 <{addr}>... Sender ok")

    async def smtp_RCPT(self, arg):
        if self._mail_from is None:
            await self.push("503 5.0.0 Need MAIL before RCPT")
            return
        addr, params = _parse_path(arg)
        if addr is None or not (arg or "").upper().lstrip().startswith("TO") or not addr:
            await self.push('501 5.5.2 Syntax error in parameters scanning "to"')
            return
        verdict = policy.check_rcpt(self.mta.world, self.cfg, addr, self.client_addr, self.client_name)
        if verdict is not None and verdict.discard:
            self._discard = True
        elif verdict is not None:
            self.mta.log(f"ruleset=check_rcpt, arg1=<{addr}>, relay={self._relay_text()}, reject={verdict}",
                         qid=self._qid)
            await self.push(str(verdict))
            return
        self._rcpts.append(addr if "@" in addr else f"{addr}@{self.cfg.hostname}")
        await self.push(f"250 2.1.5 <{addr}>... Recipient ok")

    async def smtp_DATA(self, arg):
        if self._mail_from is None:
            await self.push("503 5.0.0 Need MAIL command")
            return
        if not self._rcpts:
            await self.push("503 5.0.0 Need RCPT (recipient)")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        chunks, size = [], 0
        limit = self.cfg.max_message_size
        while True:
            try:
                line = await self._reader.readuntil(b"\n")
            except asyncio.LimitOverrunError as e:
                line = await self._reader.read(e.consumed)  # an overlong body line: keep reading
            except asyncio.IncompleteReadError:
                return  # the client went away mid-message: nothing was accepted
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b"."):
                line = line[1:]
            size += len(line)
            if not limit or size <= limit:
                chunks.append(line)
        sender, rcpts, discard, qid = self._mail_from, list(self._rcpts), self._discard, self._qid
        self._reset_transaction()
        if limit and size > limit:
            await self.push(f"552 5.2.3 Message exceeds maximum fixed size ({limit})")
            return
        data = b"".join(chunks).replace(b"\r\n", b"\n")
        if discard:
            self.mta.log(f"from=<{sender}>, size={len(data)}, discarded", qid=qid)
            await self.push(f"250 2.0.0 {qid} Message accepted for delivery")
            return
        staged = self._stage_message(qid, sender, rcpts, data)
        await asyncio.wrap_future(self.mta.committer.submit(staged))
        mode = self.cfg.delivery_mode
        if mode == "i":
            await asyncio.wrap_future(self.mta.delivery.submit(self.mta._deliver, qid))
        await self.push(f"250 2.0.0 {qid} Message accepted for delivery")
        if mode == "b":
            self.mta.deliver_later(qid)

    def _stage_message(self, qid, sender, rcpts, data):
        names = _header_names(data)
        now = rfc5322_date(self.mta.clock.now())
        host = self.cfg.hostname
        received = (f"from {self._helo or self.client_name or ''} ({self._relay_text()})\n"
                    f"\tby {host} ({self.cfg.version}/{self.cfg.version}) with "
                    f"{'ESMTP' if self.session.extended_smtp else 'SMTP'} id {qid}"
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
                       client_name=self.client_name or f"[{self.client_addr}]",
                       protocol="ESMTP" if self.session.extended_smtp else "SMTP", daemon=self.mta.daemon_name)
        return self.mta.queue.stage(env, data, self.mta.clock, qid=qid, extra_headers=extra + add_after)
