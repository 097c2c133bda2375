"""The path of one message through the host, read back from /var/log/maillog and the spools.

A message goes MUA -> MTA -> queue -> MDA -> mailbox -> POP3/IMAP. Each agent leaves a trace:
the MTA and the queue runner write sendmail-style syslog lines (core/maillog.py), e.g.

    Nov 29 09:00:00 localhost sendmail[4242]: 6AT0900a004242: from=<alice@localhost>, size=30, ..., msgid=<...>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]
    Nov 29 09:00:00 localhost sendmail[4242]: 6AT0900a004242: to=<bob@localhost>, delay=00:00:00, mailer=local, pri=30030, dsn=2.0.0, stat=Sent

the MDA leaves the message in /var/spool/mail/USER, and POP3/IMAP servers log logins (dovecot
style, "pop3-login: Login: user=<bob>" or "imap(bob): ...") and mark what was read (Status).
A step whose trace is missing is reported as not reached, never guessed.

The MTA takes the queue id at MAIL, so a transaction refused at MAIL or RCPT is logged under
the id the message would have had:

    Nov 29 09:00:05 localhost sendmail[4242]: 6AT90005004242: ruleset=check_mail, arg1=<spammer@spam.example.net>, relay=spam.example.net [127.0.0.3], reject=550 5.7.1 <spammer@spam.example.net>... Access denied

Such a message is traced (by that id, or by the refused sender or recipient address) as a path
that stops at the MTA with the reject text.

Each step's sentence is worded in Korean or English (`lang`) from one table, TEXTS; what the
sentence quotes (reject texts, queue ids, addresses, file names, dsn= and stat= values) is copied
from the log and the spools as it stands.
"""

from __future__ import annotations

import mailbox as stdmailbox
import re
from dataclasses import dataclass, field

from .maillog import MAILLOG
from .world import CLIENTMQUEUE, MAIL_SPOOL, MQUEUE, World

AGENTS = ("MUA", "MTA", "queue", "MDA", "mailbox", "POP3/IMAP")

# Every sentence the trace writes itself, in both languages. The {fields} are quoted as logged.
TEXTS = {
    "en": {
        "mua_msp": "{sender} sent it with the sendmail command (queued as {msp} in {clientmqueue}, relayed over SMTP)",
        "mua_smtp": "{sender} sent it over {proto} from {relay}",
        "mua_command": "{sender} sent it with the sendmail command",
        "user_agent": " ({ua})",
        "mta_accepted": "sendmail accepted it as {qid}: size={size}, nrcpts={nrcpts}, daemon={daemon}",
        "mta_also_refused": "; in the same transaction it refused {refusals}",
        "mua_none": "no submission of this message in /var/log/maillog",
        "mta_none": "not reached: the MTA did not log accepting it",
        "queue_waiting": "waiting in {where} as qf{qid}/df{qid}",
        "queue_reason": ": {reason}",
        "queue_passed": "written to the queue as qf{qid}/df{qid}, removed after delivery",
        "not_reached": "not reached",
        "mda_sent": "delivered {parts}",
        "mda_sent_one": "{to} by mailer={mailer} (dsn={dsn}, stat=Sent)",
        "mda_failed": "{to}: {stat} (dsn={dsn}), returned to the sender",
        "mda_none": "not reached: no delivery logged yet",
        "mailbox_stored": "stored in {boxes}",
        "mailbox_one": "{path} (message {n})",
        "mailbox_gone": "delivered, no longer in any mailbox (fetched with POP3 or deleted)",
        "mailbox_not": "not a mailbox: delivered to {mailers}",
        "client_login": "{users} logged in with {protos} after delivery",
        "client_protos_and": " and ",
        "client_read": "read by {users} (Status: R)",
        "client_none": "not reached: no POP3 or IMAP session fetched it yet",
        "refused_mua": "{sender} tried to send it over SMTP from {relay}",
        "refused_mua_unknown": "a client tried to send it over SMTP from {relay}",
        "refused_mta": "sendmail refused {refusals}; nothing was queued under {qid}",
        "refused_later": "not reached: the MTA refused the message",
        "relay_sent": "passed on to {relay} by mailer={mailer} ({stat})",
    },
    "ko": {
        "mua_msp": "보낸 사람 {sender}: sendmail 명령으로 제출 ({clientmqueue}에 잠시 머문 뒤 SMTP로 MTA에 전달, 큐 ID {msp})",
        "mua_smtp": "보낸 사람 {sender}: {relay}에서 {proto}로 보냄",
        "mua_command": "보낸 사람 {sender}: sendmail 명령으로 제출",
        "user_agent": " ({ua})",
        "mta_accepted": "sendmail이 받음 (큐 ID {qid}): size={size}, nrcpts={nrcpts}, daemon={daemon}",
        "mta_also_refused": "; 같은 트랜잭션에서 거절함: {refusals}",
        "mua_none": "/var/log/maillog에 이 메시지를 제출한 기록이 없음",
        "mta_none": "도달하지 않음: MTA가 받았다는 기록이 없음",
        "queue_waiting": "{where}에서 대기 중 (qf{qid}/df{qid})",
        "queue_reason": ": {reason}",
        "queue_passed": "큐에 qf{qid}/df{qid} 파일로 저장됐다가 배달 후 삭제됨",
        "not_reached": "도달하지 않음",
        "mda_sent": "배달함: {parts}",
        "mda_sent_one": "{to} (mailer={mailer}, dsn={dsn}, stat=Sent)",
        "mda_failed": "{to}: {stat} (dsn={dsn}), 보낸 사람에게 반송함",
        "mda_none": "도달하지 않음: 아직 배달 기록이 없음",
        "mailbox_stored": "메일함에 저장됨: {boxes}",
        "mailbox_one": "{path} ({n}번째 메시지)",
        "mailbox_gone": "배달됐지만 지금은 어느 메일함에도 없음 (POP3로 가져갔거나 삭제함)",
        "mailbox_not": "메일함을 거치지 않음: {mailers} mailer가 배달함",
        "client_login": "배달 후 {users} 사용자가 로그인함 ({protos})",
        "client_protos_and": ", ",
        "client_read": "{users} 사용자가 읽음 (Status: R)",
        "client_none": "도달하지 않음: 아직 이 메시지를 가져간 POP3/IMAP 세션이 없음",
        "refused_mua": "보낸 사람 {sender}: {relay}에서 SMTP로 보내려 함",
        "refused_mua_unknown": "{relay}의 클라이언트가 SMTP로 보내려 함",
        "refused_mta": "sendmail이 거절함: {refusals}; 큐에 들어간 것 없음 (큐 ID {qid})",
        "refused_later": "도달하지 않음: MTA가 거절함",
        "relay_sent": "{relay}(으)로 넘김, mailer={mailer} ({stat})",
    },
}
assert all(TEXTS[lang].keys() == TEXTS["en"].keys() for lang in TEXTS)


def texts(lang: str) -> dict[str, str]:
    """The trace's sentences in `lang` ("ko" or "en")."""
    if lang not in TEXTS:
        raise ValueError(f"trace: lang must be one of {', '.join(TEXTS)}, not {lang!r}")
    return TEXTS[lang]

_SYSLOG = re.compile(r"^(?P<stamp>\w{3} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) (?P<prog>[^\[:\s]+)(?:\[(?P<pid>\d+)\])?: (?P<text>.*)$")
_QID = re.compile(r"^(?P<qid>[0-9A-Za-x]{8}\d{6}): (?P<rest>.*)$")
_USER = re.compile(r"user=<?([^>,\s]+)>?|(?:pop3|imap)\(([^)]+)\)", re.I)


@dataclass
class LogLine:
    stamp: str
    program: str
    qid: str | None
    text: str
    fields: dict = field(default_factory=dict)


@dataclass
class Step:
    agent: str
    what: str
    ok: bool
    reached: bool = True
    host: str = ""  # on a network: the host where this step happened
    qid: str = ""  # and the message's queue id there

    def to_dict(self) -> dict:
        d = {"agent": self.agent, "what": self.what, "ok": self.ok, "reached": self.reached}
        if self.host:  # only on a network, so a host alone keeps the JSON it always had
            d.update(host=self.host, qid=self.qid)
        return d


def parse_fields(text: str) -> dict:
    """'to=<b@x>, delay=00:00:00, stat=Deferred: a, b' -> dict; stat= runs to the end of line."""
    out = {}
    for m in re.finditer(r"(?:^|, )([A-Za-z_][A-Za-z0-9_]*)=", text):
        key = m.group(1)
        start = m.end()
        if key in ("stat", "reject"):
            out[key] = text[start:]
            break
        nxt = re.search(r", [A-Za-z_][A-Za-z0-9_]*=", text[start:])
        out[key] = text[start : start + nxt.start()] if nxt else text[start:]
    return out


def parse_line(line: str) -> LogLine | None:
    m = _SYSLOG.match(line)
    if not m:
        return None
    text = m.group("text")
    qm = _QID.match(text)
    qid, rest = (qm.group("qid"), qm.group("rest")) if qm else (None, text)
    return LogLine(m.group("stamp"), m.group("prog"), qid, rest, parse_fields(rest))


def read_log(world: World) -> list[LogLine]:
    path = world.path(MAILLOG)
    if not path.exists():
        return []
    lines = (parse_line(x) for x in path.read_text(encoding="utf-8", errors="replace").splitlines())
    return [x for x in lines if x]


def _norm_msgid(s: str) -> str:
    s = s.strip()
    return s if s.startswith("<") else f"<{s}>"


def _looks_like_qid(key: str) -> bool:
    return bool(re.fullmatch(r"[0-9A-Za-x]{8}\d{6}", key))


REFUSING_RULESETS = {"check_mail": "MAIL FROM", "check_rcpt": "RCPT TO"}


def _norm_addr(s: str) -> str:
    return s.strip().strip("<>").strip().lower()


def is_refusal(ln: LogLine) -> bool:
    """A check_mail/check_rcpt line with reject=: the MTA refused a MAIL or RCPT command."""
    return ln.fields.get("ruleset") in REFUSING_RULESETS and "reject" in ln.fields


def _addresses(ln: LogLine) -> set[str]:
    """The envelope addresses a line of the MTA names: a refused MAIL/RCPT argument, from=, to=."""
    if is_refusal(ln):
        return {_norm_addr(ln.fields.get("arg1", ""))}
    found = set()
    if "from" in ln.fields:
        found.add(_norm_addr(ln.fields["from"]))
    if "to" in ln.fields:
        found.update(_norm_addr(a) for a in ln.fields["to"].split(","))
    return found


def find_by_address(log: list[LogLine], address: str) -> str | None:
    """The queue id of the latest transaction that names `address` as sender or recipient,
    refused or accepted (the MSP's own submission ids are left out: the MTA's id is followed)."""
    want = _norm_addr(address)
    if not want:
        return None
    relayed = {ln.qid for ln in log if ln.qid and ln.fields.get("mailer") == "relay"}
    first: dict[str, int] = {}
    for i, ln in enumerate(log):
        if ln.qid and ln.qid not in first:
            first[ln.qid] = i
    hits = {ln.qid for ln in log if ln.qid and ln.qid not in relayed and want in _addresses(ln)}
    return max(hits, key=first.__getitem__) if hits else None


def find_message(world: World, key: str, log: list[LogLine]) -> tuple[str | None, str | None]:
    """(queue id, Message-ID) of the message that `key` names: a queue id, a Message-ID, or
    (when no Message-ID matches) a sender or recipient address of its SMTP transaction."""
    if _looks_like_qid(key):
        for ln in log:
            if ln.qid == key and "msgid" in ln.fields:
                return key, ln.fields["msgid"] if ln.fields["msgid"] != "<>" else None
        return key, None
    msgid = _norm_msgid(key)
    qids = [ln.qid for ln in log if ln.qid and ln.fields.get("msgid") == msgid]
    if not qids:
        qid = find_by_address(log, key)
        if qid:
            return find_message(world, qid, log)
        return None, msgid
    # The submission program (MSP, clientmqueue) relays to the MTA and logs its own queue id
    # with mailer=relay; the MTA's id is the one whose delivery the trace follows.
    relayed = {ln.qid for ln in log if ln.qid in qids and ln.fields.get("mailer") == "relay"}
    mta = [q for q in qids if q not in relayed]
    return (mta[-1] if mta else qids[-1]), msgid


def submission_qid(log: list[LogLine], msgid: str | None, qid: str | None) -> str | None:
    """The MSP's queue id for the same message (sendmail command via submit.cf), if logged."""
    if not msgid:
        return None
    for ln in log:
        if ln.qid and ln.qid != qid and ln.fields.get("msgid") == msgid:
            if any(x.qid == ln.qid and x.fields.get("mailer") == "relay" for x in log):
                return ln.qid
    return None


def _mailboxes(world: World):
    spool = world.path(MAIL_SPOOL)
    if spool.is_dir():
        yield from sorted(p for p in spool.iterdir() if p.is_file())


def find_in_mailboxes(world: World, qid: str | None, msgid: str | None) -> list[tuple[str, int, dict]]:
    """[(user, 1-based index, headers)] of the copies of the message still in a mailbox."""
    found = []
    for path in _mailboxes(world):
        if path.stat().st_size == 0:
            continue
        box = stdmailbox.mbox(path, create=False)
        try:
            for i, msg in enumerate(box, 1):
                mid = (msg.get("Message-ID") or "").strip()
                received = " ".join(str(v) for v in msg.get_all("Received") or [])
                if (msgid and mid == msgid) or (qid and re.search(rf"\bid {re.escape(qid)}\b", received)):
                    found.append((path.name, i, {k: str(v) for k, v in msg.items()}))
        finally:
            box.close()
    return found


def _in_queue(world: World, qid: str) -> str | None:
    for q in (MQUEUE, CLIENTMQUEUE):
        try:
            if world.path(f"{q}/qf{qid}").exists():
                return q
        except ValueError:
            continue
    return None


def _client_logins(log: list[LogLine], users: set[str], after: int) -> list[tuple[str, str]]:
    """(protocol, user) of POP3/IMAP sessions logged after line index `after`."""
    seen = []
    for ln in log[after + 1 :]:
        blob = f"{ln.program} {ln.text}".lower()
        proto = "POP3" if "pop3" in blob else "IMAP" if "imap" in blob else None
        if not proto or "auth failed" in blob:  # a refused login read nothing
            continue
        m = _USER.search(ln.text)
        user = (m.group(1) or m.group(2)) if m else None
        if user in users and (proto, user) not in seen:
            seen.append((proto, user))
    return seen


def build_trace(world: World, key: str, user_agent: str | None = None, lang: str = "en") -> tuple[str, list[Step]]:
    """(the message's id as shown, its steps worded in `lang`). `key` is a queue id or a Message-ID."""
    t = texts(lang)
    log = read_log(world)
    qid, msgid = find_message(world, key, log)
    shown = msgid or qid or key
    mine = [(i, ln) for i, ln in enumerate(log) if qid and ln.qid == qid]
    frm = next((ln for _, ln in mine if "from" in ln.fields), None)
    tos = [(i, ln) for i, ln in mine if "to" in ln.fields]
    refusals = [ln for _, ln in mine if is_refusal(ln)]
    steps: list[Step] = []
    if refusals and not frm:
        return shown, _refused_steps(qid, refusals, t)

    # MUA and MTA: the from= line is written when the MTA accepted (250) and queued the message.
    copies = find_in_mailboxes(world, qid, msgid)
    headers = copies[0][2] if copies else {}
    ua = user_agent or headers.get("User-Agent") or headers.get("X-Mailer")
    if frm:
        f = frm.fields
        proto = f.get("proto", "")
        msp = submission_qid(log, msgid, qid)
        if msp:
            how = t["mua_msp"].format(sender=f["from"], msp=msp, clientmqueue=CLIENTMQUEUE)
        elif "SMTP" in proto.upper():
            how = t["mua_smtp"].format(sender=f["from"], proto=proto, relay=f.get("relay", "?"))
        else:
            how = t["mua_command"].format(sender=f["from"])
        steps.append(Step("MUA", how + (t["user_agent"].format(ua=ua) if ua else ""), True))
        refused = t["mta_also_refused"].format(refusals=_refusal_text(refusals)) if refusals else ""
        steps.append(Step("MTA", t["mta_accepted"].format(qid=qid, size=f.get("size", "?"), nrcpts=f.get("nrcpts", "?"),
                                                          daemon=f.get("daemon", "?")) + refused, True))
    else:
        steps.append(Step("MUA", t["mua_none"], False, False))
        steps.append(Step("MTA", t["mta_none"], False, False))

    # queue: the message is either still there, or went through it.
    where = _in_queue(world, qid) if qid else None
    deferred = [ln for _, ln in tos if ln.fields.get("stat", "").startswith("Deferred")]
    sent = [(i, ln) for i, ln in tos if ln.fields.get("stat", "").startswith("Sent")]
    failed = [ln for _, ln in tos if ln.fields.get("dsn", "").startswith("5") or ln.fields.get("dsn") == "4.4.7"]
    if where:
        reason = deferred[-1].fields["stat"] if deferred else None
        steps.append(Step("queue", t["queue_waiting"].format(where=where, qid=qid)
                          + (t["queue_reason"].format(reason=reason) if reason else ""), reason is None))
    elif frm:
        steps.append(Step("queue", t["queue_passed"].format(qid=qid), True))
    else:
        steps.append(Step("queue", t["not_reached"], False, False))

    # MDA: one to= line per recipient the queue runner handled.
    if sent:
        parts = [t["mda_sent_one"].format(to=ln.fields["to"], mailer=ln.fields.get("mailer", "?"),
                                          dsn=ln.fields.get("dsn", "?")) for _, ln in sent]
        steps.append(Step("MDA", t["mda_sent"].format(parts="; ".join(parts)), not failed))
    elif failed:
        ln = failed[-1]
        steps.append(Step("MDA", t["mda_failed"].format(to=ln.fields["to"], stat=ln.fields.get("stat", ""),
                                                        dsn=ln.fields.get("dsn", "?")), False))
    else:
        steps.append(Step("MDA", t["mda_none"], False, False))

    # mailbox: a copy found by Message-ID (or queue id in Received), or gone after delivery.
    users = {u for u, _, _ in copies}
    local_sent = [ln for _, ln in sent if ln.fields.get("mailer") == "local"]
    if copies:
        boxes = ", ".join(t["mailbox_one"].format(path=f"{MAIL_SPOOL}/{u}", n=n) for u, n, _ in copies)
        steps.append(Step("mailbox", t["mailbox_stored"].format(boxes=boxes), True))
    elif local_sent:
        steps.append(Step("mailbox", t["mailbox_gone"], True))
    elif sent:
        mailers = ", ".join(ln.fields.get("mailer", "?") for _, ln in sent)
        steps.append(Step("mailbox", t["mailbox_not"].format(mailers=mailers), True))
    else:
        steps.append(Step("mailbox", t["not_reached"], False, False))

    # POP3/IMAP: a login by a receiving user after delivery, or the Status header set by a read.
    if not users and local_sent:
        users = {ln.fields["to"].strip("<>").split("@")[0] for ln in local_sent}
    first_sent = sent[0][0] if sent else len(log)
    logins = _client_logins(log, users, first_sent)
    read_flags = [u for u, _, h in copies if "R" in h.get("Status", "")]
    if logins:
        protos = sorted({p for p, _ in logins})
        who = ", ".join(sorted({u for _, u in logins}))
        steps.append(Step("/".join(protos) if len(protos) == 1 else "POP3/IMAP",
                          t["client_login"].format(users=who, protos=t["client_protos_and"].join(protos)), True))
    elif read_flags:
        steps.append(Step("POP3/IMAP", t["client_read"].format(users=", ".join(read_flags)), True))
    else:
        steps.append(Step("POP3/IMAP", t["client_none"], False, False))
    return shown, steps


def _refusal_text(refusals: list[LogLine]) -> str:
    """'MAIL FROM:<a@b> (ruleset=check_mail): 550 5.7.1 <a@b>... Access denied; RCPT TO:...'"""
    return "; ".join(f"{REFUSING_RULESETS[ln.fields['ruleset']]}:{ln.fields.get('arg1', '<>')} "
                     f"(ruleset={ln.fields['ruleset']}): {ln.fields['reject']}" for ln in refusals)


def _refused_steps(qid: str, refusals: list[LogLine], t: dict[str, str]) -> list[Step]:
    """The path of a transaction the MTA refused at MAIL or RCPT: it stops at the MTA."""
    senders = [ln.fields.get("arg1") for ln in refusals if ln.fields["ruleset"] == "check_mail"]
    relay = refusals[-1].fields.get("relay", "?")
    mua = (t["refused_mua"].format(sender=senders[-1], relay=relay) if senders
           else t["refused_mua_unknown"].format(relay=relay))
    return [
        Step("MUA", mua, True),
        Step("MTA", t["refused_mta"].format(refusals=_refusal_text(refusals), qid=qid), False),
        Step("queue", t["refused_later"], False, False),
        Step("MDA", t["refused_later"], False, False),
        Step("mailbox", t["not_reached"], False, False),
        Step("POP3/IMAP", t["not_reached"], False, False),
    ]


# -- across the hosts of a network
_ADDR = re.compile(r"\[(\d+\.\d+\.\d+\.\d+)\]")
_NEXT_QID = re.compile(r"^Sent \((\S+) ")


@dataclass
class Hop:
    host: str  # FQDN
    qid: str | None  # the message's queue id on that host


def _relay_addr(ln: LogLine) -> str | None:
    m = _ADDR.search(ln.fields.get("relay", ""))
    return m.group(1) if m else None


def find_hops(hosts: dict, key: str) -> tuple[str | None, list[Hop]]:
    """(Message-ID, the hosts the message went through, in order) on a network. `hosts`: FQDN ->
    (address, World), the host where the key is looked up first. The first hop is the host
    the message entered the network at (its from= line names no other host of the network);
    each next one is the host a to= line with stat=Sent names in relay= ([address])."""
    by_addr = {addr: name for name, (addr, _) in hosts.items()}
    logs = {name: read_log(w) for name, (_, w) in hosts.items()}
    msgid = None
    for name, (_, w) in hosts.items():  # the key's Message-ID, from the first host that knows it
        qid, mid = find_message(w, key, logs[name])
        if qid and any(ln.qid == qid for ln in logs[name]):
            msgid = mid
            if not msgid:
                return None, [Hop(name, qid)]
            break
    if not msgid:
        return None, []

    def qid_on(name):
        mine = [ln.qid for ln in logs[name] if ln.qid and ln.fields.get("msgid") == msgid]
        relayed = {ln.qid for ln in logs[name] if ln.qid in mine and ln.fields.get("mailer") == "relay"}
        mta = [q for q in mine if q not in relayed]
        return mta[0] if mta else None

    present = {name: q for name in hosts if (q := qid_on(name))}
    start = None
    for name, q in present.items():
        frm = next((ln for ln in logs[name] if ln.qid == q and "from" in ln.fields), None)
        came_from = by_addr.get(_relay_addr(frm)) if frm else None
        if came_from is None or came_from == name:
            start = name
            break
    hops, seen, name = [], set(), start or next(iter(present), None)
    while name and name not in seen:
        seen.add(name)
        q = present.get(name)
        hops.append(Hop(name, q))
        name = None
        for ln in logs[hops[-1].host]:
            if q and ln.qid == q and "to" in ln.fields and ln.fields.get("stat", "").startswith("Sent"):
                nxt = by_addr.get(_relay_addr(ln) or "")
                if nxt and nxt != hops[-1].host:
                    name = nxt
                    m = _NEXT_QID.match(ln.fields["stat"])
                    if nxt not in present and m:  # no Message-ID logged there: the reply's id
                        present[nxt] = m.group(1)
    return msgid, hops


def build_network_trace(hosts: dict, key: str, lang: str = "en") -> tuple[str, list[Step], list[Hop]]:
    """The message's path across the hosts of a network: each host's steps (build_trace there,
    by its queue id), tagged with the host and queue id. A host that passed the message on
    shows a `relay` step instead of its MDA, mailbox and POP3/IMAP steps (unless it also
    delivered a copy locally); the hosts after the first start at their MTA."""
    t = texts(lang)
    msgid, hops = find_hops(hosts, key)
    if not hops:
        first = next(iter(hosts.values()))[1]
        shown, steps = build_trace(first, key, lang=lang)
        return shown, steps, []
    steps: list[Step] = []
    shown = msgid or hops[0].qid or key
    for i, hop in enumerate(hops):
        world = hosts[hop.host][1]
        _, mine = build_trace(world, hop.qid or key, lang=lang)
        passed = i + 1 < len(hops)
        if i > 0:
            mine = [s for s in mine if s.agent != "MUA"]
        if passed:
            log = read_log(world)
            next_addr = hosts[hops[i + 1].host][0]
            relays = [ln for ln in log if ln.qid == hop.qid and "to" in ln.fields
                      and ln.fields.get("stat", "").startswith("Sent") and _relay_addr(ln) == next_addr]
            local = any(ln.qid == hop.qid and ln.fields.get("mailer") == "local" and "to" in ln.fields for ln in log)
            relay = Step("relay", "; ".join(t["relay_sent"].format(relay=ln.fields.get("relay", "?"),
                                                                   mailer=ln.fields.get("mailer", "?"),
                                                                   stat=ln.fields.get("stat", ""))
                                            for ln in relays), True)
            if local:
                at = next(k for k, s in enumerate(mine) if s.agent == "MDA") + 1
                mine = mine[:at] + [relay] + mine[at:]
            else:
                at = next(k for k, s in enumerate(mine) if s.agent == "MDA")
                mine = mine[:at] + [relay]
        for s in mine:
            s.host, s.qid = hop.host, hop.qid or ""
        steps += mine
    return shown, steps, hops


def network_hosts(world: World) -> dict:
    """FQDN -> (address, World) of every host of `world`'s network, `world`'s host first
    ({} when it is alone)."""
    from . import network

    m = network.membership(world)
    if m is None:
        return {}
    out = {m.name: (m.addr, world)}
    for name, entry in network.hosts(world).items():
        if name not in out and entry.get("root"):
            out[name] = (entry.get("addr", ""), World(entry["root"]))
    return out
