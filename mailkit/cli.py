"""The `mailkit` console script: make a world, run the host, and the exam's commands.

    mailkit init DIR                 a fresh CentOS-like mail host in DIR
    mailkit serve [--bind-as-configured] [DIR]
                                     run the host in the foreground until Ctrl-C; it binds
                                     loopback addresses only unless told to bind the
                                     addresses sendmail.cf names (0.0.0.0: every interface)
    mailkit demo                     a headless tour: send, queue, deliver, fetch
    mailkit check-config             every sendmail.cf line mailkit does not act on
    mailkit [--world DIR] COMMAND …  sendmail, mailq, newaliases, makemap, m4, …

The world comes from --world or $MAILKIT_WORLD.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from .commands.base import EX_USAGE, Host, run
from .core.clock import FixedClock, SystemClock

USAGE = ("usage: mailkit [--world DIR] {init DIR | serve [--bind-as-configured] [DIR] | demo | check-config"
         " | COMMAND [ARGS...]}\n")


def _clock():
    return FixedClock() if os.environ.get("MAILKIT_CLOCK") == "fixed" else SystemClock()


def _world(path):
    from .core.world import World

    if not path:
        sys.stderr.write("mailkit: no world: use --world DIR or set MAILKIT_WORLD\n")
        raise SystemExit(EX_USAGE)
    if not os.path.isdir(os.path.join(path, "etc", "mail")):
        sys.stderr.write(f"mailkit: {path}: not a mail host (run: mailkit init {path})\n")
        raise SystemExit(66)
    return World(path)


def serve(world, bind_as_configured: bool = False) -> int:
    from .servers.runtime import HostRuntime

    # the handler first: a script that reads the first line and sends SIGTERM gets a clean stop
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    rt = HostRuntime(world, _clock(), loopback_only=not bind_as_configured).start()
    # one line per listener, SMTP first: scripts (and the crash test) read the first line,
    # which names the address to connect to (and the configured one when it differs)
    # errors first: a reader that stops at the first listener line has them already
    for name, err in rt.last_error.items():
        print(f"{name}: {err}", file=sys.stderr, flush=True)
    for ln in sorted(rt.listeners(), key=lambda ln: (ln.port != 25, ln.port)):
        bound = (ln.bound or (ln.addr,))[0]
        source = "dovecot.conf" if ln.service == "dovecot" else "sendmail.cf"  # who named the address
        asked = f" ({source}: {ln.addr})" if ln.addr != bound else ""
        print(f"{ln.service}: port {ln.port} on {bound}:{ln.real_port}{asked}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    rt.stop()
    return 0


def check_config(world) -> int:
    from .core import config
    from .core.cf import CfError

    try:
        cfg = config.load(world)
    except CfError as e:  # sendmail's own words, the host path only
        sys.stderr.write(f"{e}\n")
        return e.exit_code
    for u in cfg.unhandled:
        print(f"{cfg.cf_path}:{u.lineno}: {u.text}    # {u.reason}")
    from .core import rules  # what the rules engine (sendmail -bt) cannot run
    for lineno, text, reason in rules.load(world, cfg.cf_path).unsupported:
        print(f"{cfg.cf_path}:{lineno}: {text}    # rules engine: {reason}")
    print(f"{len(cfg.unhandled)} lines not acted on", file=sys.stderr)
    from .core import dovecotconf  # and dovecot.conf's settings the POP3/IMAP servers do not read
    try:
        dovecot = dovecotconf.not_acted_on(dovecotconf.parse(world))
    except dovecotconf.ConfError as e:
        dovecot = [e.fatal]
    for line in dovecot:
        print(line)
    print(f"{len(dovecot)} dovecot.conf settings not acted on", file=sys.stderr)
    return 0


def _take_world(args: list[str]) -> str | None:
    """Pop `--world DIR` or `--world=DIR` off the front of args; None when DIR is missing."""
    opt = args.pop(0)
    if "=" in opt:
        return opt.split("=", 1)[1]
    return args.pop(0) if args else None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    world_dir = os.environ.get("MAILKIT_WORLD")
    while argv and argv[0].startswith("--world"):
        world_dir = _take_world(argv)
        if world_dir is None:
            sys.stderr.write(USAGE)
            return EX_USAGE
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(USAGE)
        return 0 if argv else EX_USAGE
    cmd, args = argv[0], argv[1:]
    as_configured = cmd == "serve" and "--bind-as-configured" in args
    if as_configured:
        args = [a for a in args if a != "--bind-as-configured"]
    if cmd in ("serve", "check-config") and args[:1] and args[0].startswith("--world"):
        # `mailkit serve --world DIR` reads as well as `mailkit --world DIR serve`
        world_dir = _take_world(args)
        if world_dir is None:
            sys.stderr.write(USAGE)
            return EX_USAGE
    if cmd == "init":
        from .core.init import create_world

        if len(args) != 1:
            sys.stderr.write("usage: mailkit init DIR\n")
            return EX_USAGE
        create_world(args[0])
        print(f"mailkit: mail host created in {args[0]}")
        return 0
    if cmd == "demo":
        from .demo import main as demo

        return demo()
    if cmd == "serve":
        # `mailkit serve DIR`, like `mailkit init DIR`, names the world directly
        if len(args) > 1 or (args and (args[0].startswith("-") or world_dir)):
            sys.stderr.write("usage: mailkit [--world DIR] serve [--bind-as-configured] [DIR]\n")
            return EX_USAGE
        return serve(_world(args[0] if args else world_dir), as_configured)
    if cmd == "check-config":
        return check_config(_world(world_dir))
    from .commands import load_all
    from .commands.base import REGISTRY
    from .servers.runtime import ServedElsewhere

    load_all()
    if cmd not in REGISTRY:
        sys.stderr.write(f"mailkit: {cmd}: unknown command\n{USAGE}")
        return EX_USAGE
    world = _world(world_dir)
    host = Host(world, _clock(), runtime=ServedElsewhere(world), user=os.environ.get("MAILKIT_USER", "root"))
    stdin = None if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    from .core.cf import CfError

    try:
        res = run(host, [cmd, *args], stdin)
    except CfError as e:  # a command that read a broken cf: sendmail's words, not a traceback
        sys.stderr.write(f"{e}\n")
        return e.exit_code
    sys.stdout.write(res.out)
    sys.stderr.write(res.err)
    return res.code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
