"""The course's notebooks, written once and generated in Korean and English.

notebooks/src/NN-name.py holds one chapter: `CELLS`, a list made with `md(ko=, en=)`,
`code(source, tags)` and `quiz([...])`. Code cells are shared, so the two languages have the
same code by construction; markdown and quiz questions are per language (a quiz cell is the
same code in both, `Quiz.from_file("quiz/NN.json")`, reading the question file of its own
language folder). A code comment written `#[ko] 한국어 #[en] English` becomes `# 한국어` in the
Korean notebook and `# English` in the English one: the code is shared, its comments are not.

    python -m mailkit.course build      # write notebooks/{ko,en}/*.ipynb without outputs
    python -m mailkit.course refresh    # build, then execute every notebook and keep outputs
    python -m mailkit.course refresh 04 # only chapters whose name starts with 04

Execution uses nbclient in a python3 kernel started in the notebook's folder with
MAILKIT_CLOCK=fixed, so times and queue ids are the same on every run (and under nbval).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LANGS = ("ko", "en")
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
CELL_TIMEOUT = 60


def notebook_lang() -> str:
    """The language of the notebook running this kernel: its folder's name (notebooks/ko, notebooks/en).

    Code cells are the same in both languages, so widgets ask here which labels to show.
    """
    lang = os.environ.get("MAILKIT_LANG") or Path.cwd().name
    return lang if lang in LANGS else "ko"


def edit(host_path: str, old: str, new: str, host=None) -> None:
    """Change one piece of a file of the mail host, as `sed -i 's/OLD/NEW/' FILE` would on a real one.

    OLD must occur exactly once (else nothing is written and the reason is shown). Prints the line
    before and after, so the change can be read in the notebook.
    """
    if host is None:
        from .kernel.extension import current_host

        host = current_host()
    if host is None:
        raise RuntimeError("no mail host: run %load_ext mailkit first")
    _name_host(host)
    path = host.world.path(host_path)
    text = path.read_text(encoding="utf-8")
    if _already_edited(text, old, new):  # the cell ran before: running it again changes nothing
        line = next(ln for ln in text.splitlines() if new.splitlines()[0] in ln)
        said = "이미 바뀌어 있어 그대로 둡니다" if notebook_lang() == "ko" else "already changed, left as it is"
        print(f"{host_path}: {said}")
        print(f"  {line}")
        return
    n = text.count(old)
    if n != 1:
        raise ValueError(f"{host_path}: {old!r} occurs {n} times, expected once; nothing changed")
    start = text.rfind("\n", 0, text.index(old)) + 1
    end = text.find("\n", text.index(old) + len(old))
    before = text[start:end if end >= 0 else len(text)]
    path.write_text(text.replace(old, new), encoding="utf-8")
    after = before.replace(old, new)
    print(f"{host_path}:")
    for line in before.splitlines():
        print(f"- {line}")
    for line in after.splitlines():
        print(f"+ {line}")


def _name_host(host) -> None:
    """On a network of several hosts, say which one a helper acts on (as the magics do)."""
    from .core import network

    m = network.membership(host.world)
    if m is not None and len(network.hosts(host.world)) > 1:
        print(f"[{m.name}]")


def _already_edited(text: str, old: str, new: str) -> bool:
    """True when every OLD in TEXT is part of a NEW, i.e. edit(old, new) was already applied."""
    if not new.strip() or new not in text:
        return False
    if old in new:
        return text.count(old) == text.count(new) * new.count(old)
    return old not in text and text.count(new) == 1


PAD_LINES_SHOWN = 2  # of a body padded with size=, the first lines are shown, the rest counted


def smtp_send(rcpt, subject: str = "test", sender: str | None = None, client: str = "127.0.0.1",
              body: str = "Hello.", size: int = 0, host=None, server: str = "localhost") -> None:
    """Send one message with smtplib from the client address CLIENT (127.0.0.2 is client.example.com,
    another machine in the course's /etc/hosts) and show the whole SMTP dialogue, as telnet would:
    EHLO and its reply, MAIL, RCPT, DATA and the 354 reply, the message lines, the final dot and
    its reply, QUIT. A refused step ends the transaction there, as a client would.

    size > 0 pads the body to about that many bytes (for MaxMessageSize). host: the notebook's when None.
    On a network (`%mailkit network`), `server` names the host to connect to (`mail.jeju.example`;
    `localhost` is the current one) and client 127.0.0.1 is the current host's own address.
    """
    dialogue = smtp_dialogue(rcpt, subject, sender, client, body, size, host, server)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(dialogue)
    else:
        print(dialogue)


def smtp_dialogue(rcpt, subject: str = "test", sender: str | None = None, client: str = "127.0.0.1",
                  body: str = "Hello.", size: int = 0, host=None, server: str = "localhost"):
    """smtp_send's conversation as a kernel.display.Dialogue (who, line) without showing it."""
    import smtplib

    from .core.network import membership
    from .kernel.display import Dialogue
    from .kernel.extension import start_session
    from .servers.network import reach

    rcpts = [rcpt] if isinstance(rcpt, str) else list(rcpt)
    # the stock cf's check_mail refuses a @localhost sender from another machine ("553 5.5.4
    # Real domain name required for sender address"): bob writes from the machine he is on
    sender = sender or ("bob@localhost" if client == "127.0.0.1" else "bob@client.example.com")
    pad = ("x" * 71 + "\n") * (size // 72) if size else ""
    data = f"From: {sender}\nTo: {', '.join(rcpts)}\nSubject: {subject}\n\n{body}\n" + ("\n" + pad if pad else "")
    host = host or start_session().host
    helo = "client.example.com" if client != "127.0.0.1" else "localhost"
    source = client
    if membership(host.world) is not None:  # a network: the server chosen by name, from this host
        route = reach(host.world, host.runtime, server, 25)
        if route is None:
            raise ConnectionRefusedError(111, f"nothing listens on {server} port 25")
        address = (route.addr, route.port)
        source = route.source if client == "127.0.0.1" else client
        mine = membership(host.world).name
        if client == "127.0.0.1" and route.host != mine:  # to another host: it greets with its name
            helo = mine
    elif 25 not in host.runtime.ports:
        raise ConnectionRefusedError(111, "nothing listens on port 25 (see %systemctl status)")
    else:
        address = host.runtime.connect_address(25)
    d = Dialogue("smtp", server, 25)
    s = smtplib.SMTP(local_hostname=helo, source_address=(source, 0), timeout=30)

    def reply(code: int, msg: bytes) -> int:
        lines = msg.decode(errors="replace").split("\n")
        for i, text in enumerate(lines):
            d.add("server", f"{code}{'-' if i < len(lines) - 1 else ' '}{text}")
        return code

    def command(line: str) -> int:
        d.add("client", line)
        s.putcmd(line)
        return reply(*s.getreply())

    try:
        reply(*s.connect(*address))
        if command(f"EHLO {helo}") == 250 and command(f"MAIL FROM:<{sender}>") == 250:
            accepted = sum(command(f"RCPT TO:<{r}>") in (250, 251) for r in rcpts)
            if accepted and command("DATA") == 354:
                lines = data.rstrip("\n").split("\n")
                shown = lines if not pad else lines[:len(lines) - (size // 72) + PAD_LINES_SHOWN]
                for line in shown:
                    d.add("client", "." + line if line.startswith(".") else line)
                if len(shown) < len(lines):
                    d.add("client", f"... ({len(lines) - len(shown)} more lines of x)")
                d.add("client", ".")
                s.send(smtplib.quotedata(data).encode() + b"\r\n.\r\n")
                reply(*s.getreply())
        command("QUIT")
    except smtplib.SMTPServerDisconnected:
        d.add("server", "(connection closed)")
    finally:
        s.close()
    return d


@dataclass
class Md:
    text: dict[str, str]


@dataclass
class Code:
    source: str
    tags: list[str] = field(default_factory=list)


@dataclass
class QuizCell:
    questions: dict[str, list[dict]]  # lang -> [{question, options, answer, explanation}]
    tags: list[str] = field(default_factory=list)


def md(ko: str, en: str) -> Md:
    return Md({"ko": _dedent(ko), "en": _dedent(en)})


def code(source: str, *tags: str) -> Code:
    return Code(_dedent(source), list(tags))


def q(ko: tuple, en: tuple, answer, topic: tuple | None = None) -> dict:
    """One question: ko/en are (question, [options], explanation[, [why each option is right or wrong]]);
    answer is an index or a list of indexes, or, with no options, the accepted typed text(s);
    topic (ko, en) files the question under a topic of a mock exam's review."""
    out = {}
    for i, (lang, t) in enumerate((("ko", ko), ("en", en))):
        item = {"question": t[0], "options": list(t[1]), "answer": answer, "explanation": t[2] if len(t) > 2 else ""}
        if len(t) > 3:
            item["why"] = list(t[3])
        if topic:
            item["topic"] = topic[i]
        out[lang] = item
    return out


def quiz(*questions: dict) -> QuizCell:
    return QuizCell({lang: [qq[lang] for qq in questions] for lang in LANGS})


START_SOURCE = """\
%load_ext mailkit
import mailkit
from mailkit.course import notebook_lang, edit, smtp_send
from mailkit.widgets import ConfigEditor, QueueInspector, MailboxViewer, Trace, Telnet
LANG = notebook_lang()  #[ko] "ko" 또는 "en": 위젯이 쓰는 언어 #[en] "ko" or "en": the language the widgets speak"""


def start() -> Code:
    """Every chapter's first code cell: a fresh mail host for this notebook, and the helpers."""
    return Code(START_SOURCE, [])


def end() -> Code:
    """Every chapter's last cell: stop the mail host (its ports are free again)."""
    return Code("%unload_ext mailkit", [])


_BILINGUAL_COMMENT = re.compile(r"#\[ko\] (?P<ko>.*?) #\[en\] (?P<en>.*)$")


def localize_comments(source: str, lang: str) -> str:
    """`#[ko] 한국어 #[en] English` at the end of a line -> the comment in `lang` only."""
    return "\n".join(_BILINGUAL_COMMENT.sub(lambda m: "# " + m.group(lang).rstrip(), line)
                      for line in source.split("\n"))


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


@dataclass
class Chapter:
    name: str  # "04-sendmail-cf"
    cells: list


def load_chapters(src: Path = SOURCES) -> list[Chapter]:
    chapters = []
    for path in sorted(src.glob("[0-9][0-9]-*.py")):
        ns: dict = {"__file__": str(path), "__name__": f"course_{path.stem.replace('-', '_')}"}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)
        chapters.append(Chapter(path.stem, ns["CELLS"]))
    return chapters


def quiz_file(chapter: Chapter, index: int) -> str:
    return f"quiz/{chapter.name[:2]}-{index}.json"


def to_notebook(chapter: Chapter, lang: str):
    """The chapter as an nbformat notebook in one language, plus its quiz files {relpath: json}."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["mailkit"] = {"lang": lang, "chapter": chapter.name}
    quizzes = {}
    for i, cell in enumerate(chapter.cells):
        if isinstance(cell, Md):
            c = nbformat.v4.new_markdown_cell(cell.text[lang])
        elif isinstance(cell, Code):
            c = nbformat.v4.new_code_cell(localize_comments(cell.source, lang))
            if cell.tags:
                c.metadata["tags"] = list(cell.tags)
        elif isinstance(cell, QuizCell):
            rel = quiz_file(chapter, len(quizzes) + 1)
            quizzes[rel] = json.dumps({"lang": lang, "questions": cell.questions[lang]}, ensure_ascii=False, indent=1) + "\n"
            c = nbformat.v4.new_code_cell(f'from mailkit.widgets import Quiz\nQuiz.from_file("{rel}")')
            c.metadata["tags"] = ["quiz", *cell.tags]
        else:
            raise TypeError(f"{chapter.name}: cell {i} is {cell!r}")
        c.id = f"c{i:02d}"  # stable ids: a rebuild changes only what changed
        nb.cells.append(c)
    return nb, quizzes


def build(only: str = "", out: Path = NOTEBOOKS) -> list[Path]:
    import nbformat

    written = []
    for ch in load_chapters():
        if not ch.name.startswith(only):
            continue
        for lang in LANGS:
            nb, quizzes = to_notebook(ch, lang)
            d = out / lang
            for rel, text in quizzes.items():
                (d / rel).parent.mkdir(parents=True, exist_ok=True)
                (d / rel).write_text(text, encoding="utf-8")
            d.mkdir(parents=True, exist_ok=True)
            path = d / f"{ch.name}.ipynb"
            nbformat.write(nb, str(path))
            written.append(path)
    return written


def kernel_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILKIT_")}
    env["MAILKIT_CLOCK"] = "fixed"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def execute(path: Path) -> float:
    """Run one notebook top to bottom in a fresh kernel in its folder; keep the outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_env())
    t0 = time.monotonic()
    try:
        NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
        nb.metadata.pop("widgets", None)  # widget state is not needed to read the outputs
        for cell in nb.cells:  # run times change on every refresh and say nothing to a learner
            cell.metadata.pop("execution", None)
        nbformat.write(nb, str(path))  # also on a failure: the outputs so far show what went wrong
    return time.monotonic() - t0


def refresh(only: str = "") -> int:
    failed = 0
    for path in build(only):
        try:
            secs = execute(path)
            print(f"{path.relative_to(ROOT)}: {secs:.1f} s")
        except Exception as e:  # report and go on: one broken chapter should not hide the others
            failed += 1
            print(f"{path.relative_to(ROOT)}: FAILED: {type(e).__name__}: {str(e)[-2000:]}", file=sys.stderr)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("build", "refresh"):
        print("usage: python -m mailkit.course build|refresh [CHAPTER-PREFIX]", file=sys.stderr)
        return 2
    only = argv[1] if len(argv) > 1 else ""
    if argv[0] == "build":
        for p in build(only):
            print(p.relative_to(ROOT))
        return 0
    return refresh(only)


if __name__ == "__main__":
    # Run as the imported module, so chapter sources and this code share one set of cell classes.
    from mailkit import course

    sys.exit(course.main())
