"""What the widgets share: finding the host, and a log that shows each command and its output.

Widgets act the way an administrator does: they run the same commands (`makemap`, `newaliases`,
`systemctl restart sendmail`, `sendmail -q`) through `commands.base.run`, and the log shows
each command line as typed at a root prompt followed by what it printed.
"""

from __future__ import annotations

import html
import shlex

import ipywidgets as w

from ..commands.base import Host, Result, run


def resolve_host(host) -> Host:
    """The Host to act on: the one given, or the notebook's (from `%load_ext mailkit`)."""
    if host is not None:
        return host
    from ..kernel import extension

    for name in ("current_host", "get_host"):
        fn = getattr(extension, name, None)
        if callable(fn):
            h = fn()
            if h is not None:
                return h
    h = getattr(extension, "HOST", None)
    if h is None:
        raise RuntimeError("no mail host: run %load_ext mailkit first, or pass host=")
    return h


def command_line(argv: list[str], stdin_from: str | None = None) -> str:
    line = " ".join(shlex.quote(a) for a in argv)
    return f"{line} < {stdin_from}" if stdin_from else line


class CommandLog(w.HTML):
    """A read-only transcript: '# command' lines, then the command's output, like a terminal."""

    def __init__(self, exit_status: str = "(exit status {code})", **kw):
        super().__init__(value="", **kw)
        self.exit_status = exit_status  # the note after a command that failed, {code} its status
        self.entries: list[tuple[str, str]] = []  # (kind, text): kind "cmd", "out", "err", "note"

    @property
    def text(self) -> str:
        out = []
        for kind, t in self.entries:
            out.append(f"# {t}" if kind == "cmd" else t)
        return "\n".join(out)

    def add(self, kind: str, text: str) -> None:
        text = text.rstrip("\n")
        if kind != "cmd" and not text:
            return
        self.entries.append((kind, text))
        self._render()

    def clear(self) -> None:
        self.entries = []
        self._render()

    def _render(self) -> None:
        colors = {"cmd": "#1a5fb4", "out": "inherit", "err": "#c01c28", "note": "#613583"}
        parts = []
        for kind, t in self.entries:
            shown = f"# {t}" if kind == "cmd" else t
            weight = "bold" if kind == "cmd" else "normal"
            parts.append(f'<span style="color:{colors[kind]};font-weight:{weight}">{html.escape(shown)}</span>')
        body = "\n".join(parts)
        self.value = (
            '<pre style="margin:0;max-height:16em;overflow:auto;font-size:90%;'
            f'background:var(--jp-layout-color2,#f5f5f5);padding:4px">{body}</pre>' if parts else ""
        )

    def run(self, host: Host, argv: list[str], stdin: str | None = None, stdin_from: str | None = None) -> Result:
        """Run one command as the administrator would type it; its output goes to the log."""
        self.add("cmd", command_line(argv, stdin_from))
        try:
            res = run(host, argv, stdin)
        except Exception as e:  # a broken command must not break the widget; show why
            res = Result(err=f"{argv[0]}: {type(e).__name__}: {e}\n", code=70)
        self.add("out", res.out)
        self.add("err", res.err)
        if res.code:
            self.add("note", self.exit_status.format(code=res.code))
        return res


HINT = {
    "ko": "[위젯: 커널이 실행 중일 때 이 셀을 실행하면 조작할 수 있습니다]",
    "en": "[widget: run this cell with a live kernel to use it]",
}


class TextFallback:
    """A readable text/plain for a saved notebook, where the live widget cannot be drawn (no kernel,
    nbviewer, GitHub): `fallback_text()` and a hint, instead of ipywidgets' `Name(children=(...`.
    Mixed in before the ipywidgets base class."""

    def fallback_text(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            from ..course import notebook_lang

            data["text/plain"] = f"{self.fallback_text().rstrip()}\n{HINT.get(notebook_lang(), HINT['en'])}"
        return data
