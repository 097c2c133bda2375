"""`m4` runs GNU m4 on text the learner (or anyone who can write a world file) wrote.

It must run no command on the real machine (syscmd, esyscmd, and the ways around a removed
builtin: builtin, indir, defn), create no file there (maketemp, mkstemp, debugfile), and read
no file outside the world (include, sinclude, undivert of a file), whether the name is typed
or computed. The sendmail-cf macros stay readable (the one read-only exception).
"""

import os
import socket

import pytest

from mailkit.commands.base import Host, run


@pytest.fixture
def host(world, clock):
    return Host(world, clock)


def m4(host, text):
    return run(host, ["m4"], text)


@pytest.fixture
def canary(tmp_path):
    c = tmp_path / "outside" / "pwned"
    c.parent.mkdir()
    return c


@pytest.mark.parametrize("call", [
    "esyscmd(`touch {c}')",
    "syscmd(`touch {c}')",
    "builtin(`syscmd', `touch {c}')",
    "builtin(`esyscmd', `touch {c}')",
    "indir(`esyscmd', `touch {c}')",
    "define(`run', defn(`esyscmd'))run(`touch {c}')",
    "esyscmd(`sh -c \"touch {c}\"')",
])
def test_no_shell_command_runs(host, canary, call):
    res = m4(host, call.format(c=canary) + "\n")
    assert not canary.exists()
    assert res.code != 0 and res.err.startswith("m4:")


@pytest.mark.parametrize("call", ["maketemp(`{d}/cfXXXXXX')", "mkstemp(`{d}/cfXXXXXX')",
                                  "debugfile(`{d}/debug')traceon(`define')define(`x', 1)"])
def test_no_file_is_created_outside_the_world(host, canary, call):
    res = m4(host, call.format(d=canary.parent) + "\n")
    assert list(canary.parent.iterdir()) == []
    assert res.code != 0 and res.err.startswith("m4:")


@pytest.mark.parametrize("call", [
    "include(`/etc/hostname')",
    "include(/etc/hostname)",
    "sinclude(`/etc/hostname')",
    "undivert(`/etc/hostname')",
    "include(`/etc/../../../../../../etc/hostname')",
    "define(`f', `/etc/host'`name')include(f)",
    "define(`f', `/etc/host')include(f`'name)",
    "changequote([,])include([/etc/hostname])",
])
def test_files_are_the_worlds(host, world, call):
    world.path("/etc/hostname").write_text("mail.world.example\n")
    res = m4(host, call + "\n")
    assert res.code == 0, res.err
    assert res.out == "mail.world.example\n\n"
    assert socket.gethostname() not in res.out


def test_relative_names_are_taken_in_the_shells_directory(host, world):
    world.path("/etc/mail/local.m4").write_text("define(`X', `from the world')dnl\n")
    host.cwd = "/etc/mail"
    assert m4(host, "include(`local.m4')X\n").out == "from the world\n"


def test_a_symlink_out_of_the_world_is_a_file_m4_cannot_open(host, world):
    os.symlink("/etc/hostname", world.path("/etc/mail/host.m4"))
    res = m4(host, "include(`/etc/mail/host.m4')\n")
    assert res.code == 1
    assert res.err == "m4:stdin:1: cannot open `/etc/mail/host.m4': No such file or directory\n"
    assert socket.gethostname() not in res.out + res.err


def test_a_missing_file_gets_m4s_own_error(host):
    res = m4(host, "dnl\ninclude(`/etc/mail/nope.m4')\n")
    assert res.err == "m4:stdin:2: cannot open `/etc/mail/nope.m4': No such file or directory\n"


@pytest.mark.parametrize("text", [
    "include(`/usr/share/sendmail-cf/../../../../../etc/hostname')\n",
    "changequote([,])include([x')/etc/hostname)dnl(`])\n",
    "define(`q', format(`%c', 39))include(`x'q`)/etc/hostname)dnl(`')\n",
    "changequote([,])undivert([x'),/etc/hostname)dnl(`])\n",
])
def test_games_with_quotes_and_the_macro_directory_read_nothing_outside(host, world, text):
    """The fence is m4 text; what gets round it is caught by m4's own trace of the files read."""
    from mailkit.core.mc import host_macro_dir
    from mailkit.core.packages import mark_installed

    if host_macro_dir() is None:
        pytest.skip("sendmail-cf's macros are not installed")
    mark_installed(world, "sendmail-cf")
    res = m4(host, text)
    assert (res.code, res.out) == (1, "")
