"""Mail clients written by others (Debian's curl, fetchmail, mbsync, mutt) fetch what the MTA delivered."""

import os
import smtplib
import subprocess

from conftest import need


def deliver(rt, subject):
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], f"Subject: {subject}\r\n\r\nfrom the MTA\r\n".encode())
    rt.run_queue_now()


def test_curl_pop3_and_imap(running_host):
    curl = need("curl")
    deliver(running_host, "curl fetch")
    h, p = running_host.connect_address(110)
    r = subprocess.run([curl, "-sS", f"pop3://{h}:{p}/1", "-u", "bob:secret"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "Subject: curl fetch" in r.stdout, r.stderr
    r = subprocess.run([curl, "-sS", f"pop3://{h}:{p}/", "-u", "bob:secret", "-X", "UIDL"], capture_output=True, text=True, timeout=30)
    assert r.stdout.startswith("1 ")
    h, p = running_host.connect_address(143)
    r = subprocess.run([curl, "-sS", f"imap://{h}:{p}/INBOX;UID=1", "-u", "bob:secret"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "Subject: curl fetch" in r.stdout, r.stderr
    r = subprocess.run([curl, "-sS", f"imap://{h}:{p}/INBOX", "-u", "bob:secret", "-X", "SEARCH ALL"], capture_output=True, text=True, timeout=30)
    assert r.stdout.strip() == "* SEARCH 1"


def test_fetchmail_pop3_downloads_and_deletes(running_host, world, tmp_path):
    fetchmail = need("fetchmail")
    deliver(running_host, "via fetchmail")
    h, p = running_host.connect_address(110)
    out = tmp_path / "fetched.mbox"
    rc = tmp_path / "fetchmailrc"
    rc.write_text(f'set no syslog\npoll {h} service {p} protocol POP3 auth password user "bob" password "secret" '
                  f'is "root" here sslproto "" no sslcertck mda "/bin/sh -c \'cat >> {out}\'"\n')
    rc.chmod(0o600)
    r = subprocess.run([fetchmail, "-f", str(rc), "--nodetach", "-v"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Subject: via fetchmail" in out.read_text()
    assert world.path("/var/spool/mail/bob").read_bytes() == b""  # POP3: fetched and deleted


def test_mbsync_imap_pull(running_host, tmp_path):
    mbsync = need("mbsync")
    deliver(running_host, "via mbsync")
    h, p = running_host.connect_address(143)
    (tmp_path / "Mail").mkdir()
    rc = tmp_path / "mbsyncrc"
    rc.write_text(f"""IMAPAccount course
Host {h}
Port {p}
User bob
Pass secret
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account course

MaildirStore local
Path {tmp_path}/Mail/
Inbox {tmp_path}/Mail/INBOX

Channel inbox
Far :remote:INBOX
Near :local:INBOX
Sync Pull
Create Near
""")
    r = subprocess.run([mbsync, "-c", str(rc), "inbox"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stdout + r.stderr
    files = list((tmp_path / "Mail/INBOX").rglob("*"))
    assert any(f.is_file() and "Subject: via mbsync" in f.read_text() for f in files)


def test_mutt_reads_imap_inbox(running_host, tmp_path):
    need("mutt")
    script = need("script")
    deliver(running_host, "via mutt")
    h, p = running_host.connect_address(143)
    muttrc = tmp_path / "muttrc"
    muttrc.write_text(f'set folder="imap://bob:secret@{h}:{p}/"\nset spoolfile="+INBOX"\nset ssl_starttls=no\nset ssl_force_tls=no\n'
                      'set header_cache=""\nset mail_check=0\nset timeout=1\nset confirmappend=no\n')
    # mutt needs a terminal: run it under script(1), print the index and quit
    cmd = f"TERM=vt100 mutt -n -F {muttrc} -e 'push q'"
    r = subprocess.run([script, "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, HOME=str(tmp_path)), stdin=subprocess.DEVNULL)
    assert "via mutt" in r.stdout, r.stdout[-2000:]
