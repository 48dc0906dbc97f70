"""A full disk and a read-only store give clear errors: what failed, where, and what to do.

A full disk is simulated without root: the child process gets a file size limit
(``RLIMIT_FSIZE``) with ``SIGXFSZ`` ignored, so a write past the limit fails with EFBIG as it
would with ENOSPC. A read-only store is made with chmod, and ``chattr +i`` as root.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsweave.store import SQLiteStore

CLI = Path(sys.executable).with_name("newsweave")
ARTICLE = (
    "title: Pier closes\n\nThe harbour council of Velmora voted on Tuesday to close the old "
    "ferry pier for eighteen months of repairs, the mayor said.\n"
)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _cli(args: list[str], limit: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=None if limit is None else _file_size_limit(limit),
        env={**os.environ, "NEWSWEAVE_DB": ""},
    )


def test_cli_on_a_full_disk_says_so_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "pier.txt"
    source.write_text(ARTICLE)
    db = tmp_path / "store.sqlite"
    done = _cli(["ingest", str(source), "--db", str(db)], limit=2048)
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error: cannot open the store at {db}: disk I/O error")
    assert "the disk may be full" in done.stderr and "free some space" in done.stderr
    assert "Traceback" not in done.stderr


_ADD_UNTIL_FULL = """
import resource, signal, sys
import numpy as np
from newsweave.errors import StoreError
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle
from newsweave.store import SQLiteStore

store = SQLiteStore(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
added = 0
try:
    for n in range(10_000):
        text = f"Report {n}: the pier stays closed. " * 40
        article = make_article(text, language="en")  # no language model: it writes a file
        store.add(AnnotatedArticle(article, (), (), (), (), (), np.ones(384, dtype=np.float32)))
        added += 1
except StoreError as exc:
    print(added)
    print(exc)
    sys.exit(0)
sys.exit("the store never filled up")
"""


def test_a_store_that_fills_up_keeps_what_it_committed(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    SQLiteStore(db).close()
    limit = db.stat().st_size + 300_000
    done = subprocess.run(
        [sys.executable, "-c", _ADD_UNTIL_FULL, str(db), str(limit)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    added_line, message = done.stdout.splitlines()[:2]
    assert message.startswith("cannot add article ") and f"to the store at {db}" in message
    assert "the disk may be full" in message
    with SQLiteStore(db) as store:  # the articles committed before the disk filled are there
        assert store.article_count() == int(added_line) > 0


@pytest.fixture
def locked_store(tmp_path: Path) -> Iterator[Path]:
    """A store holding one rejected outcome, then made read-only (chattr +i as root)."""
    db = tmp_path / "store.sqlite"
    SQLiteStore(db).close()
    db.chmod(0o444)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        done = subprocess.run(["chattr", "+i", str(db)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i failed here: {done.stderr.decode().strip()}")
    yield db
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(db)], check=False)
    db.chmod(0o644)


def test_cli_on_a_read_only_store_says_so_and_exits_1(tmp_path: Path, locked_store: Path) -> None:
    from click.testing import CliRunner

    from newsweave.cli import main

    teaser = tmp_path / "teaser.txt"
    teaser.write_text("Too short to be an article.")
    done = CliRunner().invoke(main, ["ingest", str(teaser), "--db", str(locked_store)])
    assert done.exit_code == 1
    assert done.output.startswith(
        f"Error: cannot log an ingest outcome in the store at {locked_store}"
    ), done.output
    assert "read-only; fix the permissions or set NEWSWEAVE_DB" in done.output
    assert "Traceback" not in done.output
