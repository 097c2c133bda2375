"""MailboxViewer: one mail folder of a user as a list; a chosen message opens below with its main
headers, the full header block folded away, and the body.

The folders offered are the user's spool (/var/spool/mail/USER, the inbox) and every mbox file or
Maildir directory under ~/mail and ~/Maildir (where procmail recipes file mail), so the inbox and a
procmail folder such as ~/mail/work can be compared; `folder=` opens any mbox or Maildir of the host.
"""

from __future__ import annotations

import html
import mailbox as stdmailbox

import ipywidgets as w

from ..core.mboxlock import locked
from ..core.world import MAIL_SPOOL
from ..kernel.display import Message
from ._common import TextFallback, resolve_host

SHOWN_HEADERS = ("From", "To", "Cc", "Date", "Subject")
LABELS = {
    "ko": {"user": "사용자", "folder": "폴더", "refresh": "새로 고침", "all_headers": "모든 헤더",
           "messages": lambda n: f"메일 {n}통"},
    "en": {"user": "user", "folder": "folder", "refresh": "Refresh", "all_headers": "All headers",
           "messages": lambda n: f"{n} message{'s' if n != 1 else ''}"},
}


FOLDER_DIRS = ("mail", "Maildir")  # under the user's home: where procmail's MAILDIR usually points


def is_maildir(path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def read_folder(world, host_path: str) -> list[Message]:
    """Every message of an mbox file (under the lock the MDA and POP3/IMAP take) or a Maildir."""
    path = world.path(host_path)
    if is_maildir(path):
        box = stdmailbox.Maildir(path, factory=None, create=False)
        raw = [box.get_bytes(k) for k in sorted(box.keys())]  # names start with the delivery time
    elif path.is_file() and path.stat().st_size:
        with locked(path):
            box = stdmailbox.mbox(path, create=False)
            try:
                raw = [box.get_bytes(k) for k in box.keys()]
            finally:
                box.close()
    else:
        return []
    return [Message.from_bytes(host_path, i, data) for i, data in enumerate(raw, 1)]


def read_mailbox(world, user: str) -> list[Message]:
    """Every message of the user's spool mbox (the inbox)."""
    return read_folder(world, f"{MAIL_SPOOL}/{user}")


def user_folders(world, user: str) -> list[str]:
    """Host paths of the user's folders: the spool first, then mbox files and Maildirs under
    ~/mail and ~/Maildir (one level deep, as procmail's MAILDIR-relative folder names are)."""
    from ..core.accounts import home_of

    folders = [f"{MAIL_SPOOL}/{user}"]
    try:
        home = home_of(world, user)
    except Exception:  # no such account: only the spool
        return folders
    for sub in FOLDER_DIRS:
        base = f"{home.rstrip('/')}/{sub}"
        try:
            real = world.path(base)
        except ValueError:
            continue
        if is_maildir(real):
            folders.append(base)
        elif real.is_dir():
            for child in sorted(real.iterdir()):
                if child.is_file() or is_maildir(child):
                    folders.append(f"{base}/{child.name}")
    return folders


class MailboxViewer(TextFallback, w.VBox):
    def __init__(self, host=None, user: str = "alice", folder: str | None = None, lang: str | None = None):
        super().__init__()
        from ..course import notebook_lang

        self.lang = lang if lang in LABELS else notebook_lang()
        self.t = words = LABELS[self.lang]
        self.host = resolve_host(host)
        from ..core.accounts import accounts

        users = sorted(accounts(self.host.world)) or [user]
        self.user_select = w.Dropdown(options=sorted(set(users) | {user}), value=user, description=words["user"],
                                      layout=w.Layout(width="16em"))
        self.folder_select = w.Dropdown(options=[], description=words["folder"], layout=w.Layout(width="26em"))
        self.user_select.observe(lambda _c: self._user_changed(), names="value")
        self.folder_select.observe(lambda _c: self.refresh(rescan=False), names="value")
        self.title = w.HTML()
        self.list = w.Select(options=[], rows=6, layout=w.Layout(width="100%"))
        self.refresh_button = w.Button(description=words["refresh"], icon="refresh")
        self.summary = w.HTML()
        self.all_headers = w.HTML()
        self.headers_fold = w.Accordion(children=[self.all_headers])
        self.headers_fold.set_title(0, words["all_headers"])
        self.headers_fold.selected_index = None  # folded until asked for
        self.body = w.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.list.observe(lambda _c: self.show(self.list.value), names="value")
        self.children = [w.HBox([self.user_select, self.folder_select, self.refresh_button]), self.title,
                         self.list, self.summary, self.headers_fold, self.body]
        self._scan_folders(folder)
        self.refresh(rescan=False)

    @property
    def user(self) -> str:
        return self.user_select.value

    @property
    def folder(self) -> str:
        """The host path of the folder shown."""
        return self.folder_select.value or f"{MAIL_SPOOL}/{self.user}"

    def _scan_folders(self, keep: str | None = None) -> None:
        folders = user_folders(self.host.world, self.user)
        if keep and keep not in folders:
            folders.append(keep)  # any mbox or Maildir of the host, asked for by name
        with self.hold_trait_notifications():
            self.folder_select.options = folders
            self.folder_select.value = keep if keep in folders else folders[0]

    def _user_changed(self) -> None:
        self._scan_folders()
        self.refresh(rescan=False)

    def refresh(self, rescan: bool = True) -> None:
        if rescan:  # a new procmail folder may have appeared since
            self._scan_folders(self.folder_select.value)
        self.messages = read_folder(self.host.world, self.folder)
        n = len(self.messages)
        self.title.value = f"<b>{html.escape(self.folder)}</b>: {self.t['messages'](n)}"
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
        self.show(self.list.value if opts else None)  # the folder may have changed under the same index

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

    def fallback_text(self) -> str:
        lines = [f"MailboxViewer: {self.folder}: {self.t['messages'](len(self.messages))}"]
        lines += [label for label, _ in self.list.options]
        return "\n".join(lines)
