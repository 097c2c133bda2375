"""The real sendmail 8.17 relaying to other hosts, to see its log lines and DSNs.

`run_real_relay(world, scenario)` copies the world's cf with RealSendmail (tests/rules), names
the real sendmail `mail.korea.example` and runs it as a daemon on 127.0.0.4 in fresh UTS,
network and mount namespaces, where:
- named is mailkit's (servers/dns.py) on 127.0.0.1:53, answering from the world's
  /var/named, and the namespace's resolv.conf/nsswitch.conf point at it, so sendmail does its
  MX and A lookups through DNS as on a real host;
- the next hops are small scripted SMTP servers (`SINK`) on the addresses the scenario names
  (127.0.0.5, 127.0.0.6...), answering like sendmail: accept, refuse the recipient (550 5.7.1
  Relaying denied), or 451; an address with no sink has nothing listening (connection refused);
- /dev/log is a datagram socket the namespace script reads: what sendmail writes to syslog is
  collected and returned (the maillog lines, without the syslog stamp).

Nothing leaves the namespace: it has only its own loopback interface.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.rules.realsendmail import RealSendmail

WRAPPER = """#!/bin/sh
set -e
hostname "$BT_HOSTNAME"
ip link set lo up
mount --bind "$BT_DIR/etc/hosts" /etc/hosts
mount --bind "$BT_DIR/nsswitch.conf" /etc/nsswitch.conf
mount --bind "$BT_DIR/resolv.conf" /etc/resolv.conf
mkdir -p "$BT_DIR/dev"
for n in null zero random urandom; do
  touch "$BT_DIR/dev/$n"; mount --bind "/dev/$n" "$BT_DIR/dev/$n"
done
mount --rbind "$BT_DIR/dev" /dev
exec "$@"
"""

NS_SCRIPT = r'''
import asyncio, json, os, smtplib, socket, subprocess, sys, threading, time
sys.path.insert(0, sys.argv[1])
from mailkit.core.clock import FixedClock
from mailkit.core.world import World
from mailkit.servers.dns import serve_dns
from tests.network.sink import Sink

scenario = json.loads(sys.argv[2])
binary, cf = scenario["binary"], scenario["cf"]
log = []
logsock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
logsock.bind("/dev/log")

def read_log():
    while True:
        data = logsock.recv(65536).decode(errors="replace")
        text = data.split("]: ", 1)[1] if "]: " in data else data
        log.append(text.rstrip("\n"))

threading.Thread(target=read_log, daemon=True).start()

loop = asyncio.new_event_loop()
def run_dns():
    asyncio.set_event_loop(loop)
    loop.run_until_complete(serve_dns(World(scenario["zones_world"]), FixedClock(), "127.0.0.1", 53))
    loop.run_forever()
threading.Thread(target=run_dns, daemon=True).start()

sinks = {}
done = {}

def start_sinks(spec):
    for addr, (mode, name) in spec.items():
        if addr in sinks:
            old = sinks.pop(addr)
            old.close()
            done.setdefault(addr, []).extend(old.transcript)
        if mode != "down":
            sinks[addr] = Sink(addr, 25, mode, name)

def wait_lines(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False

def to_lines():
    return [ln for ln in log if " to=" in ln or ln.split(": ", 1)[-1].startswith("to=")]

for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", 53), 0.2).close(); break
    except OSError:
        time.sleep(0.05)
start_sinks(scenario.get("sinks", {}))
daemon = subprocess.Popen([binary, "-C", cf, "-bD", "-O", "DaemonPortOptions=Port=25,Addr=127.0.0.4,Name=MTA"]
                          + scenario.get("daemon_args", []),
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
out = {}
try:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.4", 25), 0.2).close(); break
        except OSError:
            time.sleep(0.05)
    for m in scenario["messages"]:
        s = smtplib.SMTP(local_hostname="client.example.com", timeout=20, source_address=("127.0.0.1", 0))
        s.connect("127.0.0.4", 25)
        s.sendmail(m["from"], m["to"], m["data"])
        s.quit()
    wait_lines(lambda: len(to_lines()) >= scenario.get("expect", 1), 30)
    time.sleep(scenario.get("settle", 0.5))
    out["phase1"] = list(log)
    if "then" in scenario:
        start_sinks(scenario["then"].get("sinks", {}))
        before = len(to_lines())
        r = subprocess.run([binary, "-C", cf, "-q", "-v"], capture_output=True, timeout=60)
        out["queue_run"] = r.stdout.decode(errors="replace")
        wait_lines(lambda: len(to_lines()) > before, 10)
        time.sleep(scenario.get("settle", 0.5))
    q = subprocess.run([binary, "-C", cf, "-bp"], capture_output=True, timeout=30)
    out["mailq"] = q.stdout.decode(errors="replace")
finally:
    daemon.terminate()
    daemon.wait(10)
out["log"] = list(log)
for addr, sk in sinks.items():
    done.setdefault(addr, []).extend(sk.transcript)
out["transcripts"] = done
print(json.dumps(out))
'''


def run_real_relay(world, zones_world, scenario: dict) -> dict:
    """Run `scenario` against the real sendmail with `world`'s cf (see the module docstring).

    scenario: {"sinks": {addr: [mode, name]}, "messages": [{"from", "to": [...], "data"}],
               "expect": number of to= lines to wait for, "then": {"sinks": ...} for a later
               `sendmail -q -v` run, "daemon_args": [...]}. mode: accept, reject, tempfail, down.
    Returns {"phase1": log lines, "log": all log lines, "transcripts": {addr: [lines]},
             "mailq": text, "queue_run": text}."""
    import os

    rs = RealSendmail(world)
    try:
        d = rs.dir
        (d / "nsswitch.conf").write_text("hosts: files dns\n")
        (d / "service.switch").write_text("hosts files dns\naliases files\n")
        (d / "resolv.conf").write_text("nameserver 127.0.0.1\n")
        name = scenario.get("hostname", "mail.korea.example")
        cf = rs.cf.read_text().replace("Djlocalhost.localdomain", f"Dj{name}")
        rs.cf.write_text(cf)
        (d / "run.sh").write_text(WRAPPER)
        (d / "ns.py").write_text(NS_SCRIPT)
        root = str(__import__("pathlib").Path(__file__).resolve().parents[2])
        full = dict(scenario, binary=rs.binary, cf=str(rs.cf), zones_world=str(zones_world.root))
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "BT_DIR": str(d), "BT_HOSTNAME": name}
        r = subprocess.run(["unshare", "-u", "-n", "-m", "sh", str(d / "run.sh"), sys.executable,
                            str(d / "ns.py"), root, json.dumps(full)],
                           capture_output=True, env=env, cwd=str(d), timeout=180)
        if r.returncode != 0:
            raise RuntimeError(r.stderr.decode(errors="replace"))
        return json.loads(r.stdout)
    finally:
        if not os.environ.get("MAILKIT_KEEP_REAL"):
            rs.close()
