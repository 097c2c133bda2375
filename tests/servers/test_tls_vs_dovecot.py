"""STARTTLS and STLS side by side with the real Dovecot 2.3, both given the world's certificate
(Dovecot: ssl = yes): the same lines in, the same replies out, but for the greeting's product
name and the capability words the two do not share (AUTH=LOGIN, the post-login list)."""

import re
import socket
import ssl

import pytest

import dovecot
from mailkit.core import tlscert
from mailkit.servers.runtime import HostRuntime


TIMING = re.compile(r" \(\d+\.\d+ \+ \d+\.\d+(?: \+ \d+\.\d+)? secs\)")


def _no_check() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    return ctx


class Talk:
    """A raw client: send a line, read the reply up to a line the caller names."""

    def __init__(self, addr):
        self.sock = socket.create_connection(addr, timeout=10)
        self.greeting = self._line()

    def _line(self) -> bytes:
        out = b""
        while not out.endswith(b"\n"):
            b = self.sock.recv(1)
            if not b:
                break
            out += b
        return out

    def send(self, line: str, until=lambda ln: True) -> list[str]:
        self.sock.sendall(line.encode() + b"\r\n")
        got = []
        while True:
            ln = self._line().decode().rstrip("\r\n")
            got.append(ln)
            if until(ln) or not ln:
                return got

    def tls(self):
        self.sock = _no_check().wrap_socket(self.sock)

    def close(self):
        self.sock.close()


def tagged(tag):
    return lambda ln: ln.startswith(tag + " ")


def dot(ln):
    return ln == "." or ln.startswith("-ERR")


def imap_script(addr):
    t = Talk(addr)
    out = {"greeting_has_starttls": "STARTTLS AUTH=" in t.greeting.decode()}
    caps = t.send("a CAPABILITY", tagged("a"))[0].split()
    out["before_auth"] = caps[caps.index("STARTTLS") + 1].startswith("AUTH=") if "STARTTLS" in caps else None
    out["starttls"] = t.send("b STARTTLS", tagged("b"))
    t.tls()
    out["caps_after"] = "STARTTLS" in t.send("c CAPABILITY", tagged("c"))[0]
    out["again"] = t.send("d STARTTLS", tagged("d"))
    out["login"] = t.send("e LOGIN bob secret", tagged("e"))[-1].split(" ")[1]
    # after login Dovecot's imap adds its timing to the text; mailkit does not
    out["after_login"] = [TIMING.sub("", ln) for ln in t.send("g STARTTLS", tagged("g"))]
    t.close()
    t = Talk(addr)
    out["with_words"] = t.send("f STARTTLS now", tagged("f"))
    t.close()
    return out


def pop3_script(addr):
    t = Talk(addr)
    capa = t.send("CAPA", dot)
    out = {"stls_before_user": capa[capa.index("STLS") + 1] == "USER" if "STLS" in capa else None}
    out["stls"] = t.send("STLS")
    t.tls()
    out["capa_after"] = "STLS" in t.send("CAPA", dot)
    out["again"] = t.send("STLS")
    t.send("USER bob")
    out["login"] = t.send("PASS secret")[0][:3]
    out["after_login"] = t.send("STLS")
    t.close()
    t = Talk(addr)
    out["with_words"] = t.send("STLS now")
    t.close()
    return out


def no_tls_script(imap_addr, pop3_addr):
    t = Talk(imap_addr)
    a = t.send("a STARTTLS", tagged("a"))
    t.close()
    t = Talk(pop3_addr)
    b = t.send("STLS")
    t.close()
    return a, b


@pytest.fixture
def tls_dovecot(world, monkeypatch):
    cert, key = world.path(tlscert.DOVECOT.cert), world.path(tlscert.DOVECOT.key)
    monkeypatch.setattr(dovecot, "CONFIG", dovecot.CONFIG.replace(
        "ssl = no", f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\nssl_min_protocol = TLSv1.2"))
    with dovecot.running_dovecot() as d:
        yield d


def test_starttls_and_stls_as_dovecot_answers(tls_dovecot, running_host):
    for script, service in ((imap_script, "imap"), (pop3_script, "pop3")):
        theirs = script(tls_dovecot.address(service))
        ours = script(running_host.connect_address(143 if service == "imap" else 110))
        assert ours == theirs, service
    # what both said, for the record
    assert imap_script(running_host.connect_address(143))["starttls"] == ["b OK Begin TLS negotiation now."]
    assert pop3_script(running_host.connect_address(110))["again"] == ["-ERR TLS is already active."]


def test_without_tls_as_dovecot_with_ssl_no(world, clock):
    """Dovecot with ssl = no, mailkit with a certificate it cannot load."""
    with dovecot.running_dovecot() as d:
        theirs = no_tls_script(d.address("imap"), d.address("pop3"))
    world.path(tlscert.DOVECOT.cert).write_text("broken\n")
    rt = HostRuntime(world, clock).start()
    try:
        ours = no_tls_script(rt.connect_address(143), rt.connect_address(110))
    finally:
        rt.stop()
    assert ours == theirs == (["a BAD TLS support isn't enabled."], ["-ERR TLS support isn't enabled."])


def test_the_script_can_tell_them_apart(tls_dovecot, world, clock):
    """A mailkit without TLS does not pass for a Dovecot with it."""
    world.path(tlscert.DOVECOT.cert).write_text("broken\n")
    rt = HostRuntime(world, clock).start()
    try:
        t = Talk(rt.connect_address(143))
        ours = t.send("b STARTTLS", tagged("b"))
        t.close()
    finally:
        rt.stop()
    t = Talk(tls_dovecot.address("imap"))
    theirs = t.send("b STARTTLS", tagged("b"))
    t.close()
    assert ours != theirs
