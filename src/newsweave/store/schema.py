"""The SQLite schema as an ordered list of migrations, and the runner that applies them.

The database's ``PRAGMA user_version`` is the number of migrations applied. Opening a store
applies the missing ones in order, each in its own transaction together with the version bump,
so a crash leaves the file at a version it really has. A file from a newer newsweave (a
version above :data:`SCHEMA_VERSION`) is refused rather than guessed at.

To change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from newsweave.errors import StoreError

Migration = Callable[[sqlite3.Connection], None]

_V1 = (
    # seq is the ingest order and the full-text rowid; article_id and content_hash are unique.
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        article_id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        title TEXT,
        source TEXT,
        url TEXT,
        path TEXT,
        published TEXT,
        date_origin TEXT NOT NULL,
        language TEXT,
        dateline TEXT,
        input_format TEXT NOT NULL,
        added_at TEXT NOT NULL
    )""",
    """CREATE TABLE annotations (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        data TEXT NOT NULL
    )""",
    """CREATE TABLE embeddings (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL,
        CHECK (length(vector) = 4 * dim)
    )""",
    "CREATE TABLE stories (story_id TEXT PRIMARY KEY, position INTEGER NOT NULL)",
    """CREATE TABLE story_articles (
        story_id TEXT NOT NULL REFERENCES stories(story_id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(article_id),
        position INTEGER NOT NULL,
        PRIMARY KEY (story_id, article_id)
    )""",
    "CREATE INDEX story_articles_by_article ON story_articles(article_id)",
    # One cached brief per story; stable story ids keep it valid until its inputs change.
    """CREATE TABLE briefs (
        story_id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        data TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    """CREATE TABLE ingest_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        location TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        article_id TEXT,
        duplicate_of TEXT
    )""",
    # External-content FTS5 index over the articles table, kept in step by triggers.
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
)


def _v1(conn: sqlite3.Connection) -> None:
    """Articles, annotations, embeddings, stories, briefs, the ingest log, full-text search."""
    for statement in _V1:
        conn.execute(statement)


_FEEDS = (
    # What the feed watcher has seen: conditional-request validators and retry state per feed,
    # and every entry id it has handled, so a restart neither re-fetches nor re-ingests.
    """CREATE TABLE feed_state (
        feed_url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked_at TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
    """CREATE TABLE feed_entries (
        feed_url TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        status TEXT NOT NULL,
        article_id TEXT,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (feed_url, entry_id)
    )""",
)


def _feeds(conn: sqlite3.Connection) -> None:
    """The feed watcher's memory: feed_state and feed_entries."""
    for statement in _FEEDS:
        conn.execute(statement)


_STORIES = (
    # What the online clusterer keeps per story (see StoryState); active_at is the ISO UTC
    # time of its latest activity, indexed for the active-window query.
    """CREATE TABLE story_state (
        story_id TEXT PRIMARY KEY REFERENCES stories(story_id) ON DELETE CASCADE,
        born INTEGER NOT NULL,
        size INTEGER NOT NULL,
        dim INTEGER NOT NULL,
        vector_sum BLOB NOT NULL,
        keys TEXT NOT NULL,
        first TEXT,
        last TEXT,
        touched TEXT,
        active_at TEXT,
        CHECK (length(vector_sum) = 4 * dim)
    )""",
    "CREATE INDEX story_state_by_activity ON story_state(active_at)",
    # A merged-away story id and the id it now goes by (always a final id, never a chain).
    """CREATE TABLE story_redirects (
        gone TEXT PRIMARY KEY,
        keep TEXT NOT NULL
    )""",
    "CREATE INDEX story_redirects_by_keep ON story_redirects(keep)",
)


def _stories(conn: sqlite3.Connection) -> None:
    """Incremental stories: per-story centroid state and redirects of merged story ids."""
    for statement in _STORIES:
        conn.execute(statement)


def _annotation_errors(conn: sqlite3.Connection) -> None:
    """How many annotators failed on each article (their messages are in the annotations
    JSON), indexed so that ``info`` counts the articles stored with annotation errors."""
    conn.execute("ALTER TABLE annotations ADD COLUMN errors INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX annotations_with_errors ON annotations(errors) WHERE errors > 0")


_DEEP = (
    # The deep pass's sentence vectors (float16 rows), one row of this table per article.
    """CREATE TABLE sentence_vectors (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        rows INTEGER NOT NULL,
        dim INTEGER NOT NULL,
        vectors BLOB NOT NULL,
        CHECK (length(vectors) = 2 * rows * dim)
    )""",
    # Annotations stored before the two passes have no sentence vectors: the deep pass runs
    # on them again, once, when their story is briefed.
    "UPDATE annotations SET data = json_set(data, '$.depth', 'lead')",
)


def _deep(conn: sqlite3.Connection) -> None:
    """Two annotation passes: sentence vectors of deep-annotated articles."""
    for statement in _DEEP:
        conn.execute(statement)


# Append new migrations at the end; never reorder or edit shipped ones.
MIGRATIONS: tuple[Migration, ...] = (_v1, _feeds, _stories, _annotation_errors, _deep)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied to this database (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, where: str, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Bring the database up to ``len(migrations)`` and return that version.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each step opens its own
    ``BEGIN IMMEDIATE`` so concurrent openers queue instead of migrating twice.

    Raises:
        StoreError: the file comes from a newer newsweave (its version is above ours).
        sqlite3.Error: the database could not be read or written (the caller maps it).
    """
    target = len(migrations)
    found = schema_version(conn)
    if found > target:
        raise StoreError(
            f"cannot open the store at {where}: it has schema version {found}, newer than the "
            f"{target} this newsweave understands; upgrade newsweave, or set NEWSWEAVE_DB to "
            "another file"
        )
    for number in range(found, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) > number:  # another process migrated while we waited
                conn.execute("ROLLBACK")
                continue
            migrations[number](conn)
            # PRAGMA takes no parameters; the value is an int computed here, not input.
            conn.execute(f"PRAGMA user_version = {int(number) + 1:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return schema_version(conn)
