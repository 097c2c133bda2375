"""Inside the kernel, `smtplib.SMTP("localhost", 25)`, `poplib.POP3("localhost")` and
`imaplib.IMAP4("localhost")` reach the notebook's mail host with no helper.

The runtime may not bind ports below 1024, so it listens on free ports and keeps a mapping
(runtime.ports). While the host runs, `socket.create_connection` (which smtplib, poplib, imaplib
and most clients use) sends a connect to a loopback name or 127.0.0.1 on a service port of the
host (25, 110, 143, 587) to the port the runtime really bound. Other addresses and ports, and
everything once the host stopped, go through unchanged. On a network of hosts (`%mailkit
network`), `localhost` is the host commands run on, and the name or address of another host
(`smtplib.SMTP("mail.jeju.example")`, `127.0.0.5`) reaches that host, the connection coming
from the current host's address. `mailkit.portmap(False)` turns it off
(MAILKIT_PORTMAP=0 in the environment does too); `mailkit.connect(25)` stays for the explicit case.
"""

from __future__ import annotations

import os
import socket

LOOPBACK = {"localhost", "localhost.localdomain", "localhost4", "127.0.0.1"}

_original = socket.create_connection
_DEFAULT = socket._GLOBAL_DEFAULT_TIMEOUT  # create_connection's own default
_installed = False


def target(address):
    """The (host, port) a connect to `address` really goes to."""
    return _route(address, None)[0]


def _route(address, source):
    """(address, source address) a connect really uses. On a network, `localhost` is the
    current host and another host's name or address that host, each asked from the current
    host's address (servers/network.py); a host alone maps loopback names only."""
    from . import extension

    host, port = address[0], address[1]
    session = extension.current_session()
    if not isinstance(host, str) or session is None:
        return address, source
    if getattr(session, "network", None) is not None:
        from ..core.network import own_address
        from ..servers.network import peer, reach

        found = peer(session.world, host)
        if found is None:
            return address, source
        route = reach(session.world, session.runtime, host, port)
        if route is not None:
            return (route.addr, route.port), source or (route.source, 0)
        if _is_address(host) or host.lower().rstrip(".") in LOOPBACK:
            return address, source  # no service of the host there: the connect goes where it was sent
        # a host's name with nothing on that port: its address, which refuses as it should
        return (found[1].get("addr", host), port), source or (own_address(session.world), 0)
    if host.lower().rstrip(".") not in LOOPBACK:
        return address, source
    runtime = getattr(session, "runtime", None)
    if runtime is None or not runtime.running or port not in (runtime.ports or {}):
        return address, source
    return runtime.connect_address(port), source


def _is_address(host: str) -> bool:
    try:
        socket.inet_aton(host)
        return host.count(".") == 3
    except OSError:
        return False


def _create_connection(address, timeout=_DEFAULT, source_address=None, *args, **kwargs):
    real, source = _route(address, source_address)
    return _original(real, timeout, source, *args, **kwargs)


def install() -> None:
    global _installed
    if os.environ.get("MAILKIT_PORTMAP", "1") == "0":
        return
    socket.create_connection = _create_connection
    _installed = True


def uninstall() -> None:
    global _installed
    if socket.create_connection is _create_connection:
        socket.create_connection = _original
    _installed = False


def installed() -> bool:
    return _installed and socket.create_connection is _create_connection
