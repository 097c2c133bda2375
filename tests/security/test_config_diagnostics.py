"""Hole 11: a broken sendmail.cf gets sendmail's own diagnostic, never a Python traceback.

Wording and exit status as sendmail 8.17.1.9 prints them (`sendmail -C FILE -bp` / `-q` /
`-bd`, seen here): only the host path of the cf is named, never where the world lives; a cf
with a bad daemon address stops sendmail alone (POP3 and IMAP still start).
"""

import os
import poplib
import smtplib
import subprocess
import sys

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.cf import set_option
from mailkit.servers.runtime import HostRuntime

CF = "/etc/mail/sendmail.cf"


def mailkit(world, *argv):
    env = dict(os.environ, MAILKIT_WORLD=str(world.root), PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "mailkit", *argv], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def edit_cf(world, change):
    path = world.path(CF)
    path.write_text(change(path.read_text()))


def line_of(world, start):
    for n, line in enumerate(world.read_text(CF).splitlines(), 1):
        if line.startswith(start):
            return n
    raise AssertionError(start)


def assert_worded(world, proc, text, code):
    assert "Traceback" not in proc.stderr + proc.stdout
    assert str(world.root) not in proc.stderr + proc.stdout  # the host path only
    assert proc.stderr == text + "\n"
    assert proc.returncode == code


COMMANDS = [("check-config",), ("mailq",), ("sendmail", "-q"), ("sendmail", "-bp")]


@pytest.mark.parametrize("argv", COMMANDS)
def test_a_missing_cf_is_named_as_sendmail_names_it(world, argv):
    world.path(CF).unlink()
    proc = mailkit(world, *argv)
    assert_worded(world, proc, f"{CF}: line 0: cannot open: No such file or directory", 72)


@pytest.mark.parametrize("argv", COMMANDS)
def test_an_unknown_line_is_named_with_its_line_number(world, argv):
    edit_cf(world, lambda t: t.replace("\nDj", "\nZbogus line\nDj", 1) if "\nDj" in t else t.replace("\n#Dj", "\nZbogus line\n#Dj", 1))
    n = line_of(world, "Zbogus")
    proc = mailkit(world, *argv)
    assert_worded(world, proc, f'{CF}: line {n}: unknown configuration line "Zbogus line"', 70)


@pytest.mark.parametrize("argv", COMMANDS)
def test_an_empty_cf_is_refused(world, argv):
    world.path(CF).write_text("")
    proc = mailkit(world, *argv)
    assert_worded(world, proc, "No local mailer defined\nQueueDirectory (Q) option must be set", 78)


def test_a_cf_cut_off_before_its_mailers_is_refused(world):
    text = world.read_text(CF)
    world.path(CF).write_text(text[: text.index("\nMlocal")] + "\n")
    proc = mailkit(world, "mailq")
    assert_worded(world, proc, "No local mailer defined", 78)


def test_a_cf_cut_off_in_a_rewriting_rule_is_refused(world):
    text = world.read_text(CF)
    cut = text.index("\nR$") + 3  # "R$" and nothing after it: the tab is missing
    world.path(CF).write_text(text[:cut])
    n = text[:cut].count("\n") + 1
    proc = mailkit(world, "sendmail", "-q")
    assert_worded(world, proc, f'{CF}: line {n}: invalid rewrite line "R$" (tab expected)', 70)


def test_a_negative_max_message_size_means_no_limit(world, clock):
    edit_cf(world, lambda t: set_option(t, "MaxMessageSize", "-5"))
    rt = HostRuntime(world, clock).start()
    try:
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            code, ehlo = s.ehlo()
            assert b"\nSIZE\n" in ehlo  # as sendmail: SIZE without a number when there is no limit
            s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: hi\r\n\r\nhello\r\n")
    finally:
        rt.stop()


def bad_address(world):
    edit_cf(world, lambda t: set_option(t, "DaemonPortOptions", "Port=smtp,Addr=999.1.1.1, Name=MTA"))
    return f'{CF}: line {line_of(world, "O DaemonPortOptions=")}: host "999.1.1.1" unknown'


def test_a_bad_daemon_address_stops_sendmail_alone(world, clock):
    text = bad_address(world)
    rt = HostRuntime(world, clock)
    rt.start()  # no exception: the services that can start do
    try:
        assert not rt.is_active("sendmail") and rt.is_active("dovecot")
        assert rt.last_error["sendmail"] == text
        pop = poplib.POP3(*rt.connect_address(110), timeout=5)
        assert pop.getwelcome().startswith(b"+OK")
        pop.quit()
        assert text in world.read_text("/var/log/maillog")
        host = Host(world, clock, rt)
        status = run(host, ["systemctl", "status", "sendmail"])
        assert "Active: failed" in status.out and status.out.rstrip().endswith(text)
        assert run(host, ["mailq"]).err == text + "\n"
    finally:
        rt.stop()


def test_serve_with_a_bad_daemon_address_runs_dovecot(world):
    text = bad_address(world)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", str(world.root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("dovecot: port 110 on 127.0.0.1:"), first
        assert proc.poll() is None  # still serving
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert "Traceback" not in err and str(world.root) not in err
    assert f"sendmail: {text}" in err.splitlines()
