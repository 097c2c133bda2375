"""What bounds the POP3 and IMAP servers, as Dovecot 2.3 bounds them.

- `Limits`: the numbers (Dovecot's defaults; tests set small ones through `DEFAULTS`, which
  the servers read at each new connection).
- `Anvil`: what Dovecot's anvil process counts for one host, shared by its POP3 and IMAP
  servers: logged-in connections per (protocol, user, client address) for
  mail_max_userip_connections, and failed logins per client address for the auth penalty.
- `LoginQueue`: the connections of one service that have not logged in yet; past
  `login_client_limit` the oldest is dropped ("Connection queue full"), as a Dovecot login
  service does when its processes are all taken.
- `read_line`: one line from a stream with a bound on what is kept in memory.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass


@dataclass
class Limits:
    login_timeout: float = 180  # login process: 3 min to log in (Dovecot's CLIENT_LOGIN_TIMEOUT)
    imap_autologout: float = 1800  # imap: 30 min without a command ("autologout" of RFC 3501)
    pop3_autologout: float = 600  # pop3: 10 min
    login_client_limit: int = 100  # connections not yet logged in, per service (default_process_limit)
    mail_max_userip_connections: int = 10  # per protocol, user and client address
    auth_failure_delay: float = 2  # before a failed login is answered, spaced per client address
    auth_penalty_init: float = 2  # anvil: the wait before the next login from an address that failed
    auth_penalty_max: float = 15
    auth_penalty_timeout: float = 3600  # the penalty is forgotten an hour after the last failure


DEFAULTS = Limits()


def current() -> Limits:
    return DEFAULTS


class Anvil:
    """Counts shared by the POP3 and IMAP servers of one host. Thread-safe: POP3 logins
    are admitted from a worker thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._userip: dict[tuple[str, str, str], int] = {}
        self._failures: dict[str, list] = {}  # address -> [count, time of the last, next free reply slot]

    # -- mail_max_userip_connections
    def admit(self, proto: str, user: str, ip: str, limit: int) -> bool:
        """Count one more logged-in connection, unless the user already has `limit` from ip."""
        key = (proto, user, ip)
        with self._lock:
            if self._userip.get(key, 0) >= limit:
                return False
            self._userip[key] = self._userip.get(key, 0) + 1
            return True

    def leave(self, proto: str, user: str, ip: str) -> None:
        key = (proto, user, ip)
        with self._lock:
            n = self._userip.get(key, 0) - 1
            if n > 0:
                self._userip[key] = n
            else:
                self._userip.pop(key, None)

    # -- the auth penalty
    def _entry(self, ip: str, lim: Limits, now: float) -> list:
        e = self._failures.get(ip)
        if e is not None and now - e[1] > lim.auth_penalty_timeout:
            e = None
        if e is None:
            e = self._failures[ip] = [0, now, 0.0]
        return e

    def penalty(self, ip: str, lim: Limits) -> float:
        """Seconds a login from ip waits before its password is checked (0 while it never failed)."""
        with self._lock:
            n = self._entry(ip, lim, time.monotonic())[0]
        return 0.0 if n == 0 else min(lim.auth_penalty_init * 2 ** n, lim.auth_penalty_max)

    def failed(self, ip: str, lim: Limits) -> float:
        """A failed login from ip: seconds to wait before answering it. Answers to failures
        from one address are at least auth_failure_delay apart, however many connections
        it has open, so wrong passwords from it come at most one per delay."""
        now = time.monotonic()
        with self._lock:
            e = self._entry(ip, lim, now)
            e[0] += 1
            e[1] = now
            e[2] = max(now, e[2]) + lim.auth_failure_delay
            return e[2] - now

    def succeeded(self, ip: str) -> None:
        """A good password from ip ends its penalty (the spacing of failure replies stays)."""
        with self._lock:
            e = self._failures.get(ip)
            if e is not None:
                e[0] = 0


_anvils: dict[str, Anvil] = {}
_anvils_lock = threading.Lock()


def anvil_for(world) -> Anvil:
    """The one Anvil of the host whose world this is (POP3 and IMAP share it)."""
    key = str(world.root)
    with _anvils_lock:
        if key not in _anvils:
            _anvils[key] = Anvil()
        return _anvils[key]


class LoginQueue:
    """Connections of one service not yet logged in, oldest first."""

    def __init__(self):
        self._waiting: dict[object, object] = {}  # key -> drop callback (insertion order = age)

    def enter(self, key, drop, limit: int) -> None:
        """Add a connection; past `limit`, the oldest ones are dropped (drop() is theirs)."""
        self._waiting[key] = drop
        while len(self._waiting) > max(limit, 1):
            oldest = next(iter(self._waiting))
            self._waiting.pop(oldest)()

    def leave(self, key) -> None:
        self._waiting.pop(key, None)


async def read_line(reader: asyncio.StreamReader, keep: int, give_up: int | None = None) -> tuple[bytes, int]:
    """(line, length): the next line with its LF; a line longer than the stream's limit is
    read to its end but only its first `keep` bytes are kept, or, with `give_up`, reading
    stops once more than that has come (length > give_up tells). At EOF the partial line (or b"")."""
    kept, length = b"", 0
    while True:
        if give_up is not None and length > give_up:
            return kept, length
        try:
            chunk = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as e:
            chunk = e.partial
            return kept + chunk[: max(keep - len(kept), 0)], length + len(chunk)
        except asyncio.LimitOverrunError as e:
            chunk = await reader.read(max(e.consumed, 1))
            kept += chunk[: max(keep - len(kept), 0)]
            length += len(chunk)
            continue
        return kept + chunk[: max(keep - len(kept), 0)], length + len(chunk)


async def drain(writer: asyncio.StreamWriter, timeout: float) -> None:
    """writer.drain(), but a client that stops reading cannot hold its connection for ever:
    past `timeout` it is treated as gone (ConnectionError)."""
    try:
        await asyncio.wait_for(writer.drain(), timeout)
    except asyncio.TimeoutError:
        writer.transport.abort()  # close() would wait for the unread output for ever
        raise ConnectionAbortedError("client stopped reading") from None


def listener_state(world, implicit_tls: bool = False, conf=None):
    """What a POP3 or IMAP listener keeps for all its connections: the TLS context of the
    certificate dovecot.conf names (ssl_cert, ssl_key; None without one, or with ssl = no; an
    implicit-TLS port cannot do without), the login queue and the world's anvil."""
    from ..core import tlscert

    pair = tlscert.DOVECOT if conf is None else conf.cert_pair()
    ctx = None if pair is None else tlscert.server_context(world, pair)
    if implicit_tls and ctx is None:
        raise OSError(2, f"Can't open file {(pair or tlscert.DOVECOT).cert}")
    return ctx, LoginQueue(), anvil_for(world)


class Inactive(Exception):
    """The client sent nothing for the whole of the connection's idle limit."""


class IdleLimit:
    """How long one connection waits for its client (login_timeout, then the autologout):
    `with idle.limit(seconds): await <read>` raises Inactive past the limit. One timer serves
    the whole connection and is moved only when it fires early, so a command costs a float
    rather than a timer made and cancelled (asyncio.timeout, wait_for)."""

    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.task = asyncio.current_task()
        self.handle = None
        self.seconds = 0.0
        self.deadline = None  # None: not waiting for the client now
        self.fired = False

    def limit(self, seconds: float) -> "IdleLimit":
        self.seconds = seconds
        return self

    def __enter__(self) -> "IdleLimit":
        self.deadline = self.loop.time() + self.seconds
        if self.handle is None or self.handle.when() > self.deadline:
            if self.handle is not None:
                self.handle.cancel()
            self.handle = self.loop.call_at(self.deadline, self._due)
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        self.deadline = None
        if self.fired and kind is asyncio.CancelledError:
            self.fired = False
            self.task.uncancel()
            raise Inactive() from None
        return False

    def _due(self) -> None:
        self.handle = None
        if self.deadline is None:
            return  # a command is being answered: the next wait starts the clock again
        if self.loop.time() < self.deadline:
            self.handle = self.loop.call_at(self.deadline, self._due)
            return
        self.fired = True
        self.task.cancel()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None
