"""Several mail hosts in one process, each a world of its own joined to one network.

`net.add(name)` makes a world (core.init.create_world), joins it to the network at its address
(core.network.join), names it in /etc/hostname, writes the network's zones into its
/var/named, and lists its mail domain in local-host-names; `net.start(name)` starts its
HostRuntime (real sockets on its own 127.0.0.N, free ports published in the registry).
"""

from __future__ import annotations

import socket

import pytest

from mailkit.commands.base import Host, run
from mailkit.core import network
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime

ADDRS = {"mail.korea.example": "127.0.0.4", "mail.jeju.example": "127.0.0.5", "mx2.jeju.example": "127.0.0.6"}
DOMAIN = {"mail.korea.example": "korea.example", "mail.jeju.example": "jeju.example"}
PIDS = {"mail.korea.example": 4242, "mail.jeju.example": 5353, "mx2.jeju.example": 6464}

SOA = "@       IN  SOA   ns.korea.example. root.korea.example. ( 2026113001 3600 900 604800 86400 )\n" \
      "        IN  NS    ns.korea.example.\n"
ZONES = {
    "korea.example": "$ORIGIN korea.example.\n$TTL 86400\n" + SOA +
                     "        IN  MX    10 mail.korea.example.\nns      IN  A     127.0.0.4\n"
                     "mail    IN  A     127.0.0.4\n",
    "jeju.example": "$ORIGIN jeju.example.\n$TTL 86400\n" + SOA +
                    "        IN  MX    10 mail.jeju.example.\n        IN  MX    20 mx2.jeju.example.\n"
                    "mail    IN  A     127.0.0.5\nmx2     IN  A     127.0.0.6\nsmtp    IN  CNAME mail\n",
    "0.0.127.in-addr.arpa": "$ORIGIN 0.0.127.in-addr.arpa.\n$TTL 86400\n" + SOA +
                            "4       IN  PTR   mail.korea.example.\n5       IN  PTR   mail.jeju.example.\n"
                            "6       IN  PTR   mx2.jeju.example.\n",
}


class Net:
    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.registry = str(tmp_path / "registry.json")
        self.worlds: dict = {}
        self.clocks: dict = {}
        self.runtimes: dict = {}

    def add(self, name: str, addr: str | None = None, local=(), relay=()):
        world = create_world(self.dir / name)
        network.join(world, self.registry, name, addr or ADDRS[name])
        world.path("/etc/hostname").write_text(name + "\n")
        self.write_zones(world, ZONES)
        domain = DOMAIN.get(name)
        names = ([domain] if domain else []) + list(local)
        world.path("/etc/mail/local-host-names").write_text(
            "# local-host-names - include all aliases for your machine here.\n" + "".join(n + "\n" for n in names))
        if relay:
            world.path("/etc/mail/relay-domains").write_text("".join(n + "\n" for n in relay))
        self.worlds[name] = world
        self.clocks[name] = FixedClock(pid=PIDS.get(name, 7575))
        return world

    @staticmethod
    def write_zones(world, zones: dict) -> None:
        for f in world.path("/var/named").glob("*.zone"):
            f.unlink()
        for origin, text in zones.items():
            world.path(f"/var/named/{origin}.zone").write_text(text)

    def start(self, name: str) -> HostRuntime:
        rt = self.runtimes.get(name)
        if rt is None:
            rt = self.runtimes[name] = HostRuntime(self.worlds[name], self.clocks[name])
        return rt.start()

    def host(self, name: str, user: str = "root") -> Host:
        return Host(self.worlds[name], self.clocks[name], self.runtimes.get(name), user=user)

    def run(self, name: str, argv, stdin=None, user: str = "root"):
        return run(self.host(name, user), argv, stdin)

    def send(self, name: str, user: str, rcpts, body: str = "hello\n", subject: str = "hi"):
        """`sendmail rcpt...` run by `user` on host `name` (the MSP hands it to the MTA)."""
        r = self.run(name, ["sendmail", "-oi", *rcpts], f"Subject: {subject}\n\n{body}", user=user)
        assert r.code == 0, r.err
        return r

    def settle(self, *names: str, timeout: float = 20.0) -> None:
        """Wait for the background deliveries of the named (default: all) running hosts."""
        for name in names or list(self.runtimes):
            rt = self.runtimes.get(name)
            if rt is not None and rt.running:
                rt.wait_for_deliveries(timeout)

    def log(self, name: str) -> str:
        path = self.worlds[name].path("/var/log/maillog")
        return path.read_text() if path.exists() else ""

    def mbox(self, name: str, user: str) -> str:
        return self.worlds[name].path(f"/var/spool/mail/{user}").read_text(errors="replace")

    def stop_all(self) -> None:
        for rt in self.runtimes.values():
            rt.stop()


@pytest.fixture
def net(tmp_path):
    n = Net(tmp_path)
    try:
        yield n
    finally:
        n.stop_all()


def free_port(addr: str) -> int:
    with socket.socket() as s:
        s.bind((addr, 0))
        return s.getsockname()[1]
