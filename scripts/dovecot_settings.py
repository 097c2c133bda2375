"""Write mailkit/core/dovecot_settings.json: every setting Dovecot 2.3 knows, its type and its
default, as the real `doveconf -a` shows them, with the values a CentOS build has where its
build differs from Debian's (CENTOS below).

    python scripts/dovecot_settings.py            # needs Debian's dovecot-core (doveconf)

The types are asked of doveconf itself: each setting is given a value no type accepts, and the
error names the type ("Invalid boolean value", "Invalid number", "Invalid time interval",
"Invalid size", "Invalid port number", "Invalid value" for a list of choices; no error: a
string). The choices of each enum are Dovecot's source's (ENUMS below, from 2.3.19's
*-settings.c), which doveconf does not print.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "mailkit" / "core" / "dovecot_settings.json"

# the choices of each SET_ENUM, first the default (src/*/*-settings.c of Dovecot 2.3.19)
ENUMS = {
    "ssl": "yes:no:required",
    "doveadm_ssl": "no:ssl:starttls",
    "imap_fetch_failure": "disconnect-immediately:disconnect-after:no-after",
    "imapc_ssl": "no:imaps:starttls",
    "lmtp_hdr_delivery_address": "final:none:original",
    "lock_method": "fcntl:flock:dotlock",
    "mail_fsync": "optimized:never:always",
    "mbox_md5": "apop3d:all",
    "pop3_uidl_duplicates": "allow:rename",
    "pop3_delete_type": "default:keyword:flag",
    "pop3c_ssl": "no:pop3s:starttls",
    "submission_ssl": "no:smtps:submissions:starttls",
    "submission_relay_ssl": "no:smtps:starttls",
    "namespace/type": "private:shared:public",
    "namespace/list": "yes:no:children",
    "mailbox/auto": "no:create:subscribe",
    "passdb/skip": "never:authenticated:unauthenticated",
    "userdb/skip": "never:found:notfound",
    "result_success": "return-ok:return:return-fail:continue:continue-ok:continue-fail",
    "result_failure": "continue:return:return-ok:return-fail:continue-ok:continue-fail",
    "result_internalfail": "continue:return:return-ok:return-fail:continue-ok:continue-fail",
    "auth_verbose": "default:yes:no",
}

# where CentOS 7's build (upstream defaults, Red Hat's paths) differs from Debian's
CENTOS = {
    "protocols": "imap pop3 lmtp",  # Debian: "" (its protocols.d/ files add each protocol)
    "base_dir": "/var/run/dovecot",
    "libexec_dir": "/usr/libexec/dovecot",
    "login_greeting": "Dovecot ready.",  # Debian: "Dovecot (Debian) ready."
    "login_plugin_dir": "/usr/lib64/dovecot/login",
    "mail_plugin_dir": "/usr/lib64/dovecot",
}

# one instance of each section type that a default config has none of
INSTANCES = """\
namespace x {
  mailbox y {
  }
}
passdb {
}
userdb {
}
plugin {
}
dict {
}
"""
SECTIONS = ("service", "inet_listener", "unix_listener", "fifo_listener", "namespace", "mailbox", "passdb",
            "userdb")
STRLISTS = ("plugin", "dict")


def doveconf(conf: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "dovecot.conf"
        path.write_text(conf)
        return subprocess.run(["doveconf", "-c", str(path), *args], capture_output=True, text=True, timeout=30)


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_all(text: str) -> dict:
    """doveconf -a's output as a tree: {key: value} and {"section name": {...}}."""
    root: dict = {}
    stack = [root]
    previous = None
    for line in text.splitlines():
        if line == previous:
            continue  # doveconf -a prints each line of a namespace {} block twice
        previous = line
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s == "}":
            stack.pop()
            continue
        if s.endswith("{"):
            stack.append(stack[-1].setdefault(s[:-1].strip(), {}))
            continue
        key, _, value = s.partition(" = ")
        stack[-1][key.rstrip(" =")] = unquote(value)
    return root


ERRORS = [("Invalid boolean value", "bool"), ("Invalid number", "uint"), ("Time interval", "time"),
          ("Invalid time interval", "time"), ("Invalid size", "size"), ("Invalid port number", "port"),
          ("Invalid value", "enum")]


def probe(wrap: str, key: str, default: str) -> str:
    """The type of `key`: what doveconf answers to a value no type accepts."""
    err = doveconf(wrap.replace("@", f"{key} = zzz")).stderr
    m = re.search(r"line \d+: (.*)", err)
    kind = "str"
    if m:
        for start, name in ERRORS:
            if m.group(1).startswith(start):
                kind = name
                break
    if kind == "uint" and re.fullmatch(r"0[0-7]+", default):
        kind = "octal"
    if kind == "time" and "Milliseconds not supported" not in doveconf(wrap.replace("@", f"{key} = 1ms")).stderr:
        kind = "msecs"
    return kind


def table(node: dict, wrap: str, prefix: str) -> dict:
    out = {}
    for key, value in node.items():
        if isinstance(value, dict):
            continue
        kind = probe(wrap, key, value)
        if kind == "enum":
            choices = ENUMS.get(f"{prefix}{key}") or ENUMS.get(key)
            if choices is None:
                sys.exit(f"no choices known for the enum {prefix}{key}: add them to ENUMS")
            kind = "enum:" + choices
        out[key] = [kind, CENTOS.get(key, value) if not prefix else value]
    return out


def main() -> None:
    head = doveconf("", "-n").stdout.splitlines()[0]
    version = head.split(":", 1)[0].lstrip("# ").strip()
    tree = parse_all(doveconf(INSTANCES, "-a", "-s").stdout)  # -s: the hidden ones too
    data = {"version": version, "global": table(tree, "@\n", ""), "sections": {}, "services": {},
            "strlists": list(STRLISTS)}
    services = {k.split(" ", 1)[1]: v for k, v in tree.items() if k.startswith("service ")}
    sample = services["imap-login"]
    data["sections"]["service"] = table(sample, "service imap-login {\n@\n}\n", "service/")
    for kind in ("inet_listener", "unix_listener", "fifo_listener"):
        owner, name = next((s, k.split(" ", 1)[1]) for s, v in services.items() for k in v if k.startswith(kind + " "))
        wrap = f"service {owner} {{\n  {kind} {name} {{\n@\n  }}\n}}\n"
        data["sections"][kind] = table(services[owner][f"{kind} {name}"], wrap, kind + "/")
    ns = tree["namespace x"]
    data["sections"]["namespace"] = table(ns, "namespace x {\n@\n}\n", "namespace/")
    data["sections"]["mailbox"] = table(ns["mailbox y"], "namespace x {\n mailbox y {\n@\n }\n}\n", "mailbox/")
    for kind in ("passdb", "userdb"):
        data["sections"][kind] = table(tree[kind], f"{kind} {{\n@\n}}\n", kind + "/")
    for name, body in services.items():
        entry = {"settings": {k: v for k, v in body.items() if not isinstance(v, dict)}}
        for k, v in body.items():
            if isinstance(v, dict):
                kind, lname = k.split(" ", 1)
                entry.setdefault(kind, {})[lname] = v
        data["services"][name] = entry
    OUT.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{OUT}: {len(data['global'])} settings, {len(services)} services ({version})")


if __name__ == "__main__":
    main()
