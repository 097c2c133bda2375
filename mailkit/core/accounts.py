"""The host's user accounts: /etc/passwd lines and /etc/shadow with salted PBKDF2 hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass

from .snapshot import file_key
from .world import PASSWD, SHADOW, World

_ITERATIONS = 20000  # slow enough to be a real hash, fast enough for a login per test


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    gecos: str
    home: str
    shell: str


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    b64 = lambda b: base64.b64encode(b).decode().rstrip("=")  # noqa: E731
    return f"$pbkdf2-sha256${_ITERATIONS}${b64(salt)}${b64(digest)}"


def _check(password: str, stored: str) -> bool:
    try:
        _, scheme, iters, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2-sha256":
        return False
    unb64 = lambda s: base64.b64decode(s + "=" * (-len(s) % 4))  # noqa: E731
    got = hashlib.pbkdf2_hmac("sha256", password.encode(), unb64(salt), int(iters))
    return hmac.compare_digest(got, unb64(digest))


_cache: dict[str, tuple[tuple, dict]] = {}
_paths: dict[str, object] = {}


def _passwd_path(world: World):
    key = str(world.root)
    if key not in _paths:
        _paths[key] = world.path(PASSWD)
    return _paths[key]


def accounts(world: World) -> dict[str, Account]:
    """The accounts of /etc/passwd, re-read only when the file changes."""
    path = _passwd_path(world)
    sig = file_key(path)
    if sig is None:
        return {}
    hit = _cache.get(str(path))
    if hit and hit[0] == sig:
        return hit[1]
    out: dict[str, Account] = {}
    for line in path.read_text().splitlines():
        f = line.split(":")
        if len(f) != 7 or line.startswith("#"):
            continue
        out[f[0]] = Account(f[0], int(f[2]), int(f[3]), f[4], f[5], f[6])
    _cache[str(path)] = (sig, out)
    return out


def home_of(world: World, user: str) -> str:
    acct = accounts(world).get(user)
    return acct.home if acct else f"/home/{user}"


# Hashed against when the user has no usable password, so that refusing an unknown or locked
# account costs as much as refusing a wrong password (no user enumeration by timing).
_DUMMY = hash_password("mailkit-no-such-user", salt=b"\0" * 12)

# Dovecot's auth cache, for successful logins only: the user, the shadow entry the password was
# checked against, and a keyed SHA-256 of the password (the key made at random by this process,
# so what is kept in memory cannot be checked against guesses elsewhere). A login that matches
# all three skips PBKDF2; anything else (a wrong password, another user, a changed /etc/shadow)
# costs the full hash, so refusals take as long as before. Entries live CACHE_TTL seconds
# (auth_cache_ttl's default, 1 hour), at most CACHE_SIZE of them.
CACHE_TTL = 3600.0
CACHE_SIZE = 1000
_cache_key = os.urandom(32)
_verified: dict[str, tuple[str, bytes, float]] = {}
_verified_lock = threading.Lock()


def _shadow_entry(world: World, user: str) -> str | None:
    """The password field of `user` in /etc/shadow (read at every login: a password changed a
    moment ago counts at once)."""
    path = world.path(SHADOW)
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    for line in text.splitlines():
        f = line.split(":")
        if f and f[0] == user and len(f) > 1:
            return f[1]
    return None


def _mac(user: str, password: str) -> bytes:
    return hmac.new(_cache_key, f"{user}\0{password}".encode("utf-8", "surrogateescape"), hashlib.sha256).digest()


def verify(world: World, user: str, password: str) -> bool:
    """True when `user` exists in /etc/shadow with this password. Every refusal costs one
    hash, whether the user exists or not; a repeated good login is answered from the cache."""
    stored = _shadow_entry(world, user)
    usable = stored is not None and stored.startswith("$pbkdf2-sha256$")
    if usable:
        key = f"{world.root}\0{user}"
        hit = _verified.get(key)
        if hit and hit[0] == stored and time.monotonic() < hit[2] and hmac.compare_digest(hit[1], _mac(user, password)):
            return True
    ok = _check(password, stored if usable else _DUMMY)
    if ok and usable:
        with _verified_lock:
            if len(_verified) >= CACHE_SIZE:
                _verified.pop(next(iter(_verified)))
            _verified[key] = (stored, _mac(user, password), time.monotonic() + CACHE_TTL)
    return ok and usable


def add_account(world: World, name: str, password: str | None, uid: int, home: str | None = None,
                gecos: str = "", shell: str = "/bin/bash") -> Account:
    """Append an account to passwd and shadow (no password: locked, "!!" as on CentOS)."""
    home = home or f"/home/{name}"
    acct = Account(name, uid, uid, gecos, home, shell)
    with world.path(PASSWD).open("a") as f:
        f.write(f"{name}:x:{uid}:{uid}:{gecos}:{home}:{shell}\n")
    with world.path(SHADOW).open("a") as f:
        f.write(f"{name}:{hash_password(password) if password else '!!'}:20000:0:99999:7:::\n")
    return acct
