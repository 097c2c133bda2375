"""The SMTP server's answers come from the world's sendmail.cf rules: an edited R line, or a cf
built by m4 with another FEATURE and a LOCAL_RULESETS block, changes what a running host
answers after `systemctl restart sendmail` (and not before, as with the real daemon, which
reads its cf once at start)."""

from __future__ import annotations

import shutil
import smtplib

import pytest

from mailkit.commands.base import run

RELAY_RULE = 'R$*\t\t\t$#error $@ 5.7.1 $: "550 Relaying denied"'


def rcpt_reply(host, rcpt: str, sender: str = "a@client.example.com", source: str = "127.0.0.2"):
    with smtplib.SMTP(*host.runtime.connect_address(25), source_address=(source, 0), timeout=10) as s:
        s.ehlo("client.example.com")
        code, msg = s.mail(sender)
        if code != 250:
            return code, msg.decode()
        code, msg = s.rcpt(rcpt)
        return code, msg.decode()


def mail_reply(host, sender: str, source: str = "127.0.0.2"):
    with smtplib.SMTP(*host.runtime.connect_address(25), source_address=(source, 0), timeout=10) as s:
        s.ehlo("client.example.com")
        code, msg = s.mail(sender)
        return code, msg.decode()


def restart(host):
    assert run(host, ["systemctl", "restart", "sendmail"]).code == 0


def test_an_edited_r_line_changes_the_reply_after_a_restart(host):
    cf = host.world.path("/etc/mail/sendmail.cf")
    text = cf.read_text()
    assert text.count(RELAY_RULE) == 1
    assert rcpt_reply(host, "x@remote.example") == (550, "5.7.1 <x@remote.example>... Relaying denied")
    cf.write_text(text.replace(RELAY_RULE, RELAY_RULE.replace("Relaying denied", "We relay for no one")))
    # the daemon still runs the rules it read at start
    assert rcpt_reply(host, "x@remote.example") == (550, "5.7.1 <x@remote.example>... Relaying denied")
    restart(host)
    assert rcpt_reply(host, "x@remote.example") == (550, "5.7.1 <x@remote.example>... We relay for no one")
    # and an R line that accepts instead: the relay test's last rule made $@ RELAY
    cf.write_text(text.replace(RELAY_RULE, "R$*\t\t\t$@ RELAY"))
    restart(host)
    assert rcpt_reply(host, "x@remote.example") == (250, "2.1.5 <x@remote.example>... Recipient ok")


def test_an_m4_built_cf_with_promiscuous_relay_and_local_rulesets(host):
    if shutil.which("m4") is None or not __import__("pathlib").Path("/usr/share/sendmail/cf").is_dir():
        pytest.skip("m4 and sendmail-cf are needed to build a cf (scripts/setup.sh installs them)")
    from .test_bt_differential import changed_cf

    before = rcpt_reply(host, "bob@example.com")
    assert before == (550, "5.7.1 <bob@example.com>... Relaying denied")
    assert mail_reply(host, "u@host.invalid")[0] == 553  # the stock rules: an unresolvable domain
    host.world.path("/etc/mail/sendmail.cf").write_text(changed_cf(host.world))
    restart(host)
    # FEATURE(`promiscuous_relay'): any client may relay
    assert rcpt_reply(host, "bob@example.com") == (250, "2.1.5 <bob@example.com>... Recipient ok")
    # the LOCAL_RULESETS block: Local_check_rcpt and Local_check_mail of the learner's own
    assert rcpt_reply(host, "u@blocked.test") == (550, "5.7.1 <u@blocked.test>... blocked.test is closed")
    assert rcpt_reply(host, "u@tarpit.test") == (250, "2.1.5 <u@tarpit.test>... Recipient ok")  # $#discard
    assert mail_reply(host, "u@host.invalid") == (553, "5.1.8 <u@host.invalid>... sender domain host is invalid")
