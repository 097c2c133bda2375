"""The telnet dialogue engine against the live host: SMTP, POP3, IMAP, and telnet's own errors."""


from mailkit.commands.base import run
from mailkit.commands.telnet import converse
from waiting import wait_for_mail




SMTP_SESSION = """EHLO localhost
MAIL FROM:<bob@localhost>
RCPT TO:<alice@localhost>
DATA
Subject: typed by hand

first line

last line
.
QUIT
"""


def test_smtp_session_typed_line_by_line(host):
    run_ = converse(host, "localhost", 25, SMTP_SESSION.splitlines())
    t = run_.transcript
    assert t[:3] == ["Trying 127.0.0.1...", "Connected to localhost.", "Escape character is '^]'."]
    assert t[3].startswith("220 localhost.localdomain ESMTP Sendmail 8.17.1.9/8.17.1.9; ")
    # each reply follows the line that asked for it, as on a terminal
    assert t[t.index("MAIL FROM:<bob@localhost>") + 1] == "250 2.1.0 <bob@localhost>... Sender ok"
    assert t[t.index("DATA") + 1] == "354 End data with <CR><LF>.<CR><LF>"
    assert t[t.index(".") + 1].endswith("Message accepted for delivery")
    assert t[-2:] == ["221 2.0.0 localhost.localdomain closing connection", "Connection closed by foreign host."]
    # the blank line inside DATA was sent: the body is separated from the headers
    assert ("client", "") in run_.lines
    assert run_.closed_by_server and run_.code == 0
    assert wait_for_mail(host.world, "alice", "first line\n\nlast line")


def test_smtp_refusal_is_shown_and_session_goes_on(host):
    run_ = converse(host, "127.0.0.1", 25, ["HELO x", "RCPT TO:<alice@localhost>", "QUIT"])
    assert "503 5.0.0 Need MAIL before RCPT" in run_.transcript
    assert run_.transcript[-1] == "Connection closed by foreign host."


def test_session_left_open_is_closed_by_hand(host):
    run_ = converse(host, "localhost", 25, ["NOOP"])
    assert run_.transcript[-4:] == ["250 2.0.0 OK", "^]", "telnet> quit", "Connection closed."]
    assert not run_.closed_by_server


def test_pop3_multiline_replies(host):
    run(host, ["sendmail", "alice"], "Subject: pop me\n\nbody for pop\n")
    assert wait_for_mail(host.world, "alice", "body for pop")
    run_ = converse(host, "localhost", 110, ["USER alice", "PASS secret", "LIST", "RETR 1", "QUIT"])
    t = run_.transcript
    assert t[3].startswith("+OK")
    i = t.index("RETR 1")
    assert t[i + 1].startswith("+OK")
    assert "body for pop" in t[i + 1:]
    assert t[t.index("QUIT") - 1] == "."  # the whole message came before QUIT was typed
    assert t[-1] == "Connection closed by foreign host."


def test_imap_waits_for_the_tagged_reply(host):
    run(host, ["sendmail", "bob"], "Subject: imap me\n\nbody for imap\n")
    assert wait_for_mail(host.world, "bob", "body for imap")
    run_ = converse(host, "localhost", 143, ["a1 LOGIN bob secret", "a2 SELECT INBOX",
                                              "a3 FETCH 1 BODY[]", "a4 LOGOUT"])
    t = run_.transcript
    assert t[3].startswith("* OK")
    assert any(x.startswith("a1 OK") for x in t)
    i = t.index("a3 FETCH 1 BODY[]")
    j = t.index("a4 LOGOUT")
    assert "body for imap" in t[i:j] and t[j - 1].startswith("a3 OK")
    assert t[-1] == "Connection closed by foreign host."


def test_unknown_host_and_closed_port(host):
    r = run(host, ["telnet", "mail.example.com", "25"], "")
    assert (r.code, r.err) == (1, "telnet: could not resolve mail.example.com/25: Name or service not known\n")
    run(host, ["systemctl", "stop", "sendmail"])
    r = run(host, ["telnet", "localhost", "smtp"], "QUIT\n")
    assert r.out == "Trying 127.0.0.1...\n"
    assert r.err == ("telnet: connect to address 127.0.0.1: Connection refused\n"
                     "telnet: Unable to connect to remote host: Connection refused\n")
