"""A saved notebook opened without a kernel shows each widget's text/plain: it must read as a summary
of what the widget showed, in the notebook's language, never ipywidgets' `Name(children=(...`."""

import smtplib

import pytest

from mailkit.widgets import ConfigEditor, MailboxViewer, QueueInspector, Telnet, Trace
from waiting import wait_until


def plain(widget) -> str:
    return widget._repr_mimebundle_()["text/plain"]


@pytest.mark.parametrize("lang,hint", [("ko", "커널이 실행 중일 때"), ("en", "with a live kernel")])
def test_every_widget_has_a_readable_fallback(live_host, monkeypatch, lang, hint):
    monkeypatch.setenv("MAILKIT_LANG", lang)
    addr, port = live_host.runtime.connect_address(25)
    with smtplib.SMTP(addr, port, timeout=10) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], b"Subject: fallback\n\nhi\n")
    assert wait_until(lambda: b"fallback" in live_host.world.mailbox_path("bob").read_bytes())
    texts = {
        "config": plain(ConfigEditor(live_host, lang=lang)),
        "queue": plain(QueueInspector(live_host)),
        "mailbox": plain(MailboxViewer(live_host, "bob")),
        "trace": plain(Trace(live_host, "bob@localhost", lang=lang)),
        "telnet": plain(Telnet(live_host, connect=False)),
    }
    for name, text in texts.items():
        assert "(children=" not in text and text.rstrip().endswith("]"), (name, text)
        assert hint in text, (name, text)
    assert texts["config"].startswith("ConfigEditor: ") and "sendmail.cf" in texts["config"]
    assert "/var/spool/mqueue is empty" in texts["queue"]
    one = {"ko": "메일 1통", "en": "1 message"}[lang]
    assert texts["mailbox"].startswith(f"MailboxViewer: /var/spool/mail/bob: {one}") and "fallback" in texts["mailbox"]
    assert texts["trace"].startswith("Trace of ")
    assert texts["telnet"].startswith("Telnet: telnet localhost 25")
