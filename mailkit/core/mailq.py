"""`mailq` / `sendmail -bp`: the queue listed in sendmail's own layout."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .qflock import is_locked
from .queue import QueueEntry

HEADER = "-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------"
# `mailq -v`: sendmail's printqueue adds the priority column and prints the time without the
# weekday (ctime()+4, 12 characters); recipients start one column further left.
HEADER_VERBOSE = "-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------"


def queue_time(entry: QueueEntry, tz=None) -> str:
    """'Sun Nov 29 00:05' in the host's zone (tz: a tzinfo, default the entry's UTC offset 0)."""
    dt = entry.ctime_dt.astimezone(tz) if tz else entry.ctime_dt
    return dt.strftime("%a %b %d %H:%M")


def locked_ids(queue_path: Path, entries: list[QueueEntry]) -> frozenset[str]:
    """The ids of the jobs a runner is working on now (their qf is locked); queue_path is the
    queue directory's real path (World.path of the host path)."""
    return frozenset(e.qid for e in entries if is_locked(Path(queue_path) / f"qf{e.qid}"))


def printq_order(entries: list[QueueEntry]) -> list[QueueEntry]:
    """The order sendmail lists a queue in (QueueSortOrder=priority, the default): lowest
    priority number first; equal ones keep their order."""
    return sorted(entries, key=lambda e: e.priority)


# printqueue's widths: a line of the plain listing stays within 79 columns; -v is wider
SENDER_WIDTH, SENDER_WIDTH_VERBOSE = 39, 78
RCPT_WIDTH, RCPT_WIDTH_VERBOSE = 38, 71
REASON_WIDTH, REASON_WIDTH_VERBOSE = 60, 100
CTLADDR_WIDTH = 64


def sender_shown(e: QueueEntry) -> str:
    """The sender as its S line has it ("<alice@localhost>" over SMTP, "root" from the command line)."""
    return e.sender_form or f"<{e.sender}>"


def format_mailq(queue_dir: str, entries: list[QueueEntry], tz=None, verbose: bool = False,
                 locked=frozenset()) -> str:
    """locked: ids of jobs being processed (see locked_ids); printqueue marks each with `*`
    in the column after the id, where other jobs have a blank."""
    entries = printq_order(entries)
    n = len(entries)
    if n == 0:
        return f"{queue_dir} is empty\n\t\tTotal requests: 0\n"
    out = [f"\t\t{queue_dir} ({n} request{'s' if n != 1 else ''})", HEADER_VERBOSE if verbose else HEADER]
    for e in entries:
        mark = "*" if e.qid in locked else " "
        sender = sender_shown(e)
        if verbose:
            when = queue_time(e, tz)[4:]  # "Nov 29 00:05"
            warned = "+" if "w" in e.flags else " "  # EF_WARNING: the delay notice went out
            out.append(f"{e.qid:<14}{mark}{e.body_size:>8} {e.priority:>10}{warned}{when} {sender[:SENDER_WIDTH_VERBOSE]}")
        else:
            out.append(f"{e.qid:<14}{mark}{e.body_size:>8} {queue_time(e, tz)} {sender[:SENDER_WIDTH]}")
        if e.message:  # "\n    %10.10s   (%s)": the body type column is empty for 7BIT
            out.append(f"                 ({e.message[:REASON_WIDTH_VERBOSE if verbose else REASON_WIDTH]})")
        for r in e.recipients:
            if verbose and r in e.ctladdr:  # the C line: who the delivery runs as
                out.append(f"\t\t\t\t\t\t(---{e.ctladdr[r][:CTLADDR_WIDTH]}---)")
            out.append(f"\t\t\t\t\t\t{r[:RCPT_WIDTH_VERBOSE]}" if verbose else f"\t\t\t\t\t {r[:RCPT_WIDTH]}")
    out.append(f"\t\tTotal requests: {n}")
    return "\n".join(out) + "\n"


def local_tz():
    return time.localtime().tm_gmtoff


@dataclass
class QueueListing:
    """What `mailq` listed, as data: front doors may show it richer (the notebook's queue table)."""

    queue_dir: str
    entries: list = field(default_factory=list)
    tz: object = None
    locked: frozenset = frozenset()  # ids shown with `*` (being processed)

    def __str__(self) -> str:
        return format_mailq(self.queue_dir, self.entries, self.tz, locked=self.locked)
