"""m4 with sendmail-cf's macros: the real GNU m4 on the world's sendmail.mc."""

import shutil

import pytest

from mailkit.commands.base import Host, run
from mailkit.commands.shell import run_line
from mailkit.core import config
from mailkit.core.mc import host_macro_dir
from mailkit.core.packages import mark_installed

pytestmark = pytest.mark.skipif(shutil.which("m4") is None, reason="GNU m4 is not installed (scripts/setup.sh installs it)")

needs_macros = pytest.mark.skipif(host_macro_dir() is None,
                                  reason="sendmail-cf's macros are not installed (Debian package sendmail-cf)")


def test_without_sendmail_cf_the_real_error_and_the_cf_is_emptied_as_bash_does(world, clock):
    h = Host(world, clock, cwd="/etc/mail")
    res = run_line(h, "m4 sendmail.mc > sendmail.cf")
    assert res.code == 1
    assert res.err == ("m4:sendmail.mc:10: cannot open `/usr/share/sendmail-cf/m4/cf.m4': "
                       "No such file or directory\n")
    assert world.read_text("/etc/mail/sendmail.cf") == ""  # the shell truncated it before m4 ran


def test_missing_input_file(world, clock):
    res = run(Host(world, clock), ["m4", "/etc/mail/nosuch.mc"])
    assert (res.code, res.err) == (1, "m4: cannot open `/etc/mail/nosuch.mc': No such file or directory\n")


@needs_macros
def test_regenerating_the_stock_mc_gives_the_template_cf(world, clock):
    mark_installed(world, "sendmail-cf")
    h = Host(world, clock, cwd="/etc/mail")
    for name in ("sendmail", "submit"):
        res = run(h, ["m4", f"{name}.mc"])
        assert res.code == 0, res.err
        template = world.read_text(f"/etc/mail/{name}.cf").splitlines()
        got = res.out.splitlines()
        # only the "built by ... on DATE" stamp differs
        diff = [(a, b) for a, b in zip(template, got) if a != b]
        assert len(got) == len(template) and [a[:14] for a, _ in diff] == ["##### built by"]
        assert "/usr/share/sendmail/cf" not in res.out  # the CentOS include path, not Debian's


@needs_macros
def test_changed_option_reaches_config_load(world, clock):
    mark_installed(world, "sendmail-cf")
    h = Host(world, clock, cwd="/etc/mail")
    mc = world.path("/etc/mail/sendmail.mc")
    mc.write_text(mc.read_text()
                  .replace("dnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl", "define(`confMAX_MESSAGE_SIZE',`1000')dnl")
                  .replace("DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl",
                           "DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl"))
    res = run_line(h, "m4 sendmail.mc > sendmail.cf")
    assert res.code == 0, res.err
    cfg = config.load(world)
    assert cfg.max_message_size == 1000
    assert [(d.name, d.addr, d.port) for d in cfg.daemons] == [("MTA", "0.0.0.0", 25)]


@needs_macros
def test_an_m4_error_in_the_mc_names_its_line(world, clock):
    mark_installed(world, "sendmail-cf")
    h = Host(world, clock, cwd="/etc/mail")
    mc = world.path("/etc/mail/sendmail.mc")
    mc.write_text(mc.read_text() + "include(`/etc/mail/missing.m4')dnl\n")
    res = run(h, ["m4", "sendmail.mc"])
    assert res.code == 1 and res.out == ""
    assert "m4:sendmail.mc:" in res.err and "cannot open `/etc/mail/missing.m4'" in res.err


def test_m4_not_installed_in_the_world(world, clock):
    path = world.path("/var/lib/mailkit/installed")
    path.write_text("".join(p + "\n" for p in path.read_text().split() if p != "m4"))
    res = run(Host(world, clock), ["m4", "/etc/mail/sendmail.mc"])
    assert (res.code, res.err) == (127, "bash: m4: command not found\n")


@needs_macros
def test_includes_of_the_mc_resolve_inside_the_world(world, clock):
    mark_installed(world, "sendmail-cf")
    h = Host(world, clock, cwd="/etc/mail")
    world.path("/etc/mail/local.m4").write_text("define(`confMAX_MESSAGE_SIZE',`777')dnl\n")
    mc = world.path("/etc/mail/sendmail.mc")
    mc.write_text(mc.read_text() + "include(`/etc/mail/local.m4')dnl\n")
    res = run_line(h, "m4 sendmail.mc > sendmail.cf")
    assert res.code == 0, res.err
    assert config.load(world).max_message_size == 777


@needs_macros
def test_a_warning_of_m4_is_shown_and_the_cf_is_still_made(world, clock):
    """FEATURE(`promiscuous_relay') makes m4 warn on stderr and exit 0, as with the real m4."""
    h = Host(world, clock, cwd="/etc/mail")
    assert run_line(h, "yum -y install sendmail-cf").code == 0
    mc = world.read_text("/etc/mail/sendmail.mc") + "FEATURE(`promiscuous_relay')dnl\n"
    world.path("/etc/mail/open.mc").write_text(mc)
    res = run_line(h, "m4 open.mc > open.cf")
    assert res.code == 0 and "promiscuous_relay" in res.err and "WARNING" in res.err
    assert "O DaemonPortOptions" in world.read_text("/etc/mail/open.cf")
