"""The exam's commands as IPython magics: thin adapters over the mini shell and the registry.

    %makemap hash /etc/mail/access < /etc/mail/access
    %netstat -anp | grep LISTEN -w | grep :25
    %%host                      several command lines, run like `set -e`: the first line that
                                fails with an error message stops the cell
    %%telnet localhost 25       the cell's lines typed into a telnet session, the dialogue shown
    %mailkit status | world | advance 5d | check-config | user alice
    %mailkit network            make (once) and show the network of mail hosts
    %host mail.jeju.example     run the next commands on that host of the network
                                (= %mailkit host mail.jeju.example)
    %%host mail.jeju.example    the cell's lines run on that host (the current one stays)

The command line is everything after the magic's name (`$x` and `{x}` are not expanded: they
belong to the command). stdout goes to the cell's stdout, stderr to its stderr. A command that
fails with a message (a mistyped file, a bad option) raises UsageError with that message, so
the learner reads the tool's words and no traceback. Rich results (`Result.display`) are shown
with IPython's display; when one's text/plain is the same as what the command printed, only
the rich form is shown. On a network of several hosts, each command's output starts with
one line naming the host it ran on, `[mail.jeju.example]` (a command that prints nothing
prints no such line either).

`%%sh` stays IPython's own script magic; the mail host's cell magic is `%%host`.
"""

from __future__ import annotations

import re
import shlex
import sys
from datetime import timedelta

from IPython.core.error import UsageError
from IPython.core.magic import no_var_expand

from ..commands import shell
from ..commands.base import Result

LINE_COMMANDS = ("systemctl", "netstat", "ss", "sendmail", "mailq", "newaliases", "makemap", "m4", "yum",
                 "rpm", "cat", "ls", "mail", "grep", "echo", "head", "tail", "dig", "nslookup", "doveconf")
CELL_MAGICS = ("host", "telnet")
_saved: dict[tuple[str, str], object] = {}  # magics of IPython we replaced, put back on unload


def _rich(item):
    """Data a command returned -> the view a notebook shows (core data stays display-free)."""
    from ..core.mailq import QueueListing

    if isinstance(item, QueueListing):
        from .display import QueueTable

        return QueueTable(item.queue_dir, list(item.entries), item.tz, item.locked)
    return item


def _show(res: Result, stdout_shown: bool = True) -> None:
    """Print a result's output and display its rich items, in that order."""
    items = [_rich(d) for d in res.display if d is not None]
    plain = "\n".join(str(d) for d in items).rstrip("\n")
    if res.out and not (items and res.out.rstrip("\n") == plain):
        sys.stdout.write(res.out)
        sys.stdout.flush()
    if items:
        from IPython.display import display

        for d in items:
            display(d)


def _fail(message: str) -> None:
    raise UsageError(message.rstrip("\n"))


def settle(session, timeout: float = 10.0) -> None:
    """Wait for deliveries the MTA already handed to its background worker (DeliveryMode=b).

    A cell that reads a mailbox right after a cell that sent mail then sees the mail, every
    time, as an administrator typing the next command a moment later would (on a network,
    every host's deliveries).
    """
    if session.runtime is not None:
        session.wait_for_deliveries(timeout)


def where(session) -> None:
    """On a network of several hosts, the line naming the host a command's output comes from."""
    net = getattr(session, "network", None)
    if net is not None and len(net.members) > 1:
        print(f"[{session.current}]", flush=True)


def run_script(session, src: str) -> None:
    """Run shell text in the notebook: output as each statement ends; stop at the first error."""
    settle(session)
    named = []  # the host line goes before the first output, once (a silent command prints none)

    def name_host():
        if not named:
            named.append(True)
            where(session)

    def on_step(step):
        settle(session)  # mail the statement sent is delivered before the next statement runs
        res = step.result
        if res.out or res.err or res.display:
            name_host()
        _show(res)
        if res.code != 0 and res.err:
            return
        if res.err:
            sys.stderr.write(res.err)
            sys.stderr.flush()

    try:
        steps = shell.run_script(session.host, src, stop_on_error=True, on_step=on_step)
    except shell.ShellSyntaxError as e:
        name_host()
        _fail(str(e))
    if steps and steps[-1].result.code != 0 and steps[-1].result.err:
        _fail(steps[-1].result.err)


def _line_magic(session, name: str):
    @no_var_expand
    def magic(line: str = ""):
        run_script(session, f"{name} {line}".rstrip())

    magic.__name__ = name
    magic.__doc__ = f"Run `{name} ...` on the notebook's mail host (pipes and < > >> work)."
    return magic


def _host_magic(session):
    @no_var_expand
    def host(line: str = "", cell: str | None = None):
        """Run shell lines on the mail host; the first failing line stops the cell.
        `%host NAME` alone, NAME a host of the network, runs the next commands there."""
        net = getattr(session, "network", None)
        named = net is not None and line.strip().lower().rstrip(".") in (n.lower() for n in net.names)
        if named and cell is None:
            switch_host(session, line.strip())
            return
        if named:  # %%host mail.jeju.example: this cell's lines run there; the current host stays
            before = session.current
            session.use(line.strip())
            try:
                run_script(session, cell)
            finally:
                session.current = before
            return
        src = (line + "\n" if line.strip() else "") + (cell or "")
        run_script(session, src)

    return host


def _sendmail_cell_magic(session):
    @no_var_expand
    def sendmail(line: str = "", cell: str | None = None):
        """`%%sendmail -bt`: the cell's lines are sendmail's standard input (address test mode)."""
        from ..commands.base import run as run_command

        where(session)
        argv = ["sendmail", *shlex.split(line)]
        res = run_command(session.host, argv, stdin=cell or "")
        if "-bt" in argv and res.code == 0 and res.out:
            res.display.append(_address_test(session, argv, cell or "", res.out))
        _show(res)
        if res.code != 0 and res.err:
            _fail(res.err)

    return sendmail


def _address_test(session, argv: list[str], stdin: str, text: str):
    """The -bt answer as text plus, for the Lab's view, the same input run again with rule
    tracing (-d21.12) read back into a tree; None when the two cannot be lined up."""
    from ..commands.base import run as run_command
    from ..core import bttrace
    from .display import AddressTest

    traced = text if "-d21.12" in argv else run_command(session.host, [*argv, "-d21.12"], stdin=stdin).out
    lines = stdin.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    payload = bttrace.address_test(text, traced, lines)
    return AddressTest(text, payload) if payload is not None else None


def _telnet_magic(session):
    @no_var_expand
    def telnet(line: str = "", cell: str | None = None):
        """`%%telnet localhost 25`: type the cell's lines into a telnet session, show the dialogue."""
        from ..commands.telnet import converse, parse_target

        words = shlex.split(line)
        timeout = 5.0
        if "--timeout" in words:
            i = words.index("--timeout")
            try:
                timeout = float(words[i + 1])
            except (IndexError, ValueError):
                _fail("telnet: --timeout needs a number of seconds")
            del words[i:i + 2]
        target = parse_target(["telnet", *words])
        if isinstance(target, str):
            _fail(target)
        typed = (cell or "").splitlines()
        settle(session)
        where(session)
        run = converse(session.host, target[0], target[1], typed, timeout=timeout)
        if run.code:
            if run.transcript:
                print("\n".join(run.transcript))
            _fail(run.err)
        text = run.text.rstrip("\n")
        if run.service:
            try:
                from .display import Dialogue

                from IPython.display import display

                display(Dialogue(run.service, run.hostname, run.port, list(run.lines), transcript=text))
                return
            except ImportError:
                pass
        print(text)

    return telnet


def _mailkit_magic(session):
    @no_var_expand
    def mailkit(line: str = ""):
        """%mailkit status | world | advance 5d | check-config | user NAME | network | host NAME"""
        words = shlex.split(line)
        sub = words[0] if words else "status"
        if sub in ("status", "check-config", "user"):
            where(session)
        if sub == "status":
            print(status_text(session))
        elif sub == "network":
            if len(words) != 1:
                _fail("usage: %mailkit network")
            show_network(session)
        elif sub == "host":
            if len(words) != 2:
                _fail("usage: %mailkit host NAME   (a host of %mailkit network)")
            switch_host(session, words[1])
        elif sub == "world":
            print(session.world.root)
        elif sub == "advance":
            if len(words) != 2:
                _fail("usage: %mailkit advance 5d   (units: d h m s)")
            delta = parse_duration(words[1])
            if delta is None:
                _fail(f"mailkit: {words[1]}: not a duration (examples: 5d, 4h, 30m, 90s)")
            session.clock.advance(delta)
            print(f"host clock: {session.clock.now().strftime('%a %b %d %H:%M:%S %Z %Y')}")
        elif sub == "check-config":
            from ..core import config

            try:
                cfg = config.load(session.world)
            except Exception as e:  # a broken cf: say what, as sendmail would
                _fail(f"mailkit: {e}")
            for u in cfg.unhandled:
                print(f"{cfg.cf_path}:{u.lineno}: {u.text}    # {u.reason}")
            print(f"{len(cfg.unhandled)} lines of sendmail.cf not acted on by mailkit")
            from ..core import dovecotconf

            try:
                dovecot = dovecotconf.not_acted_on(dovecotconf.parse(session.world))
            except dovecotconf.ConfError as e:
                dovecot = [e.fatal]
            for line in dovecot:
                print(line)
            print(f"{len(dovecot)} dovecot.conf settings not acted on by mailkit")
        elif sub == "user":
            from ..core.accounts import accounts, home_of

            if len(words) != 2 or words[1] not in accounts(session.world):
                _fail("usage: %mailkit user NAME   (an account of /etc/passwd)")
            session.host.user = words[1]
            session.host.cwd = home_of(session.world, words[1])
            from ..course import notebook_lang

            print(f"이제 명령은 {words[1]} 사용자로 실행됩니다" if notebook_lang() == "ko" else f"commands now run as {words[1]}")
        else:
            _fail(f"mailkit: unknown subcommand {sub!r} (status, world, advance, check-config, user, network, host)")

    return mailkit


def show_network(session) -> None:
    """Make the network when there is none, start it, and show its picture."""
    from IPython.display import display

    from .netview import NetworkView

    made = session.network is None
    net = session.make_network()
    session.start()
    settle(session)
    view = NetworkView.load(net, session.current)
    if made:
        from ..course import notebook_lang

        print(f"네트워크를 만들었습니다: 호스트 {len(net.members)}대, 지금 명령은 {session.current}에서 실행됩니다"
              if notebook_lang() == "ko" else
              f"network made: {len(net.members)} hosts; commands run on {session.current}")
    display(view)


def switch_host(session, name: str) -> None:
    """`%host NAME` / `%mailkit host NAME`: commands run on that host of the network from now on."""
    from ..course import notebook_lang

    if session.network is None:
        _fail("mailkit: there is no network yet (make it with %mailkit network)")
    try:
        member = session.use(name)
    except KeyError:
        _fail(f"mailkit: {name}: no such host in the network ({', '.join(session.network.names)})")
    print(f"이제 명령은 {member.name}({member.addr})에서 실행됩니다" if notebook_lang() == "ko"
          else f"commands now run on {member.name} ({member.addr})")


def parse_duration(text: str) -> timedelta | None:
    m = re.fullmatch(r"(\d+)([dhms]?)", text.strip())
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2) or "s"
    return timedelta(**{{"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}[unit]: n})


def status_text(session) -> str:
    rt = session.runtime
    lines = [f"host:   {session.current} ({session.network.member(session.current).addr})"] if session.network else []
    lines += [f"world:  {session.world.root}", f"clock:  {type(session.clock).__name__}, now "
             f"{session.clock.now().strftime('%a %b %d %H:%M:%S %Z %Y')}", f"user:   {session.host.user}"]
    listeners = rt.listeners()
    if not listeners:
        lines.append("no service is listening")
    for ln in listeners:
        lines.append(f"{ln.service:<9} port {ln.port:<4} -> {ln.addr}:{ln.real_port}")
    for name, err in sorted(rt.last_error.items()):
        lines.append(f"{name}: {err}")
    return "\n".join(lines)


def register(ip, session) -> None:
    mm = ip.magics_manager
    for name in LINE_COMMANDS:
        key = ("line", name)
        if key not in _saved and name in mm.magics["line"]:
            _saved[key] = mm.magics["line"][name]
        ip.register_magic_function(_line_magic(session, name), "line", name)
    ip.register_magic_function(_mailkit_magic(session), "line", "mailkit")
    ip.register_magic_function(_host_magic(session), "line_cell", "host")
    ip.register_magic_function(_telnet_magic(session), "line_cell", "telnet")
    ip.register_magic_function(_sendmail_cell_magic(session), "cell", "sendmail")


def unregister(ip) -> None:
    mm = ip.magics_manager
    for name in LINE_COMMANDS + ("mailkit", "host", "telnet"):
        for kind in ("line", "cell"):
            if mm.magics[kind].get(name) is not None and (kind, name) not in _saved:
                mm.magics[kind].pop(name, None)
    for (kind, name), fn in _saved.items():
        mm.magics[kind][name] = fn
    _saved.clear()
