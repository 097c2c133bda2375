"""A 20,000-address alias is expanded off the event loop and in linear time: the other
sessions keep their answers coming while one RCPT expands it."""

import threading
import time

from mailkit.commands.base import run
from mailkit.core import route
from mailkit.core.config import load

from smtp_dialogue import Dialogue

N = 20_000


def make_big_alias(host):
    aliases = host.world.path("/etc/aliases")
    targets = ", ".join(f"user{i}@example.com" for i in range(N))
    aliases.write_text(aliases.read_text() + f"everyone: {targets}, alice\n")
    assert run(host, ["newaliases"]).code == 0


def test_dedupe_is_linear():
    targets = [route.Remote(f"u{i}@example.com") for i in range(N)] * 2
    t0 = time.perf_counter()
    out = route._dedupe(iter(targets))
    assert time.perf_counter() - t0 < 0.5
    assert out == targets[:N]


def test_expanding_a_big_alias_does_not_stall_other_sessions(host):
    make_big_alias(host)
    addr = host.runtime.connect_address(25)
    d = Dialogue(addr)
    d.send("HELO client")
    d.send("MAIL FROM:<alice@localhost>")
    result = {}

    def rcpt():
        t0 = time.monotonic()
        result["reply"] = d.send("RCPT TO:<everyone@localhost>")
        result["took"] = time.monotonic() - t0

    t = threading.Thread(target=rcpt)
    t.start()
    worst = 0.0
    other = Dialogue(addr)
    while t.is_alive():
        t0 = time.monotonic()
        assert other.send("NOOP") == "250 2.0.0 OK"
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.01)
    t.join()
    other.close()
    assert result["reply"] == "250 2.1.5 <everyone@localhost>... Recipient ok"
    assert result["took"] < 10
    assert worst < 0.5, f"a NOOP waited {worst:.2f} s while the alias expanded"
    d.close()


def test_the_big_alias_resolves_quickly(host):
    make_big_alias(host)
    cfg = load(host.world)
    t0 = time.perf_counter()
    targets = route.resolve(host.world, cfg, "everyone@localhost")
    assert time.perf_counter() - t0 < 5
    assert len(targets) == N + 1
