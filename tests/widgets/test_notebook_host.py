"""After `%load_ext mailkit`, widgets made without host= act on the notebook's host."""

import pytest

from mailkit.kernel import extension




def test_widgets_default_to_the_loaded_host(ip):
    from mailkit.widgets import ConfigEditor, QueueInspector, Telnet

    host = extension.current_host()
    assert QueueInspector().host is host
    ed = ConfigEditor(lang="en")
    ed.editors["/etc/mail/access"].value += "From:spammer@example.com REJECT\n"
    ed.apply_buttons["/etc/mail/access"].click()
    assert "spammer@example.com" in host.world.read_text("/etc/mail/access")
    tn = Telnet()
    try:
        assert tn.wait_for("220 ")
        tn.send("MAIL FROM:<spammer@example.com>")
        assert tn.wait_for("Access denied")
    finally:
        tn.close()


def test_without_a_loaded_host_the_error_says_what_to_do():
    from mailkit.widgets import MailboxViewer

    extension.shutdown()
    with pytest.raises(RuntimeError, match="%load_ext mailkit"):
        MailboxViewer()
