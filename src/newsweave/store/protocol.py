"""The contract every store backend meets (tests/store/test_contract.py checks it).

The pipeline only talks to a :class:`Store`; the embedded SQLite store is the default and other
backends plug in behind the same methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypedDict, runtime_checkable

import numpy as np

from newsweave.model import AnnotatedArticle, Article, IngestOutcome, Story


@dataclass(frozen=True, slots=True)
class StoryState:
    """What the online clusterer keeps of a story, so a new article is judged without
    reading the story's articles: sums (not means) so one more member is one addition.

    Attributes:
        story_id: the story.
        born: arrival number of its founding article; of two merging stories the one born
            first keeps its id.
        size: number of member articles.
        vector_sum: sum of the members' unit embeddings (float32).
        keys: participant key -> sum of its weights over the members.
        first, last: earliest and latest stated publication date of the members.
        touched: the stream's clock (latest stated date seen) when it last grew; a story
            quiet for longer than the window leaves the active set.
    """

    story_id: str
    born: int
    size: int
    vector_sum: np.ndarray = field(compare=False, repr=False)
    keys: Mapping[str, float] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    touched: datetime | None = None

    @property
    def active_at(self) -> datetime | None:
        """The latest of ``last`` and ``touched``: when the story last showed activity."""
        known = [t for t in (self.last, self.touched) if t is not None]
        return max(known) if known else None


class StoreInfo(TypedDict):
    """What :meth:`Store.info` reports: the backend, where it is, and what it holds."""

    backend: str  # "sqlite" or "memory"
    path: str  # the file, or ":memory:"
    schema_version: int
    articles: int
    stories: int
    briefs: int
    outcomes: int  # ingest log entries
    annotation_errors: int  # articles stored with a recorded annotation failure


@runtime_checkable
class ArticlePort(Protocol):
    """Articles with their annotations and vectors, found by id, content hash or words."""

    def add(self, item: AnnotatedArticle) -> bool:
        """Store an article with its annotations and embedding, all or nothing.

        Returns False (and changes nothing) when an article with the same content hash is
        already stored, so re-ingesting is idempotent.
        """
        ...

    def add_many(self, items: Sequence[AnnotatedArticle]) -> list[bool]:
        """:meth:`add` for each of ``items``, in order, committed together where the backend
        has transactions (one per chunk of an ingest); for each, whether it was stored.

        An article that cannot be stored raises as :meth:`add` does; the articles before it
        stay stored, it and the ones after it are not.
        """
        ...

    def update_annotations(self, items: Sequence[AnnotatedArticle]) -> None:
        """Replace the annotations and sentence vectors of stored articles (the deep pass's);
        texts, metadata and article vectors stay. Raises NotFoundError for an unknown id."""
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

    def update_article(self, article: Article) -> None:
        """Replace an article's metadata (e.g. an inferred date), keeping its annotations.

        Raises NotFoundError if absent; StoreError if the text would change (the annotation
        offsets point into it).
        """
        ...

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Article ids whose title or text match, best first. Query syntax the full-text
        engine rejects is searched as a phrase; search never fails on user input."""
        ...


@runtime_checkable
class StoryPort(Protocol):
    """Stories, their online-clustering states and the redirects of merged ids."""

    def replace_stories(self, stories: Sequence[Story]) -> None:
        """Replace all stories in one transaction (order kept); saved story states go with
        them, redirects from ids that are stories again are dropped. Unknown article ids
        raise NotFoundError and leave the old stories in place."""
        ...

    def stories(self) -> list[Story]:
        """The stories in the order they were given to :meth:`replace_stories`."""
        ...

    def story(self, story_id: str) -> Story:
        """One story; an id merged into another story gives that story (its new id).
        Raises NotFoundError (saying how to list the ids) if absent."""
        ...

    def assign(self, pairs: Sequence[tuple[str, str]], states: Sequence[StoryState] = ()) -> None:
        """In one transaction: put each ``(article_id, story_id)`` in its story (creating
        the story after the existing ones; an article already in another story moves; a
        story lists its articles in ingest order), then save ``states`` (replacing older
        states of the same stories).

        Raises NotFoundError (and changes nothing) for an unknown article id.
        """
        ...

    def merge_stories(self, keep: str, gone: str, state: StoryState | None = None) -> None:
        """Move the articles of ``gone`` into ``keep`` (ingest order), delete ``gone`` (its state
        and cached brief too) and record that ``gone`` now redirects to ``keep``; save
        ``state`` as the state of ``keep`` when given. One transaction.

        Raises NotFoundError if either story is absent; StoreError if they are the same.
        """
        ...

    def resolve(self, story_id: str) -> str:
        """The id ``story_id`` goes by now: itself, or the story it was merged into
        (redirects are followed to the end). Unknown ids come back unchanged."""
        ...

    def story_id_taken(self, story_id: str) -> bool:
        """Whether ``story_id`` names a stored story or a redirect: a new story must not
        take it (two founding articles, one id, would silently merge)."""
        ...

    def redirect_stories(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Record that each ``(gone, keep)``: the id ``gone`` (no longer a story) now
        leads to the story ``keep``; redirects that led to ``gone`` lead to ``keep`` too.
        One transaction. Raises NotFoundError if a ``keep`` is not a stored story."""
        ...

    def story_states(self, ids: Sequence[str] | None = None) -> list[StoryState]:
        """Saved states of all stories, or of those ids that have one, in story order."""
        ...

    def active_stories(self, window: timedelta) -> list[StoryState]:
        """States of the stories active within ``window`` of the latest activity in the
        store (``StoryState.active_at``), plus those with no date at all, in story order."""
        ...

    def closed_stories(self, window: timedelta, limit: int) -> list[StoryState]:
        """States of the stories that went quiet: last active more than ``window`` before
        the latest activity in the store; the ``limit`` most recently active, newest first."""
        ...

    def stateless_stories(self) -> list[str]:
        """Ids of stories with no saved state (written by :meth:`replace_stories`, or by a
        store from before incremental stories): the online clusterer rebuilds them."""
        ...

    def story_index_path(self) -> Path | None:
        """Where the story clusterer's nearest-neighbour index is kept beside this store, or
        None when the store keeps nothing on disk (the index is then rebuilt in memory)."""
        ...


@runtime_checkable
class BriefPort(Protocol):
    """Built briefs, cached per story and the fingerprint of what shaped them."""

    def save_brief(self, story_id: str, fingerprint: str, brief: dict[str, Any]) -> None:
        """Cache a brief (its JSON dict) for a story; the fingerprint names its inputs."""
        ...

    def cached_brief(self, story_id: str, fingerprint: str) -> dict[str, Any] | None:
        """The cached brief if it was saved with this fingerprint, else None."""
        ...


@runtime_checkable
class IngestLogPort(Protocol):
    """What became of every input."""

    def log_outcome(self, outcome: IngestOutcome) -> None:
        """Record what became of one input (where, status, reason, article id, time)."""
        ...

    def outcomes(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest ``limit`` log entries, newest first, as dicts with the keys
        ``time, where, status, reason, article_id, duplicate_of``."""
        ...


@runtime_checkable
class FeedPort(Protocol):
    """The feed watcher's memory: validators, entries seen, failures in a row."""

    def feed_validators(self, feed: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the feed's last complete poll (None, None if none)."""
        ...

    def feed_seen(self, feed: str) -> set[str]:
        """The ids of the feed's entries already handled."""
        ...

    def remember_feed(
        self,
        feed: str,
        entries: Sequence[tuple[str, str, str | None]],
        etag: str | None,
        last_modified: str | None,
        complete: bool,
    ) -> None:
        """Record handled entries ``(entry_id, status, article_id)`` and a successful poll
        (failures reset); the validators too when ``complete`` (otherwise the old ones stay,
        so the next poll reads the feed again). One transaction."""
        ...

    def feed_failed(self, feed: str, error: str) -> int:
        """Count one more failure in a row of the feed; returns the count."""
        ...


@runtime_checkable
class Store(ArticlePort, StoryPort, BriefPort, IngestLogPort, FeedPort, Protocol):
    """Articles with their annotations and embeddings, stories, cached briefs, an ingest log.

    Errors: backend failures raise :class:`~newsweave.errors.StoreError`; unknown ids raise
    :class:`~newsweave.errors.NotFoundError`.
    """

    def info(self) -> StoreInfo:
        """The backend, its location, schema version and counts (:class:`StoreInfo`)."""
        ...

    def close(self) -> None:
        """Release the backend; closing twice is harmless."""
        ...

    def __enter__(self) -> Store:
        """The store itself; ``with open_store(...) as store:`` closes it on the way out."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
