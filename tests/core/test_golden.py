"""Golden files: each tests/golden/<kind>/NAME.in parses to NAME.ref (MAILKIT_REGOLD=1 rewrites)."""

import os
import pathlib

import pytest

from mailkit.core import access, aliases, cf, config, procmail, virtusers
from mailkit.core.config import from_cf
from mailkit.core.maps import MapError
from mailkit.core.world import World

GOLDEN = pathlib.Path(__file__).parent.parent / "golden"


def render_cf(text, name):
    parsed = cf.parse_cf(text, name)
    out = [f"{ln.lineno}: {ln.kind} name={ln.name!r} value={ln.value!r}" for ln in parsed.lines]
    config = from_cf(World("/nonexistent-world"), parsed)
    fields = {k: v for k, v in vars(config).items() if k not in ("unhandled",)}
    out += [f"config.{k} = {sorted(v) if isinstance(v, frozenset) else v!r}" for k, v in sorted(fields.items())]
    out += [f"unhandled {u.lineno}: {u.reason}" for u in config.unhandled]
    return out


def render_entries(parse):
    def render(text, name):
        return [f"{e.lineno}: {e.key!r} -> {e.value!r}" for e in parse(text, name)]
    return render


def render_aliases(text, name):
    parsed = aliases.parse_with_rhs(text, name)
    n, longest, total = aliases.stats(parsed)
    return [f"{a.lineno}: {a.name} -> {list(a.targets)}" for a, _ in parsed] + [
        f"{name}: {n} aliases, longest {longest} bytes, {total} bytes total"]


def render_forward(text, name):
    # the same reading as core/forward.read: one or more addresses a line, '#' comments
    return [repr(t) for line in text.splitlines() if line.strip() and not line.strip().startswith("#")
            for t in aliases.split_targets(line.strip())]


def render_class_file(text, name):
    return [repr(n) for n in config.class_file_names(text)]


def render_procmail(text, name):
    assigns, recipes = procmail.parse(text, name)
    return [f"set {k}={v}" for k, v in assigns] + [
        f"{r.lineno}: flags={r.flags!r} conditions={r.conditions} action={r.action!r}" for r in recipes]


RENDER = {"cf": render_cf, "aliases": render_aliases, "access": render_entries(access.parse),
          "virtusertable": render_entries(virtusers.parse), "procmailrc": render_procmail,
          "forward": render_forward, "local-host-names": render_class_file}
CASES = sorted(GOLDEN.glob("*/*.in"))


@pytest.mark.parametrize("src", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_golden(src):
    name = f"/etc/{src.parent.name}"
    try:
        got = RENDER[src.parent.name](src.read_text(), name)
    except (MapError, cf.CfError, procmail.ProcmailError) as e:
        got = [f"error: {e}"]
    ref = src.with_suffix(".ref")
    text = "\n".join(got) + "\n"
    if os.environ.get("MAILKIT_REGOLD") == "1":
        ref.write_text(text)
    assert ref.exists(), f"{ref} missing: run with MAILKIT_REGOLD=1 and review it"
    assert text == ref.read_text()
