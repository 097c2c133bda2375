"""makemap, newaliases, m4, sendmail and mailq as an administrator runs them."""

from mailkit.commands.base import Host, run
from mailkit.core import config
from mailkit.core.maps import open_map
from mailkit.core.packages import mark_installed


def test_makemap_error_keeps_the_old_map(world, clock):
    h = Host(world, clock)
    assert run(h, ["makemap", "hash", "/etc/mail/access"], "From:a@b.c REJECT\n").code == 0
    bad = run(h, ["makemap", "hash", "/etc/mail/access"], "From:x@y.z OK\nbroken\n")
    assert bad.code != 0
    assert bad.err.startswith("makemap: /etc/mail/access: line 2: no RHS for LHS broken")
    assert open_map(world, "/etc/mail/access.db").get("from:a@b.c") == "REJECT"
    assert open_map(world, "/etc/mail/access.db").get("from:x@y.z") is None


def test_makemap_usage_and_unknown_type(world, clock):
    h = Host(world, clock)
    assert run(h, ["makemap"]).code == 64
    assert run(h, ["makemap", "foo", "/etc/mail/access"], "").err == "makemap: Unknown database type foo\n"


def test_newaliases_counts_and_reports_bad_lines(world, clock):
    h = Host(world, clock)
    assert run(h, ["newaliases"]).out == "/etc/aliases: 17 aliases, longest 10 bytes, 170 bytes total\n"
    with world.path("/etc/aliases").open("a") as f:
        f.write("oops no colon here\n")
    res = run(h, ["sendmail", "-bi"])
    # sendmail 8.17: the bad line reported on standard output, the rest built, status 70
    assert res.code == 70 and res.out == ("/etc/aliases: line 37: missing colon\n"
                                          "/etc/aliases: 17 aliases, longest 10 bytes, 170 bytes total\n")


def test_m4_needs_sendmail_cf_then_regenerates_cf(world, clock):
    h = Host(world, clock)
    res = run(h, ["m4", "/etc/mail/sendmail.mc"])
    assert res.code == 1 and "cannot open `/usr/share/sendmail-cf/m4/cf.m4'" in res.err
    mark_installed(world, "sendmail-cf")
    mc = world.path("/etc/mail/sendmail.mc")
    mc.write_text(mc.read_text().replace("dnl define(`confMAX_MESSAGE_SIZE', `10000000')dnl",
                                         "define(`confMAX_MESSAGE_SIZE', `1000')dnl"))
    res = run(h, ["m4", "/etc/mail/sendmail.mc"])
    assert res.code == 0, res.err
    world.path("/etc/mail/sendmail.cf").write_text(res.out)
    assert config.load(world).max_message_size == 1000


def test_submission_without_mta_waits_in_clientmqueue(world, clock):
    h = Host(world, clock, runtime=None, user="alice")
    assert run(h, ["sendmail", "-f", "boss@example.com", "bob"], "Subject: hi\n\nbody\n").code == 0
    out = run(h, ["mailq", "-Ac"]).out
    assert out.startswith("\t\t/var/spool/clientmqueue (1 request)\n")
    assert "(Deferred: Connection refused by [127.0.0.1])" in out
    assert run(h, ["sendmail", "-bp", "-oQ/var/spool/clientmqueue"]).out == out
    assert run(h, ["mailq"]).out == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"
    qf = next(world.path("/var/spool/clientmqueue").glob("qf*")).read_text()
    # alice is not a trusted user: sendmail marks the forged sender
    assert "X-Authentication-Warning: localhost.localdomain: alice set sender to boss@example.com using -f" in qf


def test_submission_reaches_the_running_mta_and_clientqueue_flushes(world, clock, running_host):
    import mailbox

    h = Host(world, clock, runtime=None, user="root")
    run(h, ["sendmail", "-t"], "To: bob@localhost\nSubject: queued first\n\nwait\n")
    h.runtime = running_host
    assert "Sent" in run(h, ["sendmail", "-Ac", "-q"]).out
    run(h, ["sendmail", "carol"], "Subject: direct\n\nnow\n")
    running_host.run_queue_now()
    assert [m["Subject"] for m in mailbox.mbox(world.path("/var/spool/mail/bob"))] == ["queued first"]
    assert [m["Subject"] for m in mailbox.mbox(world.path("/var/spool/mail/carol"))] == ["direct"]
    assert run(h, ["mailq", "-Ac"]).out.startswith("/var/spool/clientmqueue is empty")


def test_bad_arguments_exit_64(world, clock):
    h = Host(world, clock)
    assert run(h, ["sendmail", "-Z"]).code == 64
    assert run(h, ["sendmail", "-bz"]).code == 64
    assert run(h, ["mailq", "-x"]).code == 64
    assert run(h, ["sendmail"], "").code == 64  # no recipients


def test_bv_verifies(world, clock):
    out = run(Host(world, clock), ["sendmail", "-bv", "bob", "x@example.org"]).out
    assert out == ("bob... deliverable: mailer local, user bob\n"
                   "x@example.org... deliverable: mailer esmtp, host example.org., user x@example.org\n")
