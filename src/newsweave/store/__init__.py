"""Where articles, stories and briefs live: a small Protocol and its backends.

The embedded SQLite store is the default (and, for now, the only backend); everything else in
newsweave talks to the :class:`Store` protocol, so another backend plugs in behind
:func:`open_store` without touching the pipeline.

Example:
    >>> store = open_store(":memory:")
    >>> store.info()["articles"]
    0
    >>> store.close()
"""

from __future__ import annotations

import os
from pathlib import Path

from newsweave.errors import StoreError
from newsweave.store.memory import MemoryStore
from newsweave.store.protocol import (
    ArticlePort,
    BriefPort,
    FeedPort,
    IngestLogPort,
    Store,
    StoreInfo,
    StoryPort,
    StoryState,
)
from newsweave.store.schema import SCHEMA_VERSION
from newsweave.store.sqlite import SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "ArticlePort",
    "BriefPort",
    "FeedPort",
    "IngestLogPort",
    "MemoryStore",
    "SQLiteStore",
    "Store",
    "StoreInfo",
    "StoryPort",
    "StoryState",
    "default_store_path",
    "open_store",
    "store_location",
]

ENV_DB = "NEWSWEAVE_DB"


def store_location() -> Path:
    """``$NEWSWEAVE_DB`` if set, else ``$XDG_DATA_HOME/newsweave/newsweave.sqlite``
    (``XDG_DATA_HOME`` defaults to ``~/.local/share``); nothing is created."""
    configured = os.environ.get(ENV_DB, "").strip()
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home).expanduser() if data_home else Path.home() / ".local" / "share"
    return base / "newsweave" / "newsweave.sqlite"


def default_store_path() -> Path:
    """:func:`store_location`, with its parent folder created.

    Raises:
        StoreError: the folder cannot be created.
    """
    path = store_location()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder of the store at {path}: {exc}; "
            f"check the path or set {ENV_DB} to a writable file"
        ) from exc
    return path


def open_store(path: str | Path | None = None, *, create: bool = True) -> Store:
    """Open (creating or migrating as needed) the store at ``path``.

    Args:
        path: a SQLite file, ``":memory:"``, or None for :func:`default_store_path`.
        create: with False, a store that does not exist yet is an error, and nothing is
            created on disk (for commands that only read).

    Returns:
        A :class:`Store`; close it when done (it is also a context manager).

    Raises:
        StoreError: the store cannot be opened (the message says why and what to do).
    """
    if not create:
        where = store_location() if path is None else Path(path)
        if str(path) != ":memory:" and not where.expanduser().is_file():
            what = "a folder, not a store file" if where.expanduser().is_dir() else "no store"
            raise StoreError(
                f"{what} at {where}: nothing has been ingested there; add articles with "
                f"'newsweave ingest PATH', or point --db or {ENV_DB} at an existing store"
            )
    return SQLiteStore(default_store_path() if path is None else path)
