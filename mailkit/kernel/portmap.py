"""Inside the kernel, `smtplib.SMTP("localhost", 25)`, `poplib.POP3("localhost")` and
`imaplib.IMAP4("localhost")` reach the notebook's mail host with no helper.

The runtime may not bind ports below 1024, so it listens on free ports and keeps a mapping
(runtime.ports). While the host runs, `socket.create_connection` (which smtplib, poplib, imaplib
and most clients use) sends a connect to a loopback name or 127.0.0.1 on a service port of the
host (25, 110, 143, 587) to the port the runtime really bound. Other addresses and ports, and
everything once the host stopped, go through unchanged. `mailkit.portmap(False)` turns it off
(MAILKIT_PORTMAP=0 in the environment does too); `mailkit.connect(25)` stays for the explicit case.
"""

from __future__ import annotations

import os
import socket

LOOPBACK = {"localhost", "localhost.localdomain", "localhost4", "127.0.0.1"}

_original = socket.create_connection
_installed = False


def target(address):
    """The (host, port) a connect to `address` really goes to."""
    from . import extension

    host, port = address[0], address[1]
    if not isinstance(host, str) or host.lower().rstrip(".") not in LOOPBACK:
        return address
    session = extension.current_session()
    runtime = getattr(session, "runtime", None)
    if runtime is None or not runtime.running or port not in (runtime.ports or {}):
        return address
    return runtime.connect_address(port)


def _create_connection(address, *args, **kwargs):
    return _original(target(address), *args, **kwargs)


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
