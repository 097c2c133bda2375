"""`m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf`: the real m4 with sendmail-cf's macros,
fenced in by core/mc.py (no commands, no files but the world's)."""

from __future__ import annotations

import os
import stat

from ..core.mc import M4Error, generate
from ..core.packages import is_installed
from ..core.world import PathEscape
from .base import Host, Result, command


MAX_FILE = 16 << 20  # a file m4 may read; larger ones are "missing" (no .mc is near this)


def _reader(host: Host):
    """read_file for core.mc.generate: a name m4 opens, relative to the shell's directory,
    read through the world (checked at the open); None when it is not a readable file."""
    def read(name: str) -> bytes | None:
        if not name or "\0" in name:
            return None
        try:
            fd = host.world.open(host.world.normalize(name, host.cwd), os.O_RDONLY | os.O_NONBLOCK)
        except (OSError, PathEscape):
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE:
                return None
            with os.fdopen(os.dup(fd), "rb") as f:
                return f.read(MAX_FILE + 1)[:MAX_FILE]
        finally:
            os.close(fd)
    return read


@command("m4")
def m4(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    if not is_installed(host.world, "m4"):
        return Result(err="bash: m4: command not found\n", code=127)
    files = [a for a in argv[1:] if not a.startswith("-")]
    if files:
        texts = []
        read = _reader(host)
        for f in files:
            data = read(f)
            if data is None:
                return Result(err=f"m4: cannot open `{f}': No such file or directory\n", code=1)
            texts.append(data.decode("utf-8", "surrogateescape"))
        text = "".join(texts)
    else:
        text = stdin or ""
    now = host.clock.now()
    warnings: list[str] = []  # m4's messages on a run that still succeeds (exit 0, as the real m4)
    try:
        out = generate(text, when=now.strftime("%a %b %d %H:%M:%S %Z %Y").replace("  ", " "),
                       cwd=host.cwd, macros_available=is_installed(host.world, "sendmail-cf"),
                       source_name=files[0] if len(files) == 1 else "stdin",
                       read_file=_reader(host), warnings=warnings)
    except M4Error as e:
        return Result(err=f"{e}\n", code=1)
    return Result(out=out, err="".join(w + "\n" for w in warnings))
