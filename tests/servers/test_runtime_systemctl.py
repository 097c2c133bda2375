"""systemctl, netstat and ss against a live host runtime, including the "stop postfix first" lesson."""

import re
import smtplib
import socket

from mailkit.commands.base import Host, run
from mailkit.core.packages import mark_installed
from mailkit.servers.runtime import HostRuntime, load_services, save_services


def test_status_of_a_running_sendmail(host):
    r = run(host, ["systemctl", "status", "sendmail"])
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == "● sendmail.service - Sendmail Mail Transport Agent"
    # a fresh CentOS install: running (the host started it) but not enabled at boot
    assert lines[1] == ("   Loaded: loaded (/usr/lib/systemd/system/sendmail.service; disabled; "
                        "vendor preset: disabled)")
    assert lines[2] == "   Active: active (running) since Sun 2026-11-29 09:00:00 KST; 0s ago"
    pid = host.runtime.pid_of("sendmail")
    assert f" Main PID: {pid} (sendmail)" in lines
    assert f"           └─{pid} sendmail: accepting connections" in lines
    assert run(host, ["systemctl", "is-active", "sendmail.service"]).out == "active\n"


def test_stop_frees_port_25_and_start_binds_it_again(host):
    addr = host.runtime.connect_address(25)
    assert run(host, ["systemctl", "stop", "sendmail"]).code == 0
    r = run(host, ["systemctl", "is-active", "sendmail"])
    assert (r.out, r.code) == ("inactive\n", 3)
    assert "   Active: inactive (dead)" in run(host, ["systemctl", "status", "sendmail"]).out
    with socket.socket() as s:
        assert s.connect_ex(addr) != 0  # nobody listens
    assert ":25 " not in run(host, ["netstat", "-tlnp"]).out
    assert run(host, ["systemctl", "start", "sendmail"]).code == 0
    with smtplib.SMTP(*addr) as s:
        assert s.noop()[0] == 250


def test_enable_disable_and_their_state_on_disk(host):
    assert (run(host, ["systemctl", "is-enabled", "sendmail"]).out, run(host, ["systemctl", "is-enabled", "dovecot"]).out) \
        == ("disabled\n", "disabled\n")  # as a fresh install leaves them
    r = run(host, ["systemctl", "enable", "sendmail"])
    assert r.out.startswith("Created symlink from /etc/systemd/system/multi-user.target.wants/sendmail.service")
    r = run(host, ["systemctl", "disable", "sendmail"])
    assert r.out == "Removed symlink /etc/systemd/system/multi-user.target.wants/sendmail.service.\n"
    assert (run(host, ["systemctl", "is-enabled", "sendmail"]).out, load_services(host.world)["sendmail"]["enabled"]) \
        == ("disabled\n", False)
    r = run(host, ["systemctl", "enable", "sendmail"])
    assert r.out.startswith("Created symlink from /etc/systemd/system/multi-user.target.wants/sendmail.service")
    assert run(host, ["systemctl", "is-enabled", "sendmail"]).code == 0


def test_postfix_is_not_installed_on_a_fresh_host(host):
    r = run(host, ["systemctl", "status", "postfix"])
    assert (r.err, r.code) == ("Unit postfix.service could not be found.\n", 4)
    assert run(host, ["systemctl", "stop", "postfix.service"]).code == 5


def test_postfix_holding_port_25_keeps_sendmail_from_starting(world, clock):
    mark_installed(world, "postfix")
    state = load_services(world)
    state["postfix"].update(active=True, enabled=True)
    save_services(world, state)
    rt = HostRuntime(world, clock).start()
    try:
        host = Host(world, clock, rt)
        assert not rt.running
        rows = run(host, ["netstat", "-tlnp"]).out
        assert re.search(r"127\.0\.0\.1:25 +0\.0\.0\.0:\* +LISTEN +\d+/master", rows), rows
        r = run(host, ["systemctl", "start", "sendmail"])
        assert r.code == 1 and r.err.startswith("Job for sendmail.service failed")
        status = run(host, ["systemctl", "status", "sendmail"]).out
        assert "Active: failed (Result: exit-code)" in status
        assert "sendmail[" in status and "daemon MTA: problem creating SMTP socket" in status
        assert "cannot bind: Address already in use" in status
        assert "daemon MTA: problem creating SMTP socket" in world.read_text("/var/log/maillog")

        assert run(host, ["systemctl", "stop", "postfix.service"]).code == 0
        assert run(host, ["systemctl", "start", "sendmail"]).code == 0
        with smtplib.SMTP(*rt.connect_address(25)) as s:
            assert s.ehlo()[1].startswith(b"localhost.localdomain Hello")
        assert "sendmail: acce" in run(host, ["netstat", "-anp"]).out
    finally:
        rt.stop()


def test_netstat_and_ss_columns(host):
    out = run(host, ["netstat", "-tlnp"]).out.splitlines()
    assert out[0] == "Active Internet connections (only servers)"
    assert out[1].startswith("Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name")
    pid = host.runtime.pid_of("sendmail")
    assert out[2] == f"tcp        0      0 127.0.0.1:25            0.0.0.0:*               LISTEN      {pid}/sendmail: acce "
    assert run(host, ["netstat", "-anp"]).out.startswith("Active Internet connections (servers and established)\n")
    plain = run(host, ["netstat", "-ltn"]).out.splitlines()
    assert "PID" not in plain[1] and plain[2] == "tcp        0      0 127.0.0.1:25            0.0.0.0:*               LISTEN"
    ss = run(host, ["ss", "-ltnp"]).out.splitlines()
    assert ss[0].split() == ["State", "Recv-Q", "Send-Q", "Local", "Address:Port", "Peer", "Address:Port", "Process"]
    assert re.fullmatch(rf"LISTEN +0 +\d+ +127\.0\.0\.1:25 +0\.0\.0\.0:\* +users:\(\(\"sendmail\",pid={pid},fd=\d+\)\)", ss[1])
    bad = run(host, ["netstat", "-z"])
    assert bad.code == 1 and "invalid option" in bad.err
