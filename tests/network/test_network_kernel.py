"""The network in a real IPython shell: %mailkit network, %host NAME, outputs naming their host."""

import pytest
from IPython.core.error import UsageError

import mailkit
from mailkit.kernel import extension


@pytest.fixture
def en(monkeypatch):
    monkeypatch.setenv("MAILKIT_LANG", "en")


def test_a_host_alone_prints_no_host_line(ip, capsys):
    ip.run_line_magic("mailq", "")
    assert capsys.readouterr().out == "/var/spool/mqueue is empty\n\t\tTotal requests: 0\n"
    assert extension.current_session().network is None
    with pytest.raises(UsageError, match="bash: mail.jeju.example: command not found"):
        ip.run_line_magic("host", "mail.jeju.example")  # no network: a shell line, as before


def test_mailkit_network_makes_it_and_draws_it(ip, en, capsys, displayed, tmp_path):
    first_world = mailkit.host().world.root
    ip.run_line_magic("mailkit", "network")
    assert capsys.readouterr().out == "network made: 3 hosts; commands run on mail.korea.example\n"
    view = displayed[-1]
    text = view["text/plain"]
    assert text.startswith("Network of 3 mail hosts (DNS: mail.korea.example)\n")
    assert "* mail.korea.example  127.0.0.4  sendmail 127.0.0.1:25;" in text
    assert "  mail.jeju.example   127.0.0.5  sendmail 127.0.0.1:25;" in text
    assert "  jeju.example    10 mail.jeju.example   -> mail.jeju.example (127.0.0.5)\n" in text
    assert "                  20 mx2.jeju.example    -> mx2.jeju.example (127.0.0.6)\n" in text
    svg = view["text/html"]
    assert svg.startswith("<svg") and svg.count("class='mk-network-host'") == 3
    assert svg.count("marker-end='url(#mk-arrow)'") == 3  # one arrow per MX record
    # the notebook's world is now mail.korea.example; the others live beside it
    session = extension.current_session()
    assert session.world.root == first_world
    assert session.network.member("mail.jeju.example").world.root == (tmp_path / "world.network" / "mail.jeju.example").resolve()
    ip.run_line_magic("mailkit", "network")  # again: the same network, shown again
    assert capsys.readouterr().out == ""
    assert displayed[-1]["text/plain"] == text


def test_host_switches_and_every_output_names_its_host(ip, en, capsys, displayed):
    ip.run_line_magic("mailkit", "network")
    capsys.readouterr()
    ip.run_line_magic("mailq", "")
    assert capsys.readouterr().out == "[mail.korea.example]\n"  # then the queue's table
    assert displayed[-1]["text/plain"] == "/var/spool/mqueue is empty\n\t\tTotal requests: 0"
    ip.run_line_magic("host", "mail.jeju.example")
    assert capsys.readouterr().out == "commands now run on mail.jeju.example (127.0.0.5)\n"
    ip.run_cell("%%host\nhostname\ngrep nameserver /etc/resolv.conf\n")
    assert capsys.readouterr().out == "[mail.jeju.example]\nmail.jeju.example\nnameserver 127.0.0.4\n"
    assert mailkit.host().world.read_text("/etc/hostname") == "mail.jeju.example\n"
    ip.run_line_magic("mailkit", "host mx2.jeju.example")
    assert capsys.readouterr().out == "commands now run on mx2.jeju.example (127.0.0.6)\n"
    ip.run_line_magic("host", "hostname -i")  # a line that is not only a host name runs on the host
    assert capsys.readouterr().out == "[mx2.jeju.example]\n127.0.0.6\n"
    ip.run_line_magic("systemctl", "restart dovecot")  # prints nothing: no host line either
    assert capsys.readouterr().out == ""
    from mailkit.course import edit

    edit("/etc/mail/access", "# Check the /usr/share/doc", "# See /usr/share/doc")  # the notebooks' sed
    assert capsys.readouterr().out.startswith("[mx2.jeju.example]\n/etc/mail/access:\n- # Check")
    ip.run_cell("%%host mail.korea.example\nhostname\n")  # one cell elsewhere; the current host stays
    assert capsys.readouterr().out == "[mail.korea.example]\nmail.korea.example\n"
    assert mailkit.host().world.read_text("/etc/hostname") == "mx2.jeju.example\n"
    ip.run_line_magic("mailkit", "status")
    assert capsys.readouterr().out.startswith("[mx2.jeju.example]\nhost:   mx2.jeju.example (127.0.0.6)\n")
    with pytest.raises(UsageError) as e:
        ip.run_line_magic("cat", "/etc/nonexistent")
    assert str(e.value) == "cat: /etc/nonexistent: No such file or directory"
    assert capsys.readouterr().out == "[mx2.jeju.example]\n"  # the failing command is named too
    with pytest.raises(UsageError, match=r"nowhere.example: no such host in the network \(mail.korea.example, "):
        ip.run_line_magic("mailkit", "host nowhere.example")
    ip.run_cell("%%telnet localhost 25\nQUIT\n")
    assert capsys.readouterr().out == "[mx2.jeju.example]\n"
    assert "221 2.0.0" in displayed[-1]["text/plain"]


def test_the_korean_notebook_says_it_in_korean(ip, monkeypatch, capsys):
    monkeypatch.setenv("MAILKIT_LANG", "ko")
    ip.run_line_magic("mailkit", "network")
    ip.run_line_magic("host", "mail.jeju.example")
    out = capsys.readouterr().out
    assert "네트워크를 만들었습니다: 호스트 3대, 지금 명령은 mail.korea.example에서 실행됩니다\n" in out
    assert out.endswith("이제 명령은 mail.jeju.example(127.0.0.5)에서 실행됩니다\n")


def test_a_kernel_restarted_on_the_same_world_finds_its_network(ip, en, capsys):
    ip.run_line_magic("mailkit", "network")
    ip.run_line_magic("unload_ext", "mailkit")
    extension.shutdown()  # the kernel goes; MAILKIT_WORLD keeps the world and the network beside it
    capsys.readouterr()
    ip.run_line_magic("load_ext", "mailkit")
    session = extension.current_session()
    assert session.network is not None and session.current == "mail.korea.example"
    assert session.network.member("mail.jeju.example").runtime.running
