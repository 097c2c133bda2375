"""The local MDA: a message into a mailbox (mbox), a file, a program, through procmail.

An mbox message is a "From sender date" line, the headers (Return-Path first), a blank line,
the body with "From " lines quoted as ">From ", and a blank line. A queued message is streamed
from its df file (core/message.py) in 64 KB pieces, never held whole in memory. Appends hold
the mailbox lock (core/mboxlock.py), are fsync'ed before delivery counts as done, and are cut
back to the mailbox's old size when they fail half-way.

Every file is opened through `World.open` (checked at the open, never followed out of the
world). `/file` deliveries follow sendmail's mailfile(): the file may not be a symlink, have an
execute bit or more than one link, and with `O SafeFileEnvironment=DIR` in the cf the path is
taken inside DIR (the prefix may be given or not), as sendmail's chroot there does. Programs run
through core/smrsh.py: only mailkit's own programs whose names are in /etc/smrsh, no shell.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
from dataclasses import dataclass

from . import procmail, smrsh
from .message import CHUNK, Message, as_message, mbox_chunks, mbox_entry  # noqa: F401 (re-exported)
from .accounts import home_of
from .files import write_all
from .mboxlock import locked
from .world import MAIL_SPOOL, SENDMAIL_CF, PathEscape, World, safe_name


class DeliveryError(RuntimeError):
    def __init__(self, code: str, dsn: str, text: str):
        super().__init__(text)
        self.code, self.dsn, self.text = code, dsn, text


@dataclass
class Delivered:
    target: str  # "/var/spool/mail/bob", "|autoreply", "/dev/null", "! carol@localhost"
    mailer: str  # "local", "procmail", "*file*", "prog"
    forward_to: tuple = ()  # addresses a procmail "!" recipe hands back to routing


def append_mbox(path, data, world: World | None = None, host_path: str | None = None,
                follow: bool = True) -> None:
    """Append `data` (bytes, or an iterable of bytes: a streamed mbox entry) to the mbox at real
    `path` under its lock, fsync'ed. With `world`, the file is opened through World.open (the
    host path is read off `path` unless given). When a write, a read of the message or the
    fsync fails (disk full, a df that cannot be read), the mailbox is cut back to the size it
    had, so no half message stays in it, and the error goes on to the caller."""
    opener = None
    if world is not None:
        hp = host_path or world.host_of(path)
        opener = lambda flags, mode: world.open(hp, flags, mode, follow=follow)  # noqa: E731
    chunks = (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data
    with locked(path, opener) as fd:
        old_size = os.lseek(fd, 0, os.SEEK_END)
        try:
            for chunk in chunks:
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            try:
                os.ftruncate(fd, old_size)
                os.fsync(fd)
            except OSError:
                pass  # the first error is the one to report
            raise


def _spool_append(world: World, host_path: str, data) -> None:
    """An append to a mailbox of the spool. A spool that leads out of the world is a local
    error: the message stays queued (the runner defers on OSError), nothing is written."""
    try:
        append_mbox(world.path(host_path), data, world, host_path, follow=False)
    except PathEscape as e:
        raise OSError(errno.EACCES, f"Permission denied ({e})") from None


def run_program(world: World, command: str, message, user: str, timeout: float = 10) -> None:
    """`|program` through smrsh (core/smrsh.py): only mailkit's programs named in /etc/smrsh."""
    home = home_of(world, user)
    env = {"HOME": home, "USER": user, "LOGNAME": user}
    try:
        smrsh.run(world, command, as_message(message), env)
    except smrsh.ProgramError as e:
        raise DeliveryError(e.code, e.dsn, e.text) from None


_SAFE_FILE_ENV = re.compile(r"^O\s*SafeFileEnvironment\s*=\s*(\S*)", re.M)
_sfe_cache: dict = {}


def safe_file_environment(world: World) -> str | None:
    """The cf's `O SafeFileEnvironment=DIR` (a host path), or None when unset."""
    try:
        real = world.path(SENDMAIL_CF)
        st = os.stat(real)
    except (OSError, PathEscape):
        return None
    key = (str(real), st.st_mtime_ns, st.st_size)
    if key not in _sfe_cache:
        m = _SAFE_FILE_ENV.search(real.read_text(errors="replace"))
        _sfe_cache.clear()
        _sfe_cache[key] = (m.group(1) or None) if m else None
    return _sfe_cache[key]


def mailfile_path(world: World, host_path: str) -> str:
    """Where a `/file` delivery writes: with SafeFileEnvironment, inside that directory (as
    sendmail's chroot(2) there: the prefix is stripped when given, ".." stops at it)."""
    sfe = safe_file_environment(world)
    if not sfe or sfe == "/":
        return world.normalize(host_path)
    base = world.normalize(sfe)
    p = host_path[len(sfe):] if host_path.startswith(sfe) else host_path
    inner = world.normalize(p)  # ".." clamps at the chroot's /
    return base + inner if inner != "/" else base


def _cant_create() -> DeliveryError:
    """mailfile()'s EX_CANTCREAT, as sendmail words it (sysexits: ":550 5.0.0 ...")."""
    return DeliveryError("550", "5.0.0", "Can't create output")


def deliver_file(world: World, host_path: str, message, sender: str, clock,
                 create_dirs: bool = False, safe_file_env: bool = True) -> Delivered:
    """Append the message (mbox format) to a file named by an alias, a .forward or procmail
    (procmail, not sendmail, writes its folders: no SafeFileEnvironment there)."""
    if host_path == "/dev/null":
        return Delivered("/dev/null", "*file*")
    target = mailfile_path(world, host_path) if safe_file_env else world.normalize(host_path)
    try:
        if create_dirs:
            world.makedirs(target.rpartition("/")[0] or "/")
        fd = world.open(target, os.O_RDONLY | os.O_NONBLOCK, follow=False)
    except PathEscape:
        raise _cant_create() from None  # a way out of the world is a file sendmail cannot open
    except FileNotFoundError:
        fd = None  # created below
    except OSError:
        raise _cant_create() from None
    if fd is not None:
        try:
            st = os.fstat(fd)
        finally:
            os.close(fd)
        # sendmail's mailfile(): never into a program, a hard-linked file or a non-file
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o111 or st.st_nlink != 1:
            raise _cant_create()
    try:
        append_mbox(world.path(target), mbox_chunks(as_message(message), sender, clock.now()), world, target,
                    follow=False)
    except PathEscape:
        raise _cant_create() from None
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ELOOP, errno.EACCES):
            raise _cant_create() from None
        raise
    return Delivered(host_path, "*file*")


_maildir_serial = itertools.count(1)  # procmail's per-process counter in Maildir names


def deliver_maildir(world: World, folder: str, message, sender: str, clock, hostname: str = "localhost") -> str:
    """procmail's delivery to a Maildir ("folder/"): the directory and its tmp/ new/ cur/ made
    when missing, the message (Return-Path first, no From_ line) written to tmp/, fsync'ed and
    renamed into new/ as "<secs>.<pid>_<n>.<host>". The host path of the new file."""
    message = as_message(message)
    root = world.normalize(folder)
    for sub in ("tmp", "new", "cur"):
        world.makedirs(f"{root}/{sub}")
    name = f"{int(clock.now().timestamp())}.{getattr(clock, 'pid', os.getpid())}_{next(_maildir_serial)}.{hostname}"
    head, rest = message.split()
    if not head.lower().startswith(b"return-path:"):
        head = f"Return-Path: <{sender}>\n".encode() + head
    tmp = f"{root}/tmp/{name}"
    fd = world.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600, follow=False)
    try:
        for chunk in itertools.chain((head + b"\n\n",), rest):
            write_all(fd, chunk)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(world.path(tmp))
        raise
    os.close(fd)
    os.rename(world.path(tmp), world.path(f"{root}/new/{name}"))
    return f"{root}/new/{name}"


def procmail_log(world: World, logfile: str, home: str, message: Message, sender: str, clock,
                 folders: list[str]) -> None:
    """procmail's LOGFILE lines: "From sender  date", " Subject: ...", "  Folder: name  size"."""
    if not logfile.startswith("/"):
        logfile = f"{home.rstrip('/')}/{logfile}"
    head = message.head().decode("utf-8", "replace")
    m = re.search(r"(?im)^Subject:[ \t]*(.*)$", head)
    when = clock.now().strftime("%a %b %d %H:%M:%S %Y")
    lines = [f"From {sender or 'MAILER-DAEMON'}  {when}\n"]
    if m:
        lines.append(f" Subject: {m.group(1)[:56]}\n")
    for folder in folders:
        lines.append(f"  Folder: {folder:<47}{message.size:>8}\n")
    try:
        host_path = world.normalize(logfile)
        world.makedirs(host_path.rpartition("/")[0] or "/")
        fd = world.open(host_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600, follow=False)
        try:
            os.write(fd, "".join(lines).encode("utf-8"))
        finally:
            os.close(fd)
    except (OSError, PathEscape):
        pass  # procmail too goes on delivering when it cannot log


def deliver_local(world: World, cfg, user: str, message, sender: str, clock) -> list[Delivered]:
    """Deliver to a local user's mailbox, through ~/.procmailrc when the user has one.
    `message`: bytes, or a Message streamed from the queue's df (core/message.py)."""
    message = as_message(message)
    home = home_of(world, user)
    spool = f"{MAIL_SPOOL}/{safe_name(user)}"
    rc_text = _read_procmailrc(world, f"{home}/.procmailrc")
    if rc_text is not None:
        env = {"HOME": home, "LOGNAME": user, "USER": user, "DEFAULT": spool, "MAILDIR": home}
        try:
            actions, env = procmail.evaluate(rc_text, message, env, f"{home}/.procmailrc")
        except procmail.ProcmailError:
            actions, env = [], {"DEFAULT": spool}  # procmail, like sendmail, falls back to the spool
        done, results = False, []
        for a in actions:
            part = procmail.select_part(message, a.part)
            if a.kind == "discard":
                results.append(Delivered("/dev/null", "procmail"))
            elif a.kind == "folder":
                _folder(world, a.arg, part, sender, clock, cfg)
                results.append(Delivered(a.arg, "procmail"))
            elif a.kind == "pipe":
                run_program(world, a.arg, part, user)
                results.append(Delivered("|" + a.arg, "procmail"))
            elif a.kind == "forward":
                results.append(Delivered("! " + a.arg, "procmail", tuple(a.arg.replace(",", " ").split())))
            done = done or not a.copy
        if not done:
            _folder(world, env.get("DEFAULT", spool), message, sender, clock, cfg)
            results.append(Delivered(env.get("DEFAULT", spool), "procmail"))
        if env.get("LOGFILE"):
            procmail_log(world, env["LOGFILE"], home, message, sender, clock, [d.target for d in results])
        return results
    _spool_append(world, spool, mbox_chunks(message, sender, clock.now()))
    return [Delivered(spool, "local")]


def _read_procmailrc(world: World, host_path: str) -> str | None:
    """The text of ~/.procmailrc, or None when there is none (or it is no regular file)."""
    try:
        fd = world.open(host_path, os.O_RDONLY | os.O_NONBLOCK, follow=False)
    except (OSError, PathEscape):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read().decode("utf-8", "replace")
    finally:
        os.close(fd)


def _folder(world: World, folder: str, message: Message, sender: str, clock, cfg=None) -> None:
    """A procmail folder: an mbox file (the spool for DEFAULT), or a Maildir when the name ends
    in "/". procmail makes the folder's directory when it is missing, as mailkit always has."""
    message = as_message(message)
    if folder.endswith("/"):
        deliver_maildir(world, folder, message, sender, clock, getattr(cfg, "hostname", "localhost"))
        return
    host_path = world.normalize(folder)
    if host_path.startswith(MAIL_SPOOL + "/"):
        _spool_append(world, host_path, mbox_chunks(message, sender, clock.now()))
        return
    deliver_file(world, folder, message, sender, clock, create_dirs=True, safe_file_env=False)
