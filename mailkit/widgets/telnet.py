"""Telnet: an interactive `telnet localhost 25` (or 110, 143) console in a cell.

The learner types a line and presses Enter (or Send); it goes to the server with CRLF. A
background thread reads the server. The console looks like a terminal and always shows its
newest lines (the last SCREEN_LINES, so nothing needs scrolling), typed lines and server lines
in their own colours; the whole session is kept in a folded Output (appended with
`append_stdout`, never `with out:`, which would print into whatever cell runs at that moment).
Lines sent are kept in a history list to pick from again. Hang up and Reconnect are buttons, so
no later cell has to close the console (a Run All keeps it on screen). The service port the
learner names (25) is mapped to the port the host runtime really bound; on a network,
`hostname` names the host to reach (`Telnet(hostname="mail.jeju.example")`), connected from the
current host's address.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings

import html

import ipywidgets as w

from ..kernel.display import Dialogue
from ..servers import network as netreach
from ._common import TextFallback, resolve_host

SERVICES = {25: "smtp", 587: "smtp", 110: "pop3", 143: "imap"}
SCREEN_LINES = 18
COLOURS = {"client": "#8be9fd", "server": "#f8f8f2", "info": "#9a9a9a"}  # typed, server, telnet's own
SCREEN_STYLE = ("background:#1e1e1e;color:#f8f8f2;font-family:monospace;font-size:13px;padding:6px 8px;"
                "margin:0;border-radius:4px;white-space:pre-wrap;min-height:4em")
LABELS = {
    "ko": {"placeholder": "여기에 입력하고 Enter (예: EHLO localhost)", "send": "보내기", "hangup": "끊기",
           "reconnect": "다시 연결", "history": "이전 입력", "transcript": "전체 기록"},
    "en": {"placeholder": "type here and press Enter (e.g. EHLO localhost)", "send": "Send", "hangup": "Hang up",
           "reconnect": "Reconnect", "history": "history", "transcript": "Whole session"},
}


def mapped_address(host, port: int) -> tuple[str, int] | None:
    """The real (addr, port) the runtime bound for service port `port`, or None if not listening."""
    rt = getattr(host, "runtime", None)
    if rt is None or port not in (getattr(rt, "ports", None) or {}):
        return None
    if port == 25 and not getattr(rt, "running", True):
        return None  # sendmail stopped: the port is closed
    connect = getattr(rt, "connect_address", None)
    return connect(port) if connect else rt.ports[port]  # 0.0.0.0 is reached through 127.0.0.1


class Telnet(TextFallback, w.VBox):
    def __init__(self, host=None, port: int = 25, hostname: str = "localhost", connect: bool = True,
                 lang: str | None = None):
        super().__init__()
        from ..course import notebook_lang

        self.lang = lang or notebook_lang()
        words = LABELS.get(self.lang, LABELS["en"])
        self.host = resolve_host(host)
        self.port = port
        self.hostname = hostname
        self.dialogue = Dialogue(SERVICES.get(port, "smtp"), hostname, port)
        self.transcript: list[str] = []  # every line shown, in order
        self.kinds: list[str] = []  # "client", "server" or "info", one per transcript line
        self.sent: list[str] = []  # what the learner sent, oldest first
        self.screen = w.HTML(layout=w.Layout(width="100%"))
        self.output = w.Output(layout=w.Layout(max_height="20em", overflow="auto", width="100%"))
        self.whole = w.Accordion(children=[self.output], titles=(words["transcript"],))
        self.whole.selected_index = None
        self.input = w.Text(placeholder=words["placeholder"], continuous_update=True, layout=w.Layout(width="34em"))
        self.send_button = w.Button(description=words["send"], button_style="primary")
        self.close_button = w.Button(description=words["hangup"])
        self.reconnect_button = w.Button(description=words["reconnect"], disabled=True)
        self.history = w.Dropdown(options=[], description=words["history"], layout=w.Layout(width="22em"))
        self.send_button.on_click(lambda _b: self.send_input())
        self.close_button.on_click(lambda _b: self.disconnect())
        self.reconnect_button.on_click(lambda _b: self.connect())
        self.history.observe(self._recall, names="value")
        with warnings.catch_warnings():  # Enter in the box sends; the replacement API cannot tell two equal lines apart
            warnings.simplefilter("ignore", DeprecationWarning)
            self.input.on_submit(lambda _t: self.send_input())
        self.children = [self.screen, w.HBox([self.input, self.send_button, self.close_button, self.reconnect_button]),
                         self.history, self.whole]
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()
        self._connected = threading.Event()
        self._stop = threading.Event()
        self.closed = threading.Event()
        self._draw()
        if connect:
            self.connect()

    # output
    def _show(self, line: str, kind: str = "info") -> None:
        with self._cond:
            self.transcript.append(line)
            self.kinds.append(kind)
            self._cond.notify_all()
        self.output.append_stdout(line + "\n")
        self._draw()

    def _draw(self) -> None:
        """The terminal: the newest SCREEN_LINES lines, each in its speaker's colour."""
        with self._cond:
            tail = list(zip(self.transcript, self.kinds))[-SCREEN_LINES:]
        rows = "".join(f"<span style='color:{COLOURS[k]}'>{html.escape(t) or '&nbsp;'}</span>\n" for t, k in tail)
        self.screen.value = f"<pre class='mk-telnet' style='{SCREEN_STYLE}'>{rows}</pre>"

    def _server_line(self, line: str) -> None:
        with self._cond:
            self.dialogue.add("server", line)
        self._show(line, "server")

    def _recall(self, change) -> None:
        if change["new"]:
            self.input.value = change["new"]

    # connection
    def connect(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self.closed.clear()
        self._stop.clear()
        self.reconnect_button.disabled = True
        target, source, shown = mapped_address(self.host, self.port), None, None
        found = netreach.peer(self.host.world, self.hostname)
        if found is not None:  # on a network: the host named, from the current host's address
            route = netreach.reach(self.host.world, self.host.runtime, self.hostname, self.port)
            target, source = ((route.addr, route.port), (route.source, 0)) if route else (None, None)
            local = self.hostname.lower().rstrip(".") in netreach.LOCAL_NAMES
            shown = "127.0.0.1" if local else found[1].get("addr", self.hostname)
        shown = shown or (target[0] if target else "127.0.0.1")
        self._show(f"Trying {shown}...")
        if target is None:
            self._show(f"telnet: connect to address {shown}: Connection refused")
            self._show("telnet: Unable to connect to remote host: Connection refused")
            self._closed()
            return
        self._thread = threading.Thread(target=self._reader, args=(target, source), daemon=True,
                                        name=f"mailkit-telnet-{self.port}")
        self._thread.start()

    def _reader(self, target: tuple[str, int], source: tuple | None = None) -> None:
        try:
            sock = socket.create_connection(target, timeout=5, source_address=source)
        except OSError as e:
            reason = e.strerror or str(e)
            self._show(f"telnet: connect to address {target[0]}: {reason}")
            self._show(f"telnet: Unable to connect to remote host: {reason}")
            self._closed()
            return
        sock.settimeout(None)
        self._sock = sock
        if self._stop.is_set():  # closed while we were connecting
            sock.close()
            self._closed()
            return
        self._show(f"Connected to {self.hostname}.")
        self._show("Escape character is '^]'.")
        self._connected.set()
        buf = b""
        try:
            while True:
                data = sock.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    self._server_line(raw.rstrip(b"\r").decode("utf-8", "replace"))
        except OSError:
            pass  # closed by us
        if buf:
            self._server_line(buf.decode("utf-8", "replace"))
        self._connected.clear()
        self._show("Connection closed by foreign host.")
        try:
            sock.close()
        finally:
            self._closed()

    def _closed(self) -> None:
        self.reconnect_button.disabled = False
        self.closed.set()

    def send(self, line: str) -> None:
        """Send one line as typed (CRLF added); it shows in the console like telnet's echo."""
        if not self._connected.wait(5) or self._sock is None:
            self._show("telnet: not connected")
            return
        with self._cond:
            self.dialogue.add("client", line)
            if line and (not self.sent or self.sent[-1] != line):
                self.sent.append(line)
        self._show(line, "client")
        self.history.options = [""] + self.sent[::-1]  # newest first; "" so the same line can be picked twice
        self.history.value = ""
        try:
            self._sock.sendall(line.encode("utf-8") + b"\r\n")
        except OSError as e:
            self._show(f"telnet: {e.strerror or e}")

    def send_input(self) -> None:
        line = self.input.value
        self.input.value = ""
        self.send(line)

    def wait_for(self, text: str, timeout: float = 5.0) -> bool:
        """Wait until a server line containing `text` arrived (or the connection closed)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if any(who == "server" and text in t for who, t in self.dialogue.lines):
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.closed.is_set():
                    return any(who == "server" and text in t for who, t in self.dialogue.lines)
                self._cond.wait(min(left, 0.1))

    def disconnect(self, timeout: float = 5.0) -> None:
        self._stop.set()
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout)
        self._sock = None

    def close(self) -> None:
        self.disconnect()
        super().close()

    def fallback_text(self) -> str:
        return "\n".join([f"Telnet: telnet {self.hostname} {self.port}", *self.transcript])
