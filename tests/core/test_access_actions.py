"""The right-hand sides of the access map that makemap accepts as the real one does."""

import pytest

from mailkit.core.access import AccessResult, parse, parse_action
from mailkit.core.maps import MapError


@pytest.mark.parametrize("value,expected", [
    ('ERROR:"550 go away"', AccessResult("ERROR", "550", "", "go away")),
    ('ERROR:5.7.1:"550 go away"', AccessResult("ERROR", "550", "5.7.1", "go away")),
    ('ERROR:"5.7.1:550 go away"', AccessResult("ERROR", "550", "5.7.1", "go away")),
    ("ERROR:450 later", AccessResult("ERROR", "450", "", "later")),
    ("QUARANTINE:looks like spam", AccessResult("QUARANTINE", text="looks like spam")),
    ("relay", AccessResult("RELAY")),
])
def test_actions(value, expected):
    assert parse_action(value) == expected


def test_makemap_refuses_what_means_nothing_with_file_and_line():
    assert [e.key for e in parse('From:a@b.example\tERROR:5.7.1:"550 no"\nTo:c@d.example\tQUARANTINE:why\n', "/etc/mail/access")] \
        == ["From:a@b.example", "To:c@d.example"]
    with pytest.raises(MapError, match=r'/etc/mail/access: line 2: unknown action "QUARANTINE:"'):
        parse("From:a@b.example\tOK\nTo:c@d.example\tQUARANTINE:\n", "/etc/mail/access")


def test_the_default_entries_of_other_features_have_no_key():
    """cf.README: `ClientRate:  10` and `ClientConn:  5` (no address) are the defaults."""
    assert [e.key for e in parse("ClientRate:\t10\nClientConn:\t5\nGreetPause:\t5000\n", "/etc/mail/access")] \
        == ["ClientRate:", "ClientConn:", "GreetPause:"]
    with pytest.raises(MapError, match='no key after the tag "Connect:"'):
        parse("Connect:\tREJECT\n", "/etc/mail/access")
