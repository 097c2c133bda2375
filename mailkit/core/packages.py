"""Which packages the mail host has "installed" (for yum and for m4's sendmail-cf macros)."""

from __future__ import annotations

from .world import STATE_DIR, World

INSTALLED_FILE = STATE_DIR + "/installed"
# What a CentOS host running sendmail has; sendmail-cf is not there until yum installs it.
DEFAULT_INSTALLED = ("sendmail", "m4", "procmail", "mailx", "dovecot")


def installed_packages(world: World) -> list[str]:
    path = world.path(INSTALLED_FILE)
    if not path.exists():
        return []
    return [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]


def is_installed(world: World, name: str) -> bool:
    return name in installed_packages(world)


def mark_installed(world: World, name: str) -> bool:
    """Record `name` as installed; False when it already was."""
    if is_installed(world, name):
        return False
    path = world.path(INSTALLED_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(name + "\n")
    return True
