"""The local MDA: mbox appends read back with the stdlib, files, and smrsh programs."""

import mailbox
import os
import stat

import pytest

from mailkit.core import config
from mailkit.core.deliver import DeliveryError, deliver_file, deliver_local, run_program

MSG = b"From: bob@localhost\nSubject: first\n\nHello\nFrom the start of a line\n>From already quoted\n"


def test_mbox_delivery_reads_back_with_mailbox_module(world, clock):
    cfg = config.load(world)
    deliver_local(world, cfg, "alice", MSG, "bob@localhost", clock)
    deliver_local(world, cfg, "alice", b"Subject: second\r\n\r\nno newline at end", "", clock)
    raw = world.path("/var/spool/mail/alice").read_bytes()
    assert raw.startswith(b"From bob@localhost Sun Nov 29 09:00:00 2026\nReturn-Path: <bob@localhost>\n")
    assert b"\n>From the start of a line\n>>From already quoted\n\n" in raw
    assert b"\nFrom MAILER-DAEMON Sun Nov 29 09:00:00 2026\nReturn-Path: <>\n" in raw
    assert b"\r" not in raw
    box = mailbox.mbox(world.path("/var/spool/mail/alice"))
    msgs = list(box)
    assert [m["Subject"] for m in msgs] == ["first", "second"]
    assert msgs[0]["Return-Path"] == "<bob@localhost>"
    assert msgs[0].get_payload() == "Hello\n>From the start of a line\n>>From already quoted\n"
    assert msgs[1].get_payload() == "no newline at end\n"
    assert stat.S_IMODE(os.stat(world.path("/var/spool/mail/alice")).st_mode) == 0o600


def test_file_target_appends_mbox_inside_the_world(world, clock):
    deliver_file(world, "/var/log/archive", MSG, "bob@localhost", clock)
    deliver_file(world, "/var/log/archive", MSG, "bob@localhost", clock)
    assert len(mailbox.mbox(world.path("/var/log/archive"))) == 2
    assert deliver_file(world, "/dev/null", MSG, "bob@localhost", clock).target == "/dev/null"
    assert not world.path("/dev/null").exists()  # nothing written into the world for /dev/null


def test_programs_run_only_from_the_smrsh_directory(world, clock):
    """mailkit's own programs whose names are in /etc/smrsh run; the file there never does."""
    run_program(world, "/usr/local/bin/autoreply --flag", MSG, "carol")  # the path's last name counts
    assert world.path("/home/carol/autoreply.log").read_bytes() == MSG
    with pytest.raises(DeliveryError) as e:
        run_program(world, "/bin/rm -rf /", MSG, "carol")
    assert e.value.text == "smrsh: rm not available for sendmail programs"
    script = world.path("/etc/smrsh/saveit")  # a script of the world is no program of the host
    script.write_text("#!/bin/sh\ncat > \"$HOME/saved.txt\"\nexit 0\n")
    script.chmod(0o755)
    with pytest.raises(DeliveryError) as e:
        run_program(world, "saveit", MSG, "carol")
    assert e.value.text == "smrsh: saveit not available for sendmail programs"
    assert not world.path("/home/carol/saved.txt").exists()
    world.path("/etc/smrsh/false").write_text("")
    with pytest.raises(DeliveryError) as e:
        run_program(world, "false", MSG, "carol")
    assert (e.value.code, e.value.text) == ("554", "unknown mailer error 1")
