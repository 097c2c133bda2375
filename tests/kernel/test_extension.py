"""The lifecycle: one world and runtime per kernel, idempotent start, clean stop and exit."""

import os
import socket
import subprocess
import sys
import textwrap

import pytest

import mailkit
from mailkit.core.clock import FixedClock, SystemClock
from mailkit.kernel import extension


@pytest.fixture
def clean(monkeypatch):
    monkeypatch.delenv("MAILKIT_WORLD", raising=False)
    monkeypatch.delenv("MAILKIT_CLOCK", raising=False)
    extension.shutdown()
    yield
    extension.shutdown()


def bindable(addr):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
            return True
        except OSError:
            return False


def test_default_world_is_temporary_and_clock_is_the_systems(clean, capsys):
    extension.load(None)
    session = extension.current_session()
    root = session.world.root
    assert root.name.startswith("mailkit-world-") and (root / "etc/mail/sendmail.cf").exists()
    assert isinstance(session.clock, SystemClock) and not isinstance(session.clock, FixedClock)
    assert capsys.readouterr().out == "mailkit: mail host ready (sendmail on :25, POP3 on :110, IMAP on :143)\n"
    extension.shutdown()
    assert not root.exists()


def test_env_world_and_fixed_clock(clean, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILKIT_WORLD", str(tmp_path / "w"))
    monkeypatch.setenv("MAILKIT_CLOCK", "fixed")
    host = mailkit.host()
    assert host.world.root == (tmp_path / "w").resolve() and isinstance(host.clock, FixedClock)
    extension.shutdown()
    assert (tmp_path / "w/etc/mail/sendmail.cf").exists()  # a named world is kept


def test_starting_twice_is_harmless(clean, capsys):
    extension.load(None)
    first = dict(extension.current_session().runtime.ports)
    thread = extension.current_session().runtime._thread
    extension.load(None)
    assert extension.current_session().runtime.ports == first
    assert extension.current_session().runtime._thread is thread
    assert mailkit.connect(25) == first[25]
    assert capsys.readouterr().out.count("mail host ready") == 1


def test_unload_stops_and_load_finds_the_same_world(clean, tmp_path):
    extension.load(None)
    session = extension.current_session()
    root = session.world.root
    (root / "etc/mail/marker").write_text("kept")
    ports = [session.runtime.connect_address(p) for p in (25, 110, 143)]
    extension.unload(None)
    assert all(bindable(a) for a in ports)
    with pytest.raises(OSError):
        socket.create_connection(ports[0], timeout=1).close()
    extension.load(None)
    assert extension.current_session().world.root == root and (root / "etc/mail/marker").exists()
    with socket.create_connection(mailkit.connect(25), timeout=5) as s:
        assert s.recv(100).startswith(b"220 ")


def test_interpreter_exit_stops_the_host_and_removes_its_world(tmp_path):
    code = textwrap.dedent("""
        from IPython.testing.globalipapp import get_ipython
        import mailkit
        ip = get_ipython()
        ip.run_line_magic("load_ext", "mailkit")
        print(mailkit.host().world.root)
        print(*mailkit.connect(25))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILKIT_")}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    root, (addr, port) = lines[-2], lines[-1].split()
    assert not os.path.exists(root)
    assert bindable((addr, int(port)))


def test_stdlib_clients_reach_the_host_on_service_ports_with_no_helper(clean, tmp_path, monkeypatch):
    """smtplib/poplib/imaplib to ("localhost", 25/110/143) in the kernel reach the mapped ports."""
    import imaplib
    import poplib
    import smtplib

    monkeypatch.setenv("MAILKIT_WORLD", str(tmp_path / "w"))
    extension.load(None)
    rt = extension.current_session().runtime
    if rt.ports[25][1] == 25:
        pytest.skip("the runtime bound the real port 25: nothing to map")
    try:
        with smtplib.SMTP("localhost", 25, timeout=10) as s:
            assert s.noop()[0] == 250
            s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: no helper\n\nhi\n")
        pop = poplib.POP3("localhost", 110, timeout=10)
        assert pop.getwelcome().startswith(b"+OK")
        pop.quit()
        imap = imaplib.IMAP4("127.0.0.1", 143, timeout=10)
        assert imap.login("bob", "secret")[0] == "OK"
        imap.logout()
        mailkit.portmap(False)  # off: port 25 is the real one again, where nothing of ours listens
        assert socket.create_connection.__module__ == "socket"
        mailkit.portmap(True)
        assert socket.create_connection.__module__ == "mailkit.kernel.portmap"
    finally:
        extension.unload(None)
    assert socket.create_connection.__module__ == "socket"  # unloaded: no redirection left behind
