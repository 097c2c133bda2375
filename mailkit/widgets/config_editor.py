"""ConfigEditor: the course's sendmail.cf options as a form, and the map files as text editors.

Apply does what an administrator does: write the file, then run the command that makes the
host see it (makemap for access/virtusertable, newaliases for aliases, `systemctl restart
sendmail` for sendmail.cf and local-host-names). Everything is validated first; on an error
nothing is written. In sendmail.cf only the changed option lines are rewritten, every other
byte of the file stays as it was.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass

import ipywidgets as w

from ..core import access, aliases, virtusers
from ..core.cf import parse_cf
from ..core.config import DELIVERY_MODES, SERVICE_PORTS, from_cf, parse_duration
from ..core.files import atomic_write
from ..core.maps import MapError
from ..core.world import ACCESS, ALIASES, LOCAL_HOST_NAMES, SENDMAIL_CF, VIRTUSERTABLE
from ._common import TextFallback, CommandLog, resolve_host

PRIVACY_FLAGS = {
    "public", "needmailhelo", "needexpnhelo", "noexpn", "needvrfyhelo", "novrfy", "restrictmailq",
    "restrictqrun", "noreceipts", "nobodyreturn", "goaway", "authwarnings", "noverb", "noetrn",
    "restrictexpand", "noactualrecipient",
}


@dataclass(frozen=True)
class Option:
    key: str  # form key: "Cw", "MaxMessageSize", "DaemonPortOptions.Addr"
    kind: str  # "text", "int", "duration", "addr", "port", "mode", "path", "privacy"
    ko: str
    en: str


OPTIONS = (
    Option("Cw", "text", "메일을 받을 이 호스트의 이름들 (기본값 Cwlocalhost)",
           "Names of this host that mail is received for (default Cwlocalhost)"),
    Option("Fw", "path", "메일을 받을 호스트 이름을 적은 파일 (/etc/mail/local-host-names)",
           "File listing more names mail is received for (/etc/mail/local-host-names)"),
    Option("Ft", "path", "발신자 주소를 바꿀 수 있는 신뢰 사용자 목록 파일 (sendmail -f)",
           "File of trusted users, who may change the sender address (sendmail -f)"),
    Option("Dj", "text", "이 호스트의 도메인 이름을 강제로 지정 (비우면 주석 처리)",
           "Forces this host's full domain name (empty: commented out)"),
    Option("Dn", "text", "반송 메일을 보내는 사용자 이름 (기본값 MAILER-DAEMON)",
           "User name that returned (bounced) mail comes from (default MAILER-DAEMON)"),
    Option("FR", "text", "릴레이를 허용할 도메인 목록 파일 (-o: 파일이 없어도 됨)",
           "File of domains allowed to relay through this host (-o: the file may be missing)"),
    Option("MaxMessageSize", "int", "받을 수 있는 메일 한 통의 최대 크기(바이트), 0이면 제한 없음",
           "Largest message accepted, in bytes; 0 means no limit"),
    Option("ForwardPath", "text", ".forward 파일을 찾는 경로 (: 로 구분)",
           "Where .forward files are looked for (colon separated)"),
    Option("DaemonPortOptions.Addr", "addr", "SMTP 데몬이 기다리는 주소: 127.0.0.1은 이 호스트만, 0.0.0.0은 모든 주소",
           "Address the SMTP daemon listens on: 127.0.0.1 this host only, 0.0.0.0 every address"),
    Option("DaemonPortOptions.Port", "port", "SMTP 데몬의 포트 (smtp = 25)",
           "Port the SMTP daemon listens on (smtp = 25)"),
    Option("DeliveryMode", "mode", "배달 방식: i 즉시, b 백그라운드, q 큐에만 저장, d 지연",
           "How mail is delivered: i interactive, b background, q queue only, d deferred"),
    Option("Timeout.queuereturn", "duration", "배달하지 못한 메일을 발신자에게 돌려보내기까지의 시간 (예: 5d)",
           "How long undeliverable mail waits before it is returned to the sender (e.g. 5d)"),
    Option("Timeout.queuewarn", "duration", "배달 지연을 발신자에게 경고하기까지의 시간 (예: 4h)",
           "How long before the sender is warned that delivery is delayed (e.g. 4h)"),
    Option("QueueDirectory", "path", "메일 큐 디렉터리",
           "Directory of the mail queue"),
    Option("PrivacyOptions", "privacy", "SMTP 개인정보 보호 옵션 (novrfy, noexpn, authwarnings ...)",
           "SMTP privacy flags (novrfy, noexpn, authwarnings ...)"),
    Option("AliasFile", "path", "별칭(aliases) 파일의 경로",
           "Path of the aliases file"),
)

# The first characters of the line each class/macro option lives on.
_LINE_PREFIX = {"Cw": "Cw", "Fw": "Fw", "Ft": "Ft", "Dj": "Dj", "Dn": "Dn", "FR": "FR"}

FILES = (  # (tab title, host path, what to run after writing, meaning ko, meaning en)
    ("aliases", ALIASES, "newaliases", "별칭: 이름: 대상, 대상 ... (aliases.db를 newaliases로 다시 만든다)",
     "Aliases: name: target, target ... (aliases.db is rebuilt with newaliases)"),
    ("access", ACCESS, "makemap", "접근 제어: 대상 정책 (RELAY, OK, REJECT, DISCARD); makemap으로 access.db 생성",
     "Access control: target policy (RELAY, OK, REJECT, DISCARD); makemap builds access.db"),
    ("virtusertable", VIRTUSERTABLE, "makemap", "가상 주소 -> 실제 계정; makemap으로 virtusertable.db 생성",
     "Virtual address -> real account; makemap builds virtusertable.db"),
    ("local-host-names", LOCAL_HOST_NAMES, "restart", "메일을 받을 도메인 이름, 한 줄에 하나 (재시작해야 적용)",
     "Domains this host receives mail for, one a line (applied by a restart)"),
    (".forward", None, None, "사용자의 메일을 다른 주소로 전달, 한 줄에 한 주소",
     "Forwards a user's mail elsewhere, one address a line"),
)

# Every word the widget says itself, in both languages. The output of the commands Apply runs
# (makemap, newaliases, systemctl) and what they or sendmail report about a file (a map line
# makemap refuses, a sendmail.cf line the restart refuses) is shown as the tool prints it.
LABELS = {
    "ko": {
        "apply": "적용", "reload": "다시 읽기", "options": "sendmail.cf 옵션", "user": "사용자",
        "apply_tip": "/etc/mail/sendmail.cf를 저장하고 systemctl restart sendmail 실행",
        "nochange": "바뀐 것이 없습니다.", "invalid": "잘못된 값 (아무것도 쓰지 않았습니다)",
        "forward_note": "~/.forward는 배달할 때마다 읽으므로 다시 만들 것이 없습니다.",
        "exit_status": "(종료 코드 {code})",
        # validate(): {key} is the option name, {value} what was typed
        "not_bytes": "{key} 값은 0 이상의 정수(바이트 수)여야 합니다: \"{value}\"",
        "time_zero": "{key} 값은 0보다 큰 시간이어야 합니다",
        "not_time": "{key} 값은 5d, 4h, 1h30m 같은 시간이어야 합니다: \"{value}\"",
        "not_ipv4": "{key}: 여기서 sendmail의 Addr=에는 IPv4 주소만 쓸 수 있습니다: \"{value}\"",
        "not_addr": "{key} 값은 127.0.0.1, 0.0.0.0 같은 IPv4 주소여야 합니다: \"{value}\"",
        "not_port": "{key} 값은 포트 번호나 서비스 이름(smtp, submission)이어야 합니다: \"{value}\"",
        "not_mode": "{key} 값은 i, b, q, d 중 하나여야 합니다: \"{value}\"",
        "not_path": "{key} 값은 절대 경로여야 합니다: \"{value}\"",
        "bad_flag": "{key}: 알 수 없는 플래그 \"{value}\" (쓸 수 있는 값: {known})",
        "empty": "{key} 값은 비워 둘 수 없습니다",
        # the checks of local-host-names and ~/.forward, which no tool makes before they are used
        "at_line": "{file} {line}번째 줄: {reason}",
        "not_host": "호스트 이름이 아닙니다: \"{value}\"",
        "not_target": "주소, /파일, |프로그램 중 어느 것도 아닙니다: \"{value}\"",
    },
    "en": {
        "apply": "Apply", "reload": "Reload", "options": "sendmail.cf options", "user": "user",
        "apply_tip": "write /etc/mail/sendmail.cf, systemctl restart sendmail",
        "nochange": "Nothing changed.", "invalid": "Invalid value (nothing was written)",
        "forward_note": "~/.forward is read at each delivery: nothing to rebuild.",
        "exit_status": "(exit status {code})",
        "not_bytes": "{key}: \"{value}\" is not a number of bytes",
        "time_zero": "{key}: the time must be more than 0",
        "not_time": "{key}: \"{value}\" is not a time like 5d, 4h or 1h30m",
        "not_ipv4": "{key}: \"{value}\": sendmail's Addr= takes an IPv4 address here",
        "not_addr": "{key}: \"{value}\" is not an IPv4 address like 127.0.0.1 or 0.0.0.0",
        "not_port": "{key}: \"{value}\" is not a port number or a service name (smtp, submission)",
        "not_mode": "{key}: \"{value}\" is not one of i, b, q, d",
        "not_path": "{key}: \"{value}\" is not an absolute path",
        "bad_flag": "{key}: unknown flag \"{value}\" (known: {known})",
        "empty": "{key}: must not be empty",
        "at_line": "{file}: line {line}: {reason}",
        "not_host": "\"{value}\" is not a host name",
        "not_target": "\"{value}\" is not an address, /file or |program",
    },
}


# ---- pure part: read option values from a cf text, validate, rewrite changed lines ----

def _find_line(lines: list[str], prefixes: tuple[str, ...]) -> int | None:
    for i, raw in enumerate(lines):
        if raw.startswith(prefixes):
            return i
    return None


def _o_name(raw: str) -> str | None:
    for prefix in ("O ", "#O "):
        if raw.startswith(prefix):
            return raw[len(prefix):].split("=", 1)[0].strip()
    return None


def _o_line(lines: list[str], name: str) -> tuple[int | None, bool]:
    """(index of the line to rewrite for option `name`, whether it is active): the last active
    line wins as in sendmail; else the first commented-out one."""
    active = [i for i, raw in enumerate(lines) if raw.startswith("O ") and _o_name(raw) == name]
    if active:
        return active[-1], True
    commented = [i for i, raw in enumerate(lines) if raw.startswith("#O ") and _o_name(raw) == name]
    return (commented[0], False) if commented else (None, False)


def read_values(cf_text: str) -> dict[str, str]:
    """The form's values from a sendmail.cf text (as strings, the way the file writes them)."""
    lines = cf_text.splitlines()
    vals: dict[str, str] = {}
    for key, prefix in _LINE_PREFIX.items():
        i = _find_line(lines, (prefix,))
        vals[key] = lines[i][len(prefix):] if i is not None else ""
    for opt in OPTIONS:
        if opt.key in _LINE_PREFIX or opt.key.startswith("DaemonPortOptions"):
            continue
        i, active = _o_line(lines, opt.key)
        value = lines[i].split("=", 1)[1].strip() if i is not None and "=" in lines[i] else ""
        if opt.key == "MaxMessageSize" and not active:
            value = "0"  # commented out: no limit
        vals[opt.key] = value
    i, _ = _o_line(lines, "DaemonPortOptions")
    dpo = lines[i].split("=", 1)[1] if i is not None else ""
    parts = _dpo_parts(dpo)
    vals["DaemonPortOptions.Addr"] = parts.get("Addr", "0.0.0.0")
    vals["DaemonPortOptions.Port"] = parts.get("Port", "smtp")
    mode = vals.get("DeliveryMode", "b")[:1].lower() or "b"
    vals["DeliveryMode"] = mode
    return vals


def _dpo_parts(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(","):
        k, _, v = part.strip().partition("=")
        if k:
            out[k.strip()] = v.strip()
    return out


def validate(key: str, value: str, lang: str = "ko") -> str | None:
    """None when `value` is acceptable for option `key`, else the reason in `lang`."""
    kind = next(o.kind for o in OPTIONS if o.key == key)
    v = value.strip()

    def say(what: str, shown: str = value, **kw) -> str:
        return LABELS[lang][what].format(key=key, value=shown, **kw)

    if kind == "int":
        if not re.fullmatch(r"\d+", v):
            return say("not_bytes")
    elif kind == "duration":
        try:
            if parse_duration(v, "d").total_seconds() <= 0:
                return say("time_zero")
        except ValueError:
            return say("not_time")
    elif kind == "addr":
        try:
            if ipaddress.ip_address(v).version != 4:
                return say("not_ipv4")
        except ValueError:
            return say("not_addr")
    elif kind == "port":
        if not (v.isdigit() and 0 < int(v) < 65536) and v not in SERVICE_PORTS:
            return say("not_port")
    elif kind == "mode":
        if v not in DELIVERY_MODES:
            return say("not_mode")
    elif kind == "path":
        paths = [p.strip() for p in v.split(",")] if key == "AliasFile" else [v]
        for p in paths:
            if not p.startswith("/") or any(c.isspace() for c in p):
                return say("not_path", p)
    elif kind == "privacy":
        flags = [f.strip().lower() for f in v.split(",") if f.strip()]
        bad = [f for f in flags if f not in PRIVACY_FLAGS]
        if bad:
            return say("bad_flag", bad[0], known=", ".join(sorted(PRIVACY_FLAGS)))
    elif key in ("Cw", "Dn") and not v:
        return say("empty")
    return None


def _set_raw(lines: list[str], i: int | None, new: str) -> None:
    """Replace physical line i (keeping its line ending) or append a new line."""
    if i is None:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(new + "\n")
        return
    raw = lines[i]
    body = raw.rstrip("\r\n")
    lines[i] = new + raw[len(body):]


def rewrite(cf_text: str, old: dict[str, str], new: dict[str, str]) -> tuple[str, list[str]]:
    """(the cf text with only the changed options rewritten, the new lines written)."""
    lines = cf_text.splitlines(keepends=True)
    changed: list[str] = []
    for key, prefix in _LINE_PREFIX.items():
        if new.get(key, old.get(key)) == old.get(key):
            continue
        value = new[key].strip()
        i = _find_line([x.rstrip("\r\n") for x in lines], (prefix,))
        if i is None:
            i = _find_line([x.rstrip("\r\n") for x in lines], ("#" + prefix,))
        line = f"{prefix}{value}" if value else "#" + (lines[i].rstrip("\r\n") if i is not None else prefix)
        if not value and i is not None and lines[i].startswith("#"):
            continue  # already commented out
        _set_raw(lines, i, line)
        changed.append(line)
    dpo_keys = ("DaemonPortOptions.Addr", "DaemonPortOptions.Port")
    if any(new.get(k, old.get(k)) != old.get(k) for k in dpo_keys):
        stripped = [x.rstrip("\r\n") for x in lines]
        i, _ = _o_line(stripped, "DaemonPortOptions")
        value = stripped[i].split("=", 1)[1] if i is not None else "Name=MTA"
        for k in dpo_keys:
            field_name = k.split(".")[1]
            v = new.get(k, old.get(k)).strip()
            if re.search(rf"\b{field_name}=[^,]*", value):
                value = re.sub(rf"\b{field_name}=[^,]*", f"{field_name}={v}", value, count=1)
            else:
                value = f"{field_name}={v}," + value
        line = f"O DaemonPortOptions={value}"
        _set_raw(lines, i, line)
        changed.append(line)
    for opt in OPTIONS:
        k = opt.key
        if k in _LINE_PREFIX or k in dpo_keys or new.get(k, old.get(k)) == old.get(k):
            continue
        v = new[k].strip()
        if k == "DeliveryMode":
            i, _ = _o_line([x.rstrip("\r\n") for x in lines], k)
            was = lines[i].split("=", 1)[1].strip() if i is not None else ""
            v = DELIVERY_MODES[v] if len(was) > 1 else v  # keep the file's long or short style
        if k == "PrivacyOptions":
            v = ",".join(f.strip() for f in v.split(",") if f.strip())
        i, _ = _o_line([x.rstrip("\r\n") for x in lines], k)
        line = f"O {k}={v}"
        _set_raw(lines, i, line)
        changed.append(line)
    return "".join(lines), changed


def _line_error(lang: str, what: str, filename: str, lineno: int, value: str) -> MapError:
    """A line refused by one of mailkit's own checks, worded in `lang` from start to end."""
    t = LABELS[lang]
    err = MapError(filename, lineno, t[what].format(value=value))
    err.args = (t["at_line"].format(file=filename, line=lineno, reason=err.reason),)
    return err


def check_file(host_path: str, text: str, lang: str = "ko") -> None:
    """Raise MapError/ValueError the way makemap/newaliases would, before anything is written.
    Their words are kept as the tools print them; only local-host-names, which no tool checks
    before sendmail reads it, gets a message in `lang`."""
    if host_path == ACCESS:
        access.parse(text, host_path)
    elif host_path == VIRTUSERTABLE:
        virtusers.parse(text, host_path)
    elif host_path == ALIASES:
        aliases.parse(text, host_path)
    elif host_path == LOCAL_HOST_NAMES:
        for n, line in enumerate(text.splitlines(), 1):
            for name in line.split("#", 1)[0].split():
                if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9.]+\]", name):
                    raise _line_error(lang, "not_host", host_path, n, name)


def check_forward(text: str, filename: str, lang: str = "ko") -> None:
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for target in (t.strip() for t in line.split(",")):
            ok = target.startswith(("|", "/", '"|', "\\")) or re.fullmatch(r"[^\s@<>]+(@[A-Za-z0-9.-]+)?", target.strip("<>"))
            if not ok:
                raise _line_error(lang, "not_target", filename, n, target)


def _write(world, host_path: str, text: str) -> None:
    path = world.path(host_path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8", "surrogateescape"), mode=mode)


# ---- the widget ----

class ConfigEditor(TextFallback, w.VBox):
    def __init__(self, host=None, lang: str = "ko", user: str = "alice", tab: str | None = None):
        super().__init__()
        if lang not in LABELS:
            raise ValueError(f"lang must be one of {', '.join(LABELS)}")
        self.host = resolve_host(host)
        self.lang = lang
        self.user = user  # whose ~/.forward the .forward tab opens first
        self.t = LABELS[lang]
        self.command_log = CommandLog(exit_status=self.t["exit_status"])
        self.error = w.HTML()
        self.inputs: dict[str, w.Widget] = {}
        self.field_status: dict[str, w.HTML] = {}
        self.editors: dict[str, w.Textarea] = {}
        self.apply_buttons: dict[str, w.Button] = {}
        self.tabs = w.Tab()
        children, titles = [self._options_tab()], [self.t["options"]]
        for title, host_path, _run, _ko, _en in FILES:
            children.append(self._file_tab(title, host_path))
            titles.append(title)
        self.tabs.children = children
        for i, t in enumerate(titles):
            self.tabs.set_title(i, t)
        self.children = [self.tabs, self.error, self.command_log]
        if tab is not None:
            self.select_tab(tab)

    def tab_keys(self) -> list[str]:
        """One key per tab: "options", then each file's host path (".forward" for the forward tab)."""
        return ["options"] + [".forward" if host_path is None else host_path for _t, host_path, *_ in FILES]

    def select_tab(self, key: str) -> None:
        """Show the tab of `key`: "options", a tab title ("aliases") or a file's host path."""
        titles = ["options"] + [title for title, *_ in FILES]
        keys = self.tab_keys()
        if key in keys:
            self.tabs.selected_index = keys.index(key)
        elif key in titles:
            self.tabs.selected_index = titles.index(key)
        else:
            raise ValueError(f"no tab {key!r}: one of {', '.join(titles)}")

    # options tab
    def _options_tab(self) -> w.Widget:
        self.values = read_values(self.host.world.read_text(SENDMAIL_CF))
        rows = []
        for opt in OPTIONS:
            widget = self._input_for(opt, self.values[opt.key])
            self.inputs[opt.key] = widget
            meaning = w.HTML(f'<span style="opacity:.75">{getattr(opt, self.lang)}</span>',
                             layout=w.Layout(margin="0 0 0 1em"))
            status = w.HTML(layout=w.Layout(width="1.5em"))
            self.field_status[opt.key] = status
            widget.observe(lambda _c, k=opt.key: self._check_field(k), names="value")
            rows.append(w.HBox([widget, status, meaning]))
        self.apply_buttons["sendmail.cf"] = b = w.Button(description=self.t["apply"], button_style="primary",
                                                         tooltip=self.t["apply_tip"])
        b.on_click(lambda _b: self.apply_options())
        reload_b = w.Button(description=self.t["reload"])
        reload_b.on_click(lambda _b: self.reload())
        self.apply_buttons["sendmail.cf:reload"] = reload_b
        return w.VBox(rows + [w.HBox([b, reload_b])])

    def _check_field(self, key: str) -> str | None:
        """Mark a field as soon as it changes: a red cross with the reason as its tooltip."""
        import html

        problem = validate(key, str(self.inputs[key].value), self.lang)
        self.field_status[key].value = (f'<span style="color:#c01c28" title="{html.escape(problem)}">&#10007;</span>'
                                        if problem else "")
        return problem

    def _input_for(self, opt: Option, value: str) -> w.Widget:
        style = {"description_width": "13em"}
        layout = w.Layout(width="32em")
        label = opt.key.replace("DaemonPortOptions.", "DaemonPortOptions ")
        if opt.kind == "int":
            return w.IntText(value=int(value or 0), description=label, style=style, layout=layout)
        if opt.kind == "mode":
            choices = [(f"{k} ({v})", k) for k, v in DELIVERY_MODES.items()]
            return w.Dropdown(options=choices, value=value, description=label, style=style, layout=layout)
        return w.Text(value=value, description=label, style=style, layout=layout, continuous_update=False)

    def form_values(self) -> dict[str, str]:
        return {k: str(wid.value) for k, wid in self.inputs.items()}

    def reload(self) -> None:
        self.values = read_values(self.host.world.read_text(SENDMAIL_CF))
        for k, wid in self.inputs.items():
            wid.value = int(self.values[k] or 0) if isinstance(wid, w.IntText) else self.values[k]
        for host_path, ed in self.editors.items():
            if host_path != ".forward":
                ed.value = self._read(host_path)
        self._load_forward()

    def _show_error(self, msg: str | None) -> None:
        import html

        self.error.value = (f'<div style="color:#c01c28"><b>{self.t["invalid"]}:</b> {html.escape(msg)}</div>'
                            if msg else "")

    def apply_options(self) -> bool:
        new = self.form_values()
        for k, v in new.items():
            problem = validate(k, v, self.lang)
            if problem:
                self._show_error(problem)
                return False
        world = self.host.world
        text = world.read_text(SENDMAIL_CF)
        current = read_values(text)
        changed_form = {k: v for k, v in new.items() if v.strip() != self.values[k].strip()}
        if not changed_form:
            self._show_error(None)
            self.command_log.add("note", self.t["nochange"])
            return True
        new_text, changed = rewrite(text, current, {**current, **changed_form})
        try:
            from_cf(world, parse_cf(new_text, SENDMAIL_CF))  # what the restart would load
        except ValueError as e:
            self._show_error(str(e))
            return False
        self._show_error(None)
        _write(world, SENDMAIL_CF, new_text)
        self.command_log.add("cmd", f"vi {SENDMAIL_CF}")
        for line in changed:
            self.command_log.add("out", f"  {line}")
        self.values = read_values(new_text)
        self.command_log.run(self.host, ["systemctl", "restart", "sendmail"])
        return True

    # file tabs
    def _read(self, host_path: str) -> str:
        try:
            return self.host.world.read_text(host_path)
        except FileNotFoundError:
            return ""

    def _file_tab(self, title: str, host_path: str | None) -> w.Widget:
        spec = next(f for f in FILES if f[0] == title)
        meaning = w.HTML(f'<span style="opacity:.75">{spec[3] if self.lang == "ko" else spec[4]}</span>')
        ed = w.Textarea(layout=w.Layout(width="100%", height="14em"))
        key = host_path or ".forward"
        self.editors[key] = ed
        b = w.Button(description=self.t["apply"], button_style="primary")
        b.on_click(lambda _b, k=key: self.apply_file(k))
        self.apply_buttons[key] = b
        top = [meaning]
        if host_path is None:
            from ..core.accounts import accounts

            users = [u for u in accounts(self.host.world) if u != "root"] or ["root"]
            self.forward_user = w.Dropdown(options=users, value=self._default_user(users),
                                           description=self.t["user"])
            self.forward_user.observe(lambda _c: self._load_forward(), names="value")
            top.append(self.forward_user)
            self._load_forward()
        else:
            ed.value = self._read(host_path)
        return w.VBox(top + [ed, b])

    def _default_user(self, users: list[str]) -> str:
        return self.user if self.user in users else users[0]

    def forward_path(self) -> str:
        from ..core.accounts import home_of

        return f"{home_of(self.host.world, self.forward_user.value)}/.forward"

    def _load_forward(self) -> None:
        if ".forward" in self.editors and hasattr(self, "forward_user"):
            self.editors[".forward"].value = self._read(self.forward_path())

    def apply_file(self, key: str) -> bool:
        self.select_tab(key)  # the cell that applies a file shows that file's tab
        world = self.host.world
        text = self.editors[key].value
        if text and not text.endswith("\n"):
            text += "\n"
        host_path = self.forward_path() if key == ".forward" else key
        try:
            if key == ".forward":
                check_forward(text, host_path, self.lang)
            else:
                check_file(host_path, text, self.lang)
        except ValueError as e:
            self._show_error(str(e))
            return False
        self._show_error(None)
        _write(world, host_path, text)
        if key == ".forward":
            path = world.path(host_path)
            os.chmod(path, 0o644)  # sendmail ignores a group/world-writable .forward
        self.command_log.add("cmd", f"vi {host_path}")
        what = next((f[2] for f in FILES if f[1] == key), None)
        if what == "makemap":
            self.command_log.run(self.host, ["makemap", "hash", host_path], stdin=text, stdin_from=host_path)
        elif what == "newaliases":
            self.command_log.run(self.host, ["newaliases"])
        elif what == "restart":
            self.command_log.run(self.host, ["systemctl", "restart", "sendmail"])
        else:
            self.command_log.add("note", self.t["forward_note"])
        return True

    def fallback_text(self) -> str:
        titles = [self.tabs.get_title(i) for i in range(len(self.tabs.children))]
        shown = titles[self.tabs.selected_index] if titles and self.tabs.selected_index is not None else ""
        return f"ConfigEditor: {' | '.join(titles)}" + (f" (open: {shown})" if shown else "")
