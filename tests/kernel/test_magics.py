"""The magics in a real IPython shell, against the world's files and the live servers."""

import smtplib
import socket
import time

import pytest
from IPython.core.error import UsageError

import mailkit
from mailkit.kernel.display import DIALOGUE_MIME




def cell(ip, src):
    res = ip.run_cell(src)
    return res.error_in_exec or res.error_before_exec


def world():
    return mailkit.host().world


def wait_for_mail(user, text, timeout=5.0):
    """Delivery runs in the background (DeliveryMode=b), as in sendmail: wait for the mbox."""
    path = world().mailbox_path(user)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError(f"no mail for {user} containing {text!r}")


def test_access_reject_after_host_cell_refuses_live_mail(ip, capsys):
    # a sender domain the world's /etc/hosts knows: the real sendmail 8.17 refuses one it cannot
    # resolve before access.db is asked ("553 5.1.8 ... Domain of sender address ... does not exist")
    sender = "spammer@spam.example.net"
    with smtplib.SMTP(*mailkit.connect(25)) as s:
        s.ehlo()
        assert s.mail(sender)[0] == 250  # nothing in access.db yet
    assert cell(ip, "%%host\necho 'spam.example.net REJECT' >> /etc/mail/access") is None
    with smtplib.SMTP(*mailkit.connect(25)) as s:
        s.ehlo()
        assert s.mail(sender)[0] == 250  # the text file alone changes nothing: sendmail reads access.db
    assert cell(ip, "%makemap hash /etc/mail/access < /etc/mail/access") is None
    with smtplib.SMTP(*mailkit.connect(25)) as s:
        s.ehlo()
        code, msg = s.mail(sender)
        assert (code, msg) == (550, b"5.7.1 <spammer@spam.example.net>... Access denied")
        s.rset()
        s.mail("bob@localhost")
        assert s.rcpt("alice@localhost")[0] == 250


def test_learner_mistake_is_a_usage_error_with_the_tools_words(ip, capsys):
    before = world().path("/etc/mail/access.db").read_bytes()
    err = cell(ip, "%makemap hash /etc/mail/access < /etc/mail/acces")
    assert isinstance(err, UsageError) and str(err) == "bash: /etc/mail/acces: No such file or directory"
    assert world().path("/etc/mail/access.db").read_bytes() == before
    err = cell(ip, "%makemap hash")
    assert isinstance(err, UsageError) and str(err).startswith("Usage: makemap")
    err = cell(ip, "%sendmail -bz")
    assert isinstance(err, UsageError) and "Invalid operation mode z" in str(err)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_host_cell_stops_at_the_first_failing_line(ip, capsys):
    err = cell(ip, "%%host\necho one > /tmp/one\ncat /etc/mail/nosuch\necho two > /tmp/two\n")
    assert isinstance(err, UsageError) and str(err) == "cat: /etc/mail/nosuch: No such file or directory"
    assert world().exists("/tmp/one") and not world().exists("/tmp/two")
    # a filter that matches nothing is not a mistake: the cell goes on
    assert cell(ip, "%%host\nmailq | grep nothing-here\necho done") is None
    assert capsys.readouterr().out.endswith("done\n")


def test_line_magics_with_pipes_and_redirections(ip, capsys):
    capsys.readouterr()
    assert cell(ip, "%netstat -anp | grep LISTEN -w | grep :25") is None
    out = capsys.readouterr().out
    assert out.startswith("tcp        0      0 127.0.0.1:25 ") and "LISTEN" in out and out.count("\n") == 1
    assert cell(ip, "%ss -ltnp | grep -c LISTEN") is None
    assert int(capsys.readouterr().out) >= 3  # sendmail, POP3, IMAP
    assert cell(ip, "%yum -y install sendmail-cf > /dev/null") is None
    assert cell(ip, "%m4 /etc/mail/sendmail.mc > /etc/mail/sendmail.cf") is None
    assert world().read_text("/etc/mail/sendmail.cf").startswith("#")
    assert cell(ip, "%systemctl restart sendmail.service") is None
    assert cell(ip, "%echo {not expanded} $HOME") is None
    assert capsys.readouterr().out == "{not expanded} $HOME\n"


def test_mail_magics_send_and_list(ip, capsys):
    assert cell(ip, "%%host\necho 'see you at 10' | mail -s 'meeting' alice\n") is None
    wait_for_mail("alice", "see you at 10")
    capsys.readouterr()
    assert cell(ip, "%mail -u alice") is None
    out = capsys.readouterr().out
    assert '"/var/spool/mail/alice": 1 message 1 new' in out and '"meeting"' in out
    assert cell(ip, "%mailq") is None
    assert capsys.readouterr().out == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"


def test_telnet_cell_shows_the_dialogue(ip, displayed):
    assert cell(ip, "%%telnet localhost 25\nEHLO localhost\nMAIL FROM:<bob@localhost>\nQUIT\n") is None
    (bundle,) = displayed
    text = bundle["text/plain"]
    assert text.startswith("Trying 127.0.0.1...\nConnected to localhost.\nEscape character is '^]'.\n220 ")
    assert "MAIL FROM:<bob@localhost>\n250 2.1.0 <bob@localhost>... Sender ok\n" in text
    assert text.endswith("Connection closed by foreign host.")
    payload = bundle[DIALOGUE_MIME]
    assert payload["service"] == "smtp" and payload["port"] == 25
    assert payload["lines"][0]["from"] == "server" and payload["lines"][0]["code"] == "220"
    assert {"from": "client", "text": "QUIT"}.items() <= payload["lines"][-2].items()


def test_telnet_errors(ip, capsys):
    err = cell(ip, "%%telnet mail.example.com 25\nQUIT")
    assert str(err) == "telnet: could not resolve mail.example.com/25: Name or service not known"
    cell(ip, "%systemctl stop sendmail")
    err = cell(ip, "%%telnet 127.0.0.1 25\nQUIT")
    assert "telnet: connect to address 127.0.0.1: Connection refused" in str(err)
    assert "Trying 127.0.0.1..." in capsys.readouterr().out


def test_blocking_clients_in_a_cell(ip):
    assert cell(ip, """
import smtplib, imaplib, time, mailkit
with smtplib.SMTP(*mailkit.connect(25)) as s:
    s.sendmail("bob@localhost", ["carol@localhost"], "Subject: blocking\\n\\nfrom a cell\\n")
for _ in range(100):
    if b"from a cell" in mailkit.host().world.mailbox_path("carol").read_bytes() if mailkit.host().world.mailbox_path("carol").exists() else False:
        break
    time.sleep(0.05)
m = imaplib.IMAP4(*mailkit.connect(143))
m.login("carol", "secret")
m.select("INBOX")
typ, data = m.fetch("1", "(BODY[])")
m.logout()
fetched = data[0][1]
""") is None
    assert b"from a cell" in ip.user_ns["fetched"]


def test_mailkit_subcommands(ip, capsys):
    host = mailkit.host()
    before = host.clock.now()
    assert cell(ip, "%mailkit advance 5d") is None
    assert (host.clock.now() - before).days == 5
    assert capsys.readouterr().out == "host clock: Fri Dec 04 09:00:00 KST 2026\n"
    assert cell(ip, "%mailkit status") is None
    out = capsys.readouterr().out
    assert "sendmail  port 25" in out and "FixedClock" in out
    assert cell(ip, "%mailkit world") is None
    assert capsys.readouterr().out.strip() == str(host.world.root)
    assert cell(ip, "%mailkit check-config") is None
    assert "lines of sendmail.cf not acted on by mailkit" in capsys.readouterr().out
    assert isinstance(cell(ip, "%mailkit advance soon"), UsageError)
    assert cell(ip, "%mailkit user alice") is None and host.user == "alice"
    assert isinstance(cell(ip, "%mailkit frobnicate"), UsageError)


def test_unload_frees_ports_and_removes_magics(ip, capsys):
    addr = mailkit.connect(25)
    ip.run_line_magic("unload_ext", "mailkit")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(addr)  # free again
    assert isinstance(cell(ip, "%mailq"), UsageError)
    assert ip.find_line_magic("cat") is not None  # IPython's own %cat alias is back
    ip.run_line_magic("load_ext", "mailkit")  # the fixture unloads at the end
    assert cell(ip, "%mailq") is None


def test_telnet_cell_on_pop3_is_a_pop3_dialogue(ip, displayed):
    assert cell(ip, "%%host\necho 'for pop' | mail -s 'pop lesson' bob") is None
    wait_for_mail("bob", "for pop")
    assert cell(ip, "%%telnet localhost 110\nUSER bob\nPASS secret\nSTAT\nQUIT") is None
    (bundle,) = displayed
    payload = bundle[DIALOGUE_MIME]
    assert payload["service"] == "pop3" and payload["port"] == 110
    stat = [row for row in payload["lines"] if row["from"] == "server" and row["text"].startswith("+OK 1 ")]
    assert stat, payload["lines"]
    assert bundle["text/plain"].endswith("Connection closed by foreign host.")


def test_sendmail_bt_cell_shows_the_text_and_the_rules_that_fired(ip, displayed, capsys):
    from mailkit.kernel.display import ADDRTEST_MIME

    assert cell(ip, "%%sendmail -bt\n3,0 alice@localhost\n# a comment\n/parse bob@example.com\n") is None
    (bundle,) = displayed
    assert capsys.readouterr().out == ""  # shown once, by the display, not printed as well
    text = bundle["text/plain"]
    assert text.startswith("ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n")
    assert "-----trying rule" not in text  # the text is what was asked, without the rule trace
    payload = bundle[ADDRTEST_MIME]
    assert [c["input"] for c in payload["commands"]] == ["3,0 alice@localhost", "/parse bob@example.com"]
    first = payload["commands"][0]
    assert first["output"].endswith("parse            returns: $# local $: alice")
    assert [c["ruleset"] for c in first["calls"]] == ["canonify", "parse"]
    canonify = first["calls"][0]
    assert canonify["returns"] == "alice < @ localhost . localdomain . >" and canonify["tried"] > 10
    fired = [it for it in canonify["items"] if "rule" in it]
    assert {"rule": "$+ @ $+", "action": "$: $1 < @ $2 >", "result": "alice < @ localhost >"} in fired
    called = [it["call"]["ruleset"] for it in canonify["items"] if "call" in it]
    assert called == ["Canonify2"]
    assert payload["commands"][1]["output"].endswith("mailer esmtp, host example.com., user bob@example.com")


def test_an_edited_rule_shows_in_the_bt_view(ip, displayed):
    """The tree is read from the world's own cf: a rule the learner adds is the one that fires."""
    from mailkit.kernel.display import ADDRTEST_MIME

    cf = world().read_text("/etc/mail/sendmail.cf")
    try:
        world().path("/etc/mail/sendmail.cf").write_text(cf.replace("SParse0\n", "SParse0\nR$* < @ nowhere >\t$#error $: 550 no such place\n", 1))
        assert cell(ip, "%%sendmail -bt\n3,0 x@nowhere\n") is None
        payload = displayed[-1][ADDRTEST_MIME]
        parse0 = next(it["call"] for it in payload["commands"][0]["calls"][1]["items"]
                      if "call" in it and it["call"]["ruleset"] == "Parse0")
        assert parse0["items"][0]["rule"] == "$* < @ nowhere >"
        assert parse0["returns"] == "$# error $: 550 no such place"
    finally:
        world().path("/etc/mail/sendmail.cf").write_text(cf)
