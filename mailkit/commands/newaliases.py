"""`newaliases` (and `sendmail -bi`): rebuild /etc/aliases.db from /etc/aliases."""

from __future__ import annotations

from ..core import config
from ..core.aliases import rebuild_aliases, rebuild_report
from ..core.route import alias_name_parser
from ..core.cf import CfError
from ..core.maps import MapError
from .base import EX_CONFIG, EX_USAGE, Host, Result, command

__all__ = ["rebuild_aliases", "newaliases_result", "newaliases"]


def newaliases_result(host: Host) -> Result:
    """What both `newaliases` and `sendmail -bi` print: as sendmail 8.17, each bad line is
    reported on standard output and left out, the rest built (exit status 70 after such a line)."""
    try:
        cfg = config.load(host.world)
        lines, status = rebuild_report(host.world, cfg, alias_name_parser(host.world, cfg))
    except (MapError, CfError) as e:
        return Result(err=f"{e}\n", code=EX_CONFIG)
    except FileNotFoundError as e:
        return Result(err=f"newaliases: cannot open {host.world.host_path(e.filename)}: No such file or directory\n",
                      code=EX_CONFIG)
    return Result(out="".join(line + "\n" for line in lines), code=status)


@command("newaliases")
def newaliases(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    if len(argv) > 1:
        return Result(err="usage: newaliases\n", code=EX_USAGE)
    return newaliases_result(host)
