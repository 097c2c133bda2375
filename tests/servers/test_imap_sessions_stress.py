"""Five sessions on one mailbox at once, each pipelining random STORE +/-FLAGS, APPEND, EXPUNGE
and FETCH for a bounded time (MAILKIT_STRESS_SECONDS, 10 s by default). Afterwards:
- the final flags equal a sequential model of the accepted commands (each session owns one
  flag, so the model does not depend on how the sessions interleaved: a lost update shows);
- no untagged EXPUNGE came inside a non-UID FETCH, STORE or SEARCH, and every sequence number
  a client used still named the message it meant (a non-UID FETCH answers with the UID);
- every command got its tagged OK, and the server still serves a new session."""

import os
import random
import re
import threading
import time
from datetime import datetime

from dovecot import RawImap

from mailkit.core.deliver import append_mbox, mbox_entry

SECONDS = float(os.environ.get("MAILKIT_STRESS_SECONDS", "10"))
OWN_FLAG = ["\\Answered", "\\Flagged", "\\Draft", "$Work", "Todo"]  # session i changes only OWN_FLAG[i]
NON_UID = ("FETCH", "STORE", "SEARCH")


class Client:
    def __init__(self, address, index, seed):
        self.c = RawImap(address, timeout=30).login()
        self.i = index
        self.flag = OWN_FLAG[index]
        self.rng = random.Random(seed)
        self.map: list = []  # seq - 1 -> UID as this client knows it (None: not learned yet)
        self.ops: list = []  # (uid, "+" | "-") of this session's flag, in the order accepted
        self.appended: list = []
        self.deleted: set = set()
        self.errors: list = []
        self.commands = 0

    def learn(self, untagged):
        for line in untagged:
            m = re.match(r"\* (\d+) (EXPUNGE|EXISTS)$", line)
            if m and m.group(2) == "EXPUNGE":
                del self.map[int(m.group(1)) - 1]
            elif m:
                n = int(m.group(1))
                self.map += [None] * (n - len(self.map))
            m = re.match(r"\* (\d+) FETCH \(.*UID (\d+)", line)
            if m:
                seq, uid = int(m.group(1)), int(m.group(2))
                if self.map[seq - 1] not in (None, uid):
                    self.errors.append(f"session {self.i}: seq {seq} is UID {uid}, the client knew it as {self.map[seq - 1]}")
                self.map[seq - 1] = uid

    def batch(self):
        rng, flag = self.rng, self.flag
        known = [(s, u) for s, u in enumerate(self.map, 1) if u is not None]
        plan = []  # (command line or ("APPEND", body), what it means)
        # non-UID commands first: their numbers are the ones this client holds now
        for _ in range(rng.randint(1, 4)):
            pick = rng.random()
            if pick < 0.2 or not known:
                plan.append((f"FETCH 1:* (UID FLAGS)" if known or self.map else "NOOP", None))
            elif pick < 0.6:
                seq, uid = rng.choice(known)
                sign = rng.choice("+-")
                plan.append((f"STORE {seq} {sign}FLAGS ({flag})", (uid, sign)))
            elif pick < 0.8:
                seq, uid = rng.choice(known)
                plan.append((f"FETCH {seq} (UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])", None))
            else:
                plan.append((f"SEARCH KEYWORD {flag}" if not flag.startswith("\\") else f"SEARCH {flag[1:].upper()}", None))
        for _ in range(rng.randint(1, 4)):
            pick = rng.random()
            if pick < 0.4 and known:
                seq, uid = rng.choice(known)
                sign = rng.choice("+-")
                plan.append((f"UID STORE {uid} {sign}FLAGS ({flag})", (uid, sign)))
            elif pick < 0.6:
                body = f"Subject: s{self.i}-{self.commands}\r\n\r\nbody\r\n".encode()
                plan.append((("APPEND", body), "append"))
            elif pick < 0.75 and self.appended:
                uid = rng.choice(self.appended)
                plan.append((f"UID STORE {uid} +FLAGS.SILENT (\\Deleted)", ("deleted", uid)))
            elif pick < 0.85:
                plan.append(("EXPUNGE", None))
            else:
                plan.append(("NOOP", None))
        tags, data = [], b""
        for line, _ in plan:
            self.c.n += 1
            tag = f"t{self.c.n}"
            tags.append(tag)
            if isinstance(line, tuple):
                body = line[1]
                data += f"{tag} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n"
            else:
                data += f"{tag} {line}\r\n".encode()
        self.c.sock.sendall(data)  # pipelined: all at once
        for tag, (line, meaning) in zip(tags, plan):
            untagged, tagged = self.c.read_until(tag)
            self.commands += 1
            name = "APPEND" if isinstance(line, tuple) else line.split()[0]
            if name in NON_UID and any(re.match(r"\* \d+ EXPUNGE$", u) for u in untagged):
                self.errors.append(f"session {self.i}: EXPUNGE inside {line}: {untagged}")
            if " OK " not in tagged + " ":
                self.errors.append(f"session {self.i}: {line} -> {tagged}")
                continue
            self.learn(untagged)
            if meaning == "append":
                self.appended.append(int(re.search(r"APPENDUID \d+ (\d+)", tagged).group(1)))
            elif isinstance(meaning, tuple) and meaning[0] == "deleted":
                self.deleted.add(meaning[1])
            elif isinstance(meaning, tuple):
                self.ops.append(meaning)
                if name == "STORE":  # non-UID: its reply (the first FETCH of that number) shows the change
                    own = [u for u in untagged if u.startswith(f"* {line.split()[1]} FETCH (FLAGS (")]
                    m = re.match(r"\* \d+ FETCH \(FLAGS \(([^)]*)\)\)$", own[0]) if own else None
                    if not m or (flag in m.group(1).split()) != (meaning[1] == "+"):
                        self.errors.append(f"session {self.i}: {line} -> {untagged}")

    def run(self, deadline):
        try:
            self.learn(self.c.ok("SELECT INBOX"))
            self.learn(self.c.ok("FETCH 1:* (UID)"))
            while time.monotonic() < deadline:
                self.batch()
            self.c.ok("LOGOUT")
        except Exception as e:  # noqa: BLE001 - reported with the others below
            self.errors.append(f"session {self.i}: {type(e).__name__}: {e}")


def test_five_pipelining_sessions_agree_with_a_sequential_model(running_host, world):
    for n in range(20):
        msg = f"From: alice@localhost\nTo: bob@localhost\nSubject: m{n}\n\nhello\n".encode()
        append_mbox(world.path("/var/spool/mail/bob"), mbox_entry(msg, "alice@localhost", datetime(2026, 11, 29, 9)))
    address = running_host.connect_address(143)
    clients = [Client(address, i, seed=1000 + i) for i in range(5)]
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=c.run, args=(deadline,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 60)
    assert not any(t.is_alive() for t in threads), "a session hung"
    errors = [e for c in clients for e in c.errors]
    assert errors == [], "\n".join(errors[:20])
    assert sum(c.commands for c in clients) > 100  # the run did something

    # the model: initial messages and every APPEND, less what was marked \Deleted; per message,
    # each session's flag as that session's last accepted change left it
    final = RawImap(address).login()
    final.ok("SELECT INBOX")
    final.ok("EXPUNGE")
    got = {}
    for line in final.ok("UID FETCH 1:* (FLAGS)"):
        m = re.match(r"\* \d+ FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)", line)
        if m:
            got[int(m.group(1))] = set(m.group(2).split()) - {"\\Recent"}
    deleted = set().union(*(c.deleted for c in clients))
    expected_uids = (set(range(1, 21)) | {u for c in clients for u in c.appended}) - deleted
    assert set(got) == expected_uids
    want = {u: set() for u in expected_uids}
    for c in clients:
        for uid, sign in c.ops:
            if uid in want:
                (want[uid].add if sign == "+" else want[uid].discard)(c.flag)
    assert got == want
    final.ok("LOGOUT")
