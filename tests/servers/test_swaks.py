"""swaks, a real SMTP client written by others, against the MTA."""

import mailbox
import subprocess

from conftest import need


def test_swaks_delivers_to_mbox(running_host, world):
    swaks = need("swaks")
    host, port = running_host.connect_address(25)
    r = subprocess.run([swaks, "--server", host, "--port", str(port), "--from", "alice@localhost",
                        "--to", "bob@localhost", "--header", "Subject: via swaks", "--body", "hi"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "<-  250 2.0.0" in r.stdout and "Message accepted for delivery" in r.stdout
    running_host.run_queue_now()
    assert [m["Subject"] for m in mailbox.mbox(world.path("/var/spool/mail/bob"))] == ["via swaks"]


def test_swaks_sees_relaying_denied_from_another_host(running_host):
    swaks = need("swaks")
    host, port = running_host.connect_address(25)
    r = subprocess.run([swaks, "--server", host, "--port", str(port), "--local-interface", "127.0.0.2",
                        "--from", "a@client.example.com", "--to", "x@example.org"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "<** 550 5.7.1 <x@example.org>... Relaying denied" in r.stdout
