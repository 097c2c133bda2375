"""A queued message's remote recipients handed to the next hosts, and logged as sendmail logs it.

The recipients ruleset 0 sent to the same mailer and host go in one SMTP transaction
(core/esmtp.py), groups in the order of their first recipient. Right after a message was
accepted sendmail takes its recipients in the reverse order of the RCPT commands (its list is
built by pushing each one on its front); a queue run reads them from the qf in order.

Each status becomes one maillog line, in sendmail 8.17's format (checked against the real
sendmail relaying, tests/network/test_real_sendmail_format.py):
    to=<carol@jeju.example>,<bob@jeju.example>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp,
    pri=60019, relay=mail.jeju.example. [127.0.0.5], dsn=2.0.0, stat=Sent (ID Message accepted
    for delivery)
and `reply=550 5.7.1 <bob@jeju.example>... Relaying denied` before `stat=User unknown` when the
next host refused a recipient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .esmtp import Delivery
from .maillog import log
from .queue import RECIPIENT_FACTOR


def duration_text(secs: float) -> str:
    """sendmail's pintvl() for delay= and xdelay=: "00:00:01", "2+03:04:05"."""
    secs = max(0, int(secs))
    d, rest = divmod(secs, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return (f"{d}+" if d else "") + f"{h:02d}:{m:02d}:{s:02d}"


@dataclass
class Outbound:
    sent: list = field(default_factory=list)  # (rcpt, "mailer:relay")
    failed: list = field(default_factory=list)  # (rcpt, dsn, text, remote MTA or None) for the DSN
    waiting: list = field(default_factory=list)  # (orig, rcpt, Remote) still to be sent
    reason: str = ""  # the last deferral (the qf's M line)
    last_failure: str | None = None  # the stat of the last failure (the DSN's log line names it)
    logged: set = field(default_factory=set)  # recipients whose deferral is already in maillog
    transcript: list = field(default_factory=list)  # what a DSN quotes of the sessions
    verbose: list = field(default_factory=list)  # the sessions as `sendmail -v` prints them


def received_size(entry) -> int:
    """The size of the message as it was received (sendmail's e_msgsize before the first
    attempt, its SIZE= then): what the qf's priority was made of (core/queue.message_priority)."""
    return max(0, entry.priority - RECIPIENT_FACTOR * max(1, len(entry.orig_recipients or entry.recipients)))


def send(world, cfg, clock, entry, msg, remote: list, fresh: bool = False) -> Outbound:
    """Send `msg` to `remote`, [(original address, recipient, route.Remote)], grouped per host."""
    out = Outbound()
    items = list(reversed(remote)) if fresh else list(remote)
    groups: dict = {}
    for orig, rcpt, target in items:
        groups.setdefault((target.mailer, (target.host or rcpt.rpartition("@")[2]).lower()), []).append((orig, rcpt))
    body_type = next((x[1:] for x in entry.extra if x.startswith("B")), "")
    for (mailer, host), members in groups.items():
        origs = {rcpt: orig for orig, rcpt in members}
        rcpts = list(origs)

        def report(st, xdelay, mailer=mailer):
            for text in delivery.syserr:
                log(world, clock, f"SYSERR(root): {text}", qid=entry.qid)
            delivery.syserr.clear()
            reply = f"reply={st.reply}, " if st.reply and st.kind != "sent" else ""
            log(world, clock,
                f"to={','.join(f'<{r}>' for r in st.rcpts)}, "
                f"delay={duration_text(clock.now().timestamp() - entry.ctime)}, xdelay={duration_text(xdelay)}, "
                f"mailer={mailer}, pri={entry.priority}, relay={st.relay}, dsn={st.dsn}, {reply}stat={st.stat}",
                qid=entry.qid)

        delivery = Delivery(world, cfg, mailer, host, entry.sender, msg, rcpts, report, body_type, clock,
                            size=received_size(entry) if fresh else None)
        final = delivery.run()
        out.transcript += delivery.transcript
        out.verbose += delivery.verbose
        reason = None
        for rcpt in rcpts:
            st = final[rcpt]
            if st.kind == "sent":
                out.sent.append((rcpt, f"{mailer}:{st.relay}"))
            elif st.kind == "failed":
                out.failed.append((rcpt, st.dsn, st.reason or st.stat, st.remote))
                out.last_failure = st.stat
            else:
                out.waiting.append((origs[rcpt], rcpt, next(t for o, r, t in items if r == rcpt)))
                out.logged.add(rcpt)
                reason = reason or st.stat
        out.reason = reason or out.reason
    # the DSN lists the failed recipients as the qf holds them
    order = {rcpt: i for i, (_, rcpt, _) in enumerate(remote)}
    out.failed.sort(key=lambda f: order.get(f[0], 0))
    out.waiting.sort(key=lambda w: order.get(w[1], 0))
    return out
