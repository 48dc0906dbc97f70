"""Persistence stays behind the store: sqlite3 is imported by the SQLite backend (its store
and its schema migrations) and nowhere else in the package."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "newsweave"
BACKEND = {"store/sqlite.py", "store/schema.py"}
_USES = re.compile(r"^\s*(?:import sqlite3|from sqlite3 import)|\bsqlite3\.", re.MULTILINE)


def test_sqlite3_only_in_the_sqlite_backend() -> None:
    users = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if _USES.search(path.read_text(encoding="utf-8"))
    }
    assert users == BACKEND, f"sqlite3 outside the SQLite backend: {sorted(users - BACKEND)}"
