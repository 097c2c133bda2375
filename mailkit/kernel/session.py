"""The notebook's mail host: one world, one clock, one runtime, made once per kernel.

The world is $MAILKIT_WORLD when set (created there if empty), else a fresh temporary
directory kept for the life of the kernel, so `%unload_ext` then `%load_ext` finds the same
mail in the same spools. The clock is FixedClock when $MAILKIT_CLOCK is "fixed" (notebooks
compared by nbval), else the system clock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ..commands.base import Host
from ..core.clock import Clock, FixedClock, SystemClock
from ..core.init import create_world
from ..servers.runtime import HostRuntime

SERVICE_NAMES = {25: "SMTP", 587: "submission", 110: "POP3", 143: "IMAP"}


def make_clock() -> Clock:
    return FixedClock() if os.environ.get("MAILKIT_CLOCK") == "fixed" else SystemClock()


class Session:
    def __init__(self, root: str | os.PathLike | None = None, clock: Clock | None = None):
        env_root = os.environ.get("MAILKIT_WORLD")
        self.temporary = root is None and not env_root
        root = root or env_root or tempfile.mkdtemp(prefix="mailkit-world-")
        world = create_world(Path(root))
        clock = clock or make_clock()
        # loopback only, whatever sendmail.cf says: a learner's Addr=0.0.0.0 must not open
        # the kernel's machine to the network (netstat still shows 0.0.0.0:25)
        self.runtime = HostRuntime(world, clock, loopback_only=True)
        self.host = Host(world, clock, self.runtime)
        self.started_in: float | None = None  # seconds the last start() took

    @property
    def world(self):
        return self.host.world

    @property
    def clock(self):
        return self.host.clock

    def start(self) -> "Session":
        """Start every service that is enabled in the world (again: harmless)."""
        t0 = time.perf_counter()
        self.runtime.start()
        self.started_in = time.perf_counter() - t0
        return self

    def stop(self) -> None:
        self.runtime.stop()

    def remove(self) -> None:
        """Stop, and delete the world when it was a temporary one."""
        self.stop()
        if self.temporary:
            shutil.rmtree(self.world.root, ignore_errors=True)

    def connect(self, service_port: int) -> tuple[str, int]:
        """The real (address, port) a client uses for service port 25/110/143/587."""
        if service_port not in self.runtime.ports:
            raise ConnectionRefusedError(111, f"nothing listens on port {service_port} (see %systemctl status)")
        return self.runtime.connect_address(service_port)

    def ready_line(self) -> str:
        """One short line for %load_ext; no path or time in it, so notebooks compare equal."""
        parts = []
        order = {"sendmail": 0, "postfix": 1, "dovecot": 2}
        for ln in sorted(self.runtime.listeners(), key=lambda ln: (order.get(ln.service, 3), ln.port != 25, ln.port)):
            if ln.port in (465, 993, 995):  # the TLS twins of 25/110/143: netstat and ss list them
                continue
            name = "sendmail" if ln.service == "sendmail" else SERVICE_NAMES.get(ln.port, ln.service)
            if ln.service == "sendmail" and ln.port == 587:
                name = "submission"
            if f"{name} on :{ln.port}" not in parts:  # one port on several addresses (dovecot's "*, ::")
                parts.append(f"{name} on :{ln.port}")
        if not parts:
            return "mailkit: mail host loaded; no service is running (see %systemctl status sendmail)"
        return "mailkit: mail host ready (" + ", ".join(parts) + ")"

    def errors(self) -> list[str]:
        return [f"{name}: {err}" for name, err in sorted(self.runtime.last_error.items())]
