"""The one source of times, queue ids and pids for the whole host.

Everything that prints or stores a time or an id asks a `Clock`. Tests and notebooks inject a
`FixedClock` so their outputs are reproducible; the running host uses `SystemClock`.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone

# sendmail's queue id digits (base 60): 0-9, A-Z, a-x.
QID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"


def queue_id(when: datetime, seq: int, pid: int) -> str:
    """A sendmail 8 queue id: year, month, day, hour, minute, second, 2 sequence chars, pid."""
    c = QID_CHARS
    return (
        c[(when.year - 1900) % 60]
        + c[when.month - 1]
        + c[when.day]
        + c[when.hour]
        + c[when.minute]
        + c[when.second]
        + c[(seq // 60) % 60]
        + c[seq % 60]
        + f"{pid % 1000000:06d}"
    )


class Clock:
    """Base: subclasses give `now()`; ids are made here so both kinds share the format."""

    pid: int

    def __init__(self, pid: int):
        self.pid = pid
        self._seq = 0
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def advance(self, delta: timedelta) -> None:
        """Move this host's time forward (the course's "five days later" without waiting)."""
        with self._lock:
            self._offset += delta

    def now(self) -> datetime:  # pragma: no cover - overridden
        raise NotImplementedError

    def queue_id(self) -> str:
        with self._lock:
            seq = self._seq
            self._seq = (self._seq + 1) % 3600
        return queue_id(self.now(), seq, self.pid)

    def ticket(self) -> int:
        """A monotonic counter for things that need a unique number (IMAP UIDVALIDITY seeds etc.)."""
        with self._lock:
            self._seq = (self._seq + 1) % 3600
            return self._seq


class SystemClock(Clock):
    def __init__(self, tz: timezone | None = None):
        super().__init__(os.getpid())
        self.tz = tz

    def now(self) -> datetime:
        t = datetime.now(self.tz).astimezone(self.tz) if self.tz else datetime.now().astimezone()
        return t + self._offset


class FixedClock(Clock):
    """Starts at `start` and moves `step` forward on every call to now(); `advance()` jumps."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(0), pid: int = 4242):
        super().__init__(pid)
        self._t = start or datetime(2026, 11, 29, 9, 0, 0, tzinfo=timezone(timedelta(hours=9), "KST"))
        self.step = step

    def now(self) -> datetime:
        with self._lock:
            t = self._t
            self._t = t + self.step
            return t + self._offset


def rfc5322_date(when: datetime) -> str:
    """The date form sendmail writes: 'Sun, 29 Nov 2026 09:00:00 +0900' (day not padded).

    In UTC sendmail's arpadate() writes the zone as "GMT", as the greeting of a host in UTC shows.
    """
    zone = when.strftime("%z")
    if zone in ("+0000", "-0000"):
        zone = "GMT"
    return when.strftime("%a, ") + str(when.day) + when.strftime(" %b %Y %H:%M:%S ") + zone
