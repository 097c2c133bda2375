"""STARTTLS side by side with the real sendmail 8.17 (`sendmail -bs` on the world's cf, with
the CentOS confSERVER_CERT/confSERVER_KEY options pointing at the world's certificate; without
them for the 454 case). Only what comes up to the handshake is compared: -bs speaks on pipes."""

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

from mailkit.core import tlscert
from mailkit.servers.runtime import HostRuntime

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))
from realsendmail import RealSendmail, why_unavailable  # noqa: E402

SCRIPT = ["EHLO client.example.com", "STARTTLS now", "MAIL FROM:<root@localhost>", "STARTTLS", "RSET", "STARTTLS"]


def _words(replies: list[str]) -> list[str]:
    """The replies without the greeting and the EHLO's first line (names and dates differ), and
    without AUTH (Debian's build offers mechanisms the stock CentOS cf has none for)."""
    return [r for r in replies[2:] if not r.startswith("250-AUTH")]


def real_session(world, with_cert: bool) -> list[str]:
    rs = RealSendmail(world)
    try:
        if with_cert:
            cert, key = rs.dir / "sendmail.pem", rs.dir / "sendmail.key"
            shutil.copy(world.path(tlscert.SENDMAIL.cert), cert)
            shutil.copy(world.path(tlscert.SENDMAIL.key), key)
            os.chmod(key, 0o600)
            rs.cf.write_text(rs.cf.read_text() + f"O CACertPath={rs.dir}\nO CACertFile={cert}\n"
                             f"O ServerCertFile={cert}\nO ServerKeyFile={key}\n")
        return rs.bs(SCRIPT, pace=0.3)
    finally:
        rs.close()


def our_session(addr, with_cert: bool) -> list[str]:
    s = socket.create_connection(addr, timeout=10)
    f = s.makefile("rb")
    got = [f.readline().decode()]
    for line in SCRIPT:
        s.sendall(line.encode() + b"\r\n")
        while True:
            ln = f.readline().decode()
            got.append(ln)
            if ln[3:4] != "-":
                break
    s.close()
    return [g.rstrip("\r\n") for g in got]


@pytest.mark.parametrize("with_cert", [True, False])
def test_starttls_replies_as_sendmail(world, clock, with_cert):
    why = why_unavailable()
    if why:
        pytest.skip(why)
    theirs = real_session(world, with_cert)
    if not with_cert:
        world.path(tlscert.SENDMAIL.cert).write_text("unreadable\n")
    rt = HostRuntime(world, clock).start()
    try:
        ours = our_session(rt.connect_address(25), with_cert)
    finally:
        rt.stop()
    ours, theirs = _words(ours), _words(theirs)
    if with_cert:
        assert "250-STARTTLS" in ours and "503 5.5.0 TLS not permitted during a mail transaction" in ours
        assert ours[-1] == "220 2.0.0 Ready to start TLS"
    else:
        assert "250-STARTTLS" not in ours and ours[-1] == "454 4.3.3 TLS not available after start"
    # after the last reply sendmail -bs meets the end of its input (a failed handshake, or 421)
    assert ours == theirs[:len(ours)]
