"""For tests of the dovecot unit: the world's /etc/dovecot files, one exact edit of them, and a
line client that connects from a chosen loopback address (Dovecot trusts only a client on its
own address; 127.0.0.2 is another machine)."""

import socket
import ssl

CONF = "/etc/dovecot/dovecot.conf"
AUTH = "/etc/dovecot/conf.d/10-auth.conf"
MAIL = "/etc/dovecot/conf.d/10-mail.conf"
MASTER = "/etc/dovecot/conf.d/10-master.conf"
SSL = "/etc/dovecot/conf.d/10-ssl.conf"
POP3 = "/etc/dovecot/conf.d/20-pop3.conf"


def edit(world, host_path, old, new):
    p = world.path(host_path)
    text = p.read_text()
    assert old in text, (host_path, old)
    p.write_text(text.replace(old, new, 1))


def no_check():
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    return ctx


class Raw:
    """A line client from a chosen source address (Dovecot trusts only a client on its own)."""

    def __init__(self, addr, source="127.0.0.1"):
        self.sock = socket.socket()
        self.sock.settimeout(10)
        self.sock.bind((source, 0))
        self.sock.connect(addr)
        self.file = self.sock.makefile("rb")
        self.greeting = self.line()

    def line(self) -> str:
        return self.file.readline().decode().rstrip("\r\n")

    def send(self, text: str, until=lambda ln: True) -> list[str]:
        self.sock.sendall(text.encode() + b"\r\n")
        out = []
        while True:
            ln = self.line()
            out.append(ln)
            if until(ln) or not ln:
                return out

    def tls(self):
        self.sock = no_check().wrap_socket(self.sock)
        self.file = self.sock.makefile("rb")

    def close(self):
        self.sock.close()


def tagged(tag):
    return lambda ln: ln.startswith(tag + " ")


def capa_end(ln):
    return ln == "." or ln.startswith("-ERR")


