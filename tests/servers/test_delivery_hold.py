"""Background deliveries wait for a pause in the incoming mail, never longer than
DELIVERY_HOLD after their own 250; a message alone is delivered at once."""

import mailbox
import smtplib
import threading
import time

from mailkit.servers import smtp

MESSAGE = b"Subject: hold\r\n\r\nbody\r\n"


def _count(host) -> int:
    path = host.world.path("/var/spool/mail/bob")
    return len(mailbox.mbox(str(path))) if path.exists() else 0


def _delivered_within(host, want: int, limit: float) -> float | None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if _count(host) >= want:
            return time.monotonic() - t0
        time.sleep(0.01)
    return None


def test_a_message_alone_is_delivered_at_once(host):
    addr = host.runtime.connect_address(25)
    with smtplib.SMTP(*addr, timeout=30) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], MESSAGE)
    took = _delivered_within(host, 1, 5)
    assert took is not None and took < 0.5, took


def test_a_burst_holds_deliveries_at_most_the_hold(host, monkeypatch):
    monkeypatch.setattr(smtp, "DELIVERY_HOLD", 0.6)
    addr = host.runtime.connect_address(25)
    stop = threading.Event()
    sent = []

    def keep_sending():  # other mail, committed back to back for the whole test
        with smtplib.SMTP(*addr, timeout=30) as s:
            while not stop.is_set():
                s.sendmail("alice@localhost", ["alice@localhost"], MESSAGE)
                sent.append(1)

    senders = [threading.Thread(target=keep_sending) for _ in range(3)]
    for t in senders:
        t.start()
    try:
        while len(sent) < 20:
            time.sleep(0.01)
        with smtplib.SMTP(*addr, timeout=30) as s:
            s.sendmail("alice@localhost", ["bob@localhost"], MESSAGE)
        took = _delivered_within(host, 1, 10)
        busy = len(sent)
    finally:
        stop.set()
        for t in senders:
            t.join()
    assert took is not None, "held past the hold while mail kept coming"
    assert took < 0.6 + 2.0, took
    assert busy > 20  # the burst went on meanwhile
