"""`doveconf [-n] [-P] [-h] [-c FILE] [NAME...]`: Dovecot's configuration as Dovecot reads it.

`doveconf -n` prints the settings that differ from the defaults (the header names the version,
the OS and the host), `doveconf NAME` one setting's value (`protocols = imap pop3 lmtp`), `-h`
the value alone. A configuration Dovecot refuses gets doveconf's own error, with the file and
line, and exit status 89 (core/dovecotconf.py).
"""

from __future__ import annotations

from ..core import dovecotconf, tlscert
from .base import Host, Result, command

EX_CONFIG_FATAL = 89  # doveconf's (and dovecot's) status for a fatal error
USAGE = "doveconf: Fatal: Usage: doveconf [-adnNPsSx] [-c <config path>] [-f <filter>] [-h] [<setting name> ...]\n"


@command("doveconf")
def doveconf(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    path, changed, hide_key, hide = dovecotconf.DOVECOT_CONF, False, False, True
    names: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-c" and i + 1 < len(args):
            path, i = host.world.normalize(args[i + 1], host.cwd), i + 2
            continue
        if a.startswith("-c") and len(a) > 2:
            path, i = host.world.normalize(a[2:], host.cwd), i + 1
            continue
        if a.startswith("-") and len(a) > 1 and not names:
            for flag in a[1:]:
                if flag == "n":
                    changed = True
                elif flag == "h":
                    hide_key = True
                elif flag == "P":
                    hide = False
                elif flag == "a":
                    pass
                else:
                    return Result(err=f"doveconf: invalid option -- '{flag}'\n" + USAGE, code=EX_CONFIG_FATAL)
            i += 1
            continue
        names.append(a)
        i += 1
    out = []
    if not names:
        out.append(f"# {dovecotconf.version()}: {path}")
    late = ""  # a check's error: doveconf prints what it parsed, then the error
    try:
        conf = dovecotconf.parse(host.world, path)
    except dovecotconf.ConfError as e:
        err = f"doveconf: Error: {e.reason}\n" if e.check else ""
        if e.conf is None or names:
            return Result(out="\n".join(out) + ("\n" if out else ""), err=err + e.fatal + "\n", code=EX_CONFIG_FATAL)
        conf, late = e.conf, err + e.fatal + "\n"
    warnings = "".join(f"doveconf: Warning: {w}\n" for w in conf.warnings)
    if names:
        for name in names:
            value = dovecotconf.value_of(conf, name, changed_only=changed)
            if value is not None:
                out.append(value if hide_key else f"{name} = {value}")
        return Result(out="".join(line + "\n" for line in out), err=warnings)
    if not changed:
        return Result(out="\n".join(out) + "\n", err=warnings + "doveconf: Fatal: only doveconf -n and "
                      "doveconf NAME are available on this mail host\n", code=EX_CONFIG_FATAL)
    head = dovecotconf.header(path, conf.get("mail_location"), tlscert.host_name(host.world),
                              exists=lambda p: host.world.exists(p))
    out = head + dovecotconf.non_default(conf, hide=hide)
    return Result(out="\n".join(out) + "\n", err=warnings + late, code=EX_CONFIG_FATAL if late else 0)
