"""The rules engine on its own (no real sendmail needed): the cf's rules decide, limits hold,
and the entry points the MTA will use answer."""

from __future__ import annotations

import time


from mailkit.commands.base import Host, run
from mailkit.core import rules as R
from mailkit.core.cf import parse_cf
from mailkit.core.clock import FixedClock
from mailkit.core.config import load as load_config


def compile_text(world, text):
    return R.compile_cf(world, parse_cf(text, "/etc/mail/test.cf"), op_mode="t")


def test_prescan_tokens_as_sendmail():
    table = R.token_table(".:%@!^/[]+")
    assert R.prescan('"Bob Smith" <bob@example.com>', table).tokens == [
        '"Bob Smith"', "<", "bob", "@", "example", ".", "com", ">"]
    assert R.prescan("bob (comment) @ x", table).tokens == ["bob", "@", "x"]
    scan = R.prescan("<unbalanced", table)
    assert scan.tokens == ["<", "unbalanced", ">"] and scan.errors == ["553 Unbalanced '<'"]


def test_parse_address_uses_the_cf(world):
    cfg = load_config(world)
    assert R.parse_address(world, cfg, "alice") == R.Parsed("local", None, "alice")
    p = R.parse_address(world, cfg, "bob@elsewhere.example")
    assert (p.mailer, p.host, p.user) == ("esmtp", "elsewhere.example", "bob@elsewhere.example")
    p = R.parse_address(world, cfg, "a@b@c")
    assert p.mailer == "*error*" and p.error == "553 5.1.3 Invalid route address"


def test_an_edited_rule_changes_the_answer(world):
    """Editing an R line in the world's cf changes what the engine answers (compiled again)."""
    cfg = load_config(world)
    assert R.parse_address(world, cfg, "user@blocked.test").mailer == "esmtp"
    cf = world.path("/etc/mail/sendmail.cf")
    text = cf.read_text().replace(
        "SParseLocal=98\n",
        'SParseLocal=98\nR$* < @ blocked . test > $*\t$#error $@ 5.7.1 $: "550 closed"\n', 1)
    time.sleep(0.01)
    cf.write_text(text)
    p = R.parse_address(world, cfg, "user@blocked.test")
    assert (p.mailer, p.error) == ("*error*", "550 5.7.1 closed")


def test_check_rcpt_relaying_denied_for_a_far_client(world):
    rules = R.load(world, op_mode="d")
    env = R.Env({"client_addr": "10.1.2.3", "client_name": "far.example", "deliveryMode": "b"})
    res = R.run(rules, "check_rcpt", "<bob@example.com>", env)
    assert R.show(res.tokens) == '$# error $@ 5 . 7 . 1 $: "550 Relaying denied"'
    res = R.run(rules, "check_rcpt", "<alice@localhost>", env)
    assert R.show(res.tokens) == "RELAY"


def test_infinite_loop_and_recursion_limits(world):
    rules = compile_text(world, "V10\nO OperatorChars=.:%@!^/[]+\nS1\nR$*\t$1 x\nS2\nR$*\t$: $>2 $1\n")
    env = R.Env()
    res = rules.rewrite(["a"], 1, env)
    assert env.errors == ["Infinite loop in ruleset 1, rule 1"] and res.tokens == ["a"] + ["x"] * 100
    env = R.Env()
    res = rules.rewrite(["a"], 2, env)
    assert env.errors == ["rewrite: excessive recursion (max 50), ruleset 2"] and res.status == R.EX_CONFIG


def test_maps_in_rules(world):
    text = ("V10\nO OperatorChars=.:%@!^/[]+\nKarith arith\nKdequote dequote\nKmacro macro\n"
            "S1\nR$*\t$: $(arith + $@ 2 $@ 3 $)\n"
            "S2\nR$*\t$: $(dequote $1 $)\n"
            "S3\nR$*\t$: $(macro {x} $@ set $)\nR$*\t$: $&x\n"
            "S4\nR$*\t$: $[ $1 $]\n")
    rules = compile_text(world, text)
    assert rules.rewrite(["x"], 1).tokens == ["5"]
    assert rules.rewrite(['"abc"'], 2).tokens == ["abc"]
    assert rules.rewrite(["q"], 3).tokens == ["set"]
    assert R.show(rules.rewrite(R.prescan("client.example.com", rules.table).tokens, 4).tokens) == \
        "client . example . com ."


def test_bt_command_and_cell_magic(world, ip, capsys):
    host = Host(world, FixedClock())
    out = run(host, ["sendmail", "-bt"], stdin="3,0 alice\n/parse bob@elsewhere.example\n").out
    assert out.startswith("ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\nEnter <ruleset> <address>\n> ")
    assert "parse            returns: $# local $: alice\n" in out
    assert "mailer esmtp, host elsewhere.example, user bob@elsewhere.example\n" in out
    assert out.endswith("> ")
    ip.run_cell_magic("sendmail", "-bt", "3,0 carol\n")
    shown = capsys.readouterr().out
    assert "Parse1           returns: $# local $: carol" in shown


def test_bt_speed(world):
    host = Host(world, FixedClock())
    text = "3,0 bob@example.com\ncheck_rcpt <bob@example.com>\n/parse alice\n" * 100
    t0 = time.monotonic()
    run(host, ["sendmail", "-bt"], stdin=text)
    assert time.monotonic() - t0 < 5


def test_check_relay_with_the_condelse_operator(world):
    rules = R.load(world, op_mode="d")
    env = R.Env({"deliveryMode": "b"})
    assert R.show(R.check(rules, "check_relay", ["localhost", "127.0.0.1"], env).tokens) == "RELAY"
    res = R.check(rules, "check_relay", ["spam.example.net", "127.0.0.3"], env)
    assert R.show(res.tokens) == "OK"  # the stock access file has no entry for it
    world.path("/etc/mail/access").write_text("Connect:127.0.0.3 REJECT\n")
    run(Host(world, FixedClock()), ["makemap", "hash", "/etc/mail/access"], stdin="Connect:127.0.0.3 REJECT\n")
    res = R.check(rules, "check_relay", ["spam.example.net", "127.0.0.3"], env)
    mailer, host, user = R.triple(rules, res.tokens)
    assert (mailer, R.show(host), R.show(user)) == ("error", "5 . 7 . 1", '"550 Access denied"')


def test_load_compiles_again_when_a_class_file_changes(world):
    rules = R.load(world, op_mode="d")
    assert R.load(world, op_mode="d") is rules  # compiled once per cf
    assert not rules.has_class_word(None, "w", "new.example")
    time.sleep(0.01)
    world.path("/etc/mail/local-host-names").write_text("new.example\n")
    again = R.load(world, op_mode="d")
    assert again is not rules and again.has_class_word(None, "w", "new.example")
    assert R.parse_address(world, load_config(world), "u@new.example").mailer == "local"
