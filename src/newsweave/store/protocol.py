"""The contract every store backend meets (tests/store/test_contract.py checks it).

The pipeline only talks to a :class:`Store`; the embedded SQLite store is the default and other
backends plug in behind the same methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from newsweave.model import AnnotatedArticle, Article, IngestOutcome, Story


@runtime_checkable
class Store(Protocol):
    """Articles with their annotations and embeddings, stories, cached briefs, an ingest log.

    Errors: backend failures raise :class:`~newsweave.errors.StoreError`; unknown ids raise
    :class:`~newsweave.errors.NotFoundError`.
    """

    def add(self, item: AnnotatedArticle) -> bool:
        """Store an article with its annotations and embedding, all or nothing.

        Returns False (and changes nothing) when an article with the same content hash is
        already stored, so re-ingesting is idempotent.
        """
        ...

    def find_hash(self, content_hash: str) -> str | None:
        """The id of the article with this content hash, or None."""
        ...

    def get(self, article_id: str) -> AnnotatedArticle:
        """One article. Raises NotFoundError if absent."""
        ...

    def articles(self, ids: Sequence[str] | None = None) -> list[AnnotatedArticle]:
        """All articles, or those with the given ids, in ingest order.

        Raises NotFoundError if any of ``ids`` is absent.
        """
        ...

    def article_count(self) -> int:
        """How many articles are stored."""
        ...

    def replace_stories(self, stories: Sequence[Story]) -> None:
        """Replace all stories in one transaction (order kept). Unknown article ids raise
        NotFoundError and leave the old stories in place."""
        ...

    def stories(self) -> list[Story]:
        """The stories in the order they were given to :meth:`replace_stories`."""
        ...

    def story(self, story_id: str) -> Story:
        """One story. Raises NotFoundError (saying how to list the ids) if absent."""
        ...

    def save_brief(self, story_id: str, fingerprint: str, brief: dict[str, Any]) -> None:
        """Cache a brief (its JSON dict) for a story; the fingerprint names its inputs."""
        ...

    def cached_brief(self, story_id: str, fingerprint: str) -> dict[str, Any] | None:
        """The cached brief if it was saved with this fingerprint, else None."""
        ...

    def log_outcome(self, outcome: IngestOutcome) -> None:
        """Record what became of one input (where, status, reason, article id, time)."""
        ...

    def outcomes(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest ``limit`` log entries, newest first, as dicts with the keys
        ``time, where, status, reason, article_id, duplicate_of``."""
        ...

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Article ids whose title or text match, best first. Query syntax the full-text
        engine rejects is searched as a phrase; search never fails on user input."""
        ...

    def update_article(self, article: Article) -> None:
        """Replace an article's metadata (e.g. an inferred date), keeping its annotations.

        Raises NotFoundError if absent; StoreError if the text would change (the annotation
        offsets point into it).
        """
        ...

    def info(self) -> dict[str, Any]:
        """``backend, path, schema_version`` and the counts ``articles, stories, briefs,
        outcomes``."""
        ...

    def close(self) -> None:
        """Release the backend; closing twice is harmless."""
        ...
