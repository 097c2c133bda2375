"""The console script: init, commands on a world, usage errors (exit 64), check-config, demo."""

import os
import subprocess
import sys


def mailkit(*args, world=None, stdin=None):
    env = dict(os.environ)
    env.pop("MAILKIT_WORLD", None)
    if world:
        env["MAILKIT_WORLD"] = str(world)
    return subprocess.run([sys.executable, "-m", "mailkit", *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=60)


def test_init_then_commands(tmp_path):
    w = tmp_path / "host"
    r = mailkit("init", str(w))
    assert r.returncode == 0 and (w / "etc/mail/sendmail.cf").exists()
    assert mailkit("mailq", world=w).stdout == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"
    r = mailkit("--world", str(w), "makemap", "hash", "/etc/mail/access", stdin="bad\n")
    assert r.returncode != 0 and "line 1: no RHS for LHS bad" in r.stderr
    assert "aliases" in mailkit("newaliases", world=w).stdout


def test_usage_errors_exit_64(tmp_path):
    assert mailkit().returncode == 64
    assert mailkit("init").returncode == 64
    w = tmp_path / "h"
    mailkit("init", str(w))
    r = mailkit("sendmail", "-Q", world=w)
    assert r.returncode == 64 and "illegal option" in r.stderr
    assert mailkit("mailq", world=None).returncode == 64


def test_check_config_lists_lines_not_acted_on(tmp_path):
    w = tmp_path / "h"
    mailkit("init", str(w))
    r = mailkit("check-config", world=w)
    assert r.returncode == 0
    assert "/etc/mail/sendmail.cf:" in r.stdout and "O HelpFile=/etc/mail/helpfile" in r.stdout
    assert "lines not acted on" in r.stderr and "dovecot.conf settings not acted on" in r.stderr


def test_demo_runs_headless():
    r = mailkit("demo")
    assert r.returncode == 0, r.stderr
    assert "250 2.0.0" in r.stdout and "stat=Sent" in r.stdout
    assert r.stdout.rstrip().endswith("bash scripts/run.sh    # opens JupyterLab on notebooks/ko/00-start-here.ipynb (English: notebooks/en/)")
    assert "WARNING" not in r.stderr and "Traceback" not in r.stderr


def test_unknown_command_is_a_usage_error(tmp_path):
    w = tmp_path / "h"
    mailkit("init", str(w))
    r = mailkit("frobnicate", world=w)
    assert r.returncode == 64 and r.stderr.startswith("mailkit: frobnicate: unknown command\nusage: mailkit")


def test_commands_see_a_host_served_by_another_process(tmp_path):
    w = tmp_path / "h"
    mailkit("init", str(w))
    env = dict(os.environ, MAILKIT_WORLD=str(w))
    serve = subprocess.Popen([sys.executable, "-m", "mailkit", "serve"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        first = serve.stdout.readline()
        assert first.startswith("sendmail: port 25 on 127.0.0.1:"), first
        assert mailkit("systemctl", "is-active", "sendmail", world=w).stdout == "active\n"
        rows = mailkit("netstat", "-tlnp", world=w).stdout
        assert "127.0.0.1:25 " in rows and "/sendmail: ac" in rows
        r = mailkit("sendmail", "-t", world=w, stdin="To: bob@localhost\nSubject: cli\n\nhi\n")
        assert r.returncode == 0, r.stderr
    finally:
        serve.terminate()
        assert serve.wait(10) == 0  # SIGTERM stops the host cleanly
        serve.stdout.close()
    assert mailkit("systemctl", "is-active", "sendmail", world=w).stdout == "inactive\n"


def test_serve_takes_world_after_the_command_and_rejects_extra_args(tmp_path):
    assert mailkit("serve", "--world").returncode == 64
    assert mailkit("serve", "--world", str(tmp_path / "h"), "extra").returncode == 64
    r = mailkit("check-config", "--world", str(tmp_path / "nothing"))
    assert r.returncode == 66 and "not a mail host" in r.stderr


def test_serve_names_its_world_like_init(tmp_path):
    w = tmp_path / "host"
    assert mailkit("init", str(w)).returncode == 0
    serve = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", str(w)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={k: v for k, v in os.environ.items()
                                                                    if k != "MAILKIT_WORLD"})
    try:
        assert serve.stdout.readline().startswith("sendmail: port 25 on 127.0.0.1:")
    finally:
        serve.terminate()
        assert serve.wait(10) == 0
        serve.stdout.close()
        serve.stderr.close()
    assert mailkit("serve", str(w), "extra").returncode == 64
    assert mailkit("--world", str(w), "serve", str(w)).returncode == 64
    r = mailkit("serve", str(tmp_path / "nothing"))
    assert r.returncode == 66 and "not a mail host" in r.stderr
