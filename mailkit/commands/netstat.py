"""`netstat -anp` / `-tlnp` and `ss -ltnp`: the host's listening sockets, as the tools print them.

Ports are the service ports the learner knows (25, 110, 143, 993, 995) and addresses the ones the
configuration asked for (0.0.0.0 included, though a kernel binds loopback only); `mailkit
status` tells which real address and port each one is mapped to.
"""

from __future__ import annotations

from .base import Host, Result, command

UDP_SERVICES = ("named",)  # units that listen on UDP as well as TCP (DNS on 53)


def _listeners(host: Host):
    rt = host.runtime
    return rt.listeners() if rt is not None and hasattr(rt, "listeners") else []


@command("netstat")
def netstat(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and not a.startswith("--"))
    unknown = set(flags) - set("antulpwe")
    if unknown:
        return Result(err=f"netstat: invalid option -- '{sorted(unknown)[0]}'\nusage: netstat [-anptul]\n", code=1)
    only_listen = "l" in flags
    head = "Active Internet connections (only servers)" if only_listen else "Active Internet connections (servers and established)"
    cols = "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
    if "p" in flags:
        cols += " PID/Program name    "
    lines = [head, cols]
    tcp, udp = "t" in flags or "u" not in flags, "u" in flags or "t" not in flags
    # netstat reads /proc/net/tcp, then tcp6: the IPv4 listeners first
    rows = [("tcp", ln) for ln in sorted(_listeners(host), key=lambda ln: ":" in ln.addr) if tcp]
    rows += [("udp", ln) for ln in _listeners(host) if udp and ln.service in UDP_SERVICES]  # udp after tcp
    for proto, ln in rows:
        local = f"{ln.addr}:{ln.port}"
        v6 = ":" in ln.addr  # an IPv6 listener (dovecot's "::"): tcp6, ":::110"
        proto, foreign = (proto + "6", ":::*") if v6 else (proto, "0.0.0.0:*")
        row = f"{proto:<6}     0      0 {local:<23} {foreign:<23} {'LISTEN' if proto.startswith('tcp') else '':<11}"
        if "p" in flags:
            row += f" {(str(ln.pid) + '/' + ln.program)[:19]:<20}"
        lines.append(row.rstrip() if "p" not in flags else row)
    return Result(out="\n".join(lines) + "\n")


@command("ss")
def ss(host: Host, argv: list[str], stdin: str | None = None) -> Result:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    lines = ["State  Recv-Q Send-Q Local Address:Port  Peer Address:Port" + (" Process" if "p" in flags else "")]
    for ln in sorted(_listeners(host), key=lambda ln: ":" in ln.addr):
        v6 = ":" in ln.addr
        local = f"[{ln.addr}]:{ln.port}" if v6 else f"{ln.addr}:{ln.port}"
        row = f"LISTEN 0      {ln.backlog:<6} {local:>18}  {'[::]:*' if v6 else '0.0.0.0:*':>17}"  # Send-Q: the listen queue
        if "p" in flags:
            prog = ln.program.split(":")[0]
            row += f' users:(("{prog}",pid={ln.pid},fd={3 + ln.port % 7}))'
        lines.append(row)
    return Result(out="\n".join(lines) + "\n")
