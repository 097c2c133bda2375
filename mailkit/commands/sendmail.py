"""`sendmail` and `mailq`: submit mail, list and run the queues, verify addresses.

Submission works like the real MSP (submit.cf): a message is handed over SMTP to the MTA on
127.0.0.1:25; when the MTA is not running it waits in /var/spool/clientmqueue with
"Deferred: Connection refused by [127.0.0.1]", and `sendmail -Ac -q` sends it later.
"""

from __future__ import annotations

import smtplib
from email.utils import getaddresses

from ..core import config, qflock, rewrite, route, runner
from ..core.clock import rfc5322_date
from ..core.mailq import QueueListing, format_mailq, locked_ids, printq_order
from ..core.cf import CfError
from ..core.maps import MapError
from ..core.message import Message
from ..core.queue import Envelope, Queue, join_message, message_id, split_message
from ..core.accounts import accounts, home_of
from ..core.deliver import append_mbox, mbox_entry
from ..core.verify import verify as verify_addresses
from ..core.hosts import hostname_of
from ..core.world import SUBMIT_CF
from .newaliases import newaliases_result  # `sendmail -bi` is newaliases
from .base import EX_NOUSER, EX_USAGE, EX_CONFIG, Host, Result, command

EX_UNAVAILABLE = 69  # sysexits.h: the service refused the message
EX_TEMPFAIL = 75

CONN_REFUSED = "Deferred: Connection refused by [127.0.0.1]"


class Usage(Exception):
    pass


def parse_args(argv: list[str]) -> dict:
    opts = {"mode": "m", "queue_run": False, "sender": None, "oQ": None, "od": None, "Ac": False,
            "t": False, "v": False, "rcpts": [], "fullname": None, "limits": []}
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            opts["rcpts"] += args[i:]
            break
        if not a.startswith("-") or a == "-":
            opts["rcpts"].append(a)
            continue

        def value(rest):
            nonlocal i
            if rest:
                return rest
            if i >= len(args):
                raise Usage(f"option requires an argument -- {a[1]}")
            i += 1
            return args[i - 1]

        if a.startswith("-b"):
            mode = a[2:]
            if mode not in ("p", "i", "v", "m", "s", "t", "d", "D"):
                raise Usage(f"Invalid operation mode {mode}")
            opts["mode"] = mode
        elif a.startswith("-q"):
            opts["queue_run"] = True
            # -qRsubstr / -qSsubstr / -qIsubstr: only jobs whose recipient / sender / id
            # contains substr (sendmail's queue run limits); -q15m's interval is ignored.
            if a[2:3] in ("R", "S", "I") or a[2:4] in ("!R", "!S", "!I"):
                neg = a[2:3] == "!"
                kind = a[3:4] if neg else a[2:3]
                opts["limits"].append((kind, value(a[4:] if neg else a[3:]), neg))
        elif a.startswith("-f") or a.startswith("-r"):
            opts["sender"] = value(a[2:])
        elif a.startswith("-F"):
            opts["fullname"] = value(a[2:])
        elif a.startswith("-oQ"):
            opts["oQ"] = value(a[3:])
        elif a.startswith("-od"):
            opts["od"] = a[3:4] or "b"
        elif a in ("-oi", "-i", "-oem", "-oee", "-om", "-U", "-n"):
            continue
        elif a.startswith("-o") or a.startswith("-O") or a.startswith("-C") or a.startswith("-N") or a.startswith("-R") or a.startswith("-V") or a.startswith("-X") or a.startswith("-h"):
            if len(a) == 2:
                value("")
            continue
        elif a == "-Ac":
            opts["Ac"] = True
        elif a == "-Am":
            opts["Ac"] = False
        elif a == "-t":
            opts["t"] = True
        elif a == "-v":
            opts["v"] = True
        elif a.startswith("-d"):
            opts.setdefault("debug", []).append(value(a[2:]))
        else:
            raise Usage(f"illegal option -- {a[1:2] or a}")
    return opts


def _queue_dir(host: Host, opts) -> tuple[str, object]:
    cfg = config.load(host.world, SUBMIT_CF if opts["Ac"] else "/etc/mail/sendmail.cf")
    return opts["oQ"] or cfg.queue_dir, cfg


def selected(entry, limits) -> bool:
    """Does a queue job pass every -qR/-qS/-qI limit (case-insensitive substrings)?"""
    for kind, text, neg in limits:
        text = text.lower()
        if kind == "R":
            hit = any(text in r.lower() for r in entry.recipients)
        elif kind == "S":
            hit = text in entry.sender.lower()
        else:
            hit = text in entry.qid.lower()
        if hit == neg:
            return False
    return True


def list_queue(host: Host, queue_dir: str, verbose: bool = False, limits=()) -> Result:
    """mailq's text, and (for the plain listing) the same listing as data for rich views."""
    tz = host.clock.now().tzinfo
    q = Queue(host.world, queue_dir)
    entries = printq_order([e for e in q.entries() if selected(e, limits)])
    locked = locked_ids(q.dir, entries)  # jobs a runner is on now: `*` after the id
    text = format_mailq(queue_dir, entries, tz, verbose=verbose, locked=locked)
    plain = not verbose and not limits
    return Result(out=text, display=[QueueListing(queue_dir, entries, tz, locked)] if plain else [])


def mta_address(host: Host):
    rt = host.runtime
    if rt is None or not getattr(rt, "running", False):
        return None
    return rt.connect_address(25) if 25 in rt.ports else None


def _reply_lines(code: int, msg: bytes) -> list[str]:
    """smtplib joins a multi-line reply with newlines; sendmail -v prints each as sent."""
    parts = msg.decode(errors="replace").split("\n")
    return [f"{code}{'-' if k < len(parts) - 1 else ' '}{p}" for k, p in enumerate(parts)]


def submit_smtp(host: Host, sender: str, rcpts: list[str], data: bytes, transcript: list | None = None) -> str:
    """Hand a message to the MTA the way the MSP does; returns the MTA's queue id.
    transcript: a list that receives the dialogue as `sendmail -v` prints it."""
    addr = mta_address(host)
    if addr is None:
        raise ConnectionRefusedError
    # the MSP's relay mailer (submit.cf) rewrites the sender and the address headers on the way
    msg, sender = rewrite.for_mailer(host.world, config.load(host.world, SUBMIT_CF), "relay",
                                     Message.from_bytes(data), sender)
    data = msg.tobytes()
    t = transcript if transcript is not None else []
    t.append(f"{', '.join(rcpts)}... Connecting to [127.0.0.1] via relay...")
    me = hostname_of(host.world)  # the MSP's $j: the machine's name (localhost.localdomain alone)
    s = smtplib.SMTP(local_hostname=me, timeout=30)
    try:
        t += _reply_lines(*s.connect(addr[0], addr[1]))
        t.append(f">>> EHLO {me}")
        t += _reply_lines(*s.ehlo())
        t.append(f">>> MAIL From:<{sender}>")
        code, msg = s.mail(sender)
        t += _reply_lines(code, msg)
        if code >= 400:
            raise smtplib.SMTPSenderRefused(code, msg, sender)
        for r in rcpts:
            t.append(f">>> RCPT To:<{r}>")
            code, msg = s.rcpt(r)
            t += _reply_lines(code, msg)
            if code >= 400:
                raise smtplib.SMTPRecipientsRefused({r: (code, msg)})
        t.append(">>> DATA")
        code, msg = s.docmd("DATA")
        t += _reply_lines(code, msg)
        if code != 354:
            raise smtplib.SMTPDataError(code, msg)
        q = smtplib.quotedata(data.decode("utf-8", "surrogateescape"))
        if not q.endswith("\r\n"):
            q += "\r\n"
        s.send(q.encode("utf-8", "surrogateescape") + b".\r\n")
        t.append(">>> .")
        code, msg = s.getreply()
        t += _reply_lines(code, msg)
        if code != 250:
            raise smtplib.SMTPDataError(code, msg)
        text = msg.decode(errors="replace")
        if text[:1].isdigit() and " " in text:  # "2.0.0 ID Message accepted": sendmail drops the 2.0.0
            text = text.split(" ", 1)[1]
        t.append(f"{', '.join(rcpts)}... Sent ({text})")
        t.append("Closing connection to [127.0.0.1]")
        t.append(">>> QUIT")
        t += _reply_lines(*s.docmd("QUIT"))
        return text.split(" ")[0]
    finally:
        s.close()


def _complete_headers(host: Host, cfg, data: bytes, sender: str, untrusted_f: bool) -> bytes:
    headers, body = split_message(data)
    names = {k.lower() for k, _ in headers}
    add = []
    if untrusted_f:
        add.append(("X-Authentication-Warning", f"{cfg.hostname}: {host.user} set sender to {sender} using -f"))
    if "date" not in names:
        add.append(("Date", rfc5322_date(host.clock.now())))
    if "from" not in names:
        add.append(("From", sender))
    if "message-id" not in names:
        add.append(("Message-Id", message_id(host.clock.now(), host.clock.queue_id(), cfg.hostname)))
    head = "".join(f"{k}: {v}\n" for k, v in add + headers)
    return head.encode("utf-8", "surrogateescape") + b"\n" + body


def submit(host: Host, opts, stdin: str | None) -> Result:
    world = host.world
    mta_cfg = config.load(world)
    data = (stdin or "").encode("utf-8", "surrogateescape")
    read_size = len(data)  # what collect() read: the priority counts it, not the headers added
    rcpts = list(opts["rcpts"])
    if opts["t"]:
        # sendmail 8: To/Cc/Bcc name the recipients, addresses also given as arguments are
        # suppressed (not added), and the Bcc: line is deleted before the message goes on.
        headers, body = split_message(data)
        named = [a for _, a in getaddresses([v for k, v in headers if k.lower() in ("to", "cc", "bcc")]) if a]
        skip = {r.lower() for r in rcpts}
        rcpts = list(dict.fromkeys(a for a in named if a.lower() not in skip))
        if any(k.lower() == "bcc" for k, _ in headers):
            data = join_message([(k, v) for k, v in headers if k.lower() != "bcc"], body)
    if not rcpts:
        return Result(err="Recipient names must be specified\n", code=EX_USAGE)
    default_sender = f"{host.user}@{mta_cfg.hostname}"
    sender = opts["sender"] or default_sender
    untrusted_f = bool(opts["sender"]) and host.user not in mta_cfg.trusted_users and "authwarnings" in mta_cfg.privacy
    data = _complete_headers(host, mta_cfg, data, sender, untrusted_f)
    # |program, /file and :include: on the command line are refused as sendmail refuses them
    refused = [f"{r}... {f.text}\n" for r in rcpts if (f := route.refuse_direct(r, mta_cfg)) is not None]
    rcpts = [r for r in rcpts if route.refuse_direct(r, mta_cfg) is None]
    if refused and not rcpts:
        saved = save_dead_letter(host, data, sender)
        return Result(err="".join(refused) + f"{saved}... Saved message in {saved}\n", code=EX_USAGE)
    if opts["od"] != "q":
        try:
            transcript: list[str] = []
            submit_smtp(host, sender, rcpts, data, transcript)
            return Result(out="".join(x + "\n" for x in transcript) if opts["v"] else "", err="".join(refused),
                          code=EX_USAGE if refused else 0)
        except smtplib.SMTPRecipientsRefused as e:
            (r, (code, msg)), = e.recipients.items()
            if code >= 500:
                return Result(err=f"{r}... {msg.decode(errors='replace')}\n", code=EX_NOUSER)
            reason = f"Deferred: {code} {msg.decode(errors='replace')}"
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            text = f"{e.smtp_code} {e.smtp_error.decode(errors='replace') if isinstance(e.smtp_error, bytes) else e.smtp_error}"
            if e.smtp_code >= 500:
                # refused for good: nothing to queue; the MSP keeps the text in ~/dead.letter
                saved = save_dead_letter(host, data, sender)
                return Result(err=f"{', '.join(rcpts)}... {text}\n{saved}... Saved message in {saved}\n",
                              code=EX_UNAVAILABLE)
            reason = f"Deferred: {text}"
        except (ConnectionRefusedError, OSError, smtplib.SMTPException):
            reason = CONN_REFUSED
    # The MTA could not take it: keep it in the client queue, as sm-msp-queue would.
    submit_cfg = config.load(world, SUBMIT_CF)
    q = Queue(world, submit_cfg.queue_dir)
    entry = q.enqueue(Envelope(sender, rcpts, protocol="local"), data, host.clock, msgsize=read_size,
                      sender_form=opts["sender"] or host.user, ctladdr={r: controlling_user(host, r) for r in rcpts})
    entry.message = reason if opts["od"] != "q" else ""
    q.update(entry)
    runner.log(world, host.clock, f"from={sender}, size={entry.body_size}, class=0, nrcpts={len(rcpts)}, relay={host.user}@localhost", program="sendmail", qid=entry.qid)
    out = f"{entry.qid}: {entry.message}\n" if opts["v"] and entry.message else ""
    return Result(out=out)


def controlling_user(host: Host, rcpt: str) -> str:
    """The C line the MSP writes before a recipient: who runs the submission, then the address
    (":rcpt" for root, "alice:1000:1000:rcpt" for another user)."""
    acct = accounts(host.world).get(host.user)
    if acct is None or acct.uid == 0:
        return f":{rcpt}"
    return f"{host.user}:{acct.uid}:{acct.gid}:{rcpt}"


def save_dead_letter(host: Host, data: bytes, sender: str) -> str:
    """Append a refused message to the submitting user's ~/dead.letter (mbox); its host path."""
    path = f"{home_of(host.world, host.user).rstrip('/')}/dead.letter"
    real = host.world.path(path)
    real.parent.mkdir(parents=True, exist_ok=True)
    append_mbox(real, mbox_entry(data, sender, host.clock.now()), host.world, path)
    return path


def run_client_queue(host: Host, queue_dir: str, limits=()) -> Result:
    q = Queue(host.world, queue_dir)
    out = []
    for listed in q.entries():
        if not selected(listed, limits):
            continue
        # like the MTA's runner: the qf stays locked while the job is sent; another run
        # (another process's `sendmail -Ac -q`) skips it instead of sending it twice
        with qflock.locked(q.dir / f"qf{listed.qid}", wait=runner.LOCK_WAIT) as held:
            if not held:
                continue
            try:
                e = q.load(listed.qid)
            except FileNotFoundError:
                continue
            sender = e.sender if "@" in e.sender or not e.sender else f"{e.sender}@{config.load(host.world).hostname}"
            try:  # a sender queued as given ("root") goes out qualified, as submit.cf makes it
                qid = submit_smtp(host, sender, e.recipients, q.message(e))
            except (ConnectionRefusedError, OSError, smtplib.SMTPException):
                e.message, e.tries = CONN_REFUSED, e.tries + 1
                e.priority += runner.RETRY_FACTOR  # each run makes the job less urgent, as in the MTA
                e.last_attempt = int(host.clock.now().timestamp())
                runner.update(q, e, held)
                out.append(f"{e.qid}: {CONN_REFUSED}")
                continue
            q.remove(e.qid)
        out.append(f"{e.qid}: Sent ({qid} Message accepted for delivery)")
    return Result(out="".join(line + "\n" for line in out))


def verify(host: Host, cfg, rcpts: list[str]) -> Result:
    """`sendmail -bv`: core/verify.py walks the addresses as sendmail 8.17 does."""
    if not rcpts:
        return Result(err="Recipient names must be specified\n", code=EX_USAGE)
    lines, code = verify_addresses(host.world, cfg, rcpts)
    return Result(out="".join(x + "\n" for x in lines), code=code)


@command("sendmail")
def sendmail(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    if "-bt" in argv[1:]:  # address test mode: the cf's rules run by core/rules.py
        from .sendmail_bt import test_mode
        return test_mode(host, argv, stdin)
    try:
        opts = parse_args(argv)
    except Usage as e:
        return Result(err=f"sendmail: {e}\n", code=EX_USAGE)
    try:
        if any(d.split(".")[0] == "0" for d in opts.get("debug", [])):  # -d0.1: who sendmail thinks it is
            head = version_banner(config.load(host.world))
            rest = _run_mode(host, opts, stdin)
            return Result(out=head + rest.out, err=rest.err, code=rest.code, display=rest.display)
        return _run_mode(host, opts, stdin)
    except CfError as e:  # sendmail's words and exit status for a cf it cannot use
        return Result(err=f"{e}\n", code=e.exit_code)
    except MapError as e:
        return Result(err=f"{e}\n", code=EX_CONFIG)


# What `sendmail -d0.1` prints first: the build (Debian's 8.17.1.9, the reference program) and
# the host's names as read from the cf.
COMPILED_WITH = (" Compiled with: DNSMAP IPV6_FULL LDAPMAP LDAP_NETWORK_TIMEOUT\n"
                 "\t\tLDAP_REFERRALS LOG MAP_REGEX MATCHGECOS MAXDAEMONS=64 MILTER\n"
                 "\t\tMIME7TO8 MIME8TO7 NAMED_BIND NETINET NETINET6 NETUNIX NEWDB=5.3\n"
                 "\t\tNIS NISPLUS PIPELINING SASLv2 SCANF SOCKETMAP STARTTLS\n"
                 "\t\tTCPWRAPPERS TLS_EC TLS_VRFY_PER_CTX USERDB USE_LDAP_INIT XDEBUG\n")


def version_banner(cfg) -> str:
    m = cfg.macros()
    sub = m.get("m") or "<null>"
    return (f"Version {cfg.version}\n{COMPILED_WITH}\n"
            "============ SYSTEM IDENTITY (after readcf) ============\n"
            f"      (short domain name) $w = {m['w']}\n"
            f"  (canonical domain name) $j = {m['j']}\n"
            f"         (subdomain name) $m = {sub}\n"
            f"              (node name) $k = {m['w']}\n"
            "========================================================\n\n")


def smtp_on_stdin(host: Host, stdin: str | None) -> Result:
    """`sendmail -bs`: an SMTP session on standard input and output, as from the local host; only
    the server's lines are printed, as with the real one (the input is not echoed)."""
    from .telnet import TelnetRun, talk

    try:
        sock = host.runtime.local_smtp(host.user) if host.runtime is not None else None
    except ConnectionRefusedError:
        sock = None
    if sock is None:
        return Result(err="sendmail: -bs: the mail host is not running here (systemctl start sendmail)\n", code=EX_TEMPFAIL)
    run = TelnetRun("smtp", "localhost", 25)
    talk(run, sock, (stdin or "").splitlines())
    return Result(out="".join(text + "\n" for who, text in run.lines if who == "server"))


def daemon_mode(host: Host, opts) -> Result:
    """`sendmail -bd [-q15m]`: start the daemon (what sendmail.service runs). When one already holds
    port 25 the new one cannot bind: sendmail says so in the log only, as the real one does."""
    rt = host.runtime
    if rt is None:
        return Result(err="sendmail: -bd: no mail host runtime in this process\n", code=EX_TEMPFAIL)
    if rt.is_active("sendmail"):
        from ..core import maillog

        cfg = config.load(host.world)
        for d in cfg.daemons:
            maillog.log(host.world, host.clock, f"NOQUEUE: SYSERR(root): opendaemonsocket: daemon {d.name}: "
                        "cannot bind: Address already in use")
        return Result()
    rt.start_service("sendmail")
    return Result()


def _run_mode(host: Host, opts, stdin: str | None) -> Result:
    if True:  # noqa: SIM108 (kept as one block with sendmail()'s error handling above)
        if opts["mode"] == "s":
            return smtp_on_stdin(host, stdin)
        if opts["mode"] == "d":
            return daemon_mode(host, opts)
        if opts["mode"] == "p":
            qdir, _ = _queue_dir(host, opts)
            return list_queue(host, qdir, opts["v"], opts["limits"])
        if opts["mode"] == "i":
            return newaliases_result(host)
        if opts["mode"] == "v":
            return verify(host, config.load(host.world), opts["rcpts"])
        if opts["queue_run"]:
            qdir, cfg = _queue_dir(host, opts)
            if opts["Ac"] or qdir == "/var/spool/clientmqueue":
                return run_client_queue(host, qdir, opts["limits"])
            limits = opts["limits"]
            results = runner.run_queue(host.world, config.load(host.world), host.clock, qdir,
                                       select=(lambda e: selected(e, limits)) if limits else None)
            if not opts["v"]:
                return Result()
            out = []
            for n, r in enumerate(results, 1):
                out.append(f"Running {qdir}/{r.qid} (sequence {n} of {len(results)})")
                for x, where in r.delivered:
                    if x in r.relayed:
                        continue  # the SMTP session below tells it
                    # deliver() names the mailer it connects to; the *file* mailer says nothing
                    if where == "local" or where.startswith("|"):
                        out.append(f"<{x}>... Connecting to {'local' if where == 'local' else 'prog'}...")
                    out.append(f"<{x}>... Sent")
                out += r.transcript
                out += [f"<{x}>... {why}" for x, why in r.deferred if x not in r.relayed]
                out += [f"<{x}>... {text}" for x, _, text in r.failed if x not in r.relayed]
            return Result(out="".join(line + "\n" for line in out))
        if opts["mode"] in ("m", "t"):
            return submit(host, opts, stdin)
        return Result(err=f"sendmail: operation mode -b{opts['mode']} is not available here\n", code=EX_USAGE)


@command("mailq")
def mailq(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    opts_argv = ["sendmail", "-bp"]
    takes_value = False
    for a in argv[1:]:
        if a in ("-Ac", "-Am", "-v") or a.startswith("-oQ") or a.startswith("-q") or takes_value:
            opts_argv.append(a)
            takes_value = not takes_value and a in ("-oQ", "-qR", "-qS", "-qI", "-q!R", "-q!S", "-q!I")
        else:
            return Result(err=f"mailq: illegal option -- {a.lstrip('-')[:1]}\nusage: mailq [-Ac] [-v] [-oQdir]\n", code=EX_USAGE)
    return sendmail(host, opts_argv, None)
