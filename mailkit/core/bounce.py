"""Returned mail: an RFC 3464 delivery status notification, worded as sendmail words it."""

from __future__ import annotations

from .clock import rfc5322_date
from .queue import QueueEntry


def make_bounce(cfg, clock, entry: QueueEntry, failures: list[tuple[str, str, str]], reason: str,
                original_headers: str) -> bytes:
    """failures: (recipient, status "5.1.1", diagnostic text). reason: subject's tail."""
    now = clock.now()
    host = cfg.hostname
    boundary = f"{entry.qid}.{int(now.timestamp())}/{host}"
    arrived = rfc5322_date(entry.ctime_dt.astimezone(now.tzinfo))
    client = entry.macros.get("_", "localhost")
    lines = [
        f"From: Mail Delivery Subsystem <{cfg.dn}@{host}>",
        f"To: <{entry.sender}>",
        f"Subject: Returned mail: {reason}",
        f"Date: {rfc5322_date(now)}",
        f"Message-Id: <{clock.queue_id()}@{host}>",
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
    for rcpt, status, text in failures:
        lines += [f"<{rcpt}>", f"    (reason: {text})"]
    lines += ["", "   ----- Transcript of session follows -----"]
    for rcpt, status, text in failures:
        lines.append(f"{'550' if status.startswith('5') else '421'} {status} <{rcpt}>... {text}")
    lines += ["", f"--{boundary}", "Content-Type: message/delivery-status", "",
              f"Reporting-MTA: dns; {host}", f"Received-From-MTA: DNS; {client.split(' ')[0]}",
              f"Arrival-Date: {arrived}", ""]
    for rcpt, status, text in failures:
        lines += [f"Final-Recipient: RFC822; {rcpt}", "Action: failed", f"Status: {status}",
                  f"Diagnostic-Code: SMTP; {text}", f"Last-Attempt-Date: {rfc5322_date(now)}", ""]
    lines += [f"--{boundary}", "Content-Type: text/rfc822-headers", "", original_headers.rstrip("\n"),
              "", f"--{boundary}--", ""]
    return "\n".join(lines).encode("utf-8", "surrogateescape")
