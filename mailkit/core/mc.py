"""sendmail.mc -> sendmail.cf with the real m4 and sendmail-cf's macros.

The .mc includes `/usr/share/sendmail-cf/m4/cf.m4` as on CentOS. The macros are the host
machine's (Debian keeps them in /usr/share/sendmail/cf); the include path is pointed there
only when the world has the `sendmail-cf` package "installed", so a fresh world shows the
real error first, as on a host without it.

GNU m4 runs here on text anyone who can write a world file wrote, so it runs fenced in:

- the builtins that run commands or make files (syscmd, esyscmd, maketemp, mkstemp,
  debugfile) and those that would get round the fence (builtin, debugmode) are replaced by
  an error in m4's own form ("m4:sendmail.mc:3: esyscmd: ..."), before the input is read;
- every file m4 opens is the world's: include, sinclude and undivert(FILE) look the name up
  in a table of copies made in a private directory by `read_file` (which opens through the
  world); a name not in the table stops the run, is copied, and m4 runs again (names m4
  computes are found this way too). The sendmail-cf macro directory is the one exception,
  read in place;
- the fence is written in m4 and m4 text can play with quotes (each entry point sets them
  back to ` and ', so after an include the input has the default quotes again), so it is
  checked from outside: m4 traces every file it reads (--debug=i to a trace file the input cannot move),
  and a run that read anything but the copies and the macro directory is thrown away.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

CENTOS_CF_DIR = "/usr/share/sendmail-cf/"
HOST_CF_DIRS = ("/usr/share/sendmail-cf/", "/usr/share/sendmail/cf/")
MAX_RUNS = 12  # distinct computed file names one m4 run may ask for
TIMEOUT = 30
# What the refused builtins would do on a real host, and why m4 does not here.
REFUSED = ("syscmd", "esyscmd", "maketemp", "mkstemp", "debugfile", "debugmode", "builtin", "changeword")


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


def _prelude(s: str, macro_dir: str | None, table: dict[tuple[str, str], str]) -> str:
    """The m4 text run before the input: the fence. `s` is this run's secret prefix (the input
    cannot name what it does not know), `table` maps (kind, name) to the copy m4 opens."""
    q = lambda text: "`" + text + "'"  # noqa: E731
    # Each entry point first sets the quotes back to ` and ' (the input may have changed them;
    # the empty quoted string after the word ends it and is read with the new quotes).
    reset = f"{s}changequote`'"
    out = ["divert(-1)"]
    for name in ("include", "sinclude", "undivert", "ifdef", "ifelse", "defn", "index", "errprint",
                 "m4exit", "__file__", "__line__", "__program__", "changequote", "define"):
        out.append(f"define({q(s + name)}, defn({q(name)}))")
    refuse = (f"{s}errprint({s}__program__`:'{s}__file__`:'{s}__line__`: $1: disabled on this mail host "
              f"(m4 runs no command and opens no file outside it)\n')" + f"{s}m4exit(`1')")
    out.append(f"define({q(s + 'refuse')}, {q(refuse)})")
    for name in REFUSED:
        out.append(f"define({q(name)}, {q(reset + s + 'refuse(' + q(name) + ')')})")
    # a name missing from the table: say which (m4 stops; mailkit copies it and runs m4 again)
    out.append(f"define({q(s + 'need')}, {q(s + 'errprint(' + q(s + 'NEED<$1><$2>' + s + 'END' + chr(10)) + ')' + s + 'm4exit(97)')})")
    lookup = f"{s}ifdef(`{s}F$2', `$1({s}defn(`{s}F$2'))', `{s}need(`F', `$2')')"
    fast = f"{s}ifelse({s}index(`$2', {q(macro_dir)}), `0', `$1(`$2')', {q(lookup)})" if macro_dir else lookup
    out.append(f"define({q(s + 'open')}, {q(fast)})")
    for fn in ("include", "sinclude"):
        body = f"{reset}{s}ifelse(`$#', `0', ``{fn}'', `{s}open(`{s}{fn}', `$1')')"
        out.append(f"define({q(fn)}, {q(body)})")
    # undivert: diversion numbers go to the builtin as literals of this text; a file is read
    # as a quoted copy through include (quotes set to this run's secret markers meanwhile;
    # a quote that began with a letter would not be seen as one)
    digits = ", ".join(f"`$1', `{n}', `{s}undivert({n})'" for n in range(10))
    # (the quotes change while include collects its argument: after the lookup, before the read)
    verbatim = (f"{s}ifdef(`{s}V$1', `{s}include({s}defn(`{s}V$1'){s}changequote(`<<{s}', `{s}>>')){s}changequote', "
                f"`{s}need(`V', `$1')')")
    undiv1 = f"{s}ifelse({digits}, `$1', `', `', {q(verbatim)})"
    undivs = f"{s}ifelse(`$#', `0', `', `$#', `1', `{s}undiv1(`$1')', `{s}undiv1(`$1'){s}undivs(shift($@))')"
    undivert = f"{reset}{s}ifelse(`$#', `0', `{s}undivert', `{s}undivs($@)')"
    out.append(f"define({q(s + 'undiv1')}, {q(undiv1)})")
    out.append(f"define({q(s + 'undivs')}, {q(undivs)})")
    out.append(f"define(`undivert', {q(undivert)})")
    for (kind, name), real in table.items():
        out.append(f"define({q(s + kind + name)}, {q(real)})")
    out.append("define(`_NO_MAKEINFO_')")  # cfhead.m4's makeinfo.sh runs a shell: its lines are written below
    out.append("divert(0)dnl")
    return "\n".join(out) + "\n"


_INPUT_READ = re.compile(r"^m4debug: input read from (.*)$", re.M)


def _read_only_allowed(trace: str, jail: str, macro_dir: str | None) -> bool:
    """Did m4 read nothing but the copies in `jail`, the prelude and the macro directory?"""
    allowed = [os.path.realpath(jail) + "/"]
    if macro_dir:
        allowed.append(os.path.realpath(macro_dir).rstrip("/") + "/")
    for name in _INPUT_READ.findall(trace):
        if name == "stdin":
            continue
        real = os.path.realpath(os.path.join(jail, name))
        if not any(real.startswith(a) for a in allowed):
            return False
    return True


def generate(mc_text: str, built_by: str = "root@localhost.localdomain", when: str = "",
             cwd: str = "/etc/mail", macros_available: bool = True, source_name: str = "stdin",
             read_file=None, warnings: list | None = None) -> str:
    """Run the real m4 on the .mc text and return the cf text.

    `read_file(name) -> bytes | None` reads a file the input names (relative to the user's
    directory) from the world, None when there is none; without it every such name is missing.
    Raises M4Error carrying m4's own messages (named after `source_name`, as `m4 FILE` names
    the file it reads). When m4 fails, its partial output is not returned. What m4 prints on
    standard error while succeeding (FEATURE(`promiscuous_relay')'s open-relay warning) is
    appended to `warnings` when given, as the real m4 prints it and still exits 0.
    """
    m4 = shutil.which("m4")
    if m4 is None:
        raise M4Error("m4: command not found (the host machine needs GNU m4: apt-get install m4)")
    macro_dir = host_macro_dir() if macros_available else None
    if macros_available and macro_dir is None:
        raise M4Error("mailkit: sendmail-cf's macros are missing on this machine "
                      "(Debian: apt-get install sendmail-cf; they live in /usr/share/sendmail/cf)")
    target = macro_dir or _ABSENT_DIR
    text = mc_text.replace(CENTOS_CF_DIR, target)
    with tempfile.TemporaryDirectory(prefix="mailkit-m4-") as jail:
        proc, back = _run_fenced(m4, text, jail, macro_dir, read_file)
    err = proc.stderr.strip()
    for real, name in back.items():
        err = err.replace(real, name)
    err = err.replace(target, CENTOS_CF_DIR).replace("m4:stdin:", f"m4:{source_name}:")
    if proc.returncode != 0 or (err and warnings is None):
        raise M4Error(err or f"m4 exited with {proc.returncode}")
    if err:
        warnings.append(err)
    out = proc.stdout.replace(target, CENTOS_CF_DIR)
    # cfhead.m4 stamps who built it, where and when (makeinfo.sh): the mail host's, not this machine's
    info = (f"##### built by {built_by}" + (f" on {when}" if when else "") + "\n"
            f"##### in {cwd}\n##### using {CENTOS_CF_DIR} as configuration include directory\n")
    out = out.replace("#####\t\tSENDMAIL CONFIGURATION FILE\n#####\n",
                      "#####\t\tSENDMAIL CONFIGURATION FILE\n#####\n" + info, 1)
    return out


def _run_fenced(m4: str, text: str, jail: str, macro_dir: str | None, read_file):
    """m4 on `text` inside the fence, again for each file name it asks for; (process, {copy
    path: name}) of the last run."""
    secret = "mk" + secrets.token_hex(8) + "_"
    need = re.compile(re.escape(secret) + r"NEED<([FV])><(.*?)>" + re.escape(secret) + "END", re.S)
    table: dict[tuple[str, str], str] = {}
    back: dict[str, str] = {}
    for _ in range(MAX_RUNS):
        prelude = Path(jail, "prelude.m4")
        prelude.write_text(_prelude(secret, macro_dir, table))
        trace = Path(jail, "trace")
        proc = subprocess.run(["m4", "--debug=aeqi", f"--debugfile={trace}", str(prelude), "-"], executable=m4,
                              input=text, capture_output=True, text=True, timeout=TIMEOUT, cwd=jail,
                              env={"LC_ALL": "C"})
        traced = trace.read_text(errors="replace") if trace.exists() else ""
        if not _read_only_allowed(traced, jail, macro_dir):
            raise M4Error("m4: a file outside the mail host was asked for; nothing was generated")
        # what the input traced itself (traceon, dumpdef) is m4's stderr on a real host
        own = [ln for ln in traced.splitlines() if not ln.startswith("m4debug: input ")]
        if own:
            proc.stderr = "\n".join(own) + "\n" + proc.stderr
        m = need.search(proc.stderr)
        if m is None:
            return proc, back
        kind, name = m.group(1), m.group(2)
        copy = Path(jail, f"{kind}{len(table)}")
        data = read_file(name) if read_file is not None else None
        if data is not None:
            copy.write_bytes(data if kind == "F" else f"<<{secret}".encode() + data + f"{secret}>>".encode())
        table[(kind, name)] = str(copy)  # a missing file's copy stays missing: m4 says "cannot open"
        back[str(copy)] = name
    raise M4Error(f"m4: more than {MAX_RUNS} files named; stopped")
