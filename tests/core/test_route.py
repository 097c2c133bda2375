"""Routing a recipient: local names, virtusertable, aliases, :include:, .forward, loops."""

from mailkit.commands.base import Host, run
from mailkit.core import config, route


def add_aliases(world, clock, text):
    with world.path("/etc/aliases").open("a") as f:
        f.write(text)
    assert run(Host(world, clock), ["newaliases"]).code == 0
    return config.load(world)


def test_bare_and_local_names_reach_the_mailbox(world):
    cfg = config.load(world)
    for a in ("alice", "alice@localhost", "<alice@LOCALHOST>", f"alice@{cfg.hostname}", "Alice@localhost",
              "\\ALICE"):
        assert route.resolve(world, cfg, a) == [route.Mailbox("alice")], a
    # [127.0.0.1] is not in the real sendmail 8.17's class w (it skips loopback interfaces):
    # the address goes out with esmtp, and a client on another machine is told "Relaying denied"
    assert route.resolve(world, cfg, "alice@[127.0.0.1]") == [route.Remote("alice@[127.0.0.1]")]
    assert route.resolve(world, cfg, "nosuchuser@localhost") == [route.Failure("nosuchuser@localhost", "550", "5.1.1", "User unknown")]
    assert route.check_recipient(world, cfg, "nosuchuser@localhost") == (False, "550", "5.1.1", "User unknown")
    assert route.check_recipient(world, cfg, "alice@localhost") == (True, "250", "2.1.5", "Recipient ok")


def test_remote_domains_stay_remote(world):
    cfg = config.load(world)
    assert route.resolve(world, cfg, "dave@example.com") == [route.Remote("dave@example.com")]


def test_program_file_and_include_targets(world, clock):
    world.path("/etc/mail/staff").write_text("bob\n# comment\ncarol, /var/log/staff.mbox\n")
    cfg = add_aliases(world, clock, "auto: |/usr/bin/autoreply\nstaff: :include:/etc/mail/staff\n"
                                    "broken: :include:/etc/mail/missing\n")
    assert route.resolve(world, cfg, "auto@localhost") == [route.Program("/usr/bin/autoreply")]
    assert route.resolve(world, cfg, "staff") == [route.Mailbox("bob"), route.Mailbox("carol"),
                                                  route.File("/var/log/staff.mbox")]
    [f] = route.resolve(world, cfg, "broken")
    assert isinstance(f, route.Failure) and "cannot open" in f.text


def test_forward_loop_ends_in_a_mailbox_and_backslash_stops_forwarding(world, clock):
    world.path("/home/alice/.forward").write_text("bob@localhost\n")
    world.path("/home/bob/.forward").write_text("alice@localhost\n")
    cfg = config.load(world)
    # alice -> bob -> alice: the name seen before is delivered to its own mailbox (not lost)
    assert route.resolve(world, cfg, "alice@localhost") == [route.Mailbox("alice")]
    world.path("/home/bob/.forward").write_text("\\bob, carol\n")
    assert route.resolve(world, cfg, "bob") == [route.Mailbox("bob"), route.Mailbox("carol")]


def test_long_alias_chain_is_broken_with_sendmails_loop_error(world, clock):
    chain = "".join(f"a{i}: a{i + 1}\n" for i in range(15)) + "a15: alice\n"
    cfg = add_aliases(world, clock, chain)
    [f] = route.resolve(world, cfg, "a0")
    assert (f.code, f.dsn, f.text) == ("554", "5.4.6", "aliasing/forwarding loop broken (11 aliases deep; 10 max)")
    assert route.resolve(world, cfg, "a10") == [route.Mailbox("alice")]


def test_a_rule_naming_one_remote_user_still_decides_for_that_user(world):
    """route.parse answers plain remote users from one probe of their domain; a rule that names
    a user must still be run for that user (and only for that one)."""
    from mailkit.core import config, route

    cf = world.path("/etc/mail/sendmail.cf")
    text = cf.read_text()
    rule = 'Rnosy < @ $* > $*\t$#error $@ 5.7.1 $: "550 nosy is not welcome"\n'
    cf.write_text(text.replace("SParse0\n", "SParse0\n" + rule, 1))
    cfg = config.load(world)
    assert route.parse(world, cfg, "nosy@example.com").mailer == "*error*"
    assert route.parse(world, cfg, "nosy@example.com").error.endswith("nosy is not welcome")
    ok = route.parse(world, cfg, "quiet@example.com")
    assert (ok.mailer, ok.user) == ("esmtp", "quiet@example.com")
