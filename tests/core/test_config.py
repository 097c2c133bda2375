"""config.load on the stock CentOS sendmail.cf, and the options the course changes."""

from datetime import timedelta

import pytest

from mailkit.core import cf, config
from mailkit.core.config import Daemon, from_cf, parse_duration


def load_text(world, text):
    return from_cf(world, cf.parse_cf(text, "/etc/mail/sendmail.cf"))


def test_template_cf_reads_like_a_centos_host(world):
    c = config.load(world)
    assert c.hostname == "localhost.localdomain" and c.dj is None
    assert c.dn == "MAILER-DAEMON"
    assert {"localhost", "localhost.localdomain"} <= c.local_names
    assert c.class_files == {"w": ["/etc/mail/local-host-names"], "R": ["/etc/mail/relay-domains"],
                             "t": ["/etc/mail/trusted-users"]}
    assert c.alias_files == ("/etc/aliases",)
    assert c.max_message_size == 0
    assert c.forward_path == ("$z/.forward.$w", "$z/.forward")
    assert c.daemons == (Daemon("MTA", "127.0.0.1", 25),)
    assert c.delivery_mode == "b"
    assert c.queue_return == timedelta(days=5) and c.queue_warn == timedelta(hours=4)
    assert c.queue_dir == "/var/spool/mqueue"
    assert c.privacy == {"authwarnings", "novrfy", "noexpn", "restrictqrun"}
    assert c.access_db == "/etc/mail/access.db"
    assert c.virtuser_db == "/etc/mail/virtusertable.db"
    assert c.greeting("Sun, 29 Nov 2026 09:00:00 +0900") == \
        "localhost.localdomain ESMTP Sendmail 8.17.1.9/8.17.1.9; Sun, 29 Nov 2026 09:00:00 +0900"
    assert c.warnings == ()


def test_submit_cf_is_the_msp(world):
    c = config.load(world, "/etc/mail/submit.cf")
    assert c.queue_dir == "/var/spool/clientmqueue"
    assert c.delivery_mode == "i"


def test_every_line_is_acted_on_or_listed_as_unhandled(world):
    text = world.read_text("/etc/mail/sendmail.cf")
    parsed = cf.parse_cf(text)
    c = from_cf(world, parsed)
    listed = {u.lineno for u in c.unhandled}
    acted = {ln.lineno for ln in parsed.lines if ln.kind not in ("comment", "blank") and ln.lineno not in listed}
    kinds = {ln.kind for ln in parsed.lines if ln.lineno in acted}
    # only these line types are ever acted on (R and S, with the D/C/F/K lines they read, by
    # the rules engine the MTA runs); every M/H line is reported, and options mailkit ignores
    assert kinds <= {"V", "D", "C", "F", "K", "O", "T", "R", "S"}
    assert {"R", "S"} <= kinds
    assert {u.text[:1] for u in c.unhandled} >= {"M", "H", "O"}
    assert all(u.reason for u in c.unhandled)
    # the stock cf's Mlocal line continues on indented lines: one logical line, one report
    mlocal = [ln for ln in parsed.lines if ln.kind == "M" and ln.name == "local"]
    assert len(mlocal) == 1 and "A=procmail" in mlocal[0].text


def test_cf_line_types():
    text = ("V10/Berkeley\nD{MTAHost}[127.0.0.1]\nC{w}a b\nFw-o /etc/x %[^#]\nKfoo hash /f\n"
            "OA/etc/aliases\nO QueueDirectory=/q\nMlocal, P=/bin/x,\n\tA=x $u\nSparse=0\n"
            "R$*\t$: $1\tcomment\nH?F?From: $q\nPjunk=-100\nTroot\nEPATH=/bin\nQmq, P=/q\nL9\n#c\n\n")
    kinds = [(ln.kind, ln.name) for ln in cf.parse_cf(text).lines]
    assert kinds == [("V", ""), ("D", "MTAHost"), ("C", "w"), ("F", "w"), ("K", "foo"), ("O", "A"),
                     ("O", "QueueDirectory"), ("M", "local"), ("S", "parse"), ("R", "$*"), ("H", "From"),
                     ("P", ""), ("T", ""), ("E", ""), ("Q", ""), ("L", ""), ("comment", ""), ("blank", "")]
    h = cf.parse_cf("H?F?From: $q\n").lines[0]
    assert h.value == "?F? $q"
    with pytest.raises(cf.CfError, match=r"^/etc/mail/sendmail.cf: line 2: unknown configuration line"):
        cf.parse_cf("V10\nXbogus\n")


def test_options_the_course_changes(world):
    c = load_text(world, "\n".join([
        "Dj$w.example.com", "DnPostmaster", "Cwmail.example.com Example.ORG",
        "O AliasFile=hash:/etc/aliases, /etc/mail/lists",
        "O MaxMessageSize=1000",
        "O ForwardPath=$z/.forward",
        "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA",
        "O DaemonPortOptions=Port=submission, Name=MSA, M=Ea",
        "O DaemonPortOptions=Port=2525, Addr=127.0.0.1, Name=Other",
        "O DeliveryMode=queueonly", "O Timeout.queuereturn=1h30m", "O Timeout.queuewarn=2",
        "O PrivacyOptions=goaway", "O SmtpGreetingMessage=$j hello $v; ${b}", ""]))
    assert c.hostname == c.dj == "localhost.example.com"
    assert c.dn == "Postmaster"
    assert {"mail.example.com", "example.org", "localhost.example.com"} <= c.local_names
    assert c.is_local_domain("EXAMPLE.org.") and not c.is_local_domain("example.net")
    assert c.alias_files == ("/etc/aliases", "/etc/mail/lists")
    assert c.max_message_size == 1000
    assert c.forward_path == ("$z/.forward",)
    assert c.daemons == (Daemon("MTA", "0.0.0.0", 25), Daemon("MSA", "0.0.0.0", 587),
                         Daemon("Other", "127.0.0.1", 2525))
    assert c.delivery_mode == "q"
    assert c.queue_return == timedelta(hours=1, minutes=30)
    assert c.queue_warn == timedelta(hours=2)  # a bare number is hours for queuewarn
    assert {"goaway", "novrfy", "noexpn", "needmailhelo", "authwarnings"} <= c.privacy
    assert c.greeting("DATE") == "localhost.example.com ESMTP hello 8.17.1.9; DATE"


def test_old_one_letter_options(world):
    c = load_text(world, "OA/etc/other-aliases\nOQ/var/spool/q2\nOdq\nOT2d/1h\nDe$j old style\nTapache\nOL9\n")
    assert c.alias_files == ("/etc/other-aliases",)
    assert c.queue_dir == "/var/spool/q2"
    assert c.delivery_mode == "q"
    assert c.queue_return == timedelta(days=2) and c.queue_warn == timedelta(hours=1)
    assert c.greeting("D") == "localhost.localdomain ESMTP old style"
    assert "apache" in c.trusted_users  # the old T line is class t
    assert [u.text for u in c.unhandled] == ["OL9"]


@pytest.mark.parametrize("text,unit,expected", [
    ("5d", "d", timedelta(days=5)), ("4h", "d", timedelta(hours=4)), ("1m", "s", timedelta(minutes=1)),
    ("30s", "d", timedelta(seconds=30)), ("1d12h", "d", timedelta(days=1, hours=12)),
    ("2w", "d", timedelta(weeks=2)), ("3", "d", timedelta(days=3)), ("1h30", "m", timedelta(minutes=90)),
])
def test_durations(text, unit, expected):
    assert parse_duration(text, unit) == expected


@pytest.mark.parametrize("bad", ["", "5x", "d5", "five days"])
def test_bad_duration_is_an_error_with_the_line(world, bad):
    with pytest.raises(cf.CfError, match=r"^/etc/mail/sendmail.cf: line 2: O Timeout.queuereturn: "):
        load_text(world, f"V10\nO Timeout.queuereturn={bad}\n")


def test_bad_values_name_their_line(world):
    with pytest.raises(cf.CfError, match=r"line 1: O DeliveryMode: invalid delivery mode \"x\""):
        load_text(world, "O DeliveryMode=x\n")
    with pytest.raises(cf.CfError, match=r"line 1: O DaemonPortOptions: unknown port \"nosuch\""):
        load_text(world, "O DaemonPortOptions=Port=nosuch\n")
    with pytest.raises(cf.CfError, match=r"line 1: O MaxMessageSize"):
        load_text(world, "O MaxMessageSize=big\n")


def test_class_files_are_read_and_missing_ones_warned(world):
    world.path("/etc/mail/local-host-names").write_text("# names\nmail.example.com  Example.NET\n")
    world.path("/etc/mail/relay-domains").write_text("partner.example\n")
    c = config.load(world)
    assert {"mail.example.com", "example.net"} <= c.local_names
    assert c.relay_domains == {"partner.example"}
    world.path("/etc/mail/relay-domains").unlink()  # "FR-o": optional, no warning
    world.path("/etc/mail/local-host-names").unlink()  # "Fw" without -o: sendmail complains
    c = config.load(world)
    assert c.relay_domains == frozenset()
    assert len(c.warnings) == 1
    assert "fileclass: cannot open '/etc/mail/local-host-names': No such file or directory" in c.warnings[0]


def test_trusted_users_from_ft(world):
    world.path("/etc/mail/trusted-users").write_text("# comment\napache\n")
    assert {"root", "apache"} <= config.load(world).trusted_users
