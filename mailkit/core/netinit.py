"""Make mail hosts into a network: each world gets its name, its address and its neighbours.

A network is a directory holding `registry.json` (core/network.py) and, for each host made
here, a world in a subdirectory named after the host (`mail.jeju.example/`). A world that
existed before (the notebook's host) may join from where it is. Each host gets, once, when it
joins:

- /etc/hostname: its FQDN (sendmail's $j, as `hostname` would answer on the real host);
- /etc/hosts: its own address with its FQDN and short name, then the other hosts' names;
- /etc/resolv.conf: `search DOMAIN` and the nameserver ns.korea.example's address (the first
  host, whose /var/named serves the whole network);
- /etc/mail/local-host-names and relay-domains: the domains it receives mail for (the MX
  targets) and those it relays for (a backup MX).

What a learner edits afterwards is never overwritten: a world that is already a member keeps
its files when the network is made again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import network
from .init import create_world
from .world import LOCAL_HOST_NAMES, RELAY_DOMAINS, World

REGISTRY_FILE = "registry.json"
HOSTNAME_FILE = "/etc/hostname"
HOSTS_FILE = "/etc/hosts"
RESOLV_CONF = "/etc/resolv.conf"


@dataclass(frozen=True)
class Plan:
    """One host of a network as it is first made."""

    name: str  # FQDN, e.g. mail.jeju.example
    addr: str  # its loopback address, 127.0.0.N
    local_domains: tuple = ()  # mail for these domains is delivered here (local-host-names)
    relay_domains: tuple = ()  # mail for these is accepted and passed on (relay-domains)

    @property
    def domain(self) -> str:
        return self.name.partition(".")[2]


# The course's network: korea.example's mail host (also its name server, ns.korea.example) and
# jeju.example's two MX hosts, mx2 the backup that relays for the domain.
DEFAULT_PLAN = (
    Plan("mail.korea.example", "127.0.0.4", local_domains=("korea.example",)),
    Plan("mail.jeju.example", "127.0.0.5", local_domains=("jeju.example",)),
    Plan("mx2.jeju.example", "127.0.0.6", relay_domains=("jeju.example",)),
)


def registry_path(directory) -> str:
    return str(Path(directory).resolve() / REGISTRY_FILE)


def host_dir(directory, name: str) -> Path:
    return Path(directory).resolve() / name


def make_host(directory, plan: Plan, plans, root=None) -> World:
    """Create (or find) the world of `plan` and make it a member of the network in `directory`.

    `root`: where the world is (default `directory/NAME`); `plans`: every host of the network,
    whose names go into this host's /etc/hosts and whose first host is the name server.
    """
    world = create_world(Path(root) if root is not None else host_dir(directory, plan.name))
    before = network.membership(world)
    network.join(world, registry_path(directory), plan.name, plan.addr)
    if before is None or before.name != plan.name:
        _write_identity(world, plan, list(plans))
    return world


def make_network(directory, plans=DEFAULT_PLAN, first_root=None) -> list[tuple[Plan, World]]:
    """Every host of `plans` made and joined; the first may be an existing world (`first_root`)."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    plans = list(plans)
    return [(p, make_host(directory, p, plans, first_root if i == 0 else None)) for i, p in enumerate(plans)]


def _write_identity(world: World, plan: Plan, plans: list[Plan]) -> None:
    world.path(HOSTNAME_FILE).write_text(plan.name + "\n")
    world.path(HOSTS_FILE).write_text(hosts_text(_read(world, HOSTS_FILE), plan, plans))
    ns = plans[0].addr
    world.path(RESOLV_CONF).write_text(f"# Generated when {plan.name} joined the network\n"
                                       f"search {plan.domain}\nnameserver {ns}\n")
    _add_words(world, LOCAL_HOST_NAMES, plan.local_domains)
    _add_words(world, RELAY_DOMAINS, plan.relay_domains)


def hosts_text(old: str, plan: Plan, plans: list[Plan]) -> str:
    """/etc/hosts with the network's block appended (its own line first, then its neighbours)."""
    names = {p.name for p in plans} | {p.addr for p in plans}
    kept = [ln for ln in old.splitlines()
            if not (ln.split("#", 1)[0].split()[:1] and ln.split()[0] in names)
            and not ln.startswith("# The hosts of the network")]
    block = ["# The hosts of the network (each one a mail host on its own loopback address):",
             f"{plan.addr:<11} {plan.name} {plan.name.split('.')[0]}"]
    block += [f"{p.addr:<11} {p.name}" for p in plans if p.name != plan.name]
    return "\n".join(kept + block) + "\n"


def _read(world: World, path: str) -> str:
    try:
        return world.read_text(path)
    except (OSError, ValueError):
        return ""


def _add_words(world: World, path: str, words) -> None:
    """Append the words a class file lacks, one a line (as an administrator adds a domain)."""
    text = _read(world, path)
    have = {w.lower() for ln in text.splitlines() for w in ln.split("#", 1)[0].split()}
    new = [w for w in words if w.lower() not in have]
    if new:
        world.path(path).write_text(text + ("" if not text or text.endswith("\n") else "\n")
                                    + "".join(w + "\n" for w in new))
