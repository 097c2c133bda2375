"""The file tools an administrator types around the mail commands: cat, ls, echo, grep, head,
tail, wc, tee, cp, mv, rm, mkdir, touch, chmod. GNU coreutils' messages, on the world's files.

`ls -l` shows times from the host's clock (a file written a moment ago shows the host's "now"),
so a notebook run with the fixed clock prints the same listing every time.
"""

from __future__ import annotations

import os
import re
import shutil
import stat as stat_mod
from datetime import datetime, timedelta

from ..core.files import write_all
from ..core.world import MAIL_SPOOL, PathEscape
from .base import Host, Result, command


def _real(host: Host, path: str):
    return host.world.path(path, host.cwd)


def _flags(argv: list[str], known: str, with_value: str = "") -> tuple[set[str], dict[str, str], list[str], str | None]:
    """Short options (bundled, `--` ends them); returns (flags, values, operands, bad option)."""
    flags, values, args = set(), {}, []
    i = 1
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            args += argv[i:]
            break
        if a.startswith("-") and len(a) > 1 and not a[1:].isdigit():
            j = 1
            while j < len(a):
                c = a[j]
                if c in with_value:
                    rest = a[j + 1:]
                    if not rest:
                        if i >= len(argv):
                            return flags, values, args, c
                        rest = argv[i]
                        i += 1
                    values[c] = rest
                    break
                if c not in known:
                    return flags, values, args, c
                flags.add(c)
                j += 1
        else:
            args.append(a)
    return flags, values, args, None


def _invalid(prog: str, opt: str) -> Result:
    return Result(err=f"{prog}: invalid option -- '{opt}'\nTry '{prog} --help' for more information.\n", code=2 if prog in ("grep", "ls") else 1)


def _read(host: Host, prog: str, path: str) -> tuple[str | None, str]:
    """(text, error line) of one operand; "-" is stdin's job, handled by the caller."""
    try:
        p = _real(host, path)
        if p.is_dir():
            return None, f"{prog}: {path}: Is a directory\n"
        return p.read_text(encoding="utf-8", errors="surrogateescape"), ""
    except FileNotFoundError:
        return None, f"{prog}: {path}: No such file or directory\n"
    except PermissionError:
        return None, f"{prog}: {path}: Permission denied\n"
    except PathEscape:
        return None, f"{prog}: {path}: Permission denied\n"
    except NotADirectoryError:
        return None, f"{prog}: {path}: Not a directory\n"


def _inputs(host: Host, prog: str, files: list[str], stdin: str | None):
    """Yield (name, text) for each operand (stdin when none); errors go to the list returned."""
    errs: list[str] = []
    items = []
    for f in files or ["-"]:
        if f == "-":
            items.append(("(standard input)", stdin or ""))
            continue
        text, err = _read(host, prog, f)
        if err:
            errs.append(err)
        else:
            items.append((f, text))
    return items, errs


@command("cat")
def cat(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, _, files, bad = _flags(argv, "nAvET")
    if bad:
        return _invalid("cat", bad)
    items, errs = _inputs(host, "cat", files, stdin)
    text = "".join(t for _, t in items)
    if "n" in flags:
        lines = text.splitlines(keepends=True)
        text = "".join(f"{i:6d}\t{ln}" for i, ln in enumerate(lines, 1))
    return Result(out=text, err="".join(errs), code=1 if errs else 0)


@command("echo")
def echo(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    args, newline, escapes = argv[1:], True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0] or (escapes and "E" not in args[0])
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = text.encode("utf-8", "surrogateescape").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    return Result(out=text + ("\n" if newline else ""))


def _compile(pattern: str, extended: bool, fixed: bool, word: bool, ignore_case: bool, whole_line: bool = False):
    if fixed:
        rx = re.escape(pattern)
    elif extended:
        rx = pattern
    else:  # POSIX basic: \+ \? \| \( \) \{ \} are operators, the bare characters are literal
        out, i = [], 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern):
                n = pattern[i + 1]
                out.append(n if n in "+?|(){}" else "\\" + n)
                i += 2
                continue
            out.append("\\" + c if c in "+?|(){}" else c)
            i += 1
        rx = "".join(out)
    if word:
        rx = rf"(?<![\w])(?:{rx})(?![\w])"
    if whole_line:
        rx = rf"^(?:{rx})$"
    return re.compile(rx, re.IGNORECASE if ignore_case else 0)


@command("grep", "egrep", "fgrep")
def grep(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, values, args, bad = _flags(argv, "wxviEFnclqsoHh", with_value="e")
    if bad:
        return Result(err=f"grep: invalid option -- '{bad}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
                          "Try 'grep --help' for more information.\n", code=2)
    if "e" in values:
        pattern = values["e"]
    elif args:
        pattern, args = args[0], args[1:]
    else:
        return Result(err="Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", code=2)
    prog = argv[0].rsplit("/", 1)[-1]
    try:
        rx = _compile(pattern, "E" in flags or prog == "egrep", "F" in flags or prog == "fgrep", "w" in flags, "i" in flags, "x" in flags)
    except re.error as e:
        return Result(err=f"grep: {e}\n", code=2)
    items, errs = _inputs(host, "grep", args, stdin)
    if "s" in flags:
        errs = []
    show_name = ("H" in flags or len(args) > 1) and "h" not in flags
    out, matched = [], False
    for name, text in items:
        count = 0
        for n, line in enumerate(text.splitlines(), 1):
            hit = rx.search(line) is not None
            if hit == ("v" in flags):
                continue
            matched = True
            count += 1
            if "c" in flags or "l" in flags or "q" in flags:
                continue
            prefix = (f"{name}:" if show_name else "") + (f"{n}:" if "n" in flags else "")
            if "o" in flags and "v" not in flags:
                out += [prefix + m.group(0) for m in rx.finditer(line)]
            else:
                out.append(prefix + line)
        if "c" in flags:
            out.append((f"{name}:" if show_name else "") + str(count))
        elif "l" in flags and count:
            out.append(name)
    if "q" in flags:
        return Result(code=0 if matched else (2 if errs else 1))
    return Result(out="".join(x + "\n" for x in out), err="".join(errs), code=2 if errs else (0 if matched else 1))


def _count_arg(argv: list[str], prog: str) -> tuple[int, list[str], str | None]:
    n, files, args = 10, [], argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-n" and i + 1 < len(args):
            val, i = args[i + 1], i + 2
        elif a.startswith("-n"):
            val, i = a[2:], i + 1
        elif re.fullmatch(r"-\d+", a):
            val, i = a[1:], i + 1
        elif a.startswith("-") and a != "-":
            return 0, [], f"{prog}: invalid option -- '{a[1:2]}'\n"
        else:
            files.append(a)
            i += 1
            continue
        if not val.lstrip("+-").isdigit():
            return 0, [], f"{prog}: invalid number of lines: ‘{val}’\n"
        n = int(val.lstrip("+-"))
    return n, files, None


def _head_tail(host: Host, argv: list[str], stdin: str | None, take) -> Result:
    prog = argv[0]
    n, files, err = _count_arg(argv, prog)
    if err:
        return Result(err=err, code=1)
    items, errs = _inputs(host, prog, files, stdin)
    out = []
    for k, (name, text) in enumerate(items):
        if len(items) > 1:
            out.append(("\n" if k else "") + f"==> {name} <==\n")
        out.append("".join(take(text.splitlines(keepends=True), n)))
    return Result(out="".join(out), err="".join(errs), code=1 if errs else 0)


@command("head")
def head(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    return _head_tail(host, argv, stdin, lambda lines, n: lines[:n])


@command("tail")
def tail(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    return _head_tail(host, argv, stdin, lambda lines, n: lines[-n:] if n else [])


@command("wc")
def wc(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, _, files, bad = _flags(argv, "lwcm")
    if bad:
        return _invalid("wc", bad)
    shown = [c for c in "lwc" if c in flags or (c == "c" and "m" in flags)] or ["l", "w", "c"]
    items, errs = _inputs(host, "wc", files, stdin)
    rows, totals = [], {"l": 0, "w": 0, "c": 0}
    for name, text in items:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode("utf-8", "surrogateescape"))}
        for k in totals:
            totals[k] += counts[k]
        rows.append(([counts[c] for c in shown], name if files else ""))
    if len(items) > 1:
        rows.append(([totals[c] for c in shown], "total"))
    width = 1 if len(shown) == 1 and not files else max(len(str(v)) for r in rows for v in r[0]) if rows else 1
    out = "".join(" ".join(f"{v:>{width}}" for v in vals) + (f" {name}" if name else "") + "\n" for vals, name in rows)
    return Result(out=out, err="".join(errs), code=1 if errs else 0)


def _open(host: Host, path: str, flags: int, mode: int = 0o644) -> int:
    """os.open of a path of the world, checked at the open (World.open)."""
    return host.world.open(host.world.normalize(path, host.cwd), flags, mode)


def _write(host: Host, path: str, data: str, append: bool) -> None:
    fd = _open(host, path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC))
    try:
        write_all(fd, data.encode("utf-8", "surrogateescape"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_file(host: Host, src: str, dst: str, keep_mode: bool) -> None:
    """cp of one regular file, both ends opened through the world."""
    sfd = _open(host, src, os.O_RDONLY)
    try:
        st = os.fstat(sfd)
        dfd = _open(host, dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, st.st_mode & 0o777)
        try:
            while chunk := os.read(sfd, 1 << 20):
                write_all(dfd, chunk)
            if keep_mode:
                os.fchmod(dfd, st.st_mode & 0o7777)
                os.utime(dfd, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(dfd)
    finally:
        os.close(sfd)


@command("tee")
def tee(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, _, files, bad = _flags(argv, "a")
    if bad:
        return _invalid("tee", bad)
    errs = []
    for f in files:
        try:
            _write(host, f, stdin or "", "a" in flags)
        except (OSError, PathEscape):
            errs.append(f"tee: {f}: No such file or directory\n")
    return Result(out=stdin or "", err="".join(errs), code=1 if errs else 0)


@command("touch")
def touch(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    errs = []
    for f in argv[1:]:
        if f.startswith("-"):
            continue
        try:
            fd = _open(host, f, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK)
            try:
                os.utime(fd)
            finally:
                os.close(fd)
        except (OSError, PathEscape):
            errs.append(f"touch: cannot touch '{f}': No such file or directory\n")
    return Result(err="".join(errs), code=1 if errs else 0)


@command("mkdir")
def mkdir(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, _, dirs, bad = _flags(argv, "pv")
    if bad:
        return _invalid("mkdir", bad)
    if not dirs:
        return Result(err="mkdir: missing operand\nTry 'mkdir --help' for more information.\n", code=1)
    errs = []
    for d in dirs:
        try:
            hp = host.world.normalize(d, host.cwd)
            if "p" in flags:
                host.world.makedirs(hp)
            else:
                dfd, name = host.world.open_parent(hp)
                try:
                    os.mkdir(name, 0o755, dir_fd=dfd)
                finally:
                    os.close(dfd)
        except FileExistsError:
            errs.append(f"mkdir: cannot create directory ‘{d}’: File exists\n")
        except (OSError, PathEscape):
            errs.append(f"mkdir: cannot create directory ‘{d}’: No such file or directory\n")
    return Result(err="".join(errs), code=1 if errs else 0)


@command("rm")
def rm(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags, _, files, bad = _flags(argv, "frRiv")
    if bad:
        return _invalid("rm", bad)
    if not files and "f" not in flags:
        return Result(err="rm: missing operand\nTry 'rm --help' for more information.\n", code=1)
    errs = []
    for f in files:
        try:
            p = _real(host, f)
            if p == host.world.root:
                errs.append("rm: it is dangerous to operate recursively on '/'\n")
            elif p.is_dir() and not p.is_symlink():
                if flags & {"r", "R"}:
                    shutil.rmtree(p)
                else:
                    errs.append(f"rm: cannot remove '{f}': Is a directory\n")
            else:
                p.unlink()
        except FileNotFoundError:
            if "f" not in flags:
                errs.append(f"rm: cannot remove '{f}': No such file or directory\n")
        except (OSError, PathEscape):
            errs.append(f"rm: cannot remove '{f}': Permission denied\n")
    return Result(err="".join(errs), code=1 if errs else 0)


def _copy_or_move(host: Host, argv: list[str], move: bool) -> Result:
    prog = argv[0]
    flags, _, args, bad = _flags(argv, "fpriavR")
    if bad:
        return _invalid(prog, bad)
    if len(args) < 2:
        return Result(err=f"{prog}: missing destination file operand after '{args[0] if args else ''}'\n", code=1)
    *sources, dest = args
    try:
        dst = _real(host, dest)
    except PathEscape:
        return Result(err=f"{prog}: cannot create regular file '{dest}': Permission denied\n", code=1)
    if len(sources) > 1 and not dst.is_dir():
        return Result(err=f"{prog}: target '{dest}' is not a directory\n", code=1)
    errs = []
    for s in sources:
        try:
            src = _real(host, s)
            if not src.exists():
                errs.append(f"{prog}: cannot stat '{s}': No such file or directory\n")
                continue
            target = dst / src.name if dst.is_dir() else dst
            src_host, target_host = host.world.host_of(src), host.world.host_of(target)
            if move:
                sdir, sname = host.world.open_parent(src_host)
                try:
                    tdir, tname = host.world.open_parent(target_host)
                    try:
                        os.replace(sname, tname, src_dir_fd=sdir, dst_dir_fd=tdir)
                    finally:
                        os.close(tdir)
                finally:
                    os.close(sdir)
            elif src.is_dir():
                if not flags & {"r", "R", "a"}:
                    errs.append(f"{prog}: -r not specified; omitting directory '{s}'\n")
                    continue
                # symlinks are copied as symlinks: one leading out is never read through
                shutil.copytree(src, target, symlinks=True, dirs_exist_ok=True)
            else:
                _copy_file(host, src_host, target_host, keep_mode=bool(flags & {"p", "a"}))
        except (OSError, PathEscape):
            errs.append(f"{prog}: cannot create regular file '{dest}': No such file or directory\n")
    return Result(err="".join(errs), code=1 if errs else 0)


@command("cp")
def cp(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    return _copy_or_move(host, argv, move=False)


@command("mv")
def mv(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    return _copy_or_move(host, argv, move=True)


@command("chmod")
def chmod(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    args = [a for a in argv[1:] if a not in ("-R", "-v")]
    if len(args) < 2 or not re.fullmatch(r"[0-7]{3,4}", args[0]):
        return Result(err="chmod: only octal modes are supported here (chmod 600 FILE)\n", code=1)
    errs = []
    for f in args[1:]:
        try:
            fd = _open(host, f, os.O_RDONLY | os.O_NONBLOCK)
            try:
                os.fchmod(fd, int(args[0], 8))
            finally:
                os.close(fd)
        except (OSError, PathEscape):
            errs.append(f"chmod: cannot access '{f}': No such file or directory\n")
    return Result(err="".join(errs), code=1 if errs else 0)


# -- ls -------------------------------------------------------------------------------------------


def _owner(host_path: str) -> tuple[str, str]:
    """Who a file belongs to on the CentOS host: spools and homes are their users', the rest root's."""
    parts = host_path.strip("/").split("/")
    if host_path.startswith(MAIL_SPOOL + "/") and len(parts) == 4:
        return parts[3], "mail"
    if parts[0] == "home" and len(parts) >= 2:
        return parts[1], parts[1]
    if host_path.startswith("/var/spool/clientmqueue"):
        return "smmsp", "smmsp"
    return "root", "root"


def _long(host: Host, real, name: str, now: datetime, wall: float) -> str:
    st = real.lstat()
    mode = stat_mod.filemode(st.st_mode)
    user, group = _owner(host.world.host_path(real) if not real.is_symlink() else "/")
    # Age on the host's clock: what was written a moment ago shows the host's "now".
    # Files older than the world itself came "with the packages": they show its creation time.
    mtime = max(st.st_mtime, host.world.root.stat().st_ctime)
    # Whole minutes only, so a file written within the last minute shows exactly "now".
    when = now - timedelta(minutes=int(max(0.0, wall - mtime) // 60))
    stamp = when.strftime("%b %e %H:%M") if abs((now - when).days) < 180 else when.strftime("%b %e  %Y")
    links = 2 if real.is_dir() else 1
    return f"{mode}. {links} {user:<5} {group:<5} {st.st_size:>6} {stamp} {name}"


@command("ls")
def ls(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    import time

    flags, _, args, bad = _flags(argv, "laA1dhtrRF")
    if bad:
        return _invalid("ls", bad)
    now, wall = host.clock.now(), time.time()
    out, errs, files, dirs = [], [], [], []
    for a in args or ["."]:
        try:
            p = _real(host, a)
            if not p.exists() and not p.is_symlink():
                raise FileNotFoundError
        except (FileNotFoundError, PathEscape):
            errs.append(f"ls: cannot access '{a}': No such file or directory\n")
            continue
        (dirs if p.is_dir() and "d" not in flags else files).append((a, p))

    def show(entries):
        if "t" in flags:
            entries.sort(key=lambda e: e[1].lstat().st_mtime, reverse=True)
        if "r" in flags:
            entries.reverse()
        for name, p in entries:
            out.append(_long(host, p, name, now, wall) if "l" in flags else name)

    show(files)
    for k, (a, p) in enumerate(dirs):
        if len(dirs) + len(files) > 1:
            out.append(("\n" if out else "") + f"{a}:")
        names = sorted(os.listdir(p), key=lambda n: n.lstrip(".").lower())
        if "a" not in flags and "A" not in flags:
            names = [n for n in names if not n.startswith(".")]
        entries = [(n, p / n) for n in names]
        if "a" in flags:
            entries = [(".", p), ("..", p.parent if p != host.world.root else p)] + entries
        if "l" in flags:
            total = sum(-(-e[1].lstat().st_size // 4096) * 4 for e in entries)
            out.append(f"total {total}")
        show(entries)
    return Result(out="".join(x + "\n" for x in out), err="".join(errs), code=2 if errs and not out else (1 if errs else 0))


@command("printf")
def printf(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    """printf FORMAT [ARG]...: %s %d %% and backslash escapes; the format repeats for extra args."""
    if len(argv) < 2:
        return Result(err="printf: usage: printf format [arguments]\n", code=2)
    fmt, args = argv[1], argv[2:]
    fmt = fmt.encode("utf-8", "surrogateescape").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
    out = []
    while True:
        used = 0

        def sub(m):
            nonlocal used
            if m.group(0) == "%%":
                return "%"
            val = args[used] if used < len(args) else ""
            used += 1
            if m.group(1) == "d":
                return str(int(val)) if val.lstrip("-").isdigit() else "0"
            return val

        out.append(re.sub(r"%%|%(s|d)", sub, fmt))
        args = args[used:]
        if not args or not used:
            break
    return Result(out="".join(out))
