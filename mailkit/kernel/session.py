"""The notebook's mail host: one world, one clock, one runtime, made once per kernel.

The world is $MAILKIT_WORLD when set (created there if empty), else a fresh temporary
directory kept for the life of the kernel, so `%unload_ext` then `%load_ext` finds the same
mail in the same spools. The clock is FixedClock when $MAILKIT_CLOCK is "fixed" (notebooks
compared by nbval), else the system clock.

`make_network()` turns the session into a network of hosts (mailkit/network.py): the world
becomes mail.korea.example, the first host, and the other hosts' worlds go beside it (in
ROOT.network/, with the registry). `use(name)` chooses the host that commands run on; `host`,
`runtime` and `world` are always the current host's. A world that is already a member of a
network (a kernel restarted on $MAILKIT_WORLD) brings its network back at once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from ..commands.base import Host
from ..core.clock import Clock, FixedClock, SystemClock
from ..core import network
from ..core.init import create_world
from ..core.netinit import registry_path
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
        runtime = HostRuntime(world, clock, loopback_only=True)
        self._alone = Host(world, clock, runtime)
        self.network = None  # mailkit.network.Network once make_network() ran
        self.current: str | None = None  # the FQDN commands run on (None: the host alone)
        self.started_in: float | None = None  # seconds the last start() took
        if network.membership(world) is not None and os.path.exists(registry_path(self.network_dir)):
            self.make_network()

    # -- the current host
    @property
    def host(self) -> Host:
        return self.network.members[self.current].host if self.network is not None else self._alone

    @property
    def runtime(self):
        return self.host.runtime

    @property
    def world(self):
        return self.host.world

    @property
    def clock(self):
        return self._alone.clock

    @property
    def network_dir(self) -> Path:
        """Where the other hosts' worlds and the registry live: beside the first world."""
        return Path(str(self._alone.world.root) + ".network")

    def make_network(self):
        """Make (or find) the default network, the session's world as its first host; started
        when the session runs. Returns the Network."""
        from ..network import Network

        if self.network is not None:
            return self.network
        running = self._alone.runtime.running or bool(self._alone.runtime.listeners())
        if running:  # the host takes its name and address: its daemons start again with them
            self._alone.runtime.stop()
        self.network = Network.create(self.network_dir, self.clock, first=self._alone)
        self.current = self.network.first.name
        if running:
            self.start()
        return self.network

    def use(self, name: str):
        """Run commands on the network host `name` (its FQDN or address) from now on."""
        member = self.network.member(name) if self.network is not None else None
        if member is None:
            raise KeyError(name)
        self.current = member.name
        return member

    def hosts(self) -> list[Host]:
        """Every host of the session (the one alone, or each host of the network)."""
        if self.network is None:
            return [self._alone]
        return [m.host for m in self.network.members.values()]

    def start(self) -> "Session":
        """Start every service that is enabled in the world (again: harmless)."""
        t0 = time.perf_counter()
        if self.network is not None:
            self.network.start()
        else:
            self._alone.runtime.start()
        self.started_in = time.perf_counter() - t0
        return self

    def stop(self) -> None:
        if self.network is not None:
            self.network.stop()
        else:
            self._alone.runtime.stop()

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Wait for the deliveries under way on every host (mail passed on starts another)."""
        if self.network is not None:
            self.network.wait_for_deliveries(timeout)
        else:
            self._alone.runtime.wait_for_deliveries(timeout)

    def remove(self) -> None:
        """Stop, and delete the world (and the network's) when it was a temporary one."""
        if self.network is not None:
            self.network.close()
        else:
            self.stop()
        if self.temporary:
            shutil.rmtree(self._alone.world.root, ignore_errors=True)
            shutil.rmtree(self.network_dir, ignore_errors=True)

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
