"""Trace: the path of one message drawn as MUA -> MTA -> queue -> MDA -> mailbox -> POP3/IMAP,
each box saying what happened there (read from /var/log/maillog and the spools by core/trace).
The key is a Message-ID, a queue id, or a sender/recipient address (the latest transaction that
names it; a message refused at MAIL or RCPT is found this way or by the id in its reject line).
On a network the path goes on across the hosts the message passed (each box names its host
and queue id there). Each box speaks the course's language (`lang`, by default the notebook's: mailkit.course.notebook_lang)."""

from __future__ import annotations

import html

import ipywidgets as w

from ..core.trace import build_network_trace, build_trace, network_hosts, texts
from ..course import notebook_lang
from ..kernel.display import TraceView
from ._common import TextFallback, resolve_host

# the widget's own words (the steps' sentences live in core/trace.TEXTS)
LABELS = {
    "ko": {"key": "Message-ID / 큐 ID / 주소", "button": "추적"},
    "en": {"key": "Message-ID / queue id / address", "button": "Trace"},
}

COLORS = {"ok": ("#26a269", "#e8f5e9"), "stopped": ("#c01c28", "#fdecea"), "unreached": ("#9a9996", "#f6f5f4")}


def render_steps(view: TraceView) -> str:
    boxes = []
    host = None
    for r in view.rows():
        state = "ok" if r["ok"] else ("stopped" if r["reached"] else "unreached")
        border, bg = COLORS[state]
        mark = {"ok": "&#10003;", "stopped": "&#10007;", "unreached": "&middot;"}[state]
        where = ""
        if r.get("host") and r["host"] != host:  # the first step on each host names it
            host = r["host"]
            where = (f"<div style='font-size:90%;color:#1c71d8'>{html.escape(host)}"
                     f"{' ' + html.escape(r['qid']) if r.get('qid') else ''}</div>")
        boxes.append(
            f"<div style='border:2px solid {border};background:{bg};border-radius:6px;padding:4px 6px;"
            f"width:10em;min-height:6em;font-size:85%;color:#222'>{where}"
            f"<div style='font-weight:bold;color:{border}'>{mark} {html.escape(r['agent'])}</div>"
            f"<div>{html.escape(r['what'])}</div></div>")
    arrow = "<div style='align-self:center;font-size:150%;padding:0 2px'>&rarr;</div>"
    return ("<div style='display:flex;flex-wrap:wrap;align-items:stretch'>" + arrow.join(boxes) + "</div>")


class Trace(TextFallback, w.VBox):
    def __init__(self, host=None, message_id: str = "", lang: str | None = None):
        super().__init__()
        self.lang = lang or notebook_lang()  # None: the language of the notebook's folder or $MAILKIT_LANG
        texts(self.lang)  # an unknown language is refused here, not at the first refresh
        self.host = resolve_host(host)
        # a refused message has no Message-ID: its queue id or the refused address finds it
        words = LABELS[self.lang]
        self.key = w.Text(value=message_id, description=words["key"],
                          style={"description_width": "16em"}, layout=w.Layout(width="44em"))
        self.refresh_button = w.Button(description=words["button"], icon="search")
        self.drawing = w.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.children = [w.HBox([self.key, self.refresh_button]), self.drawing]
        self.view: TraceView | None = None
        if message_id:
            self.refresh()

    def refresh(self) -> TraceView:
        hosts = network_hosts(self.host.world)  # on a network: the hops across its hosts
        if hosts:
            shown, steps, hops = build_network_trace(hosts, self.key.value.strip(), lang=self.lang)
        else:
            (shown, steps), hops = build_trace(self.host.world, self.key.value.strip(), lang=self.lang), []
        self.view = TraceView(shown, steps, hops)
        self.drawing.value = f"<div><b>{html.escape(shown)}</b></div>" + render_steps(self.view)
        return self.view

    @property
    def steps(self) -> list[dict]:
        return self.view.rows() if self.view else []

    def fallback_text(self) -> str:
        return str(self.view) if self.view else f"Trace: {self.key.value}"
