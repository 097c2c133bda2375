"""What a `|program` alias, .forward or procmail recipe may run, and where `/file` mail may go.

The smrsh rule on this host: a program runs only when its name is in the world's /etc/smrsh
(sendmail's smrsh allow-list) AND it is one of mailkit's own programs, which act on the world
only. The file in /etc/smrsh is never executed, so whatever the mini-shell writes there (or
anywhere else in the world) cannot run on the real machine. `/file` deliveries follow
sendmail's mailfile(): no symlinks, no files with an execute bit, no hard-linked files.
"""

import os

import pytest

from mailkit.commands.base import Host
from mailkit.commands.shell import run_line
from mailkit.core import config
from mailkit.core.queue import Envelope, Queue
from mailkit.core.runner import run_queue


def deliver(world, clock, rcpts, subject="test"):
    q = Queue(world, "/var/spool/mqueue")
    q.enqueue(Envelope("alice@localhost", rcpts), f"Subject: {subject}\n\nbody of {subject}\n".encode(), clock)
    return run_queue(world, config.load(world), clock)


def shell(world, clock, script):
    res = run_line(Host(world, clock), script)
    assert res.code == 0, res.err
    return res


@pytest.fixture
def canary(tmp_path):
    c = tmp_path / "outside" / "pwned"
    c.parent.mkdir()
    return c


def test_a_program_planted_with_the_mini_shell_never_runs(world, clock, canary):
    shell(world, clock, f"""
printf '#!/bin/sh\\ntouch {canary}\\n' > /etc/smrsh/evil
chmod 755 /etc/smrsh/evil
echo 'evil: "|/etc/smrsh/evil"' >> /etc/aliases
echo 'evil2: "|evil --flag"' >> /etc/aliases
newaliases
""")
    res = deliver(world, clock, ["evil@localhost", "evil2@localhost"])
    assert not canary.exists()
    assert [f[2] for f in res[0].failed] == ["smrsh: evil not available for sendmail programs"] * 2


def test_an_allowed_name_runs_mailkits_own_program_whatever_the_file_holds(world, clock, canary):
    shell(world, clock, f"""
echo 'touch {canary}' > /etc/smrsh/autoreply
echo 'robot: "|/usr/bin/autoreply"' >> /etc/aliases
newaliases
""")
    res = deliver(world, clock, ["robot@localhost"], subject="`touch${IFS}" + str(canary) + "`")
    assert not canary.exists()
    assert ("robot@localhost", "|/usr/bin/autoreply") in res[0].delivered
    assert "body of" in world.path("/root/autoreply.log").read_text()


def test_a_name_not_in_the_smrsh_directory_is_refused_even_if_mailkit_knows_it(world, clock):
    shell(world, clock, "rm /etc/smrsh/autoreply\necho 'robot: \"|autoreply\"' >> /etc/aliases\nnewaliases")
    res = deliver(world, clock, ["robot@localhost"])
    assert [f[2] for f in res[0].failed] == ["smrsh: autoreply not available for sendmail programs"]


def test_procmail_pipes_go_through_the_same_rule(world, clock, canary):
    shell(world, clock, f"""
printf '#!/bin/sh\\ntouch {canary}\\n' > /etc/smrsh/evil
chmod 755 /etc/smrsh/evil
printf ':0\\n| /bin/sh -c "touch {canary}"\\n' > /home/bob/.procmailrc
""")
    res = deliver(world, clock, ["bob@localhost"])
    assert not canary.exists()
    assert [f[2] for f in res[0].failed] == ["smrsh: sh not available for sendmail programs"]


def test_file_mail_refuses_executables_symlinks_and_hard_links(world, clock):
    program = world.path("/etc/smrsh/autoreply")
    before = program.read_bytes()
    world.path("/var/log/linked").write_text("")
    os.link(world.path("/var/log/linked"), world.path("/var/log/linked2"))
    world.path("/var/log/sym").symlink_to("/var/log/archive")
    shell(world, clock, """
echo 'prog: /etc/smrsh/autoreply' >> /etc/aliases
echo 'linked: /var/log/linked' >> /etc/aliases
echo 'sym: /var/log/sym' >> /etc/aliases
echo 'archive: /var/log/archive' >> /etc/aliases
newaliases
""")
    res = deliver(world, clock, ["prog@localhost", "linked@localhost", "sym@localhost", "archive@localhost"])
    assert program.read_bytes() == before
    assert world.path("/var/log/linked").read_text() == ""
    assert sorted(r for r, *_ in res[0].failed) == ["linked@localhost", "prog@localhost", "sym@localhost"]
    assert {(f[1], f[2]) for f in res[0].failed} == {("5.0.0", "Can't create output")}
    assert ("archive@localhost", "/var/log/archive") in res[0].delivered
    assert "body of test" in world.path("/var/log/archive").read_text()


def test_safe_file_environment_keeps_file_mail_under_its_directory(world, clock):
    cf = world.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text().replace("#O SafeFileEnvironment", "O SafeFileEnvironment=/var/archive"))
    world.path("/var/archive").mkdir()
    shell(world, clock, """
echo 'inside: /var/archive/list' >> /etc/aliases
echo 'short: /list2' >> /etc/aliases
echo 'escape: /var/archive/../../etc/passwd' >> /etc/aliases
newaliases
""")
    passwd = world.path("/etc/passwd").read_text()
    res = deliver(world, clock, ["inside@localhost", "short@localhost", "escape@localhost"])
    assert "body of test" in world.path("/var/archive/list").read_text()
    assert "body of test" in world.path("/var/archive/list2").read_text()  # the prefix is implied
    assert world.path("/etc/passwd").read_text() == passwd
    # inside the chroot, /../../etc/passwd is /etc/passwd of /var/archive, which has no etc/
    assert res[0].failed == [("escape@localhost", "5.0.0", "Can't create output")]
