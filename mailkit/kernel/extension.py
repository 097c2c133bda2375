"""`%load_ext mailkit`: make (or find again) the notebook's mail host, start it, add the magics.

The host runs on the runtime's own thread and loop, never on the kernel's, so a blocking
smtplib/poplib/imaplib call in a cell works. Loading twice does nothing new; `%unload_ext
mailkit` stops every server (the ports are free again) and removes the magics, keeping the
world so a later load finds the same mail. At interpreter exit (kernel shutdown or restart)
the host is stopped and a temporary world deleted.
"""

from __future__ import annotations

import atexit
import sys
import threading

from .session import Session

SESSION: Session | None = None
_lock = threading.Lock()
_atexit_registered = False


def current_host():
    """The notebook's `commands.base.Host`, or None before `%load_ext mailkit`."""
    return SESSION.host if SESSION is not None else None


def current_session() -> Session | None:
    return SESSION


def start_session(quiet: bool = True) -> Session:
    """Make the session if needed and start it; used by `load` and by `mailkit.host()`."""
    global SESSION, _atexit_registered
    with _lock:
        if SESSION is None:
            SESSION = Session()
        SESSION.start()
        if not _atexit_registered:
            atexit.register(shutdown)
            _atexit_registered = True
    return SESSION


def load(ip) -> None:
    from .magics import register

    from . import portmap

    already = SESSION is not None and SESSION.runtime.running
    session = start_session()
    portmap.install()  # smtplib.SMTP("localhost", 25) reaches the host's real port
    if ip is not None:
        register(ip, session)
    if already:
        return
    print(session.ready_line())
    for line in session.errors():
        print(f"mailkit: {line}", file=sys.stderr)


def unload(ip) -> None:
    from . import portmap
    from .magics import unregister

    portmap.uninstall()
    if ip is not None:
        unregister(ip)
    if SESSION is not None:
        SESSION.stop()


def shutdown() -> None:
    """Stop everything at interpreter exit; the temporary world goes with the kernel."""
    global SESSION
    if SESSION is not None:
        try:
            SESSION.remove()
        finally:
            SESSION = None
