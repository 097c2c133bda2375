"""Returned mail: an RFC 3464 delivery status notification, worded as sendmail words it.

The original message comes back as its header only (text/rfc822-headers, what sendmail returns
for RET=HDRS): the header lines are the qf's, the df is never read, so returning a huge message
costs no memory. (sendmail's default, RET=FULL, would return the body too; the course's notices
have always shown the header only.)"""

from __future__ import annotations

from .clock import rfc5322_date
from .queue import QueueEntry, message_id


def interval_text(td) -> str:
    """sendmail's pintvl() wording: "5 days", "1 hour", "4 hours", "1 day, 2 hours"."""
    secs = int(td.total_seconds())
    parts = []
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        n, secs = divmod(secs, size)
        if n:
            parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
    return ", ".join(parts) or "0 seconds"


def make_bounce(cfg, clock, entry: QueueEntry, failures: list[tuple], reason: str,
                original_headers: str, expired: str | None = None, to: str | None = None,
                subject_prefix: str = "Returned mail", qid: str | None = None,
                transcript: list[str] | None = None) -> bytes:
    """failures: (recipient, status "5.1.1", diagnostic text), or with a fourth item, the next
    host that refused it (its Remote-MTA; the text is then its reply, "550 5.7.1 <b@x>...
    Relaying denied"). reason: subject's tail. transcript: what the SMTP sessions with the next
    hosts left to quote ("... while talking to mail.jeju.example.:", ">>> DATA", "<<< 550 ..."),
    in place of a line per remote failure.
    expired: Timeout.queuereturn's wording ("5 days") when the message timed out in the queue;
    its recipients (status 4.4.7) carry their last deferral as the text. to/subject_prefix:
    "postmaster"/"Postmaster notify" for a double bounce (mail from <> that failed)."""
    now = clock.now()
    host = cfg.hostname
    boundary = f"{entry.qid}.{int(now.timestamp())}/{host}"
    arrived = rfc5322_date(entry.ctime_dt.astimezone(now.tzinfo))
    client = entry.macros.get("_", "localhost")
    lines = [
        f"From: Mail Delivery Subsystem <{cfg.dn}@{host}>",
        f"To: <{to or entry.sender}>",
        f"Subject: {subject_prefix}: {reason}",
        f"Date: {rfc5322_date(now)}",
        f"Message-Id: {message_id(now, qid or clock.queue_id(), host)}",  # $i: the DSN's own id
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"',
        "Auto-Submitted: auto-generated (failure)",
        "",
        "This is a MIME-encapsulated message",
        "",
        f"--{boundary}",
        "",
        f"The original message was received at {arrived}",
        f"from {client}",
        "",
        "   ----- The following addresses had permanent fatal errors -----",
    ]
    for rcpt, status, text, *_ in failures:
        lines += [f"<{rcpt}>", f"    (reason: {text})"]
    lines += ["", "   ----- Transcript of session follows -----"]
    for rcpt, status, text, *remote in failures:
        if remote and remote[0]:
            continue  # told by the session's transcript
        if status == "4.4.7":
            lines.append(f"<{rcpt}>... {text}")
        else:
            lines.append(f"{'550' if status.startswith('5') else '421'} {status} <{rcpt}>... {text}")
    lines += transcript or []
    if expired:
        lines += [f"Message could not be delivered for {expired}", "Message will be deleted from queue"]
    lines += ["", f"--{boundary}", "Content-Type: message/delivery-status", "",
              f"Reporting-MTA: dns; {host}", f"Received-From-MTA: DNS; {client.split(' ')[0]}",
              f"Arrival-Date: {arrived}", ""]
    for rcpt, status, text, *remote in failures:
        if remote and remote[0]:
            lines += [f"Final-Recipient: RFC822; {rcpt}", f"X-Actual-Recipient: rfc822; {rcpt}", "Action: failed",
                      f"Status: {status}", f"Remote-MTA: DNS; {remote[0]}"]
        else:
            lines += [f"Final-Recipient: RFC822; {rcpt}", "Action: failed", f"Status: {status}"]
        lines += [f"Diagnostic-Code: SMTP; {text}", f"Last-Attempt-Date: {rfc5322_date(now)}", ""]
    lines += [f"--{boundary}", "Content-Type: text/rfc822-headers", "", original_headers.rstrip("\n"),
              "", f"--{boundary}--", ""]
    return "\n".join(lines).encode("utf-8", "surrogateescape")


WARNING_BANNER = [
    "    **********************************************",
    "    **      THIS IS A WARNING MESSAGE ONLY      **",
    "    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **",
    "    **********************************************",
]


def make_warning(cfg, clock, entry: QueueEntry, waiting: list[str], reason: str, original_headers: str,
                 qid: str | None = None) -> bytes:
    """The Timeout.queuewarn notice: "Warning: could not send message for past 4 hours"."""
    now = clock.now()
    host = cfg.hostname
    boundary = f"{entry.qid}.{int(now.timestamp())}/{host}"
    arrived = rfc5322_date(entry.ctime_dt.astimezone(now.tzinfo))
    client = entry.macros.get("_", "localhost")
    warn, ret = interval_text(cfg.queue_warn), interval_text(cfg.queue_return)
    lines = [
        f"From: Mail Delivery Subsystem <{cfg.dn}@{host}>",
        f"To: <{entry.sender}>",
        f"Subject: Warning: could not send message for past {warn}",
        f"Date: {rfc5322_date(now)}",
        f"Message-Id: {message_id(now, qid or clock.queue_id(), host)}",  # $i: the DSN's own id
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"',
        "Auto-Submitted: auto-generated (warning-timeout)",
        "",
        "This is a MIME-encapsulated message",
        "",
        f"--{boundary}",
        "",
        *WARNING_BANNER,
        "",
        f"The original message was received at {arrived}",
        f"from {client}",
        "",
        "   ----- Transcript of session follows -----",
        *[f"{r}... {reason}" for r in waiting],
        f"Warning: message still undelivered after {warn}",
        f"Will keep trying until message is {ret} old",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        f"Reporting-MTA: dns; {host}",
        f"Arrival-Date: {arrived}",
        "",
    ]
    for rcpt in waiting:
        lines += [f"Final-Recipient: RFC822; {rcpt}", "Action: delayed", "Status: 4.4.3",
                  f"Diagnostic-Code: SMTP; {reason}", f"Last-Attempt-Date: {rfc5322_date(now)}",
                  f"Will-Retry-Until: {rfc5322_date(entry.ctime_dt.astimezone(now.tzinfo) + cfg.queue_return)}", ""]
    lines += [f"--{boundary}", "Content-Type: text/rfc822-headers", "", original_headers.rstrip("\n"),
              "", f"--{boundary}--", ""]
    return "\n".join(lines).encode("utf-8", "surrogateescape")
