"""MailboxViewer: one user's mbox (/var/spool/mail/USER) as a list; a chosen message opens below
with its main headers, the full header block folded away, and the body."""

from __future__ import annotations

import html
import mailbox as stdmailbox

import ipywidgets as w

from ..core.mboxlock import locked
from ..core.world import MAIL_SPOOL
from ..kernel.display import Message
from ._common import resolve_host

SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def read_mailbox(world, user: str) -> list[Message]:
    """Every message of the user's mbox, under the same lock the MDA and POP3/IMAP take."""
    path = world.mailbox_path(user)
    if not path.exists() or path.stat().st_size == 0:
        return []
    with locked(path):
        box = stdmailbox.mbox(path, create=False)
        try:
            raw = [box.get_bytes(k) for k in box.keys()]
        finally:
            box.close()
    return [Message.from_bytes(f"{MAIL_SPOOL}/{user}", i, data) for i, data in enumerate(raw, 1)]


class MailboxViewer(w.VBox):
    def __init__(self, host=None, user: str = "alice"):
        super().__init__()
        self.host = resolve_host(host)
        from ..core.accounts import accounts

        users = sorted(accounts(self.host.world)) or [user]
        self.user_select = w.Dropdown(options=sorted(set(users) | {user}), value=user, description="user",
                                      layout=w.Layout(width="16em"))
        self.user_select.observe(lambda _c: self.refresh(), names="value")
        self.title = w.HTML()
        self.list = w.Select(options=[], rows=6, layout=w.Layout(width="100%"))
        self.refresh_button = w.Button(description="Refresh", icon="refresh")
        self.summary = w.HTML()
        self.all_headers = w.HTML()
        self.headers_fold = w.Accordion(children=[self.all_headers])
        self.headers_fold.set_title(0, "All headers")
        self.headers_fold.selected_index = None  # folded until asked for
        self.body = w.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.list.observe(lambda _c: self.show(self.list.value), names="value")
        self.children = [w.HBox([self.user_select, self.title, self.refresh_button]), self.list, self.summary,
                         self.headers_fold, self.body]
        self.refresh()

    @property
    def user(self) -> str:
        return self.user_select.value

    def refresh(self) -> None:
        self.messages = read_mailbox(self.host.world, self.user)
        n = len(self.messages)
        self.title.value = f"<b>{MAIL_SPOOL}/{html.escape(self.user)}</b>: {n} message{'s' if n != 1 else ''}"
        opts = []
        for m in self.messages:
            frm = m.header("From")[:30]
            subj = m.header("Subject", "(no subject)")[:50]
            opts.append((f"{m.index:>3}  {frm:<30}  {subj}", m.index))
        current = self.list.value
        self.list.options = opts
        if current in {i for _, i in opts}:
            self.list.value = current
        elif opts:
            self.list.value = opts[-1][1]  # the newest, as `mail` opens at the end
        else:
            self.show(None)

    def message(self, index: int) -> Message:
        """The display object of message `index` (1-based, as `mail` and POP3 count)."""
        return self.messages[index - 1]

    def show(self, index: int | None) -> None:
        if not index:
            self.summary.value = self.all_headers.value = self.body.value = ""
            return
        m = self.message(index)
        rows = "".join(f"<tr><td><b>{k}:</b></td><td>{html.escape(m.header(k))}</td></tr>"
                       for k in SHOWN_HEADERS if m.header(k))
        self.summary.value = f"<table>{rows}</table>"
        self.all_headers.value = "<pre style='margin:0'>" + html.escape(
            "".join(f"{k}: {v}\n" for k, v in m.headers)) + "</pre>"
        self.body.value = f"<pre style='white-space:pre-wrap'>{html.escape(m.body)}</pre>"
