"""mailkit: a sendmail-faithful mail host that runs inside a Jupyter kernel."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    from .kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .kernel.extension import unload

    unload(ipython)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "mailkit"}]
