"""The whole course under nbval (every notebook of notebooks/ko and notebooks/en). Target < 90 s.

Runs what scripts/test.sh runs for the course, in a subprocess, with MAILKIT_CLOCK=fixed:

    python -m pytest --nbval notebooks/ --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider

and prints the wall time, the per-notebook time from pytest's --durations (summed over cells),
and, last, the ratio to the target (below 1.0 is inside it).

    python benchmarks/course_nbval.py [--runs 1] [-n 2]   (-n: parallel pytest-xdist workers, if installed)
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 90.0


def one_run(workers: int) -> tuple[float, dict[str, float], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILKIT_")}
    env["MAILKIT_CLOCK"] = "fixed"
    cmd = [sys.executable, "-m", "pytest", "--nbval", "notebooks/", "--nbval-sanitize-with",
           "notebooks/sanitize.cfg", "-p", "no:cacheprovider", "-q", "--durations=0", "--durations-min=0"]
    if workers > 1:
        cmd += ["-n", str(workers)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - t0
    per_nb: dict[str, float] = defaultdict(float)
    for m in re.finditer(r"^([\d.]+)s \w+\s+(notebooks/\S+\.ipynb)::", r.stdout, re.M):
        per_nb[m.group(2)] += float(m.group(1))
    summary = (r.stdout.strip().splitlines() or [""])[-1]
    if r.returncode != 0:
        print(r.stdout[-3000:], file=sys.stderr)
    return wall, dict(per_nb), summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("-n", type=int, default=0, help="pytest-xdist workers (needs pytest-xdist)")
    args = ap.parse_args()
    walls = []
    for i in range(args.runs):
        wall, per_nb, summary = one_run(args.n)
        walls.append(wall)
        print(f"run {i + 1}: {wall:.1f} s  ({summary})")
        for name, secs in sorted(per_nb.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  slowest: {name}  {secs:.1f} s in cells")
    best = min(walls)
    print(json.dumps({"wall_s": round(best, 1), "notebooks": len(list((ROOT / 'notebooks').glob('*/*.ipynb'))),
                      "cpus": os.cpu_count(), "target_s": TARGET}))
    print(f"ratio to target: {best / TARGET:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
