"""maillog keeps its file open between lines; a rotated, deleted or truncated log is followed
as rsyslog after a HUP: the next line goes to the file the name leads to now."""

import os

from mailkit.core import maillog
from mailkit.core.clock import FixedClock


def _lines(path):
    return path.read_text().splitlines() if path.exists() else []


def test_rotated_deleted_and_truncated_logs(world):
    clock = FixedClock()
    log = world.path(maillog.MAILLOG)
    maillog.log(world, clock, "one")
    assert _lines(log)[-1].endswith("one")
    os.rename(log, str(log) + "-20261201")  # logrotate
    maillog.log(world, clock, "two")
    assert [ln.split(": ", 1)[1] for ln in _lines(log)] == ["two"]
    assert _lines(log.with_name("maillog-20261201"))[-1].endswith("one")
    log.unlink()
    maillog.log(world, clock, "three")
    assert [ln.split(": ", 1)[1] for ln in _lines(log)] == ["three"]
    log.write_text("")  # `> /var/log/maillog`
    maillog.log(world, clock, "four")
    assert [ln.split(": ", 1)[1] for ln in _lines(log)] == ["four"]


def test_a_log_that_became_a_symlink_out_of_the_world_is_not_written(world, tmp_path):
    clock = FixedClock()
    maillog.log(world, clock, "one")
    log = world.path(maillog.MAILLOG)
    outside = tmp_path / "outside.txt"
    outside.write_text("")
    log.unlink()
    os.symlink(outside, log)
    try:
        maillog.log(world, clock, "escaped")
    except Exception:
        pass
    assert outside.read_text() == ""


def test_the_log_is_not_inherited_by_programs(world):
    maillog.log(world, FixedClock(), "one")
    fd = maillog._open_logs[os.path.join(world.root, "var/log/maillog")][1]
    assert os.get_inheritable(fd) is False
