"""The mini shell: quoting, pipes, redirections, here-documents, lists; the file tools."""

import pytest

from mailkit.commands.base import Host
from mailkit.commands.shell import ShellSyntaxError, parse, run_line


@pytest.fixture
def sh(world, clock):
    h = Host(world, clock)
    return lambda line, stdin=None: run_line(h, line, stdin)


def test_quoting_and_words():
    (st,) = parse("""echo "a  b" 'c | d' e\\ f "x\\"y" # a comment""")
    assert st.pipeline[0].argv == ["echo", "a  b", "c | d", "e f", 'x"y']


def test_statements_lists_and_pipes():
    sts = parse("a | b -w; c && d || e\nf")
    assert [[c.argv for c in s.pipeline] for s in sts] == [[["a"], ["b", "-w"]], [["c"]], [["d"]], [["e"]], [["f"]]]
    assert [s.connector for s in sts] == [";", "&&", "||", ";", ";"]


@pytest.mark.parametrize("bad,msg", [
    ("echo hi |", "unexpected end of file"),
    ("| grep x", "unexpected token `|'"),
    ("echo 'open", "matching `''"),
    ("cat <", "unexpected token `newline'"),
    ("sleep 1 &", "background jobs"),
    ("cat <<EOF\nno end", "wanted `EOF'"),
])
def test_syntax_errors(bad, msg):
    with pytest.raises(ShellSyntaxError, match=msg):
        parse(bad)


def test_append_then_makemap_from_redirected_stdin(sh, world):
    r = sh("echo 'spam.example REJECT' >> /etc/mail/access && makemap hash /etc/mail/access < /etc/mail/access")
    assert r.code == 0, r.err
    assert world.read_text("/etc/mail/access").endswith("spam.example REJECT\n")
    assert sh("makemap -u hash /etc/mail/access | grep spam").out == "spam.example\tREJECT\n"


def test_missing_input_file_reads_like_bash_and_runs_nothing(sh, world):
    before = world.path("/etc/mail/access.db").read_bytes()
    r = sh("makemap hash /etc/mail/access < /etc/mail/acces")
    assert (r.code, r.err) == (1, "bash: /etc/mail/acces: No such file or directory\n")
    assert world.path("/etc/mail/access.db").read_bytes() == before


def test_redirect_empties_the_target_before_the_command_runs_as_bash_does(sh, world):
    """A failed `m4 ... > sendmail.cf` leaves an empty sendmail.cf on a real host too (ko05)."""
    r = sh("m4 /etc/mail/sendmail.m > /etc/mail/sendmail.cf")
    assert r.code == 1 and "m4: cannot open `/etc/mail/sendmail.m'" in r.err
    assert world.read_text("/etc/mail/sendmail.cf") == ""
    world.path("/tmp/t").write_text("old\n")
    assert sh("cat /tmp/t > /tmp/t").code == 0 and world.read_text("/tmp/t") == ""  # truncated before cat read it
    world.path("/tmp/t").write_text("old\n")
    assert sh("nosuchcommand >> /tmp/t").code != 0 and world.read_text("/tmp/t") == "old\n"  # >> never empties


def test_m4_regenerates_cf(sh, world):
    r = sh("yum -y install sendmail-cf > /dev/null; m4 /etc/mail/sendmail.mc > /tmp/new.cf; grep -c '^O ' /tmp/new.cf")
    assert r.code == 0, r.err
    assert int(r.out) > 10


def test_pipeline_filters_and_exit_status(sh):
    text = "tcp 0 0 127.0.0.1:25 LISTEN\ntcp 0 0 127.0.0.1:250 LISTENING\nudp 0 0 :25 x\n"
    r = sh("cat | grep LISTEN -w | grep :25", stdin=text)
    assert r.out == "tcp 0 0 127.0.0.1:25 LISTEN\n"
    assert sh("echo abc | grep zzz").code == 1
    assert sh("echo abc | grep zzz || echo none").out == "none\n"
    assert sh("false && echo no; echo yes").out == "yes\n"


def test_here_document_and_following_lines(sh):
    r = sh("cat <<EOF | wc -l\none\ntwo\nEOF\necho after\ncat <<-'END'\n\ttabbed\n\tEND\n")
    assert r.out == "2\nafter\ntabbed\n"


def test_unknown_command_and_stderr_redirects(sh, world):
    r = sh("nosuch --x")
    assert (r.code, r.err) == (127, "bash: nosuch: command not found\n")
    r = sh("cat /nope 2> /tmp/err; cat /tmp/err")
    assert r.out == "cat: /nope: No such file or directory\n" and r.err == ""
    assert sh("cat /nope 2>&1 | wc -l").out == "1\n"


def test_paths_stay_in_the_world(sh, world):
    assert sh("echo hi > /../../x; cat /x").out == "hi\n"
    assert world.path("/x").exists()


def test_cd_pwd_and_relative_paths(sh):
    assert sh("cd /etc/mail; pwd; ls | grep -x access").out == "/etc/mail\naccess\n"
    assert sh("cd /nope").err == "bash: cd: /nope: No such file or directory\n"


def test_grep_options(sh):
    text = "Alice REJECT\nbob RELAY\nalice-x OK\nfoo+bar\n"
    assert sh("grep -i alice", text).out == "Alice REJECT\nalice-x OK\n"
    assert sh("grep -w -i alice", text).out == "Alice REJECT\nalice-x OK\n"
    assert sh("grep -v -E 'RE(JECT|LAY)'", text).out == "alice-x OK\nfoo+bar\n"
    assert sh("grep 'o+b'", text).out == "foo+bar\n"  # basic regex: + is a plain character
    assert sh("grep -c E", text).out == "2\n"
    assert sh("grep -n bob", text).out == "2:bob RELAY\n"
    r = sh("grep -q x /nope")
    assert r.code == 2


def test_head_tail_wc_tee_cp_rm(sh, world):
    assert sh("printf '1\\n2\\n3\\n' | head -n 2").out == "1\n2\n"
    assert sh("printf '1\\n2\\n3\\n' | tail -1").out == "3\n"
    assert sh("echo one two | tee /tmp/t | wc -w").out == "2\n"
    assert world.read_text("/tmp/t") == "one two\n"
    assert sh("cp /tmp/t /tmp/u && rm /tmp/t && ls /tmp").out == "u\n"
    assert sh("rm /tmp/t").err == "rm: cannot remove '/tmp/t': No such file or directory\n"


def test_ls_long_uses_the_host_clock(sh):
    out = sh("ls -l /etc/mail/access /var/spool/mail").out
    assert "-rw-r--r--. 1 root  root" in out
    assert "Nov 29 0" in out  # the fixed clock's day, not the machine's


def test_yum_install_records_and_reports(sh, world):
    r = sh("yum -y install sendmail")
    assert "Package sendmail-8.17.1.9-1.el7.x86_64 already installed and latest version\nNothing to do\n" in r.out
    r = sh("yum -y install telnet")
    assert "Installed:\n  telnet.x86_64 1:0.17-66.el7\n\nComplete!\n" in r.out
    assert "telnet" in world.read_text("/var/lib/mailkit/installed").split()
    assert sh("rpm -q telnet").out == "telnet-0.17-66.el7.x86_64\n"
    r = sh("yum install postfix")
    assert r.code == 1 and "Exiting on user command" in r.out and sh("rpm -q postfix").code == 1
    r = sh("yum -y install nosuchpkg")
    assert r.code == 1 and "No package nosuchpkg available." in r.out and r.err == "Error: Nothing to do\n"


def test_globs_name_world_files(sh):
    assert sh("ls -d /etc/mail/virtuser*").out == "/etc/mail/virtusertable\n/etc/mail/virtusertable.db\n"
    assert sh("cd /etc/mail; echo access*").out == "access access.db\n"
    assert sh("echo '/etc/mail/a*' /nomatch*").out == "/etc/mail/a* /nomatch*\n"
