"""The esmtp, smtp and relay mailers: queued mail handed to the next host over SMTP, as sendmail
8.17's deliver() and usersmtp.c hand it on.

`Delivery(...).run()` sends one message to the recipients one mailer host takes (the cf's
ruleset 0 gave each recipient its mailer and host; those with the same pair go together, in one
transaction, as sendmail sends them). The hosts come from core/mxroute.py, tried in order:
- a connection refused or timed out, a 4xx greeting, or every recipient refused with 4xx: the
  next host is tried; when none is left the recipients stay queued (deferred);
- a recipient refused with 5xx fails for good (a DSN goes back to the sender); the others go on;
- 2xx after the message: sent.
Every status is reported through `report(status, xdelay)` as it happens, which the runner writes
to maillog in sendmail's words (`to=<...>, delay=, xdelay=, mailer=esmtp, pri=, relay=
mail.jeju.example. [127.0.0.5], dsn=2.0.0, stat=Sent (... Message accepted for delivery)`,
`reply=` with a refusal); `transcript` is the part of the session a DSN quotes ("... while
talking to mail.jeju.example.:", ">>> DATA", "<<< 550 5.7.1 ..."), `verbose` all of it, as
`sendmail -v` prints it.

Nothing leaves the machine: an address is connected to only when core/network.py's `endpoint`
names it as a host of this host's network listening on port 25. Any other address is never
tried (deferred as a name the resolver could not look up); a host of the network with nothing
on port 25 is a refused connection, as a machine whose sendmail is stopped.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from . import mxroute, network, rewrite
from .smtpclient import Connection, Reply, SmtpTrouble, open_connection

# sendmail's Timeout.* (hours for some) would hold a delivery thread far too long in a kernel:
# each is capped at these seconds (the peer is another host on this machine).
CONNECT_CAP = 10.0
REPLY_CAP = 30.0
DATA_CAP = 60.0  # Timeout.datablock (each write) and Timeout.datafinal (the reply to the dot)


@dataclass
class Status:
    """One line of maillog for one or more recipients, and their outcome."""
    rcpts: list
    kind: str  # "sent", "deferred", "failed"
    dsn: str
    stat: str
    relay: str
    reply: str | None = None  # the remote's refusal (reply=)
    remote: str | None = None  # the host that refused (a DSN's Remote-MTA)
    reason: str | None = None  # a failure's "(reason: ...)" in the DSN: the reply, or sendmail's short form


@dataclass
class Delivery:
    world: object
    cfg: object
    mailer: str
    host: str  # ruleset 0's $@: "jeju.example.", "[mail.jeju.example]", "[127.0.0.6]"
    sender: str
    message: object  # core/message.Message (the queued header lines, the df's body)
    rcpts: list
    report: object  # report(status, xdelay_seconds)
    body_type: str = ""  # the qf's B line (8BITMIME when the client said so)
    clock: object = None
    size: int | None = None  # MAIL's SIZE= (the message's size; None: the queued header and body)
    final: dict = field(default_factory=dict)  # rcpt -> its last Status
    transcript: list = field(default_factory=list)
    verbose: list = field(default_factory=list)
    syserr: list = field(default_factory=list)  # SYSERR texts sendmail logs (MX list points back)

    def run(self) -> dict:
        self._start = self._now()
        route = mxroute.hops(self.world, self.host, self.cfg.local_names, self.cfg.hostname)
        if isinstance(route, mxroute.NoRoute):
            if route.syserr:
                self.syserr.append(route.syserr)
            self._status(self.rcpts, "deferred" if route.temporary else "failed", route.dsn, route.stat,
                         route.relay)
            return self.final
        pending = list(self.rcpts)
        last = None  # the connection-level failure of the last host tried (logged once, at the end)
        for hop in route:
            if not hop.addrs:
                last = mxroute.lookup_failure(hop.name)
                last = Status(pending, "deferred", last.dsn, last.stat, last.relay)
                continue
            for addr in hop.addrs:
                outcome = self._try(hop, addr, pending)
                if isinstance(outcome, Status):
                    last = outcome
                    continue
                pending = outcome
                last = None
                if not pending:
                    return self.final
                break  # a host answered; what it deferred goes to the next host
        if last is not None:
            self._status(pending, last.kind, last.dsn, last.stat, last.relay, last.reply)
        left = [r for r in self.rcpts if r not in self.final]
        if left:  # a host that answered nothing for them (cannot happen with a sane peer)
            self._status(left, "deferred", "4.0.0", "Deferred", route[-1].name)
        return self.final

    # -- one host
    def _try(self, hop, addr: str, pending: list) -> list | Status:
        """A session with one address: the recipients it left deferred (to try at the next
        host), or the Status of a connection that did not get that far."""
        relay = f"{hop.name} [{addr}]"
        ep = network.endpoint(self.world, addr, 25)
        if ep is None:
            if not any(h.get("addr") == addr for h in network.hosts(self.world).values()):
                # not a host of this network: never connected to (nothing leaves the machine)
                nr = mxroute.lookup_failure(hop.name)
                return Status(pending, "deferred", nr.dsn, nr.stat, nr.relay)
            return Status(pending, "deferred", "4.4.1", f"Deferred: Connection refused by {hop.name}", relay)
        self.verbose.append(f"{','.join(f'<{r}>' for r in pending)}... Connecting to {hop.name} via {self.mailer}...")
        try:
            sock = open_connection(ep, network.own_address(self.world), self._limit("connect", CONNECT_CAP))
        except ConnectionRefusedError:
            return Status(pending, "deferred", "4.4.1", f"Deferred: Connection refused by {hop.name}", relay)
        except (socket.timeout, TimeoutError):
            return Status(pending, "deferred", "4.4.1", f"Deferred: Connection timed out with {hop.name}", relay)
        except OSError as e:
            return Status(pending, "deferred", "4.4.1", f"Deferred: {e.strerror or 'Connection failed'}", relay)
        session = _Session(self, Connection(sock, self.verbose), hop, relay)
        try:
            return session.run(pending)
        finally:
            session.conn.close()

    # -- reporting
    def _status(self, rcpts, kind, dsn, stat, relay, reply=None, remote=None) -> None:
        st = Status(list(rcpts), kind, dsn, stat, relay, reply, remote)
        self.verbose.append(f"{','.join(f'<{r}>' for r in rcpts)}... {stat}")
        if kind == "failed":
            st.remote = remote or relay.split(" ")[0].rstrip(".")
            st.reason = reply
            if reply is None:  # no reply to quote: sendmail's own words, in the transcript too
                code = "554" if dsn == "5.3.5" else "550"
                st.reason = "553 5.3.5 system config error" if dsn == "5.3.5" else f"{code} {stat.split(' (')[0]}"
                self.transcript += [f"{code} {dsn} <{r}>... {stat}" for r in rcpts]
        for r in rcpts:
            self.final[r] = st
        self.report(st, self._now() - self._start)

    def _now(self) -> float:
        return self.clock.now().timestamp() if self.clock is not None else 0.0

    def _limit(self, name: str, cap: float) -> float:
        td = self.cfg.timeouts.get(name) if getattr(self.cfg, "timeouts", None) else None
        secs = td.total_seconds() if td is not None else 0
        return min(secs, cap) if secs > 0 else cap


class _Session:
    """One SMTP transaction with one host (sendmail's smtpinit, smtpmailfrom, smtprcpt,
    smtpdata, smtpquit)."""

    def __init__(self, d: Delivery, conn: Connection, hop, relay: str):
        self.d, self.conn, self.hop, self.relay = d, conn, hop, relay
        self.intro = False  # "... while talking to X:" written to the transcript
        self.last_sent: str | None = None  # the command the transcript names before a refusal
        self.shown = True

    def send(self, *lines: str, timeout: float) -> None:
        self.conn.send(*lines, timeout=timeout)
        self.last_sent, self.shown = lines[-1], False

    def reply(self, name: str, cap: float | None = None) -> Reply:
        r = self.conn.reply(self.d._limit(name, cap or REPLY_CAP))
        if r.code >= 400:
            self._quote(r)
        return r

    def _quote(self, r: Reply) -> None:
        if not self.intro:
            self.d.transcript.append(f"... while talking to {self.hop.name}:")
            self.intro = True
        if not self.shown and self.last_sent:
            self.d.transcript.append(f">>> {self.last_sent}")
            self.shown = True
        self.d.transcript += [f"<<< {ln}" for ln in r.lines]

    def run(self, pending: list) -> list | Status:
        """The recipients to try at the next host ([] when none), or the Status of a host that
        failed before any recipient was named."""
        d, hop = self.d, self.hop
        done: set = set()  # recipients this session gave a final word on
        try:
            greeting = self.reply("initial")
            if greeting.code // 100 == 4:
                return self._host_deferred(greeting)
            if greeting.code // 100 != 2:
                return self._all_failed(pending, greeting, "Service unavailable", "5.5.0")
            ext = self._hello(pending)
            if not isinstance(ext, dict):
                return ext
            size = d.size if d.size is not None else d.message.size
            if ext.get("SIZE", "").isdigit() and 0 < int(ext["SIZE"]) < size:
                d._status(pending, "failed", "5.2.3", f"Message is too large; {ext['SIZE']} bytes max", self.relay)
                return []
            sender, head = rewrite.outgoing(d.world, d.cfg, d.mailer, d.sender, d.message.head())
            params = (f" SIZE={size}" if "SIZE" in ext else "") + \
                (f" BODY={d.body_type}" if d.body_type and "8BITMIME" in ext else "")
            self.send(f"MAIL From:<{sender}>{params}", timeout=REPLY_CAP)
            r = self.reply("mail")
            if r.code // 100 == 4:
                return self._host_deferred(r)
            if r.code // 100 != 2:
                stat = "Data format error" if r.code in (501, 553) else "Service unavailable"
                dsn = {501: "5.5.2", 553: "5.1.3", 552: "5.3.4"}.get(r.code, "5.0.0")
                return self._all_failed(pending, r, stat, dsn)
            accepted, retry = self._recipients(pending, "PIPELINING" in ext, done)
            if accepted:
                retry += self._data(accepted, head, done)
            return retry
        except SmtpTrouble as t:
            left = [r for r in pending if r not in done]
            stat = {"timeout": f"Deferred: Connection timed out with {hop.name}",
                    "protocol": "Deferred: Remote protocol error"}.get(t.kind, f"Deferred: Connection reset by {hop.name}")
            self.conn.close()
            if len(left) < len(pending):  # some recipients were answered: the rest wait here
                d._status(left, "deferred", "4.4.2", stat, self.relay)
                return []
            return Status(left, "deferred", "4.4.2", stat, self.relay)
        finally:
            self._quit()

    def _hello(self, pending: list):
        """EHLO (HELO when refused): the extensions offered, or what the runner gets instead."""
        d = self.d
        self.send(f"EHLO {d.cfg.hostname}", timeout=REPLY_CAP)
        r = self.reply("helo")
        esmtp = r.code // 100 == 2
        if r.code // 100 == 5:
            self.send(f"HELO {d.cfg.hostname}", timeout=REPLY_CAP)
            r = self.reply("helo")
        if r.code // 100 == 4:
            return self._host_deferred(r)
        if r.code // 100 != 2:
            return self._all_failed(pending, r, "Service unavailable", "5.5.0")
        words = r.lines[0][4:].split()
        if words and words[0].lower().rstrip(".") == d.cfg.hostname.lower():
            # the MX (or a mailertable entry) led back to this very host
            d.syserr.append(f"553 5.3.5 {self.hop.name} config error: mail loops back to me (MX problem?)")
            d._status(pending, "failed", "5.3.5", "Local configuration error", self.relay)
            return []
        ext = {}
        for line in r.lines[1:] if esmtp else ():
            word, _, arg = line[4:].partition(" ")
            ext[word.upper()] = arg.strip()
        return ext

    def _recipients(self, pending: list, pipelined: bool, done: set) -> tuple[list, list]:
        """RCPT for each (all at once with DATA when the host pipelines): (accepted, to retry
        at the next host). The DATA reply is kept for _data."""
        accepted, retry = [], []
        if pipelined:
            self.send(*[f"RCPT To:<{r}>" for r in pending], "DATA", timeout=REPLY_CAP)
        for r in pending:
            if not pipelined:
                self.send(f"RCPT To:<{r}>", timeout=REPLY_CAP)
            rep = self.reply("rcpt")
            if rep.code // 100 == 2:
                accepted.append(r)
                continue
            done.add(r)
            if rep.code // 100 == 4:
                retry.append(r)
                self.d._status([r], "deferred", rep.enhanced or "4.0.0", f"Deferred: {rep.last}", self.relay,
                               rep.last)
            else:
                self._refused(r, rep)
        self._data_reply = None
        if pipelined or accepted:
            if not pipelined:
                self.send("DATA", timeout=REPLY_CAP)
            self._data_reply = self.reply("datainit")
        if not accepted and pipelined and self._data_reply.code // 100 == 5:
            self.send("RSET", timeout=REPLY_CAP)
            self.reply("rset")
        return accepted, retry

    def _refused(self, rcpt: str, rep: Reply) -> None:
        """A recipient refused for good (sendmail's smtprcptstat, then giveresponse's line)."""
        user = rep.code in (550, 551, 553)
        dsn = rep.enhanced or {550: "5.1.1", 551: "5.1.6", 553: "5.1.3"}.get(rep.code, "5.0.0")
        stat = "User unknown" if user else "Service unavailable"
        self.d.transcript.append(f"550 5.1.1 <{rcpt}>... User unknown" if user
                                 else f"554 5.0.0 <{rcpt}>... Service unavailable")
        self.d._status([rcpt], "failed", dsn, stat, self.relay, rep.last, self.hop.name.rstrip("."))

    def _data(self, accepted: list, head: bytes, done: set) -> list:
        """The message to the accepted recipients; those to try at the next host."""
        d, r = self.d, self._data_reply
        if r.code // 100 == 4:
            done.update(accepted)
            d._status(accepted, "deferred", r.enhanced or "4.0.0", f"Deferred: {r.last}", self.relay, r.last)
            return accepted
        if r.code != 354:
            self._fail_reply(accepted, r, done)
            return []
        _, body = d.message.split()
        self.conn.send_data(_with_head(head, body), timeout=d._limit("datablock", DATA_CAP))
        self.last_sent, self.shown = ".", False
        r = self.reply("datafinal", DATA_CAP)
        done.update(accepted)
        if r.code // 100 == 2:
            d._status(accepted, "sent", r.enhanced or "2.0.0", f"Sent ({r.message})", self.relay)
        elif r.code // 100 == 4:
            d._status(accepted, "deferred", r.enhanced or "4.0.0", f"Deferred: {r.last}", self.relay, r.last)
            return accepted
        else:
            self._fail_reply(accepted, r, done)
        return []

    def _fail_reply(self, rcpts: list, r: Reply, done: set) -> None:
        done.update(rcpts)
        self.d._status(rcpts, "failed", r.enhanced or "5.0.0", "Service unavailable", self.relay, r.last,
                       self.hop.name.rstrip("."))

    def _all_failed(self, rcpts, r: Reply, stat: str, dsn: str) -> list:
        self.d._status(list(rcpts), "failed", r.enhanced or dsn, stat, self.relay, r.last,
                       self.hop.name.rstrip("."))
        return []

    def _host_deferred(self, r: Reply) -> Status:
        return Status([], "deferred", r.enhanced or "4.0.0", f"Deferred: {r.last}", self.relay, r.last)

    def _quit(self) -> None:
        try:
            if self.conn.sock.fileno() >= 0:
                self.d.verbose.append(f"Closing connection to {self.hop.name}")
                self.send("QUIT", timeout=REPLY_CAP)
                self.conn.reply(self.d._limit("quit", REPLY_CAP))
        except (SmtpTrouble, OSError):
            pass


def _with_head(head: bytes, body):
    yield head + b"\n\n"
    yield from body
