"""The sandbox, the clock and the accounts: the pieces every other module stands on."""

import os
from datetime import datetime, timedelta, timezone

import pytest

from mailkit.core import accounts
from mailkit.core.clock import FixedClock, queue_id, rfc5322_date
from mailkit.core.files import atomic_write
from mailkit.core.world import PathEscape, World, safe_name


def test_host_paths_resolve_inside_root(tmp_path):
    w = World(tmp_path)
    assert w.path("/etc/mail/access") == tmp_path / "etc/mail/access"
    assert w.path("access", cwd="/etc/mail") == tmp_path / "etc/mail/access"
    # ".." clamps at the root as on a real "/"
    assert w.path("/../../etc/passwd") == tmp_path / "etc/passwd"
    assert w.path("../../../../x", cwd="/etc/mail") == tmp_path / "x"
    assert w.host_path(tmp_path / "etc/aliases") == "/etc/aliases"


def test_symlink_leading_out_is_refused(tmp_path):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    os.symlink("/etc", root / "etc/outside")
    w = World(root)
    with pytest.raises(PathEscape):
        w.path("/etc/outside/passwd")


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b", "a\0b"])
def test_safe_name_rejects_climbing_names(bad):
    with pytest.raises(PathEscape):
        safe_name(bad)


def test_queue_id_has_sendmails_shape():
    # 2026-11-29 00:06:30, sequence 0, pid 31596 -> year 6, month A, day T, 0, 6, U
    assert queue_id(datetime(2026, 11, 29, 0, 6, 30), 0, 31596) == "6AT06U00031596"
    assert queue_id(datetime(2026, 1, 1, 23, 59, 59), 61, 7) == "601Nxx11000007"


def test_fixed_clock_is_reproducible_and_advances():
    a, b = FixedClock(), FixedClock()
    assert [a.queue_id() for _ in range(3)] == [b.queue_id() for _ in range(3)]
    t0 = a.now()
    a.advance(timedelta(days=5))
    assert a.now() - t0 == timedelta(days=5)
    assert rfc5322_date(datetime(2026, 11, 1, 8, 5, 0, tzinfo=timezone.utc)) == "Sun, 1 Nov 2026 08:05:00 GMT"


def test_accounts_hash_and_verify(tmp_path):
    w = World(tmp_path)
    (tmp_path / "etc").mkdir()
    accounts.add_account(w, "alice", "secret", 1000)
    accounts.add_account(w, "nologin", None, 1001)
    shadow = (tmp_path / "etc/shadow").read_text()
    assert "secret" not in shadow
    assert accounts.verify(w, "alice", "secret")
    assert not accounts.verify(w, "alice", "Secret")
    assert not accounts.verify(w, "nologin", "")
    assert not accounts.verify(w, "mallory", "secret")
    assert accounts.accounts(w)["alice"].home == "/home/alice"


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "qfX"
    atomic_write(target, b"old")
    atomic_write(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["qfX"]


def test_symlinks_made_after_first_use_are_still_refused(tmp_path):
    # World.path remembers directories it has checked; a file that becomes a symlink is
    # checked on every call, a directory after the commands layer asks to check again.
    root = tmp_path / "root"
    (root / "home/bob").mkdir(parents=True)
    w = World(root)
    assert w.path("/home/bob/.forward") == root / "home/bob/.forward"
    os.symlink("/etc/passwd", root / "home/bob/.forward")
    with pytest.raises(PathEscape):
        w.path("/home/bob/.forward")
    os.symlink("/etc", root / "home/bob/etc")
    with pytest.raises(PathEscape):
        w.path("/home/bob/etc/passwd")
    (root / "home/carol").mkdir()
    assert w.path("/home/carol/x") == root / "home/carol/x"
    (root / "home/carol").rmdir()
    os.symlink("/etc", root / "home/carol")
    w.forget_checked_paths()
    with pytest.raises(PathEscape):
        w.path("/home/carol/x")


def test_commands_make_the_world_check_directories_again(tmp_path):
    from mailkit.commands.base import Host, run
    from mailkit.core.init import create_world

    w = create_world(tmp_path / "w")
    host = Host(w, FixedClock())
    (w.root / "srv").mkdir()
    assert w.path("/srv/x") == w.root / "srv/x"
    (w.root / "srv").rmdir()
    os.symlink("/etc", w.root / "srv")
    run(host, ["ls", "/"])  # any command: afterwards /srv is looked at afresh
    with pytest.raises(PathEscape):
        w.path("/srv/x")
