"""The local MDA: a message into a mailbox (mbox), a file, a program, through procmail.

An mbox message is a "From sender date" line, the headers (Return-Path first), a blank line,
the body with "From " lines quoted as ">From ", and a blank line. Appends hold the mailbox
lock (core/mboxlock.py) and are fsync'ed before delivery counts as done.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass

from . import procmail
from .accounts import home_of
from .mboxlock import locked
from .world import MAIL_SPOOL, SMRSH_DIR, PathEscape, World, safe_name


class DeliveryError(RuntimeError):
    def __init__(self, code: str, dsn: str, text: str):
        super().__init__(text)
        self.code, self.dsn, self.text = code, dsn, text


@dataclass
class Delivered:
    target: str  # "/var/spool/mail/bob", "|autoreply", "/dev/null", "! carol@localhost"
    mailer: str  # "local", "procmail", "*file*", "prog"
    forward_to: tuple = ()  # addresses a procmail "!" recipe hands back to routing


def mbox_entry(message: bytes, sender: str, when) -> bytes:
    msg = message.replace(b"\r\n", b"\n")
    head, sep, body = msg.partition(b"\n\n")
    rp = f"Return-Path: <{sender}>\n".encode()
    if not head.lower().startswith(b"return-path:"):
        head = rp + head
    body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
    if not body.endswith(b"\n"):
        body += b"\n"
    from_line = f"From {sender or 'MAILER-DAEMON'} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()
    return from_line + head + b"\n\n" + body + b"\n"


def append_mbox(path, data: bytes) -> None:
    with locked(path):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)


def run_program(world: World, command: str, message: bytes, user: str, timeout: float = 10) -> None:
    """`|program` through the smrsh allow-list: only programs in /etc/smrsh may run."""
    argv = command.split()
    if not argv:
        raise DeliveryError("554", "5.3.0", "empty program")
    name = argv[0].rsplit("/", 1)[-1]
    prog = world.path(f"{SMRSH_DIR}/{safe_name(name)}")
    if not prog.is_file():
        raise DeliveryError("554", "5.0.0", f"smrsh: {name} not available for sendmail programs")
    home = world.path(home_of(world, user))
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LOGNAME": user, "USER": user}
    proc = subprocess.run([str(prog), *argv[1:]], input=message, cwd=home, env=env,
                          capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        raise DeliveryError("554", "5.3.0", f"unknown mailer error {proc.returncode}")


def deliver_file(world: World, host_path: str, message: bytes, sender: str, clock) -> Delivered:
    try:
        path = world.path(host_path)
    except PathEscape as e:
        raise DeliveryError("550", "5.7.1", str(e)) from None
    if host_path == "/dev/null":
        return Delivered("/dev/null", "*file*")
    path.parent.mkdir(parents=True, exist_ok=True)
    append_mbox(path, mbox_entry(message, sender, clock.now()))
    return Delivered(host_path, "*file*")


def procmail_log(world: World, logfile: str, home: str, message: bytes, sender: str, clock,
                 folders: list[str]) -> None:
    """procmail's LOGFILE lines: "From sender  date", " Subject: ...", "  Folder: name  size"."""
    if not logfile.startswith("/"):
        logfile = f"{home.rstrip('/')}/{logfile}"
    head = message.replace(b"\r\n", b"\n").partition(b"\n\n")[0].decode("utf-8", "replace")
    m = re.search(r"(?im)^Subject:[ \t]*(.*)$", head)
    when = clock.now().strftime("%a %b %d %H:%M:%S %Y")
    lines = [f"From {sender or 'MAILER-DAEMON'}  {when}\n"]
    if m:
        lines.append(f" Subject: {m.group(1)[:56]}\n")
    for folder in folders:
        lines.append(f"  Folder: {folder:<47}{len(message):>8}\n")
    try:
        path = world.path(logfile)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write("".join(lines))
    except (OSError, PathEscape):
        pass  # procmail too goes on delivering when it cannot log


def deliver_local(world: World, cfg, user: str, message: bytes, sender: str, clock) -> list[Delivered]:
    """Deliver to a local user's mailbox, through ~/.procmailrc when the user has one."""
    home = home_of(world, user)
    rc = world.path(f"{home}/.procmailrc")
    spool = f"{MAIL_SPOOL}/{safe_name(user)}"
    if rc.is_file():
        env = {"HOME": home, "LOGNAME": user, "USER": user, "DEFAULT": spool, "MAILDIR": home}
        try:
            actions, env = procmail.evaluate(rc.read_text(), message, env, f"{home}/.procmailrc")
        except procmail.ProcmailError:
            actions, env = [], {"DEFAULT": spool}  # procmail, like sendmail, falls back to the spool
        done, results = False, []
        for a in actions:
            part = procmail.select_part(message, a.part)
            if a.kind == "discard":
                results.append(Delivered("/dev/null", "procmail"))
            elif a.kind == "folder":
                deliver_file(world, a.arg, part, sender, clock)
                results.append(Delivered(a.arg, "procmail"))
            elif a.kind == "pipe":
                run_program(world, a.arg, part, user)
                results.append(Delivered("|" + a.arg, "procmail"))
            elif a.kind == "forward":
                results.append(Delivered("! " + a.arg, "procmail", tuple(a.arg.replace(",", " ").split())))
            done = done or not a.copy
        if not done:
            deliver_file(world, env.get("DEFAULT", spool), message, sender, clock)
            results.append(Delivered(env.get("DEFAULT", spool), "procmail"))
        if env.get("LOGFILE"):
            procmail_log(world, env["LOGFILE"], home, message, sender, clock, [d.target for d in results])
        return results
    append_mbox(world.path(spool), mbox_entry(message, sender, clock.now()))
    return [Delivered(spool, "local")]
