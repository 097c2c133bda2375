"""ConfigEditor driven as a learner would: set values, click Apply, then look at the files and
talk to the live server."""

import smtplib

import pytest

from mailkit.commands.base import REGISTRY
from mailkit.commands import load_all
from mailkit.core.world import SENDMAIL_CF
from mailkit.widgets import ConfigEditor
from mailkit.widgets.config_editor import read_values, rewrite
from waiting import wait_until

load_all()
needs_systemctl = pytest.mark.skipif("systemctl" not in REGISTRY, reason="the systemctl command is not in this checkout yet")


def smtp(host):
    addr, port = host.runtime.connect_address(25)
    return smtplib.SMTP(addr, port, timeout=10)


def test_form_shows_the_files_values_and_meanings_in_both_languages(offline_host):
    ko = ConfigEditor(offline_host)
    assert ko.inputs["MaxMessageSize"].value == 0
    assert ko.inputs["DeliveryMode"].value == "b"
    assert ko.inputs["DaemonPortOptions.Addr"].value == "127.0.0.1"
    assert ko.inputs["Timeout.queuereturn"].value == "5d"
    assert ko.inputs["Cw"].value == "localhost"
    assert ko.editors["/etc/aliases"].value == offline_host.world.read_text("/etc/aliases")
    html_ko = ko.tabs.children[0].children[6].children[2].value
    assert "최대 크기" in html_ko
    en = ConfigEditor(offline_host, lang="en")
    assert "Largest message" in en.tabs.children[0].children[6].children[2].value
    with pytest.raises(ValueError):
        ConfigEditor(offline_host, lang="fr")


@pytest.mark.parametrize("key,bad", [
    ("Timeout.queuereturn", "5 days"), ("DaemonPortOptions.Addr", "127.0.0.256"),
    ("PrivacyOptions", "novrfy,nosuchflag"), ("QueueDirectory", "var/spool/mqueue"),
    ("DaemonPortOptions.Port", "99999"),
])
def test_a_bad_value_is_shown_and_nothing_is_written(offline_host, key, bad):
    before = offline_host.world.path(SENDMAIL_CF).read_bytes()
    ed = ConfigEditor(offline_host, lang="en")
    ed.inputs["MaxMessageSize"].value = 5000  # a good change alongside must not be written either
    ed.inputs[key].value = bad
    ed.apply_buttons["sendmail.cf"].click()
    assert offline_host.world.path(SENDMAIL_CF).read_bytes() == before
    assert "Invalid value" in ed.error.value and key in ed.error.value
    assert "&#10007;" in ed.field_status[key].value  # the field itself is marked
    assert ed.field_status["MaxMessageSize"].value == ""
    assert ed.command_log.entries == []


def test_apply_rewrites_only_the_changed_lines(offline_host):
    path = offline_host.world.path(SENDMAIL_CF)
    before = path.read_text().splitlines(keepends=True)
    ed = ConfigEditor(offline_host, lang="en")
    ed.inputs["MaxMessageSize"].value = 1000
    ed.inputs["DeliveryMode"].value = "q"
    ed.inputs["DaemonPortOptions.Addr"].value = "0.0.0.0"
    ed.inputs["Dj"].value = "mail.example.com"
    ed.apply_buttons["sendmail.cf"].click()
    after = path.read_text().splitlines(keepends=True)
    assert len(after) == len(before)
    diff = {i: (a, b) for i, (a, b) in enumerate(zip(before, after)) if a != b}
    assert sorted(b for _, b in diff.values()) == sorted([
        "Djmail.example.com\n", "O MaxMessageSize=1000\n", "O DeliveryMode=queueonly\n",
        "O DaemonPortOptions=Port=smtp,Addr=0.0.0.0, Name=MTA\n"])
    assert [a for a, _ in diff.values() if a.startswith("#O MaxMessageSize")] == ["#O MaxMessageSize=0\n"]
    assert "# vi /etc/mail/sendmail.cf" in ed.command_log.text
    assert "# systemctl restart sendmail" in ed.command_log.text
    # a second Apply with nothing changed writes nothing
    mtime = path.stat().st_mtime_ns
    ed.apply_buttons["sendmail.cf"].click()
    assert path.stat().st_mtime_ns == mtime


def test_rewrite_comments_out_an_emptied_macro_and_keeps_crlf():
    text = "V10\r\nDjold.example.com\r\nO MaxMessageSize=5\r\n"
    old = read_values(text)
    new_text, changed = rewrite(text, old, dict(old, Dj="", MaxMessageSize="7"))
    assert new_text == "V10\r\n#Djold.example.com\r\nO MaxMessageSize=7\r\n"
    assert changed == ["#Djold.example.com", "O MaxMessageSize=7"]


def test_access_reject_applied_with_makemap_refuses_a_live_mail_from(live_host):
    ed = ConfigEditor(live_host, lang="en")
    # spam.example.net is in the world's /etc/hosts: the real sendmail 8.17 refuses a sender
    # domain it cannot resolve ("553 5.1.8 ... does not exist") before access.db is asked
    with smtp(live_host) as s:  # before: accepted
        s.ehlo("client.example.com")
        assert s.mail("spammer@spam.example.net")[0] == 250
    ed.editors["/etc/mail/access"].value += "From:spammer@spam.example.net\tREJECT\n"
    ed.apply_buttons["/etc/mail/access"].click()
    assert "From:spammer@spam.example.net\tREJECT" in live_host.world.read_text("/etc/mail/access")
    assert "# makemap hash /etc/mail/access < /etc/mail/access" in ed.command_log.text
    with smtp(live_host) as s:
        s.ehlo("client.example.com")
        code, msg = s.mail("spammer@spam.example.net")
        assert code == 550 and b"Access denied" in msg
        assert s.mail("alice@localhost")[0] in (250, 503)  # others still welcome


def test_access_with_a_bad_line_is_refused_and_the_old_file_kept(offline_host):
    before = offline_host.world.read_text("/etc/mail/access")
    db_before = offline_host.world.path("/etc/mail/access.db").read_bytes()
    ed = ConfigEditor(offline_host, lang="en")
    ed.editors["/etc/mail/access"].value = before + "example.com MAYBE\n"
    ed.apply_buttons["/etc/mail/access"].click()
    assert offline_host.world.read_text("/etc/mail/access") == before
    assert offline_host.world.path("/etc/mail/access.db").read_bytes() == db_before
    assert "/etc/mail/access: line" in ed.error.value and "MAYBE" in ed.error.value


def test_aliases_apply_runs_newaliases(offline_host):
    ed = ConfigEditor(offline_host, lang="en")
    ed.editors["/etc/aliases"].value += "webmaster: ihduser, kaituser\n"
    ed.apply_buttons["/etc/aliases"].click()
    assert "webmaster: ihduser, kaituser" in offline_host.world.read_text("/etc/aliases")
    assert "# newaliases" in ed.command_log.text
    assert "/etc/aliases:" in ed.command_log.text and "aliases, longest" in ed.command_log.text
    from mailkit.core import aliases, config
    assert aliases.lookup(offline_host.world, config.load(offline_host.world), "webmaster") == ["ihduser", "kaituser"]


def test_forward_is_written_for_the_chosen_user(offline_host):
    ed = ConfigEditor(offline_host, lang="en", user="carol")
    assert ed.forward_user.value == "carol" and ed.forward_path() == "/home/carol/.forward"
    ed.forward_user.value = "bob"
    ed.editors[".forward"].value = "carol@localhost"
    ed.apply_buttons[".forward"].click()
    path = offline_host.world.home("bob") / ".forward"
    assert path.read_text() == "carol@localhost\n"
    assert path.stat().st_mode & 0o022 == 0
    ed.editors[".forward"].value = "not an address"
    ed.apply_buttons[".forward"].click()
    assert path.read_text() == "carol@localhost\n"
    assert "is not an address" in ed.error.value


@needs_systemctl
def test_max_message_size_from_the_form_shows_in_the_live_ehlo(live_host):
    ed = ConfigEditor(live_host, lang="en")
    ed.inputs["MaxMessageSize"].value = 2000
    ed.apply_buttons["sendmail.cf"].click()
    assert "O MaxMessageSize=2000" in live_host.world.read_text(SENDMAIL_CF)
    with smtp(live_host) as s:
        s.ehlo("client")
        assert s.esmtp_features.get("size") == "2000"
        code, _ = s.mail("alice@localhost", ["SIZE=5000"])
        assert code == 552




@needs_systemctl
def test_local_host_names_apply_restarts_and_mail_for_the_new_domain_is_delivered(live_host):
    world = live_host.world
    box = world.mailbox_path("bob")
    ed = ConfigEditor(live_host, lang="en")
    with smtp(live_host) as s:  # before: newdomain.example is somebody else's, the mail waits
        s.sendmail("alice@localhost", ["bob@newdomain.example"], "Subject: before\n\nfirst\n")
    assert wait_until(lambda: any(p.name.startswith("qf") for p in world.path("/var/spool/mqueue").iterdir()))
    assert b"Subject: before" not in box.read_bytes()
    ed.editors["/etc/mail/local-host-names"].value += "newdomain.example\n"
    ed.apply_buttons["/etc/mail/local-host-names"].click()
    assert "newdomain.example" in world.read_text("/etc/mail/local-host-names")
    assert "# systemctl restart sendmail" in ed.command_log.text
    with smtp(live_host) as s:
        s.sendmail("alice@localhost", ["bob@newdomain.example"], "Subject: after\n\nsecond\n")
    assert wait_until(lambda: b"Subject: after" in box.read_bytes())


@needs_systemctl
def test_daemon_addr_from_the_form_moves_the_listener(live_host):
    ed = ConfigEditor(live_host, lang="en")
    assert live_host.runtime.ports[25][0] == "127.0.0.1"
    ed.inputs["DaemonPortOptions.Addr"].value = "0.0.0.0"
    ed.apply_buttons["sendmail.cf"].click()
    assert live_host.runtime.ports[25][0] == "0.0.0.0"
    assert any(ln.addr == "0.0.0.0" and ln.port == 25 for ln in live_host.runtime.listeners())


@needs_systemctl
def test_queue_only_mode_then_flush_from_the_queue_inspector(live_host):
    from mailkit.widgets import QueueInspector

    ed = ConfigEditor(live_host, lang="en")
    ed.inputs["DeliveryMode"].value = "q"
    ed.apply_buttons["sendmail.cf"].click()
    with smtp(live_host) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], "Subject: waits\n\nqueued only\n")
    qi = QueueInspector(live_host)
    assert len(qi.ids) == 1 and qi.rows[0]["recipients"] == ["bob@localhost"]
    assert b"queued only" not in live_host.world.mailbox_path("bob").read_bytes()
    qi.flush_button.click()
    assert qi.ids == []
    assert b"queued only" in live_host.world.mailbox_path("bob").read_bytes()


@needs_systemctl
def test_shortened_queuereturn_bounces_on_the_next_queue_run(live_host):
    from datetime import timedelta

    from mailkit.widgets import QueueInspector

    ed = ConfigEditor(live_host, lang="en")
    ed.inputs["Timeout.queuereturn"].value = "1h"
    ed.apply_buttons["sendmail.cf"].click()
    assert "O Timeout.queuereturn=1h" in live_host.world.read_text(SENDMAIL_CF)
    with smtp(live_host) as s:
        s.sendmail("alice@localhost", ["someone@example.com"], "Subject: far away\n\nhello\n")
    qi = QueueInspector(live_host)
    assert wait_until(lambda: (qi.refresh() or True) and qi.rows and "Deferred" in qi.rows[0]["reason"])
    live_host.clock.advance(timedelta(hours=2))
    qi.flush_button.click()
    assert qi.ids == []
    box = live_host.world.mailbox_path("alice").read_bytes()
    assert b"MAILER-DAEMON" in box and b"Cannot send message for 1 hour" in box


def test_config_editor_opens_on_the_tab_its_cell_is_about(offline_host):
    from mailkit.widgets import ConfigEditor

    ed = ConfigEditor(offline_host, lang="en")
    assert ed.tabs.selected_index == 0  # the options
    assert ConfigEditor(offline_host, lang="en", tab="access").tabs.selected_index == ed.tab_keys().index("/etc/mail/access")
    assert ConfigEditor(offline_host, lang="en", tab="/etc/aliases").tabs.selected_index == ed.tab_keys().index("/etc/aliases")
    ed.editors["/etc/mail/virtusertable"].value += "jobs@example.com\talice\n"
    assert ed.apply_file("/etc/mail/virtusertable")
    assert ed.tabs.selected_index == ed.tab_keys().index("/etc/mail/virtusertable")
    assert "(open: virtusertable)" in ed._repr_mimebundle_()["text/plain"]
    with pytest.raises(ValueError, match="no tab"):
        ed.select_tab("nonsense")
