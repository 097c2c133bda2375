"""One thread that makes queued messages durable in batches (a group commit).

Every SMTP session that finished DATA hands its staged message here and waits. The thread
takes all the messages waiting at that moment, commits them with core/queue.py in one go
(files written, synced, renamed, one directory fsync) and only then answers each session,
which may then say 250. One thread instead of one per session also keeps the sessions from
taking turns on the GIL around every file operation.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future, InvalidStateError
from typing import Callable

from ..core.queue import Queue, Staged
from ..core.snapshot import one_look

_STOP = object()


class Committer:
    def __init__(self, q: Queue, after: Callable[[Staged], None] | None = None):
        self.queue = q
        self.after = after  # runs on this thread once a message is committed (the maillog line)
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="mailkit-commit", daemon=True)
        self._thread.start()

    def submit(self, staged: Staged) -> Future:
        fut: Future = Future()
        self._inbox.put((staged, fut, None))
        return fut

    def submit_async(self, staged: Staged):
        """submit() for a coroutine on the running event loop: an asyncio future, answered
        with the rest of its batch in one call into the loop (one wake-up per batch)."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._inbox.put((staged, fut, loop))
        return fut

    def close(self) -> None:
        self._inbox.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while not self._inbox.empty():
                batch.append(self._inbox.get_nowait())
            stop = _STOP in batch
            work = [b for b in batch if b is not _STOP]
            if work:
                self._commit(work)
            if stop:
                return

    def _commit(self, work) -> None:
        answers: list = []
        self._commit_batch(work, answers)
        by_loop: dict = {}
        for fut, loop, result, exc in answers:
            if loop is None:
                _settle(fut, result, exc)
            else:
                by_loop.setdefault(loop, []).append((fut, result, exc))
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle_all, items)
            except RuntimeError:
                pass  # the loop is closed: nobody waits for these answers any more

    def _commit_batch(self, work, answers: list) -> None:
        try:
            self.queue.commit([s for s, _, _ in work])
        except Exception as e:
            if len(work) == 1:
                answers.append((work[0][1], work[0][2], None, e))
                return
            for item in work:  # one bad message must not fail the others
                self._commit_batch([item], answers)
            return
        with one_look():  # the maillog lines of the batch: /etc/hostname looked at once
            for staged, fut, loop in work:
                if self.after is not None:
                    try:
                        self.after(staged)
                    except Exception:
                        pass  # the message is safe on disk; a log line is not worth a lost 250
                answers.append((fut, loop, staged.entry, None))


def _settle_all(items) -> None:
    """On the loop: answer each session's asyncio future (one its client left is cancelled)."""
    for fut, result, exc in items:
        if fut.done():
            continue
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(result)


def _settle(fut: Future, result=None, exception=None) -> None:
    """Answer a session's future. A session whose client left has cancelled it: its message
    is committed all the same, and the thread must live on for the others."""
    try:
        if exception is not None:
            fut.set_exception(exception)
        else:
            fut.set_result(result)
    except InvalidStateError:
        pass
