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


def test_swaks_sees_greeting_ehlo_and_user_unknown(running_host):
    swaks = need("swaks")
    host, port = running_host.connect_address(25)
    r = subprocess.run([swaks, "--server", host, "--port", str(port), "--from", "alice@localhost",
                        "--to", "nosuch@localhost", "--ehlo", "client.example.com"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "<-  220 localhost.localdomain ESMTP Sendmail 8.17.1.9/8.17.1.9; Sun, 29 Nov 2026 09:00:00 +0900" in r.stdout
    assert "<-  250-localhost.localdomain Hello localhost [127.0.0.1], pleased to meet you" in r.stdout
    assert "<-  250 2.1.0 <alice@localhost>... Sender ok" in r.stdout
    assert "<** 550 5.1.1 <nosuch@localhost>... User unknown" in r.stdout


def test_swaks_message_over_the_size_limit(host):
    from mailkit.commands.base import run
    from mailkit.core.cf import set_option

    swaks = need("swaks")
    cf = host.world.path("/etc/mail/sendmail.cf")
    cf.write_text(set_option(cf.read_text(), "MaxMessageSize", "500"))
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    h, port = host.runtime.connect_address(25)
    r = subprocess.run([swaks, "--server", h, "--port", str(port), "--from", "alice@localhost",
                        "--to", "bob@localhost", "--body", "x" * 2000],
                       capture_output=True, text=True, timeout=30)
    assert "<-  250-SIZE 500" in r.stdout
    assert "<** 552 5.2.3 Message exceeds maximum fixed size (500)" in r.stdout
