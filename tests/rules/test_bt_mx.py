"""`sendmail -bt`'s /mx against the real sendmail 8.17 with DNS: the world's zones served by
mailkit's own named (servers/dns.py) inside the private network namespace the real sendmail
runs in, its resolv.conf pointing there and its service switch "hosts files dns". mailkit's
/mx reads the same zones (core/dnszone.getmxrr). Both outputs equal line for line. Skipped
without the real sendmail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world

from .realsendmail import RealSendmail, why_unavailable

reason = why_unavailable()
pytestmark = pytest.mark.skipif(reason is not None, reason=reason or "")

REPO = Path(__file__).resolve().parents[2]

DRIVER = r'''
import asyncio, subprocess, sys, threading
sys.path.insert(0, sys.argv[1])
from mailkit.core.world import World
from mailkit.core.clock import FixedClock
from mailkit.servers.dns import serve_dns
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
loop = asyncio.new_event_loop()
loop.run_until_complete(serve_dns(World(sys.argv[2]), FixedClock(), "127.0.0.1", 53))
threading.Thread(target=loop.run_forever, daemon=True).start()
r = subprocess.run([sys.argv[3], "-C", sys.argv[4], "-bt"], input=sys.stdin.buffer.read(), capture_output=True)
sys.stdout.write(r.stdout.decode("latin-1"))
'''

WRAPPER = """#!/bin/sh
hostname localhost.localdomain
mount --bind "$BT_DIR/etc/hosts" /etc/hosts || exit 71
mount --bind "$BT_DIR/nsswitch.conf" /etc/nsswitch.conf || exit 71
mount --bind "$BT_DIR/resolv.conf" /etc/resolv.conf || exit 71
exec "$@"
"""

LINES = [
    "/mx", "/mx korea.example", "/mx jeju.example", "/mx Jeju.Example", "/mx KOREA.EXAMPLE.", "/mx jeju.example.",
    "/mx mail.korea.example", "/mx MAIL.Korea.Example", "/mx www.korea.example", "/mx smtp.jeju.example",
    "/mx nosuch.korea.example", "/mx outside.test", "/mx localhost", "/mx mail", "/mx korea.example extra",
    "/mx [127.0.0.1]", "/mx [1.2.3.4]", "/mx [IPv6:::1]", "/mx [nosuch]",
]


def real_bt_with_dns(world, text: str) -> str:
    rs = RealSendmail(world)
    try:
        (rs.dir / "resolv.conf").write_text("nameserver 127.0.0.1\n")
        (rs.dir / "service.switch").write_text("hosts files dns\naliases files\n")
        (rs.dir / "nsswitch.conf").write_text("hosts: files dns\n")
        (rs.dir / "run_dns.sh").write_text(WRAPPER)
        os.chmod(rs.dir / "run_dns.sh", 0o700)
        (rs.dir / "driver.py").write_text(DRIVER)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(rs.dir)}
        r = subprocess.run(["unshare", "-u", "-n", "-m", "sh", str(rs.dir / "run_dns.sh"), sys.executable,
                            str(rs.dir / "driver.py"), str(REPO), str(world.root), rs.binary, str(rs.cf)],
                           input=text.encode(), capture_output=True, env=env, timeout=60)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        return r.stdout.decode("latin-1")
    finally:
        rs.close()


def test_mx_equals_the_real_sendmail(tmp_path):
    world = create_world(tmp_path / "w")
    text = "\n".join(LINES) + "\n"
    theirs = real_bt_with_dns(world, text)
    ours = run(Host(world, FixedClock()), ["sendmail", "-bt"], stdin=text).out
    assert ours == theirs
    assert "> getmxrr(jeju.example) returns 2 value(s):\n\tmail.jeju.example.\n\tmx2.jeju.example.\n" in ours
