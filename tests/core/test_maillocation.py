"""mail_location read as Dovecot reads it (core/maillocation.py), Dovecot's %-variables
(core/dovecotvars.py), and procmail's delivery into a Maildir (core/deliver.py)."""

import hashlib
import os

import pytest

from mailkit.core import config, deliver, dovecotvars, maillocation
from mailkit.core.maillocation import FolderError, LocationError, resolve


def test_variables_as_var_expand():
    values = {"u": "1", "v": "1764370800", "n": "bob"}
    assert dovecotvars.expand("%08Xu%08Xv", values) == f"{1:08x}{1764370800:08x}"  # X: lower-case hex, as Dovecot's
    assert dovecotvars.expand("%u-%v", values) == "1-1764370800"
    assert dovecotvars.expand("%Un/%1n/%{uid}%%", values, {"uid": "7"}) == "BOB/b/7%"
    assert dovecotvars.expand("%Mn", values) == hashlib.md5(b"bob").hexdigest()
    assert dovecotvars.key_of("%08Xu", 1) == "u" and dovecotvars.key_of("%{uid}", 1) == "{"


def test_the_stock_location_is_the_spool_and_mail_dir(world):
    loc = resolve(world, "bob")
    assert loc.kind == "mbox" and loc.sep == "/"
    assert loc.inbox == world.path("/var/spool/mail/bob")  # /var/mail/%u, the symlink resolved
    assert loc.root == world.path("/home/bob/mail")
    assert loc.path("Work/2024") == world.path("/home/bob/mail/Work/2024")
    with pytest.raises(FolderError):
        loc.path("../../etc/passwd")


def test_maildir_and_its_folders(world):
    loc = resolve(world, "bob", "maildir:~/Maildir")
    assert loc.kind == "maildir" and loc.sep == "." and loc.inbox == world.path("/home/bob/Maildir")
    loc.create("Work.2024")
    assert sorted(os.listdir(loc.path("Work.2024"))) == ["cur", "maildirfolder", "new", "tmp"]
    assert loc.listing() == {"INBOX": "\\HasNoChildren", "Work": "\\Noselect \\HasChildren",
                             "Work.2024": "\\HasNoChildren"}
    loc.rename("Work.2024", "Old")
    assert loc.exists("Old") and not loc.exists("Work.2024")
    for bad in ("a..b", ".hidden", "a/b"):
        with pytest.raises(FolderError):
            loc.path(bad)


def test_autodetection_and_drivers(world):
    assert resolve(world, "bob", "").kind == "mbox"
    for sub in ("cur", "new", "tmp"):
        world.path(f"/home/bob/Maildir/{sub}").mkdir(parents=True)
    assert resolve(world, "bob", "").kind == "maildir"  # ~/Maildir with cur/ wins, as in Dovecot
    assert resolve(world, "bob", "/home/%u/Maildir").kind == "maildir"
    assert resolve(world, "bob", "mbox:%h/mail").inbox == world.path("/home/bob/mail/inbox")
    with pytest.raises(LocationError, match="Unknown mail storage driver bogus"):
        resolve(world, "bob", "bogus:~/x")
    with pytest.raises(LocationError, match="sdbox"):
        resolve(world, "bob", "sdbox:~/dbox")


def test_procmail_delivers_to_a_folder_ending_in_a_slash(world, clock):
    world.path("/home/bob/.procmailrc").write_text(":0\n* ^Subject:.*report\nreports/\n")
    cfg = config.load(world)
    got = deliver.deliver_local(world, cfg, "bob", b"Subject: weekly report\n\nnumbers\n", "alice@localhost", clock)
    assert got[0].target == "/home/bob/reports/"
    new = os.listdir(world.path("/home/bob/reports/new"))
    assert len(new) == 1 and new[0].endswith(".localhost.localdomain")
    data = world.path(f"/home/bob/reports/new/{new[0]}").read_bytes()
    assert data == b"Return-Path: <alice@localhost>\nSubject: weekly report\n\nnumbers\n"  # no From_ line
    assert sorted(os.listdir(world.path("/home/bob/reports"))) == ["cur", "new", "tmp"]
    assert maillocation.is_maildir(world.path("/home/bob/reports"))
