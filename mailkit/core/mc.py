"""sendmail.mc -> sendmail.cf with the real m4 and sendmail-cf's macros.

The .mc includes `/usr/share/sendmail-cf/m4/cf.m4` as on CentOS. The macros are the host
machine's (Debian keeps them in /usr/share/sendmail/cf); the include path is pointed there
only when the world has the `sendmail-cf` package "installed", so a fresh world shows the
real error first, as on a host without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

CENTOS_CF_DIR = "/usr/share/sendmail-cf/"
HOST_CF_DIRS = ("/usr/share/sendmail-cf/", "/usr/share/sendmail/cf/")


class M4Error(RuntimeError):
    pass


def host_macro_dir() -> str | None:
    for d in HOST_CF_DIRS:
        if Path(d, "m4", "cf.m4").is_file():
            return d
    return None


# Where the macros "are" when sendmail-cf is not installed in the world: a path that cannot
# exist, so the real m4 reports the real error even on a machine that has /usr/share/sendmail-cf.
_ABSENT_DIR = "/nonexistent/mailkit-sendmail-cf/"


_INCLUDE = re.compile(r"\b(s?include)\(\s*`(/[^'`]*)'\s*\)")


def generate(mc_text: str, built_by: str = "root@localhost.localdomain", when: str = "",
             cwd: str = "/etc/mail", macros_available: bool = True, source_name: str = "stdin",
             resolve=None, run_dir: str | None = None) -> str:
    """Run the real m4 on the .mc text and return the cf text.

    Raises M4Error carrying m4's own messages (named after `source_name`, as `m4 FILE` names
    the file it reads). When m4 fails, its partial output is not returned: a real
    `m4 sendmail.mc > sendmail.cf` would truncate sendmail.cf; here the old file stays.
    """
    m4 = shutil.which("m4")
    if m4 is None:
        raise M4Error("m4: command not found (the host machine needs GNU m4: apt-get install m4)")
    macro_dir = host_macro_dir() if macros_available else None
    if macros_available and macro_dir is None:
        raise M4Error("mailkit: sendmail-cf's macros are missing on this machine "
                      "(Debian: apt-get install sendmail-cf; they live in /usr/share/sendmail/cf)")
    target = macro_dir or _ABSENT_DIR
    # The .mc's own include(`/etc/mail/x.m4') names a file of the mail host: `resolve` maps
    # such host paths into the world (the sendmail-cf macros stay the machine's).
    back: dict[str, str] = {}

    def world_include(m: re.Match) -> str:
        host_path = m.group(2)
        if resolve is None or host_path.startswith(CENTOS_CF_DIR):
            return m.group(0)
        real = str(resolve(host_path))
        back[real] = host_path
        return f"{m.group(1)}(`{real}')"

    text = _INCLUDE.sub(world_include, mc_text).replace(CENTOS_CF_DIR, target)
    proc = subprocess.run(["m4"], executable=m4, input=text, capture_output=True, text=True, timeout=30,
                          cwd=run_dir)
    if proc.returncode != 0 or proc.stderr.strip():
        err = proc.stderr.strip() or f"m4 exited with {proc.returncode}"
        err = err.replace(target, CENTOS_CF_DIR).replace("m4:stdin:", f"m4:{source_name}:")
        for real, host_path in back.items():
            err = err.replace(real, host_path)
        raise M4Error(err)
    out = proc.stdout.replace(target, CENTOS_CF_DIR)
    # cfhead.m4 stamps who built it, where and when; make that the mail host's, not this machine's.
    out = re.sub(r"^##### built by .*$", f"##### built by {built_by} on {when}".rstrip(" on"), out, count=1, flags=re.M)
    out = re.sub(r"^##### in .*$", f"##### in {cwd}", out, count=1, flags=re.M)
    return out
