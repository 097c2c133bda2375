"""The administrator's commands of the exam, one module each, registered by name in base.REGISTRY."""

import importlib
import pkgutil

_loaded = False


def load_all() -> None:
    """Import every command module once so each registers itself."""
    global _loaded
    if _loaded:
        return
    for mod in pkgutil.iter_modules(__path__):
        if mod.name != "base":
            importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True
