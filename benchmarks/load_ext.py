"""`%load_ext mailkit` until every server listens (SMTP 25, POP3 110, IMAP 143). Target < 1 s.

Each run is a fresh Python process with a fresh IPython shell and a fresh temporary world, so
the time includes importing mailkit, creating the world and starting the runtime; "listening"
means a TCP connect to each mapped port succeeds and the server's greeting arrives.

    python benchmarks/load_ext.py [--runs 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

TARGET = 1.0

ONE_RUN = r"""
import json, socket, time
from IPython.testing.globalipapp import get_ipython
ip = get_ipython()
t0 = time.perf_counter()
ip.run_line_magic("load_ext", "mailkit")
import mailkit
for port in (25, 110, 143):
    with socket.create_connection(mailkit.connect(port), timeout=5) as s:
        s.recv(200)  # the greeting: the server is really serving
t1 = time.perf_counter()
ip.run_line_magic("unload_ext", "mailkit")
ip.run_line_magic("load_ext", "mailkit")  # again, warm: the same world, modules imported
for port in (25, 110, 143):
    with socket.create_connection(mailkit.connect(port), timeout=5) as s:
        s.recv(200)
t2 = time.perf_counter()
print(json.dumps({"cold": t1 - t0, "warm": t2 - t1}))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILKIT_")}
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.pathsep + env.get("PYTHONPATH", "")
    cold, warm = [], []
    for _ in range(args.runs):
        r = subprocess.run([sys.executable, "-c", ONE_RUN], capture_output=True, text=True, env=env, timeout=120)
        if r.returncode:
            sys.stderr.write(r.stderr)
            return 1
        t = json.loads(r.stdout.strip().splitlines()[-1])
        cold.append(t["cold"])
        warm.append(t["warm"])
    med_cold, med_warm = statistics.median(cold), statistics.median(warm)
    print(f"%load_ext mailkit -> SMTP, POP3, IMAP listening, {args.runs} runs")
    print(f"  first load (imports, new world, start): median {med_cold * 1000:.0f} ms, max {max(cold) * 1000:.0f} ms")
    print(f"  load after unload (warm):               median {med_warm * 1000:.0f} ms, max {max(warm) * 1000:.0f} ms")
    print(f"ratio to the {TARGET:.0f} s target: {med_cold / TARGET:.2f} (below 1 meets it)")
    return 0 if med_cold < TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
