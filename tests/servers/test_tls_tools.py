"""TLS with clients written by others: curl --ssl-reqd, fetchmail with its defaults (6.4 wants
TLS), mbsync with SSLType STARTTLS. Each trusts the world's certificate or is told not to check."""

import os
import smtplib
import subprocess

from conftest import need

from mailkit.core import tlscert


def deliver(rt, subject):
    with smtplib.SMTP(*rt.connect_address(25)) as s:
        s.sendmail("alice@localhost", ["bob@localhost"], f"Subject: {subject}\r\n\r\nfrom the MTA\r\n".encode())
    rt.run_queue_now()


def curl(*args):
    return subprocess.run([need("curl"), "-sS", "--max-time", "20", *args], capture_output=True, text=True, timeout=30)


def test_curl_ssl_reqd_imap_and_pop3(running_host, world):
    deliver(running_host, "curl over tls")
    cacert = str(world.path(tlscert.DOVECOT.cert))
    h, p = running_host.connect_address(143)
    r = curl("--ssl-reqd", "--cacert", cacert, f"imap://{h}:{p}/INBOX;UID=1", "-u", "bob:secret")
    assert r.returncode == 0 and "Subject: curl over tls" in r.stdout, r.stderr
    h, p = running_host.connect_address(110)
    r = curl("--ssl-reqd", "-k", f"pop3://{h}:{p}/1", "-u", "bob:secret")
    assert r.returncode == 0 and "Subject: curl over tls" in r.stdout, r.stderr
    # the implicit-TLS ports
    h, p = running_host.connect_address(993)
    r = curl("--cacert", cacert, f"imaps://{h}:{p}/INBOX", "-u", "bob:secret", "-X", "SEARCH ALL")
    assert r.returncode == 0 and r.stdout.strip() == "* SEARCH 1", r.stderr
    h, p = running_host.connect_address(995)
    r = curl("--cacert", cacert, f"pop3s://{h}:{p}/", "-u", "bob:secret")
    assert r.returncode == 0 and r.stdout.startswith("1 "), r.stderr


def test_curl_ssl_reqd_refuses_a_host_without_tls(world, clock):
    """The test above can fail: with no readable certificate curl --ssl-reqd gives up."""
    from mailkit.servers.runtime import HostRuntime

    world.path(tlscert.DOVECOT.cert).write_text("broken\n")
    rt = HostRuntime(world, clock).start()
    try:
        h, p = rt.connect_address(143)
        r = curl("--ssl-reqd", "-k", f"imap://{h}:{p}/INBOX", "-u", "bob:secret", "-X", "NOOP")
        assert r.returncode == 64, (r.returncode, r.stderr)  # CURLE_USE_SSL_FAILED
    finally:
        rt.stop()


def test_curl_smtp_ssl_reqd(running_host, world, tmp_path):
    msg = tmp_path / "msg"
    msg.write_text("Subject: curl smtp over tls\r\n\r\nhi\r\n")
    h, p = running_host.connect_address(25)
    r = curl("--ssl-reqd", "--cacert", str(world.path(tlscert.SENDMAIL.cert)), f"smtp://{h}:{p}",
             "--mail-from", "alice@localhost", "--mail-rcpt", "bob@localhost", "-T", str(msg))
    assert r.returncode == 0, r.stderr
    running_host.run_queue_now()
    assert "Subject: curl smtp over tls" in world.read_text("/var/spool/mail/bob")


def fetchmail_defaults(rt, world, tmp_path, out, cert=tlscert.DOVECOT.cert):
    """fetchmail with no `sslproto ""` and no `no sslcertck`: its 6.4 defaults (STLS, the
    certificate checked; given as sslcertfile, as a user of a self-signed host does)."""
    fetchmail = need("fetchmail")
    h, p = rt.connect_address(110)
    rc = tmp_path / "fetchmailrc"
    rc.write_text(f'set no syslog\npoll localhost service {p} protocol POP3 user "bob" password "secret" '
                  f'is "root" here sslcertfile "{world.path(cert)}" '
                  f'mda "/bin/sh -c \'cat >> {out}\'"\n')
    rc.chmod(0o600)
    return subprocess.run([fetchmail, "-f", str(rc), "--nodetach", "-v"], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, HOME=str(tmp_path)))


def test_fetchmail_defaults_give_up_on_a_host_without_tls(world, clock, tmp_path):
    from mailkit.servers.runtime import HostRuntime

    world.path(tlscert.DOVECOT.cert).write_text("broken\n")
    rt = HostRuntime(world, clock).start()
    try:
        deliver(rt, "not fetched")
        r = fetchmail_defaults(rt, world, tmp_path, tmp_path / "fetched.mbox", cert=tlscert.SENDMAIL.cert)
        assert r.returncode != 0 and not (tmp_path / "fetched.mbox").exists(), r.stdout + r.stderr
        assert "POP3< -ERR TLS support isn't enabled." in r.stdout, r.stdout + r.stderr
    finally:
        rt.stop()


def test_fetchmail_with_its_defaults(running_host, world, tmp_path):
    deliver(running_host, "via fetchmail tls")
    out = tmp_path / "fetched.mbox"
    r = fetchmail_defaults(running_host, world, tmp_path, out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "STLS" in r.stdout + r.stderr
    assert "Subject: via fetchmail tls" in out.read_text()
    assert world.path("/var/spool/mail/bob").read_bytes() == b""


def test_mbsync_sslype_starttls(running_host, world, tmp_path):
    mbsync = need("mbsync")
    deliver(running_host, "via mbsync tls")
    h, p = running_host.connect_address(143)
    (tmp_path / "Mail").mkdir()
    rc = tmp_path / "mbsyncrc"
    rc.write_text(f"""IMAPAccount course
Host localhost
Port {p}
User bob
Pass secret
SSLType STARTTLS
CertificateFile {world.path(tlscert.DOVECOT.cert)}
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
    r = subprocess.run([mbsync, "-V", "-c", str(rc), "inbox"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0, r.stdout + r.stderr
    files = list((tmp_path / "Mail/INBOX").rglob("*"))
    assert any(f.is_file() and "Subject: via mbsync tls" in f.read_text() for f in files)
    log = world.read_text("/var/log/maillog")
    assert [ln for ln in log.splitlines() if "imap-login: Login: user=<bob>" in ln][-1].endswith(", TLS")
