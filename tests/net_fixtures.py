"""What the network tests share: the default network of three hosts made in a temporary
directory, with one fixed clock, started, and stopped afterwards (every port free again)."""

import socket

import pytest

from mailkit.core.clock import FixedClock
from mailkit.network import Network

KOREA, JEJU, MX2 = "mail.korea.example", "mail.jeju.example", "mx2.jeju.example"


def ports_free(runtime):
    for addr, port in list(runtime.ports.values()):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr if addr != "0.0.0.0" else "127.0.0.1", port))


@pytest.fixture
def made(tmp_path):
    """The default network made (not started)."""
    net = Network.create(tmp_path / "net", FixedClock())
    try:
        yield net
    finally:
        net.close()


@pytest.fixture
def net(made):
    """The default network, every host running."""
    made.start()
    yield made
    made.close()
    for m in made.members.values():
        ports_free(m.runtime)


def listen_everywhere(net, *names):
    """Let these hosts' sendmail take connections from other hosts: the stock cf's
    `Addr=127.0.0.1` (this host only) dropped, as a mail server receiving from others needs."""
    for name in names:
        m = net.member(name)
        cf = m.world.path("/etc/mail/sendmail.cf")
        cf.write_text(cf.read_text().replace("Port=smtp,Addr=127.0.0.1, Name=MTA", "Port=smtp, Name=MTA"))
        m.runtime.restart_service("sendmail")
