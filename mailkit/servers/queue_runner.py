"""The daemon's periodic queue run (sendmail -q15m): retry what is queued, on the host's loop.

The interval comes from /etc/sysconfig/sendmail (`QUEUE=1h`, as CentOS's unit passes
`-q$QUEUE`), default 15 minutes; MAILKIT_QUEUE_INTERVAL (seconds) overrides it for tests.
A run goes through the MTA's delivery executor, so it never overlaps a background delivery
and never blocks the loop. Failures are written to maillog, never printed.
"""

from __future__ import annotations

import asyncio
import os
import re

from ..core import maillog, runner

SYSCONFIG = "/etc/sysconfig/sendmail"
DEFAULT_INTERVAL = 15 * 60
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_interval(text: str) -> float | None:
    """sendmail's time syntax: '15m', '1h30m', '90' (minutes when unitless, as for -q)."""
    text = text.strip().lstrip("-q").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text) * 60.0
    parts = re.findall(r"(\d+)([smhdw])", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return float(sum(int(n) * _UNITS[u] for n, u in parts))


def interval_of(world) -> float:
    env = os.environ.get("MAILKIT_QUEUE_INTERVAL")
    if env:
        return float(env)
    path = world.path(SYSCONFIG)
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            name, _, value = line.partition("=")
            if name.strip() == "QUEUE":
                secs = parse_interval(value.strip().strip("'\""))
                if secs:
                    return secs
    return DEFAULT_INTERVAL


def hms(seconds: float) -> str:
    """The interval as sendmail's start line shows it: 'SMTP+queueing@00:15:00'."""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class QueueRunner:
    """Runs the queue every `interval` seconds while started; `run_now()` from any thread."""

    def __init__(self, world, clock, interval: float):
        self.world, self.clock, self.interval = world, clock, interval
        self.task: asyncio.Task | None = None
        self.runs = 0

    def start(self, mta_of) -> None:
        """Begin periodic runs on the running loop; `mta_of()` gives the live MTA or None."""
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._loop(mta_of))

    async def stop(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _loop(self, mta_of) -> None:
        while True:
            await asyncio.sleep(self.interval)
            mta = mta_of()
            if mta is None:
                continue  # sendmail stopped: nothing runs the queue until it starts again
            try:
                await asyncio.wrap_future(mta.delivery.submit(self.run_once, mta.cfg))
            except Exception as e:  # logged, never printed; the next run tries again
                maillog.log(self.world, self.clock, f"queue run failed: {e!r}")

    def run_once(self, cfg):
        self.runs += 1
        return runner.run_queue(self.world, cfg, self.clock)
