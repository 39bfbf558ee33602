"""All SQL lives in flows/store/: a second store adapter must not have to edit any feature.

An AST walk over the application's packages: outside flows/store/ no module imports a database
driver, passes text to ``execute``/``executemany``/``executescript``, or holds a string that
reads as SQL.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bots", "core", "flows", "petitionbot")
# The store's adapters; and the simulators, which stand for another system (their hostile strings
# include an SQL injection on purpose).
ALLOWED = (ROOT / "flows" / "store", ROOT / "petitionbot" / "sim")
DRIVERS = {"sqlite3", "psycopg", "psycopg2", "asyncpg", "sqlalchemy"}
CALLS = {"execute", "executemany", "executescript"}
SQL = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+(OR\s+\w+\s+)?\w+\s+SET|DELETE\s+FROM"
                 r"|CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE|BEGIN\s+IMMEDIATE)\b", re.S)


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            # APScheduler's own SQLAlchemy job store is a library's table, not ours.
            found += [f"{where} imports {n}" for n in names if n.split(".")[0] in DRIVERS]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
            first = node.args[0] if node.args else None  # a query, as text (not a job or a command)
            if isinstance(first, ast.JoinedStr) or (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                found.append(f"{where} calls .{node.func.attr}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{where} holds SQL: {node.value[:60]!r}")
    return found


def test_no_sql_outside_the_store_adapters():
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if not set(ALLOWED) & set(p.parents)]
    assert len(files) > 100
    assert [o for p in files for o in offences(p)] == []


def test_the_walk_finds_what_it_looks_for(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text('import sqlite3\n\ndef f(tx, ref):\n    tx.execute(f"DELETE FROM letters WHERE ref = {ref}")\n'
                   'Q = "select ref from petitions"\nR = "UPDATE OR IGNORE ledger_rows SET ref = ?"\n', encoding="utf-8")
    got = sorted(o.split(" ", 1)[1][:16] for o in offences(bad))
    # Upper-case SQL only: prose in docstrings ("select one from the list") is not a query.
    assert got == ["calls .execute()", "holds SQL: 'DELE", "holds SQL: 'UPDA", "imports sqlite3"]
