"""The real sendmail 8.17 (Debian sendmail-bin) on a private copy of a world's sendmail.cf.

`RealSendmail(world)` copies the world's cf into a temporary directory owned by root, mode
0700 (sendmail refuses files under group- or world-writable directories, /tmp included),
changing only paths, `Dj`, and a ServiceSwitchFile/HostsFile of its own; the map sources are
the world's text files, built with the real makemap and newaliases. Each run happens in fresh
UTS, network and mount namespaces (`unshare -u -n -m`): the host name is localhost.localdomain
(the world's host), /etc/hosts and /etc/nsswitch.conf are the copy's (`hosts: files`), and no
network exists, so nothing is asked of DNS and nothing leaves the machine. The mail spool
/var/mail and /etc/mail are directories of the copy (the local mailer never writes to the
machine's spool; an :include: of /etc/mail/x reads the copy's x).

Options for the tests that need more of a host: `users=True` makes the world's accounts
(alice, bob, ...) this sendmail's users (a private /etc/passwd and /etc/group: the machine's
entries plus the world's, a world name or uid taking the place of the machine's); `loopback=True`
brings the namespace's loopback up (127.0.0.0/8 reachable, nothing listening unless started);
`msp=True` also copies submit.cf, queueing in `<dir>/clientmqueue` (owned by smmsp, which the
MSP runs as: the directory is then made under /var/lib with mode 0711 so smmsp may pass it).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

CANDIDATES = ("/usr/libexec/sendmail/sendmail", "/usr/lib/sm.bin/sendmail", "/usr/sbin/sendmail.sendmail")
MAKEMAP = ("/usr/libexec/sendmail/makemap", "/usr/lib/sm.bin/makemap", "/usr/sbin/makemap")
MAP_SOURCES = ("access", "virtusertable", "mailertable", "genericstable")
CLASS_FILES = ("local-host-names", "relay-domains", "trusted-users")


def _first(paths) -> str | None:
    return next((p for p in paths if os.access(p, os.X_OK)), None)


def why_unavailable() -> str | None:
    """None when the real sendmail can be run here, else the reason (for pytest.skip)."""
    if _first(CANDIDATES) is None or _first(MAKEMAP) is None:
        return "the real sendmail 8.17 (Debian sendmail-bin) is not installed"
    if os.geteuid() != 0:
        return "the real sendmail's file checks and namespaces need root"
    if shutil.which("unshare") is None:
        return "unshare(1) is missing"
    r = subprocess.run(["unshare", "-u", "-n", "-m", "true"], capture_output=True)
    if r.returncode != 0:
        return "cannot make private namespaces here: " + r.stderr.decode(errors="replace").strip()
    return None


def _safe_parent() -> Path:
    """A directory whose every ancestor is root's and writable by no one else."""
    for cand in (Path.home(), Path("/var/lib"), Path("/root")):
        p, ok = cand, True
        while True:
            try:
                st = p.stat()
            except OSError:
                ok = False
                break
            if st.st_uid != 0 or st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                ok = False
                break
            if p == p.parent:
                break
            p = p.parent
        if ok:
            return cand
    raise RuntimeError("no root-owned directory without group/world write access")


WRAPPER = """#!/bin/sh
hostname localhost.localdomain
mount --bind "$BT_DIR/etc/hosts" /etc/hosts || exit 71
mount --bind "$BT_DIR/nsswitch.conf" /etc/nsswitch.conf || exit 71
mount --bind "$BT_DIR/mail" /var/mail || exit 71
if [ -d /etc/mail ]; then mount --bind "$BT_DIR/etc/mail" /etc/mail || exit 71; fi
if [ -f "$BT_DIR/passwd" ]; then
  mount --bind "$BT_DIR/passwd" /etc/passwd || exit 71
  mount --bind "$BT_DIR/group" /etc/group || exit 71
fi
if [ -f "$BT_DIR/loopback" ]; then ip link set lo up || exit 71; fi
exec "$@"
"""


def _accounts(world) -> tuple[str, str]:
    """The machine's /etc/passwd and /etc/group with the world's users (root excepted) in them."""
    mine = [ln.split(":") for ln in world.path("/etc/passwd").read_text().splitlines() if ln.count(":") >= 6]
    mine = [f for f in mine if f[0] != "root"]
    names, uids, gids = {f[0] for f in mine}, {f[2] for f in mine}, {f[3] for f in mine}
    keep = [ln for ln in Path("/etc/passwd").read_text().splitlines()
            if ln.split(":")[0] not in names and ln.split(":")[2:3] and ln.split(":")[2] not in uids]
    groups = [ln for ln in Path("/etc/group").read_text().splitlines()
              if ln.split(":")[0] not in names and ln.split(":")[2:3] and ln.split(":")[2] not in gids]
    passwd = keep + [":".join(f) for f in mine]
    groups += [f"{f[0]}:x:{f[3]}:" for f in mine]
    return "\n".join(passwd) + "\n", "\n".join(groups) + "\n"


class RealSendmail:
    def __init__(self, world, cf_host_path: str = "/etc/mail/sendmail.cf", *, users: bool = False,
                 loopback: bool = False, msp: bool = False):
        self.binary = _first(CANDIDATES)
        self.makemap = _first(MAKEMAP)
        parent = Path("/var/lib") if msp else _safe_parent()
        self.dir = Path(tempfile.mkdtemp(prefix="mailkit-bt-", dir=parent))
        os.chmod(self.dir, 0o711 if msp else 0o700)
        d = self.dir
        (d / "etc" / "mail").mkdir(parents=True)
        (d / "mqueue").mkdir(mode=0o700)
        (d / "mail").mkdir()
        os.chmod(d / "mail", 0o1777)
        if users:
            passwd, group = _accounts(world)
            (d / "passwd").write_text(passwd)
            (d / "group").write_text(group)
        if loopback:
            (d / "loopback").write_text("")
        for name in MAP_SOURCES + CLASS_FILES:
            src = world.path(f"/etc/mail/{name}")
            (d / "etc" / "mail" / name).write_text(src.read_text() if src.exists() else "")
        (d / "etc" / "aliases").write_text(world.path("/etc/aliases").read_text())
        (d / "etc" / "hosts").write_text(world.path("/etc/hosts").read_text())
        (d / "nsswitch.conf").write_text("passwd: files\ngroup: files\nhosts: files\n")
        (d / "service.switch").write_text("hosts files\naliases files\n")
        (d / "run.sh").write_text(WRAPPER)
        os.chmod(d / "run.sh", 0o700)
        self.cf = d / "sendmail.cf"
        self.cf.write_text(private_cf(world.path(cf_host_path).read_text(), str(d)))
        self.submit_cf = None
        if msp:
            (d / "clientmqueue").mkdir(mode=0o770)
            shutil.chown(d / "clientmqueue", "smmsp", "smmsp")
            self.submit_cf = d / "submit.cf"
            text = private_cf(world.path("/etc/mail/submit.cf").read_text(), str(d))
            self.submit_cf.write_text(text.replace(f"O QueueDirectory={d}/mqueue", f"O QueueDirectory={d}/clientmqueue"))
        for name in MAP_SOURCES:
            src = d / "etc" / "mail" / name
            with open(src, "rb") as f:
                r = subprocess.run([self.makemap, "hash", str(src) + ".db"], stdin=f, capture_output=True)
            if r.returncode != 0:
                raise RuntimeError(f"makemap {name}: {r.stderr.decode(errors='replace')}")
        self.run_sendmail(["-bi"], "")

    def run_sendmail(self, args: list[str], stdin: str, timeout: float = 30, cf: Path | None = None) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(self.dir)}
        return subprocess.run(["unshare", "-u", "-n", "-m", "sh", str(self.dir / "run.sh"),
                               self.binary, "-C", str(cf or self.cf), *args],
                              input=stdin.encode(), capture_output=True, timeout=timeout, env=env,
                              cwd=str(self.dir))

    def daemon(self, port: int, profile: list[str] | None = None) -> subprocess.Popen:
        """`sendmail -bD` on 127.0.0.1:port of the machine's own network (UTS and mount
        namespaces only, so a client outside can connect); for benchmarks. It leads its own
        process group, which its delivery children stay in: the caller stops the whole group
        (os.killpg), or the procmails still waiting on a mailbox lock outlive the daemon."""
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(self.dir)}
        return subprocess.Popen(["unshare", "-u", "-m", "sh", str(self.dir / "run.sh"), self.binary, "-C", str(self.cf),
                                 "-bD", "-O", f"DaemonPortOptions=Port={port},Addr=127.0.0.1,Name=MTA"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, cwd=str(self.dir), start_new_session=True)

    def bs(self, lines: list[str], args: tuple = (), pace: float = 0.05) -> list[str]:
        """`sendmail -bs`: the lines typed one by one after the greeting (sendmail refuses a
        client that talks before it), CRLF-ended; the reply lines."""
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(self.dir)}
        p = subprocess.Popen(["unshare", "-u", "-n", "-m", "sh", str(self.dir / "run.sh"), self.binary, "-C",
                              str(self.cf), "-bs", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, cwd=str(self.dir))
        time.sleep(0.5)
        for line in lines:
            p.stdin.write(line.encode() + b"\r\n")
            p.stdin.flush()
            time.sleep(pace)
        p.stdin.close()
        out = p.stdout.read().decode()
        p.wait(20)
        return out.replace("\r\n", "\n").splitlines()

    def bt(self, stdin: str) -> str:
        r = self.run_sendmail(["-bt"], stdin)
        return r.stdout.decode("utf-8", errors="replace")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def private_cf(text: str, d: str) -> str:
    """The cf with only its paths moved into `d`, Dj set, and no DNS (hosts from files)."""
    out = []
    for line in text.splitlines():
        line = line.replace("/etc/mail/", f"{d}/etc/mail/")
        line = re.sub(r"=/etc/aliases\b", f"={d}/etc/aliases", line)
        if line.startswith("O QueueDirectory="):
            line = f"O QueueDirectory={d}/mqueue"
        elif line.startswith("O StatusFile="):
            line = f"O StatusFile={d}/statistics"
        elif line.startswith(("O ServiceSwitchFile=", "#O ServiceSwitchFile=")):
            line = f"O ServiceSwitchFile={d}/service.switch"
        elif line.startswith(("O HostsFile=", "#O HostsFile=")):
            line = f"O HostsFile={d}/etc/hosts"
        elif line.startswith("#Dj$w.Foo.COM"):
            line = "Djlocalhost.localdomain"
        elif line.startswith("O PidFile="):
            line = f"O PidFile={d}/sendmail.pid"
        out.append(line)
    return "\n".join(out) + "\n"
