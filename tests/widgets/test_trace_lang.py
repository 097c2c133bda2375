"""The trace in Korean and English: mailkit's own sentences come from one table, what they quote
(reject texts, queue ids, addresses, file names, dsn=/stat=) stays as logged."""

import re
import string

import pytest

from mailkit.core.trace import TEXTS, build_trace
from mailkit.widgets import Trace

MTA, REFUSED = "6AT90001004243", "6AT90005004242"
REJECT = "550 5.7.1 <eve@spam.example.net>... Access denied"
LOG = f"""\
Nov 29 09:00:00 localhost sendmail[4243]: {MTA}: from=<alice@localhost>, size=40, class=0, nrcpts=1, msgid=<m1@localhost>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]
Nov 29 09:00:01 localhost sendmail[4243]: {MTA}: to=<bob@localhost>, delay=00:00:01, mailer=local, pri=30040, dsn=2.0.0, stat=Sent
Nov 29 09:00:05 localhost dovecot: pop3-login: Login: user=<bob>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1
Nov 29 09:00:09 localhost sendmail[4242]: {REFUSED}: ruleset=check_mail, arg1=<eve@spam.example.net>, relay=spam.example.net [127.0.0.3], reject={REJECT}
"""
MBOX = "From alice@localhost Sun Nov 29 09:00:01 2020\nMessage-ID: <m1@localhost>\nSubject: t\n\nhi\n\n"

DELIVERED = {
    "en": [
        "<alice@localhost> sent it over ESMTP from localhost [127.0.0.1]",
        f"sendmail accepted it as {MTA}: size=40, nrcpts=1, daemon=MTA",
        f"written to the queue as qf{MTA}/df{MTA}, removed after delivery",
        "delivered <bob@localhost> by mailer=local (dsn=2.0.0, stat=Sent)",
        "stored in /var/spool/mail/bob (message 1)",
        "bob logged in with POP3 after delivery",
    ],
    "ko": [
        "보낸 사람 <alice@localhost>: localhost [127.0.0.1]에서 ESMTP로 보냄",
        f"sendmail이 받음 (큐 ID {MTA}): size=40, nrcpts=1, daemon=MTA",
        f"큐에 qf{MTA}/df{MTA} 파일로 저장됐다가 배달 후 삭제됨",
        "배달함: <bob@localhost> (mailer=local, dsn=2.0.0, stat=Sent)",
        "메일함에 저장됨: /var/spool/mail/bob (1번째 메시지)",
        "배달 후 bob 사용자가 로그인함 (POP3)",
    ],
}
REFUSED_STEPS = {
    "en": [
        "<eve@spam.example.net> tried to send it over SMTP from spam.example.net [127.0.0.3]",
        f"sendmail refused MAIL FROM:<eve@spam.example.net> (ruleset=check_mail): {REJECT}; "
        f"nothing was queued under {REFUSED}",
        "not reached: the MTA refused the message",
        "not reached: the MTA refused the message",
        "not reached",
        "not reached",
    ],
    "ko": [
        "보낸 사람 <eve@spam.example.net>: spam.example.net [127.0.0.3]에서 SMTP로 보내려 함",
        f"sendmail이 거절함: MAIL FROM:<eve@spam.example.net> (ruleset=check_mail): {REJECT}; "
        f"큐에 들어간 것 없음 (큐 ID {REFUSED})",
        "도달하지 않음: MTA가 거절함",
        "도달하지 않음: MTA가 거절함",
        "도달하지 않음",
        "도달하지 않음",
    ],
}
# words of the English sentences that must not be left in a Korean trace
ENGLISH = re.compile(r"\b(sent it|accepted|written|removed|delivered|stored|logged in|refused|queued|"
                     r"not reached|tried|message \d)\b")


@pytest.fixture
def logged(world):
    world.path("/var/log/maillog").write_text(LOG)
    world.path("/var/spool/mail/bob").write_text(MBOX)
    return world


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_delivered_message_in_each_language(logged, lang):
    shown, steps = build_trace(logged, "<m1@localhost>", lang=lang)
    assert shown == "<m1@localhost>"
    assert [s.agent for s in steps] == ["MUA", "MTA", "queue", "MDA", "mailbox", "POP3"]
    assert [s.what for s in steps] == DELIVERED[lang]
    assert all(s.ok and s.reached for s in steps)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_refused_message_in_each_language(logged, lang):
    shown, steps = build_trace(logged, "eve@spam.example.net", lang=lang)
    assert shown == REFUSED
    assert [s.what for s in steps] == REFUSED_STEPS[lang]
    assert REJECT in steps[1].what and REFUSED in steps[1].what  # quoted as logged, in both languages
    assert [(s.ok, s.reached) for s in steps] == [(True, True), (False, True)] + [(False, False)] * 4


def test_the_korean_trace_keeps_no_english_sentence(logged):
    for key in ("<m1@localhost>", "eve@spam.example.net", "nobody@nowhere", MTA):
        for s in build_trace(logged, key, lang="ko")[1]:
            assert not ENGLISH.search(s.what), s.what


def test_english_stays_the_default_of_the_core_function(logged):
    assert [s.what for s in build_trace(logged, "<m1@localhost>")[1]] == DELIVERED["en"]
    with pytest.raises(ValueError, match="lang must be one of"):
        build_trace(logged, "<m1@localhost>", lang="de")


def test_both_languages_fill_the_same_fields():
    fields = {lang: {k: {f for _, f, _, _ in string.Formatter().parse(v) if f} for k, v in t.items()}
              for lang, t in TEXTS.items()}
    assert set(TEXTS) == {"en", "ko"}
    assert fields["ko"] == fields["en"]
    same = {k for k in TEXTS["en"] if TEXTS["en"][k] == TEXTS["ko"][k]}
    assert same == {"user_agent", "queue_reason"}  # only the bare "({ua})" and ": {reason}"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_widget_speaks_the_language_of_mailkit_lang(logged, offline_host, monkeypatch, lang):
    monkeypatch.setenv("MAILKIT_LANG", lang)
    t = Trace(offline_host, "eve@spam.example.net")
    assert t.lang == lang
    assert [s["what"] for s in t.steps] == REFUSED_STEPS[lang]
    drawn = t.drawing.value.replace("&lt;", "<").replace("&gt;", ">")
    assert REFUSED_STEPS[lang][2] in drawn and REJECT in drawn
    t.key.value = "<m1@localhost>"
    assert [r["what"] for r in t.refresh().rows()] == DELIVERED[lang]


def test_the_widget_lang_given_wins_over_the_notebook(logged, offline_host, monkeypatch):
    monkeypatch.setenv("MAILKIT_LANG", "ko")
    assert Trace(offline_host, "<m1@localhost>", lang="en").steps[1]["what"] == DELIVERED["en"][1]
    with pytest.raises(ValueError):
        Trace(offline_host, "<m1@localhost>", lang="fr")


def test_the_widgets_own_words_follow_the_language(world, monkeypatch):
    from mailkit.widgets import Trace

    ko = Trace(world, lang="ko")
    en = Trace(world, lang="en")
    assert (ko.key.description, ko.refresh_button.description) == ("Message-ID / 큐 ID / 주소", "추적")
    assert (en.key.description, en.refresh_button.description) == ("Message-ID / queue id / address", "Trace")
