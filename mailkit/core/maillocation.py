"""Where a user's mailboxes are, as dovecot.conf's mail_location says, and how IMAP names them.

    mbox:~/mail:INBOX=/var/mail/%u    INBOX the spool file, other mailboxes mbox files under
                                      ~/mail, "/" between levels (directories only hold others)
    maildir:~/Maildir                 INBOX the Maildir itself, others Maildir++ folders
                                      ~/Maildir/.Sent, ~/Maildir/.Work.2024, "." between levels

Variables %u (user), %n (user part), %d (domain) and %h (home), and a leading "~/", are the
user's. An empty mail_location is Dovecot's autodetection: ~/Maildir when it holds cur/, else
mbox in ~/mail (or ~/Mail) with the INBOX in /var/mail (CentOS's /var/spool/mail). The INBOX
path is kept in its canonical host form (/var/mail/bob is /var/spool/mail/bob), so every
program of the host that opens it shares one lock and one UID state. Paths stay inside the
world (`World.path`); a mailbox name never leaves the user's mail root.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import dovecotvars
from .accounts import home_of
from .world import MAIL_SPOOL, PathEscape, World, safe_name

STOCK = "mbox:~/mail:INBOX=/var/mail/%u"  # what mailkit's stock 10-mail.conf sets
DRIVERS = ("mbox", "maildir")
KNOWN_DRIVERS = ("mbox", "maildir", "sdbox", "mdbox", "dbox", "imapc", "pop3c", "cydir", "raw", "shared", "fail")
MAILDIR_SUBDIRS = ("cur", "new", "tmp")


class LocationError(Exception):
    """A mail_location a login cannot use; the text is what Dovecot logs for it."""


class FolderError(Exception):
    """A folder operation refused; the text is the IMAP reply's (after NO)."""


def is_maildir(path: Path) -> bool:
    return (Path(path) / "cur").is_dir()


def valid_name(name: str, kind: str) -> str:
    """`name` if a mailbox may have it in this layout, else FolderError: nothing that climbs out
    of the mail root or names the store's own dot files (mbox), no "/" and no empty level
    (Maildir++, where "." separates levels)."""
    if not name or "\0" in name or name.startswith("/") or name.startswith("~"):
        raise FolderError("Invalid mailbox name")
    if kind == "maildir":
        if "/" in name or any(p == "" for p in name.split(".")):
            raise FolderError("Invalid mailbox name")
        return name
    if any(p in ("", ".", "..") or p.startswith(".") for p in name.split("/")):
        raise FolderError("Invalid mailbox name")
    return name


@dataclass(frozen=True)
class MailLocation:
    world: World
    kind: str  # "mbox" or "maildir"
    root: Path  # the real path of the root mail directory
    inbox: Path  # the real path of INBOX (an mbox file, or a Maildir)

    @property
    def sep(self) -> str:
        return "." if self.kind == "maildir" else "/"

    @property
    def subscriptions(self) -> Path:
        return self.root / ("subscriptions" if self.kind == "maildir" else ".subscriptions")

    # -- names
    def valid(self, name: str) -> str:
        return valid_name(name, self.kind)

    def path(self, name: str) -> Path:
        """The real path of mailbox `name` (INBOX included)."""
        if name.upper() == "INBOX":
            return self.inbox
        self.valid(name)
        rel = "." + name if self.kind == "maildir" else name
        try:
            return self.world.path(self.world.host_of(self.root) + "/" + rel)
        except PathEscape:
            raise FolderError("Invalid mailbox name") from None

    def exists(self, name: str) -> bool:
        if name.upper() == "INBOX":
            return True
        p = self.path(name)
        return is_maildir(p) if self.kind == "maildir" else p.is_file()

    def store(self, path: Path, clock=None, shared: bool = True):
        """The store of the mailbox at `path`: shared by the POP3 and IMAP sessions of the
        process (one index), or a private one."""
        if self.kind == "maildir":
            from .maildir import MaildirStore as cls
        else:
            from .mailstore import Store as cls
        return cls.shared(self.world, path, clock) if shared else cls.in_world(self.world, path, clock)

    # -- the folder tree
    def listing(self) -> dict[str, str]:
        """name -> LIST attributes, INBOX first."""
        names = {"INBOX": "\\HasNoChildren"}
        if not self.root.is_dir():
            return names
        if self.kind == "maildir":
            folders = sorted(p.name[1:] for p in self.root.iterdir()
                             if p.name.startswith(".") and p.name not in (".", "..") and not p.is_symlink()
                             and p.is_dir() and is_maildir(p))
            every = set(folders)
            for f in folders:  # a parent named only by its children's names
                parts = f.split(".")
                for i in range(1, len(parts)):
                    every.add(".".join(parts[:i]))
            for name in sorted(every):
                kids = any(o.startswith(name + ".") for o in every)
                attrs = "\\HasChildren" if kids else "\\HasNoChildren"
                names[name] = attrs if name in folders else "\\Noselect " + attrs
            return names
        for p in sorted(self.root.rglob("*")):
            if p.name.startswith(".") or p.is_symlink():
                continue
            name = p.relative_to(self.root).as_posix()
            if p.is_file():  # an mbox file cannot hold other mailboxes (Dovecot's mbox lists it so)
                names[name] = "\\NoInferiors"
            elif p.is_dir():
                names[name] = "\\Noselect \\HasChildren" if any(p.iterdir()) else "\\Noselect \\HasNoChildren"
        return names

    def create(self, full: str) -> None:
        name = full.rstrip(self.sep)
        if name.upper() == "INBOX":
            raise FolderError("Mailbox already exists")
        path = self.path(name)
        if self.kind == "maildir":
            if is_maildir(path):
                raise FolderError("Mailbox already exists")
            for sub in MAILDIR_SUBDIRS:
                (path / sub).mkdir(parents=True, exist_ok=True)
            (path / "maildirfolder").touch()
            return
        if path.exists():
            raise FolderError("Mailbox already exists")
        for parent in path.parents:  # an mbox file cannot hold other mailboxes
            if parent == self.root:
                break
            if parent.is_file():
                raise FolderError("Mailbox doesn't allow inferior mailboxes")
        if full.endswith("/"):  # "Projects/": a name that will only hold other mailboxes
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)

    def delete(self, name: str) -> None:
        if name.upper() == "INBOX":
            raise FolderError("INBOX can't be deleted.")
        path = self.path(name)
        if self.kind == "maildir":
            if not is_maildir(path) or path.is_symlink():
                raise FolderError(f"Mailbox doesn't exist: {name}")
            if any(n.startswith(name + ".") for n in self.listing()):
                raise FolderError("Mailbox has children, delete them first")
            shutil.rmtree(path)
            return
        if path.is_dir() and not path.is_symlink():
            if any(path.iterdir()):
                raise FolderError("Mailbox has children, delete them first")
            path.rmdir()
            return
        if not path.is_file():
            raise FolderError(f"Mailbox doesn't exist: {name}")
        path.unlink()

    def rename(self, old: str, new: str) -> Path:
        """Move a mailbox (with the ones below it); the new real path."""
        old, new = old.rstrip(self.sep), new.rstrip(self.sep)
        if old.upper() == "INBOX":
            raise FolderError("Renaming INBOX is not supported here.")
        src, dst = self.path(old), self.path(new)
        if not src.exists() or src.is_symlink():
            raise FolderError(f"Mailbox doesn't exist: {old}")
        if dst.exists() or new.upper() == "INBOX":
            raise FolderError("Target mailbox already exists")
        if self.kind == "maildir":
            children = [n for n in self.listing() if n.startswith(old + ".")]
            src.rename(dst)
            for child in children:
                self.path(child).rename(self.path(new + child[len(old):]))
            return dst
        if any(p.is_file() for p in dst.parents):
            raise FolderError("Mailbox doesn't allow inferior mailboxes")
        dst.parent.mkdir(parents=True, exist_ok=True)
        src.rename(dst)  # a directory moves with the mailboxes inside it
        return dst


def _expand(text: str, world: World, user: str) -> str:
    home = home_of(world, user)
    name, _, domain = user.partition("@")
    text = dovecotvars.expand(text, {"u": user, "n": name, "d": domain, "h": home},
                              {"user": user, "username": name, "domain": domain, "home": home})
    if text == "~" or text.startswith("~/"):
        text = home + text[1:]
    return text


def _canonical(world: World, host_path: str) -> Path:
    """The real path of host_path, symlinks inside the world resolved (/var/mail/bob is
    /var/spool/mail/bob), so every program opening the INBOX shares one lock and UID state."""
    real = world.path(host_path)
    parent = Path(os.path.realpath(real.parent))
    return world.path(world.host_of(parent / real.name)) if str(parent).startswith(str(world.root)) else real


def _autodetect(world: World, user: str) -> tuple[str, str, str]:
    home = home_of(world, user)
    if is_maildir(world.path(home + "/Maildir")):
        return "maildir", home + "/Maildir", ""
    root = next((home + d for d in ("/mail", "/Mail") if world.path(home + d).is_dir()), home + "/mail")
    inbox = next((p for p in (f"/var/mail/{user}", f"{MAIL_SPOOL}/{user}") if world.exists(p)), f"{MAIL_SPOOL}/{user}")
    return "mbox", root, inbox


def resolve(world: World, user: str, location: str = STOCK) -> MailLocation:
    """The MailLocation of `user` under mail_location `location`; LocationError for one Dovecot
    would refuse at login (its log text)."""
    user = safe_name(user)
    location = location.strip()
    if not location:
        kind, root, inbox = _autodetect(world, user)
    else:
        driver, sep, rest = location.partition(":")
        if not sep:  # a bare path: mbox file or Maildir, as found
            driver, rest = ("maildir" if is_maildir(world.path(_expand(location, world, user))) else "mbox"), location
        if driver not in KNOWN_DRIVERS:
            raise LocationError(f"Unknown mail storage driver {driver}")
        if driver not in DRIVERS:
            raise LocationError(f"mail_location {driver}: not supported by this mail host (mbox and maildir are)")
        fields = rest.split(":")
        root, inbox, kind = _expand(fields[0], world, user), "", driver
        for f in fields[1:]:
            key, eq, value = f.partition("=")
            if key.upper() == "INBOX" and eq:
                inbox = _expand(value, world, user)
        if not root:
            raise LocationError(f"{driver}: root mail directory not given")
        if kind == "mbox" and not inbox:
            inbox = root.rstrip("/") + "/inbox"
    try:
        root_p = world.path(posixpath.normpath(root))
        inbox_p = world.path(posixpath.normpath(inbox)) if inbox else root_p
        if kind == "mbox":
            inbox_p = _canonical(world, world.host_of(inbox_p))
    except PathEscape as e:
        raise LocationError(str(e)) from None
    return MailLocation(world, kind, root_p, inbox_p)
