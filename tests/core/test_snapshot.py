"""core/snapshot.py: one look at a file per piece of work, a fresh look outside one."""

import os

from mailkit.commands.base import run
from mailkit.core import route, snapshot
from mailkit.core.config import load


def test_inside_a_look_the_first_answer_stays(tmp_path):
    f = tmp_path / "access.db"
    f.write_text("one")
    with snapshot.one_look():
        first = snapshot.file_key(f)
        f.write_text("three")  # another size: another key
        assert snapshot.file_key(f) == first
        with snapshot.one_look():  # a nested scope shares the outer one
            assert snapshot.file_key(f) == first
    assert snapshot.file_key(f) != first
    assert snapshot.file_key(f) == snapshot.file_key(f)


def test_a_missing_file_has_no_key_until_it_appears(tmp_path):
    f = tmp_path / "passwd"
    assert snapshot.file_key(f) is None
    f.write_text("x")
    st = os.stat(f)
    assert snapshot.file_key(f) == (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def test_expands_little(host):
    """Only an address that no alias, .forward or virtusertable entry leads anywhere from is
    answered on the event loop."""
    world = host.world
    aliases = world.path("/etc/aliases")
    aliases.write_text(aliases.read_text() + "team: alice, bob\nbob+*: alice\n")
    assert run(host, ["newaliases"]).code == 0
    cfg = load(world)
    assert route.expands_little(world, cfg, "bob@localhost")
    assert route.expands_little(world, cfg, "carol@example.com")
    assert not route.expands_little(world, cfg, "team@localhost")
    assert not route.expands_little(world, cfg, "postmaster")  # an alias of the stock file
    assert not route.expands_little(world, cfg, "bob+news@localhost")
    home = world.path("/home/alice")
    home.mkdir(parents=True, exist_ok=True)
    (home / ".forward").write_text("bob\n")
    assert not route.expands_little(world, cfg, "alice@localhost")


def test_a_virtusertable_entry_expands(host):
    world = host.world
    vt = world.path("/etc/mail/virtusertable")
    vt.write_text("info@localhost.localdomain\tbob\n")
    assert run(host, ["makemap", "hash", "/etc/mail/virtusertable"], stdin=vt.read_text()).code == 0
    cfg = load(world)
    assert not route.expands_little(world, cfg, "info@localhost.localdomain")
    assert route.expands_little(world, cfg, "bob@localhost.localdomain")
