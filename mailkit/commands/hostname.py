"""`hostname [-s|-f|-d|-i]`: the host's name, from its /etc/hostname (what systemd sets the
kernel's name from at boot). A host with no /etc/hostname answers `localhost.localdomain`,
as a fresh CentOS install does; a host of a network answers its FQDN (`mail.jeju.example`).
Setting the name (`hostname NAME`) is refused: it is the network's to give."""

from __future__ import annotations

from ..core.hosts import address_of
from ..core.netinit import HOSTNAME_FILE
from .base import Host, Result, command

DEFAULT = "localhost.localdomain"
USAGE = "Usage: hostname [-s|-f|-d|-i]\n"


def current_name(host: Host) -> str:
    try:
        lines = host.world.read_text(HOSTNAME_FILE).split()
    except (OSError, ValueError):
        lines = []
    return lines[0] if lines else DEFAULT


@command("hostname")
def hostname(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    args = argv[1:]
    name = current_name(host)
    if not args:
        return Result(out=name + "\n")
    if len(args) > 1 or not args[0].startswith("-"):
        return Result(err="hostname: you must be root to change the host name\n", code=1)
    opt = args[0]
    if opt in ("-s", "--short"):
        return Result(out=name.split(".")[0] + "\n")
    if opt in ("-f", "--fqdn", "--long"):
        return Result(out=name + "\n")
    if opt in ("-d", "--domain"):
        return Result(out=name.partition(".")[2] + "\n")
    if opt in ("-i", "--ip-address"):
        addr = address_of(host.world, name) or ("127.0.0.1" if name == DEFAULT else None)
        if addr is None:
            return Result(err="hostname: Name or service not known\n", code=1)
        return Result(out=addr + "\n")
    return Result(err=f"hostname: invalid option -- '{opt.lstrip('-')[:1]}'\n" + USAGE, code=1)
