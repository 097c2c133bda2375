"""makemap and newaliases as an administrator types them (through the mini shell)."""

from mailkit.commands.base import Host, run
from mailkit.commands.shell import run_line
from mailkit.core import access, config
from mailkit.core.maps import open_map


def test_makemap_from_the_file_itself(world, clock):
    h = Host(world, clock)
    world.path("/etc/mail/access").write_text("From:spam@example.com REJECT\nExample.NET RELAY\n")
    cfg = config.load(world)
    assert access.check(world, cfg, "From", "spam@example.com") is None  # not built yet
    res = run_line(h, "makemap hash /etc/mail/access < /etc/mail/access")
    assert (res.code, res.out, res.err) == (0, "", "")
    assert access.check(world, cfg, "From", "spam@example.com").action == "REJECT"
    assert access.check(world, cfg, "To", "x@example.net").action == "RELAY"  # keys folded to lower case
    assert run(h, ["makemap", "-u", "hash", "/etc/mail/access"]).out == \
        "example.net\tRELAY\nfrom:spam@example.com\tREJECT\n"


def test_relative_name_from_etc_mail(world, clock):
    h = Host(world, clock, cwd="/etc/mail")
    world.path("/etc/mail/virtusertable").write_text("info@example.com alice\n")
    assert run_line(h, "makemap hash virtusertable < virtusertable").code == 0
    assert open_map(world, "/etc/mail/virtusertable.db").get("info@example.com") == "alice"


def test_malformed_line_keeps_the_old_map(world, clock):
    h = Host(world, clock)
    before = world.path("/etc/mail/access.db").read_bytes()
    world.path("/etc/mail/access").write_text("ok.example RELAY\nbroken\nx.example OK\n")
    res = run_line(h, "makemap hash /etc/mail/access < /etc/mail/access")
    assert res.code != 0
    assert res.err.splitlines()[0] == "makemap: /etc/mail/access: line 2: no RHS for LHS broken"
    assert world.path("/etc/mail/access.db").read_bytes() == before
    assert open_map(world, "/etc/mail/access.db").get("ok.example") is None
    assert open_map(world, "/etc/mail/access.db").get("connect:127.0.0.1") == "RELAY"


def test_unknown_action_is_refused_with_its_line(world, clock):
    h = Host(world, clock)
    res = run(h, ["makemap", "hash", "/etc/mail/access"], "# c\nexample.com ACCEPT\n")
    assert res.code != 0 and res.err.startswith("makemap: /etc/mail/access: line 2: unknown action \"ACCEPT\"")


def test_duplicates_warn_unless_r(world, clock):
    h = Host(world, clock)
    text = "a.example REJECT\nA.example OK\n"
    res = run(h, ["makemap", "hash", "/etc/mail/access"], text)
    assert res.code == 0 and res.err == "makemap: /etc/mail/access: line 2: duplicate key A.example\n"
    assert open_map(world, "/etc/mail/access.db").get("a.example") == "REJECT"
    res = run(h, ["makemap", "-r", "hash", "/etc/mail/access"], text)
    assert (res.code, res.err) == (0, "")
    assert open_map(world, "/etc/mail/access.db").get("a.example") == "OK"


def test_usage_errors(world, clock):
    h = Host(world, clock)
    assert run(h, ["makemap", "hash"]).code == 64
    assert run(h, ["makemap", "nosuch", "/etc/mail/access"], "").err == "makemap: Unknown database type nosuch\n"
    for mtype in ("hash", "btree", "dbm"):
        assert run(h, ["makemap", mtype, "/etc/mail/mailertable"], "example.com smtp:[10.0.0.1]\n").code == 0


def test_newaliases_and_sendmail_bi(world, clock):
    h = Host(world, clock)
    with world.path("/etc/aliases").open("a") as f:
        f.write("webmaster:\talice,\n\tbob\n")
    res = run_line(h, "newaliases")
    assert res.out == "/etc/aliases: 18 aliases, longest 10 bytes, 189 bytes total\n"
    # stored as written, the continuation joined (as sendmail's aliases.db holds it)
    assert open_map(world, "/etc/aliases.db").get("webmaster") == "alice,\tbob"
    assert run(h, ["sendmail", "-bi"]).out == res.out
    assert run(h, ["newaliases", "extra"]).code == 64
    world.path("/etc/aliases").unlink()
    res = run(h, ["newaliases"])
    assert res.code != 0 and "cannot open /etc/aliases" in res.err
    assert open_map(world, "/etc/aliases.db").get("webmaster") == "alice,\tbob"
