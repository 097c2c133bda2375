"""`m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf`: the real m4 with sendmail-cf's macros."""

from __future__ import annotations

from ..core.mc import M4Error, generate
from ..core.packages import is_installed
from ..core.world import PathEscape
from .base import Host, Result, command


@command("m4")
def m4(host: Host, argv: list[str], stdin: str | None = None) -> Result:
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
                       macros_available=is_installed(host.world, "sendmail-cf"))
    except M4Error as e:
        msg = str(e)
        if files:
            msg = msg.replace("m4:stdin:", f"m4:{files[0]}:")
        return Result(err=msg + "\n", code=1)
    return Result(out=out)
