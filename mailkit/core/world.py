"""The world: one directory laid out like a CentOS host's / (etc/mail, var/spool, home).

Every path a config file or a command names is absolute as on a real host ("/etc/mail/access")
and is resolved inside the world root by :meth:`World.path`. Nothing resolves outside it:
".." is clamped at the root like on a real /, and a symlink leading out is refused.
"""

from __future__ import annotations

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


class PathEscape(ValueError):
    """A path that would leave the world (through a symlink pointing outside)."""


@dataclass(frozen=True)
class World:
    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        object.__setattr__(self, "_root_s", str(self.root))
        # Directories already checked to hold no symlink on the way down from root: the mail
        # host names the same few (the queue, the spool, home directories) for every message,
        # and a full realpath costs one lstat per component.
        object.__setattr__(self, "_checked_dirs", set())

    def path(self, host_path: str | os.PathLike, cwd: str = "/") -> Path:
        """Map a host path ("/etc/mail/access", or relative to `cwd`) to a real path inside root."""
        p = os.fspath(host_path)
        if not posixpath.isabs(p):
            p = posixpath.join(cwd, p)
        # normpath keeps a leading "//"; a real host treats it as "/".
        norm = posixpath.normpath("/" + p.lstrip("/"))
        if norm == "/":
            return self.root
        real = self._root_s + norm
        parent = real.rpartition("/")[0]
        if parent not in self._checked_dirs:
            self._check(p, parent)
            if os.path.isdir(parent):  # a missing directory may yet appear as a symlink
                self._checked_dirs.add(parent)
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
