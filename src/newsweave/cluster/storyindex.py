"""Approximate nearest-neighbour index over the centroids of the active stories (usearch HNSW).

The online clusterer asks it for the few stories nearest to a new article, so the cost of one
assignment does not grow with the number of stories. The store is the source of truth: the
index file next to the SQLite file (``<db>.stories.usearch``) only saves rebuilding at open,
and is rebuilt from the stored centroids whenever its stories differ from the store's active
ones. Vectors in the index may lag the exact centroids a little (they are re-indexed once they
drift); candidates are re-scored against the exact centroids, so the lag costs recall only.

Example:
    >>> import numpy as np
    >>> index = StoryIndex(ndim=2)
    >>> index.upsert("s-a", np.array([1.0, 0.0], dtype=np.float32))
    >>> index.search(np.array([0.9, 0.1], dtype=np.float32), 3)
    ['s-a']
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from newsweave.errors import NewsweaveError

__all__ = ["StoryIndex", "index_path_for"]

_EXACT_BELOW = 512
"""Below this many stories a brute-force scan is as fast as the graph, exact and independent
of insertion history; above it the HNSW graph answers."""

_DTYPE = "i8"
"""Vectors are kept as 8-bit integers: 4x less memory and ~3x faster adds and searches than
float32 here. Candidates are re-scored against the exact float32 centroids, so quantisation
can only cost recall among near-ties."""


def _usearch_index() -> Any:
    try:
        from usearch.index import Index
    except ImportError as exc:  # pragma: no cover - usearch is a core dependency
        raise NewsweaveError(
            "the story index needs the usearch package; install it with "
            "pip install 'usearch>=2.16' (or reinstall newsweave)"
        ) from exc
    return Index


def _key(story_id: str) -> int:
    """A stable 63-bit integer key per story id (usearch keys are integers)."""
    return int.from_bytes(hashlib.blake2b(story_id.encode(), digest_size=8).digest()) >> 1


def index_path_for(db_path: str) -> Path | None:
    """Where the index of the store at ``db_path`` lives; None for an in-memory store."""
    if not db_path or db_path == ":memory:":
        return None
    return Path(f"{db_path}.stories.usearch")


class StoryIndex:
    """Story id -> unit vector, searchable by inner product.

    Args:
        ndim: vector dimension (384 for MiniLM).
    """

    def __init__(self, ndim: int) -> None:
        self.ndim = ndim
        self._index = _usearch_index()(ndim=ndim, metric="ip", dtype=_DTYPE)
        self._ids: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, story_id: object) -> bool:
        return isinstance(story_id, str) and _key(story_id) in self._ids

    def ids(self) -> set[str]:
        return set(self._ids.values())

    def upsert(self, story_id: str, vector: np.ndarray) -> None:
        """Index (or re-index) ``story_id`` at ``vector`` (normalised here)."""
        key = _key(story_id)
        if key in self._ids:
            self._index.remove(key)
        self._index.add(key, _unit(vector))
        self._ids[key] = story_id

    def remove(self, story_id: str) -> None:
        """Drop a story (it went quiet or was merged); unknown ids are ignored."""
        key = _key(story_id)
        if self._ids.pop(key, None) is not None:
            self._index.remove(key)

    def search(self, vector: np.ndarray, k: int) -> list[str]:
        """Up to ``k`` story ids, nearest first."""
        if not self._ids:
            return []
        count = min(k, len(self._ids))
        matches = self._index.search(_unit(vector), count, exact=len(self._ids) <= _EXACT_BELOW)
        return [self._ids[int(key)] for key in matches.keys if int(key) in self._ids]

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (through a temporary file, so a crash leaves the old)."""
        partial = path.with_name(path.name + ".partial")
        self._index.save(str(partial))
        partial.replace(path)

    @classmethod
    def load(cls, path: Path | None, ndim: int, story_ids: Iterable[str]) -> StoryIndex | None:
        """The saved index at ``path`` if it holds exactly ``story_ids``, else None (rebuild)."""
        if path is None or not path.is_file():
            return None
        wanted = {_key(s): s for s in story_ids}
        made = cls(ndim)
        try:
            made._index.load(str(path))
        except (RuntimeError, ValueError, OSError):
            return None  # damaged or from another usearch: rebuilding is always safe
        if made._index.ndim != ndim or len(made._index) != len(wanted):
            return None
        keys = {int(k) for k in made._index.keys}
        if keys != set(wanted):
            return None
        made._ids = wanted
        return made


def _unit(vector: np.ndarray) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v
