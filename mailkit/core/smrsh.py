"""The prog mailer through smrsh: what `|program` in an alias, a .forward or a procmail recipe runs.

sendmail on CentOS runs programs through smrsh, which runs only what is in /etc/smrsh. On this
host the rule is one step stricter, because the world is a directory the learner's mini-shell
writes to: a program runs when

  1. its name (the last component of the command's first word, as smrsh takes it) is present in
     the world's /etc/smrsh (a file or a symlink, smrsh's allow-list), and
  2. it is one of mailkit's own programs (`PROGRAMS`), written here in Python and acting on the
     world only.

The file in /etc/smrsh is never executed and no shell is ever started: the command line is split
on white space, the message is the program's standard input, and nothing of the envelope or the
headers is interpreted. So a script the mini-shell writes to /etc/smrsh (or anywhere) cannot run
on the real machine. A program gets sendmail's environment for the prog mailer (AGENT=sendmail,
the recipient's HOME, USER, LOGNAME, SHELL=/bin/sh) and nothing of this process's environment;
every path it is given is a path of the world.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .message import Message, as_message
from .world import SMRSH_DIR, PathEscape, World


class ProgramError(RuntimeError):
    """A program that may not run, or that failed; `code`/`dsn`/`text` are sendmail's."""

    def __init__(self, code: str, dsn: str, text: str):
        super().__init__(text)
        self.code, self.dsn, self.text = code, dsn, text


@dataclass(frozen=True)
class Call:
    world: World
    argv: tuple[str, ...]  # argv[0] is the name the command used
    stdin: Message  # read with stdin.raw_chunks(): a queued message is streamed from its df
    env: dict  # HOME etc., host paths


def _autoreply(call: Call) -> int:
    """The course's autoreply: appends what it received to $HOME/autoreply.log."""
    home = call.env.get("HOME") or "/"
    fd = call.world.open(f"{home.rstrip('/')}/autoreply.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                         0o600, follow=False)
    try:
        for chunk in call.stdin.raw_chunks():
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return 0


def _true(call: Call) -> int:
    return 0


def _false(call: Call) -> int:
    return 1


PROGRAMS = {"autoreply": _autoreply, "true": _true, "false": _false}


def program_name(command: str) -> str:
    """smrsh's name for a command: the last component of its first word."""
    words = command.split()
    return words[0].rsplit("/", 1)[-1] if words else ""


def allowed(world: World, name: str) -> bool:
    """Is `name` in the world's /etc/smrsh (as a file or a symlink, never followed)?"""
    if not name or name in (".", "..") or "\0" in name:
        return False
    try:
        dfd = world.open_dir(SMRSH_DIR)
    except (OSError, PathEscape):
        return False
    try:
        os.stat(name, dir_fd=dfd, follow_symlinks=False)
        return True
    except OSError:
        return False
    finally:
        os.close(dfd)


def run(world: World, command: str, message, env: dict) -> None:
    """Run `command` (the text after "|") on `message`, as smrsh would; ProgramError if it may not
    run or exits non-zero."""
    argv = tuple(command.split())
    if not argv:
        raise ProgramError("554", "5.3.0", "empty program")
    name = program_name(command)
    impl = PROGRAMS.get(name)
    if impl is None or not allowed(world, name):
        raise ProgramError("554", "5.0.0", f"smrsh: {name} not available for sendmail programs")
    sm_env = {"AGENT": "sendmail", "SHELL": "/bin/sh", **{k: v for k, v in env.items() if k in ("HOME", "USER", "LOGNAME")}}
    try:
        status = impl(Call(world, (name, *argv[1:]), as_message(message), sm_env))
    except (OSError, PathEscape) as e:
        raise ProgramError("554", "5.3.0", f"{name}: {getattr(e, 'strerror', None) or e}") from None
    if status != 0:
        raise ProgramError("554", "5.3.0", f"unknown mailer error {status}")
