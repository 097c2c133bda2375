"""A small shell for the exam's command lines: `makemap hash F < F`, `m4 X.mc > X.cf`,
`echo 'x REJECT' >> /etc/mail/access`, `netstat -anp | grep LISTEN -w | grep :25`.

What it understands: words with '…', "…" and backslash quoting; `|`; `<`, `>`, `>>`, `2>`,
`2>&1`, here-documents (`<<EOF` … `EOF`, `<<'EOF'`, `<<-EOF`); statements separated by `;`,
newlines, `&&` and `||`; `#` comments; the builtins `cd`, `pwd`, `true`, `false`.
Every other word names a command of the registry (`commands.base.run`). No variables, globs,
subshells or background jobs: the course needs none, and a clear error beats a half feature.

As in bash, `>` empties its target before the command runs, whether the command then succeeds
or not: a failed `m4 sendmail.mc > sendmail.cf` leaves an empty sendmail.cf (the course teaches
writing to a new file first).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field

from ..core.files import atomic_write, write_all
from ..core.world import PathEscape
from .base import Host, Result, command, run

OPERATORS = ("2>&1", "&&", "||", ">>", "<<-", "<<", "2>", "|", "<", ">", ";", "&")
SHELL = "bash"  # the name errors are reported under, as on the exam's CentOS host


class ShellSyntaxError(ValueError):
    """A line the shell cannot parse; str() is bash's message."""


@dataclass
class Word:
    text: str
    quoted: bool = False


@dataclass
class Redirect:
    op: str  # "<", ">", ">>", "2>", "2>&1", "<<"
    target: str = ""  # a path, or the here-document's text for "<<"


@dataclass
class Simple:
    argv: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    globs: set = field(default_factory=set)  # indexes of unquoted words with * ? [ in them


@dataclass
class Statement:
    pipeline: list[Simple]
    text: str  # the source, for error messages and logs
    connector: str = ";"  # how it joins the NEXT statement: ";", "&&", "||"


# -- lexing ---------------------------------------------------------------------------------


class _Lexer:
    """Tokens of a script: ("word", Word), ("op", "|"), ("nl", "\n"); `pos` may be moved on
    (past a here-document's body) between tokens."""

    def __init__(self, src: str):
        self.src, self.pos = src, 0

    def next(self):
        src, n = self.src, len(self.src)
        i = self.pos
        while i < n and src[i] in " \t":
            i += 1
        if i < n and src[i] == "#":
            while i < n and src[i] != "\n":
                i += 1
        if i >= n:
            self.pos = i
            return None
        if src[i] == "\n":
            self.pos = i + 1
            return "nl", "\n"
        op = next((o for o in OPERATORS if src.startswith(o, i)), None)
        if op:
            if op == "&":
                raise ShellSyntaxError(f"{SHELL}: background jobs (&) are not supported here")
            self.pos = i + len(op)
            return "op", op
        buf, quoted = [], False
        while i < n and src[i] not in " \t\n" and not any(src.startswith(o, i) for o in OPERATORS):
            c = src[i]
            if c == "'":
                j = src.find("'", i + 1)
                if j < 0:
                    raise ShellSyntaxError(f"{SHELL}: unexpected EOF while looking for matching `''")
                buf.append(src[i + 1:j])
                quoted, i = True, j + 1
            elif c == '"':
                i += 1
                while True:
                    if i >= n:
                        raise ShellSyntaxError(f"{SHELL}: unexpected EOF while looking for matching `\"'")
                    if src[i] == '"':
                        i += 1
                        break
                    if src[i] == "\\" and i + 1 < n and src[i + 1] in '"\\$`\n':
                        if src[i + 1] != "\n":
                            buf.append(src[i + 1])
                        i += 2
                        continue
                    buf.append(src[i])
                    i += 1
                quoted = True
            elif c == "\\":
                if i + 1 < n and src[i + 1] != "\n":
                    buf.append(src[i + 1])
                quoted, i = True, i + 2
            else:
                buf.append(c)
                i += 1
        self.pos = i
        return "word", Word("".join(buf), quoted)


def parse(src: str) -> list[Statement]:
    """Parse a script (one line or many) into statements; raises ShellSyntaxError."""
    statements: list[Statement] = []
    pipeline: list[Simple] = [Simple()]
    heredocs: list[tuple[Redirect, str, bool]] = []  # (redirect, delimiter, strip leading tabs)
    lex = _Lexer(src)
    start = 0

    def finish(connector: str, end: int) -> None:
        nonlocal pipeline
        if not pipeline[-1].argv and not pipeline[-1].redirects:
            if len(pipeline) > 1:
                raise ShellSyntaxError(f"{SHELL}: syntax error near unexpected token `{connector}'")
            if connector in ("&&", "||") or (connector == ";" and end < len(src) and src[end:end + 1] == ";"):
                raise ShellSyntaxError(f"{SHELL}: syntax error near unexpected token `{connector}'")
            return
        text = src[start:end].strip()
        statements.append(Statement(pipeline, text, connector))
        pipeline = [Simple()]

    while True:
        before = lex.pos
        tok = lex.next()
        if tok is None:
            break
        kind, value = tok
        if kind == "word":
            if not value.quoted and any(c in value.text for c in "*?["):
                pipeline[-1].globs.add(len(pipeline[-1].argv))
            pipeline[-1].argv.append(value.text)
        elif kind == "nl":
            if len(pipeline) > 1 and not pipeline[-1].argv:
                continue  # `a |` newline `b`: the pipeline goes on
            finish(";", before)
            if heredocs:
                lex.pos = _read_heredocs(src, lex.pos, heredocs)
                heredocs = []
            start = lex.pos
        elif value in ("<", ">", ">>", "2>", "<<", "<<-"):
            nxt = lex.next()
            if nxt is None or nxt[0] != "word":
                got = "newline" if nxt is None or nxt[0] == "nl" else nxt[1]
                raise ShellSyntaxError(f"{SHELL}: syntax error near unexpected token `{got}'")
            if value in ("<<", "<<-"):
                r = Redirect("<<")
                heredocs.append((r, nxt[1].text, value == "<<-"))
                pipeline[-1].redirects.append(r)
            else:
                pipeline[-1].redirects.append(Redirect(value, nxt[1].text))
        elif value == "2>&1":
            pipeline[-1].redirects.append(Redirect("2>&1"))
        elif value == "|":
            if not pipeline[-1].argv:
                raise ShellSyntaxError(f"{SHELL}: syntax error near unexpected token `|'")
            pipeline.append(Simple())
        else:  # ; && ||
            if not pipeline[-1].argv and not pipeline[-1].redirects:
                raise ShellSyntaxError(f"{SHELL}: syntax error near unexpected token `{value}'")
            finish(value, before)
            start = lex.pos
    if heredocs:
        raise ShellSyntaxError(f"{SHELL}: here-document delimited by end-of-file (wanted `{heredocs[0][1]}')")
    if len(pipeline) > 1 and not pipeline[-1].argv:
        raise ShellSyntaxError(f"{SHELL}: syntax error: unexpected end of file")
    if statements and statements[-1].connector in ("&&", "||") and not pipeline[-1].argv:
        raise ShellSyntaxError(f"{SHELL}: syntax error: unexpected end of file")
    finish(";", len(src))
    return statements


def _read_heredocs(src: str, pos: int, pending) -> int:
    """Fill each here-document from the lines after `pos`; returns where the script goes on."""
    for redirect, delim, strip in pending:
        body = []
        while True:
            if pos >= len(src):
                raise ShellSyntaxError(f"{SHELL}: here-document delimited by end-of-file (wanted `{delim}')")
            end = src.find("\n", pos)
            end = len(src) if end < 0 else end
            line = src[pos:end]
            pos = end + 1
            if strip:
                line = line.lstrip("\t")
            if line == delim:
                break
            body.append(line + "\n")
        redirect.target = "".join(body)
    return min(pos, len(src))


# -- running --------------------------------------------------------------------------------


def _real(host: Host, path: str):
    return host.world.path(path, host.cwd)


def _read_file(host: Host, path: str) -> str:
    if path == "/dev/null":
        return ""
    p = _real(host, path)
    if p.is_dir():
        raise IsADirectoryError(path)
    return p.read_text(encoding="utf-8", errors="surrogateescape")


def _write_file(host: Host, path: str, text: str, append: bool) -> None:
    if path == "/dev/null":
        return
    p = _real(host, path)
    if p.is_dir():
        raise IsADirectoryError(path)
    if not p.parent.is_dir():
        raise FileNotFoundError(path)
    data = text.encode("utf-8", "surrogateescape")
    # opened through the world (checked at the open: nothing lands outside it)
    host_path = host.world.normalize(path, host.cwd)
    if append:
        fd = host.world.open(host_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    else:
        atomic_write(p, data, mode=(p.stat().st_mode & 0o777) if p.exists() else 0o644, world=host.world)


def _redirect_error(path: str, e: Exception) -> str:
    why = {IsADirectoryError: "Is a directory", PermissionError: "Permission denied",
           PathEscape: "Permission denied"}.get(type(e), "No such file or directory")
    return f"{SHELL}: {path}: {why}\n"


def run_simple(host: Host, cmd: Simple, stdin: str | None) -> tuple[Result, bool]:
    """Run one command with its redirections; returns (result, stdout_went_to_a_file)."""
    out_target = None  # (path, append)
    err_target = None
    err_to_out = False
    for r in cmd.redirects:
        if r.op == "<":
            try:
                stdin = _read_file(host, r.target)
            except (OSError, PathEscape) as e:
                return Result(err=_redirect_error(r.target, e), code=1), False
        elif r.op == "<<":
            stdin = r.target
        elif r.op in (">", ">>"):
            out_target = (r.target, r.op == ">>")
            try:  # bash opens (creates) the file before the command runs; a bad path stops here
                if r.target == "/dev/null":
                    continue
                p = _real(host, r.target)
                if p.is_dir():
                    raise IsADirectoryError(r.target)
                if not p.parent.is_dir():
                    raise FileNotFoundError(r.target)
                if r.op == ">":  # bash's O_TRUNC, before the command runs
                    _write_file(host, r.target, "", append=False)
            except (OSError, PathEscape) as e:
                return Result(err=_redirect_error(r.target, e), code=1), False
        elif r.op == "2>":
            err_target = r.target
        elif r.op == "2>&1":
            err_to_out = True
    argv = expand_globs(host, cmd)
    if not argv:  # a bare redirection: `> file` empties it, `< file` checks it exists
        res = Result()
    else:
        res = builtin(host, argv, stdin)
        if res is None:
            try:
                res = run(host, argv, stdin)
            except PathEscape as e:
                res = Result(err=f"{argv[0]}: {e}\n", code=1)
    if err_to_out:
        res = Result(out=res.out + res.err, err="", code=res.code, display=res.display)
    if err_target is not None:
        try:
            _write_file(host, err_target, res.err, append=False)
            res = Result(out=res.out, err="", code=res.code, display=res.display)
        except (OSError, PathEscape) as e:
            res = Result(out=res.out, err=res.err + _redirect_error(err_target, e), code=res.code or 1)
    if out_target is not None:
        path, append = out_target
        if res.out or append:
            try:
                _write_file(host, path, res.out, append)
            except (OSError, PathEscape) as e:
                return Result(err=res.err + _redirect_error(path, e), code=1), True
        return Result(err=res.err, code=res.code), True
    return res, False


def expand_globs(host: Host, cmd: Simple) -> list[str]:
    """`cat /var/spool/mqueue/qf*`: unquoted patterns name the world's files, sorted; a pattern
    that matches nothing stays as typed (bash's default)."""
    out = []
    for i, word in enumerate(cmd.argv):
        if i not in cmd.globs:
            out.append(word)
            continue
        absolute = word.startswith("/")
        base = host.world.path("/" if absolute else host.cwd)
        try:
            found = sorted(p for p in base.glob(word.lstrip("/")) if not p.name.startswith("."))
        except (ValueError, OSError):
            found = []
        names = []
        for p in found:
            try:
                hp = host.world.host_path(p)
            except ValueError:
                continue
            names.append(hp if absolute else posixpath.relpath(hp, host.cwd))
        out += names or [word]
    return out


def run_pipeline(host: Host, pipeline: list[Simple], stdin: str | None = None) -> Result:
    """Each command's stdout feeds the next; stderr of all of them is kept in order."""
    errs, data, res = [], stdin, Result()
    for i, cmd in enumerate(pipeline):
        res, to_file = run_simple(host, cmd, data)
        errs.append(res.err)
        data = "" if to_file else res.out
    last_display = res.display
    return Result(out=res.out, err="".join(errs), code=res.code, display=list(last_display))


@dataclass
class StepResult:
    statement: Statement
    result: Result


def run_script(host: Host, src: str, stdin: str | None = None, stop_on_error: bool = False,
               on_step=None) -> list[StepResult]:
    """Run every statement of `src`; `on_step(step)` sees each result as soon as it is known.

    With stop_on_error, a statement that fails with an error message ends the script (the
    `%%host` cell's rule); `&&`/`||` work as in bash either way.
    """
    steps: list[StepResult] = []
    last_code = 0
    skip = False
    for st in parse(src):
        if not skip:
            res = run_pipeline(host, st.pipeline, stdin)
            last_code = res.code
            step = StepResult(st, res)
            steps.append(step)
            if on_step:
                on_step(step)
            if stop_on_error and res.code != 0 and res.err:
                break
        skip = (st.connector == "&&" and last_code != 0) or (st.connector == "||" and last_code == 0)
    return steps


def run_line(host: Host, src: str, stdin: str | None = None) -> Result:
    """Run a script and merge what it printed: the form a caller without a notebook wants."""
    try:
        steps = run_script(host, src, stdin)
    except ShellSyntaxError as e:
        return Result(err=f"{e}\n", code=2)
    out = "".join(s.result.out for s in steps)
    err = "".join(s.result.err for s in steps)
    display = [d for s in steps for d in s.result.display]
    return Result(out=out, err=err, code=steps[-1].result.code if steps else 0, display=display)


# -- builtins ---------------------------------------------------------------------------------


def builtin(host: Host, argv: list[str], stdin: str | None) -> Result | None:
    name = argv[0]
    if name == "cd":
        target = argv[1] if len(argv) > 1 else ("/root" if host.user == "root" else f"/home/{host.user}")
        new = posixpath.normpath(posixpath.join(host.cwd, target))
        try:
            ok = _real(host, new).is_dir()
        except PathEscape:
            ok = False
        if not ok:
            return Result(err=f"{SHELL}: cd: {target}: No such file or directory\n", code=1)
        host.cwd = "/" + new.lstrip("/")
        return Result()
    if name == "pwd":
        return Result(out=host.cwd + "\n")
    if name == "true":
        return Result()
    if name == "false":
        return Result(code=1)
    return None


@command("sh", "bash")
def sh(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    """`sh -c 'cmd | cmd'`, or a script on stdin."""
    if len(argv) >= 3 and argv[1] == "-c":
        return run_line(host, argv[2])
    if len(argv) == 1:
        return run_line(host, stdin or "")
    try:
        return run_line(host, _read_file(host, argv[1]))
    except (OSError, PathEscape):
        return Result(err=f"{argv[0]}: {argv[1]}: No such file or directory\n", code=127)
