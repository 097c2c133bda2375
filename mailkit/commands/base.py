"""What every command shares: the host it acts on, its result, and the registry.

A command is a plain function `(host, argv, stdin) -> Result`. The same function serves the
`mailkit` console script, the IPython magics and Python callers; front doors only adapt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..core.clock import Clock, SystemClock
from ..core.world import World

EX_USAGE = 64  # sysexits.h, what sendmail exits with on bad arguments
EX_NOINPUT = 66
EX_NOUSER = 67
EX_SOFTWARE = 70
EX_OSFILE = 72
EX_CONFIG = 78


@dataclass
class Host:
    """The handle a command acts on: the world on disk, the clock, and the running host if any."""

    world: World
    clock: Clock = field(default_factory=SystemClock)
    runtime: Any = None  # mailkit.servers.runtime.HostRuntime when the servers run in this process
    user: str = "root"  # who runs the command (trusted-user checks, mail without -f)
    cwd: str = "/root"


@dataclass
class Result:
    out: str = ""
    err: str = ""
    code: int = 0
    # Rich objects (mailkit.kernel.display classes or plain dicts) a notebook may show as well.
    display: list = field(default_factory=list)


Command = Callable[[Host, list[str], "str | None"], Result]
REGISTRY: dict[str, Command] = {}


def command(*names: str):
    """Register a function under one or more command names (`sendmail`, `mailq`, ...)."""

    def deco(fn: Command) -> Command:
        for n in names:
            REGISTRY[n] = fn
        return fn

    return deco


def run(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    from . import load_all

    load_all()
    if not argv:
        return Result(code=0)
    fn = REGISTRY.get(argv[0].rsplit("/", 1)[-1])
    if fn is None:
        return Result(err=f"bash: {argv[0]}: command not found\n", code=127)
    try:
        return fn(host, argv, stdin)
    finally:
        host.world.forget_checked_paths()  # the command may have moved directories around
