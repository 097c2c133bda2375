"""create_world: the CentOS-like tree, accounts, built maps; idempotent on an existing world."""

import os
import stat

from mailkit.core import config
from mailkit.core.accounts import accounts, verify
from mailkit.core.init import LEARNERS, create_world
from mailkit.core.maps import open_map
from mailkit.core.packages import installed_packages, is_installed, mark_installed


def test_tree_like_a_centos_host(world):
    for d in ("/etc/mail", "/etc/smrsh", "/var/spool/mqueue", "/var/spool/clientmqueue", "/var/spool/mail",
              "/var/lib/mailkit", "/home/alice", "/root"):
        assert world.path(d).is_dir(), d
    etc_mail = set(os.listdir(world.path("/etc/mail")))
    assert {"sendmail.mc", "sendmail.cf", "submit.mc", "submit.cf", "access", "access.db", "virtusertable",
            "virtusertable.db", "local-host-names", "relay-domains", "trusted-users"} <= etc_mail
    # one file per built map, as `ls /etc/mail` shows on the real host
    assert not [n for n in etc_mail if n.endswith((".dat", ".dir", ".bak", ".pag"))]
    assert world.path("/etc/aliases.db").is_file()
    assert stat.S_IMODE(world.path("/var/spool/mqueue").stat().st_mode) == 0o700


def test_template_files_read_like_centos(world):
    access = world.read_text("/etc/mail/access")
    for key in ("Connect:localhost.localdomain", "Connect:localhost", "Connect:127.0.0.1"):
        assert any(line.split()[:2] == [key, "RELAY"] for line in access.splitlines() if line.strip()), key
    assert world.read_text("/etc/mail/virtusertable").strip() == ""
    assert all(line.startswith("#") for line in world.read_text("/etc/mail/local-host-names").splitlines())
    mc = world.read_text("/etc/mail/sendmail.mc")
    assert "include(`/usr/share/sendmail-cf/m4/cf.m4')dnl" in mc
    assert "DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl" in mc
    cf = world.read_text("/etc/mail/sendmail.cf").splitlines()
    for line in ("O QueueDirectory=/var/spool/mqueue", "O AliasFile=/etc/aliases",
                 "Kaccess hash -T<TMPF> -o /etc/mail/access.db", "Kvirtuser hash -o /etc/mail/virtusertable.db",
                 "Fw/etc/mail/local-host-names", "FR-o /etc/mail/relay-domains", "Ft/etc/mail/trusted-users",
                 "O DaemonPortOptions=Port=smtp,Addr=127.0.0.1, Name=MTA", "DZ8.17.1.9"):
        assert line in cf, line
    submit = world.read_text("/etc/mail/submit.cf").splitlines()
    assert "O QueueDirectory=/var/spool/clientmqueue" in submit and "D{MTAHost}[127.0.0.1]" in submit


def test_built_maps_serve_the_templates(world):
    assert open_map(world, "/etc/mail/access.db").get("connect:127.0.0.1") == "RELAY"
    assert open_map(world, "/etc/aliases.db").get("postmaster") == "root"
    assert open_map(world, "/etc/mail/virtusertable.db").items() == []


def test_accounts_and_spools(world):
    accts = accounts(world)
    assert set(LEARNERS) | {"root"} <= set(accts)
    assert accts["alice"].home == "/home/alice" and accts["root"].home == "/root"
    assert verify(world, "alice", "secret") and not verify(world, "alice", "wrong")
    assert not verify(world, "root", "secret")  # root's password is locked
    for user in LEARNERS:
        assert world.path(f"/var/spool/mail/{user}").is_file()


def test_packages_start_without_sendmail_cf(world):
    assert {"sendmail", "m4"} <= set(installed_packages(world))
    assert not is_installed(world, "sendmail-cf")
    assert mark_installed(world, "sendmail-cf") is True
    assert mark_installed(world, "sendmail-cf") is False
    assert installed_packages(world).count("sendmail-cf") == 1


def test_create_world_again_keeps_what_the_admin_changed(tmp_path):
    w = create_world(tmp_path / "h")
    w.path("/etc/mail/access").write_text("Connect:10.0.0.1 REJECT\n")
    w.path("/var/spool/mail/alice").write_text("From x\n")
    mark_installed(w, "sendmail-cf")
    w2 = create_world(tmp_path / "h")
    assert w2.read_text("/etc/mail/access") == "Connect:10.0.0.1 REJECT\n"
    assert w2.read_text("/var/spool/mail/alice") == "From x\n"
    assert is_installed(w2, "sendmail-cf")
    assert config.load(w2).hostname == "localhost.localdomain"
