"""`mailkit serve --network DIR` runs every host in one process; `--host NAME` runs a command
on one of them from another process."""

import os
import re
import smtplib
import subprocess
import sys
import time

from net_fixtures import listen_everywhere

from mailkit.core.clock import FixedClock
from mailkit.network import Network

MKENV = {k: v for k, v in os.environ.items() if k not in ("MAILKIT_WORLD", "MAILKIT_NETWORK")}


def mailkit(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "mailkit", *args], input=stdin, capture_output=True,
                          text=True, env=MKENV, timeout=60)


def serve(directory):
    """The serve process and its listener lines, read up to the last host's last listener."""
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--network", str(directory)],
                            env=MKENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("[mx2.jeju.example] dovecot: port 995"):
            break
    return proc, lines


def test_serve_network_runs_every_host_and_commands_reach_each(tmp_path):
    net = tmp_path / "net"
    made = Network.create(net, FixedClock())  # made here first, so jeju listens beyond loopback
    listen_everywhere(made, "mail.jeju.example", "mx2.jeju.example")
    made.close()
    proc, lines = serve(net)
    try:
        hosts = [re.match(r"\[([^\]]+)\] (\w+): port (\d+) on (\S+):(\d+)", x).groups() for x in lines]
        assert [h[:3] for h in hosts if h[1] in ("sendmail", "named")] == [
            ("mail.korea.example", "sendmail", "25"), ("mail.korea.example", "named", "53"),
            ("mail.jeju.example", "sendmail", "25"), ("mx2.jeju.example", "sendmail", "25")]
        smtp = {h[0]: (h[3], int(h[4])) for h in hosts if h[2] == "25"}
        assert len(set(smtp.values())) == 3  # three sendmails, three listeners
        # real SMTP to jeju's listener, then the command line on jeju sees the mail
        with smtplib.SMTP(*smtp["mail.jeju.example"], source_address=("127.0.0.4", 0)) as s:
            s.sendmail("alice@korea.example", ["bob@jeju.example"], "Subject: over cli\n\nhi\n")
        deadline = time.monotonic() + 10
        while "over cli" not in (net / "mail.jeju.example/var/spool/mail/bob").read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        r = mailkit("--network", str(net), "--host", "mail.jeju.example", "mail", "-u", "bob", "-H")
        assert r.returncode == 0 and "over cli" in r.stdout, r.stderr
        assert mailkit("--network", str(net), "--host", "mx2.jeju.example", "hostname").stdout == "mx2.jeju.example\n"
        # --host on --world: the network the world's host is in
        r = mailkit("--world", str(net / "mx2.jeju.example"), "--host", "127.0.0.4", "systemctl", "is-active", "named")
        assert r.stdout == "active\n"
        # from one host's command to another host's daemon, by name
        r = mailkit("--network", str(net), "--host", "mx2.jeju.example", "telnet", "mail.jeju.example", "25",
                    stdin="QUIT\n")
        assert r.stdout.startswith("Trying 127.0.0.5...\nConnected to mail.jeju.example.\n"), r.stderr
        assert "221 2.0.0" in r.stdout
        r = mailkit("--network", str(net), "--host", "mail.jeju.example", "host", "-t", "mx", "jeju.example")
        assert r.stdout == ("jeju.example mail is handled by 10 mail.jeju.example.\n"
                            "jeju.example mail is handled by 20 mx2.jeju.example.\n"), r.stderr
        r = mailkit("--network", str(net), "--host", "nowhere.example", "mailq")
        assert r.returncode == 67 and "nowhere.example: no such host in the network (hosts: " in r.stderr
    finally:
        proc.terminate()
        assert proc.wait(20) == 0  # SIGTERM stops every host cleanly
        proc.stdout.close()
        proc.stderr.close()
    assert mailkit("--network", str(net), "--host", "mail.jeju.example", "systemctl", "is-active",
                   "sendmail").stdout == "inactive\n"
    # the directory holds the network now: serving it again finds the same hosts
    proc, lines = serve(net)
    try:
        assert [x.split("]")[0] for x in lines if "sendmail: port 25" in x] == [
            "[mail.korea.example", "[mail.jeju.example", "[mx2.jeju.example"]
    finally:
        proc.terminate()
        proc.wait(20)
        proc.stdout.close()
        proc.stderr.close()


def test_host_needs_a_network(tmp_path):
    w = tmp_path / "alone"
    assert mailkit("init", str(w)).returncode == 0
    r = mailkit("--world", str(w), "--host", "mail.jeju.example", "mailq")
    assert r.returncode == 66 and "this host is in no network" in r.stderr
    r = mailkit("--host", "mail.jeju.example", "mailq")
    assert r.returncode == 64 and "--host NAME needs the network" in r.stderr


def test_serve_network_makes_the_network_the_first_time(tmp_path):
    proc, lines = serve(tmp_path / "fresh")
    try:
        assert sorted({x.split("]")[0][1:] for x in lines}) == ["mail.jeju.example", "mail.korea.example",
                                                               "mx2.jeju.example"]
        assert (tmp_path / "fresh" / "mail.jeju.example" / "etc" / "hostname").read_text() == "mail.jeju.example\n"
    finally:
        proc.terminate()
        assert proc.wait(20) == 0
        proc.stdout.close()
        proc.stderr.close()
