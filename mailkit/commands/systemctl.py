"""`systemctl start|stop|restart|status|enable|disable|is-active|is-enabled UNIT`.

Units: sendmail (the MTA), dovecot (POP3 + IMAP), named (DNS for /var/named's zones), postfix (not installed until `yum -y
install postfix`; when running it holds port 25, so sendmail cannot start: the exam's
"stop postfix first").
"""

from __future__ import annotations

from ..core.packages import is_installed
from .base import Host, Result, command

UNITS = {
    "sendmail": ("Sendmail Mail Transport Agent", "/usr/sbin/sendmail -bd -q1h"),
    "dovecot": ("Dovecot IMAP/POP3 email server", "/usr/sbin/dovecot"),
    "postfix": ("Postfix Mail Transport Agent", "/usr/sbin/postfix start"),
    "named": ("Berkeley Internet Name Domain (DNS)", "/usr/sbin/named -u named -c /etc/named.conf"),
}
WANTS = "/etc/systemd/system/multi-user.target.wants"


def _unit(name: str) -> str:
    return name[:-8] if name.endswith(".service") else name


def _installed(host: Host, unit: str) -> bool:
    """postfix exists once yum installed it, or when the world was made with it (the lesson)."""
    if unit != "postfix":
        return unit in UNITS
    return is_installed(host.world, "postfix") or bool(_services(host).get("postfix", {}).get("installed"))


def _services(host: Host) -> dict:
    from ..servers.runtime import load_services

    return load_services(host.world)


def _save(host: Host, state: dict) -> None:
    from ..servers.runtime import save_services

    save_services(host.world, state)


def _active(host: Host, unit: str) -> bool:
    rt = host.runtime
    return bool(rt is not None and hasattr(rt, "is_active") and rt.is_active(unit))


def status(host: Host, unit: str) -> Result:
    if not _installed(host, unit):
        return Result(err=f"Unit {unit}.service could not be found.\n", code=4)
    desc, exe = UNITS[unit]
    st = _services(host).get(unit, {})
    enabled = "enabled" if st.get("enabled") else "disabled"
    rt = host.runtime
    lines = [f"● {unit}.service - {desc}",
             f"   Loaded: loaded (/usr/lib/systemd/system/{unit}.service; {enabled}; vendor preset: disabled)"]
    now = host.clock.now()
    if _active(host, unit):
        since = rt.started_at.get(unit, now)
        ago = max(0, int((now - since).total_seconds()))
        lines.append(f"   Active: active (running) since {since.strftime('%a %Y-%m-%d %H:%M:%S %Z')}; {ago}s ago")
        pid = rt.pid_of(unit) if hasattr(rt, "pid_of") else host.clock.pid
        lines.append(f" Main PID: {pid} ({'master' if unit == 'postfix' else unit})")
        lines.append(f"   CGroup: /system.slice/{unit}.service")
        for ln in rt.listeners():
            if ln.service == unit:
                lines.append(f"           └─{pid} {ln.program}")
                break
    elif rt is not None and getattr(rt, "last_error", {}).get(unit):
        lines.append(f"   Active: failed (Result: exit-code) since {now.strftime('%a %Y-%m-%d %H:%M:%S %Z')}")
        status = getattr(rt, "last_status", {}).get(unit, 1)
        shown = "1/FAILURE" if status == 1 else str(status)  # systemd names 1 only
        lines.append(f"  Process: {host.clock.pid} ExecStart={exe} (code=exited, status={shown})")
        lines.append("")
        for journal in rt.last_error[unit].splitlines():
            lines.append(f"{now.strftime('%b %d %H:%M:%S')} localhost {unit}[{host.clock.pid}]: {journal}")
    else:
        lines.append("   Active: inactive (dead)")
    return Result(out="\n".join(lines) + "\n", code=0 if _active(host, unit) else 3)


def _runtime(host: Host):
    rt = host.runtime
    if rt is None or not hasattr(rt, "start_service"):
        return None
    return rt


@command("systemctl")
def systemctl(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) < 2:
        return Result(err="usage: systemctl {start|stop|restart|status|enable|disable|is-active|is-enabled} UNIT...\n", code=1)
    verb, units = args[0], [_unit(u) for u in args[1:]]
    out, err, code = [], [], 0
    for unit in units:
        if not _installed(host, unit):
            if verb == "status":
                err.append(f"Unit {unit}.service could not be found.")
                code = 4
            elif verb in ("is-active",):
                out.append("inactive")
                code = 3
            elif verb == "stop":
                err.append(f"Failed to stop {unit}.service: Unit {unit}.service not loaded.")
                code = 5
            else:
                err.append(f"Failed to {verb} {unit}.service: Unit not found.")
                code = 5
            continue
        rt = _runtime(host)
        if verb == "status":
            r = status(host, unit)
            out.append(r.out.rstrip("\n"))
            code = max(code, r.code)
        elif verb in ("start", "restart", "reload", "try-restart"):
            if rt is None:
                err.append(f"Failed to {verb} {unit}.service: the mail host is not running in this process")
                code = 1
                continue
            from ..servers.runtime import ServiceError

            try:
                if verb == "start":
                    rt.start_service(unit)
                elif verb == "reload" and hasattr(rt, "reload_service"):
                    rt.reload_service(unit)  # dovecot: a configuration it cannot read leaves the old one running
                else:
                    rt.restart_service(unit)
            except ServiceError:
                err.append(f'Job for {unit}.service failed because the control process exited with error code. '
                           f'See "systemctl status {unit}.service" and "journalctl -xe" for details.')
                code = 1
        elif verb == "stop":
            if rt is not None:
                rt.stop_service(unit)
        elif verb in ("enable", "disable"):
            st = _services(host)
            want = verb == "enable"
            if bool(st.get(unit, {}).get("enabled")) != want:
                st.setdefault(unit, {})["enabled"] = want
                _save(host, st)
                link = f"{WANTS}/{unit}.service"
                out.append(f"Created symlink from {link} to /usr/lib/systemd/system/{unit}.service." if want
                           else f"Removed symlink {link}.")
        elif verb == "is-active":
            act = _active(host, unit)
            out.append("active" if act else "inactive")
            code = max(code, 0 if act else 3)
        elif verb == "is-enabled":
            en = bool(_services(host).get(unit, {}).get("enabled"))
            out.append("enabled" if en else "disabled")
            code = max(code, 0 if en else 1)
        else:
            err.append(f'Unknown operation \'{verb}\'.')
            code = 1
    return Result(out="".join(x + "\n" for x in out), err="".join(x + "\n" for x in err), code=code)
