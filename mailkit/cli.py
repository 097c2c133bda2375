"""The `mailkit` console script: make a world, run the host, and the exam's commands.

    mailkit init DIR                 a fresh CentOS-like mail host in DIR
    mailkit serve [--bind-as-configured] [DIR]
                                     run the host in the foreground until Ctrl-C; it binds
                                     loopback addresses only unless told to bind the
                                     addresses sendmail.cf names (0.0.0.0: every interface)
    mailkit serve --network DIR      run every host of the network in DIR (made there the
                                     first time: mail.korea.example, mail.jeju.example,
                                     mx2.jeju.example) until Ctrl-C
    mailkit demo                     a headless tour: send, queue, deliver, fetch
    mailkit check-config             every sendmail.cf line mailkit does not act on
    mailkit [--world DIR] COMMAND …  sendmail, mailq, newaliases, makemap, m4, …
    mailkit --network DIR --host NAME COMMAND …
                                     the command on that host of the network

The world comes from --world or $MAILKIT_WORLD; on a network, --host NAME picks the host of
the network in --network DIR ($MAILKIT_NETWORK), or of the network --world's host is in.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from .commands.base import EX_USAGE, Host, run
from .core.clock import FixedClock, SystemClock

USAGE = ("usage: mailkit [--world DIR | --network DIR] [--host NAME] {init DIR | serve [--bind-as-configured]"
         " [--network DIR | DIR] | demo | check-config | COMMAND [ARGS...]}\n")


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


# The servers' threads (event loop, committer, checks, deliveries) hand the GIL to each other
# at every system call; a thread back from one waits until the holder lets go, up to the
# switch interval (5 ms by default). A process that only serves mail waits less with 0.2 ms.
SERVE_SWITCH_INTERVAL = 0.0002


def serve(world, bind_as_configured: bool = False) -> int:
    from .servers.runtime import HostRuntime

    sys.setswitchinterval(SERVE_SWITCH_INTERVAL)
    # the handler first: a script that reads the first line and sends SIGTERM gets a clean stop
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    rt = HostRuntime(world, _clock(), loopback_only=not bind_as_configured).start()
    # one line per listener, SMTP first: scripts (and the crash test) read the first line,
    # which names the address to connect to (and the configured one when it differs)
    # errors first: a reader that stops at the first listener line has them already
    for name, err in rt.last_error.items():
        print(f"{name}: {err}", file=sys.stderr, flush=True)
    for line in listener_lines(rt):
        print(line, flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    rt.stop()
    return 0


def listener_lines(rt) -> list[str]:
    """`sendmail: port 25 on 127.0.0.1:PORT`, SMTP first; the address the configuration asked
    for is added when another one was bound."""
    lines = []
    for ln in sorted(rt.listeners(), key=lambda ln: (ln.port != 25, ln.port)):
        bound = (ln.bound or (ln.addr,))[0]
        source = "dovecot.conf" if ln.service == "dovecot" else "sendmail.cf"  # who named the address
        asked = f" ({source}: {ln.addr})" if ln.addr != bound else ""
        lines.append(f"{ln.service}: port {ln.port} on {bound}:{ln.real_port}{asked}")
    return lines


def serve_network(directory, bind_as_configured: bool = False) -> int:
    """Every host of the network in `directory` (made there the first time) in this process;
    one line per listener, `[HOST] sendmail: port 25 on ADDR:PORT`, the name server first."""
    from .core.netinit import registry_path
    from .network import Network

    sys.setswitchinterval(SERVE_SWITCH_INTERVAL)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    loopback = not bind_as_configured
    made = not os.path.exists(registry_path(directory))
    net = (Network.create(directory, _clock(), loopback_only=loopback) if made
           else Network.open(directory, _clock(), loopback_only=loopback))
    net.start()
    for m in net.members.values():
        for name, err in m.runtime.last_error.items():
            print(f"[{m.name}] {name}: {err}", file=sys.stderr, flush=True)
    for m in net.members.values():
        for line in listener_lines(m.runtime):
            print(f"[{m.name}] {line}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    net.close()
    return 0


def host_world(network_dir: str | None, world_dir: str | None, name: str):
    """The world of the network host `name` (FQDN or address): of the network in network_dir,
    else of the network the world in world_dir belongs to. Exits 67 (no such host) or 66."""
    from .core import network
    from .core.netinit import registry_path

    if network_dir:
        registry = registry_path(network_dir)
    else:
        m = network.membership(_world(world_dir))
        if m is None:
            sys.stderr.write(f"mailkit: {world_dir}: this host is in no network (use --network DIR)\n")
            raise SystemExit(66)
        registry = m.registry
    hosts = network.read_registry(registry).get("hosts", {})
    for fqdn, entry in hosts.items():
        if name.lower().rstrip(".") in (fqdn.lower(), entry.get("addr")):
            return _world(entry.get("root"))
    known = ", ".join(hosts) or "none"
    sys.stderr.write(f"mailkit: {name}: no such host in the network (hosts: {known})\n")
    raise SystemExit(67)


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


def _take_value(args: list[str]) -> str | None:
    """Pop `--opt VALUE` or `--opt=VALUE` (--world, --network, --host) off the front of args;
    None when VALUE is missing."""
    opt = args.pop(0)
    if "=" in opt:
        return opt.split("=", 1)[1]
    return args.pop(0) if args else None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    world_dir = os.environ.get("MAILKIT_WORLD")
    network_dir = os.environ.get("MAILKIT_NETWORK")
    host_name = None
    while argv and argv[0].split("=", 1)[0] in ("--world", "--network", "--host"):
        opt = argv[0].split("=", 1)[0]
        value = _take_value(argv)
        if value is None:
            sys.stderr.write(USAGE)
            return EX_USAGE
        if opt == "--world":
            world_dir = value
        elif opt == "--network":
            network_dir = value
        else:
            host_name = value
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(USAGE)
        return 0 if argv else EX_USAGE
    cmd, args = argv[0], argv[1:]
    as_configured = cmd == "serve" and "--bind-as-configured" in args
    if as_configured:
        args = [a for a in args if a != "--bind-as-configured"]
    if cmd in ("serve", "check-config") and args[:1] and args[0].startswith("--world"):
        # `mailkit serve --world DIR` reads as well as `mailkit --world DIR serve`
        world_dir = _take_value(args)
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
    if cmd == "serve" and (args[:1] and args[0].split("=", 1)[0] == "--network"):
        network_dir = _take_value(args)
        if network_dir is None or args:
            sys.stderr.write("usage: mailkit serve [--bind-as-configured] --network DIR\n")
            return EX_USAGE
        return serve_network(network_dir, as_configured)
    if host_name is not None:
        if not network_dir and not world_dir:
            sys.stderr.write("mailkit: --host NAME needs the network: --network DIR or --world DIR\n")
            return EX_USAGE
        world_dir = str(host_world(network_dir, world_dir, host_name).root)
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
