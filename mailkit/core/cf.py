"""The sendmail.cf file format, line by line.

Every line of a real sendmail.cf is one of these (sendmail's "op.me" section 5): V version,
D define macro, C class, F class from file, K map, O option, M mailer, S ruleset, R rule,
H header, P precedence, T trusted users (old), E environment, Q queue group, L/G (obsolete),
comments and blank lines; a line starting with space or tab continues the previous one.
The parser keeps every line; config.py decides which it acts on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINE_TYPES = {
    "V": "version",
    "D": "macro",
    "C": "class",
    "F": "class file",
    "K": "map",
    "O": "option",
    "M": "mailer",
    "S": "ruleset",
    "R": "rewriting rule",
    "H": "header",
    "P": "precedence",
    "T": "trusted users",
    "E": "environment",
    "Q": "queue group",
    "L": "legacy option",
    "G": "legacy",
}


EX_SOFTWARE, EX_OSFILE, EX_CONFIG = 70, 72, 78  # sysexits.h: what sendmail exits with


class CfError(ValueError):
    """A cf sendmail refuses, worded as sendmail prints it: "FILE: line N: reason" (the host
    path, never the real one), or the bare reason when sendmail names no line (lineno None).
    `exit_code` is sendmail's exit status for it: 70 for a bad line (syserr), 72 for a cf it
    cannot open, 78 for a cf missing what every cf must define."""

    def __init__(self, filename: str, lineno: int | None, reason: str, exit_code: int = EX_SOFTWARE):
        super().__init__(reason if lineno is None else f"{filename}: line {lineno}: {reason}")
        self.filename, self.lineno, self.reason, self.exit_code = filename, lineno, reason, exit_code


@dataclass
class CfLine:
    lineno: int
    kind: str  # a key of LINE_TYPES, "comment" or "blank"
    text: str  # the whole logical line (continuations joined with "\n")
    name: str = ""  # macro/class/map/option/mailer/ruleset/header name
    value: str = ""


@dataclass
class CfFile:
    filename: str
    lines: list[CfLine] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[CfLine]:
        return [ln for ln in self.lines if ln.kind == kind]

    def options(self) -> dict[str, CfLine]:
        """The last O line of each name wins, as in sendmail."""
        return {ln.name: ln for ln in self.lines if ln.kind == "O"}


def _braced_name(body: str) -> tuple[str, str]:
    """'{Name}rest' -> ('Name', 'rest'); 'jrest' -> ('j', 'rest')."""
    if body.startswith("{"):
        end = body.find("}")
        if end < 0:
            return body[1:], ""
        return body[1:end], body[end + 1 :]
    return body[:1], body[1:]


def _parse_logical(lineno: int, text: str, filename: str) -> CfLine:
    if not text.strip():
        return CfLine(lineno, "blank", text)
    if text.startswith("#"):
        return CfLine(lineno, "comment", text)
    op, body = text[0], text[1:]
    if op not in LINE_TYPES:
        raise CfError(filename, lineno, f"unknown configuration line \"{text[:40]}\"")
    line = CfLine(lineno, op, text)
    if op in ("D", "C"):
        line.name, line.value = _braced_name(body)
    elif op == "F":
        line.name, rest = _braced_name(body)
        line.value = rest.strip()
    elif op == "K":
        name, _, rest = body.partition(" ")
        line.name, line.value = name.strip(), rest.strip()
    elif op == "O":
        if body.startswith(" "):  # long form: "O Name=value"
            name, _, value = body.strip().partition("=")
            line.name, line.value = name.strip(), value.strip()
        else:  # one-letter form: "OA/etc/aliases"
            line.name, line.value = body[:1], body[1:]
    elif op == "M":
        name, _, rest = body.partition(",")
        line.name, line.value = name.strip(), rest.strip()
    elif op == "S":
        name, _, rest = body.partition("=")
        line.name, line.value = name.strip(), rest.strip()
    elif op == "H":
        flags = ""
        if body.startswith("?"):
            end = body.find("?", 1)
            flags, body = body[: end + 1], body[end + 1 :]
        name, _, value = body.partition(":")
        line.name, line.value = name.strip(), (flags + " " if flags else "") + value.strip()
    elif op == "R":
        if "\t" not in body:  # sendmail's readcf: LHS and RHS are separated by tabs
            raise CfError(filename, lineno, f'invalid rewrite line "{text}" (tab expected)')
        parts = [p for p in body.split("\t") if p != ""]
        line.name = parts[0] if parts else ""
        line.value = "\t".join(parts[1:])
    else:
        line.value = body.strip()
    return line


def parse_cf(text: str, filename: str = "/etc/mail/sendmail.cf") -> CfFile:
    """Parse the text of a sendmail.cf; raises CfError on a line sendmail would reject."""
    cf = CfFile(filename)
    pending: tuple[int, str] | None = None
    # lines end at "\n" only, as sendmail counts them (str.splitlines would also split at the
    # form feeds a generated cf holds, and every later line number would be off)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, raw in enumerate((ln[:-1] if ln.endswith("\r") else ln for ln in lines), 1):
        if raw[:1] in (" ", "\t") and pending is not None and raw.strip():
            pending = (pending[0], pending[1] + "\n" + raw)
            continue
        if pending is not None:
            cf.lines.append(_parse_logical(*pending, filename))
        pending = (lineno, raw)
    if pending is not None:
        cf.lines.append(_parse_logical(*pending, filename))
    return cf


def set_option(text: str, name: str, value: str | None) -> str:
    """Rewrite one "O Name=value" line of a cf text (uncommenting "#O Name=" if needed).

    value None comments the option out. Every other line is kept byte for byte.
    """
    out, done = [], False
    for raw in text.splitlines(keepends=True):
        stripped = raw.rstrip("\r\n")
        eol = raw[len(stripped) :]
        for prefix in ("O ", "#O "):
            if stripped.startswith(prefix) and stripped[len(prefix) :].split("=", 1)[0].strip() == name:
                if not done:
                    raw = (f"O {name}={value}" if value is not None else f"#O {name}={stripped.split('=', 1)[1] if '=' in stripped else ''}") + (eol or "\n")
                    done = True
                break
        out.append(raw)
    if not done and value is not None:
        out.append(f"O {name}={value}\n")
    return "".join(out)


def set_macro_or_class(text: str, line_start: str, new_line: str | None) -> str:
    """Replace the first line starting with `line_start` (e.g. "Dj", "#Dj", "Cw") by new_line."""
    out, done = [], False
    for raw in text.splitlines(keepends=True):
        if not done and raw.startswith(line_start):
            done = True
            if new_line is not None:
                out.append(new_line + "\n")
            continue
        out.append(raw)
    if not done and new_line is not None:
        out.append(new_line + "\n")
    return "".join(out)
