"""core/imapproto: tokens, sequence sets, strings, ENVELOPE, BODYSTRUCTURE and BODY[] sections."""

import pytest

from mailkit.core.imapproto import (ImapError, bodystructure, envelope, header_text, parse_message,
                                    parse_seqset, parse_token, parse_tokens, quote, section)

MULTIPART = (b"From: =?UTF-8?B?6rmA7LKg7IiY?= <kim@example.com>\r\nTo: bob@localhost, \"Carol C\" <carol@localhost>\r\n"
             b"Subject: parts\r\nDate: Sun, 29 Nov 2026 09:00:00 +0900\r\nMessage-ID: <1@x>\r\n"
             b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
             b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst part\r\n"
             b"--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n"
             b"--XX--\r\n")


def test_tokens_atoms_strings_lists_literals():
    assert parse_tokens('INBOX "a \\"b\\" \\\\c" (\\Seen \\Flagged) NIL') == ["INBOX", 'a "b" \\c', ["\\Seen", "\\Flagged"], "NIL"]
    assert parse_tokens("Drafts (\\Seen) {5}", [b"hello"]) == ["Drafts", ["\\Seen"], b"hello"]
    assert parse_tokens("1:* (FLAGS (BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]<0.100>))") == \
        ["1:*", ["FLAGS", ["BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]<0.100>"]]]


@pytest.mark.parametrize("line", ['"unterminated', "(open", "close)", "{3}"])
def test_token_errors_carry_their_reply(line):
    with pytest.raises(ImapError) as e:
        parse_tokens(line)
    assert e.value.kind == "BAD" and e.value.text


def test_sequence_sets():
    assert parse_seqset("1:3,5,7:*", 9) == [(1, 3), (5, 5), (7, 9)]
    assert parse_seqset("*:4", 2) == [(2, 4)]
    for bad in ("", "a", "1:b", "1,,2"):
        with pytest.raises(ImapError):
            parse_seqset(bad, 5)


def test_quote_switches_to_a_literal_for_8bit_and_line_ends():
    assert quote(None) == "NIL"
    assert quote('say "hi" \\') == '"say \\"hi\\" \\\\"'
    raw = "안녕".encode().decode("ascii", "surrogateescape")  # how compat32 hands over 8-bit headers
    assert quote(raw) == "{6}\r\n" + raw
    assert quote("a\r\nb") == "{4}\r\na\r\nb"


def test_header_text_decodes_encoded_words_and_raw_utf8():
    assert header_text("=?UTF-8?B?7JWI64WV?=") == "안녕"
    assert header_text("안녕".encode().decode("ascii", "surrogateescape")) == "안녕"
    assert header_text("folded\r\n line") == "folded line"
    assert header_text(None) == ""


def test_envelope():
    env = envelope(parse_message(MULTIPART))
    assert env == ('("Sun, 29 Nov 2026 09:00:00 +0900" "parts" (("=?UTF-8?B?6rmA7LKg7IiY?=" NIL "kim" "example.com")) '
                   '(("=?UTF-8?B?6rmA7LKg7IiY?=" NIL "kim" "example.com")) (("=?UTF-8?B?6rmA7LKg7IiY?=" NIL "kim" "example.com")) '
                   '((NIL NIL "bob" "localhost")("Carol C" NIL "carol" "localhost")) NIL NIL NIL "<1@x>")')


def test_bodystructure_multipart_and_simple():
    bs = bodystructure(parse_message(MULTIPART), extended=False)
    assert bs == ('(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 0)'
                  '("application" "octet-stream" NIL NIL NIL "base64" 4) "mixed")')
    simple = bodystructure(parse_message(b"Subject: s\r\n\r\nline1\r\nline2\r\n"))
    assert simple == '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 14 2 NIL NIL NIL)'


def test_sections():
    head = MULTIPART[: MULTIPART.index(b"\r\n\r\n") + 4]
    assert section(MULTIPART, "") == MULTIPART
    assert section(MULTIPART, "HEADER") == head
    assert section(MULTIPART, "TEXT") == MULTIPART[len(head):]
    assert section(MULTIPART, "HEADER.FIELDS (SUBJECT TO)") == \
        b"To: bob@localhost, \"Carol C\" <carol@localhost>\r\nSubject: parts\r\n\r\n"
    assert b"Subject" not in section(MULTIPART, "HEADER.FIELDS.NOT (SUBJECT)")
    assert section(MULTIPART, "1") == b"first part"  # the CRLF before a boundary is the boundary's
    assert section(MULTIPART, "1.MIME") == b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    assert section(MULTIPART, "2") == b"AAEC"
    assert section(MULTIPART, "3") == b""
    simple = b"Subject: s\r\n\r\nbody\r\n"
    assert section(simple, "1") == b"body\r\n"  # a single-part message is its own part 1
    with pytest.raises(ImapError):
        section(MULTIPART, "BOGUS")


def test_parse_token_returns_value_and_rest():
    lits = [b"one", b"two"]
    assert parse_token(' "a b" rest', lits) == ("a b", " rest")
    assert parse_token("(1 (2) {3}) tail", lits) == (["1", ["2"], b"one"], " tail")
    assert parse_token("{3+}x", lits) == (b"two", "x") and lits == []
    assert parse_token("BODY[HEADER.FIELDS (TO)]<5.9> X", []) == ("BODY[HEADER.FIELDS (TO)]<5.9>", " X")
    with pytest.raises(ImapError, match="Missing argument"):
        parse_token("   ", [])
