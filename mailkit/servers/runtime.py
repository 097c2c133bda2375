"""The host runtime: every server of the mail host on one background thread and loop.

Never the kernel's loop: a notebook cell that blocks (smtplib, poplib, imaplib, %%telnet)
would otherwise freeze the server it talks to. Services start and stop like systemd units
("sendmail", "dovecot" for POP3+IMAP, "postfix" for the port-25 lesson); each service port
(25, 110, 143, and the TLS ones: 993, 995, 465 where the cf has M=s) is mapped once to a real
port so a restart binds the same one again.

The host binds loopback addresses only (`loopback_only`, the default): a cf that asks for
0.0.0.0 or a non-loopback address is shown as asked (netstat, ss), but what is bound is on
127.0.0.0/8, so nothing outside this machine can reach a learner's mail host.
"""

from __future__ import annotations

import asyncio
import errno
import concurrent.futures
import ipaddress
import json
import os
import socket
import threading
import time
from dataclasses import dataclass

from ..core import config as config_mod
from ..core import maillog, network, recovery, tlscert
from ..core.cf import CfError
from ..core.clock import SystemClock
from ..core.world import STATE_DIR, World
from .queue_runner import QueueRunner, hms, interval_of

SERVICES_FILE = STATE_DIR + "/services.json"
PORTS_FILE = STATE_DIR + "/ports.json"  # where a `mailkit serve` host listens, for CLI commands


_PID_OFFSET = {"sendmail": 0, "dovecot": 118, "postfix": 231, "named": 344}

# The listen queue of every daemon (the kernel caps it at net.core.somaxconn). sendmail's own
# default (DaemonPortOptions Listen=) is 10 and Dovecot's 100, enough for daemons that fork a
# process per connection; one event loop greeting a burst of connects needs a longer queue,
# or handshakes overflow it and wait for retransmits (1,000 simultaneous connects: about a
# third were not greeted within 10 s with 100). A cf's Listen= still sets sendmail's.
LISTEN_BACKLOG = 1024
# How long a start waits for the queue run it begins (sendmail -q15m runs the queue at start);
# a longer run goes on in the background.
START_RUN_WAIT = 30.0


class ServiceError(RuntimeError):
    """A service that cannot start; the message reads like the daemon's own log line, and
    `status` is the exit status systemd reports (1; dovecot's config errors exit 89)."""

    def __init__(self, text: str, status: int = 1):
        super().__init__(text)
        self.status = status


@dataclass(frozen=True)
class Listener:
    service: str  # the unit: sendmail, dovecot, postfix
    program: str  # what netstat shows: "sendmail: accepting connections"
    addr: str  # the address the configuration asked for (netstat and ss show it)
    port: int  # the service port shown to the learner (25, 110, 143)
    real_port: int  # the port actually bound
    pid: int
    bound: tuple = ()  # the addresses actually bound (loopback ones in a kernel); () = (addr,)
    backlog: int = LISTEN_BACKLOG  # the listen queue (ss shows it as Send-Q)


def free_port(addr: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((addr if addr != "0.0.0.0" else "127.0.0.1", 0))
        return s.getsockname()[1]


def is_loopback(addr: str) -> bool:
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False


def loopback_addresses(world: World) -> list[str]:
    """127.0.0.1 and the other loopback addresses the world's /etc/hosts names (the "other
    machines" of the course): what an address meaning every interface is bound to."""
    found = ["127.0.0.1"]
    try:
        text = world.read_text("/etc/hosts")
    except (OSError, ValueError):
        text = ""
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and fields[0].count(".") == 3 and is_loopback(fields[0]) and fields[0] not in found:
            found.append(fields[0])
    return found


def _set_backlog(server, backlog: int) -> None:
    """Give a server's listening sockets a longer listen queue (listen(2) again on a listening
    socket only changes its queue); for servers created elsewhere with asyncio's 100."""
    inner = getattr(server, "sockets", None)
    if inner is None:
        inner = getattr(getattr(server, "_server", None), "sockets", None) or ()
    for ts in inner:
        s = socket.socket(fileno=os.dup(ts.fileno()))
        try:
            s.listen(backlog)
        finally:
            s.close()


def _free_on_all(addrs: list[str], tries: int = 50) -> int:
    """A port no socket holds on any of `addrs` (each tried with a bind)."""
    for _ in range(tries):
        port = free_port(addrs[0])
        if all(_can_bind(a, port) for a in addrs[1:]):
            return port
    raise OSError(errno.EADDRINUSE, "Address already in use")


def _can_bind(addr: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((addr, port))
        except OSError:
            return False
    return True


def load_services(world: World) -> dict:
    path = world.path(SERVICES_FILE)
    # a fresh CentOS 7 install: packages installed disabled (vendor preset: disabled); the mail host
    # starts sendmail and dovecot as `systemctl start` would, so they run but are not enabled at boot
    state = {"sendmail": {"enabled": False, "active": True}, "dovecot": {"enabled": False, "active": True},
             "postfix": {"installed": False, "enabled": False, "active": False}}
    if path.exists():
        try:
            for k, v in json.loads(path.read_text()).items():
                state.setdefault(k, {}).update(v)
        except ValueError:
            pass
    return state


def save_services(world: World, state: dict) -> None:
    path = world.path(SERVICES_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True))


class HostRuntime:
    def __init__(self, world: World, clock=None, real_ports: bool | None = None, loopback_only: bool = True):
        self.world = world
        self.clock = clock or SystemClock()
        self.loopback_only = loopback_only  # False only when `mailkit serve --bind-as-configured`
        self.real_ports = os.environ.get("MAILKIT_REAL_PORTS") == "1" if real_ports is None else real_ports
        self.ports: dict[int, tuple[str, int]] = {}  # service port -> (bound addr, real port)
        self._reserved: dict[int, int] = {}
        self._servers: dict[str, list] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self._mtas: list = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self.queue_runner = QueueRunner(world, self.clock, interval_of(world))
        self.started_at: dict[str, object] = {}
        self.last_error: dict[str, str] = {}
        self.last_status: dict[str, int] = {}  # the failed start's exit status (systemctl status)

    # -- the thread
    def _ensure_loop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        ready = threading.Event()

        def main():
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.set_exception_handler(self._log_exception)
            self._loop = loop
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=main, name="mailkit-host", daemon=True)
        self._thread.start()
        ready.wait()

    def _call(self, coro, timeout=30):
        if threading.current_thread() is self._thread:  # waiting on our own loop would hang it
            coro.close()
            raise RuntimeError("HostRuntime controls cannot be called from the host's own thread")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _log_exception(self, loop, context) -> None:
        """An error inside the host thread goes to maillog, like a daemon's syslog line."""
        exc = context.get("exception")
        text = context.get("message", "error")
        if exc is not None:
            text = f"{text}: {exc!r}"
        try:
            maillog.log(self.world, self.clock, f"SYSERR(root): {text}")
        except OSError:
            pass

    # -- whole host
    def start(self) -> "HostRuntime":
        """Start every service that is active in the world's state (sendmail, dovecot)."""
        with self._lock:
            self._ensure_loop()
            state = load_services(self.world)
            for name in ("postfix", "sendmail", "dovecot", "named"):
                if state.get(name, {}).get("active") and name not in self._servers:
                    try:
                        self.start_service(name)
                    except ServiceError:
                        pass  # recorded in last_error; systemctl status shows it
                    except Exception as e:  # never let one unit keep the others down
                        self._failed(name, f"{type(e).__name__}: {e}")
            self._call(self._start_runner())
        return self

    def stop(self) -> None:
        """Close every listener and connection, end the thread; the world's state is kept."""
        with self._lock:
            if self._loop is None:
                return
            for name in list(self._servers):
                self._stop(name)
            self._call(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None
            self._thread = None

    def restart(self) -> "HostRuntime":
        """Stop and start again: config and local names re-read, the same ports bound."""
        with self._lock:
            self.stop()
            return self.start()

    @property
    def running(self) -> bool:
        return "sendmail" in self._servers

    def is_active(self, name: str) -> bool:
        return name in self._servers

    def connect_address(self, service_port: int) -> tuple[str, int]:
        addr, port = self.ports[service_port]
        return (network.own_address(self.world) if addr in ("0.0.0.0", "") else addr), port

    def local_smtp(self, user: str) -> socket.socket:
        """A `sendmail -bs` session of `user`: one end of a socket pair whose other end the first
        daemon's SMTP serves as sendmail does its standard input (no client address, no
        connection checks or limits). ConnectionRefusedError when sendmail is not running."""
        from .smtp import SendmailSMTP

        if not self.running or not self._mtas:
            raise ConnectionRefusedError(111, "Connection refused")
        mta = self._mtas[0]
        ours, theirs = socket.socketpair()

        async def attach():
            await self._loop.connect_accepted_socket(lambda: SendmailSMTP(mta, local_user=user), sock=theirs)

        try:
            self._call(attach())
        except BaseException:
            ours.close()
            theirs.close()
            raise
        return ours

    def listeners(self) -> list[Listener]:
        """Every listening socket, by service port (what netstat and ss list)."""
        return sorted((ln for lns in self._listeners.values() for ln in lns), key=lambda ln: (ln.port, ln.addr))

    def pid_of(self, service: str) -> int:
        """A service's main pid: from the clock's pid, different per daemon, stable per host."""
        return self.clock.pid + _PID_OFFSET.get(service, 0)

    def wait_for_deliveries(self, timeout: float = 10.0) -> None:
        """Wait until the deliveries the daemons already started in the background are done."""
        futures = [f for mta in list(self._mtas) for f in list(mta.pending)]
        if futures:
            concurrent.futures.wait(futures, timeout)

    def run_queue_now(self):
        """One queue run now (`sendmail -q`), in the caller's thread; returns its results."""
        mta = self._mtas[0] if self._mtas else None
        cfg = mta.cfg if mta is not None else config_mod.load(self.world)
        return self.queue_runner.run_once(cfg)

    # -- services
    def start_service(self, name: str) -> None:
        with self._lock:
            self._ensure_loop()
            if name in self._servers:
                return
            started = time.time()
            try:
                self._call(self._start(name))
                self.last_error.pop(name, None)
                self.last_status.pop(name, None)
                self.started_at[name] = self.clock.now()
            except ServiceError as e:
                self.last_status[name] = e.status
                self._failed(name, str(e))
                raise
            state = load_services(self.world)
            state.setdefault(name, {})["active"] = True
            save_services(self.world, state)
            if name == "sendmail":
                self._run_queue_at_start(started)

    def _failed(self, name: str, text: str) -> None:
        """A unit that did not start: its journal (systemctl status) and maillog say why."""
        self.last_error[name] = text
        for line in text.splitlines():
            maillog.log(self.world, self.clock, line, program=name)

    def _run_queue_at_start(self, started: float) -> None:
        """sendmail -q15m runs the queue when it starts, then every 15 minutes: mail accepted
        before a crash or a stop goes out now. The tf files a crash left go first."""
        mta = self._mtas[0] if self._mtas else None
        if mta is None:
            return
        try:
            recovery.tidy_queue(self.world, mta.cfg.queue_dir, started)
            run = mta.delivery.submit(self.queue_runner.run_once, mta.cfg)
        except Exception as e:  # logged, never printed; the periodic run tries again
            maillog.log(self.world, self.clock, f"queue run failed: {e!r}")
            return
        mta.pending.add(run)  # wait_for_deliveries() waits for it too
        run.add_done_callback(mta.pending.discard)
        run.add_done_callback(self._log_run_failure)
        concurrent.futures.wait([run], START_RUN_WAIT)

    def _log_run_failure(self, run) -> None:
        e = None if run.cancelled() else run.exception()
        if e is not None:
            maillog.log(self.world, self.clock, f"queue run failed: {e!r}")

    def stop_service(self, name: str) -> None:
        with self._lock:
            if self._loop is not None and name in self._servers:
                self._stop(name)
            state = load_services(self.world)
            state.setdefault(name, {})["active"] = False
            save_services(self.world, state)

    def restart_service(self, name: str) -> None:
        """systemctl restart: stop, then start with the configuration as it is now. A start
        that fails (a bad dovecot.conf line) leaves the unit stopped and failed, as on CentOS."""
        with self._lock:
            if self._loop is not None and name in self._servers:
                self._stop(name)
            self.start_service(name)

    def reload_service(self, name: str) -> None:
        """systemctl reload: the daemon reads its configuration again and keeps running. For
        dovecot (kill -HUP on CentOS) a configuration it cannot read is logged and the running
        servers keep the old one; a good one replaces the listeners. Others restart."""
        with self._lock:
            if name != "dovecot" or name not in self._servers:
                self.restart_service(name)
                return
            from ..core import dovecotconf

            maillog.log(self.world, self.clock, "master: Warning: SIGHUP received - reloading configuration",
                        program="dovecot", with_pid=False)
            try:
                dovecotconf.parse(self.world, expand=True)
            except dovecotconf.ConfError as e:
                maillog.log(self.world, self.clock, f"master: Error: Error reading configuration: {e}",
                            program="dovecot", with_pid=False)
                return
            self.restart_service(name)

    def _stop(self, name: str) -> None:
        servers = self._servers.pop(name, [])
        self._listeners.pop(name, None)
        self._save_ports()
        sessions = [sess for mta in self._mtas for sess in list(mta.sessions)] if name == "sendmail" else []
        self._call(self._close(servers, sessions))
        if name == "sendmail":
            for mta in self._mtas:
                mta.close()
            self._mtas = []

    async def _close(self, servers, sessions=()) -> None:
        for srv in servers:
            srv.close()
            closer = getattr(srv, "close_clients", None)  # Python 3.12+
            if closer:
                closer()
        for sess in sessions:  # 3.11 leaves accepted connections open: end them as a stop does
            if sess.transport is not None:
                sess.transport.close()
        for srv in servers:
            try:
                await asyncio.wait_for(srv.wait_closed(), 5)
            except asyncio.TimeoutError:
                pass

    def _bind_addresses(self, addr: str) -> list[str]:
        """What is bound for an address a configuration asks for: the address itself when it is
        a loopback one (or when told to bind as configured), else loopback addresses only
        (::1 for an IPv6 one).
        A host of a network binds its own address (127.0.0.N) where the configuration says
        127.0.0.1 or every interface: 127.0.0.1 is each machine's own loopback, and the other
        hosts reach this one at its address. The first host keeps 127.0.0.1 too, so what
        reached the single host before still reaches it."""
        own = network.membership(self.world)
        if own is not None and addr in ("127.0.0.1", "0.0.0.0"):
            return [own.addr] + (["127.0.0.1"] if _keeps_loopback(self.world, own) else [])
        if not self.loopback_only or is_loopback(addr):
            return [addr]
        if addr == "0.0.0.0":  # every interface: every loopback address the host knows
            return loopback_addresses(self.world)
        return ["::1"] if ":" in addr else ["127.0.0.1"]

    def _port_for(self, service_port: int, addr: str) -> int:
        """The real port for a service port, chosen once per runtime so restarts rebind it.
        With MAILKIT_REAL_PORTS=1 the real number is tried first (needs root and a free port)."""
        if service_port not in self._reserved:
            port = service_port if self.real_ports and _can_bind(addr, service_port) else free_port(addr)
            self._reserved[service_port] = port
        return self._reserved[service_port]

    def _holder(self, real_port: int) -> str | None:
        for name, lns in self._listeners.items():
            if any(ln.real_port == real_port for ln in lns):
                return name
        return None

    async def _bind(self, name, program, factory, addr, service_port, kind="protocol", daemon="MTA",
                    backlog=None, ssl=None, shown=None):
        bound = self._bind_addresses(addr)
        backlog = backlog or LISTEN_BACKLOG
        try:
            real = self._port_for(service_port, bound[0])
            if self._holder(real) not in (None, name):  # one unit may listen on several addresses
                raise OSError(98, "Address already in use")
            if kind == "protocol":
                tls = {"ssl": ssl, "ssl_handshake_timeout": 60} if ssl else {}
                try:
                    srv = await asyncio.get_running_loop().create_server(
                        factory, bound if len(bound) > 1 else bound[0], real, backlog=backlog, **tls)
                except OSError as e:
                    # the port kept for this service was chosen free on one address; another
                    # program may hold it on another loopback address (a client's source port):
                    # take a port free on every address this bind needs
                    if e.errno != errno.EADDRINUSE or len(bound) < 2 or self.real_ports:
                        raise
                    real = self._reserved[service_port] = _free_on_all(bound)
                    srv = await asyncio.get_running_loop().create_server(factory, bound, real, backlog=backlog, **tls)
            else:
                srv = await factory(bound[0], real)
                _set_backlog(srv, backlog)
        except OSError as e:
            raise ServiceError(_bind_failure(name, daemon, shown or addr, service_port, e.strerror or str(e))) from None
        # clients connect to the bound address; 0.0.0.0 stays, so connect_address and telnet
        # reach it through whichever loopback address they name. The first listener of a port
        # is the one clients use (IPv4 before IPv6: dovecot's "*, ::")
        if not any(ln.port == service_port for lns in self._listeners.values() for ln in lns):
            self.ports[service_port] = (addr if addr == "0.0.0.0" else bound[0], real)
        self._listeners.setdefault(name, []).append(
            Listener(name, program, addr, service_port, real, self.pid_of(name), tuple(bound), backlog))
        self._save_ports()
        return srv

    def _save_ports(self) -> None:
        live = {str(ln.port): [self.ports.get(ln.port, (ln.addr,))[0], ln.real_port, ln.service, ln.program,
                               ln.pid, ln.addr, ln.backlog] for ln in self.listeners()}
        path = self.world.path(PORTS_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(live))
        # the other hosts of the network find this one's services here ({} once all stopped)
        network.publish_ports(self.world, {ln.port: ln.real_port for ln in self.listeners()})

    async def _start(self, name: str) -> None:
        servers = []
        try:
            if name == "sendmail":
                servers = await self._start_sendmail()
            elif name == "dovecot":
                servers = await self._start_dovecot()
            elif name == "postfix":
                servers = [await self._bind("postfix", "master", _PostfixStandIn, "127.0.0.1", 25)]
            elif name == "named":  # DNS for the zones in /var/named, UDP and TCP (servers/dns.py)
                from .dns import serve_dns

                servers = [await self._bind("named", "named", lambda a, p: serve_dns(self.world, self.clock, a, p),
                                            "127.0.0.1", 53, kind="coroutine", daemon="named")]
            else:
                raise ServiceError(f"Unit {name}.service not found.")
        except ServiceError:
            self._listeners.pop(name, None)
            await self._close(servers)
            raise
        self._servers[name] = servers

    async def _start_sendmail(self):
        from .smtp import MTA, SendmailSMTP

        try:
            cfg = config_mod.load(self.world)
        except CfError as e:  # a broken sendmail.cf: the daemon refuses to start, saying why
            raise ServiceError(str(e)) from None
        servers = []
        try:
            tls = _tls_ready(self.world, tlscert.SENDMAIL)
            for d in cfg.daemons:
                smtps = "s" in d.modifiers  # M=s: TLS from the first byte (465)
                if smtps and not tls:
                    continue  # no certificate: a TLS-only port would fail every handshake
                mta = MTA(self.world, self.clock, cfg, d.name)
                self._mtas.append(mta)
                servers.append(await self._bind("sendmail", "sendmail: accepting connections",
                                                lambda m=mta, s=smtps: SendmailSMTP(m, implicit_tls=s),
                                                d.addr, d.port, daemon=d.name, backlog=d.listen,
                                                ssl=mta.tls if smtps else None))
        except ServiceError:
            await self._close(servers)
            for m in self._mtas:
                m.close()
            self._mtas = []
            raise
        maillog.log(self.world, self.clock, f"starting daemon ({cfg.version}): SMTP+queueing@{hms(self.queue_runner.interval)}")
        return servers

    async def _start_dovecot(self):
        """POP3 and IMAP as /etc/dovecot/dovecot.conf says: the protocols it names, each
        login service's inet listeners on their address (listen, or the listener's own) and
        port (0: off), the TLS ones (imaps, pop3s) only with ssl other than no and a
        certificate that loads. A configuration Dovecot refuses stops the start with its
        error (file and line), exit status 89."""
        from ..core import dovecotconf, loginpolicy

        try:
            tlscert.ensure(self.world)  # what CentOS's %post makes at install: ssl_cert must open
        except OSError:
            pass
        try:
            conf = dovecotconf.parse(self.world, expand=True)
        except dovecotconf.ConfError as e:
            raise ServiceError(e.fatal, status=89) from None
        for problem in loginpolicy.mechanisms_of(conf.get("auth_mechanisms"))[1]:
            maillog.log(self.world, self.clock, f"auth: Fatal: {problem}", program="dovecot", with_pid=False)
        try:
            from .pop3 import serve_pop3
        except ImportError:
            serve_pop3 = None
        try:
            from .imap import serve_imap
        except ImportError:
            serve_imap = None
        protocols = conf.get("protocols").split()
        tls = conf.get("ssl") != "no" and conf.cert_pair() is not None and _tls_ready(self.world, conf.cert_pair())
        plan = []
        for proto, serve in (("pop3", serve_pop3), ("imap", serve_imap)):
            if serve is None or proto not in protocols:
                continue
            for _, addresses, port, implicit in conf.inet_listeners(f"{proto}-login"):
                if implicit and not tls:
                    continue  # ssl = no, or no certificate: a TLS-only port would fail every handshake
                for shown in addresses.replace(",", " ").split():
                    plan.append((port, shown, serve, implicit, f"{proto}-login"))
        servers = []
        try:
            for port, shown, serve, implicit, service in sorted(plan, key=lambda p: (p[0], ":" in p[1])):
                addr = self._listen_address(shown, service)
                if ":" in addr and not self._owns_ipv6_loopback():
                    continue  # ::1 is one address for every host of a network: the first host's
                try:
                    srv = await self._bind("dovecot", "dovecot", lambda a, p, s=serve, t=implicit: s(
                        self.world, self.clock, a, p, implicit_tls=t, conf=conf), addr, port, kind="coroutine",
                        daemon=service, shown=shown)
                except ServiceError:
                    if ":" in addr and not _ipv6_works():
                        continue  # no IPv6 on this machine: Dovecot too listens on IPv4 only then
                    raise
                servers.append(srv)
        except ServiceError:
            await self._close(servers)
            raise
        return servers

    def _owns_ipv6_loopback(self) -> bool:
        own = network.membership(self.world)
        return own is None or _keeps_loopback(self.world, own)

    def _listen_address(self, text: str, service: str) -> str:
        """A `listen` (or listener `address`) word as Dovecot resolves it: * and :: are every
        IPv4 and IPv6 address, a name is looked up in the world's /etc/hosts."""
        if text == "*":
            return "0.0.0.0"
        if text in ("::", "[::]"):
            return "::"
        try:
            return str(ipaddress.ip_address(text.strip("[]")))
        except ValueError:
            found = config_mod.resolve_address(self.world, text)
            if found is None:
                raise ServiceError(f"Fatal: service({service}) Can't resolve address {text}: "
                                   "Name or service not known") from None
            return found

    async def _start_runner(self) -> None:
        self.queue_runner.start(lambda: self._mtas[0] if self.running and self._mtas else None)

    async def _shutdown(self) -> None:
        """Cancel what is left on the loop (the queue runner, POP3/IMAP sessions)."""
        await self.queue_runner.stop()
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)


def _keeps_loopback(world: World, own) -> bool:
    """The first host of a network (the lowest address) also binds 127.0.0.1."""
    def key(addr):
        try:
            return tuple(ipaddress.ip_address(addr).packed)
        except ValueError:
            return (256,)
    addrs = [str(h.get("addr")) for h in network.hosts(world).values() if h.get("addr")]
    return own.addr == min(addrs, key=key, default=own.addr)


def _tls_ready(world: World, pair) -> bool:
    """The certificates a world made before they existed are made at the service's start;
    false when the pair cannot be read (the TLS ports then stay closed)."""
    try:
        tlscert.ensure(world)
    except OSError:
        pass
    return tlscert.server_context(world, pair) is not None


def _bind_failure(service: str, daemon: str, addr: str, port: int, reason: str) -> str:
    """The journal lines each daemon writes when its port is taken."""
    if service == "sendmail":
        return (f"daemon {daemon}: problem creating SMTP socket\n"
                f"NOQUEUE: SYSERR(root): opendaemonsocket: daemon {daemon}: cannot bind: {reason}")
    if service == "postfix":
        return f"fatal: bind {addr} port {port}: {reason}"
    if service == "dovecot":  # the master: the listener (daemon = its login service), then why it stops
        return f"Error: service({daemon}): listen({addr}, {port}) failed: {reason}\nFatal: Failed to start listeners"
    return f"Fatal: listen({addr}, {port}) failed: {reason}"


def _ipv6_works() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class _PostfixStandIn(asyncio.Protocol):
    """Postfix's master holding port 25, for the lesson "stop postfix before sendmail starts"."""

    def connection_made(self, transport):
        transport.write(b"220 localhost.localdomain ESMTP Postfix\r\n")
        self.transport = transport

    def data_received(self, data):
        if data.strip().upper().startswith(b"QUIT"):
            self.transport.write(b"221 2.0.0 Bye\r\n")
            self.transport.close()
        else:
            self.transport.write(b"502 5.5.2 Error: command not recognized\r\n")


class ServedElsewhere:
    """The host that `mailkit serve` runs in another process, seen from a CLI command: its
    ports and listeners (from ports.json, checked by connecting); it cannot be started here."""

    def __init__(self, world: World):
        self.world = world
        self.ports: dict[int, tuple[str, int]] = {}
        self._listeners: list[Listener] = []
        self.started_at: dict[str, object] = {}
        self.last_error: dict[str, str] = {}
        path = world.path(PORTS_FILE)
        if path.exists():
            try:
                for k, v in json.loads(path.read_text()).items():
                    self.ports[int(k)] = (v[0], v[1])
                    if len(v) >= 5:
                        shown = v[5] if len(v) >= 6 else v[0]
                        backlog = v[6] if len(v) >= 7 else LISTEN_BACKLOG
                        self._listeners.append(Listener(v[2], v[3], shown, int(k), v[1], v[4], (v[0],), backlog))
            except (ValueError, TypeError, IndexError):
                self.ports, self._listeners = {}, []
        self._alive = {p: self._answers(p) for p in self.ports}

    def _answers(self, service_port: int) -> bool:
        try:
            with socket.create_connection(self.connect_address(service_port), timeout=1):
                return True
        except OSError:
            return False

    @property
    def running(self) -> bool:
        return self._alive.get(25, False)

    def is_active(self, name: str) -> bool:
        return any(ln.service == name and self._alive.get(ln.port) for ln in self._listeners)

    def listeners(self) -> list[Listener]:
        return sorted((ln for ln in self._listeners if self._alive.get(ln.port)), key=lambda ln: (ln.port, ln.addr))

    def pid_of(self, service: str) -> int:
        return next((ln.pid for ln in self._listeners if ln.service == service), 0)

    def connect_address(self, service_port: int) -> tuple[str, int]:
        addr, port = self.ports[service_port]
        return (network.own_address(self.world) if addr in ("0.0.0.0", "") else addr), port
