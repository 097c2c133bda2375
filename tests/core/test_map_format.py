"""Built maps are files in the format of the stdlib's dbm.sqlite3 (Python 3.13+), readable by its dbm.open."""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from mailkit.commands.base import Host, run
from mailkit.commands.shell import run_line
from mailkit.core import access, config
from mailkit.core.maps import open_map

PYENV_313 = Path("/root/.pyenv/versions/3.13.0/bin/python3.13")

# Run by Python 3.13: what dbm sees in each file named on the command line.
READ_WITH_DBM = """
import dbm, json, sys
out = {}
for path in sys.argv[1:]:
    with dbm.open(path, "r") as db:
        items = {k.decode("utf-8"): db[k].decode("utf-8") for k in db.keys()}
    out[path] = {"whichdb": dbm.whichdb(path), "items": items}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def python313():
    candidates = [str(PYENV_313)] if PYENV_313.exists() else []
    if shutil.which("python3.13"):
        candidates.append(shutil.which("python3.13"))
    if not candidates:
        pytest.skip(f"no Python 3.13 to read maps with dbm.sqlite3 "
                    f"({PYENV_313} is missing and there is no python3.13 on PATH)")
    for exe in candidates:
        probe = subprocess.run([exe, "-c", "import dbm.sqlite3"], capture_output=True, text=True)
        if probe.returncode == 0:
            return exe
    pytest.skip(f"no Python with dbm.sqlite3 among {candidates} (it is new in Python 3.13)")


def read_with_dbm(python: str, *paths: Path) -> dict:
    res = subprocess.run([python, "-c", READ_WITH_DBM, *map(str, paths)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_makemap_and_newaliases_build_maps_python313_dbm_reads(world, clock, python313):
    h = Host(world, clock)
    world.path("/etc/mail/access").write_text("From:Spam@Example.com REJECT\nexample.net RELAY\n")
    assert run_line(h, "makemap hash /etc/mail/access < /etc/mail/access").code == 0
    world.path("/etc/mail/mailertable").write_text(
        "example.org smtp:[10.0.0.1]\nbücher.example relay:[mx.bücher.example]\n")
    assert run_line(h, "makemap hash /etc/mail/mailertable < /etc/mail/mailertable").code == 0
    with world.path("/etc/aliases").open("a") as f:
        f.write("webmaster:\talice,\n\tbob\n")
    assert run_line(h, "newaliases").code == 0
    etc_mail_before = sorted(os.listdir(world.path("/etc/mail")))

    db_access = world.path("/etc/mail/access.db")
    db_mailer = world.path("/etc/mail/mailertable.db")
    db_aliases = world.path("/etc/aliases.db")
    seen = read_with_dbm(python313, db_access, db_mailer, db_aliases)

    assert seen[str(db_access)]["items"] == {"from:spam@example.com": "REJECT", "example.net": "RELAY"}
    assert seen[str(db_mailer)]["items"] == {"example.org": "smtp:[10.0.0.1]",
                                            "bücher.example": "relay:[mx.bücher.example]"}
    aliases_seen = seen[str(db_aliases)]["items"]
    assert aliases_seen["webmaster"] == "alice,\tbob" and aliases_seen["@"] == "@" and aliases_seen["postmaster"] == "root"
    assert aliases_seen == dict(open_map(world, "/etc/aliases.db").items())
    # reading with dbm leaves /etc/mail as it was: no -wal/-shm files beside the maps
    assert sorted(os.listdir(world.path("/etc/mail"))) == etc_mail_before


def test_whichdb_names_a_built_map_dbm_sqlite3(world, clock, python313):
    res = run(Host(world, clock), ["makemap", "hash", "/etc/mail/virtusertable"], "info@example.com alice\n")
    assert res.code == 0
    db = world.path("/etc/mail/virtusertable.db")
    seen = read_with_dbm(python313, db)[str(db)]
    assert seen == {"whichdb": "dbm.sqlite3", "items": {"info@example.com": "alice"}}


def test_keys_and_values_are_utf8_blobs_in_the_dict_table(world, clock):
    res = run(Host(world, clock), ["makemap", "hash", "/etc/mail/mailertable"], "bücher.example relay:[ü]\n")
    assert res.code == 0
    con = sqlite3.connect(world.path("/etc/mail/mailertable.db"))
    try:
        rows = con.execute("SELECT typeof(key), typeof(value), key, value FROM Dict").fetchall()
        tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        con.close()
    assert tables == ["Dict"]
    assert rows == [("blob", "blob", "bücher.example".encode(), "relay:[ü]".encode())]


def test_a_map_written_by_python313_dbm_is_served(tmp_path, world, python313):
    db = world.path("/etc/mail/mailertable.db")
    script = ("import dbm.sqlite3, sys\n"
              "with dbm.sqlite3.open(sys.argv[1], 'n') as d:\n"
              "    d['example.org'] = 'smtp:[10.0.0.1]'\n")
    tmp = tmp_path / "written-by-313.db"
    subprocess.run([python313, "-c", script, str(tmp)], check=True, timeout=60)
    os.replace(tmp, db)
    assert open_map(world, "/etc/mail/mailertable.db").get("example.org") == "smtp:[10.0.0.1]"


def test_a_map_in_the_old_layout_still_serves(world):
    # A world built before the dbm.sqlite3 layout: table map(k TEXT PRIMARY KEY, v TEXT).
    db = world.path("/etc/mail/access.db")
    tmp = db.with_name(".access.db.old-layout")
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE map (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        con.executemany("INSERT INTO map VALUES (?, ?)",
                        [("from:old@example.com", "REJECT"), ("connect:127.0.0.1", "RELAY")])
        con.commit()
    finally:
        con.close()
    os.replace(tmp, db)
    m = open_map(world, "/etc/mail/access.db")
    assert m.get("from:old@example.com") == "REJECT"
    assert m.items() == [("connect:127.0.0.1", "RELAY"), ("from:old@example.com", "REJECT")]
    cfg = config.load(world)
    assert access.check(world, cfg, "From", "old@example.com").action == "REJECT"
    assert access.check_connect(world, cfg, "127.0.0.1").action == "RELAY"
