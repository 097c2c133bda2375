"""mailkit: a sendmail-faithful mail host that runs inside a Jupyter kernel."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    from .kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .kernel.extension import unload

    unload(ipython)


def host():
    """The notebook's mail host (`commands.base.Host`); starts one if `%load_ext mailkit` has not."""
    from .kernel.extension import start_session

    return start_session().host


def connect(port: int = 25) -> tuple[str, int]:
    """The real (address, port) of service port 25/110/143/587: `smtplib.SMTP(*mailkit.connect(25))`."""
    from .kernel.extension import start_session

    return start_session().connect(port)


def portmap(on: bool = True) -> None:
    """Turn on (default after `%load_ext mailkit`) or off the redirection of loopback connects to
    the service ports 25/110/143/587 to the ports the host really bound (kernel/portmap.py)."""
    from .kernel import portmap as pm

    pm.install() if on else pm.uninstall()


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "mailkit"}]
