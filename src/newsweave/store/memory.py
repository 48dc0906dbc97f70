"""An in-memory store: the reference backend of the :class:`~newsweave.store.Store` contract.

Everything lives in Python dicts for the life of the object: nothing touches the disk, so it
suits one-off analyses (``newsweave brief PATH``), tests and embedding newsweave in another
program. It passes the same contract suite as the SQLite store (tests/store/test_contract.py),
except what only a file can do (surviving a reopen, migrations).

Example:
    >>> store = MemoryStore()
    >>> store.info()["articles"]
    0
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from newsweave.codec import (
    embedding_from_blob,
    embedding_to_blob,
    sentence_vectors_from_blob,
    sentence_vectors_to_blob,
)
from newsweave.errors import NotFoundError, StoreError
from newsweave.model import AnnotatedArticle, Article, IngestOutcome, Story
from newsweave.store.protocol import StoreInfo, StoryState
from newsweave.store.schema import SCHEMA_VERSION

MEMORY = ":memory:"


@dataclass(slots=True)
class _Feed:
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_error: str | None = None


def _fold(text: str) -> str:
    """Lower case without diacritics, as the SQLite store's full-text index folds text."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    """Folded alphanumeric words; a linear scan, no regular expression."""
    words: list[str] = []
    current: list[str] = []
    for char in _fold(text):
        if char.isalnum():
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _query_groups(query: str) -> list[list[tuple[tuple[str, ...], bool]]]:
    """OR-groups of terms; a term is a phrase (its words in a row) and whether its last word
    is a prefix (``tariff*``). ``AND`` / ``NOT`` / ``NEAR`` read as plain connectives."""
    groups: list[list[tuple[tuple[str, ...], bool]]] = [[]]
    for raw in query.split():
        if raw == "OR":
            groups.append([])
            continue
        if raw in ("AND", "NOT", "NEAR"):
            continue
        words = tuple(_words(raw))
        if words:
            groups[-1].append((words, raw.rstrip("\"')").endswith("*")))
    return [g for g in groups if g]


def _matches(tokens: list[str], phrase: tuple[str, ...], prefix: bool) -> int:
    """How often ``phrase`` occurs in ``tokens``."""
    n, found = len(phrase), 0
    for start in range(len(tokens) - n + 1):
        head = tokens[start : start + n - 1]
        last = tokens[start + n - 1]
        if list(phrase[:-1]) == head and (
            last.startswith(phrase[-1]) if prefix else last == phrase[-1]
        ):
            found += 1
    return found


class MemoryStore:
    """Articles, stories, story states, cached briefs and the ingest log, in memory.

    Args:
        path: a label that ``info()["path"]`` reports (nothing is written there).
    """

    def __init__(self, path: str | Any = MEMORY) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        self._open = True
        self._items: dict[str, AnnotatedArticle] = {}  # insertion order = ingest order
        self._by_hash: dict[str, str] = {}
        self._tokens: dict[str, list[str]] = {}
        self._stories: dict[str, list[str]] = {}  # insertion order = story order
        self._states: dict[str, StoryState] = {}
        self._redirects: dict[str, str] = {}
        self._briefs: dict[str, tuple[str, dict[str, Any]]] = {}
        self._log: list[dict[str, Any]] = []
        self._feeds: dict[str, _Feed] = {}
        self._feed_entries: dict[str, dict[str, tuple[str, str | None]]] = {}

    def __repr__(self) -> str:
        return f"MemoryStore({self.path!r})"

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _use(self, action: str) -> Iterator[None]:
        with self._lock:
            if not self._open:
                raise StoreError(
                    f"cannot {action} the in-memory store: it is closed; "
                    "open a new one with newsweave.store.open_store(':memory:')"
                )
            yield

    def _missing(self, ids: Sequence[str], doing: str) -> None:
        missing = [i for i in ids if i not in self._items]
        if missing:
            raise NotFoundError(
                f"{doing} {len(missing)} article id(s) not in the in-memory store: "
                f"{', '.join(missing[:5])}; add the articles first"
            )

    # --- articles ------------------------------------------------------------------------

    def add(self, item: AnnotatedArticle) -> bool:
        article = item.article
        blob, dim = embedding_to_blob(item.embedding)  # the SQLite store's check and form
        vector = embedding_from_blob(blob, dim)
        with self._use(f"add article {article.article_id} to"):
            if article.content_hash in self._by_hash:
                return False
            if article.article_id in self._items:
                raise StoreError(
                    f"cannot add article {article.article_id} to the in-memory store: that id "
                    "is already stored with a different content hash; derive article ids "
                    "from the content hash"
                )
            stored = replace(item, embedding=vector)
            self._items[article.article_id] = stored
            self._by_hash[article.content_hash] = article.article_id
            self._tokens[article.article_id] = _words(f"{article.title or ''} {article.text}")
        return True

    def add_many(self, items: Sequence[AnnotatedArticle]) -> list[bool]:
        return [self.add(item) for item in items]

    def update_annotations(self, items: Sequence[AnnotatedArticle]) -> None:
        """Replace the annotations and sentence vectors of stored articles (the deep pass's);
        texts, metadata and article vectors stay. All or nothing."""
        with self._use(f"update the annotations of {len(items)} article(s) in"):
            self._missing([i.article_id for i in items], "cannot update the annotations of")
            updated = {}
            for item in items:
                old = self._items[item.article_id]
                blob, rows, dim = sentence_vectors_to_blob(item.sentence_vectors)
                vectors = sentence_vectors_from_blob(blob, rows, dim)  # the SQLite store's form
                updated[item.article_id] = replace(
                    item, article=old.article, embedding=old.embedding, sentence_vectors=vectors
                )
            self._items.update(updated)

    def find_hash(self, content_hash: str) -> str | None:
        with self._use("look up a content hash in"):
            return self._by_hash.get(content_hash)

    def get(self, article_id: str) -> AnnotatedArticle:
        with self._use(f"read article {article_id} from"):
            item = self._items.get(article_id)
        if item is None:
            raise NotFoundError(
                f"no article {article_id!r} in the in-memory store; check the id, or ingest "
                "the article first"
            )
        return item

    def articles(self, ids: Sequence[str] | None = None) -> list[AnnotatedArticle]:
        with self._use("read articles from"):
            if ids is None:
                return list(self._items.values())
            wanted = set(ids)
            self._missing(sorted(wanted), "cannot read")
            return [item for aid, item in self._items.items() if aid in wanted]

    def article_count(self) -> int:
        with self._use("count the articles in"):
            return len(self._items)

    def update_article(self, article: Article) -> None:
        with self._use(f"update article {article.article_id} in"):
            old = self._items.get(article.article_id)
            if old is None:
                raise NotFoundError(
                    f"no article {article.article_id!r} in the in-memory store; add it before "
                    "updating it"
                )
            if old.article.content_hash != article.content_hash or old.article.text != article.text:
                raise StoreError(
                    f"cannot update article {article.article_id}: its text or content hash "
                    "differs from the stored one, and the annotations point into that text; "
                    "ingest the new text as a new article instead"
                )
            self._items[article.article_id] = replace(old, article=article)
            self._tokens[article.article_id] = _words(f"{article.title or ''} {article.text}")

    def search(self, query: str, limit: int = 20) -> list[str]:
        with self._use("search"):
            groups = _query_groups(query)
            if not groups or limit <= 0:
                return []
            scored: list[tuple[float, int, str]] = []
            for order, (aid, tokens) in enumerate(self._tokens.items()):
                best = 0.0
                for group in groups:
                    counts = [_matches(tokens, phrase, prefix) for phrase, prefix in group]
                    if all(counts):
                        best = max(best, sum(counts) / (len(tokens) or 1))
                if best > 0:
                    scored.append((-best, order, aid))
        return [aid for _, _, aid in sorted(scored)[:limit]]

    # --- stories -------------------------------------------------------------------------

    def replace_stories(self, stories: Sequence[Story]) -> None:
        ids = [s.story_id for s in stories]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise StoreError(
                f"cannot replace the stories in the in-memory store: story id {dup!r} appears "
                "twice; give each story one id"
            )
        for s in stories:
            if len(set(s.article_ids)) != len(s.article_ids):
                raise StoreError(
                    f"cannot replace the stories in the in-memory store: story {s.story_id!r} "
                    "lists an article twice"
                )
        with self._use("replace the stories in"):
            self._missing(sorted({a for s in stories for a in s.article_ids}), "stories refer to")
            self._stories = {s.story_id: list(s.article_ids) for s in stories}
            self._states = {}
            for sid in ids:
                self._redirects.pop(sid, None)

    def stories(self) -> list[Story]:
        with self._use("read stories from"):
            return [Story(sid, tuple(members)) for sid, members in self._stories.items()]

    def story(self, story_id: str) -> Story:
        with self._use("read stories from"):
            sid = self.resolve(story_id)
            members = self._stories.get(sid)
        if members is None:
            raise NotFoundError(
                f"no story {story_id!r} in the in-memory store; newsweave stories lists the ids"
            )
        return Story(sid, tuple(members))

    def _ensure_story(self, story_id: str) -> list[str]:
        self._redirects.pop(story_id, None)  # an id that is a story again no longer redirects
        return self._stories.setdefault(story_id, [])

    def _ingest_ordered(self, members: Sequence[str]) -> list[str]:
        wanted = set(members)
        return [aid for aid in self._items if aid in wanted]

    def assign(self, pairs: Sequence[tuple[str, str]], states: Sequence[StoryState] = ()) -> None:
        with self._use("assign articles to stories in"):
            self._missing(sorted({a for a, _ in pairs}), "cannot assign")
            for article_id, story_id in pairs:
                for members in self._stories.values():
                    if article_id in members:
                        members.remove(article_id)
                members = self._ensure_story(story_id)
                members.append(article_id)
                self._stories[story_id] = self._ingest_ordered(members)
            for state in states:
                self._ensure_story(state.story_id)
                self._states[state.story_id] = state

    def merge_stories(self, keep: str, gone: str, state: StoryState | None = None) -> None:
        if keep == gone:
            raise StoreError(
                f"cannot merge story {keep!r} into itself in the in-memory store; give two "
                "different story ids"
            )
        with self._use(f"merge story {gone} into {keep} in"):
            for sid in (keep, gone):
                if sid not in self._stories:
                    raise NotFoundError(
                        f"cannot merge: no story {sid!r} in the in-memory store; "
                        "newsweave stories lists the ids"
                    )
            moved = self._stories.pop(gone)
            self._stories[keep] = self._ingest_ordered([*self._stories[keep], *moved])
            self._states.pop(gone, None)
            self._briefs.pop(gone, None)
            for old, target in list(self._redirects.items()):
                if target == gone:
                    self._redirects[old] = keep
            self._redirects[gone] = keep
            if state is not None:
                self._states[keep] = state

    def resolve(self, story_id: str) -> str:
        with self._use("resolve a story id in"):
            return self._redirects.get(story_id, story_id)

    def story_id_taken(self, story_id: str) -> bool:
        with self._use("look up a story id in"):
            return story_id in self._stories or story_id in self._redirects

    def redirect_stories(self, pairs: Sequence[tuple[str, str]]) -> None:
        with self._use("record story redirects in"):
            for gone, keep in pairs:
                if keep not in self._stories:
                    raise NotFoundError(
                        f"cannot redirect {gone!r}: no story {keep!r} in the in-memory store; "
                        "newsweave stories lists the ids"
                    )
            for gone, keep in pairs:
                if gone == keep:
                    continue
                for old, target in list(self._redirects.items()):
                    if target == gone:
                        self._redirects[old] = keep
                self._redirects[gone] = keep

    def story_states(self, ids: Sequence[str] | None = None) -> list[StoryState]:
        with self._use("read story states from"):
            wanted = None if ids is None else set(ids)
            return [
                self._states[sid]
                for sid in self._stories
                if sid in self._states and (wanted is None or sid in wanted)
            ]

    def active_stories(self, window: timedelta) -> list[StoryState]:
        states = self.story_states()
        known = [s.active_at for s in states if s.active_at is not None]
        if not known:
            return states
        try:
            since = max(_utc(t) for t in known) - window
        except OverflowError:  # a window reaching before year 1: every story is active
            return states
        return [s for s in states if s.active_at is None or _utc(s.active_at) >= since]

    def closed_stories(self, window: timedelta, limit: int) -> list[StoryState]:
        states = self.story_states()
        known = [s for s in states if s.active_at is not None]
        if limit <= 0 or not known:
            return []
        try:
            before = max(_utc(s.active_at) for s in known if s.active_at) - window
        except OverflowError:  # latest activity in year 1: no story is older than that
            return []
        old = [s for s in known if s.active_at is not None and _utc(s.active_at) < before]
        old.sort(key=lambda s: _utc(s.active_at) if s.active_at else before, reverse=True)
        return old[:limit]

    def stateless_stories(self) -> list[str]:
        with self._use("read stories from"):
            return [sid for sid in self._stories if sid not in self._states]

    # --- briefs and the ingest log -------------------------------------------------------

    def save_brief(self, story_id: str, fingerprint: str, brief: dict[str, Any]) -> None:
        with self._use(f"save the brief of story {story_id} in"):
            self._briefs[story_id] = (fingerprint, brief)

    def cached_brief(self, story_id: str, fingerprint: str) -> dict[str, Any] | None:
        with self._use(f"read the brief of story {story_id} from"):
            saved = self._briefs.get(story_id)
        if saved is None or saved[0] != fingerprint:
            return None
        return saved[1]

    def log_outcome(self, outcome: IngestOutcome) -> None:
        with self._use("log an ingest outcome in"):
            self._log.append(
                {
                    "time": datetime.now(UTC).isoformat(),
                    "where": outcome.where,
                    "status": outcome.status.value,
                    "reason": outcome.reason,
                    "article_id": outcome.article.article_id if outcome.article else None,
                    "duplicate_of": outcome.duplicate_of,
                }
            )

    def outcomes(self, limit: int = 100) -> list[dict[str, Any]]:
        with self._use("read the ingest log of"):
            return [dict(entry) for entry in reversed(self._log)][: max(limit, 0)]

    # --- the feed watcher's memory --------------------------------------------------------

    def feed_validators(self, feed: str) -> tuple[str | None, str | None]:
        with self._use("read the feed state of"):
            state = self._feeds.get(feed)
        return (state.etag, state.last_modified) if state else (None, None)

    def feed_seen(self, feed: str) -> set[str]:
        with self._use("read the feed entries of"):
            return set(self._feed_entries.get(feed, {}))

    def remember_feed(
        self,
        feed: str,
        entries: Sequence[tuple[str, str, str | None]],
        etag: str | None,
        last_modified: str | None,
        complete: bool,
    ) -> None:
        with self._use("record the feed entries in"):
            known = self._feed_entries.setdefault(feed, {})
            for entry_id, status, article_id in entries:
                known[entry_id] = (status, article_id)
            state = self._feeds.setdefault(feed, _Feed())
            state.failures = 0
            if complete:
                state.etag, state.last_modified = etag, last_modified

    def feed_failed(self, feed: str, error: str) -> int:
        with self._use("record a feed failure in"):
            state = self._feeds.setdefault(feed, _Feed())
            state.failures += 1
            state.last_error = error
            return state.failures

    def story_index_path(self) -> Path | None:
        return None  # nothing on disk: the clusterer keeps its index in memory

    def info(self) -> StoreInfo:
        with self._use("describe"):
            return StoreInfo(
                backend="memory",
                path=self.path,
                schema_version=SCHEMA_VERSION,
                articles=len(self._items),
                stories=len(self._stories),
                briefs=len(self._briefs),
                outcomes=len(self._log),
                annotation_errors=sum(1 for item in self._items.values() if item.errors),
            )

    def close(self) -> None:
        with self._lock:
            self._open = False


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
