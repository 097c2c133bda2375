"""Several mail hosts in one process: the network a notebook or `mailkit serve --network` runs.

    net = Network.create(directory, clock)         # mail.korea.example, mail.jeju.example, mx2...
    net.start()                                    # every host's runtime (named on the first)
    net.member("mail.jeju.example").host           # a commands.base.Host to run commands on
    net.stop()

Each host is a world of its own (core/netinit.py makes it and joins it to the registry), with
its own HostRuntime and its own commands.base.Host; all share one clock, so times and queue ids
stay one sequence (nbval compares them). The first host serves the network's DNS: its named is
made active before the start, and every host's resolver names its address.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .commands.base import Host
from .core import netinit, network
from .core.world import World
from .servers import network as netreach
from .servers.runtime import HostRuntime, load_services, save_services


@dataclass
class Member:
    name: str  # FQDN
    addr: str  # 127.0.0.N
    world: World
    runtime: HostRuntime
    host: Host


class Network:
    def __init__(self, directory, members: list[Member]):
        self.directory = Path(directory)
        self.members: dict[str, Member] = {m.name: m for m in members}
        for m in members:
            netreach.attach(m.world, m.runtime)

    @classmethod
    def create(cls, directory, clock, plans=netinit.DEFAULT_PLAN, first: Host | None = None,
               loopback_only: bool = True) -> "Network":
        """Make (or find) the hosts of `plans` under `directory`. `first`: an existing host (the
        notebook's, with its world, runtime and user) that becomes the first one."""
        plans = list(plans)
        first_root = first.world.root if first is not None else None
        root = first_root if first_root is not None else netinit.host_dir(directory, plans[0].name)
        new_dns = not Path(root, network.MEMBERSHIP_FILE.lstrip("/")).exists()  # named starts once
        made = netinit.make_network(directory, plans, first_root)
        members = []
        for i, (plan, world) in enumerate(made):
            if i == 0 and first is not None:
                host = first
                if host.runtime is None:
                    host.runtime = HostRuntime(world, clock, loopback_only=loopback_only)
            else:
                host = Host(world, clock, HostRuntime(world, clock, loopback_only=loopback_only))
            members.append(Member(plan.name, plan.addr, world, host.runtime, host))
        if new_dns:
            _named_active(made[0][1])
        return cls(directory, members)

    @classmethod
    def open(cls, directory, clock, loopback_only: bool = True) -> "Network":
        """The network a directory already holds (its registry's hosts, in their order)."""
        data = network.read_registry(netinit.registry_path(directory))
        members = []
        for name, entry in data.get("hosts", {}).items():
            world = World(entry["root"])
            rt = HostRuntime(world, clock, loopback_only=loopback_only)
            members.append(Member(name, entry["addr"], world, rt, Host(world, clock, rt)))
        if not members:
            raise FileNotFoundError(f"{directory}: no network here (no hosts in {netinit.REGISTRY_FILE})")
        dns = data.get("dns")  # the name server first, then by address
        return cls(directory, sorted(members, key=lambda m: (m.name != dns, _addr_key(m.addr))))

    @property
    def first(self) -> Member:
        return next(iter(self.members.values()))

    @property
    def names(self) -> list[str]:
        return list(self.members)

    def member(self, name: str) -> Member | None:
        """The host named by its FQDN or its address (None: no such host)."""
        key = name.lower().rstrip(".")
        for m in self.members.values():
            if key in (m.name.lower(), m.addr):
                return m
        return None

    def start(self) -> "Network":
        """Start every host, the name server first (the others' lookups need it)."""
        for m in self.members.values():
            m.runtime.start()
        return self

    def stop(self) -> None:
        for m in reversed(list(self.members.values())):
            m.runtime.stop()

    def close(self) -> None:
        """Stop every host and forget their runtimes (the worlds stay on disk)."""
        self.stop()
        for m in self.members.values():
            netreach.detach(m.world)

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Wait for every host's background deliveries; twice, since a message one host passed
        on starts a delivery on the next."""
        for _ in range(2):
            for m in self.members.values():
                m.runtime.wait_for_deliveries(timeout)


def _named_active(world: World) -> None:
    """The name server's named starts with its host (systemctl start named, once)."""
    state = load_services(world)
    if not state.get("named", {}).get("active"):
        state.setdefault("named", {})["active"] = True
        save_services(world, state)


def _addr_key(addr: str) -> tuple:
    try:
        return tuple(int(x) for x in addr.split("."))
    except ValueError:
        return (999,)
