"""core/rewrite.py without the real sendmail: what outgoing() keeps and changes in a header, and
that a delivery streams the body unchanged under the rewritten header (the comparisons with
the real sendmail are in tests/rules/test_rewrite_differential.py)."""

import os

from mailkit.core import config, rewrite, runner
from mailkit.core.message import Message, mbox_entry
from mailkit.core.queue import Envelope, Queue


def test_address_fields_rewritten_others_kept_byte_for_byte(world):
    cfg = config.load(world)
    head = (b"Received: from x\n\tby y\nFrom: Alice <alice>\nSubject: To: bob\nTo: bob, carol\n"
            b"X-To: bob\nBcc: dave\n")
    sender, out = rewrite.outgoing(world, cfg, "esmtp", "alice", head)
    assert sender == "alice@localhost.localdomain"
    assert out == (b"Received: from x\n\tby y\nFrom: Alice <alice@localhost.localdomain>\nSubject: To: bob\n"
                   b"To: bob@localhost.localdomain, carol@localhost.localdomain\nX-To: bob\n")  # Bcc: beside To:
    # CRLF in, CRLF out; no To:/Cc: -> an empty Bcc: goes out
    assert rewrite.outgoing(world, cfg, "esmtp", "", b"Bcc: dave\r\nSubject: x\r\n")[1] == b"Bcc:\r\nSubject: x\r\n"


def test_long_lists_fold_before_column_78_and_old_style_lists_split_at_blanks(world):
    cfg = config.load(world)
    names = ", ".join(f"user{i}" for i in range(8))
    out = rewrite.outgoing(world, cfg, "local", "a@b.example", f"To: {names}\n".encode())[1].decode()
    lines = out.splitlines()
    assert len(lines) > 1 and all(len(ln) <= 78 for ln in lines)
    assert lines[1].startswith("        user") and lines[0].endswith(",")
    # O OldStyleHeaders=True and no ",(<;" in any address field: blanks separate the names
    assert rewrite.outgoing(world, cfg, "local", "", b"To: bob carol\n")[1] == (
        b"To: bob@localhost.localdomain, carol@localhost.localdomain\n")


def test_an_unknown_mailer_or_a_broken_cf_changes_nothing(world):
    cfg = config.load(world)
    assert rewrite.outgoing(world, cfg, "nosuch", "alice", b"To: bob\n") == ("alice", b"To: bob\n")


def test_a_queued_message_keeps_its_body_under_the_rewritten_header(world, clock):
    cfg = config.load(world)
    q = Queue(world, cfg.queue_dir)
    body = b"line one\r\nFrom here\r\n>From there\r\n" + b"x" * 70000 + b"\r\nend\r\n"
    data = b"From: Alice <alice@localhost>\r\nTo: bob\r\nSubject: s\r\n\r\n" + body
    e = q.enqueue(Envelope("alice@localhost", ["bob@localhost"]), data, clock)
    fd = world.open(f"{cfg.queue_dir}/df{e.qid}", os.O_RDONLY)
    with Message.from_fd(b"".join(f"{k}: {v}\n".encode() for k, v in e.headers) + b"\n", fd) as msg:
        local, sender = rewrite.for_mailer(world, cfg, "local", msg, e.sender)
        assert sender == "alice@localhost.localdomain"
        head = local.head().decode()
        assert "From: Alice <alice@localhost.localdomain>" in head and "To: bob@localhost.localdomain" in head
        expected = mbox_entry(head.encode() + b"\n\n" + body, sender, clock.now())
        assert mbox_entry(local, sender, clock.now()) == expected
    runner.run_queue(world, cfg, clock)
    assert world.path("/var/spool/mail/bob").read_bytes() == expected
