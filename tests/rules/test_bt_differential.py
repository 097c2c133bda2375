"""`sendmail -bt` of mailkit against the real sendmail 8.17, line for line, over
tests/data/bt_corpus.txt (local, virtual, relay, bang, percent, source-routed, quoted,
IP-literal and malformed addresses through 3,0, check_mail, check_rcpt, check_relay, /parse,
/map, /try, macros, classes, =S). Both read the same cf, maps built from the same text files
(mailkit's makemap on one side, the real makemap on the other). Skipped without the real one."""

from __future__ import annotations

import difflib
import time
from pathlib import Path

import pytest

from mailkit.commands.base import Host, run
from mailkit.core.clock import FixedClock
from mailkit.core.init import create_world
import subprocess

from mailkit.core.mc import CENTOS_CF_DIR, host_macro_dir

from .make_corpus import HOSTS_EXTRA, MAPS, corpus
from .realsendmail import RealSendmail, why_unavailable

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bt_corpus.txt"

# Commands whose output may differ, each with the reason.
ALLOWED: dict[str, str] = {}

reason = why_unavailable()
needs_real = pytest.mark.skipif(reason is not None, reason=reason or "")


def chunks(out: str) -> list[str]:
    """The output of each command: what follows its "> " prompt up to the next prompt."""
    banner = "Enter <ruleset> <address>\n"
    pos = out.index(banner) + len(banner) + 2
    parts = []
    while pos <= len(out):
        if pos == len(out) or out.startswith("> ", pos):
            parts.append("")
            pos += 2
            continue
        idx = out.find("\n> ", pos)
        if idx < 0:
            parts.append(out[pos:])
            break
        parts.append(out[pos : idx + 1])
        pos = idx + 3
    return parts


def make_world(root: Path, cf_text: str | None = None):
    world = create_world(root)
    for name, text in MAPS.items():
        world.path(f"/etc/mail/{name}").write_text(text)
    world.path("/etc/hosts").write_text(world.path("/etc/hosts").read_text() + HOSTS_EXTRA)
    host = Host(world, FixedClock())
    for m in ("access", "virtusertable", "mailertable"):
        r = run(host, ["makemap", "hash", f"/etc/mail/{m}"], stdin=MAPS[m])
        assert r.code == 0, r.err
    if cf_text is not None:
        world.path("/etc/mail/sendmail.cf").write_text(cf_text)
    return host


def compare(host, text: str, cf: str = "/etc/mail/sendmail.cf", theirs_out: list | None = None) -> tuple[int, list[str]]:
    """(commands, their differences); the real output is appended to `theirs_out` when given."""
    real = RealSendmail(host.world, cf)
    try:
        t0 = time.monotonic()
        theirs = real.bt(text)
        t1 = time.monotonic()
        ours = run(host, ["sendmail", "-bt", "-C", cf], stdin=text).out
        t2 = time.monotonic()
    finally:
        real.close()
    if theirs_out is not None:
        theirs_out.append(theirs)
    inputs = text.split("\n")
    if inputs[-1] == "":
        inputs.pop()
    a, b = chunks(theirs), chunks(ours)
    assert len(a) == len(inputs) + 1, "the real sendmail's output does not have one prompt per line"
    assert len(b) == len(a)
    problems = []
    for line, x, y in zip(inputs, a, b):
        if x != y and line not in ALLOWED:
            diff = "".join(difflib.unified_diff(x.splitlines(True), y.splitlines(True), "real", "mailkit"))
            problems.append(f"=== {line}\n{diff}")
    assert a[-1] == b[-1] == ""
    print(f"real sendmail -bt: {t1 - t0:.2f} s, mailkit: {t2 - t1:.2f} s for {len(inputs)} lines")
    return len(inputs), problems


def test_corpus_file_is_current_and_large_enough():
    assert CORPUS.read_text() == "\n".join(corpus()) + "\n", "run tests/rules/make_corpus.py"
    commands = [ln for ln in corpus() if ln.strip() and not ln.lstrip().startswith("#")]
    assert len(commands) >= 300


@needs_real
def test_stock_cf_bt_equals_real_sendmail(tmp_path):
    host = make_world(tmp_path / "w")
    n, problems = compare(host, CORPUS.read_text())
    assert not problems, f"{len(problems)} of {n} commands differ:\n" + "\n".join(problems[:20])


@needs_real
def test_submit_cf_bt_equals_real_sendmail(tmp_path):
    """The MSP's submit.cf (`sendmail -bt -C /etc/mail/submit.cf`): other rulesets, other mailers."""
    host = make_world(tmp_path / "w")
    n, problems = compare(host, CORPUS.read_text(), "/etc/mail/submit.cf")
    assert not problems, f"{len(problems)} of {n} commands differ:\n" + "\n".join(problems[:20])


CHANGED_MC_TAIL = """\
FEATURE(`promiscuous_relay')dnl
LOCAL_RULESETS
SLocal_check_rcpt
R$* < $* @ blocked.test > $*	$#error $@ 5.7.1 $: "550 blocked.test is closed"
R$*			$: $>canonify $1
R$* < @ tarpit . test . >	$#discard $: discard
SLocal_check_mail
R<$+ @ $* . invalid>	$#error $@ 5.1.8 $: "553 sender domain " $2 " is invalid"
"""


def changed_cf(world) -> str:
    mc = world.path("/etc/mail/sendmail.mc").read_text()
    # the FEATURE goes before the MAILER lines, as m4 requires; the rulesets after them
    feature, rulesets = CHANGED_MC_TAIL.split("LOCAL_RULESETS\n", 1)
    mc = mc.replace("MAILER(smtp)dnl", feature + "MAILER(smtp)dnl", 1)
    mc += "LOCAL_RULESETS\n" + rulesets
    # m4 itself (core/mc.generate takes m4's open-relay warning on stderr for an error)
    proc = subprocess.run(["m4"], input=mc.replace(CENTOS_CF_DIR, host_macro_dir()), capture_output=True,
                          text=True, timeout=30, check=True)
    assert "promiscuous_relay" in proc.stderr  # m4's warning about an open relay
    return proc.stdout.replace(host_macro_dir(), CENTOS_CF_DIR)


@needs_real
def test_m4_built_cf_with_promiscuous_relay_and_local_rulesets(tmp_path):
    """A cf built by m4 from a changed sendmail.mc: both sides run its rules (the relay and the
    local rulesets change the answers), so the rules are run, not imitated."""
    probe = create_world(tmp_path / "probe")
    cf = changed_cf(probe)
    assert "SLocal_check_rcpt\nR$* < $* @ blocked.test >" in cf
    host = make_world(tmp_path / "w", cf)
    extra = [".D{client_addr} 10.9.8.7", ".D{client_name} far.example",
             "check_rcpt <u@blocked.test>", "check_rcpt <u@tarpit.test>", "check_rcpt <bob@example.com>",
             "check_rcpt <u@relay.example>", "check_mail <u@host.invalid>", "check_mail <u@example.org>",
             "=SLocal_check_rcpt", "=SLocal_check_mail", "=SBasic_check_rcpt"]
    text = CORPUS.read_text() + "\n".join(extra) + "\n"
    n, problems = compare(host, text)
    assert not problems, f"{len(problems)} of {n} commands differ:\n" + "\n".join(problems[:20])
    ours = run(host, ["sendmail", "-bt"], stdin="\n".join(extra) + "\n").out
    assert "blocked.test is closed" in ours
    assert "$# discard" in ours
    assert "\"553 sender domain \" host \" is invalid\"" in ours
    assert "Relaying denied" not in ours  # promiscuous_relay: a far client may relay


BROKEN_RULESETS = """\
SLoop
R$*	$1 x
SDeep
R$*	$: $>Deep $1
SBadCall
R$*	$: $>Nowhere $1
SMapless
R$*	$: $(nomap $1 $)
"""


@needs_real
def test_rule_errors_as_the_real_sendmail_reports_them(tmp_path):
    """The 100-rewrite loop limit, the recursion limit, an unknown ruleset and an undeclared map:
    the same messages at the same places, the same status lines."""
    host = make_world(tmp_path / "w")
    cf = host.world.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text() + BROKEN_RULESETS)
    n, problems = compare(host, "Loop a\nDeep a\nBadCall a\nMapless a\n3,0 alice\n-d21.12\nLoop b\n")
    assert not problems, "\n".join(problems)
    out = run(host, ["sendmail", "-bt"], stdin="Loop a\nDeep a\n").out
    assert "Infinite loop in ruleset Loop, rule 1\n" in out
    assert "== Ruleset Deep (" in out and ") status 78\n" in out
