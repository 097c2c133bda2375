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


def generate(mc_text: str, built_by: str = "root@localhost.localdomain", when: str = "",
             cwd: str = "/etc/mail", macros_available: bool = True) -> str:
    """Run m4 on the .mc text and return the cf text (raises M4Error with m4's own message)."""
    m4 = shutil.which("m4")
    if m4 is None:
        raise M4Error("m4: command not found (install it: yum -y install m4)")
    macro_dir = host_macro_dir() if macros_available else None
    text = mc_text
    if macro_dir:
        text = text.replace(CENTOS_CF_DIR, macro_dir)
    elif CENTOS_CF_DIR in text:
        missing = re.search(re.escape(CENTOS_CF_DIR) + r"[^'\s)]*", text).group(0)
        raise M4Error(f"m4:stdin:1: cannot open `{missing}': No such file or directory")
    proc = subprocess.run([m4], input=text, capture_output=True, text=True, timeout=30)
    if proc.returncode != 0 or "cannot open" in proc.stderr:
        raise M4Error(proc.stderr.strip() or f"m4 exited with {proc.returncode}")
    out = proc.stdout
    if macro_dir:
        out = out.replace(macro_dir, CENTOS_CF_DIR)
    # cfhead.m4 stamps who built it, where and when; make that the mail host's, not this machine's.
    out = re.sub(r"^##### built by .*$", f"##### built by {built_by} on {when}".rstrip(" on"), out, count=1, flags=re.M)
    out = re.sub(r"^##### in .*$", f"##### in {cwd}", out, count=1, flags=re.M)
    return out
