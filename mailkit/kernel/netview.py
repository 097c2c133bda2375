"""The network diagram: its mail hosts with their addresses and listeners, and the MX records
of each domain drawn as arrows to the hosts that receive its mail.

`NetworkView.load(net, current)` reads a running mailkit.network.Network: each host's
listeners (what netstat shows: the address the configuration asked for and the service port)
and unit states, and the MX records of every forward zone of the network's DNS, lowest
preference first. text/plain is a table that reads alone; text/html an SVG drawing. Nothing
volatile (real ports, paths, times) is in either, so nbval compares them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..core import dnszone


@dataclass
class HostBox:
    name: str
    addr: str
    listening: list = field(default_factory=list)  # (service, "127.0.0.1:25") in port order
    stopped: list = field(default_factory=list)  # units not running (installed ones only)

    def services_text(self) -> str:
        groups: dict[str, list[str]] = {}
        for service, where in self.listening:
            addr, port = where.rsplit(":", 1)
            groups.setdefault(f"{service} {addr}", []).append(port)
        parts = [f"{k}:{','.join(v)}" for k, v in groups.items()]
        parts += [f"{u} stopped" for u in self.stopped]
        return "; ".join(parts) or "nothing listening"


@dataclass
class MxRecord:
    domain: str
    pref: int
    target: str  # the exchange as in the zone, without the final dot
    host: str | None  # the network host with that address (None: none)
    addr: str | None  # the target's address in the zones (None: no A record)


@dataclass
class NetworkView:
    hosts: list = field(default_factory=list)  # HostBox, in the network's order
    mx: list = field(default_factory=list)  # MxRecord, by domain then preference
    current: str = ""
    dns: str = ""  # the host serving the zones

    @classmethod
    def load(cls, net, current: str = "") -> "NetworkView":
        boxes = []
        for m in net.members.values():
            box = HostBox(m.name, m.addr)
            for ln in sorted(m.runtime.listeners(), key=lambda ln: ln.port):
                box.listening.append((ln.service, f"{ln.addr}:{ln.port}"))
            running = {ln.service for ln in m.runtime.listeners()}
            expected = ("sendmail", "dovecot", "named") if m is net.first else ("sendmail", "dovecot")
            box.stopped = [u for u in expected if u not in running]
            boxes.append(box)
        by_addr = {m.addr: m.name for m in net.members.values()}
        zones = dnszone.zones_of(net.first.world)
        records = []
        for origin in sorted(zones.refresh()):
            if origin.endswith(".arpa."):
                continue
            domain = origin.rstrip(".")
            for pref, target in dnszone.mx_hosts_of(zones, domain):
                addrs = dnszone.resolve_a(net.first.world, target)
                addr = addrs[0] if addrs else None
                records.append(MxRecord(domain, pref, target.rstrip("."), by_addr.get(addr), addr))
        return cls(boxes, records, current, net.first.name)

    # -- text/plain
    def __str__(self) -> str:
        width = max([len(h.name) for h in self.hosts] + [4])
        lines = [f"Network of {len(self.hosts)} mail hosts (DNS: {self.dns})",
                 f"  {'host':<{width}}  {'address':<10} listening"]
        for h in self.hosts:
            mark = "*" if h.name == self.current else " "
            lines.append(f"{mark} {h.name:<{width}}  {h.addr:<10} {h.services_text()}")
        lines.append("MX records")
        dwidth = max([len(r.domain) for r in self.mx] + [6])
        twidth = max([len(r.target) for r in self.mx] + [4])
        last = None
        for r in self.mx:
            shown = r.domain if r.domain != last else ""
            last = r.domain
            lines.append(f"  {shown:<{dwidth}}  {r.pref:>3} {r.target:<{twidth}}  -> {_where(r)}")
        if not self.mx:
            lines.append("  (none)")
        lines.append("(* commands run on this host)")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict:
        return {"current": self.current, "dns": self.dns,
                "hosts": [{"name": h.name, "addr": h.addr, "listening": [list(x) for x in h.listening],
                           "stopped": list(h.stopped)} for h in self.hosts],
                "mx": [{"domain": r.domain, "pref": r.pref, "target": r.target, "host": r.host, "addr": r.addr}
                       for r in self.mx]}

    # -- text/html: domains on the left, hosts on the right, one arrow per MX record
    def html(self) -> str:
        box_w, box_h, gap, dom_w, left, mid = 300, 64, 14, 130, 10, 190
        domains = list(dict.fromkeys(r.domain for r in self.mx))
        width = left + dom_w + mid + box_w + 10
        hx = left + dom_w + mid
        y_host = {h.name: 22 + i * (box_h + gap) for i, h in enumerate(self.hosts)}
        y_dom = _domain_rows(domains, self.mx, y_host, box_h + gap)
        height = max(list(y_host.values()) + list(y_dom.values()) + [22]) + box_h + 10
        out = [f"<svg xmlns='http://www.w3.org/2000/svg' class='mk-network' width='{width}' height='{height}' "
               f"font-family='sans-serif' font-size='12'>",
               "<defs><marker id='mk-arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='7' "
               "markerHeight='7' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='#1c71d8'/></marker></defs>",
               f"<text x='{left}' y='14' font-weight='bold'>MX</text>",
               f"<text x='{hx}' y='14' font-weight='bold'>hosts (DNS: {_e(self.dns)})</text>"]
        for d, y in y_dom.items():
            out.append(f"<rect x='{left}' y='{y}' width='{dom_w}' height='{box_h}' rx='6' fill='#f6f5f4' "
                       f"stroke='#77767b'/><text x='{left + 8}' y='{y + box_h / 2 + 4}'>{_e(d)}</text>")
        for h in self.hosts:
            y = y_host[h.name]
            here = h.name == self.current
            out.append(f"<g class='mk-network-host' data-host='{_e(h.name)}'>"
                       f"<rect x='{hx}' y='{y}' width='{box_w}' height='{box_h}' rx='6' "
                       f"fill='{'#e8f5e9' if here else '#ffffff'}' stroke='{'#26a269' if here else '#77767b'}' "
                       f"stroke-width='{2 if here else 1}'/>"
                       f"<text x='{hx + 8}' y='{y + 17}' font-weight='bold'>{_e(h.name)}{' *' if here else ''}</text>"
                       f"<text x='{hx + 8}' y='{y + 33}'>{_e(h.addr)}</text>")
            for i, part in enumerate(_wrap(h.services_text(), 46)[:2]):
                out.append(f"<text x='{hx + 8}' y='{y + 48 + i * 13}' font-size='10' fill='#5e5c64'>{_e(part)}</text>")
            out.append("</g>")
        for r in self.mx:
            y1 = y_dom[r.domain] + box_h / 2
            x1 = left + dom_w
            if r.host in y_host:
                y2 = y_host[r.host] + box_h / 2
                out.append(f"<line x1='{x1}' y1='{y1}' x2='{hx}' y2='{y2}' stroke='#1c71d8' "
                           f"marker-end='url(#mk-arrow)'/>")
                lx, ly = x1 + (hx - x1) * 0.62, y1 + (y2 - y1) * 0.62 - 5
                out.append(f"<text x='{lx}' y='{ly}' fill='#1c71d8'>MX {r.pref}</text>")
            else:  # an MX to no host of the network: an arrow that ends nowhere
                out.append(f"<line x1='{x1}' y1='{y1}' x2='{x1 + 60}' y2='{y1}' stroke='#c01c28' "
                           f"stroke-dasharray='4 3' marker-end='url(#mk-arrow)'/>"
                           f"<text x='{x1 + 64}' y='{y1 + 4}' fill='#c01c28'>MX {r.pref} {_e(r.target)}: "
                           f"{_e(_where(r))}</text>")
        out.append("</svg>")
        return "".join(out)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": str(self), "text/html": self.html()}
        if include:
            data = {k: v for k, v in data.items() if k in include}
        if exclude:
            data = {k: v for k, v in data.items() if k not in exclude}
        return data


def _domain_rows(domains: list[str], mx: list, y_host: dict, step: int) -> dict:
    """Each domain's box level with the hosts its MX records name (their middle), boxes kept
    apart; a domain whose MX names no host of the network goes below the others."""
    wanted = {}
    for d in domains:
        ys = [y_host[r.host] for r in mx if r.domain == d and r.host in y_host]
        wanted[d] = sum(ys) / len(ys) if ys else float("inf")
    rows, last = {}, None
    for d in sorted(domains, key=lambda d: (wanted[d], d)):
        y = wanted[d] if wanted[d] != float("inf") else (last + step if last is not None else 22)
        if last is not None:
            y = max(y, last + step)
        rows[d] = last = y
    return rows


def _where(r: MxRecord) -> str:
    if r.addr is None:
        return "no address in DNS"
    return f"{r.host} ({r.addr})" if r.host else f"{r.addr}: no host of the network"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split(" "):
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + ([cur] if cur else [])
