"""sendmail and mailq as commands: -bv, -bp/-v, -q with limits, -f trust, -t, the MSP fallback."""

import mailbox
import time

from mailkit.commands.base import Host, run
from mailkit.core import config
from mailkit.core.queue import Envelope, Queue


def test_bv_verifies_like_sendmail(world, clock):
    h = Host(world, clock)
    r = run(h, ["sendmail", "-bv", "alice", "dave@example.com"])
    assert r.code == 0
    assert r.out == ("alice... deliverable: mailer local, user alice\n"
                     "dave@example.com... deliverable: mailer esmtp, host example.com., user dave@example.com\n")
    r = run(h, ["sendmail", "-bv", "nosuchuser@localhost"])
    assert (r.code, r.out) == (67, "nosuchuser@localhost... User unknown\n")


def test_bad_option_exits_64(world, clock):
    h = Host(world, clock)
    r = run(h, ["sendmail", "-Z"])
    assert r.code == 64 and r.err == "sendmail: illegal option -- Z\n"
    r = run(h, ["mailq", "-x"])
    assert r.code == 64 and r.err.startswith("mailq: illegal option -- x\n")


def test_queue_run_in_process_with_recipient_limit_and_verbose_listing(world, clock):
    h = Host(world, clock)
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), b"Subject: to bob\n\nx\n", clock)
    q.enqueue(Envelope("alice@localhost", ["carol@localhost"]), b"Subject: to carol\n\nx\n", clock)
    out = run(h, ["mailq", "-v"]).out
    assert "-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------" in out
    assert "\t\t/var/spool/mqueue (2 requests)\n" in out
    assert "(1 request)" in run(h, ["mailq", "-qRcarol"]).out
    [bob_id] = [e.qid for e in q.entries() if e.recipients == ["bob@localhost"]]
    r = run(h, ["sendmail", "-v", "-qRbob"])
    assert (r.code, r.out) == (0, f"Running /var/spool/mqueue/{bob_id} (sequence 1 of 1)\n"
                                  "<bob@localhost>... Connecting to local...\n<bob@localhost>... Sent\n")
    assert [m["Subject"] for m in mailbox.mbox(world.mailbox_path("bob"))] == ["to bob"]
    assert [e.recipients for e in q.entries()] == [["carol@localhost"]]
    assert run(h, ["sendmail", "-q"]).code == 0
    assert run(h, ["mailq"]).out == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"


def test_untrusted_f_and_t_without_a_running_mta_wait_in_clientmqueue(world, clock):
    h = Host(world, clock, user="alice")
    msg = "To: bob@localhost\nCc: carol@localhost\nSubject: forged\n\nhi\n"
    assert run(h, ["sendmail", "-t", "-f", "boss@example.com"], msg).code == 0
    [e] = Queue(world, "/var/spool/clientmqueue").entries()
    assert e.recipients == ["bob@localhost", "carol@localhost"] and e.sender == "boss@example.com"
    assert e.message == "Deferred: Connection refused by [127.0.0.1]"
    cfg = config.load(world)
    assert e.header("X-Authentication-Warning") == f"{cfg.hostname}: alice set sender to boss@example.com using -f"
    out = run(h, ["mailq", "-Ac"]).out
    assert out.startswith("\t\t/var/spool/clientmqueue (1 request)\n") and " boss@example.com\n" in out  # the S line as given by -f
    assert run(h, ["mailq"]).out.startswith("/var/spool/mqueue is empty")
    # root is trusted: no warning
    run(Host(world, clock), ["sendmail", "-f", "list@example.com", "bob"], "Subject: ok\n\nx\n")
    root_entry = [x for x in Queue(world, "/var/spool/clientmqueue").entries() if x.sender == "list@example.com"][0]
    assert root_entry.header("X-Authentication-Warning") is None


def test_submission_to_a_running_mta_is_delivered(host, world):
    r = run(host, ["sendmail", "bob"], "Subject: over smtp\n\nhello\n")
    assert r.code == 0 and r.err == ""
    assert Queue(world, "/var/spool/clientmqueue").entries() == []
    path = world.mailbox_path("bob")
    for _ in range(100):  # DeliveryMode=b: the MTA delivers right after its 250
        if path.exists() and "over smtp" in path.read_text():
            break
        time.sleep(0.05)
    assert [m["Subject"] for m in mailbox.mbox(path)] == ["over smtp"]


def test_verbose_submission_shows_the_smtp_dialogue(host, world):
    r = run(host, ["sendmail", "-v", "carol"], "Subject: watch\n\n.leading dot\n")
    lines = r.out.splitlines()
    assert r.code == 0 and lines[0] == "carol... Connecting to [127.0.0.1] via relay..."
    assert lines[1].startswith("220 ") and ">>> EHLO localhost.localdomain" in lines
    i = lines.index(">>> DATA")
    assert lines[i + 1].startswith("354 ") and lines[i + 2] == ">>> ."
    assert lines[i + 3].startswith("250 2.0.0 ") and lines[i + 3].endswith(" Message accepted for delivery")
    assert lines[i + 4] == f"carol... Sent ({lines[i + 3][len('250 2.0.0 '):]})"
    assert lines[-2:] == [">>> QUIT", lines[-1]] and lines[-1].startswith("221 2.0.0 ")
    path = world.mailbox_path("carol")
    for _ in range(100):
        if path.exists() and "leading dot" in path.read_text():
            break
        time.sleep(0.05)
    [m] = mailbox.mbox(path)
    assert m.get_payload() == ".leading dot\n"  # dot-stuffing undone by the server


def test_t_deletes_bcc_and_suppresses_argument_addresses(world, clock):
    h = Host(world, clock)
    msg = "To: bob@localhost\nBcc: carol@localhost\nSubject: secret copy\n\nx\n"
    assert run(h, ["sendmail", "-t", "bob@localhost"], msg).code == 0
    [e] = Queue(world, "/var/spool/clientmqueue").entries()
    assert e.recipients == ["carol@localhost"]  # bob was on the command line: suppressed
    assert e.header("Bcc") is None and e.header("To") == "bob@localhost"


def test_message_refused_for_size_goes_to_dead_letter_not_the_queue(host, world):
    cf = world.path("/etc/mail/sendmail.cf")
    cf.write_text(cf.read_text().replace("#O MaxMessageSize=0", "O MaxMessageSize=100"))
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    r = run(host, ["sendmail", "bob"], "Subject: big\n\n" + "x" * 300 + "\n")
    assert r.code == 69
    assert r.err == ("bob... 552 5.2.3 Message exceeds maximum fixed size (100)\n"
                     "/root/dead.letter... Saved message in /root/dead.letter\n")
    assert [m["Subject"] for m in mailbox.mbox(world.path("/root/dead.letter"))] == ["big"]
    assert Queue(world, "/var/spool/clientmqueue").entries() == []


def test_local_submission_gets_sendmails_message_id(world, clock):
    h = Host(world, clock)
    assert run(h, ["sendmail", "bob"], "Subject: no id\n\nx\n").code == 0
    # no MTA runs here: the submission waits in the client queue, headers complete
    [entry] = Queue(world, "/var/spool/clientmqueue").entries()
    stamp = clock.now().strftime("%Y%m%d%H%M")
    mid = entry.header("Message-Id")
    assert mid.startswith(f"<{stamp}.") and mid.endswith(f"@{config.load(world).hostname}>")
    assert len(mid[len(stamp) + 2:].split("@")[0]) == 14  # a queue id: 8 letters/digits, 6 of pid


def test_d0_1_prints_the_version_and_the_hosts_names_first(world, clock):
    r = run(Host(world, clock), ["sendmail", "-d0.1", "-bv", "alice"])
    assert r.code == 0
    assert r.out.startswith("Version 8.17.1.9\n Compiled with: DNSMAP")
    assert "============ SYSTEM IDENTITY (after readcf) ============\n" \
           "      (short domain name) $w = localhost\n" \
           "  (canonical domain name) $j = localhost.localdomain\n" \
           "         (subdomain name) $m = localdomain\n" \
           "              (node name) $k = localhost\n" in r.out
    assert r.out.endswith("\nalice... deliverable: mailer local, user alice\n")


def test_bs_speaks_smtp_on_standard_input(host):
    r = run(host, ["sendmail", "-bs"], stdin="EHLO me\nMAIL FROM:<alice@localhost>\nRCPT TO:<bob@localhost>\n"
                                            "DATA\nSubject: from -bs\n\nhi\n.\nQUIT\n")
    lines = r.out.splitlines()
    assert lines[0].startswith("220 localhost.localdomain ESMTP Sendmail 8.17.1.9")
    assert "EHLO me" not in r.out  # what was typed is not echoed
    assert "250 2.1.5 <bob@localhost>... Recipient ok" in lines and "354 End data with <CR><LF>.<CR><LF>" in lines
    assert any(ln.endswith("Message accepted for delivery") for ln in lines)
    assert lines[-1] == "221 2.0.0 localhost.localdomain closing connection"


def test_bd_starts_the_daemon_or_logs_that_the_port_is_taken(host):
    assert run(host, ["systemctl", "stop", "sendmail"]).code == 0
    r = run(host, ["sendmail", "-bd", "-q15m"])
    assert (r.out, r.err, r.code) == ("", "", 0) and host.runtime.is_active("sendmail")
    r = run(host, ["sendmail", "-bd", "-q15m"])  # a second daemon cannot bind port 25
    assert (r.out, r.code) == ("", 0)
    assert "opendaemonsocket: daemon MTA: cannot bind: Address already in use" in host.world.read_text("/var/log/maillog")
