"""The queue runner: deliver what is queued, defer what cannot go, return what waited too long.

Used by the SMTP server right after a message is queued (DeliveryMode i and b), by the
periodic runner, and by `sendmail -q`. Every step is logged to /var/log/maillog.

Each attempt on a message holds its qf locked (core/qflock.py) from loading the qf to removing
or rewriting it; a job whose qf another runner (in this process or another) has locked is
skipped, as sendmail skips it, so no message is delivered twice.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from . import network, outbound, qflock, rewrite, route, snapshot
from .bounce import interval_text, make_bounce, make_warning
from .deliver import DeliveryError, deliver_file, deliver_local, run_program
from .maillog import log
from .message import Message
from .queue import Envelope, Queue, QueueEntry, QueueFileError, format_qf, join_message
from .world import World

DOUBLE_BOUNCE_ADDRESS = "postmaster"  # O DoubleBounceAddress's default
DOUBLE_BOUNCE_PREFIX = "Postmaster notify"
RETRY_FACTOR = 90000  # O RetryFactor: added to a job's priority each time it is run
REMOTE_DEFERRAL = "Deferred: Name server: {domain}.: host name lookup failure"


@dataclass
class RunResult:
    qid: str
    delivered: list = field(default_factory=list)  # (recipient, where)
    deferred: list = field(default_factory=list)  # (recipient, reason)
    failed: list = field(default_factory=list)  # (recipient, status, text)
    removed: bool = False
    bounce_qid: str | None = None
    warning_qid: str | None = None
    transcript: list = field(default_factory=list)  # the SMTP sessions, as `sendmail -v` shows them
    relayed: set = field(default_factory=set)  # recipients handed to the esmtp mailer (told by transcript)


def _delay(entry: QueueEntry, now: datetime) -> str:
    return outbound.duration_text(int(now.timestamp()) - entry.ctime)


def _deliver_target(world, cfg, clock, t, msg: Message, sender: str, rcpt: str, res: RunResult, depth=0):
    """Deliver to one resolved target; remote targets are returned (for the esmtp mailer). Each
    local mailer gets the envelope sender and the header as its rulesets rewrite them (the local
    mailer's -f and Return-Path, a masqueraded From:...), as sendmail's deliver() does."""
    if isinstance(t, route.Mailbox):
        local_msg, local_sender = rewrite.for_mailer(world, cfg, "local", msg, sender)
        for d in deliver_local(world, cfg, t.user, local_msg, local_sender, clock):
            if d.forward_to and depth < route.MAX_DEPTH:
                remote = []
                for a in d.forward_to:
                    for t2 in route.resolve(world, cfg, a):
                        remote += _deliver_target(world, cfg, clock, t2, msg, sender, a, res, depth + 1)
                if remote:
                    return remote
            # procmail is the local mailer on this host (FEATURE(local_procmail)): log it as local
            res.delivered.append((rcpt, "local" if d.mailer in ("local", "procmail") else d.target))
        return []
    if isinstance(t, route.File):
        file_msg, file_sender = rewrite.for_mailer(world, cfg, "*file*", msg, sender)
        deliver_file(world, t.path, file_msg, file_sender, clock)
        res.delivered.append((rcpt, t.path))
        return []
    if isinstance(t, route.Program):
        run_program(world, t.command, rewrite.for_mailer(world, cfg, "prog", msg, sender)[0], t.owner)
        res.delivered.append((rcpt, "|" + t.command))
        return []
    if isinstance(t, route.Remote):
        return [t]
    if isinstance(t, route.Failure):
        res.failed.append((rcpt, t.dsn, t.text))
        return []
    raise TypeError(t)


def open_message(queue: Queue, entry: QueueEntry) -> Message:
    """The queued message for delivery: its header lines from the qf, its body streamed from
    the df (opened through the world's checked open; FileNotFoundError when it is gone)."""
    fd = queue.world.open(f"{queue.queue_dir}/df{entry.qid}", os.O_RDONLY, follow=False)
    return Message.from_fd(join_message(entry.headers, b""), fd)


def _deliver_recipients(world, cfg, clock, entry: QueueEntry, msg: Message, res: RunResult, still: list) -> None:
    """Every recipient of the entry, once per final target (however many addresses lead to
    it, as sendmail); what cannot go now is added to `still` as (original, recipient, Remote
    or None): remote targets for the esmtp mailer, and local ones a disk error held back."""
    done: set = set()
    for orig, rcpt in zip(entry.orig_recipients or entry.recipients, entry.recipients):
        try:
            remote = []
            for t in route.resolve(world, cfg, rcpt):
                if isinstance(t, (route.Mailbox, route.File, route.Program)):
                    if t in done:
                        continue
                    done.add(t)
                remote += _deliver_target(world, cfg, clock, t, msg, entry.sender, rcpt, res)
            still += [(orig, r.address, r) for r in remote]
        except DeliveryError as e:
            res.failed.append((rcpt, e.dsn, e.text))
        except OSError as e:  # disk trouble: keep it queued, try again later
            still.append((orig, rcpt, None))
            res.deferred.append((rcpt, f"Deferred: local mailer error: {e.strerror}"))


def deliver_entry(world: World, cfg, clock, queue: Queue, entry: QueueEntry,
                  held: qflock.QfLock | None = None, fresh: bool = False) -> RunResult:
    """One attempt on a message. `held` is the lock on its qf (see attempt()); a deferred
    message's qf is rewritten under it, so the lock carries over to the new qf. `fresh`: the
    attempt right after the message was accepted (sendmail then takes its recipients in the
    reverse order of the RCPT commands; a queue run reads them from the qf in order)."""
    res = RunResult(entry.qid)
    now = clock.now()
    still: list = []
    relayed = None
    with open_message(queue, entry) as msg:
        _deliver_recipients(world, cfg, clock, entry, msg, res, still)
        for rcpt, where in res.delivered:
            mailer = "local" if where == "local" else ("prog" if where.startswith("|") else "*file*")
            log(world, clock, f"to=<{rcpt}>, delay={_delay(entry, now)}, mailer={mailer}, pri={entry.priority}, dsn=2.0.0, stat=Sent", qid=entry.qid)
        for rcpt, status, text in res.failed:
            log(world, clock, f"to=<{rcpt}>, delay={_delay(entry, now)}, pri={entry.priority}, dsn={status}, stat={text}", qid=entry.qid)
        failures = list(res.failed)
        remote = [x for x in still if x[2] is not None]
        if remote and network.membership(world) is not None:
            # a host of a network hands its remote mail to the next host over SMTP
            relayed = outbound.send(world, cfg, clock, entry, msg, remote, fresh)
            still = [x for x in still if x[2] is None] + relayed.waiting
            res.delivered += relayed.sent
            res.failed += [f[:3] for f in relayed.failed]
            res.transcript = relayed.verbose
            res.relayed = {rcpt for _, rcpt, _ in remote}
            failures += relayed.failed
    still = [(orig, rcpt) for orig, rcpt, *_ in still]
    too_old = now.timestamp() - entry.ctime >= cfg.queue_return.total_seconds()
    if still and too_old:
        span = _span(cfg.queue_return)
        for orig, rcpt in still:
            # the bounce names the last deferral as the reason, as sendmail's does
            why = (relayed.reason if relayed is not None and relayed.reason else entry.message) \
                or REMOTE_DEFERRAL.format(domain=rcpt.rpartition("@")[2])
            failures.append((rcpt, "4.4.7", why))
            log(world, clock, f"to=<{rcpt}>, delay={_delay(entry, now)}, pri={entry.priority}, dsn=4.4.7, stat=Cannot send message for {span}", qid=entry.qid)
        still = []
    # mail from <> (a bounce) that fails goes to the postmaster once ("double bounce");
    # a failed postmaster notice is only logged, so bounces never loop
    double = not entry.sender and not (entry.header("Subject") or "").startswith(DOUBLE_BOUNCE_PREFIX)
    if failures and (entry.sender or double):
        expired = any(f[1] == "4.4.7" for f in failures)
        reason = f"Cannot send message for {_span(cfg.queue_return)}" if expired else "see transcript for details"
        logged = relayed.last_failure if relayed is not None and relayed.last_failure and not expired else None
        res.bounce_qid = _bounce(world, cfg, clock, queue, entry, failures, reason,
                                 _span(cfg.queue_return) if expired else None,
                                 to=None if entry.sender else DOUBLE_BOUNCE_ADDRESS,
                                 transcript=relayed.transcript if relayed is not None else None,
                                 logged_reason=logged)
    if still and entry.sender and "w" not in entry.flags \
            and now.timestamp() - entry.ctime >= cfg.queue_warn.total_seconds():
        # Timeout.queuewarn passed: one "still trying" notice per message; the F line's `w`
        # (EF_WARNING) records it was sent, so later runs do not repeat it.
        res.warning_qid = _warn(world, cfg, clock, queue, entry, [r for _, r in still])
        entry.flags += "w"
    if still:
        entry.orig_recipients = [o for o, _ in still]
        entry.recipients = [r for _, r in still]
        if relayed is not None and relayed.reason:
            entry.message = relayed.reason  # the M line: the last deferral, as sendmail keeps it
        else:
            entry.message = REMOTE_DEFERRAL.format(domain=entry.recipients[0].rpartition("@")[2])
        entry.tries += 1
        pri = entry.priority
        entry.priority += RETRY_FACTOR  # each run makes the job less urgent, as sendmail's does
        entry.last_attempt = int(now.timestamp())
        update(queue, entry, held)
        told = relayed.logged if relayed is not None else set()
        for r in entry.recipients:
            res.deferred.append((r, entry.message))
            if r not in told:
                log(world, clock, f"to=<{r}>, delay={_delay(entry, now)}, pri={pri if relayed else entry.priority}, stat={entry.message}", qid=entry.qid)
    else:
        queue.remove(entry.qid)
        res.removed = True
    return res


def update(queue: Queue, entry: QueueEntry, held: qflock.QfLock | None = None) -> None:
    """Queue.update, keeping the qf locked when `held` is its lock: the new qf (written as tf,
    as Queue.update writes it) is locked before it is renamed into place."""
    if held:
        held.replace(format_qf(entry).encode("utf-8", "surrogateescape"), queue.dir / f"tf{entry.qid}")
    else:
        queue.update(entry)


def _span(td) -> str:
    return interval_text(td)


def _bounce(world, cfg, clock, queue: Queue, entry: QueueEntry, failures, reason, expired=None,
            to: str | None = None, transcript: list[str] | None = None, logged_reason: str | None = None) -> str:
    """The DSN of `failures`; `logged_reason` is what its maillog line names when it differs
    from the subject's (the last failure's stat, for mail the next host refused)."""
    headers = "".join(f"{k}: {v}\n" for k, v in entry.headers)
    qid = clock.queue_id()  # the DSN's own envelope, named in its Message-Id
    data = make_bounce(cfg, clock, entry, failures, reason, headers, expired=expired, to=to,
                       subject_prefix=DOUBLE_BOUNCE_PREFIX if to else "Returned mail", qid=qid,
                       transcript=transcript)
    env = Envelope("", [to or entry.sender], helo=cfg.hostname, protocol="local")
    b = queue.enqueue(env, data, clock, qid=qid)
    log(world, clock, f"{b.qid}: DSN: {logged_reason or reason}", qid=entry.qid)
    attempt(world, cfg, clock, queue, b.qid)
    return b.qid


def _warn(world, cfg, clock, queue: Queue, entry: QueueEntry, waiting: list[str]) -> str:
    headers = "".join(f"{k}: {v}\n" for k, v in entry.headers)
    reason = entry.message or REMOTE_DEFERRAL.format(domain=waiting[0].rpartition("@")[2])
    qid = clock.queue_id()
    data = make_warning(cfg, clock, entry, waiting, reason, headers, qid=qid)
    env = Envelope("", [entry.sender], helo=cfg.hostname, protocol="local")
    w = queue.enqueue(env, data, clock, qid=qid)
    log(world, clock, f"{w.qid}: DSN: Warning: could not send message for past {_span(cfg.queue_warn)}", qid=entry.qid)
    attempt(world, cfg, clock, queue, w.qid)
    return w.qid


# A qf lock held by a runner is let go within milliseconds of the attempt's end; mailq's probe
# holds a shared lock for microseconds. A runner finding a job locked waits this long before it
# skips the job, so a `mailq` listing the queue at that instant does not make the daemon's
# delivery of a new message wait for the next queue run.
LOCK_WAIT = 0.05


def attempt(world: World, cfg, clock, queue: Queue, qid: str, fresh: bool = False) -> RunResult | None:
    """One attempt on a message, holding its qf lock throughout (load, deliveries, then the
    qf removed or rewritten). None when another runner holds the lock (sendmail skips a
    locked job; that runner is delivering it) or the message is gone (delivered meanwhile)."""
    with qflock.locked(queue.dir / f"qf{qid}", wait=LOCK_WAIT) as held:
        if not held:
            return None
        try:
            with snapshot.one_look():  # the maps as they are now, for this whole attempt
                return deliver_entry(world, cfg, clock, queue, queue.load(qid), held=held, fresh=fresh)
        except FileNotFoundError:  # no df: removed by hand meanwhile
            return None


_run_locks: dict[str, threading.Lock] = {}
_run_locks_guard = threading.Lock()


def queue_lock(queue: Queue) -> threading.Lock:
    """One runner at a time per queue directory in this process.

    The qf locks alone keep a message from being delivered twice (flock locks conflict within
    a process too). This lock stays for the order it gives inside one process: a `sendmail -q`
    from a notebook cell waits for the daemon's delivery in progress instead of skipping its
    message, so when the command returns every message this process was working on is done,
    and what the next cell's `mailq` shows does not depend on thread timing."""
    with _run_locks_guard:
        return _run_locks.setdefault(str(queue.dir), threading.Lock())


def run_queue(world: World, cfg, clock, queue_dir: str | None = None, select=None) -> list[RunResult]:
    """One queue run, oldest first. select(entry) -> bool limits it (sendmail -qR/-qS/-qI).
    Jobs another runner holds are skipped and have no RunResult."""
    queue = Queue(world, queue_dir or cfg.queue_dir)
    results = []
    with queue_lock(queue):
        entries = queue.entries()
        readable = {e.qid for e in entries}
        for qid in queue.ids():
            if qid in readable:
                continue
            with qflock.locked(queue.dir / f"qf{qid}") as held:
                if not held:  # another runner's, or gone
                    continue
                try:
                    queue.load(qid)
                except QueueFileError as e:  # kept as Qf for the administrator, never lost
                    name = queue.set_aside(qid)
                    log(world, clock, f"SYSERR(root): {e}, renamed to {name}", qid=qid)
                except FileNotFoundError:
                    continue
        for entry in entries:
            if select is not None and not select(entry):
                continue
            r = attempt(world, cfg, clock, queue, entry.qid)
            if r is not None:
                results.append(r)
    return results


def deliver_now(world: World, cfg, clock, queue_dir: str, qid: str) -> RunResult | None:
    """Deliver one message just queued (DeliveryMode interactive or background); None when
    another runner has it or it is gone."""
    queue = Queue(world, queue_dir)
    with queue_lock(queue):
        return attempt(world, cfg, clock, queue, qid, fresh=True)


def log_received(world: World, clock, entry: QueueEntry, envelope: Envelope, msgid: str | None) -> None:
    log(world, clock,
        f"from=<{entry.sender}>, size={entry.body_size}, class=0, nrcpts={len(entry.recipients)}, "
        f"msgid={msgid or '<>'}, proto={envelope.protocol}, "
        + (f"daemon={envelope.daemon}, " if envelope.daemon else "")  # sendmail -bs has no daemon
        + f"relay={envelope.relay}", qid=entry.qid)


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


@dataclass
class Accepted:
    qid: str
    entry: QueueEntry
    mode: str  # DeliveryMode: "i" deliver before answering, "b" right after, "q"/"d" leave queued

    @property
    def deliver_now(self) -> bool:
        return self.mode == "i"

    @property
    def deliver_in_background(self) -> bool:
        return self.mode == "b"


def accept(world: World, cfg, clock, envelope: Envelope, data: bytes, queue_dir: str | None = None,
           extra_headers: list[tuple[str, str]] = (), qid: str | None = None) -> Accepted:
    """Queue a message durably and log it; the caller answers 250 only after this returns and
    then delivers as `.mode` says (deliver_now / run in the background / leave for the runner)."""
    queue = Queue(world, queue_dir or cfg.queue_dir)
    entry = queue.enqueue(envelope, data, clock, qid=qid, extra_headers=extra_headers)
    log_received(world, clock, entry, envelope, entry.header("Message-Id"))
    mode = cfg.delivery_mode if cfg.delivery_mode in ("i", "b", "q", "d") else "b"
    return Accepted(entry.qid, entry, mode)
