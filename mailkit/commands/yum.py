"""`yum -y install sendmail sendmail-cf telnet` and `rpm -q`: CentOS 7's package tools, on the
world's record of installed packages (core/packages.py). Nothing is downloaded: installing marks
the package, which is what other commands look at (m4 needs sendmail-cf's macros, systemctl
knows postfix only once it is installed).
"""

from __future__ import annotations

from ..core.packages import installed_packages, is_installed, mark_installed
from .base import Host, Result, command

# name -> (arch, epoch, version-release, repository, download size, installed size, requires)
CATALOGUE = {
    "sendmail": ("x86_64", "0", "8.17.1.9-1.el7", "base", "722 k", "2.2 M", ("procmail", "m4")),
    "sendmail-cf": ("noarch", "0", "8.17.1.9-1.el7", "base", "191 k", "906 k", ("sendmail", "m4")),
    "m4": ("x86_64", "0", "1.4.16-10.el7", "base", "256 k", "525 k", ()),
    "procmail": ("x86_64", "0", "3.22-36.el7_4.1", "base", "171 k", "324 k", ()),
    "telnet": ("x86_64", "1", "0.17-66.el7", "updates", "64 k", "113 k", ()),
    "mailx": ("x86_64", "0", "12.5-19.el7", "base", "245 k", "466 k", ()),
    "dovecot": ("x86_64", "1", "2.2.36-8.el7", "base", "4.4 M", "13 M", ()),
    "postfix": ("x86_64", "2", "2.10.1-9.el7", "base", "2.4 M", "12 M", ()),
    "mutt": ("x86_64", "5", "1.5.21-29.el7_6", "base", "1.3 M", "5.4 M", ()),
    "fetchmail": ("x86_64", "0", "6.3.24-8.el7", "base", "327 k", "1.5 M", ()),
}
HEAD = "Loaded plugins: fastestmirror\nLoading mirror speeds from cached hostfile\n"
RULE = "=" * 80


def nevra(name: str) -> str:
    arch, _, vr, *_ = CATALOGUE[name]
    return f"{name}-{vr}.{arch}"


def _with_dependencies(world, names: list[str]) -> tuple[list[str], list[str]]:
    """(asked-for packages to install, dependencies pulled in), neither already installed."""
    wanted = [n for n in dict.fromkeys(names) if not is_installed(world, n)]
    deps: list[str] = []
    todo = list(wanted)
    while todo:
        for req in CATALOGUE[todo.pop()][6]:
            if not is_installed(world, req) and req not in wanted and req not in deps:
                deps.append(req)
                todo.append(req)
    return wanted, deps


def _table(section: str, names: list[str]) -> list[str]:
    rows = [section]
    for n in names:
        arch, epoch, vr, repo, size, *_ = CATALOGUE[n]
        version = vr if epoch == "0" else f"{epoch}:{vr}"
        rows.append(f" {n:<20}{arch:<10}{version:<28}{repo:<15}{size:>6}")
    return rows


def install(host: Host, names: list[str], assume_yes: bool, stdin: str | None) -> Result:
    out = [HEAD.rstrip("\n")]
    unknown = [n for n in names if n not in CATALOGUE]
    for n in unknown:
        out.append(f"No package {n} available.")
    names = [n for n in names if n in CATALOGUE]
    for n in names:
        if is_installed(host.world, n):
            out.append(f"Package {CATALOGUE[n][1] + ':' if CATALOGUE[n][1] != '0' else ''}{nevra(n)} already installed and latest version")
    wanted, deps = _with_dependencies(host.world, names)
    if not wanted:
        if unknown and not names:
            return Result(out="\n".join(out) + "\n", err="Error: Nothing to do\n", code=1)
        out.append("Nothing to do")
        return Result(out="\n".join(out) + "\n")
    out += ["Resolving Dependencies", "--> Running transaction check"]
    out += [f"---> Package {n}.{CATALOGUE[n][0]} {CATALOGUE[n][1]}:{CATALOGUE[n][2]} will be installed" for n in wanted + deps]
    out += ["--> Finished Dependency Resolution", "", "Dependencies Resolved", "", RULE,
            f" {'Package':<20}{'Arch':<10}{'Version':<28}{'Repository':<15}{'Size':>6}", RULE]
    out += _table("Installing:", wanted)
    if deps:
        out += _table("Installing for dependencies:", deps)
    count = len(wanted) + len(deps)
    out += ["", "Transaction Summary", RULE, f"Install  {len(wanted)} Package" + ("s" if len(wanted) > 1 else "")
            + (f" (+{len(deps)} Dependent package{'s' if len(deps) > 1 else ''})" if deps else ""), ""]
    if not assume_yes:
        answer = (stdin or "").strip().lower()
        if answer not in ("y", "yes"):
            out.append("Is this ok [y/d/N]: Exiting on user command")
            out.append("Your transaction was saved, rerun it with:")
            out.append(" yum load-transaction /tmp/yum_save_tx.2026-11-29.09-00.yumtx")
            return Result(out="\n".join(out) + "\n", code=1)
        out.append("Is this ok [y/d/N]: y")
    out += ["Downloading packages:", "Running transaction check", "Running transaction test",
            "Transaction test succeeded", "Running transaction"]
    order = deps[::-1] + wanted
    for i, n in enumerate(order, 1):
        out.append(f"  Installing : {CATALOGUE[n][1] + ':' if CATALOGUE[n][1] != '0' else ''}{nevra(n):<52}{i}/{count}".rstrip())
    for i, n in enumerate(order, 1):
        out.append(f"  Verifying  : {CATALOGUE[n][1] + ':' if CATALOGUE[n][1] != '0' else ''}{nevra(n):<52}{i}/{count}".rstrip())
    for n in order:
        mark_installed(host.world, n)
    out += ["", "Installed:"] + [f"  {n}.{CATALOGUE[n][0]} {CATALOGUE[n][1]}:{CATALOGUE[n][2]}" for n in wanted]
    if deps:
        out += ["", "Dependency Installed:"] + [f"  {n}.{CATALOGUE[n][0]} {CATALOGUE[n][1]}:{CATALOGUE[n][2]}" for n in deps]
    out += ["", "Complete!"]
    return Result(out="\n".join(out) + "\n", err="", code=0)


@command("yum")
def yum(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    opts = [a for a in argv[1:] if a.startswith("-")]
    args = [a for a in argv[1:] if not a.startswith("-")]
    assume_yes = any(o in ("-y", "--assumeyes") for o in opts)
    if not args:
        return Result(err="You need to give some command\nusage: yum [options] COMMAND\n", code=1)
    sub, names = args[0], args[1:]
    if sub == "install":
        if not names:
            return Result(out=HEAD, err="Error: Need to pass a list of pkgs to install\n", code=1)
        return install(host, names, assume_yes, stdin)
    if sub == "list" and names[:1] == ["installed"]:
        rows = ["Installed Packages"]
        for n in sorted(installed_packages(host.world)):
            if n in CATALOGUE:
                arch, epoch, vr, *_ = CATALOGUE[n]
                rows.append(f"{n + '.' + arch:<40}{(epoch + ':' if epoch != '0' else '') + vr:<26}@base")
        return Result(out=HEAD + "\n".join(rows) + "\n")
    return Result(err=f"No such command: {sub}. Please use /usr/bin/yum --help\n", code=1)


@command("rpm")
def rpm(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    if len(argv) >= 2 and argv[1] == "-qa":
        return Result(out="".join(nevra(n) + "\n" for n in sorted(installed_packages(host.world)) if n in CATALOGUE))
    if len(argv) >= 3 and argv[1] == "-q":
        out, code = [], 0
        for n in argv[2:]:
            if n in CATALOGUE and is_installed(host.world, n):
                out.append(nevra(n))
            else:
                out.append(f"package {n} is not installed")
                code = 1
        return Result(out="".join(x + "\n" for x in out), code=code)
    return Result(err="rpm: only -q NAME and -qa are supported here\n", code=1)
