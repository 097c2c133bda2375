"""core/policy.py runs the cf's check_* rulesets with the macros sendmail sets for the client:
rules added to the Local_check_* rulesets that read {client_addr}, {client_name},
{client_resolve} and $&f see what the real daemon would give them."""

from __future__ import annotations

from mailkit.core import config, policy

LOCAL_RULES = {
    "SLocal_check_relay\n": 'R$* $| 127.0.0.9\t$#error $@ 5.7.1 $: "550 no service for " $&{client_name}\n',
    "SLocal_check_mail\n": 'R$*\t$: $&{client_resolve} $| $1\n'
                           'R FAIL $| $*\t$#error $@ 4.7.1 $: "450 no PTR for " $&{client_addr}\n'
                           'R$* $| $*\t$: $2\n',
    "SLocal_check_rcpt\n": 'R<alice@$*>\t$: $&f $| <alice@$1>\n'
                           'Rmallory @ $* $| $*\t$#error $@ 5.7.1 $: "550 mallory never reaches alice"\n'
                           'R$* $| $*\t$: $2\n',
}


def with_local_rules(world):
    cf = world.path("/etc/mail/sendmail.cf")
    text = cf.read_text()
    for head, rules in LOCAL_RULES.items():
        assert text.count(head) == 1
        text = text.replace(head, head + rules)
    cf.write_text(text)
    return config.load(world)


def test_check_relay_sees_the_client(world):
    cfg = with_local_rules(world)
    assert policy.check_connect(world, cfg, "127.0.0.2", "client.example.com") is None
    r = policy.check_connect(world, cfg, "127.0.0.9", None)
    # no address prefix at connect; {client_name} is "[addr]" when /etc/hosts has no name
    assert str(r) == "550 5.7.1 no service for [127.0.0.9]"


def test_check_mail_sees_client_resolve_and_addr(world):
    cfg = with_local_rules(world)
    assert policy.check_mail(world, cfg, "a@client.example.com", "127.0.0.2", "client.example.com") is None
    r = policy.check_mail(world, cfg, "a@client.example.com", "127.0.0.7", None)
    assert str(r) == "450 4.7.1 no PTR for 127.0.0.7"


def test_check_rcpt_sees_the_sender_of_the_session(world):
    cfg = with_local_rules(world)
    assert policy.check_rcpt(world, cfg, "alice@localhost", "127.0.0.1", "localhost", "a@client.example.com") is None
    r = policy.check_rcpt(world, cfg, "alice@localhost", "127.0.0.1", "localhost", "mallory@client.example.com")
    assert str(r) == "550 5.7.1 <alice@localhost>... mallory never reaches alice"
    # the sender check_mail was asked about is the one check_rcpt sees, without being told
    policy.check_connect(world, cfg, "127.0.0.1", "localhost")
    assert policy.check_mail(world, cfg, "mallory@client.example.com") is None
    assert str(policy.check_rcpt(world, cfg, "alice@localhost", "127.0.0.1", "localhost")).endswith(
        "mallory never reaches alice")
