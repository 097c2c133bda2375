"""DATA as the server streams it to the df file: the final dot and dot-stuffing wherever the
blocks of the stream end, the header block and its limit, MaxMessageSize, messages and commands
sent back to back."""

import os
import socket

import pytest

from mailkit.commands.base import run
from mailkit.core.cf import set_option
from mailkit.core.queue import Queue

from smtp_dialogue import Dialogue


def queued_only(host):
    path = host.world.path("/etc/mail/sendmail.cf")
    path.write_text(set_option(path.read_text(), "DeliveryMode", "queue"))
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0


class Raw:
    def __init__(self, addr):
        self.s = socket.create_connection(addr, timeout=20)
        self.f = self.s.makefile("rb")
        assert self.f.readline().startswith(b"220 ")

    def reply(self) -> str:
        out = []
        while True:
            line = self.f.readline().decode()
            assert line, "connection closed"
            out.append(line.rstrip("\r\n"))
            if line[3:4] != "-":
                return "\n".join(out)

    def send(self, data: bytes):
        self.s.sendall(data)

    def close(self):
        self.f.close()
        self.s.close()


def start_message(host) -> Raw:
    c = Raw(host.runtime.connect_address(25))
    c.send(b"HELO client\r\nMAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\n")
    for want in ("250", "250", "250", "354"):
        assert c.reply().startswith(want)
    return c


def df_of(host, reply):
    qid = reply.split()[2]
    return host.world.path(f"/var/spool/mqueue/df{qid}").read_bytes(), Queue(host.world, "/var/spool/mqueue").load(qid)


def test_dots_and_line_ends_survive_any_split_of_the_stream(host):
    queued_only(host)
    body = (b"Subject: dots\r\n\r\n..leading dot\r\n...two\r\n.\x20not the end\r\nbare lf\n"
            b"cr\rinside\r\n" + b"y" * 70_000 + b"\r\n..\r\nlast\r\n")
    c = start_message(host)
    wire = body + b".\r\n"
    for i in range(0, len(wire), 4093):  # blocks that end anywhere, mid-CRLF included
        c.send(wire[i:i + 4093])
    reply = c.reply()
    assert reply.startswith("250 2.0.0 ")
    df, entry = df_of(host, reply)
    assert df == (b".leading dot\n..two\n not the end\nbare lf\ncr\rinside\n" + b"y" * 70_000 + b"\n.\nlast\n")
    assert entry.header("Subject") == "dots"
    c.close()


def test_a_big_body_is_spilled_and_committed_whole(host):
    queued_only(host)
    c = start_message(host)
    line = b"z" * 998 + b"\r\n"
    c.send(b"Subject: big\r\n\r\n" + line * 3000 + b".\r\n")
    reply = c.reply()
    df, entry = df_of(host, reply)
    assert df == (b"z" * 998 + b"\n") * 3000
    assert entry.body_size == len(df)
    assert entry.flags == ""
    c.close()


def test_a_line_that_is_not_a_header_begins_the_body(host):
    queued_only(host)
    c = start_message(host)
    c.send(b"Subject: s\r\nthis is no header\r\nX-Not: in the head\r\n.\r\n")
    df, entry = df_of(host, c.reply())
    assert entry.header("Subject") == "s"
    assert entry.header("X-Not") is None
    assert df == b"this is no header\nX-Not: in the head\n"
    c.close()


def test_headers_over_maxheaderslength_are_refused(host):
    queued_only(host)
    c = start_message(host)
    c.send(b"".join(b"X-Filler-%05d: %s\r\n" % (i, b"h" * 60) for i in range(600)) + b"\r\nbody\r\n.\r\n")
    assert c.reply() == "552 5.6.0 Headers too large (32768 max)"
    assert not [p for p in os.listdir(host.world.path("/var/spool/mqueue")) if p[:2] in ("df", "qf")]
    c.send(b"NOOP\r\n")
    assert c.reply() == "250 2.0.0 OK"
    c.close()


def test_max_message_size_while_streaming_leaves_no_df(host):
    path = host.world.path("/etc/mail/sendmail.cf")
    path.write_text(set_option(path.read_text(), "MaxMessageSize", "300000"))
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0
    c = start_message(host)
    c.send(b"Subject: too big\r\n\r\n" + (b"q" * 78 + b"\r\n") * 10_000 + b".\r\n")
    assert c.reply() == "552 5.2.3 Message exceeds maximum fixed size (300000)"
    assert not [p for p in os.listdir(host.world.path("/var/spool/mqueue")) if p[:2] in ("df", "qf")]
    c.close()


def test_a_client_gone_mid_message_leaves_no_df(host):
    queued_only(host)
    c = start_message(host)
    c.send(b"Subject: cut\r\n\r\n" + b"w" * 600_000)
    c.close()
    d = Dialogue(host.runtime.connect_address(25))  # the session is over once this one is greeted
    d.send("NOOP")
    d.close()
    import time
    deadline = time.monotonic() + 5
    while [p for p in os.listdir(host.world.path("/var/spool/mqueue")) if p.startswith("df")]:
        assert time.monotonic() < deadline, "df left behind"
        time.sleep(0.05)


def test_two_messages_and_quit_in_one_write(host):
    queued_only(host)
    c = start_message(host)
    c.send(b"Subject: one\r\n\r\n1\r\n.\r\nMAIL FROM:<alice@localhost>\r\nRCPT TO:<bob@localhost>\r\n"
           b"DATA\r\nSubject: two\r\n\r\n2\n.\nQUIT\r\n")
    replies = [c.reply() for _ in range(5)]
    assert [r[:3] for r in replies] == ["250", "250", "250", "354", "250"]
    assert c.reply().startswith("221 ")
    assert df_of(host, replies[0])[0] == b"1\n"
    assert df_of(host, replies[4])[0] == b"2\n"
    c.close()


@pytest.mark.parametrize("first", [b".\r\n", b".\n"])
def test_an_empty_message(host, first):
    queued_only(host)
    c = start_message(host)
    c.send(first)
    reply = c.reply()
    assert reply.startswith("250 2.0.0 ")
    df, entry = df_of(host, reply)
    assert df == b""
    assert entry.header("Message-Id")
    c.close()


def test_eight_bit_body_sets_the_flag(host):
    queued_only(host)
    c = start_message(host)
    c.send(b"Subject: 8\r\n\r\n" + b"a" * 300_000 + "\u00e9\r\n".encode() + b".\r\n")
    df, entry = df_of(host, c.reply())
    assert entry.flags == "8"
    assert df.endswith("\u00e9\n".encode())
    c.close()
