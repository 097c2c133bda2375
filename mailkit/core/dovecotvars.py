"""Dovecot's %-variables (lib/var-expand.c): `%u`, `%08Xu`, `%{uid}`, `%Lu`, `%Mu`...

Used for the settings that name them: pop3_uidl_format (%u %v %m %f %g) and mail_location
(%u %n %d %h). A variable is `%[-][0][width][.[0][-]width][modifiers]key` with `key` one
character or `{long name}`; modifiers L U E X R H N M D T as Dovecot has them (X: the number in
lower-case hex; M: the MD5 of the value, in hex).
"""

from __future__ import annotations

import hashlib

MODIFIERS = "LUEXRHNMDT"


def _modify(mod: str, value: str) -> str:
    if mod == "L":
        return value.lower()
    if mod == "U":
        return value.upper()
    if mod == "E":
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'")
    if mod == "X":
        return "%x" % (int(value) if value.isascii() and value.isdigit() else 0)
    if mod == "R":
        return value[::-1]
    if mod == "M":
        return hashlib.md5(value.encode("utf-8", "surrogateescape")).hexdigest()
    if mod == "D":
        return value.replace(".", ",dc=")
    if mod == "T":
        return value.rstrip()
    return value  # H, N: hashes Dovecot uses for directory spreading; not needed here


def key_of(fmt: str, i: int) -> str:
    """The key of the variable whose text starts at fmt[i] (just after "%"), as var_get_key:
    "{" for a long one."""
    while i < len(fmt) and (fmt[i].isdigit() or fmt[i] == "-"):
        i += 1
    if i < len(fmt) and fmt[i] == ".":
        i += 1
        while i < len(fmt) and (fmt[i].isdigit() or fmt[i] == "-"):
            i += 1
    while i < len(fmt) and fmt[i] in MODIFIERS:
        i += 1
    return fmt[i] if i < len(fmt) else ""


def expand(fmt: str, short: dict[str, str], long: dict[str, str] | None = None) -> str:
    """`fmt` with its variables replaced (an unknown one by its key, as Dovecot leaves it)."""
    long = long or {}
    out, i, n = [], 0, len(fmt)
    while i < n:
        c = fmt[i]
        i += 1
        if c != "%":
            out.append(c)
            continue
        sign, zero, width, offset = 1, False, 0, 0
        if i < n and fmt[i] == "-":
            sign, i = -1, i + 1
        if i < n and fmt[i] == "0":
            zero, i = True, i + 1
        while i < n and fmt[i].isdigit():
            width, i = width * 10 + int(fmt[i]), i + 1
        if i < n and fmt[i] == ".":
            offset, sign, width, zero, i = sign * width, 1, 0, False, i + 1
            if i < n and fmt[i] == "0":
                zero, i = True, i + 1
            if i < n and fmt[i] == "-":
                sign, i = -1, i + 1
            while i < n and fmt[i].isdigit():
                width, i = width * 10 + int(fmt[i]), i + 1
            width *= sign
        mods = []
        while i < n and fmt[i] in MODIFIERS and len(mods) < 10:
            mods.append(fmt[i])
            i += 1
        if i >= n:
            break
        if fmt[i] == "{" and "}" in fmt[i:]:
            end = fmt.index("}", i)
            name, i = fmt[i + 1:end], end + 1
            value = long.get(name)
            if value is None:
                out.append(name)
                continue
        else:
            key, i = fmt[i], i + 1
            if key == "%":
                out.append("%")
                continue
            value = short.get(key)
            if value is None:
                out.append(key)
                continue
        for m in mods:
            value = _modify(m, value)
        if offset < 0:
            value = value[offset:] if len(value) > -offset else value
        else:
            value = value[offset:]
        if width == 0:
            out.append(value)
        elif not zero:
            if width < 0:
                width = len(value) + width
            out.append(value[:max(width, 0)])
        else:
            out.append(value.rjust(width, "0"))
    return "".join(out)
