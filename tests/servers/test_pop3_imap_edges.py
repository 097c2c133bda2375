"""POP3/IMAP servers at their edges: closing ends sessions, long lines, literals, 8-bit mail, auth delays."""

import asyncio
import imaplib
import poplib
import socket
import time
from datetime import datetime

import pytest

from mailkit.core.deliver import append_mbox, mbox_entry
from mailkit.servers import imap as imap_server
from mailkit.servers import pop3 as pop3_server


def deliver(world, raw: bytes):
    append_mbox(world.path("/var/spool/mail/bob"), mbox_entry(raw, "alice@localhost", datetime(2026, 11, 29, 9)))


@pytest.mark.parametrize("serve", [pop3_server.serve_pop3, imap_server.serve_imap])
def test_closing_the_server_ends_open_sessions_and_frees_the_port(world, clock, serve):
    async def scenario():
        server = await serve(world, clock, "127.0.0.1", 0)
        port = server._server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        greeting = await reader.readline()
        server.close()
        await server.wait_closed()
        rest = await asyncio.wait_for(reader.read(), 5)  # EOF: the session was ended, not left hanging
        writer.close()
        return greeting, rest, port
    greeting, rest, port = asyncio.run(scenario())
    assert b"Dovecot-compatible mailkit ready." in greeting and rest == b""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def talk(addr, lines, until=b"\r\n"):
    with socket.create_connection(addr, timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        out = []
        for ln in lines:
            s.sendall(ln)
            out.append(f.readline())
        return out, f.read()


def test_pop3_long_lines(running_host):
    addr = running_host.connect_address(110)
    replies, _ = talk(addr, [b"USER " + b"x" * 300 + b"\r\n", b"NOOP\r\n", b"QUIT\r\n"])
    assert replies[0] == b"-ERR Input line too long.\r\n"  # refused, the session goes on
    assert replies[2].startswith(b"+OK")
    replies, rest = talk(addr, [b"USER " + b"x" * 100_000 + b"\r\n"])
    assert replies == [b"-ERR Input line too long.\r\n"] and rest == b""  # beyond any reason: closed


def test_imap_overlong_command_line_ends_the_session(running_host):
    replies, rest = talk(running_host.connect_address(143), [b"a LOGIN " + b"x" * 100_000 + b"\r\n"])
    assert replies == [b"* BYE Input buffer full, aborting\r\n"] and rest == b""  # imap-login's words


def test_imap_append_with_literals_and_8bit_mail(running_host, world):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    m.login("bob", "secret")
    korean = "Subject: 안녕하세요\r\nFrom: 김철수 <kim@localhost>\r\n\r\n본문입니다\r\n".encode()
    typ, data = m.append("INBOX", "(\\Seen)", None, korean)  # imaplib waits for "+ OK" then sends the literal
    assert typ == "OK" and b"APPENDUID" in data[0]
    m.select("INBOX")
    typ, data = m.fetch("1", "(FLAGS ENVELOPE BODY[TEXT])")
    assert typ == "OK"
    # the 8-bit subject travels as a literal, byte for byte; the body too
    pieces = [x for part in data for x in (part if isinstance(part, tuple) else (part,))]
    assert "안녕하세요".encode() in pieces and "본문입니다\r\n".encode() in pieces
    assert m.search("UTF-8", "SUBJECT", '"안녕"'.encode())[1] == [b"1"]
    m.logout()
    assert "본문입니다".encode() in world.path("/var/spool/mail/bob").read_bytes()
    # LITERAL+: a non-synchronizing literal needs no continuation
    with socket.create_connection(running_host.connect_address(143), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"a LOGIN bob {6+}\r\nsecret\r\n")
        assert f.readline().startswith(b"a OK")
        s.sendall(b"b APPEND INBOX {12+}\r\nSubject: x\r\n\r\nc LOGOUT\r\n")
        lines = f.read().split(b"\r\n")
    assert any(ln.startswith(b"b OK [APPENDUID") for ln in lines) and any(ln.startswith(b"c OK") for ln in lines)


def test_wrong_passwords_wait_longer_each_time(running_host, monkeypatch):
    from mailkit.servers import limits  # one set of knobs for both servers
    monkeypatch.setattr(limits, "DEFAULTS", limits.Limits(auth_failure_delay=0.1, auth_penalty_init=0.1))
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    waits = []
    for _ in range(2):
        t = time.monotonic()
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            m.login("bob", "wrong")
        waits.append(time.monotonic() - t)
    m.login("bob", "secret")
    m.logout()
    assert 0.1 <= waits[0] < 0.19 and waits[1] >= 0.2


def test_pop3_retr_of_8bit_and_dotted_mail_counts_octets(running_host, world):
    deliver(world, "Subject: 점\n\n.leading dot\n..two\nend\n".encode())
    p = poplib.POP3(*running_host.connect_address(110), timeout=10)
    p.user("bob")
    p.pass_("secret")
    size = p.list()[1][0].split()[1]
    resp, lines, octets = p.retr(1)
    assert resp == b"+OK " + size + b" octets"
    assert lines[-3:] == [b".leading dot", b"..two", b"end"] and octets == int(size)  # poplib undoes the stuffing
    p.quit()


def test_imap_authenticate_plain_with_and_without_initial_response(running_host):
    m = imaplib.IMAP4(*running_host.connect_address(143), timeout=10)
    # imaplib sends no initial response: it waits for "+ " and answers on its own line
    typ, _ = m.authenticate("PLAIN", lambda challenge: b"\0bob\0secret")
    assert typ == "OK" and m.state == "AUTH"
    m.logout()
    with socket.create_connection(running_host.connect_address(143), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"a AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=\r\n")  # SASL-IR, as curl does
        assert f.readline().startswith(b"a OK")
        # logged in, AUTHENTICATE is a command Dovecot's imap process does not know
        s.sendall(b"z AUTHENTICATE PLAIN\r\n")
        assert f.readline() == b"z BAD Error in IMAP command AUTHENTICATE: Unknown command.\r\n"
    with socket.create_connection(running_host.connect_address(143), timeout=10) as s:
        f = s.makefile("rb")
        f.readline()
        s.sendall(b"b AUTHENTICATE PLAIN\r\n")
        assert f.readline() == b"+ \r\n"
        s.sendall(b"*\r\n")
        assert f.readline() == b"b BAD Authentication aborted by client.\r\n"


def test_imap_third_garbage_line_before_login_says_bye(running_host):
    replies, rest = talk(running_host.connect_address(143), [b"hello\r\n", b"\r\n", b"GET / HTTP/1.0\r\n"])
    assert replies[:2] == [b"* BAD Error in IMAP command received by server.\r\n"] * 2
    assert replies[2] == b"* BYE Too many invalid IMAP commands.\r\n" and rest == b""  # and the server hung up


def test_imap_too_large_literal_is_refused(running_host, monkeypatch):
    monkeypatch.setattr(imap_server, "MAX_APPEND", 1000)
    replies, rest = talk(running_host.connect_address(143), [b"a LOGIN bob secret\r\n", b"b APPEND INBOX {5000}\r\n"])
    assert replies[1] == b"* BYE Literal size too large\r\n" and rest == b""
