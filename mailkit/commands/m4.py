"""`m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf`: the real m4 with sendmail-cf's macros."""

from __future__ import annotations

from ..core.mc import M4Error, generate
from ..core.packages import is_installed
from ..core.world import PathEscape
from .base import Host, Result, command


def _resolver(host: Host):
    def resolve(host_path: str) -> str:
        try:
            return str(host.world.path(host_path, host.cwd))
        except PathEscape:
            return "/nonexistent" + host_path  # m4 then says "cannot open" as for a missing file
    return resolve


def _run_dir(host: Host) -> str | None:
    """m4's working directory: the user's cwd inside the world (relative includes resolve there)."""
    try:
        d = host.world.path(host.cwd)
    except PathEscape:
        return None
    return str(d) if d.is_dir() else None


@command("m4")
def m4(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    if not is_installed(host.world, "m4"):
        return Result(err="bash: m4: command not found\n", code=127)
    files = [a for a in argv[1:] if not a.startswith("-")]
    if files:
        texts = []
        for f in files:
            try:
                texts.append(host.world.read_text(host.world.host_path(host.world.path(f, host.cwd))))
            except (FileNotFoundError, IsADirectoryError, PathEscape):
                return Result(err=f"m4: cannot open `{f}': No such file or directory\n", code=1)
        text = "".join(texts)
    else:
        text = stdin or ""
    now = host.clock.now()
    try:
        out = generate(text, when=now.strftime("%a %b %d %H:%M:%S %Z %Y").replace("  ", " "),
                       cwd=host.cwd, macros_available=is_installed(host.world, "sendmail-cf"),
                       source_name=files[0] if len(files) == 1 else "stdin",
                       resolve=_resolver(host), run_dir=_run_dir(host))
    except M4Error as e:
        return Result(err=f"{e}\n", code=1)
    return Result(out=out)
