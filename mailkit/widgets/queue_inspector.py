"""QueueInspector: the mail queue as a table, with refresh, flush (`sendmail -q`) and delete.

The table shows what `mailq` shows (id, size, time, sender, recipients, deferral reason);
a selected message's qf (control) and df (body) files can be opened, as an administrator
would `cat /var/spool/mqueue/qfID`.
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..commands import load_all
from ..commands.base import REGISTRY
from ..core.queue import Queue
from ..core.world import CLIENTMQUEUE, MQUEUE
from ..kernel.display import QueueTable
from ._common import TextFallback, CommandLog, resolve_host

COLUMNS = ("id", "size", "time", "sender", "recipients", "reason")


LABELS = {
    "ko": {"select": "선택", "refresh": "새로 고침", "flush": "큐 처리 (sendmail -q)", "delete": "선택한 메일 삭제",
           "view": "qf/df 보기", "exit_status": "(종료 상태 {code})"},
    "en": {"select": "select", "refresh": "Refresh", "flush": "Flush (sendmail -q)", "delete": "Delete selected",
           "view": "View qf/df", "exit_status": "(exit status {code})"},
}


class QueueInspector(TextFallback, w.VBox):
    def __init__(self, host=None, queue: str = MQUEUE, lang: str | None = None):
        super().__init__()
        from ..course import notebook_lang

        self.lang = lang if lang in LABELS else notebook_lang()
        words = LABELS[self.lang]
        self.host = resolve_host(host)
        self.queue = queue
        self.command_log = CommandLog(exit_status=words["exit_status"])
        self.table = w.HTML()
        self.select = w.SelectMultiple(options=[], description=words["select"], rows=4,
                                       layout=w.Layout(width="40em"))
        self.refresh_button = w.Button(description=words["refresh"], icon="refresh")
        self.flush_button = w.Button(description=words["flush"], button_style="warning",
                                     layout=w.Layout(width="auto"))
        self.delete_button = w.Button(description=words["delete"], button_style="danger",
                                      layout=w.Layout(width="auto"))
        self.view_button = w.Button(description=words["view"], layout=w.Layout(width="auto"))
        self.qf = w.Textarea(description="qf", disabled=True, layout=w.Layout(width="100%", height="12em"))
        self.df = w.Textarea(description="df", disabled=True, layout=w.Layout(width="100%", height="8em"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.flush_button.on_click(lambda _b: self.flush())
        self.delete_button.on_click(lambda _b: self.delete_selected())
        self.view_button.on_click(lambda _b: self.view_selected())
        self.children = [
            w.HTML(f"<b>{html.escape(queue)}</b>"),
            self.table,
            self.select,
            w.HBox([self.refresh_button, self.flush_button, self.delete_button, self.view_button]),
            self.qf, self.df, self.command_log,
        ]
        self.refresh()

    def snapshot(self) -> QueueTable:
        """The queue now, as the rich object (text/plain is what mailq prints)."""
        return QueueTable.load(self.host.world, self.queue, self.host.clock.now().tzinfo)

    def refresh(self) -> None:
        snap = self.snapshot()
        self.rows = snap.rows()
        head = "".join(f"<th style='text-align:left;padding:0 .6em'>{c}</th>" for c in COLUMNS)
        body = []
        for r in self.rows:
            cells = [r["id"] + ("*" if r.get("locked") else ""), str(r["size"]), r["time"], r["sender"], ", ".join(r["recipients"]), r["reason"]]
            body.append("<tr>" + "".join(f"<td style='padding:0 .6em;font-family:monospace'>{html.escape(c)}</td>"
                                         for c in cells) + "</tr>")
        empty = f"<tr><td colspan=6>{html.escape(self.queue)} is empty</td></tr>"
        self.table.value = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body) or empty}</tbody></table>"
        keep = [q for q in self.select.value if any(r["id"] == q for r in self.rows)]
        self.select.options = [(f"{r['id']}  {r['sender']} -> {', '.join(r['recipients'])}", r["id"]) for r in self.rows]
        self.select.value = tuple(keep)

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.rows]

    def flush_argv(self) -> list[str]:
        if self.queue == MQUEUE:
            return ["sendmail", "-q"]
        if self.queue == CLIENTMQUEUE:
            return ["sendmail", "-Ac", "-q"]
        return ["sendmail", "-q", f"-oQ{self.queue}"]

    def flush(self) -> None:
        self.command_log.run(self.host, self.flush_argv())
        self.command_log.run(self.host, ["mailq"] + (["-Ac"] if self.queue == CLIENTMQUEUE else []))
        self.refresh()

    def delete_selected(self) -> None:
        load_all()
        q = Queue(self.host.world, self.queue)
        for qid in self.select.value:
            files = [f"{self.queue}/{p}{qid}" for p in ("qf", "df") if (q.dir / f"{p}{qid}").exists()]
            if not files:
                continue
            if "rm" in REGISTRY:
                self.command_log.run(self.host, ["rm", "-f"] + files)
            else:  # what `rm -f qfID dfID` does, qf first so the runner never sees half a message
                self.command_log.add("cmd", "rm -f " + " ".join(files))
                q.remove(qid)
        self.refresh()

    def view_selected(self) -> None:
        sel = self.select.value
        if not sel:
            self.qf.value = self.df.value = ""
            return
        qid = sel[0]
        q = Queue(self.host.world, self.queue)
        self.qf.description, self.df.description = f"qf{qid}", f"df{qid}"
        for area, prefix in ((self.qf, "qf"), (self.df, "df")):
            path = q.dir / f"{prefix}{qid}"
            area.value = path.read_text(encoding="utf-8", errors="replace") if path.exists() else f"{prefix}{qid}: No such file"

    def fallback_text(self) -> str:
        return f"QueueInspector: {self.queue}\n{self.snapshot()}"
