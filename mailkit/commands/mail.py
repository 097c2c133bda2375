"""`mail`: the MUA of CentOS (Heirloom mailx 12.5), the parts a course needs.

    echo body | mail -s "subject" [-c cc] [-b bcc] [-r from] user...   send (via sendmail)
    mail [-u user] | mail -f FILE                                      header summary
    printf 'p 1\\nd 2\\nq\\n' | mail -u alice                           read, delete, quit

Sending hands the message to `sendmail -oi` as mailx does, so it takes the same path as any
local submission (the MTA on port 25, or the client queue when the MTA is down). Reading runs
the commands given on stdin (no terminal here, so no prompts): a number or `p N` prints a
message and marks it read, `d N` deletes, `h` lists, `q` saves changes, `x` leaves without.
The mailbox is read and rewritten through core/mailstore.py, under the mailbox lock.
"""

from __future__ import annotations

import posixpath
import re
from email.header import Header
from email.utils import getaddresses, parseaddr

from ..core.mailstore import Store
from ..core.queue import split_message
from ..core.world import MAIL_SPOOL, PathEscape, safe_name
from .base import EX_USAGE, Host, Result, command, run

BANNER = "Heirloom Mail version 12.5 7/5/10.  Type ? for help."
USER_AGENT = "Heirloom mailx 12.5 7/5/10"
# /etc/mail.rc on CentOS: headers `print` leaves out.
IGNORED = {"received", "message-id", "resent-message-id", "status", "mail-from", "return-path", "via",
           "delivered-to", "x-uid", "x-imapbase", "x-status", "x-keywords", "content-length"}
USAGE = ("Usage: mail -eiIUdEFntBDNHRV~ -T FILE -u USER -h hops -r address -s SUBJECT -a FILE "
         "-q FILE -f FILE -A ACCOUNT -b USERS -c USERS -S OPTION users\n")


def _encode_subject(subject: str) -> str:
    return subject if subject.isascii() else Header(subject, "utf-8").encode()


def compose(subject: str | None, to: list[str], cc: list[str], body: str) -> str:
    """The message mailx hands to sendmail (Date, From and Message-Id are sendmail's to add)."""
    ascii_body = body.isascii()
    head = [f"To: {', '.join(to)}"]
    if cc:
        head.append(f"Cc: {', '.join(cc)}")
    if subject is not None:
        head.append(f"Subject: {_encode_subject(subject)}")
    head += [f"User-Agent: {USER_AGENT}", "MIME-Version: 1.0",
             f"Content-Type: text/plain; charset={'us-ascii' if ascii_body else 'utf-8'}",
             f"Content-Transfer-Encoding: {'7bit' if ascii_body else '8bit'}"]
    if body and not body.endswith("\n"):
        body += "\n"
    return "\n".join(head) + "\n\n" + body


def send(host: Host, opts: dict, rcpts: list[str], stdin: str | None) -> Result:
    body = stdin or ""
    err = "" if body.strip() else "Null message body; hope that's ok\n"
    message = compose(opts.get("s"), rcpts, opts.get("c", []), body)
    every = rcpts + opts.get("c", []) + opts.get("b", [])
    addresses = [a for _, a in getaddresses(every) if a]
    argv = ["sendmail", "-oi"] + (["-f", opts["r"]] if opts.get("r") else []) + ["--"] + addresses
    res = run(host, argv, message)
    return Result(out=res.out, err=err + res.err, code=res.code)


# -- reading ----------------------------------------------------------------------------------


def _mailbox_path(host: Host, opts: dict) -> str:
    if "f" in opts:
        f = opts["f"] or "~/mbox"
        if f.startswith("~/"):
            home = "/root" if host.user == "root" else f"/home/{host.user}"
            f = home + f[1:]
        return f if f.startswith("/") else posixpath.join(host.cwd, f)
    return f"{MAIL_SPOOL}/{safe_name(opts.get('u') or host.user)}"


def _header(headers, name: str) -> str:
    for k, v in headers:
        if k.lower() == name:
            return v
    return ""


def _decoded(value: str) -> str:
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError):
        return value


def headline(n: int, msg, current: bool) -> str:
    headers, _ = split_message(msg.body)
    frm = parseaddr(_header(headers, "from"))[1] or msg.envelope_from
    subject = _decoded(_header(headers, "subject"))
    status = " " if "\\Seen" in msg.flags else "N"
    when = msg.internal_date.strftime("%a %b %d %H:%M")
    lines = msg.body.count(b"\n") + 1  # + the "From " line
    size = len(msg.body) + len(f"From {msg.envelope_from} {when}:00 2026\n")
    return f"{'>' if current else ' '}{status}{n:>3} {frm[:20]:<20}  {when} {lines:>3}/{size:<5} \"{subject}\""


def show(n: int, msg) -> str:
    headers, body = split_message(msg.body)
    lines = [f"Message {n:>2}:", f"From {msg.envelope_from} {msg.internal_date.strftime('%a %b %d %H:%M:%S %Y')}"]
    lines += [f"{k}: {v}" for k, v in headers if k.lower() not in IGNORED]
    text = "\n".join(lines).rstrip("\n") + "\n\n" + body.decode("utf-8", "replace")
    return text if text.endswith("\n") else text + "\n"


def read(host: Host, opts: dict, stdin: str | None) -> Result:
    try:
        box_path = _mailbox_path(host, opts)
        real = host.world.path(box_path, host.cwd)
        store = Store.in_world(host.world, real, host.clock)
    except PathEscape as e:
        return Result(err=f"mail: {e}\n", code=1)
    who = opts.get("u") or host.user
    if not real.exists() or real.stat().st_size == 0:
        if "f" in opts:
            return Result(err=f"{box_path}: No such file or directory\n" if not real.exists() else "", code=1)
        return Result(err=f"No mail for {who}\n", code=1)
    with store.lock():
        box = store.load()
    msgs = list(box.messages)
    if not msgs:
        return Result(err=f"No mail for {who}\n", code=1)
    if opts.get("e"):
        return Result(code=0)
    out: list[str] = []
    new = sum(1 for m in msgs if "\\Seen" not in m.flags)
    current = next((i for i, m in enumerate(msgs) if "\\Seen" not in m.flags), 0)
    if not opts.get("N"):
        if not opts.get("H"):
            out.append(BANNER)
            count = f"{len(msgs)} message{'s' if len(msgs) != 1 else ''}"
            out.append(f'"{box_path}": {count}' + (f" {new} new" if new else ""))
        out += [headline(i + 1, m, i == current) for i, m in enumerate(msgs)]
    if opts.get("H"):
        return Result(out="".join(x + "\n" for x in out))
    seen: set[int] = set()
    deleted: set[int] = set()
    err: list[str] = []
    quit_saves = True
    for raw in (stdin or "").splitlines():
        cmd = raw.strip()
        if not cmd:
            cmd = "next"
        m = re.fullmatch(r"(\w*)\s*(.*)", cmd)
        verb, arg = m.group(1), m.group(2).strip()
        if verb.isdigit():
            verb, arg = "p", verb
        nums = _numbers(arg, len(msgs), current + 1)
        if verb in ("p", "print", "t", "type", "P", "T", "next", "n"):
            if verb in ("next", "n"):
                nums = [i for i in range(current + 2, len(msgs) + 1) if i - 1 not in deleted][:1] if seen else [current + 1]
            if nums is None:
                err.append(f"{arg}: Invalid message number\n" if arg else "No applicable messages\n")
                continue
            for k in nums:
                if k - 1 in deleted:
                    err.append(f"{k}: Inappropriate message\n")
                    continue
                out.append(show(k, msgs[k - 1]).rstrip("\n"))
                seen.add(k - 1)
                current = k - 1
        elif verb in ("h", "headers", "f", "from"):
            out += [headline(i + 1, mm, i == current) for i, mm in enumerate(msgs) if i not in deleted]
        elif verb in ("d", "delete", "dp", "dt"):
            if nums is None:
                err.append(f"{arg}: Invalid message number\n")
                continue
            deleted.update(k - 1 for k in nums)
        elif verb in ("u", "undelete"):
            deleted.difference_update(k - 1 for k in (nums or []))
        elif verb in ("q", "quit"):
            break
        elif verb in ("x", "ex", "exit", "xit"):
            quit_saves = False
            break
        else:
            err.append(f'Unknown command: "{verb}"\n')
    if quit_saves and (seen or deleted):
        uids_seen = {msgs[i].uid for i in seen}
        uids_gone = {msgs[i].uid for i in deleted}

        def change(b):  # update() reads the file anew: its entries are this command's own
            for mm in b.messages:
                if mm.uid in uids_seen:
                    mm.flags |= {"\\Seen"}
            b.messages = [mm for mm in b.messages if mm.uid not in uids_gone]

        store.update(change)
    if quit_saves:
        kept = len(msgs) - len(deleted)
        if kept and stdin:
            out.append(f"Held {kept} message{'s' if kept != 1 else ''} in {box_path}")
    return Result(out="".join(x + "\n" for x in out), err="".join(err))


def _numbers(arg: str, count: int, current: int) -> list[int] | None:
    """mailx message lists: `3`, `1-3`, `1 4`, `*`, `$`; None when one is out of range."""
    if not arg:
        return [current] if count else None
    out = []
    for part in arg.split():
        if part == "*":
            out += range(1, count + 1)
            continue
        if part == "$":
            part = str(count)
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            return None
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if lo < 1 or hi > count or lo > hi:
            return None
        out += range(lo, hi + 1)
    return out


def parse_args(argv: list[str]) -> tuple[dict, list[str]] | str:
    opts: dict = {"c": [], "b": []}
    args: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        i += 1
        if a == "--":
            args += argv[i:]
            break
        if not a.startswith("-") or a == "-":
            args.append(a)
            continue
        flag = a[1:2]
        if flag in ("s", "c", "b", "r", "u"):
            val = a[2:]
            if not val:
                if i >= len(argv):
                    return f"mail: option requires an argument -- '{flag}'\n" + USAGE
                val, i = argv[i], i + 1
            if flag in ("c", "b"):
                opts[flag] += [x.strip() for x in val.split(",") if x.strip()]
            else:
                opts[flag] = val
        elif flag == "f":
            opts["f"] = a[2:] or ""
            if not opts["f"] and i < len(argv) and not argv[i].startswith("-"):
                opts["f"], i = argv[i], i + 1
        elif flag in ("e", "H", "N", "n", "i", "I", "v", "d"):
            for c in a[1:]:
                opts[c] = True
        else:
            return f"mail: illegal option -- {flag}\n" + USAGE
    return opts, args


@command("mail", "mailx", "Mail")
def mail(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    parsed = parse_args(argv)
    if isinstance(parsed, str):
        return Result(err=parsed, code=EX_USAGE)
    opts, args = parsed
    if args:
        if "f" in opts or "u" in opts:
            return Result(err=USAGE, code=EX_USAGE)
        return send(host, opts, args, stdin)
    if opts.get("s") is not None or opts["c"] or opts["b"]:
        return Result(err="Send options without primary recipient specified.\n" + USAGE, code=EX_USAGE)
    return read(host, opts, stdin)
