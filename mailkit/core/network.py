"""The network a host belongs to: several worlds (mail hosts) on their own loopback addresses.

A world that is part of a network carries `/var/lib/mailkit/network.json`:
    {"name": "mail.jeju.example", "addr": "127.0.0.5", "registry": "/abs/path/registry.json"}
The registry (one file for the whole network, outside every world) lists every host:
    {"hosts": {"mail.jeju.example": {"addr": "127.0.0.5", "root": "/abs/world",
                                     "ports": {"25": 40123, "110": 40124}}},
     "dns": "mail.korea.example"}          # the host whose /var/named serves the network
A host's runtime writes its real ports there when it starts (`publish_ports`) and removes
them when it stops. A world with no network.json is a host alone (the default): its address
is 127.0.0.1 and no other host can be reached.

`endpoint(world, addr, port)` is the only way the MTA's client finds a peer: an address that
is not a host of the network gives None, and the client then never connects (nothing ever
leaves the machine).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from dataclasses import dataclass

from .world import STATE_DIR, World

MEMBERSHIP_FILE = STATE_DIR + "/network.json"
ALONE_ADDRESS = "127.0.0.1"


@dataclass(frozen=True)
class Membership:
    name: str  # the host's FQDN (its $j)
    addr: str  # its own address on the network (127.0.0.N)
    registry: str  # real path of the network's registry.json


def membership(world: World) -> Membership | None:
    """This world's place in a network, or None for a host alone.

    network.json lies inside the world, where a learner's shell can write; it counts only when
    the registry it names (outside the world) lists this very world under that name and
    address, so an edited file can never make mailkit read or write a registry elsewhere."""
    path = world.path(MEMBERSHIP_FILE)
    try:
        data = json.loads(path.read_text())
        m = Membership(str(data["name"]), str(data["addr"]), str(data["registry"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    entry = read_registry(m.registry).get("hosts", {}).get(m.name)
    if not isinstance(entry, dict) or entry.get("root") != str(world.root) or entry.get("addr") != m.addr:
        return None
    return m


def own_address(world: World) -> str:
    m = membership(world)
    return m.addr if m else ALONE_ADDRESS


def read_registry(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {"hosts": {}}
    except (OSError, ValueError):
        return {"hosts": {}}


def write_registry(path: str, data: dict) -> None:
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


@contextlib.contextmanager
def _registry_locked(registry: str):
    """The registry is read, changed and written by several hosts (threads or `mailkit serve`
    processes) starting at once: one at a time, or an update is lost."""
    with _thread_lock, open(registry + ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


_thread_lock = threading.Lock()


def join(world: World, registry: str, name: str, addr: str) -> Membership:
    """Make `world` the host `name` at `addr` of the network whose registry is `registry`."""
    registry = os.path.abspath(registry)
    with _registry_locked(registry):
        data = read_registry(registry)
        hosts = data.setdefault("hosts", {})
        hosts[name] = {"addr": addr, "root": str(world.root), "ports": hosts.get(name, {}).get("ports", {})}
        data.setdefault("dns", name)
        write_registry(registry, data)
    path = world.path(MEMBERSHIP_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"name": name, "addr": addr, "registry": registry}) + "\n")
    return Membership(name, addr, registry)


def hosts(world: World) -> dict[str, dict]:
    """name -> {"addr", "root", "ports"} of every host of the world's network ({} when alone)."""
    m = membership(world)
    return read_registry(m.registry).get("hosts", {}) if m else {}


def publish_ports(world: World, ports: dict[int, int]) -> None:
    """Record where this host's services really listen (service port -> real port); {} at stop."""
    m = membership(world)
    if m is None:
        return
    with _registry_locked(m.registry):
        data = read_registry(m.registry)
        entry = data.setdefault("hosts", {}).setdefault(m.name, {"addr": m.addr, "root": str(world.root)})
        entry["ports"] = {str(k): int(v) for k, v in ports.items()}
        write_registry(m.registry, data)


def endpoint(world: World, addr: str, port: int) -> tuple[str, int] | None:
    """The real (address, port) to connect to for service `port` of the network host at `addr`.

    None when `addr` is no host of the network, or that host has nothing listening on `port`.
    """
    for entry in hosts(world).values():
        if entry.get("addr") == addr:
            real = entry.get("ports", {}).get(str(port))
            return (addr, int(real)) if real else None
    return None
