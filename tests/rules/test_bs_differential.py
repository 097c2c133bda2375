"""`sendmail -bs` (SMTP on standard input, as root on the mail host) of mailkit against the real
sendmail 8.17 run with -bs on a copy of the world's cf: every reply equal but the greeting's
date, the queue id and the AUTH line of EHLO (Debian's build offers mechanisms the stock CentOS
cf has none for). Such a session has no client address: "Hello root@localhost", unqualified
senders and any recipient domain accepted, Received "(root@localhost)". Skipped without the
real sendmail."""

from __future__ import annotations

import re

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
from mailkit.servers.runtime import HostRuntime

from .realsendmail import RealSendmail, why_unavailable

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

SCRIPTS = [
    ["HELO x", "EHLO y.example", "MAIL FROM:<alice>", "MAIL FROM:<root@localhost>", "RCPT TO:<root>", "RSET",
     "VRFY root", "EXPN root", "NOOP", "QUIT"],
    ["EHLO y", "MAIL FROM:<alice>", "RCPT TO:<root>", "DATA", "Subject: x", "To: root", "", "hi", ".", "QUIT"],
    ["EHLO y", "MAIL FROM:root", "RCPT TO:<nosuch>", "RCPT TO:<x@remote.example>", "RCPT TO:<|/bin/true>",
     "RCPT TO:root@localhost", "RCPT TO:<root>", "QUIT"],
    ["MAIL FROM:<alice@localhost.localdomain>", "RCPT TO:postmaster", "QUIT"],
]


def comparable(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        # AUTH: Debian's build; STARTTLS: mailkit offers it once the world has its certificate,
        # which this copy of the cf does not name (tests/servers/test_tls_vs_sendmail.py compares it)
        if ln.startswith(("250-AUTH", "250-STARTTLS")):
            continue
        ln = re.sub(r"^(220 \S+ ESMTP Sendmail \S+); .*$", r"\1", ln)
        ln = re.sub(r"^250 2\.0\.0 \S+ Message accepted", "250 2.0.0 QID Message accepted", ln)
        out.append(ln)
    return out


def test_bs_session_equals_the_real_one(tmp_path):
    world = create_world(tmp_path / "w")
    rs = RealSendmail(world)
    try:
        theirs = [comparable(rs.bs(s, ("-odq",))) for s in SCRIPTS]
    finally:
        rs.close()
    rt = HostRuntime(world, FixedClock()).start()
    try:
        host = Host(world, FixedClock(), rt)
        ours = [comparable(run(host, ["sendmail", "-bs"], stdin="\n".join(s) + "\n").out.splitlines())
                for s in SCRIPTS]
        for mine, real in zip(ours, theirs):
            assert mine == real
        assert "250 localhost.localdomain Hello root@localhost, pleased to meet you" in ours[0]
        assert "250 2.1.0 <alice>... Sender ok" in ours[1]
        rt.wait_for_deliveries(30)
    finally:
        rt.stop()
    assert "\nReceived: from y (root@localhost)\n" in world.read_text("/var/spool/mail/root")
    log = world.read_text("/var/log/maillog")
    # logsender(): no daemon= for a session that is not the daemon's, $_ as the relay
    assert ", proto=ESMTP, relay=root@localhost\n" in log
