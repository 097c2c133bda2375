"""A notebook run in a real kernel: nbclient executes it, nbval compares a second run with it.

tests/kernel/notebooks/smoke.ipynb is committed with its outputs. `python
tests/kernel/test_notebook_nbval.py` rebuilds it from CELLS below and executes it (MAILKIT_CLOCK=
fixed, so times and queue ids are the same on every run). The test does the same into a
temporary copy, then runs `pytest --nbval` on that copy in a second fresh kernel.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "notebooks"
NOTEBOOK = HERE / "smoke.ipynb"
SANITIZE = HERE / "sanitize.cfg"

# (source, tags)
CELLS = [
    ("%load_ext mailkit", []),
    ("%yum -y install telnet", []),
    ("%netstat -anp | grep LISTEN -w | grep :25", []),
    ("%%host\necho 'spam.example REJECT' >> /etc/mail/access\n"
     "makemap hash /etc/mail/access < /etc/mail/access\ngrep -w REJECT /etc/mail/access", []),
    ("%%telnet localhost 25\nEHLO localhost\nMAIL FROM:<bob@localhost>\nRCPT TO:<alice@localhost>\nDATA\n"
     "Subject: typed by hand\n\nHello Alice, from a telnet session.\n.\nQUIT", []),
    ("import smtplib, mailkit\n"
     "with smtplib.SMTP(*mailkit.connect(25)) as s:\n"
     "    s.ehlo('localhost')\n"
     "    print(s.mail('eve@spam.example'))\n"
     "    s.rset()\n"
     "    print(s.sendmail('bob@localhost', ['alice@localhost'],\n"
     "                     'Subject: from smtplib\\n\\nA blocking client in a cell.\\n'))", []),
    ("import imaplib, time\n"
     "spool = mailkit.host().world.mailbox_path('alice')\n"
     "for _ in range(100):  # delivery runs in the background, as sendmail's DeliveryMode=b\n"
     "    if spool.exists() and spool.read_text().count('\\nFrom ') + spool.read_text().startswith('From ') >= 2:\n"
     "        break\n"
     "    time.sleep(0.05)\n"
     "m = imaplib.IMAP4(*mailkit.connect(143))\n"
     "print(m.login('alice', 'secret')[0])\n"
     "print(m.select('INBOX'))\n"
     "typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')\n"
     "for item in data:\n"
     "    if isinstance(item, tuple):\n"
     "        print(item[1].decode().strip())\n"
     "print(m.logout()[0])", []),
    ("%mail -u alice", []),
    ("%mailq", []),
    ("%makemap hash /etc/mail/access < /etc/mail/acces", ["raises-exception"]),
    ("%unload_ext mailkit", []),
]


def kernel_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILKIT_")}
    env["MAILKIT_CLOCK"] = "fixed"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2]) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(path: Path) -> None:
    """Write the notebook from CELLS and execute it in a python3 kernel, keeping the outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for src, tags in CELLS:
        c = nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = tags
        nb.cells.append(c)
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_env())
    try:
        NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=False).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    for i, c in enumerate(nb.cells):  # stable ids, so a rebuild changes only what changed
        c.id = f"cell-{i}"
    nbformat.write(nb, str(path))


def test_executed_notebook_passes_nbval(tmp_path):
    """nbclient runs the notebook and writes it back with outputs; nbval runs it again and compares."""
    pytest.importorskip("nbval")
    import nbformat

    path = tmp_path / NOTEBOOK.name
    build(path)  # nbclient raises on an error in a cell not tagged raises-exception
    nb = nbformat.read(str(path), as_version=4)
    text = lambda c: "".join(o.get("text", "") or str(o.get("data", {}).get("text/plain", "")) for o in c.outputs)
    assert text(nb.cells[0]).startswith("mailkit: mail host ready (sendmail on :25")
    assert "(550, b'5.7.1 <eve@spam.example>... Access denied')" in text(nb.cells[5])
    assert "Subject: from smtplib" in text(nb.cells[6]) and "Subject: typed by hand" in text(nb.cells[6])
    # a learner's mistake: the tool's words on stderr, no traceback
    assert text(nb.cells[9]) == "UsageError: bash: /etc/mail/acces: No such file or directory\n"

    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
                        "--rootdir", str(tmp_path), "--nbval", "--nbval-sanitize-with", str(SANITIZE), str(path)],
                       capture_output=True, text=True, timeout=300, env=kernel_env(), cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert f"{len(CELLS)} passed" in r.stdout


def test_committed_notebook_is_current():
    """The committed notebook's sources are CELLS (rebuild it with this file as a script)."""
    import nbformat

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert [(c.source, c.metadata.get("tags", [])) for c in nb.cells] == [(s, t) for s, t in CELLS]
    assert all(c.outputs for c in nb.cells[:-1])  # written back with outputs


if __name__ == "__main__":
    build(NOTEBOOK)
    print(f"wrote {NOTEBOOK}")
