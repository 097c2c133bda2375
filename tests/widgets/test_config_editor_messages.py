"""ConfigEditor speaks the learner's language: its own messages follow lang=, while what the
tools print (makemap's "FILE: line N: reason") is shown as they print it."""

import html
import re

import pytest

from mailkit.commands import load_all
from mailkit.core.world import ACCESS, LOCAL_HOST_NAMES, SENDMAIL_CF
from mailkit.widgets import ConfigEditor
from mailkit.widgets.config_editor import LABELS, validate

load_all()
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# (option, bad value typed in the form, the Korean message, the English message)
BAD_VALUES = [
    ("MaxMessageSize", -5,
     'MaxMessageSize 값은 0 이상의 정수(바이트 수)여야 합니다: "-5"',
     'MaxMessageSize: "-5" is not a number of bytes'),
    ("Timeout.queuereturn", "5 days",
     'Timeout.queuereturn 값은 5d, 4h, 1h30m 같은 시간이어야 합니다: "5 days"',
     'Timeout.queuereturn: "5 days" is not a time like 5d, 4h or 1h30m'),
    ("Timeout.queuewarn", "0h",
     "Timeout.queuewarn 값은 0보다 큰 시간이어야 합니다",
     "Timeout.queuewarn: the time must be more than 0"),
    ("DaemonPortOptions.Addr", "127.0.0.256",
     'DaemonPortOptions.Addr 값은 127.0.0.1, 0.0.0.0 같은 IPv4 주소여야 합니다: "127.0.0.256"',
     'DaemonPortOptions.Addr: "127.0.0.256" is not an IPv4 address like 127.0.0.1 or 0.0.0.0'),
    ("DaemonPortOptions.Addr", "::1",
     'DaemonPortOptions.Addr: 여기서 sendmail의 Addr=에는 IPv4 주소만 쓸 수 있습니다: "::1"',
     'DaemonPortOptions.Addr: "::1": sendmail\'s Addr= takes an IPv4 address here'),
    ("DaemonPortOptions.Port", "99999",
     'DaemonPortOptions.Port 값은 포트 번호나 서비스 이름(smtp, submission)이어야 합니다: "99999"',
     'DaemonPortOptions.Port: "99999" is not a port number or a service name (smtp, submission)'),
    ("QueueDirectory", "var/spool/mqueue",
     'QueueDirectory 값은 절대 경로여야 합니다: "var/spool/mqueue"',
     'QueueDirectory: "var/spool/mqueue" is not an absolute path'),
    ("AliasFile", "/etc/aliases, aliases.local",
     'AliasFile 값은 절대 경로여야 합니다: "aliases.local"',
     'AliasFile: "aliases.local" is not an absolute path'),
    ("PrivacyOptions", "novrfy,nosuchflag",
     'PrivacyOptions: 알 수 없는 플래그 "nosuchflag" (쓸 수 있는 값: ',
     'PrivacyOptions: unknown flag "nosuchflag" (known: '),
    ("Dn", "  ", "Dn 값은 비워 둘 수 없습니다", "Dn: must not be empty"),
]


def _shown(ed, message):
    """The error line as the widget draws it: the heading in ed's language, then the message."""
    return f'<b>{LABELS[ed.lang]["invalid"]}:</b> {html.escape(message)}'


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("key,bad,ko,en", BAD_VALUES, ids=[f"{k}={b}" for k, b, *_ in BAD_VALUES])
def test_a_bad_option_is_refused_in_the_editors_language(offline_host, lang, key, bad, ko, en):
    path = offline_host.world.path(SENDMAIL_CF)
    before = path.read_bytes()
    ed = ConfigEditor(offline_host, lang=lang)
    ed.inputs["MaxMessageSize"].value = 5000 if key != "MaxMessageSize" else -5
    ed.inputs[key].value = bad
    assert ed.apply_options() is False
    assert path.read_bytes() == before  # nothing applied, not even the good change alongside
    assert ed.command_log.entries == []
    expected, other = (ko, en) if lang == "ko" else (en, ko)
    assert _shown(ed, expected) in ed.error.value
    assert html.escape(other) not in ed.error.value
    assert html.escape(expected) in ed.field_status[key].value  # the cross's tooltip, too
    if lang == "ko":
        assert "잘못된 값 (아무것도 쓰지 않았습니다)" in ed.error.value
    else:
        assert "Invalid value (nothing was written)" in ed.error.value
        assert not HANGUL.search(ed.error.value + ed.field_status[key].value)


def test_every_option_kind_has_its_message_in_both_languages():
    assert LABELS["ko"].keys() == LABELS["en"].keys()
    for key, bad in [("MaxMessageSize", "x"), ("Timeout.queuereturn", "soon"),
                     ("DaemonPortOptions.Addr", "host"), ("DaemonPortOptions.Port", "nope"),
                     ("DeliveryMode", "x"), ("Fw", "local-host-names"), ("PrivacyOptions", "nosuch"),
                     ("Cw", "")]:
        ko, en = validate(key, bad, "ko"), validate(key, bad, "en")
        assert ko and en and ko != en
        assert ko.startswith(key) and en.startswith(key)  # option names stay as they are
        assert HANGUL.search(ko) and not HANGUL.search(en)


def test_a_bad_delivery_mode_letter():
    # the form offers a drop-down, so the letter is checked as validate() sees a typed value
    assert validate("DeliveryMode", "x", "ko") == 'DeliveryMode 값은 i, b, q, d 중 하나여야 합니다: "x"'
    assert validate("DeliveryMode", "x", "en") == 'DeliveryMode: "x" is not one of i, b, q, d'
    assert validate("DeliveryMode", "q", "ko") is None


@pytest.mark.parametrize("lang,heading", [("ko", "잘못된 값 (아무것도 쓰지 않았습니다)"),
                                          ("en", "Invalid value (nothing was written)")])
def test_a_malformed_map_line_keeps_makemaps_words_under_the_editors_heading(offline_host, lang, heading):
    before = offline_host.world.read_text(ACCESS)
    db_before = offline_host.world.path(ACCESS + ".db").read_bytes()
    ed = ConfigEditor(offline_host, lang=lang)
    ed.editors[ACCESS].value = before + "example.com MAYBE\n"
    assert ed.apply_file(ACCESS) is False
    assert offline_host.world.read_text(ACCESS) == before
    assert offline_host.world.path(ACCESS + ".db").read_bytes() == db_before
    n = len(before.splitlines()) + 1
    assert f"<b>{heading}:</b> {ACCESS}: line {n}: unknown action &quot;MAYBE&quot;" in ed.error.value
    assert ed.command_log.entries == []


@pytest.mark.parametrize("lang,message", [
    ("ko", '{file} {n}번째 줄: 호스트 이름이 아닙니다: "bad_name!"'),
    ("en", '{file}: line {n}: "bad_name!" is not a host name'),
], ids=["ko", "en"])
def test_a_bad_local_host_name_is_refused_in_the_editors_language(offline_host, lang, message):
    before = offline_host.world.read_text(LOCAL_HOST_NAMES)
    ed = ConfigEditor(offline_host, lang=lang)
    ed.editors[LOCAL_HOST_NAMES].value = before + "bad_name!\n"
    assert ed.apply_file(LOCAL_HOST_NAMES) is False
    assert offline_host.world.read_text(LOCAL_HOST_NAMES) == before
    n = len(before.splitlines()) + 1
    assert _shown(ed, message.format(file=LOCAL_HOST_NAMES, n=n)) in ed.error.value
    assert ed.command_log.entries == []


@pytest.mark.parametrize("lang,message", [
    ("ko", '/home/bob/.forward 2번째 줄: 주소, /파일, |프로그램 중 어느 것도 아닙니다: "not an address"'),
    ("en", '/home/bob/.forward: line 2: "not an address" is not an address, /file or |program'),
], ids=["ko", "en"])
def test_a_bad_forward_line_is_refused_in_the_editors_language(offline_host, lang, message):
    path = offline_host.world.home("bob") / ".forward"
    path.write_text("carol@localhost\n")
    ed = ConfigEditor(offline_host, lang=lang, user="bob")
    ed.editors[".forward"].value = "carol@localhost\nnot an address\n"
    assert ed.apply_file(".forward") is False
    assert path.read_text() == "carol@localhost\n"
    assert _shown(ed, message) in ed.error.value


def test_apply_in_korean_writes_runs_and_clears_the_error(offline_host):
    path = offline_host.world.path(SENDMAIL_CF)
    ed = ConfigEditor(offline_host, lang="ko")
    assert ed.apply_buttons["sendmail.cf"].description == "적용"
    assert ed.apply_buttons["sendmail.cf"].tooltip == "/etc/mail/sendmail.cf를 저장하고 systemctl restart sendmail 실행"
    ed.inputs["MaxMessageSize"].value = -1
    ed.apply_buttons["sendmail.cf"].click()
    assert "잘못된 값" in ed.error.value and "O MaxMessageSize=" not in path.read_text().replace("#O", "")
    ed.inputs["MaxMessageSize"].value = 1000
    ed.apply_buttons["sendmail.cf"].click()
    assert ed.error.value == "" and ed.field_status["MaxMessageSize"].value == ""
    assert "\nO MaxMessageSize=1000\n" in path.read_text()
    log = ed.command_log.text
    assert "# vi /etc/mail/sendmail.cf\n  O MaxMessageSize=1000\n# systemctl restart sendmail" in log
    # this host's servers are not running, so the restart fails: the note is in Korean, the
    # command's own words are not translated
    assert "Failed to restart sendmail.service" in log and log.endswith("(종료 코드 1)")
    ed.apply_buttons["sendmail.cf"].click()
    assert ed.command_log.text.endswith("바뀐 것이 없습니다.")


def test_apply_in_english_notes_the_exit_status_in_english(offline_host):
    ed = ConfigEditor(offline_host, lang="en")
    ed.inputs["MaxMessageSize"].value = 1000
    assert ed.apply_options() is True
    assert ed.command_log.text.endswith("(exit status 1)")
    assert ed.apply_options() is True
    assert ed.command_log.text.endswith("Nothing changed.")


def test_forward_note_follows_lang(offline_host):
    for lang, note in [("ko", "~/.forward는 배달할 때마다 읽으므로 다시 만들 것이 없습니다."),
                       ("en", "~/.forward is read at each delivery: nothing to rebuild.")]:
        ed = ConfigEditor(offline_host, lang=lang, user="bob")
        ed.editors[".forward"].value = "carol@localhost"
        assert ed.apply_file(".forward") is True
        assert ed.command_log.text == "# vi /home/bob/.forward\n" + note
        assert (offline_host.world.home("bob") / ".forward").read_text() == "carol@localhost\n"
