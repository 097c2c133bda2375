"""~/.forward: a user's own forwarding, one address (or |program, /file) a line.

sendmail looks for it along O ForwardPath ("$z/.forward.$w:$z/.forward"), $z the user's home
and $w the short host name; the first file found is used.
"""

from __future__ import annotations

from .accounts import home_of
from .aliases import split_targets
from .config import expand_macros
from .snapshot import file_key
from .world import PathEscape, World


def forward_file(world: World, cfg, user: str) -> str | None:
    """The host path of the .forward file that applies to `user`, or None."""
    macros = cfg.macros()
    macros["z"] = home_of(world, user)
    macros["u"] = user
    for pattern in cfg.forward_path:
        host_path = expand_macros(pattern, macros)
        if file_key(world.root / host_path.lstrip("/")) is None:
            continue  # most users have none: one look, then the checked path only for a file
        try:
            if world.path(host_path).is_file():
                return host_path
        except PathEscape:
            continue
    return None


def read(world: World, cfg, user: str) -> list[str]:
    path = forward_file(world, cfg, user)
    if path is None:
        return []
    targets = []
    for line in world.read_text(path).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            targets += split_targets(line)
    return targets
