"""Wrong passwords (issue 10, hole 13): Dovecot's auth_failure_delay per client address, the anvil
penalty, and the same cost for unknown users."""

import socket
import threading
import time

import pytest

from mailkit.core import accounts
from mailkit.servers import limits


@pytest.fixture
def short(monkeypatch):
    lim = limits.Limits(auth_failure_delay=0.2, auth_penalty_init=0.05, auth_penalty_max=0.2)
    monkeypatch.setattr(limits, "DEFAULTS", lim, raising=False)
    return lim


def hammer(addr, lines_for_attempt, conns=20, seconds=2.0, failed=b"-ERR"):
    """conns connections each trying wrong passwords for `seconds`: the failures answered."""
    count, lock, end = [0], threading.Lock(), time.monotonic() + seconds

    def one():
        try:
            with socket.create_connection(addr, timeout=seconds + 30) as s:
                f = s.makefile("rb")
                f.readline()
                while time.monotonic() < end:
                    for ln in lines_for_attempt[:-1]:
                        s.sendall(ln)
                        f.readline()
                    s.sendall(lines_for_attempt[-1])
                    reply = f.readline()
                    if time.monotonic() > end or not reply:
                        break
                    if failed in reply:
                        with lock:
                            count[0] += 1
        except OSError:
            pass
    threads = [threading.Thread(target=one) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return count[0]


def test_pop3_wrong_passwords_are_rate_limited_per_address(running_host, short):
    n = hammer(running_host.connect_address(110), [b"USER bob\r\n", b"PASS wrong\r\n"])
    # one failure per auth_failure_delay (0.2 s) from one address, whatever the connections
    assert n <= 2.0 / 0.2 + 2, n


def test_imap_wrong_passwords_are_rate_limited_per_address(running_host, short):
    n = hammer(running_host.connect_address(143), [b"a LOGIN bob wrong\r\n"], failed=b"a NO")
    assert n <= 2.0 / 0.2 + 2, n


def test_the_penalty_grows_and_is_shared_by_pop3_and_imap(running_host, monkeypatch):
    lim = limits.Limits(auth_failure_delay=0.05, auth_penalty_init=0.1, auth_penalty_max=0.8)
    monkeypatch.setattr(limits, "DEFAULTS", lim, raising=False)
    waits = []
    for port, lines in ((110, [b"USER bob\r\n", b"PASS x1\r\n"]), (143, [b"a LOGIN bob x2\r\n"]),
                        (110, [b"USER bob\r\n", b"PASS x3\r\n"])):
        with socket.create_connection(running_host.connect_address(port), timeout=10) as s:
            f = s.makefile("rb")
            f.readline()
            for ln in lines[:-1]:
                s.sendall(ln)
                f.readline()
            t = time.monotonic()
            s.sendall(lines[-1])
            f.readline()
            waits.append(time.monotonic() - t)
    assert waits[0] < waits[1] < waits[2], waits  # penalties 0, 0.2, 0.4 on top of the delay
    assert waits[2] >= 0.4


def _costs(world, users, n=9):
    """The least time of n refusals per user, measured in turns: the least is the work itself,
    free of the waits a loaded machine adds (a median of a few can still hold them)."""
    times = {u: [] for u in users}
    for _ in range(n):
        for u in users:
            t = time.perf_counter()
            assert not accounts.verify(world, u, "wrong")
            times[u].append(time.perf_counter() - t)
    return [min(times[u]) for u in users]


def test_unknown_and_known_users_cost_the_same_to_refuse(world):
    # root has no password ("!!" or none): refused after the same work
    known, unknown, locked = _costs(world, ["bob", "no-such-user", "root"])
    assert unknown >= 0.6 * known and locked >= 0.6 * known, (known, unknown, locked)


def test_a_remembered_login_leaves_refusals_at_full_cost(world):
    """The auth cache (issue 11): a repeated good login skips the hash; a wrong password for the
    same user, and any password for an unknown one, still cost one."""
    assert accounts.verify(world, "bob", "secret")  # hashed once, then remembered
    cached = min(_timed(lambda: accounts.verify(world, "bob", "secret")) for _ in range(9))
    wrong, unknown = _costs(world, ["bob", "no-such-user"])
    assert cached < wrong / 5, (cached, wrong)
    assert wrong >= 0.6 * unknown and unknown >= 0.6 * wrong, (wrong, unknown)


def test_a_changed_password_is_not_answered_from_the_cache(world):
    assert accounts.verify(world, "bob", "secret")
    shadow = world.path("/etc/shadow")
    lines = [ln if not ln.startswith("bob:") else ":".join(["bob", accounts.hash_password("new"), *ln.split(":")[2:]])
             for ln in shadow.read_text().splitlines()]
    shadow.write_text("\n".join(lines) + "\n")
    assert not accounts.verify(world, "bob", "secret")
    assert accounts.verify(world, "bob", "new")


def _timed(call) -> float:
    t = time.perf_counter()
    assert call()
    return time.perf_counter() - t


def test_a_delayed_failure_does_not_hold_up_other_clients(running_host, monkeypatch):
    lim = limits.Limits(auth_failure_delay=1.5, auth_penalty_init=0.05, auth_penalty_max=0.2)
    monkeypatch.setattr(limits, "DEFAULTS", lim, raising=False)
    addr = running_host.connect_address(110)
    with socket.create_connection(addr, timeout=10) as good, socket.create_connection(addr, timeout=10) as bad:
        g, b = good.makefile("rb"), bad.makefile("rb")
        g.readline(), b.readline()
        good.sendall(b"USER bob\r\nPASS secret\r\n")
        g.readline(), g.readline()
        bad.sendall(b"USER alice\r\nPASS wrong\r\n")
        b.readline()
        time.sleep(0.1)  # the failure is now waiting out its delay
        t = time.monotonic()
        good.sendall(b"STAT\r\n")
        assert g.readline().startswith(b"+OK")
        with socket.create_connection(running_host.connect_address(143), timeout=10) as other:
            assert other.makefile("rb").readline().startswith(b"* OK")
        assert time.monotonic() - t < 0.5
        assert b.readline() == b"-ERR [AUTH] Authentication failed.\r\n"
