"""What the real sendmail 8.17 hands its mailers: the envelope sender and the header it sends
over SMTP (esmtp, relay) and gives the local mailer, for comparison with core/rewrite.py.

`real_deliveries(world, cases)` runs the real sendmail on a private copy of the world's cf
(tests/rules/realsendmail.py) in which only two things changed: the local mailer's program
(P=) is a script that saves its arguments and the message it reads, and the SMTP mailers
connect to port 2525 (A=TCP $h 2525), where an SMTP sink started in the same private network
namespace records each transaction. Each case is one `sendmail -odi -oi -f <sender> rcpt...`
with the message on standard input; its recipients choose the mailers (`root` the local one,
`user@[127.0.0.9]` esmtp, a domain the world's mailertable gives the relay mailer...).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

from .realsendmail import RealSendmail

SINK_HOST = "127.0.0.9"
SINK_PORT = 2525

CAPTURE = """#!/bin/sh
n=$(ls "{d}" | wc -l)
for a in "$@"; do printf '%s\\n' "$a"; done > "{d}/$n.argv"
cat > "{d}/$n.msg"
exit 0
"""

DRIVER = r'''
import json, os, shutil, socket, subprocess, sys, threading, time
binary, cf, capdir, cases = sys.argv[1], sys.argv[2], sys.argv[3], json.load(open(sys.argv[4]))
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
records, current = [], [0]
def session(c):
    f = c.makefile("rb")
    def send(s):
        c.sendall(s.encode() + b"\r\n")
    send("220 sink ESMTP")
    tx = None
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.decode("latin-1").rstrip("\r\n")
        word = cmd[:4].upper()
        if word in ("EHLO", "HELO"):
            send("250 sink")
        elif word == "MAIL":
            tx = {"case": current[0], "mail": cmd, "rcpt": [], "data": ""}
            send("250 ok")
        elif word == "RCPT":
            tx["rcpt"].append(cmd)
            send("250 ok")
        elif word == "DATA":
            send("354 go")
            body = []
            while True:
                ln = f.readline()
                if not ln or ln in (b".\r\n", b".\n"):
                    break
                body.append(ln.decode("latin-1"))
            tx["data"] = "".join(body)
            records.append(tx)
            send("250 ok")
        elif word == "QUIT":
            send("221 bye")
            return
        else:
            send("250 ok")
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((SINK_HOST, SINK_PORT))
srv.listen(16)
def serve():
    while True:
        c, _ = srv.accept()
        threading.Thread(target=session, args=(c,), daemon=True).start()
threading.Thread(target=serve, daemon=True).start()
out = []
for i, case in enumerate(cases):
    current[0] = i
    r = subprocess.run([binary, "-C", cf, "-odi", "-oi", "-f", case["sender"], "--", *case["rcpts"]],
                       input=case["message"].encode("latin-1"), capture_output=True, timeout=60)
    local = []
    for name in sorted(os.listdir(capdir), key=lambda n: int(n.split(".")[0])):
        if name.endswith(".argv"):
            stem = name[:-5]
            local.append({"argv": open(os.path.join(capdir, name)).read().splitlines(),
                          "msg": open(os.path.join(capdir, stem + ".msg"), encoding="latin-1").read()})
    for name in os.listdir(capdir):
        os.unlink(os.path.join(capdir, name))
    out.append({"rc": r.returncode, "err": r.stderr.decode("latin-1"), "local": local})
time.sleep(0.2)
for rec in records:
    out[rec["case"]].setdefault("smtp", []).append(rec)
print(json.dumps(out))
'''.replace("SINK_HOST", repr(SINK_HOST)).replace("SINK_PORT", str(SINK_PORT))


@dataclass
class Sent:
    """One message as one mailer got it: the envelope sender and the header lines."""
    sender: str
    header: str
    rcpts: list = field(default_factory=list)


@dataclass
class Delivery:
    rc: int
    err: str
    local: list  # [Sent] one per local mailer run
    smtp: list  # [Sent] one per SMTP transaction


def capture_cf(text: str, d: str) -> str:
    """The private cf with the local mailer's program replaced and SMTP sent to the sink's port."""
    out = []
    for line in text.splitlines():
        if line.startswith("Mlocal,"):
            line = re.sub(r"P=[^,]+,", f"P={d}/capture.sh,", line, count=1)
        out.append(line.replace("A=TCP $h", f"A=TCP $h {SINK_PORT}"))
    return "\n".join(out) + "\n"


def header_of(message: str) -> str:
    """The header of a message (LF line ends), without the blank line."""
    text = message.replace("\r\n", "\n")
    return text.split("\n\n", 1)[0] + "\n"


def real_deliveries(world, cases: list[dict], cf_host_path: str = "/etc/mail/sendmail.cf") -> list[Delivery]:
    """Each case: {"sender": "<a@b>", "rcpts": [...], "message": "headers\\n\\nbody\\n"}."""
    rs = RealSendmail(world, cf_host_path)
    try:
        capdir = rs.dir / "captured"
        capdir.mkdir()
        script = rs.dir / "capture.sh"
        script.write_text(CAPTURE.format(d=capdir))
        os.chmod(script, 0o700)
        rs.cf.write_text(capture_cf(rs.cf.read_text(), str(rs.dir)))
        (rs.dir / "driver.py").write_text(DRIVER)
        (rs.dir / "cases.json").write_text(json.dumps(cases))
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(rs.dir)}
        r = subprocess.run(["unshare", "-u", "-n", "-m", "sh", str(rs.dir / "run.sh"), sys.executable,
                            str(rs.dir / "driver.py"), rs.binary, str(rs.cf), str(capdir),
                            str(rs.dir / "cases.json")],
                           capture_output=True, env=env, cwd=str(rs.dir), timeout=60 + 30 * len(cases))
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        raw = json.loads(r.stdout)
    finally:
        rs.close()
    out = []
    for item in raw:
        local = []
        for run in item["local"]:
            argv = run["argv"]
            sender = argv[argv.index("-f") + 1] if "-f" in argv else None
            local.append(Sent(sender, header_of(run["msg"]), [argv[-1]]))
        smtp = []
        for tx in item.get("smtp", []):
            m = re.match(r"MAIL From:<(.*?)>", tx["mail"], re.I)
            smtp.append(Sent(m.group(1) if m else tx["mail"], header_of(tx["data"]),
                             [re.sub(r"^RCPT To:<(.*?)>.*$", r"\1", x, flags=re.I) for x in tx["rcpt"]]))
        out.append(Delivery(item["rc"], item["err"], local, smtp))
    return out
