"""A directory of the world swapped for a symlink out of it while the mail host runs.

Every file mail or queue data goes to is opened by walking from the world root, one component
at a time, refusing symlinks that lead out: what was checked for an earlier message counts for
nothing. The message that cannot be delivered stays queued (nothing lost, nothing outside).
"""

import os
import smtplib

import pytest

from mailkit.core.files import atomic_write
from mailkit.core.world import PathEscape


def send(rt, rcpt, subject):
    addr, port = rt.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("alice@localhost", [rcpt], f"Subject: {subject}\r\n\r\n{subject} body\r\n".encode())
    rt.wait_for_deliveries(10)


def swap_for_symlink(real_dir, target):
    """Replace the directory `real_dir` by a symlink to `target` (the old one moved aside)."""
    os.rename(real_dir, str(real_dir) + ".old")
    os.symlink(target, real_dir)


def test_spool_swapped_for_a_symlink_out_while_serving_gets_nothing_written_outside(world, clock, running_host, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    send(running_host, "bob@localhost", "first")  # the spool directory has been used once
    assert "first body" in world.mailbox_path("bob").read_text()
    swap_for_symlink(world.root / "var/spool/mail", outside)
    send(running_host, "bob@localhost", "second")
    assert list(outside.iterdir()) == []
    queued = [n for n in os.listdir(world.path("/var/spool/mqueue")) if n.startswith("qf")]
    assert len(queued) == 1  # deferred, not lost


def test_home_swapped_for_a_symlink_out_keeps_procmail_folders_inside(world, clock, running_host, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    world.path("/home/alice/.procmailrc").write_text("MAILDIR=$HOME/mail\n:0:\n* ^Subject:.*spam\nspam\n")
    send(running_host, "alice@localhost", "spam one")
    assert "spam one body" in world.path("/home/alice/mail/spam").read_text()
    swap_for_symlink(world.root / "home/alice/mail", outside)
    send(running_host, "alice@localhost", "spam two")
    assert list(outside.iterdir()) == []


def test_queue_swapped_for_a_symlink_out_refuses_the_message(world, clock, running_host, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    send(running_host, "bob@localhost", "first")
    swap_for_symlink(world.root / "var/spool/mqueue", outside)
    addr, port = running_host.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.ehlo("x")
        s.mail("alice@localhost")
        s.rcpt("bob@localhost")
        code, _ = s.data(b"Subject: queued\r\n\r\nbody\r\n")
    assert code >= 400  # not acknowledged: the client keeps it
    assert list(outside.iterdir()) == []


def test_world_open_walks_from_the_root_every_time(world, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    fd = world.open("/var/spool/mail/carol", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    world.path("/var/spool/mail/carol")  # the old cache would remember this directory now
    swap_for_symlink(world.root / "var/spool/mail", outside)
    with pytest.raises(PathEscape):
        world.open("/var/spool/mail/carol", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with pytest.raises(PathEscape):
        world.path("/var/spool/mail/carol")
    with pytest.raises(PathEscape):
        atomic_write(world.root / "var/spool/mail/x", b"x", world=world)
    assert list(outside.iterdir()) == []
    # a symlink that stays inside the world is followed, as on a real host (/var/mail -> spool/mail)
    os.rename(str(world.root / "var/spool/mail") + ".old", world.root / "var/spool/box")
    os.unlink(world.root / "var/spool/mail")
    os.symlink("box", world.root / "var/spool/mail")
    os.close(world.open("/var/spool/mail/carol", os.O_RDONLY))
    os.symlink("/var/spool/box", world.root / "var/mailbox")  # absolute: the host's /var/spool/box
    with pytest.raises(PathEscape):
        world.open("/var/mailbox/carol", os.O_RDONLY)


def test_symlinks_inside_resolve_where_the_walk_really_is_and_loops_stop(world):
    root = str(world.root)
    os.makedirs(root + "/var/spool/box")
    os.symlink("spool/box", root + "/var/box")
    world.path("/var/spool/x").write_text("X")
    os.symlink("../x", root + "/var/spool/box/bob")  # relative to /var/spool/box, not /var
    fd = world.open("/var/box/bob")
    assert os.read(fd, 10) == b"X"
    os.close(fd)
    os.symlink("../../../../../..", root + "/var/up")
    with pytest.raises(PathEscape):
        world.open("/var/up/etc/passwd")
    os.symlink("loop", root + "/var/loop")
    with pytest.raises(OSError):
        world.open("/var/loop/x")
    with pytest.raises(OSError):  # follow=False refuses a symlink as the last component
        world.open("/var/box/bob", follow=False)
