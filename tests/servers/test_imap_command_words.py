"""What Dovecot 2.3 answers to commands in the wrong state or with odd arguments (seen from a
private Dovecot 2.3.19 here; its "(0.001 + 0.000 secs)" timing suffix is not copied)."""

import socket

import pytest


def dialogue(addr, lines):
    with socket.create_connection(addr, timeout=10) as s:
        f = s.makefile("rb")
        f.readline()  # greeting
        replies = []
        for line in lines:
            s.sendall(line + b"\r\n")
            tag = line.split(b" ", 1)[0]
            got = []
            while True:
                reply = f.readline()
                got.append(reply)
                if reply.startswith((tag + b" ", b"* BYE", b"* BAD")) or not reply:
                    break
            replies.append(b"".join(got))
        return replies


@pytest.mark.parametrize("line,expected", [
    (b"c FOO", b"c BAD Error in IMAP command FOO: Unknown command.\r\n"),
    (b"d LOGIN bob secret", b"d BAD Error in IMAP command LOGIN: Unknown command.\r\n"),
    (b"e AUTHENTICATE PLAIN", b"e BAD Error in IMAP command AUTHENTICATE: Unknown command.\r\n"),
])
def test_after_login_unknown_commands_and_a_second_login_are_named(running_host, line, expected):
    replies = dialogue(running_host.connect_address(143), [b"a LOGIN bob secret", line])
    assert replies[0].startswith(b"a OK ") and replies[1] == expected


@pytest.mark.parametrize("line,expected", [
    (b'a ID ("x" "y")', b'* ID ("name" "mailkit")\r\na OK ID completed.\r\n'),
    (b'a ID (("x" "y"))', b"a BAD Invalid ID parameters\r\n"),
    (b'a ID ' + b"(" * 20 + b'"x"' + b")" * 20, b"a BAD Too many '('\r\n"),
])
def test_id_before_login_allows_one_level_of_lists(running_host, line, expected):
    assert dialogue(running_host.connect_address(143), [line]) == [expected]


def test_an_invalid_tag_is_an_untagged_bad(running_host):
    for tag in (b"+", b"\x1b[2J", b"*a", b"a{"):
        assert dialogue(running_host.connect_address(143), [tag + b" NOOP"]) == \
            [b"* BAD Error in IMAP command received by server.\r\n"]
