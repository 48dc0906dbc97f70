"""What only the SQLite backend promises: its file layout, migrations, error mapping, paths."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from newsweave.errors import StoreError
from newsweave.model import AnnotatedArticle, Article, IngestOutcome, IngestStatus
from newsweave.store import SCHEMA_VERSION, SQLiteStore, Store, default_store_path, open_store
from newsweave.store.schema import MIGRATIONS, migrate, schema_version


def make(text: str) -> AnnotatedArticle:
    digest = hashlib.sha256(text.encode()).hexdigest()
    article = Article(article_id=digest[:16], text=text, content_hash=digest)
    return AnnotatedArticle(article, (), (), (), (), (), np.linspace(0, 1, 5, dtype=np.float32))


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


# --- file layout -----------------------------------------------------------------------


def test_schema_tables_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as store:
        store.add(make("One article."))
        conn = store._conn  # the store's own connection: foreign keys are per connection
        assert conn is not None
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db = raw(path)
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "articles",
        "annotations",
        "embeddings",
        "stories",
        "story_articles",
        "briefs",
        "ingest_log",
        "articles_fts",
    } <= names
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    dim, blob = db.execute("SELECT dim, vector FROM embeddings").fetchone()
    assert dim == 5 and blob == np.linspace(0, 1, 5, dtype="<f4").tobytes()
    db.close()


def test_content_hash_is_unique_in_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    db = raw(path)
    row = ("a", "h", "t", "text", "2025-01-01T00:00:00+00:00")
    db.execute(
        "INSERT INTO articles (article_id, content_hash, text, date_origin, input_format,"
        " added_at) VALUES (?, ?, ?, 'unknown', ?, ?)",
        row,
    )
    with pytest.raises(sqlite3.IntegrityError, match="content_hash"):
        db.execute(
            "INSERT INTO articles (article_id, content_hash, text, date_origin, "
            "input_format, added_at) VALUES ('b', 'h', 't', 'unknown', 'text', 'x')"
        )
    db.close()


def test_an_id_taken_by_other_text_is_refused(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:
        first = make("First text.")
        store.add(first)
        clash = make("Second text.")
        clash = AnnotatedArticle(
            Article(first.article_id, "Second text.", "other-hash"),
            (),
            (),
            (),
            (),
            (),
            clash.embedding,
        )
        with pytest.raises(StoreError, match="already stored with a different content hash"):
            store.add(clash)
        assert store.article_count() == 1


def test_memory_store_works() -> None:
    with SQLiteStore(":memory:") as store:
        assert store.add(make("In memory.")) is True
        assert store.info()["path"] == ":memory:"


_KILLED_MID_CHUNK = """
import hashlib, os, signal, sys
import numpy as np
from newsweave.model import AnnotatedArticle, Article
from newsweave.store import SQLiteStore


class Killing(np.ndarray):
    \"\"\"A vector whose encoding kills this process: SIGKILL inside the open transaction.\"\"\"

    def astype(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)


def make(text, vector=None):
    digest = hashlib.sha256(text.encode()).hexdigest()
    article = Article(article_id=digest[:16], text=text, content_hash=digest)
    vector = np.linspace(0, 1, 5, dtype=np.float32) if vector is None else vector
    return AnnotatedArticle(article, (), (), (), (), (), vector)


store = SQLiteStore(sys.argv[1])
print(store.add_many([make(f"Chunk one, article {n}.") for n in range(3)]), flush=True)
killer = np.ones(5, dtype=np.float32).view(Killing)
store.add_many([make("Chunk two, first."), make("Chunk two, second."), make("Killer.", killer)])
"""


def test_a_kill_inside_a_chunk_keeps_the_chunks_before_and_none_of_it(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_CHUNK, str(path)], capture_output=True, text=True
    )
    assert done.returncode == -9, done.stderr
    assert done.stdout.strip() == "[True, True, True]"
    with SQLiteStore(path) as store:
        assert store._conn is not None
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        texts = [i.article.text for i in store.articles()]
        assert texts == [f"Chunk one, article {n}." for n in range(3)]
        assert store.search("second") == []
        again = [make("Chunk two, first."), make("Chunk two, second.")]
        assert store.add_many([*again, make("Chunk one, article 0.")]) == [True, True, False]
        assert store.article_count() == 5


# --- migrations ------------------------------------------------------------------------


def _add_notes(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE notes (note TEXT)")


def _broken(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE half_done (x TEXT)")
    raise RuntimeError("migration failed half way")


def test_migrations_apply_in_order_once(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, str(path), (*MIGRATIONS, _add_notes)) == SCHEMA_VERSION + 1
    assert migrate(conn, str(path), (*MIGRATIONS, _add_notes)) == SCHEMA_VERSION + 1  # no-op
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    conn.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}, newer"):
        SQLiteStore(path)


def test_a_failed_migration_leaves_the_old_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(RuntimeError, match="half way"):
        migrate(conn, str(path), (*MIGRATIONS, _broken))
    assert schema_version(conn) == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    conn.close()
    with SQLiteStore(path) as store:
        assert store.info()["schema_version"] == SCHEMA_VERSION


# --- error mapping ---------------------------------------------------------------------


@pytest.fixture
def read_only() -> Iterator[Callable[[Path], None]]:
    """Make a file read-only even for root (chattr +i), undone after the test."""
    locked: list[Path] = []

    def lock(path: Path) -> None:
        path.chmod(0o444)
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:
                pytest.skip("running as root without chattr: cannot make a file read-only")
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i failed here: {done.stderr.decode().strip()}")
        locked.append(path)

    yield lock
    for path in locked:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        path.chmod(0o644)


def _corrupt(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _text_file(path: Path) -> None:
    path.write_text("title: not a database\n\nJust some words.\n" * 50)


def _damaged_store(path: Path) -> None:
    with SQLiteStore(path) as store:
        store.add(make("Soon damaged."))
    data = bytearray(path.read_bytes())
    data[:16] = b"X" * 16  # the SQLite header magic
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        (lambda p: p.mkdir(), "it is a folder, not a file"),
        (_corrupt, "file is not a database; the file is not a newsweave store or is damaged"),
        (_text_file, "file is not a database"),
        (_damaged_store, "file is not a database"),
    ],
    ids=["directory", "random-bytes", "text-file", "damaged-header"],
)
def test_open_failures_become_store_errors(
    tmp_path: Path, prepare: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "store.db"
    prepare(path)
    with pytest.raises(StoreError, match=message) as info:
        SQLiteStore(path)
    assert f"cannot open the store at {path}" in str(info.value)
    assert "NEWSWEAVE_DB" in str(info.value)


def test_a_read_only_empty_file_cannot_be_migrated(
    tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    path = tmp_path / "store.db"
    path.touch()
    read_only(path)
    with pytest.raises(StoreError, match="read-only; fix the permissions or set NEWSWEAVE_DB"):
        SQLiteStore(path)


def test_a_read_only_store_reads_but_refuses_writes(
    tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    path = tmp_path / "store.db"
    item = make("Written before the lock.")
    with SQLiteStore(path) as store:
        store.add(item)
    read_only(path)
    with SQLiteStore(path) as store:
        assert store.get(item.article_id) == item
        with pytest.raises(
            StoreError,
            match=r"cannot add article \w+ to the store at .*"
            r"read-only",
        ):
            store.add(make("Another."))
        with pytest.raises(StoreError, match="cannot log an ingest outcome"):
            store.log_outcome(IngestOutcome("x.txt", IngestStatus.REJECTED, reason="empty"))
        assert store.article_count() == 1


def test_a_parent_that_is_a_file_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="cannot create its folder"):
        SQLiteStore(blocker / "sub" / "store.db")


# --- sharing ---------------------------------------------------------------------------


def test_two_stores_on_one_file_see_each_other(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore(path) as writer, SQLiteStore(path) as reader:
        writer.add(make("Shared."))
        assert reader.article_count() == 1
        assert reader.add(make("Shared.")) is False


def test_threads_can_share_one_store(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.db") as store:

        def work(n: int) -> None:
            for k in range(10):
                store.add(make(f"thread {n} article {k}"))
                store.search("thread")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert store.article_count() == 40


# --- where the store lives -------------------------------------------------------------


def test_newsweave_db_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "deep" / "er" / "x.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "deep" / "er" / "x.sqlite"
    assert (tmp_path / "deep" / "er").is_dir()


def test_xdg_data_home_then_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSWEAVE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "newsweave" / "newsweave.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "newsweave" / "newsweave.sqlite"
    assert default_store_path() == expected
    assert expected.parent.is_dir()


def test_open_store_uses_the_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "env.sqlite"))
    store = open_store()
    assert isinstance(store, Store)
    assert store.info()["path"] == str(tmp_path / "env.sqlite")
    store.close()
    assert (tmp_path / "env.sqlite").exists()
