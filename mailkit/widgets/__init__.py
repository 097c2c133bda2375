"""The notebook widgets (ipywidgets 8) of the administrator's seat.

ConfigEditor, QueueInspector, MailboxViewer, Trace and Telnet act on a Host (the notebook's,
from `%load_ext mailkit`, when none is given); Quiz is the course's self-check widget.
"""

from .config_editor import ConfigEditor
from .mailbox_viewer import MailboxViewer
from .queue_inspector import QueueInspector
from .telnet import Telnet
from .trace import Trace

__all__ = ["ConfigEditor", "QueueInspector", "MailboxViewer", "Trace", "Telnet", "Quiz"]


def __getattr__(name):
    # Quiz lives in its own module written alongside; import it only when asked for.
    if name == "Quiz":
        from .quiz import Quiz

        return Quiz
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
