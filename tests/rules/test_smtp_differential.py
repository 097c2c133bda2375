"""SMTP dialogues of mailkit against the real sendmail 8.17 daemon, reply for reply.

The same command scripts (MAIL/RCPT with local, unknown, relay and percent-hack addresses, and
each access action: REJECT, DISCARD, ERROR, RELAY, Connect:) go to a real `sendmail -bD`
(the world's cf copied by RealSendmail, run in private namespaces with its own loopback, the
clients connecting from 127.0.0.1 and from 127.0.0.2 / 127.0.0.4) and to a running mailkit
HostRuntime from the same source addresses. Reply code, enhanced code and text must be equal;
only the greeting's date differs, and the EHLO/QUIT replies are not compared (servers/smtp.py's).

Local users: the real sendmail looks users up in this machine's /etc/passwd, mailkit in the
world's, so the scripts name only `root` (both have it), aliases to it, and users neither has.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime

from .realsendmail import RealSendmail, why_unavailable

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

ACCESS = """\
From:spammer@spam.example.net	REJECT
From:quiet@spam.example.net	DISCARD
From:angry@spam.example.net	ERROR:5.7.0:550 Go away, spammer
From:later@spam.example.net	ERROR:4.3.2:451 Try again later
From:client.example.com	RELAY
To:daemon@localhost.localdomain	REJECT
To:root@localhost	REJECT
To:gone@localhost.localdomain	ERROR:5.1.1:550 This user has gone away
To:dropped@localhost.localdomain	DISCARD
To:busy@localhost.localdomain	ERROR:4.2.1:450 Mailbox busy, try later
To:closed.example	ERROR:"550 We do not take mail for closed.example"
To:partner.example	RELAY
Connect:127.0.0.4	REJECT
"""

SENDERS = [
    "<>", "<root>", "<root@localhost>", "<a@client.example.com>", "<a@CLIENT.example.com.>",
    "<x@nonexistent.invalid>", "<spammer@spam.example.net>", "<quiet@spam.example.net>",
    "<angry@spam.example.net>", "<later@spam.example.net>", "<other@spam.example.net>", "<a@[127.0.0.1]>", "<a@[127.0.0.2]>", "<@client.example.com:a@client.example.com>",
    # the replies echo the path as typed: brackets or none, blanks inside them, a route-addr
    "root@localhost", "< root@localhost >", "<@a,@b:root@localhost>", "<Bob Smith <root@localhost>>",
    "<ROOT@LOCALHOST>", "<\"root\"@localhost>", "<a%b@localhost>", "<root> SIZE=10", "<alice>",
]
RECIPIENTS = [
    "<root>", "<root@localhost>", "<ROOT@LOCALHOST.LOCALDOMAIN>", "<postmaster>", "<nosuch@localhost.localdomain>",
    "<nosuch>", "<x@remote.example>", "<x@client.example.com>", "<gone@localhost.localdomain>",
    "<daemon@localhost>", "<dropped@localhost.localdomain>", "<busy@localhost.localdomain>", "<x@closed.example>", "<x@partner.example>", "<x@sub.partner.example>",
    "<root@[127.0.0.1]>", "<x%remote.example@localhost>", "<remote.example!x>",
    "<@localhost:root@localhost>", "<|/bin/true>", "</tmp/x>", "<x@localhost/../etc>",
    # one recipient named again: the reply echoes how its first RCPT typed it (sendmail's sameaddr)
    "<Root>", "<\"root\">", "<postmaster@localhost>", "root", "<X@Partner.Example>", "<x@PARTNER.example>",
    "<remote.example!x>", "nosuch@localhost.localdomain",
]


def scripts() -> list[tuple[str, list[str]]]:
    out = []
    for first, again in (("<root@localhost>", "<root>"), ("<x%remote.example@localhost>", "<x@remote.example>"),
                         ("root@localhost", "<ROOT>"), ("<MAILER-DAEMON>", "<mailer-daemon>")):
        out.append(("127.0.0.1", ["EHLO client.example.com", "MAIL FROM:<a@client.example.com>",
                                  f"RCPT TO:{first}", f"RCPT TO:{again}", "RSET", "MAIL FROM:<a@client.example.com>",
                                  f"RCPT TO:{again}", "QUIT"]))
    # once a DISCARD dropped the message (at MAIL or at RCPT) no local user is looked up
    out.append(("127.0.0.1", ["EHLO client.example.com", "MAIL FROM:<quiet@spam.example.net>", "RCPT TO:<nosuch>",
                              "RCPT TO:<|/bin/true>", "RCPT TO:<root>", "QUIT"]))
    out.append(("127.0.0.1", ["EHLO client.example.com", "MAIL FROM:<a@client.example.com>", "RCPT TO:<nosuch>",
                              "RCPT TO:<dropped@localhost.localdomain>", "RCPT TO:<nosuch>", "RCPT TO:<|/bin/true>",
                              "QUIT"]))
    for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        for s in SENDERS:
            out.append((src, ["EHLO client.example.com", f"MAIL FROM:{s}", "QUIT"]))
        out.append((src, ["EHLO client.example.com", "MAIL FROM:<a@client.example.com>"]
                    + [f"RCPT TO:{r}" for r in RECIPIENTS] + ["QUIT"]))
    out.append(("127.0.0.4", ["EHLO client.example.com", "MAIL FROM:<a@client.example.com>",
                              "RCPT TO:<root>", "QUIT"]))
    return out


# Replies that differ, each with the reason.
ALLOWED: dict[str, str] = {
    # The real sendmail 8.17 answers "250 2.1.5 </tmp/x>... Recipient ok" here; mailkit keeps
    # the refusal the security work added ("550 5.7.1 ... Cannot mail directly to files").
    "RCPT TO:</tmp/x>": "mailkit refuses a file recipient from the envelope at RCPT",
}


CLIENT = r'''
import json, socket, subprocess, sys, time
def dialogues(port, scripts):
    out = []
    for src, script in scripts:
        c = socket.socket(); c.bind((src, 0)); c.connect(("127.0.0.1", port)); c.settimeout(20)
        f = c.makefile("rb")
        def reply():
            lines = []
            while True:
                ln = f.readline().decode(errors="replace").rstrip("\r\n")
                lines.append(ln)
                if len(ln) < 4 or ln[3] != "-":
                    return lines
        res = [reply()]
        for cmd in script:
            c.sendall(cmd.encode() + b"\r\n")
            res.append(reply())
        c.close()
        out.append(res)
    return out
if __name__ == "__main__":
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    binary, cf, scripts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    d = subprocess.Popen([binary, "-C", cf, "-bD", "-O", "DaemonPortOptions=Port=25,Addr=127.0.0.1,Name=MTA"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", 25), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        print(json.dumps(dialogues(25, scripts)))
    finally:
        d.terminate()
        d.wait(10)
'''


def real_dialogues(rs: RealSendmail, todo) -> list:
    (rs.dir / "client.py").write_text(CLIENT)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(rs.dir)}
    r = subprocess.run(["unshare", "-u", "-n", "-m", "sh", str(rs.dir / "run.sh"), sys.executable,
                        str(rs.dir / "client.py"), rs.binary, str(rs.cf), json.dumps(todo)],
                       capture_output=True, env=env, cwd=str(rs.dir), timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return json.loads(r.stdout)


def mailkit_dialogues(port: int, todo) -> list:
    ns: dict = {}
    exec(compile(CLIENT.split("if __name__")[0], "client", "exec"), ns)
    return ns["dialogues"](port, todo)


def make_world(root, cf_text: str | None = None):
    world = create_world(root)
    if cf_text is not None:
        world.path("/etc/mail/sendmail.cf").write_text(cf_text)
    world.path("/etc/mail/access").write_text(ACCESS)
    host = Host(world, FixedClock())
    assert run(host, ["makemap", "hash", "/etc/mail/access"], stdin=ACCESS).code == 0
    return world


def compare(world, todo):
    rs = RealSendmail(world)
    try:
        real = real_dialogues(rs, todo)
    finally:
        rs.close()
    rt = HostRuntime(world, FixedClock()).start()
    try:
        ours = mailkit_dialogues(rt.connect_address(25)[1], todo)
    finally:
        rt.stop()
    diffs = []
    for (src, script), r, m in zip(todo, real, ours):
        for cmd, rr, mm in zip(script, r[1:], m[1:]):
            if cmd.split()[0] in ("EHLO", "QUIT") or cmd in ALLOWED:
                continue
            if rr != mm:
                diffs.append(f"{src} {cmd}\n  sendmail: {rr}\n  mailkit:  {mm}")
    return real, ours, diffs


def test_smtp_dialogues_equal_the_real_sendmail(tmp_path):
    world = make_world(tmp_path / "host")
    todo = scripts()
    real, ours, diffs = compare(world, todo)
    assert len(real) == len(ours) == len(todo)
    assert not diffs, "\n".join(diffs)


@pytest.mark.skipif(shutil.which("m4") is None, reason="m4 is not installed")
def test_smtp_dialogues_on_an_m4_built_cf_equal_the_real_sendmail(tmp_path):
    """The cf built by m4 with FEATURE(`promiscuous_relay') and a LOCAL_RULESETS block: the
    same dialogues, and those its own rules answer, equal on both sides."""
    from .test_bt_differential import changed_cf

    cf = changed_cf(create_world(tmp_path / "probe"))
    world = make_world(tmp_path / "host", cf)
    todo = scripts()
    for src in ("127.0.0.1", "127.0.0.2"):
        todo.append((src, ["EHLO client.example.com", "MAIL FROM:<u@host.invalid>", "QUIT"]))
        todo.append((src, ["EHLO client.example.com", "MAIL FROM:<a@client.example.com>", "RCPT TO:<u@blocked.test>",
                           "RCPT TO:<u@tarpit.test>", "RCPT TO:<bob@example.com>", "QUIT"]))
    real, ours, diffs = compare(world, todo)
    assert not diffs, "\n".join(diffs)
    flat = [ln for d in ours for reply in d for ln in reply]
    assert "550 5.7.1 <u@blocked.test>... blocked.test is closed" in flat
    assert "553 5.1.8 <u@host.invalid>... sender domain host is invalid" in flat
    assert not any("Relaying denied" in ln for ln in flat)  # promiscuous_relay
