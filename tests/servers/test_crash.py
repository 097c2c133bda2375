"""Kill -9 the mail host while it accepts mail: no message it answered 250 for is lost."""

import mailbox
import os
import re
import signal
import smtplib
import subprocess
import sys
import threading
import time

from mailkit.core.queue import Queue


def start_host(world_dir):
    """`mailkit serve` in a child process; its SMTP address from the port lines it prints."""
    proc = subprocess.Popen([sys.executable, "-m", "mailkit", "serve", "--world", str(world_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = []
    for line in proc.stdout:  # ends when the child exits, so a failed start cannot hang here
        seen.append(line)
        m = re.match(r"sendmail: port 25 on ([\d.]+):(\d+)", line)
        if m:
            return proc, (m.group(1), int(m.group(2)))
    proc.wait(10)
    raise AssertionError(f"mailkit serve printed no SMTP port: {seen!r}")


def test_sigkill_loses_no_acknowledged_message(world):
    proc, addr = start_host(world.root)
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def sender(n):
        i = 0
        while not stop.is_set():
            subject = f"crash-{n}-{i}"
            try:
                with smtplib.SMTP(*addr, timeout=5) as s:
                    s.sendmail("alice@localhost", ["bob@localhost"], f"Subject: {subject}\r\n\r\nx\r\n".encode())
            except (OSError, smtplib.SMTPException):
                if not stop.is_set() and proc.poll() is None:
                    continue  # a refused connection while the host is alive: try again
                return
            with lock:
                acked.append(subject)
            i += 1

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 60 and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    for t in threads:
        t.join()
    proc.stdout.close()

    # restart; flush the queue; every acknowledged subject is in bob's mbox or still queued
    proc, addr = start_host(world.root)
    try:
        env = dict(os.environ, MAILKIT_WORLD=str(world.root))
        subprocess.run([sys.executable, "-m", "mailkit", "sendmail", "-q"], env=env, check=True, timeout=60)
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
    delivered = {m["Subject"] for m in mailbox.mbox(world.path("/var/spool/mail/bob"))}
    q = Queue(world, "/var/spool/mqueue")
    queued = {dict(e.headers).get("Subject") for e in q.entries()}
    lost = [s for s in acked if s not in delivered and s not in queued]
    assert len(acked) >= 60
    assert lost == []
