"""The embedded default store: one SQLite file, stdlib ``sqlite3``, no server.

WAL journal (readers never wait for the writer), foreign keys on, one transaction per write
(an article lands with its annotations and embedding or not at all; ``add_many`` stores a
chunk of articles in one transaction, each whole or not at all), SQL built only with
parameters. Every ``sqlite3`` error leaves as a :class:`~newsweave.errors.StoreError` that
says what failed, on which file, and what to do.

Example:
    >>> store = SQLiteStore(":memory:")
    >>> store.article_count()
    0
    >>> store.close()
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from newsweave.codec import (
    annotated_from_dict,
    annotations_to_dict,
    article_to_dict,
    embedding_from_blob,
    embedding_to_blob,
    sentence_vectors_from_blob,
    sentence_vectors_to_blob,
)
from newsweave.errors import NotFoundError, StoreError
from newsweave.model import AnnotatedArticle, Article, Depth, IngestOutcome, Story
from newsweave.store.protocol import StoreInfo, StoryState
from newsweave.store.schema import migrate, schema_version

__all__ = ["SQLiteStore"]

MEMORY = ":memory:"
_BUSY_TIMEOUT_S = 10.0
_ARTICLE_FIELDS = (
    "article_id",
    "content_hash",
    "text",
    "title",
    "source",
    "url",
    "path",
    "published",
    "date_origin",
    "language",
    "dateline",
    "input_format",
)
_SELECT_ANNOTATED = (
    "SELECT a.article_id, a.content_hash, a.text, a.title, a.source, a.url, a.path, "
    "a.published, a.date_origin, a.language, a.dateline, a.input_format, "
    "n.data AS annotations, e.dim, e.vector, v.rows AS v_rows, v.dim AS v_dim, v.vectors "
    "FROM articles a JOIN annotations n ON n.article_id = a.article_id "
    "JOIN embeddings e ON e.article_id = a.article_id "
    "LEFT JOIN sentence_vectors v ON v.article_id = a.article_id"
)


def _hint(exc: sqlite3.Error) -> str:
    """What a person can do about a given SQLite failure."""
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return "another process is writing to it; retry when that one is done"
    if "readonly" in message or "read-only" in message:
        return (
            "the file or its folder is read-only; fix the permissions or set NEWSWEAVE_DB "
            "to a writable path"
        )
    if "not a database" in message or "malformed" in message or "corrupt" in message:
        return (
            "the file is not a newsweave store or is damaged; restore it from a backup or "
            "set NEWSWEAVE_DB to a new file"
        )
    if "disk" in message and "full" in message:
        return "free some disk space and retry"
    if "disk i/o error" in message:  # a write refused: no space, a file size limit, a bad disk
        return (
            "writing the file failed: the disk may be full, the file over a size limit "
            "(ulimit -f) or the disk failing; free some space or raise the limit, and retry"
        )
    return "check the path (a file in a writable folder) or set NEWSWEAVE_DB"


def _now() -> str:
    return datetime.now(UTC).isoformat()


class SQLiteStore:
    """A :class:`~newsweave.store.protocol.Store` in one SQLite file (or ``":memory:"``).

    Args:
        path: the database file; missing parent folders are created. ``":memory:"`` keeps
            everything in this process (tests, one-off runs).

    Raises:
        StoreError: the file cannot be opened, is not a store, is read-only and needs a
            migration, or comes from a newer newsweave.

    The connection is shared by threads behind a lock, so one store can serve an HTTP API.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path) if str(path) == MEMORY else str(Path(path).expanduser().absolute())
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        if Path(self.path).is_dir():
            raise StoreError(
                f"cannot open the store at {self.path}: it is a folder, not a file; "
                f"give a file path such as {Path(self.path) / 'newsweave.sqlite'}, "
                "or set NEWSWEAVE_DB"
            )
        if self.path != MEMORY:
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot open the store at {self.path}: cannot create its folder ({exc}); "
                    "check the path or set NEWSWEAVE_DB"
                ) from exc
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            self.schema_version = self._prepare(conn)
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"cannot open the store at {self.path}: {exc}; {_hint(exc)}") from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        self._conn = conn

    def _prepare(self, conn: sqlite3.Connection) -> int:
        """WAL mode and the schema, retried while another process opening the same new file
        holds it: two openers that both hold a read lock and both need the write lock make
        SQLite answer "database is locked" at once, without waiting out the busy timeout."""
        ends = time.monotonic() + _BUSY_TIMEOUT_S
        while True:
            try:
                if self.path != MEMORY:
                    conn.execute("PRAGMA journal_mode = WAL")
                return migrate(conn, self.path)
            except sqlite3.OperationalError as exc:
                message = str(exc).lower()
                busy = "locked" in message or "busy" in message
                if not busy or time.monotonic() > ends:
                    raise
                time.sleep(random.uniform(0.01, 0.05))  # apart, so the next try does not collide

    # --- plumbing ------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self, action: str) -> Iterator[sqlite3.Connection]:
        """The open connection, with sqlite3 errors mapped to StoreError naming ``action``."""
        with self._lock:
            if self._conn is None:
                raise StoreError(
                    f"cannot {action} the store at {self.path}: it is closed; "
                    "open it again with newsweave.store.open_store()"
                )
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(
                    f"cannot {action} the store at {self.path}: {exc}; {_hint(exc)}"
                ) from exc

    @contextmanager
    def _write(self, action: str) -> Iterator[sqlite3.Connection]:
        """One transaction: committed if the block finishes, rolled back if anything raises."""
        with self._read(action) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _row_to_annotated(self, row: sqlite3.Row) -> AnnotatedArticle:
        data = {"article": {k: row[k] for k in _ARTICLE_FIELDS}, **json.loads(row["annotations"])}
        item = annotated_from_dict(data, embedding_from_blob(row["vector"], row["dim"]))
        if row["vectors"] is None:
            return item
        vectors = sentence_vectors_from_blob(row["vectors"], row["v_rows"], row["v_dim"])
        return replace(item, sentence_vectors=vectors)

    # --- articles ------------------------------------------------------------------------

    def add(self, item: AnnotatedArticle) -> bool:
        """Store the article, its annotations and embedding in one transaction.

        Returns:
            False when an article with this content hash is already stored (nothing changes).

        Raises:
            InputError: the embedding is not a 1-D numeric vector (nothing is stored).
            StoreError: the id is taken by a different text, or the write failed.
        """
        return self.add_many([item])[0]

    def add_many(self, items: Sequence[AnnotatedArticle]) -> list[bool]:
        """Store articles with their annotations and embeddings in one transaction (one
        commit, one sync of the file, for a chunk of articles), each article whole or not at
        all; for each, whether it was stored (False: its content hash was already stored, or
        came earlier in ``items``).

        Raises:
            InputError, StoreError: as :meth:`add`, for the first article that cannot be
                stored; the articles before it are committed, it and those after are not.
        """
        if not items:
            return []
        stored: list[bool] = []
        first = items[0].article.article_id
        action = f"add article {first} to" if len(items) == 1 else f"add {len(items)} articles to"
        failure: BaseException | None = None
        with self._write(action) as conn:
            for item in items:
                conn.execute("SAVEPOINT article")
                try:
                    stored.append(self._insert(conn, item))
                except BaseException as exc:
                    if not conn.in_transaction:  # SQLite ended the transaction itself
                        raise
                    # Undo this article only; those before it are committed, as if added
                    # one by one, and the error is raised after the commit.
                    conn.execute("ROLLBACK TO article")
                    conn.execute("RELEASE article")
                    failure = exc
                    break
                conn.execute("RELEASE article")
        if failure is not None:
            if isinstance(failure, sqlite3.Error):
                article = items[len(stored)].article.article_id
                raise StoreError(
                    f"cannot add article {article} to the store at {self.path}: {failure}; "
                    f"{_hint(failure)}"
                ) from failure
            raise failure
        return stored

    def _insert(self, conn: sqlite3.Connection, item: AnnotatedArticle) -> bool:
        """One article's rows, inside the caller's transaction; False for a stored hash."""
        article = item.article
        row = {k: _storable(v) for k, v in article_to_dict(article).items()}
        if conn.execute(
            "SELECT 1 FROM articles WHERE content_hash = ?", (article.content_hash,)
        ).fetchone():
            return False
        if conn.execute(
            "SELECT 1 FROM articles WHERE article_id = ?", (article.article_id,)
        ).fetchone():
            raise StoreError(
                f"cannot add article {article.article_id} to the store at {self.path}: "
                "that id is already stored with a different content hash; "
                "derive article ids from the content hash"
            )
        conn.execute(
            f"INSERT INTO articles ({', '.join(_ARTICLE_FIELDS)}, added_at) "
            f"VALUES ({', '.join('?' * len(_ARTICLE_FIELDS))}, ?)",
            (*(row[k] for k in _ARTICLE_FIELDS), _now()),
        )
        conn.execute(
            "INSERT INTO annotations (article_id, data, errors) VALUES (?, ?, ?)",
            (
                article.article_id,
                json.dumps(annotations_to_dict(item), ensure_ascii=False, separators=(",", ":")),
                len(item.errors),
            ),
        )
        # Encoded here, inside the transaction: a bad vector rolls the article back too.
        blob, dim = embedding_to_blob(item.embedding)
        conn.execute(
            "INSERT INTO embeddings (article_id, dim, vector) VALUES (?, ?, ?)",
            (article.article_id, dim, blob),
        )
        self._put_sentence_vectors(conn, item)
        return True

    @staticmethod
    def _put_sentence_vectors(conn: sqlite3.Connection, item: AnnotatedArticle) -> None:
        if item.depth is not Depth.FULL:
            return
        blob, rows, dim = sentence_vectors_to_blob(item.sentence_vectors)
        conn.execute(
            "INSERT OR REPLACE INTO sentence_vectors (article_id, rows, dim, vectors) "
            "VALUES (?, ?, ?, ?)",
            (item.article_id, rows, dim, blob),
        )

    def update_annotations(self, items: Sequence[AnnotatedArticle]) -> None:
        """Replace the annotations (and sentence vectors) of stored articles with ``items``'
        (the deep pass's), in one transaction; texts, metadata and article vectors stay.

        Raises:
            NotFoundError: an article is not stored (nothing changes).
            StoreError: the write failed.
        """
        if not items:
            return
        with self._write(f"update the annotations of {len(items)} article(s) in") as conn:
            for item in items:
                data = json.dumps(
                    annotations_to_dict(item), ensure_ascii=False, separators=(",", ":")
                )
                done = conn.execute(
                    "UPDATE annotations SET data = ?, errors = ? WHERE article_id = ?",
                    (data, len(item.errors), item.article_id),
                )
                if done.rowcount != 1:
                    raise NotFoundError(
                        f"no article {item.article_id!r} in the store at {self.path}; "
                        "add it before updating its annotations"
                    )
                self._put_sentence_vectors(conn, item)

    def find_hash(self, content_hash: str) -> str | None:
        with self._read("look up a content hash in") as conn:
            row = conn.execute(
                "SELECT article_id FROM articles WHERE content_hash = ?", (content_hash,)
            ).fetchone()
        return None if row is None else str(row[0])

    def get(self, article_id: str) -> AnnotatedArticle:
        with self._read(f"read article {article_id} from") as conn:
            row = conn.execute(
                f"{_SELECT_ANNOTATED} WHERE a.article_id = ?", (article_id,)
            ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no article {article_id!r} in the store at {self.path}; "
                "check the id, or ingest the article first"
            )
        return self._row_to_annotated(row)

    def articles(self, ids: Sequence[str] | None = None) -> list[AnnotatedArticle]:
        with self._read("read articles from") as conn:
            if ids is None:
                rows = conn.execute(f"{_SELECT_ANNOTATED} ORDER BY a.seq").fetchall()
            else:
                wanted = list(dict.fromkeys(ids))
                rows = conn.execute(
                    f"{_SELECT_ANNOTATED} WHERE a.article_id IN "
                    "(SELECT value FROM json_each(?)) ORDER BY a.seq",
                    (json.dumps(wanted),),
                ).fetchall()
                missing = set(wanted) - {row["article_id"] for row in rows}
                if missing:
                    raise NotFoundError(
                        f"{len(missing)} article id(s) not in the store at {self.path}: "
                        f"{', '.join(sorted(missing)[:5])}; check the ids"
                    )
        return [self._row_to_annotated(row) for row in rows]

    def article_count(self) -> int:
        with self._read("count the articles in") as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def update_article(self, article: Article) -> None:
        """Replace the metadata of a stored article; its text and hash must stay the same."""
        row = {k: _storable(v) for k, v in article_to_dict(article).items()}
        with self._write(f"update article {article.article_id} in") as conn:
            old = conn.execute(
                "SELECT content_hash, text FROM articles WHERE article_id = ?",
                (article.article_id,),
            ).fetchone()
            if old is None:
                raise NotFoundError(
                    f"no article {article.article_id!r} in the store at "
                    f"{self.path}; add it before updating it"
                )
            if old["content_hash"] != article.content_hash or old["text"] != article.text:
                raise StoreError(
                    f"cannot update article {article.article_id} in the store at {self.path}: "
                    "its text or content hash differs from the stored one, and the annotations "
                    "point into that text; ingest the new text as a new article instead"
                )
            fields = [k for k in _ARTICLE_FIELDS if k not in ("article_id", "content_hash", "text")]
            conn.execute(
                f"UPDATE articles SET {', '.join(f'{k} = ?' for k in fields)} WHERE article_id = ?",
                (*(row[k] for k in fields), article.article_id),
            )

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Article ids matching ``query`` in title or text, best (BM25) first.

        ``query`` is FTS5 syntax (``tariff* AND "rare earths"``); text FTS5 rejects is
        searched as one phrase instead, so user input never raises.
        """
        text = query.replace("\x00", " ").strip()  # FTS5 reads a NUL as the end of the query
        if not text or limit <= 0:
            return []
        sql = (
            "SELECT a.article_id FROM articles_fts "
            "JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank LIMIT ?"
        )
        with self._read("search") as conn:
            try:
                rows = conn.execute(sql, (text, limit)).fetchall()
            except sqlite3.OperationalError:
                phrase = '"' + text.replace('"', '""') + '"'
                rows = conn.execute(sql, (phrase, limit)).fetchall()
        return [str(row[0]) for row in rows]

    # --- stories and briefs --------------------------------------------------------------

    def _require_articles(self, conn: sqlite3.Connection, wanted: list[str], doing: str) -> None:
        """NotFoundError naming the ids in ``wanted`` that the store does not hold."""
        found = {
            row[0]
            for row in conn.execute(
                "SELECT article_id FROM articles WHERE article_id IN "
                "(SELECT value FROM json_each(?))",
                (json.dumps(wanted),),
            )
        }
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(
                f"{doing} {len(missing)} article id(s) not in the store at "
                f"{self.path}: {', '.join(missing[:5])}; add the articles first"
            )

    def replace_stories(self, stories: Sequence[Story]) -> None:
        story_ids = [s.story_id for s in stories]
        if len(set(story_ids)) != len(story_ids):
            dup = next(i for i in story_ids if story_ids.count(i) > 1)
            raise StoreError(
                f"cannot replace the stories in the store at {self.path}: story id "
                f"{dup!r} appears twice; give each story one id"
            )
        for s in stories:
            if len(set(s.article_ids)) != len(s.article_ids):
                raise StoreError(
                    f"cannot replace the stories in the store at {self.path}: "
                    f"story {s.story_id!r} lists an article twice"
                )
        wanted = sorted({i for s in stories for i in s.article_ids})
        with self._write("replace the stories in") as conn:
            self._require_articles(conn, wanted, "stories refer to")
            conn.execute("DELETE FROM story_articles")
            conn.execute("DELETE FROM stories")  # states go with them (ON DELETE CASCADE)
            conn.execute(
                "DELETE FROM story_redirects WHERE gone IN (SELECT value FROM json_each(?))",
                (json.dumps(story_ids),),
            )
            conn.executemany(
                "INSERT INTO stories (story_id, position) VALUES (?, ?)",
                [(s.story_id, n) for n, s in enumerate(stories)],
            )
            conn.executemany(
                "INSERT INTO story_articles (story_id, article_id, position) VALUES (?, ?, ?)",
                [(s.story_id, a, n) for s in stories for n, a in enumerate(s.article_ids)],
            )

    def _stories(self, where: str, params: tuple[str, ...]) -> list[Story]:
        with self._read("read stories from") as conn:
            rows = conn.execute(
                "SELECT s.story_id, sa.article_id FROM stories s "
                f"LEFT JOIN story_articles sa ON sa.story_id = s.story_id {where} "
                "ORDER BY s.position, sa.position",
                params,
            ).fetchall()
        grouped: dict[str, list[str]] = {}
        for story_id, article_id in rows:
            members = grouped.setdefault(story_id, [])
            if article_id is not None:
                members.append(article_id)
        return [Story(sid, tuple(ids)) for sid, ids in grouped.items()]

    def stories(self) -> list[Story]:
        return self._stories("", ())

    def story(self, story_id: str) -> Story:
        found = self._stories("WHERE s.story_id = ?", (self.resolve(story_id),))
        if not found:
            raise NotFoundError(
                f"no story {story_id!r} in the store at {self.path}; "
                "newsweave stories lists the ids"
            )
        return found[0]

    # --- incremental stories -------------------------------------------------------------

    def assign(self, pairs: Sequence[tuple[str, str]], states: Sequence[StoryState] = ()) -> None:
        """Append articles to stories and save story states, all in one transaction."""
        rows = [_state_row(state) for state in states]
        with self._write("assign articles to stories in") as conn:
            self._require_articles(conn, sorted({a for a, _ in pairs}), "cannot assign")
            for article_id, story_id in pairs:
                self._ensure_story(conn, story_id)
                conn.execute("DELETE FROM story_articles WHERE article_id = ?", (article_id,))
                # Members are listed in ingest order, as articles() returns them.
                conn.execute(
                    "INSERT INTO story_articles (story_id, article_id, position) VALUES "
                    "(?, ?, (SELECT seq FROM articles WHERE article_id = ?))",
                    (story_id, article_id, article_id),
                )
            for row in rows:
                self._ensure_story(conn, str(row[0]))
            conn.executemany(
                "INSERT OR REPLACE INTO story_state (story_id, born, size, dim, vector_sum, "
                "keys, first, last, touched, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    @staticmethod
    def _ensure_story(conn: sqlite3.Connection, story_id: str) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO stories (story_id, position) "
            "VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM stories))",
            (story_id,),
        )
        # A story id that is a story again no longer redirects.
        conn.execute("DELETE FROM story_redirects WHERE gone = ?", (story_id,))

    def merge_stories(self, keep: str, gone: str, state: StoryState | None = None) -> None:
        if keep == gone:
            raise StoreError(
                f"cannot merge story {keep!r} into itself in the store at {self.path}; "
                "give two different story ids"
            )
        rows = [] if state is None else [_state_row(state)]
        with self._write(f"merge story {gone} into {keep} in") as conn:
            for story_id in (keep, gone):
                if not conn.execute(
                    "SELECT 1 FROM stories WHERE story_id = ?", (story_id,)
                ).fetchone():
                    raise NotFoundError(
                        f"cannot merge: no story {story_id!r} in the store at {self.path}; "
                        "newsweave stories lists the ids"
                    )
            conn.execute(
                "UPDATE story_articles SET story_id = ?, position = "
                "(SELECT seq FROM articles WHERE articles.article_id = story_articles.article_id) "
                "WHERE story_id = ?",
                (keep, gone),
            )
            conn.execute("DELETE FROM stories WHERE story_id = ?", (gone,))
            conn.execute("DELETE FROM briefs WHERE story_id = ?", (gone,))
            conn.execute("UPDATE story_redirects SET keep = ? WHERE keep = ?", (keep, gone))
            conn.execute(
                "INSERT OR REPLACE INTO story_redirects (gone, keep) VALUES (?, ?)", (gone, keep)
            )
            conn.executemany(
                "INSERT OR REPLACE INTO story_state (story_id, born, size, dim, vector_sum, "
                "keys, first, last, touched, active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def resolve(self, story_id: str) -> str:
        with self._read("resolve a story id in") as conn:
            row = conn.execute(
                "SELECT keep FROM story_redirects WHERE gone = ?", (story_id,)
            ).fetchone()
        return story_id if row is None else str(row[0])

    def story_id_taken(self, story_id: str) -> bool:
        with self._read("look up a story id in") as conn:
            row = conn.execute(
                "SELECT 1 FROM stories WHERE story_id = ? "
                "UNION ALL SELECT 1 FROM story_redirects WHERE gone = ? LIMIT 1",
                (story_id, story_id),
            ).fetchone()
        return row is not None

    def redirect_stories(self, pairs: Sequence[tuple[str, str]]) -> None:
        if not pairs:
            return
        with self._write("record story redirects in") as conn:
            for gone, keep in pairs:
                if gone == keep:
                    continue
                if not conn.execute("SELECT 1 FROM stories WHERE story_id = ?", (keep,)).fetchone():
                    raise NotFoundError(
                        f"cannot redirect {gone!r}: no story {keep!r} in the store at "
                        f"{self.path}; newsweave stories lists the ids"
                    )
                conn.execute("UPDATE story_redirects SET keep = ? WHERE keep = ?", (keep, gone))
                conn.execute(
                    "INSERT OR REPLACE INTO story_redirects (gone, keep) VALUES (?, ?)",
                    (gone, keep),
                )

    def _states(self, where: str, params: tuple[Any, ...]) -> list[StoryState]:
        with self._read("read story states from") as conn:
            rows = conn.execute(
                "SELECT t.* FROM story_state t JOIN stories s ON s.story_id = t.story_id "
                f"{where} ORDER BY s.position",
                params,
            ).fetchall()
        return [_state_from_row(row) for row in rows]

    def story_states(self, ids: Sequence[str] | None = None) -> list[StoryState]:
        if ids is None:
            return self._states("", ())
        return self._states(
            "WHERE t.story_id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
        )

    def active_stories(self, window: timedelta) -> list[StoryState]:
        with self._read("read the active stories from") as conn:
            latest = conn.execute("SELECT max(active_at) FROM story_state").fetchone()[0]
        if latest is None:
            return self._states("", ())
        try:
            since = _iso_utc(datetime.fromisoformat(latest) - window)
        except OverflowError:  # latest activity in year 1: every story is in the window
            return self._states("", ())
        return self._states("WHERE t.active_at IS NULL OR t.active_at >= ?", (since,))

    def closed_stories(self, window: timedelta, limit: int) -> list[StoryState]:
        if limit <= 0:
            return []
        with self._read("read the closed stories from") as conn:
            latest = conn.execute("SELECT max(active_at) FROM story_state").fetchone()[0]
            if latest is None:
                return []
            try:
                before = _iso_utc(datetime.fromisoformat(latest) - window)
            except OverflowError:  # latest activity in year 1: no story is older than that
                return []
            rows = conn.execute(
                "SELECT t.* FROM story_state t JOIN stories s ON s.story_id = t.story_id "
                "WHERE t.active_at < ? ORDER BY t.active_at DESC, s.position LIMIT ?",
                (before, limit),
            ).fetchall()
        return [_state_from_row(row) for row in rows]

    def stateless_stories(self) -> list[str]:
        with self._read("read stories from") as conn:
            rows = conn.execute(
                "SELECT s.story_id FROM stories s LEFT JOIN story_state t "
                "ON t.story_id = s.story_id WHERE t.story_id IS NULL ORDER BY s.position"
            ).fetchall()
        return [str(row[0]) for row in rows]

    def save_brief(self, story_id: str, fingerprint: str, brief: dict[str, Any]) -> None:
        """Cache the brief; it replaces any older brief of the same story."""
        data = json.dumps(brief, ensure_ascii=False, separators=(",", ":"))
        with self._write(f"save the brief of story {story_id} in") as conn:
            conn.execute(
                "INSERT INTO briefs (story_id, fingerprint, data, saved_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET fingerprint = excluded.fingerprint, "
                "data = excluded.data, saved_at = excluded.saved_at",
                (story_id, fingerprint, data, _now()),
            )

    def cached_brief(self, story_id: str, fingerprint: str) -> dict[str, Any] | None:
        with self._read(f"read the brief of story {story_id} from") as conn:
            row = conn.execute(
                "SELECT data FROM briefs WHERE story_id = ? AND fingerprint = ?",
                (story_id, fingerprint),
            ).fetchone()
        if row is None:
            return None
        brief: dict[str, Any] = json.loads(row[0])
        return brief

    # --- ingest log and housekeeping -----------------------------------------------------

    def log_outcome(self, outcome: IngestOutcome) -> None:
        article_id = outcome.article.article_id if outcome.article is not None else None
        with self._write("log an ingest outcome in") as conn:
            conn.execute(
                "INSERT INTO ingest_log (time, location, status, reason, article_id, "
                "duplicate_of) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    _storable(outcome.where),
                    outcome.status.value,
                    _storable(outcome.reason),
                    article_id,
                    outcome.duplicate_of,
                ),
            )

    def outcomes(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._read("read the ingest log of") as conn:
            rows = conn.execute(
                "SELECT time, location, status, reason, article_id, duplicate_of "
                "FROM ingest_log ORDER BY seq DESC LIMIT ?",
                (max(limit, 0),),
            ).fetchall()
        return [
            {
                "time": r["time"],
                "where": r["location"],
                "status": r["status"],
                "reason": r["reason"],
                "article_id": r["article_id"],
                "duplicate_of": r["duplicate_of"],
            }
            for r in rows
        ]

    # --- the feed watcher's memory --------------------------------------------------------

    def feed_validators(self, feed: str) -> tuple[str | None, str | None]:
        with self._read("read the feed state of") as conn:
            row = conn.execute(
                "SELECT etag, last_modified FROM feed_state WHERE feed_url = ?", (feed,)
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def feed_seen(self, feed: str) -> set[str]:
        with self._read("read the feed entries of") as conn:
            rows = conn.execute(
                "SELECT entry_id FROM feed_entries WHERE feed_url = ?", (feed,)
            ).fetchall()
        return {str(r[0]) for r in rows}

    def remember_feed(
        self,
        feed: str,
        entries: Sequence[tuple[str, str, str | None]],
        etag: str | None,
        last_modified: str | None,
        complete: bool,
    ) -> None:
        now = _now()
        with self._write("record the feed entries in") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO feed_entries (feed_url, entry_id, status, article_id, "
                "seen_at) VALUES (?, ?, ?, ?, ?)",
                [(feed, e, st, a, now) for e, st, a in entries],
            )
            conn.execute(
                "INSERT INTO feed_state (feed_url, checked_at, failures) VALUES (?, ?, 0) "
                "ON CONFLICT (feed_url) DO UPDATE SET checked_at = excluded.checked_at, "
                "failures = 0, last_error = NULL",
                (feed, now),
            )
            if complete:
                conn.execute(
                    "UPDATE feed_state SET etag = ?, last_modified = ? WHERE feed_url = ?",
                    (_storable(etag), _storable(last_modified), feed),
                )

    def feed_failed(self, feed: str, error: str) -> int:
        with self._write("record a feed failure in") as conn:
            conn.execute(
                "INSERT INTO feed_state (feed_url, checked_at, failures, last_error) "
                "VALUES (?, ?, 1, ?) ON CONFLICT (feed_url) DO UPDATE SET "
                "checked_at = excluded.checked_at, failures = failures + 1, "
                "last_error = excluded.last_error",
                (feed, _now(), _storable(error)),
            )
            row = conn.execute(
                "SELECT failures FROM feed_state WHERE feed_url = ?", (feed,)
            ).fetchone()
        return int(row[0])

    def story_index_path(self) -> Path | None:
        if not self.path or self.path == ":memory:":
            return None
        return Path(f"{self.path}.stories.usearch")

    def info(self) -> StoreInfo:
        with self._read("describe") as conn:

            def count(sql: str) -> int:
                return int(conn.execute(sql).fetchone()[0])

            return StoreInfo(
                backend="sqlite",
                path=self.path,
                schema_version=schema_version(conn),
                articles=count("SELECT count(*) FROM articles"),
                stories=count("SELECT count(*) FROM stories"),
                briefs=count("SELECT count(*) FROM briefs"),
                outcomes=count("SELECT count(*) FROM ingest_log"),
                annotation_errors=count("SELECT count(*) FROM annotations WHERE errors > 0"),
            )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _storable(value: Any) -> Any:
    r"""``value`` with every lone surrogate replaced, so that SQLite (UTF-8) can store it.

    A file name that is not UTF-8 reaches Python as surrogates (``caf\udce9.txt``); its byte
    is kept as ``\xe9``, so the name stays recognisable. Other surrogates become U+FFFD.
    """
    if not isinstance(value, str) or not _SURROGATE.search(value):
        return value

    def byte(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"

    return _SURROGATE.sub(byte, value)


def _iso_utc(moment: datetime | None) -> str | None:
    """ISO text in UTC, so that stored times compare as strings."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _state_row(state: StoryState) -> tuple[Any, ...]:
    blob, dim = embedding_to_blob(state.vector_sum)
    keys = json.dumps(dict(state.keys), ensure_ascii=False, separators=(",", ":"))
    return (
        state.story_id,
        state.born,
        state.size,
        dim,
        blob,
        keys,
        _iso_utc(state.first),
        _iso_utc(state.last),
        _iso_utc(state.touched),
        _iso_utc(state.active_at),
    )


def _state_from_row(row: sqlite3.Row) -> StoryState:
    def moment(value: str | None) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)

    return StoryState(
        story_id=row["story_id"],
        born=int(row["born"]),
        size=int(row["size"]),
        vector_sum=embedding_from_blob(row["vector_sum"], row["dim"]),
        keys=json.loads(row["keys"]),
        first=moment(row["first"]),
        last=moment(row["last"]),
        touched=moment(row["touched"]),
    )
