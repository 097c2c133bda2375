"""`mailkit init DIR`: a fresh mail host laid out like a stock CentOS sendmail install."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import access, aliases, config, maps, tlscert, virtusers
from .accounts import accounts, add_account
from .packages import DEFAULT_INSTALLED, mark_installed
from .world import ACCESS, CLIENTMQUEUE, MAIL_SPOOL, MQUEUE, PASSWD, SHADOW, STATE_DIR, VIRTUSERTABLE, World

TEMPLATES = Path(__file__).parent / "templates"
LEARNERS = ("alice", "bob", "carol", "ihduser", "kaituser")
PASSWORD = "secret"
DIRS = ("etc/mail", "root", "home", "var/spool/mail", "var/log", "var/lib/mailkit", "tmp",
        "var/spool/mqueue", "var/spool/clientmqueue", "usr/bin", "usr/sbin", "var/named")


def build_maps(world: World) -> None:
    cfg = config.load(world)
    maps.build_map(world, ACCESS + ".db", world.read_text(ACCESS), ACCESS, parse=access.parse)
    maps.build_map(world, VIRTUSERTABLE + ".db", world.read_text(VIRTUSERTABLE), VIRTUSERTABLE,
                   parse=virtusers.parse)
    aliases.rebuild(world, cfg)


def create_world(root) -> World:
    """Create (or complete) a world at `root`; existing files are kept."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    world = World(root)
    for d in DIRS:
        world.path("/" + d).mkdir(parents=True, exist_ok=True)
    world.path(MQUEUE).chmod(0o700)
    world.path(CLIENTMQUEUE).chmod(0o770)
    var_mail = world.path("/var/mail")
    if not var_mail.exists() and not var_mail.is_symlink():
        var_mail.symlink_to("spool/mail")  # as on CentOS: dovecot.conf's INBOX=/var/mail/%u is the spool
    for src in TEMPLATES.rglob("*"):
        if src.is_file():
            dst = world.path("/" + src.relative_to(TEMPLATES).as_posix())
            if not dst.exists():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
    if not world.path(PASSWD).exists():
        world.path(PASSWD).write_text("")
        world.path(SHADOW).write_text("")
        world.path(SHADOW).chmod(0o600)
        add_account(world, "root", None, 0, home="/root")
        for i, name in enumerate(LEARNERS):
            add_account(world, name, PASSWORD, 1000 + i)
    for name, acct in accounts(world).items():
        world.path(acct.home).mkdir(parents=True, exist_ok=True)
        spool = world.path(f"{MAIL_SPOOL}/{name}")
        if not spool.exists():
            spool.touch(mode=0o600)
    if not world.path(STATE_DIR + "/installed").exists():
        for pkg in DEFAULT_INSTALLED:
            mark_installed(world, pkg)
    if not world.path(ACCESS + ".db").exists():
        build_maps(world)
    make_certificates(world)
    return world


def make_certificates(world: World) -> None:
    """dovecot's and sendmail's self-signed certificates, as a CentOS install leaves them."""
    tlscert.ensure(world)
