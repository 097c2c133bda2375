"""dovecot.conf read as Dovecot 2.3 reads it (core/dovecotconf.py, the `doveconf` command), and
against the real doveconf (Debian's dovecot-core 2.3.19) on the same files.

The real doveconf reads a copy of the world's /etc/dovecot in a temp dir; its paths are mapped
back to /etc/dovecot before the outputs are compared. What must differ, and is masked:
- "# OS:" and "# Hostname:" lines: mailkit's name a CentOS 7 host, Debian's its own machine;
- "# Pigeonhole version ...": Debian's build carries the Sieve plugin, CentOS's dovecot has not.
What the configurations avoid: Debian's build defaults protocols to "" where CentOS's has
"imap pop3 lmtp", and this machine has no lmtp, so they name imap and pop3 only.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

from mailkit.commands.base import Host, run
from mailkit.core import dovecotconf
from mailkit.core.dovecotconf import ConfError

CONF = "/etc/dovecot/dovecot.conf"


def edit(world, host_path, old, new):
    p = world.path(host_path)
    text = p.read_text()
    assert old in text, (host_path, old)
    p.write_text(text.replace(old, new, 1))


def doveconf(world, *args):
    return run(Host(world), ["doveconf", *args])


# -- the stock files ------------------------------------------------------------------------

def test_the_stock_tree_is_centos_7s(world):
    conf = dovecotconf.parse(world)
    assert conf.files[0] == CONF and "/etc/dovecot/conf.d/10-master.conf" in conf.files
    assert "/etc/dovecot/conf.d/auth-system.conf.ext" in conf.files  # !include in 10-auth.conf
    assert conf.get("ssl") == "required" and conf.get("disable_plaintext_auth") == "yes"
    assert conf.get("protocols") == "imap pop3 lmtp" and conf.get("listen") == "*, ::"
    assert conf.get("mail_location") == "mbox:~/mail:INBOX=/var/mail/%u"
    assert conf.get("auth_mechanisms") == "plain" and conf.get("pop3_uidl_format") == "%08Xu%08Xv"
    assert conf.inet_listeners("imap-login") == [("imap", "*, ::", 143, False), ("imaps", "*, ::", 993, True)]
    assert conf.inet_listeners("pop3-login") == [("pop3", "*, ::", 110, False), ("pop3s", "*, ::", 995, True)]
    assert world.path("/var/mail").is_symlink() and os.readlink(world.path("/var/mail")) == "spool/mail"


def test_doveconf_n_and_one_setting(world):
    r = doveconf(world, "-n")
    assert r.code == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[:3] == [f"# {dovecotconf.version()}: /etc/dovecot/dovecot.conf",
                         "# OS: Linux 3.10.0-1160.el7.x86_64 x86_64 CentOS Linux release 7.9.2009 (Core) ",
                         "# Hostname: localhost.localdomain"]
    assert "ssl = required" in lines and "ssl_key = # hidden, use -P to show it" in lines
    assert "ssl_key = </etc/pki/dovecot/private/dovecot.pem" in doveconf(world, "-n", "-P").out.splitlines()
    assert doveconf(world, "protocols").out == "protocols = imap pop3 lmtp\n"
    assert doveconf(world, "-h", "listen").out == "*, ::\n"
    assert doveconf(world, "-n", "listen").out == ""  # -n: only what differs from the default
    assert doveconf(world, "nosuch").out == ""


def test_a_fixed_mail_location_names_its_file_system(world):
    edit(world, "/etc/dovecot/conf.d/10-mail.conf", "\nmail_location = mbox:~/mail:INBOX=/var/mail/%u",
         "\nmail_location = mbox:/var/mail/%u")
    assert doveconf(world, "-n").out.splitlines()[1].endswith("(Core) xfs")


# -- the syntax -----------------------------------------------------------------------------

def write_conf(world, text):
    world.path(CONF).write_text(text)


def test_quotes_comments_continuations_and_variables(world):
    write_conf(world, 'login_greeting = "Mail # here "\n'
                      "auth_mechanisms = plain \\\n  login # a comment\n"
                      "protocols = imap\nprotocols = $protocols pop3\n"
                      "mail_plugins = $mail_plugins quota\n"
                      "auth_failure_delay = 2s\n")
    conf = dovecotconf.parse(world)
    assert conf.get("login_greeting") == "Mail # here "
    assert conf.get("auth_mechanisms") == "plain login"
    assert conf.get("protocols") == "imap pop3"
    assert conf.get("mail_plugins") == " quota"  # the default is empty, then a space and the word
    assert conf.get("auth_failure_delay") == "2 secs"
    out = dovecotconf.non_default(conf)
    assert 'login_greeting = "Mail # here "' in out and 'mail_plugins = " quota"' in out
    assert not any(ln.startswith("auth_failure_delay") for ln in out)  # 2s is the default


def test_variables_are_expanded_only_for_the_running_dovecot(world):
    write_conf(world, "protocols = $nosuch imap\n")
    with pytest.raises(ConfError, match="protocols: Unknown protocol: \\$nosuch"):
        dovecotconf.parse(world)  # doveconf keeps the word as written, then checks it
    with pytest.raises(ConfError, match="line 1: Unknown variable: \\$nosuch"):
        dovecotconf.parse(world, expand=True)


def test_protocol_filters_and_the_setting_a_service_gets(world):
    write_conf(world, "disable_plaintext_auth = yes\nprotocol pop3 {\n  disable_plaintext_auth = no\n}\n"
                      "remote 127.0.0.2 {\n  ssl = no\n}\n")
    conf = dovecotconf.parse(world)
    assert conf.get("disable_plaintext_auth", protocol="pop3") == "no"
    assert conf.get("disable_plaintext_auth", protocol="imap") == "yes"
    assert conf.get("ssl", remote_ip="127.0.0.2") == "no" and conf.get("ssl", remote_ip="127.0.0.1") == "yes"
    out = dovecotconf.non_default(conf)
    # filters follow the global settings, the less specific first (protocol before remote)
    assert out[-6:] == ["protocol pop3 {", "  disable_plaintext_auth = no", "}", "remote 127.0.0.2 {", "  ssl = no", "}"]


def test_includes_stay_inside_the_world(world, tmp_path):
    outside = tmp_path / "outside.conf"
    outside.write_text("login_greeting = from outside the world\n")
    os.symlink(outside, world.path("/etc/dovecot/conf.d/99-evil.conf"))
    with pytest.raises(ConfError) as e:
        dovecotconf.parse(world)
    assert str(e.value).startswith("Error in configuration file /etc/dovecot/dovecot.conf line ")
    assert "Couldn't open include file /etc/dovecot/conf.d/99-evil.conf" in str(e.value)
    assert str(tmp_path) not in str(e.value)


def test_a_missing_certificate_stops_only_the_running_dovecot(world):
    os.unlink(world.path("/etc/pki/dovecot/certs/dovecot.pem"))
    dovecotconf.parse(world)  # doveconf does not open <files
    with pytest.raises(ConfError) as e:
        dovecotconf.parse(world, expand=True)
    assert str(e.value) == ("Error in configuration file /etc/dovecot/conf.d/10-ssl.conf line 14: ssl_cert: "
                            "Can't open file /etc/pki/dovecot/certs/dovecot.pem: No such file or directory")


@pytest.mark.parametrize("text, error", [
    ("foo = bar\n", "line 1: Unknown setting: foo"),
    ("}\n", "line 1: Unexpected '}'"),
    ("ssl\n", "line 1: Expecting '{'"),
    ("= x\n", "line 1: Missing key name ('=' at the beginning of line)"),
    ("ssl = maybe\n", "line 1: Invalid value: maybe"),
    ("disable_plaintext_auth = maybe\n", "line 1: Invalid boolean value: maybe (use yes or no)"),
    ("auth_failure_delay = 2\n", "line 1: Time interval '2' is missing units (add e.g. 's' for seconds)"),
    ("mail_max_userip_connections = 12x\n", "line 1: Invalid number 12x: Not a valid number"),
    ("service imap-login {\n  inet_listener imap {\n    port = 70000\n  }\n}\n", "line 3: Invalid port number 70000"),
    ("service imap-login {\n  inet_listener imap {\n    nope = 1\n  }\n}\n",
     "line 3: Unknown setting: service { inet_listener { nope"),
    ("service imap-login {\n", "Missing '}' (section started at /etc/dovecot/dovecot.conf:1)"),
    ("!include nosuch.conf\n", "line 1: No matches"),
    ("protocols = imap pop4\n", "protocols: Unknown protocol: pop4"),
    ("listen =\n", "listen can't be set empty"),
    ("pop3_uidl_format = %Q\n", "Unknown pop3_uidl_format variable: %Q"),
    ("protocol imap {\n  protocol pop3 {\n  }\n}\n", "line 2: Nested protocol { protocol { .. } } block not allowed"),
    ("plugin {\n  x {\n  }\n}\n", "line 2: Section not allowed here"),
])
def test_bad_lines_get_dovecots_words(world, text, error):
    write_conf(world, text)
    with pytest.raises(ConfError) as e:
        dovecotconf.parse(world)
    assert str(e.value) == f"Error in configuration file {CONF}{'' if error.startswith('line') else ':'}" \
                           f"{' ' if error.startswith('line') else ' '}{error}"
    r = doveconf(world, "-n")
    assert r.code == 89 and r.err.endswith(f"doveconf: Fatal: {e.value}\n")


# -- against the real doveconf --------------------------------------------------------------

def need_doveconf():
    if shutil.which("doveconf") is None:
        pytest.skip("the real doveconf (Debian's dovecot-core) is not installed; scripts/setup.sh installs it")


def real_doveconf(world, *args) -> tuple[int, str, str]:
    """The real doveconf on a copy of the world's /etc/dovecot, its paths mapped back."""
    d = tempfile.mkdtemp(prefix="mailkit-doveconf-")
    try:
        shutil.copytree(world.path("/etc/dovecot"), f"{d}/etc/dovecot", symlinks=True)
        r = subprocess.run(["doveconf", "-c", f"{d}/etc/dovecot/dovecot.conf", *args], capture_output=True,
                           text=True, timeout=30)
        return r.returncode, r.stdout.replace(d, ""), r.stderr.replace(d, "")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def masked(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if not ln.startswith(("# OS:", "# Hostname:", "# Pigeonhole"))]


MASTER = "/etc/dovecot/conf.d/10-master.conf"
CHANGES = {
    "stock": [],
    "protocols": [(CONF, "#protocols = imap pop3 lmtp", "protocols = imap")],
    "protocols-pop3": [(CONF, "#protocols = imap pop3 lmtp", "protocols = imap pop3")],
    "listen": [(CONF, "#listen = *, ::", "listen = 127.0.0.1")],
    "ports": [(MASTER, "    #port = 143", "    port = 1143"), (MASTER, "    #port = 995", "    port = 0")],
    "maildir": [("/etc/dovecot/conf.d/10-mail.conf", "\nmail_location = mbox:~/mail:INBOX=/var/mail/%u",
                 "\nmail_location = maildir:~/Maildir")],
    "filters": [(CONF, "!include_try local.conf", "!include_try local.conf\nremote 127.0.0.2 {\n  ssl = no\n}\n"
                 "local 127.0.0.1 {\n  protocol imap {\n    disable_plaintext_auth = no\n  }\n}")],
    "plaintext": [("/etc/dovecot/conf.d/10-auth.conf", "#disable_plaintext_auth = yes", "disable_plaintext_auth = no")],
    "ssl-no": [("/etc/dovecot/conf.d/10-ssl.conf", "ssl = required", "ssl = no")],
    "mechanisms": [("/etc/dovecot/conf.d/10-auth.conf", "auth_mechanisms = plain", "auth_mechanisms = plain login")],
    "uidl": [("/etc/dovecot/conf.d/20-pop3.conf", "#pop3_uidl_format = %08Xu%08Xv", "pop3_uidl_format = %08Xv%08Xu")],
    "filter": [("/etc/dovecot/conf.d/20-imap.conf", "  #mail_max_userip_connections = 10",
                "  mail_max_userip_connections = 20\n  mail_plugins = $mail_plugins imap_zlib")],
    "passwd-file": [("/etc/dovecot/conf.d/10-auth.conf", "#!include auth-passwdfile.conf.ext",
                     "!include auth-passwdfile.conf.ext")],
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_doveconf_n_as_the_real_one(world, case):
    need_doveconf()
    for path, old, new in CHANGES[case]:
        edit(world, path, old, new)
    code, out, err = real_doveconf(world, "-n")
    assert (code, err) == (0, "")
    ours = doveconf(world, "-n")
    assert (ours.code, ours.err) == (0, "")
    assert masked(ours.out) == masked(out)


@pytest.mark.parametrize("name", ["ssl", "listen", "auth_mechanisms", "disable_plaintext_auth", "pop3_uidl_format",
                                  "mail_location", "nosuch"])
def test_doveconf_name_as_the_real_one(world, name):
    need_doveconf()
    assert doveconf(world, name).out == real_doveconf(world, name)[1]


BAD = [
    ("/etc/dovecot/conf.d/10-mail.conf", "#mail_uid =", "foo = bar\n#mail_uid ="),
    ("/etc/dovecot/conf.d/10-ssl.conf", "ssl = required", "ssl = maybe"),
    ("/etc/dovecot/conf.d/10-auth.conf", "#disable_plaintext_auth = yes", "disable_plaintext_auth = maybe"),
    (CONF, "#protocols = imap pop3 lmtp", "protocols = imap pop4"),
    (MASTER, "    #port = 143", "    port = abc"),
    (MASTER, "service imap-login {", "service imap-login {\n  nonsense = 1"),
    (MASTER, "service pop3-login {", "service pop3-login {\n  inet_listener pop3 {"),
    ("/etc/dovecot/conf.d/20-pop3.conf", "#pop3_uidl_format = %08Xu%08Xv", "pop3_uidl_format = %08Xu%Q"),
    ("/etc/dovecot/conf.d/10-auth.conf", "!include auth-system.conf.ext", "!include auth-nosuch.conf.ext"),
    (CONF, "#listen = *, ::", "listen ="),
    ("/etc/dovecot/conf.d/20-imap.conf", "protocol imap {", "}\nprotocol imap {"),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_bad_lines_as_the_real_doveconf(world, i):
    need_doveconf()
    edit(world, *BAD[i])
    code, out, err = real_doveconf(world, "-n")
    ours = doveconf(world, "-n")
    assert code == ours.code == 89
    assert ours.err == err and "Error in configuration file /etc/dovecot/" in ours.err
    assert masked(ours.out) == masked(out)


def test_what_the_servers_do_not_act_on_is_listed(world):
    edit(world, CONF, "#login_greeting = Dovecot ready.", "login_greeting = Hello")
    edit(world, CONF, "#protocols = imap pop3 lmtp", "protocols = imap")
    edit(world, "/etc/dovecot/conf.d/10-auth.conf", "#!include auth-passwdfile.conf.ext", "!include auth-passwdfile.conf.ext")
    listed = dovecotconf.not_acted_on(dovecotconf.parse(world))
    line = next(i for i, t in enumerate(world.path(CONF).read_text().splitlines(), 1) if t == "login_greeting = Hello")
    assert f"{CONF}:{line}: login_greeting = Hello    # dovecot: not acted on" in listed
    assert not any("protocols" in ln for ln in listed)  # the servers read it
    assert any(ln.startswith("/etc/dovecot/conf.d/auth-passwdfile.conf.ext:") and "passdb" in ln for ln in listed)
    assert any(ln.startswith("/etc/dovecot/conf.d/10-mail.conf:") and "namespace inbox" in ln for ln in listed)
