"""How a client on one host of a network reaches a service of a host: the address and real
port to connect to, and the source address to connect from.

Every host binds free ports (the service ports 25/110/143/53 are mapped). A client on the
host `mail.korea.example` that names `localhost`, `127.0.0.1` or its own name or address means
that host; a name or address of another host of the network (`mail.jeju.example`, `127.0.0.5`)
means that one. Hosts whose runtime runs in this process are asked directly (`attach`); the
others, served by another process (`mailkit serve --network`), are found through the
registry's published ports (`core.network.endpoint`), or the host's own ports.json. The source
address is the client's own host's address, so the server sees the connection come from that
host, as on a real network.

A host alone (not in a network) is left to its callers: they keep their single-host rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ..core import network
from ..core.hosts import address_of
from ..core.world import World

LOCAL_NAMES = ("localhost", "localhost.localdomain", "localhost4", "localhost4.localdomain4", "127.0.0.1")

_runtimes: dict[str, object] = {}  # world root -> the HostRuntime serving it in this process
_lock = threading.Lock()


@dataclass(frozen=True)
class Route:
    addr: str  # where to connect
    port: int  # the real port
    source: str | None  # the address to connect from (the client's host), None: any
    host: str  # the FQDN of the host reached ("" for a host alone)


def attach(world: World, runtime) -> None:
    """Say that `runtime` serves `world` in this process (its clients reach it directly)."""
    with _lock:
        _runtimes[str(world.root)] = runtime


def detach(world: World) -> None:
    with _lock:
        _runtimes.pop(str(world.root), None)


def runtime_of(root: str):
    with _lock:
        return _runtimes.get(str(root))


def listening(runtime, port: int) -> bool:
    """Whether a service listens on service port `port` of a runtime (running or elsewhere)."""
    if runtime is None or port not in (getattr(runtime, "ports", None) or {}):
        return False
    return any(ln.port == port for ln in runtime.listeners())


def peer(world: World, name: str) -> tuple[str, dict] | None:
    """(FQDN, registry entry) of the network host `name` designates from `world`: a local name
    means the world's own host; else a host's FQDN or address, or a name /etc/hosts gives an
    address of a host. None when `world` is alone or the name is no host of its network."""
    m = network.membership(world)
    if m is None or not name:
        return None
    hosts = network.hosts(world)
    key = name.lower().rstrip(".")
    if key in LOCAL_NAMES or key in (m.name.lower(), m.addr):
        return m.name, hosts.get(m.name, {"addr": m.addr, "root": str(world.root)})
    for fqdn, entry in hosts.items():
        if key in (fqdn.lower(), entry.get("addr")):
            return fqdn, entry
    addr = address_of(world, key)
    for fqdn, entry in hosts.items():
        if addr and entry.get("addr") == addr:
            return fqdn, entry
    return None


def reach(world: World, runtime, name: str, port: int) -> Route | None:
    """Where a client on `world`'s host (whose own runtime is `runtime`) connects for service
    `port` of the host `name`. None when `world` is alone, `name` is no host of its network,
    or nothing listens there on `port`."""
    found = peer(world, name)
    if found is None:
        return None
    fqdn, entry = found
    me = network.membership(world)
    source = me.addr if me else None
    own = fqdn == me.name
    rt = runtime if own else runtime_of(entry.get("root", ""))
    if own and rt is None:
        rt = runtime_of(str(world.root))
    if rt is not None:
        if not listening(rt, port):
            return None
        addr, real = rt.connect_address(port)
        return Route(addr, real, source, fqdn)
    target = network.endpoint(world, entry.get("addr", ""), port)
    if target is None and entry.get("root"):
        # no ports in the registry: the host's own record of a `mailkit serve` (ports.json)
        from .runtime import ServedElsewhere

        elsewhere = ServedElsewhere(World(entry["root"]))
        target = elsewhere.connect_address(port) if listening(elsewhere, port) else None
    return Route(target[0], target[1], source, fqdn) if target else None
