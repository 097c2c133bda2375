"""A private Dovecot 2.3 for differential tests: its own config, base_dir, logs, mail and ports.

Never the system service: everything lives in a temp dir, listeners bind 127.0.0.1 on spare
ports, passwords come from a passwd-file (scheme PLAIN), mail is mbox under <dir>/home/<user>
(INBOX = <dir>/spool/<user>). Tests that need it call `need_dovecot()` (skips with a reason
when it is not installed) and use `running_dovecot(tmp_path)`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "dovenull"  # an unprivileged user every Debian dovecot install has


def missing() -> str | None:
    """Why the private Dovecot cannot run here, or None when it can."""
    path = shutil.which("dovecot") or (DOVECOT if os.path.exists(DOVECOT) else None)
    if path is None or not os.path.exists("/usr/lib/dovecot/imap"):
        return "Dovecot 2.3 (dovecot-imapd, dovecot-pop3d) is not installed; scripts/setup.sh installs it"
    try:
        import pwd

        pwd.getpwnam(USER)
    except KeyError:
        return f"the user {USER} (made by the dovecot-core package) is missing"
    return None


def need_dovecot() -> None:
    import pytest  # only here: benchmarks/fetch.py uses this module without pytest

    reason = missing()
    if reason:
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
protocols = imap pop3
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/log/dovecot.log
info_log_path = {d}/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = mbox:~/mail:INBOX={d}/spool/%u
mail_uid = {user}
mail_gid = {user}
first_valid_uid = 1
default_internal_user = {user}
default_internal_group = {user}
default_login_user = {user}
mbox_write_locks = fcntl
mbox_read_locks = fcntl
mbox_dirty_syncs = no
mbox_lazy_writes = no
mailbox_idle_check_interval = 1 secs
# conf.d/15-mailboxes.conf as Dovecot 2.3 ships it (CentOS and Debian alike): the special-use
# attributes (RFC 6154) of the mailboxes clients look for
namespace inbox {{
  inbox = yes
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox "Sent Messages" {{
    special_use = \\Sent
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={user} home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
"""


def with_settings(config: str, settings: dict) -> str:
    """CONFIG with top-level settings replaced (or added): {"ssl": "required", ...}."""
    lines = config.split("\n")
    for key, value in settings.items():
        for i, line in enumerate(lines):
            if line.startswith(key + " = "):
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(0, f"{key} = {value}")
    return "\n".join(lines)


class Dovecot:
    def __init__(self, root: Path, users=("bob", "alice"), password="secret", settings=None, before_start=None,
                 extra: str = ""):
        self.root = Path(root)
        self.extra = extra  # more settings, after the private ones (the last of a name wins)
        self.users = users
        self.password = password
        self.settings = settings or {}  # dovecot.conf settings over CONFIG's ("{d}" is the root)
        self.before_start = before_start  # called with the root before Dovecot starts (files to put there)
        self.imap_port = free_port()
        self.pop3_port = free_port()
        self.conf = self.root / "dovecot.conf"

    def spool(self, user="bob") -> Path:
        return self.root / "spool" / user

    def home_mail(self, user="bob") -> Path:
        return self.root / "home" / user / "mail"

    def write_mbox(self, data: bytes, user="bob", name=None) -> Path:
        path = self.spool(user) if name is None else self.home_mail(user) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self._own(path)
        return path

    def _own(self, path: Path) -> None:
        import pwd

        pw = pwd.getpwnam(USER)
        os.chown(path, pw.pw_uid, pw.pw_gid)

    def start(self) -> "Dovecot":
        import pwd

        pw = pwd.getpwnam(USER)
        for sub in ("run", "state", "log", "spool"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for u in self.users:
            (self.home_mail(u)).mkdir(parents=True, exist_ok=True)
            if not self.spool(u).exists():
                self.spool(u).touch()
        if self.before_start is not None:
            self.before_start(self.root)
        for p in [self.root / "spool", self.root / "home", *self.root.glob("home/**/*"), *self.root.glob("spool/*")]:
            os.chown(p, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root / "spool", 0o1777)
        (self.root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{self.password}::::::\n" for u in self.users))
        escaped = {k: v.replace("{", "{{").replace("}", "}}").replace("{{d}}", "{d}") for k, v in self.settings.items()}
        config = with_settings(CONFIG, escaped)
        self.conf.write_text(config.format(d=self.root, user=USER, imap=self.imap_port, pop3=self.pop3_port) + self.extra)
        # the master daemonizes and its children keep the std descriptors: give it files, not pipes
        err = self.root / "log" / "start.err"
        with open(err, "wb") as f:
            r = subprocess.run([DOVECOT, "-c", str(self.conf)], stdin=subprocess.DEVNULL, stdout=f, stderr=f, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"dovecot did not start: {err.read_text(errors='replace')}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.imap_port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not listen: " + self.log())

    def log(self) -> str:
        p = self.root / "log" / "dovecot.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.conf), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        pid_file = self.root / "run" / "master.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            try:
                os.kill(int(pid_file.read_text().strip()), 0)
            except (OSError, ValueError):
                break
            time.sleep(0.05)
        else:
            if pid_file.exists():
                try:
                    os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass

    def address(self, service="imap") -> tuple[str, int]:
        return "127.0.0.1", self.imap_port if service == "imap" else self.pop3_port


@contextmanager
def running_dovecot(**kw):
    """A started private Dovecot in a fresh temp dir (removed afterwards). Not under pytest's
    tmp_path: Dovecot's unprivileged processes must be able to reach their files, and
    pytest's directories are root's alone (mode 0700)."""
    need_dovecot()
    root = Path(tempfile.mkdtemp(prefix="mailkit-dovecot-"))
    os.chmod(root, 0o755)
    d = Dovecot(root, **kw)
    try:
        d.start()
        yield d
    finally:
        d.stop()
        shutil.rmtree(root, ignore_errors=True)


class RawImap:
    """An IMAP client on a raw socket that keeps every response line, untagged ones included,
    so tests see exactly what a server sends and when (imaplib hides the order)."""

    def __init__(self, address, timeout=10):
        self.sock = socket.create_connection(address, timeout=timeout)
        self.buf = b""
        self.n = 0
        self.greeting = self.readline()

    def readline(self) -> bytes:
        """One response line with any literals it carries folded in."""
        out = b""
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("server closed the connection: " + repr(out + self.buf))
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            out += line
            if line.endswith(b"}") and b"{" in line:
                size = int(line[line.rindex(b"{") + 1 : -1])
                while len(self.buf) < size:
                    chunk = self.sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("server closed the connection in a literal")
                    self.buf += chunk
                out += b"\r\n" + self.buf[:size]
                self.buf = self.buf[size:]
                continue
            return out

    def send(self, line: str | bytes) -> str:
        """Send one tagged command; return its tag."""
        self.n += 1
        tag = f"t{self.n}"
        data = line.encode() if isinstance(line, str) else line
        self.sock.sendall(tag.encode() + b" " + data + b"\r\n")
        return tag

    def read_until(self, tag: str) -> tuple[list[str], str]:
        """The untagged lines up to the tagged reply of `tag`, and that reply."""
        untagged = []
        while True:
            line = self.readline().decode("utf-8", "surrogateescape")
            if line.startswith(tag + " "):
                return untagged, line
            untagged.append(line)

    def cmd(self, line: str | bytes) -> tuple[list[str], str]:
        return self.read_until(self.send(line))

    def ok(self, line: str | bytes) -> list[str]:
        untagged, tagged = self.cmd(line)
        assert " OK " in tagged, (line, untagged, tagged)
        return untagged

    def append(self, mailbox: str, message: bytes, flags: str = "") -> tuple[list[str], str]:
        self.n += 1
        tag = f"t{self.n}"
        flags = f" ({flags})" if flags else ""
        self.sock.sendall(f"{tag} APPEND {mailbox}{flags} {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
        return self.read_until(tag)

    def login(self, user="bob", password="secret") -> "RawImap":
        self.ok(f"LOGIN {user} {password}")
        return self

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
