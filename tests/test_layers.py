"""core/ must stay plain: no asyncio, aiosmtpd, IPython or ipywidgets, even indirectly."""

import ast
import pathlib

import mailkit

FORBIDDEN = {"asyncio", "aiosmtpd", "IPython", "ipywidgets", "ipykernel"}
CORE = pathlib.Path(mailkit.__file__).parent / "core"


def imported_modules(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level >= 2:
            yield "..", node.lineno  # reaching out of core/ into an upper layer


def test_core_imports_only_stdlib_and_itself():
    bad = []
    for path in sorted(CORE.rglob("*.py")):
        for name, line in imported_modules(path):
            if name in FORBIDDEN or name == ".." or name == "mailkit":
                bad.append(f"{path.relative_to(CORE.parent)}:{line}: imports {name}")
    assert not bad, "\n".join(bad)


def test_core_loads_without_forbidden_modules_in_a_fresh_interpreter():
    import subprocess
    import sys

    code = (
        "import sys, pkgutil, importlib, mailkit.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'mailkit.core.'): importlib.import_module(m.name)\n"
        f"bad = sorted(set(sys.modules) & set({sorted(FORBIDDEN)!r}))\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
