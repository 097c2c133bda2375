"""The world: one directory laid out like a CentOS host's / (etc/mail, var/spool, home).

Every path a config file or a command names is absolute as on a real host ("/etc/mail/access")
and is resolved inside the world root by :meth:`World.path`. Nothing resolves outside it:
".." is clamped at the root like on a real /, and a symlink leading out is refused.

`World.path` answers "where is it" (its check can be outdated by the time the caller opens the
file); `World.open` is the check that holds: it opens the file itself, walking from the world
root with O_NOFOLLOW, so a directory swapped for a symlink out of the world a moment before is
refused at the open. Everything that writes mail, queue or mailbox data opens through it.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

# The host paths the rest of the code names; kept here so the layout is written down once.
SENDMAIL_CF = "/etc/mail/sendmail.cf"
SENDMAIL_MC = "/etc/mail/sendmail.mc"
SUBMIT_CF = "/etc/mail/submit.cf"
ACCESS = "/etc/mail/access"
VIRTUSERTABLE = "/etc/mail/virtusertable"
LOCAL_HOST_NAMES = "/etc/mail/local-host-names"
RELAY_DOMAINS = "/etc/mail/relay-domains"
TRUSTED_USERS = "/etc/mail/trusted-users"
ALIASES = "/etc/aliases"
PASSWD = "/etc/passwd"
SHADOW = "/etc/shadow"
MQUEUE = "/var/spool/mqueue"
CLIENTMQUEUE = "/var/spool/clientmqueue"
MAIL_SPOOL = "/var/spool/mail"
SMRSH_DIR = "/etc/smrsh"
STATE_DIR = "/var/lib/mailkit"  # mailkit's own state (service enablement, installed packages)
IMAP_STATE_DIR = STATE_DIR + "/imap"  # UIDVALIDITY/UIDNEXT of mailboxes with no first message to carry them


MAX_SYMLINKS = 40  # Linux's limit on symlinks followed in one lookup (ELOOP past it)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class PathEscape(ValueError):
    """A path that would leave the world (through a symlink pointing outside)."""


@dataclass(frozen=True)
class World:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        object.__setattr__(self, "_root_s", str(self.root))
        # Directories already checked to hold no symlink out on the way down from root, with
        # the (device, inode) they had: the mail host names the same few (the queue, the spool,
        # home directories) for every message, and a full realpath costs one lstat per
        # component, while one stat tells whether the name still leads to the same directory.
        object.__setattr__(self, "_checked_dirs", {})

    @staticmethod
    def normalize(host_path: str | os.PathLike, cwd: str = "/") -> str:
        """The absolute, normalized host form of a path ("x" in /etc/mail -> "/etc/mail/x")."""
        p = os.fspath(host_path)
        if not posixpath.isabs(p):
            p = posixpath.join(cwd, p)
        # normpath keeps a leading "//"; a real host treats it as "/".
        return posixpath.normpath("/" + p.lstrip("/"))

    def path(self, host_path: str | os.PathLike, cwd: str = "/") -> Path:
        """Map a host path ("/etc/mail/access", or relative to `cwd`) to a real path inside root.

        The answer is checked now; a caller that writes must open through `open` instead."""
        p = os.fspath(host_path)
        norm = self.normalize(p, cwd)
        if norm == "/":
            return self.root
        real = self._root_s + norm
        parent = real.rpartition("/")[0]
        known = self._checked_dirs.get(parent)
        try:
            st = os.stat(parent)
            now = (st.st_dev, st.st_ino)
        except OSError:
            now = None  # a missing directory may yet appear as a symlink
        if known is None or known != now:
            self._check(p, parent)
            if now is not None:
                self._checked_dirs[parent] = now
        try:
            last_is_link = stat.S_ISLNK(os.lstat(real).st_mode)
        except OSError:
            last_is_link = False
        if last_is_link:  # the file itself is checked on every call: files come and go
            self._check(p, real)
        return Path(real)

    def _check(self, p: str, real: str) -> None:
        resolved = os.path.realpath(real)
        if resolved != self._root_s and not resolved.startswith(self._root_s + "/"):
            raise PathEscape(f"{p}: path leaves the mail host's root")

    def forget_checked_paths(self) -> None:
        """Check every directory again from now on (after a command may have changed the tree)."""
        self._checked_dirs.clear()

    # -- opening inside the world, checked at the open ----------------------------------------

    def host_of(self, real: str | os.PathLike) -> str:
        """The host path of a real path under root, read off its text (no symlink is followed:
        the open that comes next does the checking)."""
        r = os.fspath(real)
        if r == self._root_s:
            return "/"
        if not r.startswith(self._root_s + "/"):
            raise PathEscape(f"{r}: not inside the mail host's root")
        return self.normalize(r[len(self._root_s):])

    def open(self, host_path: str | os.PathLike, flags: int = os.O_RDONLY, mode: int = 0o666,
             cwd: str = "/", follow: bool = True) -> int:
        """os.open of a host path, the whole path checked at this open: every directory on the
        way is entered from the one above it without following a symlink out of the world. A
        symlink inside the world is followed (as a real host follows /var/mail -> spool/mail),
        the last component too unless `follow` is false (then ELOOP, as O_NOFOLLOW gives).
        Raises PathEscape for a way out, OSError as os.open would."""
        norm = self.normalize(host_path, cwd)
        if norm == "/":
            return os.open(self._root_s, flags | os.O_CLOEXEC, mode)
        dfd, name = self.open_parent(norm)
        try:
            return self._open_last(dfd, name, norm, flags, mode, follow)
        finally:
            os.close(dfd)

    def open_parent(self, host_path: str | os.PathLike, cwd: str = "/") -> tuple[int, str]:
        """(fd of the directory holding the path's last component, that component's name),
        the directory opened with every component checked (see `open`). The caller closes it."""
        norm = self.normalize(host_path, cwd)
        parent, _, name = norm.rpartition("/")
        if not name:
            raise IsADirectoryError(errno.EISDIR, "the root has no parent", norm)
        return self.open_dir(parent or "/"), name

    def open_dir(self, host_path: str | os.PathLike, cwd: str = "/") -> int:
        """An fd of a directory of the world, every component checked at this open."""
        norm = self.normalize(host_path, cwd)
        real = self._root_s + (norm if norm != "/" else "")
        # The common case costs two system calls: open the directory by name, then ask the
        # kernel where the directory it opened is. Had any component been a symlink, that
        # answer would differ, and the walk below decides.
        try:
            fd = os.open(real or "/", _DIR_FLAGS)
        except OSError:
            fd = None
        if fd is not None:
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == (real or "/"):
                    return fd
            except OSError:
                pass
            os.close(fd)
        return self._walk(norm)

    def makedirs(self, host_path: str | os.PathLike, mode: int = 0o755) -> None:
        """mkdir -p inside the world, each directory made in its checked parent."""
        norm = self.normalize(host_path)
        try:
            os.close(self.open_dir(norm))
            return
        except FileNotFoundError:
            pass
        parent, _, name = norm.rpartition("/")
        self.makedirs(parent or "/", mode)
        dfd = self.open_dir(parent or "/")
        try:
            os.mkdir(name, mode, dir_fd=dfd)
        except FileExistsError:
            pass
        finally:
            os.close(dfd)

    def _open_last(self, dfd: int, name: str, norm: str, flags: int, mode: int, follow: bool) -> int:
        try:
            return os.open(name, flags | _NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=dfd)
        except OSError as e:
            if e.errno not in (errno.ELOOP, errno.EMLINK) or not follow:
                raise
            try:
                os.readlink(name, dir_fd=dfd)
            except OSError:
                raise e from None
        # the last component is a symlink: resolve it inside the world and open what it names
        target_dir, target_name = self._resolve_link(norm)
        try:
            return self._open_last(target_dir, target_name, norm, flags, mode, follow=False)
        finally:
            os.close(target_dir)

    def _resolve_link(self, norm: str) -> tuple[int, str]:
        """(parent fd, name) of what a symlinked last component finally names, inside the world."""
        parts = [p for p in norm.split("/") if p]
        hops = 0
        while True:
            dfd, where = self._walk_to("/" + "/".join(parts[:-1]))
            name = parts[-1]
            try:
                target = os.readlink(name, dir_fd=dfd)
            except OSError:
                return dfd, name  # not (or no longer) a symlink: open it as it is
            os.close(dfd)
            hops += 1
            if hops > MAX_SYMLINKS:
                raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), norm)
            parts = self._splice(where, target, norm)  # relative to where the walk really went

    def _splice(self, base: list[str], target: str, norm: str) -> list[str]:
        """The components a symlink with `target` found in directory `base` leads to."""
        if target.startswith("/"):
            if target != self._root_s and not target.startswith(self._root_s + "/"):
                raise PathEscape(f"{norm}: path leaves the mail host's root")
            base, target = [], target[len(self._root_s):]
        out = list(base)
        for comp in target.split("/"):
            if comp in ("", "."):
                continue
            if comp == "..":
                if not out:
                    raise PathEscape(f"{norm}: path leaves the mail host's root")
                out.pop()
            else:
                out.append(comp)
        if not out:
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), norm)
        return out

    def _walk(self, norm: str) -> int:
        return self._walk_to(norm)[0]

    def _walk_to(self, norm: str) -> tuple[int, list[str]]:
        """Open the directory `norm` one component at a time from the root (openat-style),
        following a symlink only while it stays inside the world; (fd, the components of
        where it ended, symlinks resolved)."""
        todo = [p for p in norm.split("/") if p]
        stack = [os.open(self._root_s, _DIR_FLAGS)]  # fds from the root down to where we are
        names: list[str] = []
        hops = 0
        try:
            while todo:
                comp = todo.pop(0)
                try:
                    fd = os.open(comp, _DIR_FLAGS | _NOFOLLOW, dir_fd=stack[-1])
                except OSError as e:
                    if e.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                        raise
                    try:
                        target = os.readlink(comp, dir_fd=stack[-1])
                    except OSError:
                        raise e from None
                    hops += 1
                    if hops > MAX_SYMLINKS:
                        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), norm) from None
                    if target.startswith("/"):
                        if target != self._root_s and not target.startswith(self._root_s + "/"):
                            raise PathEscape(f"{norm}: path leaves the mail host's root") from None
                        target = target[len(self._root_s):]
                        while len(stack) > 1:
                            os.close(stack.pop())
                        names = []
                    new = [c for c in target.split("/") if c not in ("", ".")]
                    todo[:0] = new
                    continue
                if comp == "..":  # only a symlink's target brings one here: the walk is lexical
                    os.close(fd)
                    if len(stack) == 1:
                        raise PathEscape(f"{norm}: path leaves the mail host's root")
                    os.close(stack.pop())
                    names.pop()
                    continue
                stack.append(fd)
                names.append(comp)
            return stack.pop(), names
        finally:
            for fd in stack:
                os.close(fd)

    def host_path(self, real: str | os.PathLike) -> str:
        """The host form ("/etc/aliases") of a real path inside root."""
        rel = Path(real).resolve().relative_to(self.root)
        return "/" + rel.as_posix() if str(rel) != "." else "/"

    def exists(self, host_path: str) -> bool:
        try:
            return self.path(host_path).exists()
        except PathEscape:
            return False

    def read_text(self, host_path: str) -> str:
        return self.path(host_path).read_text(encoding="utf-8", errors="surrogateescape")

    def mailbox_path(self, user: str) -> Path:
        return self.path(posixpath.join(MAIL_SPOOL, safe_name(user)))

    def home(self, user: str) -> Path:
        from .accounts import home_of

        return self.path(home_of(self, user))


def safe_name(name: str) -> str:
    """A user or mailbox component that cannot name a directory or climb out of one."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise PathEscape(f"{name!r}: not a valid name")
    return name
