"""~/.procmailrc: the MDA's filter recipes (procmail), evaluated on one message.

Supported: variable assignments (MAILDIR, DEFAULT, LOGFILE, any NAME=value with $HOME and
$LOGNAME), recipes `:0 [flags] [:lockfile]` with `*` conditions (regular expressions on the
header, or the body with the B flag; `!` negates; case-insensitive unless D) and one action:
a folder (mbox file, relative to MAILDIR; a name ending in "/" is a Maildir, as procmail
takes it), /dev/null, `! address...` (forward), `| program`.
Flags H B D c (copy: keep going) and h b (what a pipe or folder gets) are honoured; w and W
(wait for the program) are accepted, as every pipe here is waited for; f (filter) is not
supported: its recipe is reported as an error. LOGFILE gets procmail's three-line log
(From, Subject, Folder) per delivery, written by core/deliver.py.

A message streamed from the queue (core/message.py) is never read whole: conditions on the
header read the header only, and a B (body) condition sees the first BODY_LIMIT bytes of the
body (procmail too looks at a bounded buffer of a huge message; a condition on text beyond the
first megabyte of a body does not match). Folders and pipes get the message streamed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .message import Message, as_message

BODY_LIMIT = 1 << 20  # what a B condition sees of a body

TO_MACRO = r"(^((Original-)?(Resent-)?(To|Cc|Bcc)|(X-Envelope|Apparently(-Resent)?)-To):(.*[^-a-zA-Z0-9_.])?)"
FROM_DAEMON = r"(^(Mailing-List:|Precedence:.*(junk|bulk|list)|To: Multiple recipients of |(((Resent-)?(From|Sender)|X-Envelope-From):|>?From )([^>]*[^(.%@a-z0-9])?(Post(ma?(st(e?r)?|n)|office)|(send)?Mail(er)?|daemon|m(mdf|ajordomo)|n?uucp|LIST(SERV|proc)|NETSERV|o(wner|ps)|r(e(quest|sponse)|oot)|b(ounce|bs\.smtp)|echo|mirror|s(erv(ices?|er)|mtp(error)?|ystem)|A(dmin(istrator)?|MMGR|utoanswer))(([^).!:a-z0-9][-_a-z0-9]*)?[%@>\t ][^<)]*(\(.*\).*)?)?$([^>]|$)))"


class ProcmailError(ValueError):
    pass


@dataclass
class Recipe:
    lineno: int
    flags: str
    conditions: list[tuple[bool, str]] = field(default_factory=list)  # (negated, regex)
    action: str = ""


@dataclass
class Action:
    kind: str  # "folder", "discard", "forward", "pipe"
    arg: str
    recipe_line: int
    copy: bool = False
    part: str = "hb"  # what a pipe or folder gets: h header, b body (flags h / b)


def parse(text: str, filename: str = "~/.procmailrc") -> tuple[list[tuple[str, str]], list[Recipe]]:
    """Returns the assignments (in order) and the recipes."""
    assigns: list[tuple[str, str]] = []
    recipes: list[Recipe] = []
    cur: Recipe | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":0"):
            if cur is not None and not cur.action:
                raise ProcmailError(f"{filename}: line {cur.lineno}: recipe without an action")
            flags = line[2:].split(":", 1)[0].strip()
            if "f" in flags:
                raise ProcmailError(f"{filename}: line {lineno}: the f (filter) flag is not supported by mailkit")
            cur = Recipe(lineno, flags)
            recipes.append(cur)
        elif cur is not None and not cur.action and line.startswith("*"):
            cond = line[1:].strip()
            neg = cond.startswith("!")
            cur.conditions.append((neg, cond[1:].strip() if neg else cond))
        elif cur is not None and not cur.action:
            cur.action = line
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", line):
            name, _, value = line.partition("=")
            assigns.append((name, value.strip().strip('"')))
        else:
            raise ProcmailError(f"{filename}: line {lineno}: cannot parse \"{line}\"")
    if cur is not None and not cur.action:
        raise ProcmailError(f"{filename}: line {cur.lineno}: recipe without an action")
    return assigns, recipes


def _expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def _regex(cond: str) -> str:
    return cond.replace("^TO_", TO_MACRO).replace("^FROM_DAEMON", FROM_DAEMON)


def evaluate(text: str, message, env: dict[str, str], filename: str = "~/.procmailrc") -> tuple[list[Action], dict[str, str]]:
    """The actions procmail would take; a final implicit DEFAULT delivery is the caller's job
    when no delivering (non-copy) action came back."""
    assigns, recipes = parse(text, filename)
    env = dict(env)
    for name, value in assigns:
        env[name] = _expand(value, env)
    message = as_message(message)
    head = message.head().decode("utf-8", "replace")
    body = None  # read when a recipe looks at the body
    actions: list[Action] = []
    for r in recipes:
        use_head = "H" in r.flags or "B" not in r.flags
        use_body = "B" in r.flags
        if use_body and body is None:
            body = message.body_prefix(BODY_LIMIT).decode("utf-8", "replace")
        subject = (head + "\n" if use_head else "") + (body if use_body else "")
        re_flags = re.M | (0 if "D" in r.flags else re.I)
        if all(bool(re.search(_regex(c), subject, re_flags)) != neg for neg, c in r.conditions):
            a = r.action
            copy = "c" in r.flags
            part = "".join(p for p in "hb" if p in r.flags) or "hb"
            if a.startswith("!"):
                act = Action("forward", a[1:].strip(), r.lineno, copy)
            elif a.startswith("|"):
                act = Action("pipe", a[1:].strip(), r.lineno, copy, part)
            elif a == "/dev/null":
                act = Action("discard", a, r.lineno, copy)
            else:
                folder = _expand(a, env)
                if not folder.startswith("/"):
                    folder = env.get("MAILDIR", env.get("HOME", "/")).rstrip("/") + "/" + folder
                act = Action("folder", folder, r.lineno, copy, part)
            actions.append(act)
            if not copy:
                break
    return actions, env


def select_part(message, part: str):
    """The header (h), the body (b) or both of a message, as a pipe or folder receives it
    (bytes for bytes; for a streamed Message, a Message: the body stays streamed)."""
    if part == "hb":
        return message
    if isinstance(message, Message):
        return message.head() + b"\n\n" if part == "h" else message.body_only()
    head, sep, body = message.replace(b"\r\n", b"\n").partition(b"\n\n")
    return head + b"\n\n" if part == "h" else body
