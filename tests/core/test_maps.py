"""Built maps: access lookup order, virtusertable catch-alls, aliases, ~/.forward, atomic rebuilds."""

import os

import pytest

from mailkit.core import access, aliases, config, forward, virtusers
from mailkit.core.maps import MapError, build_map, open_map


def build(world, host_path, text, parse):
    world.path(host_path).write_text(text)
    return build_map(world, host_path + ".db", text, host_path, parse=parse)


@pytest.fixture
def cfg(world):
    return config.load(world)


def test_template_access_relays_localhost(world, cfg):
    for name in ("localhost", "localhost.localdomain"):
        assert access.check(world, cfg, "Connect", name).action == "RELAY"
    assert access.check_connect(world, cfg, "127.0.0.1").action == "RELAY"
    assert access.check_connect(world, cfg, "192.0.2.1", "mail.example.com") is None


def test_access_lookup_order(world, cfg):
    build(world, "/etc/mail/access", "\n".join([
        "From:spammer@example.com   REJECT",
        "example.com                OK",
        "From:example.com           DISCARD",
        "sub.example.com            ERROR:5.7.1:550 go away",
        "baduser@                   REJECT",
        "To:postmaster@             OK",
        "192.168.1                  RELAY",
        "Connect:192.168            REJECT",
        "Connect:10.0.0.1           ERROR:\"421 not now\"",
        "Connect:host.example.org   OK",
        "Connect:192.0.2.9          REJECT",
        ""]), access.parse)

    def act(tag, value):
        r = access.check(world, cfg, tag, value)
        return r and (r.action, r.key)

    # full address first, then the tagged domain before the untagged one, then user@
    assert act("From", "<spammer@example.com>") == ("REJECT", "from:spammer@example.com")
    assert act("From", "other@example.com") == ("DISCARD", "from:example.com")
    assert act("To", "other@example.com") == ("OK", "example.com")
    # a subdomain: the most specific domain first, then its parents
    r = access.check(world, cfg, "From", "x@mail.sub.example.com")
    assert (r.action, r.dsn, r.code, r.text, r.key) == ("ERROR", "5.7.1", "550", "go away", "sub.example.com")
    assert act("From", "baduser@elsewhere.net") == ("REJECT", "baduser@")
    assert act("To", "postmaster@anything.example") == ("OK", "to:postmaster@")
    assert act("From", "postmaster@anything.example") is None  # To: tag only
    # IP prefixes, most specific first; the tag before the plain key at the same level
    assert act("Connect", "192.168.1.20") == ("RELAY", "192.168.1")
    assert act("Connect", "192.168.7.1") == ("REJECT", "connect:192.168")
    r = access.check(world, cfg, "Connect", "10.0.0.1")
    assert (r.action, r.code, r.text) == ("ERROR", "421", "not now")
    # check_relay: the client's name before its address
    assert access.check_connect(world, cfg, "192.0.2.9", "host.example.org").action == "OK"
    assert access.check_connect(world, cfg, "192.0.2.9", "other.example.org").action == "REJECT"


def test_access_skip_stops_the_search(world, cfg):
    build(world, "/etc/mail/access", "example.com REJECT\nok.example.com SKIP\n", access.parse)
    assert access.check(world, cfg, "From", "a@ok.example.com") is None
    assert access.check(world, cfg, "From", "a@bad.example.com").action == "REJECT"


@pytest.mark.parametrize("line,reason", [
    ("example.com", "no RHS for LHS example.com"),
    ("example.com ALLOW", "unknown action \"ALLOW\""),
    ("Bogus:example.com OK", "unknown tag \"Bogus:\""),
    ("From: OK", "no key after the tag \"From:\""),
])
def test_access_errors_name_the_line(line, reason):
    with pytest.raises(MapError) as e:
        access.parse(f"# comment\n{line}\n", "/etc/mail/access")
    assert str(e.value).startswith(f"/etc/mail/access: line 2: {reason}")


def test_access_accepts_other_feature_tags():
    entries = access.parse("GreetPause:localhost 0\nSpam:abuse@ FRIEND\n", "/etc/mail/access")
    assert [e.key for e in entries] == ["GreetPause:localhost", "Spam:abuse@"]


def test_virtusertable_exact_catch_all_and_errors(world, cfg):
    build(world, "/etc/mail/virtusertable", "\n".join([
        "info@example.com        alice",
        "@example.com            %1@other.example",
        "bob+*@example.net       carol",
        "@example.net            bob+%2",
        "nobody@example.org      error:nouser 550 No such user here",
        "gone@example.org        error:5.1.1:550 User has moved",
        "old@example.org         error:nouser User unknown",
        ""]), virtusers.parse)
    look = lambda a: virtusers.lookup(world, cfg, a)  # noqa: E731
    assert look("info@example.com") == "alice"
    assert look("<Sales@Example.COM>") == "sales@other.example"
    assert look("bob+lists@example.net") == "carol"
    assert look("dave+x@example.net") == "bob+x"
    assert look("someone@example.org") is None
    assert look("nobody@example.org") == virtusers.VirtError("550", "", "No such user here")
    assert look("gone@example.org") == virtusers.VirtError("550", "5.1.1", "User has moved")
    assert look("old@example.org") == virtusers.VirtError("550", "5.1.1", "User unknown")
    assert look("localuser") is None


def test_an_edit_without_makemap_changes_nothing(world, cfg):
    world.path("/etc/mail/virtusertable").write_text("x@example.com alice\n")
    assert virtusers.lookup(world, cfg, "x@example.com") is None
    build(world, "/etc/mail/virtusertable", "x@example.com alice\n", virtusers.parse)
    assert virtusers.lookup(world, cfg, "x@example.com") == "alice"


def test_failed_build_keeps_the_old_map_and_leaves_no_temp_file(world):
    build(world, "/etc/mail/access", "a.example REJECT\n", access.parse)
    before = sorted(os.listdir(world.path("/etc/mail")))
    with pytest.raises(MapError):
        build(world, "/etc/mail/access", "a.example OK\nbroken\n", access.parse)
    assert open_map(world, "/etc/mail/access.db").get("a.example") == "REJECT"
    assert sorted(os.listdir(world.path("/etc/mail"))) == before
    assert "access.db" in before and not any(n.startswith(".") for n in before)


def test_aliases_parse_all_target_forms():
    text = ("# comment\n"
            "staff: alice, bob,\n"
            "\tcarol\n"
            "Lists:\t:include:/etc/mail/lists/staff\n"
            "archive: /var/spool/archive\n"
            "bot: \"|/etc/smrsh/autoreply -x, y\", alice\n"
            "long: a, \\\n"
            "  b\n"
            "remote: someone@example.com\n")
    parsed = aliases.parse(text, "/etc/aliases")
    assert [(a.name, a.targets, a.lineno) for a in parsed] == [
        ("staff", ("alice", "bob", "carol"), 2),
        ("lists", (":include:/etc/mail/lists/staff",), 4),
        ("archive", ("/var/spool/archive",), 5),
        ("bot", ("|/etc/smrsh/autoreply -x, y", "alice"), 6),
        ("long", ("a", "b"), 7),
        ("remote", ("someone@example.com",), 9),
    ]


@pytest.mark.parametrize("text,lineno,reason", [
    ("a: b\nno colon here\n", 2, "missing colon"),
    ("a: b\n\n  indented\n", 3, "Non-continuation line starts with space"),
    (": c\n", 1, "... illegal alias name"),
    ("a: b\nempty:\n", 2, "empty:... missing value for alias"),
])
def test_aliases_errors(text, lineno, reason):
    with pytest.raises(MapError) as e:
        aliases.parse(text, "/etc/aliases")
    assert str(e.value) == f"/etc/aliases: line {lineno}: {reason}"


def test_aliases_loops_parse_and_look_up_one_level(world, cfg):
    # a loop is the router's business (core/route.py); parsing and lookup stay finite
    world.path("/etc/aliases").write_text("a: b\nb: a\nself: self, alice\n")
    assert aliases.rebuild_aliases(world, cfg) == "/etc/aliases: 3 aliases, longest 11 bytes, 19 bytes total\n"
    assert aliases.lookup(world, cfg, "A") == ["b"]
    assert aliases.lookup(world, cfg, "b") == ["a"]
    assert aliases.lookup(world, cfg, "self") == ["self", "alice"]
    assert aliases.lookup(world, cfg, "nobody-here") is None


def test_newaliases_statistics_count_as_sendmail(world, cfg):
    # sendmail: "longest" is the longest right-hand side as written (continuations included),
    # "bytes total" the sum of name + right-hand side lengths
    world.path("/etc/aliases").write_text("postmaster: root\nstaff: alice,\n  bob\n")
    assert aliases.rebuild_aliases(world, cfg) == "/etc/aliases: 2 aliases, longest 11 bytes, 30 bytes total\n"
    template = open(os.path.join(os.path.dirname(aliases.__file__), "templates/etc/aliases")).read()
    world.path("/etc/aliases").write_text(template)
    assert aliases.rebuild_aliases(world, cfg) == "/etc/aliases: 17 aliases, longest 10 bytes, 170 bytes total\n"


def test_bad_aliases_lines_are_reported_and_left_out(world, cfg):
    # as sendmail 8.17's newaliases (tests/rules/test_commands_differential.py): each bad line
    # is reported, the good ones are built, the status is 70
    world.path("/etc/aliases").write_text("webmaster: alice\n")
    aliases.rebuild_aliases(world, cfg)
    world.path("/etc/aliases").write_text("webmaster: bob\nbroken line\n# a comment\n  taken with the comment\n")
    lines, status = aliases.rebuild_report(world, cfg)
    assert lines == ["/etc/aliases: line 2: missing colon", "/etc/aliases: 1 aliases, longest 3 bytes, 12 bytes total"]
    assert status == 70
    assert aliases.lookup(world, cfg, "webmaster") == ["bob"]


def test_forward_follows_forward_path(world, cfg):
    assert forward.read(world, cfg, "alice") == []
    world.path("/home/alice/.forward").write_text("# keep a copy\n\\alice, bob@example.com\n|/etc/smrsh/autoreply\n")
    assert forward.forward_file(world, cfg, "alice") == "/home/alice/.forward"
    assert forward.read(world, cfg, "alice") == ["\\alice", "bob@example.com", "|/etc/smrsh/autoreply"]
    # $z/.forward.$w comes first ($w: the short host name)
    world.path("/home/alice/.forward.localhost").write_text("carol\n")
    assert forward.read(world, cfg, "alice") == ["carol"]


def test_ipv6_keys_are_not_tags():
    entries = access.parse("IPv6:::1 RELAY\nConnect:IPv6:2001:db8::1 REJECT\n", "/etc/mail/access")
    assert [e.key for e in entries] == ["IPv6:::1", "Connect:IPv6:2001:db8::1"]
