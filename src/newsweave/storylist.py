"""The story list: one row per story, for ``newsweave stories`` and ``GET /api/stories``
(filtered and paged there).

Building a row needs every article of the story (headline, sources, dates, entities), which is
too slow to redo per request on a large store; the rows are kept and rebuilt only when the
store's stories or article count change (another process ingesting included). A brief built
through the API updates its row's headline in place.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.brief.view import REPRINT_SHARE
from newsweave.fuse.readable import reader_names
from newsweave.model import AnnotatedArticle, DateOrigin
from newsweave.store import Store

if TYPE_CHECKING:
    from newsweave.config import Settings

__all__ = ["StoryEntry", "StoryIndex", "StoryQuery", "page_of_stories"]

_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"})
_SHOWN_ENTITIES = 8
_SEARCH_DEPTH = 2000  # articles considered for a full-text query


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """One story as the list shows it; ``fingerprint`` keys its cached brief."""

    story_id: str
    headline: str
    article_ids: tuple[str, ...]
    sources: tuple[str, ...]
    first: datetime | None
    last: datetime | None
    entities: tuple[str, ...]  # most mentioned first
    fingerprint: str
    lede: str | None = None
    independent: int | None = None  # None until the brief is built
    discrepancies: int | None = None
    built: bool = False

    def to_dict(self, matches: int | None = None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "story_id": self.story_id,
            "headline": self.headline,
            "lede": self.lede,
            "articles": len(self.article_ids),
            "sources": list(self.sources),
            "independent": self.independent,
            "discrepancies": self.discrepancies,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "entities": list(self.entities[:_SHOWN_ENTITIES]),
            "built": self.built,
        }
        if matches is not None:
            row["matches"] = matches
        return row


def _independent(brief: dict[str, Any], lengths: dict[str, int]) -> int:
    """Articles that are not reprints: at most half their text repeats other sources
    (``newsweave.brief.view.REPRINT_SHARE``, as the brief's renderers count it)."""
    reprints = 0
    for source in brief.get("sources") or ():
        copied = sum(int(c.get("chars", 0)) for c in source.get("copies") or ())
        length = lengths.get(str(source.get("article_id")), 0)
        if length and copied >= REPRINT_SHARE * length:
            reprints += 1
    return max(1, len(brief.get("articles") or ()) - reprints)


def _built(entry: StoryEntry, brief: dict[str, Any], lengths: dict[str, int]) -> StoryEntry:
    """``entry`` with what its brief says: headline, lede, independent sources, disputes."""
    summary = brief.get("summary") or ()
    return replace(
        entry,
        headline=str(brief.get("headline") or entry.headline),
        lede=str(summary[0]["text"]) if summary else entry.lede,
        independent=_independent(brief, lengths),
        discrepancies=len(brief.get("discrepancies") or ()),
        built=True,
    )


def _entry(
    store: Store, story_id: str, items: Sequence[AnnotatedArticle], settings: Settings | None
) -> StoryEntry:
    from newsweave.pipeline import story_fingerprint  # imported late: it brings in spaCy

    fingerprint = story_fingerprint(items, settings)
    cached = store.cached_brief(story_id, fingerprint)
    from newsweave.brief.headline import choose_headline

    # the brief's own rule, so the index shows what the brief will (no dateline); the lede
    # is the first other sentence of the article the headline comes from
    chosen = choose_headline(items) if items else None
    headline = chosen.text if chosen is not None else ""
    lead = next((i for i in items if chosen and i.article_id == chosen.article_id), None)
    lead = lead or (items[0] if items else None)
    lede = None
    if lead is not None:
        lede = next((x.text for x in lead.sentences if " ".join(x.text.split()) != headline), None)
    dates = sorted(
        i.article.published
        for i in items
        if i.article.published and i.article.date_origin != DateOrigin.UNKNOWN
    )
    sources = tuple(
        dict.fromkeys(i.article.source or Path(i.article.path or "?").name for i in items)
    )
    names = Counter(e.canonical for i in items for e in i.entities if e.label in _NAMED)
    entry = StoryEntry(
        story_id,
        headline,
        tuple(i.article_id for i in items),
        sources,
        dates[0] if dates else None,
        dates[-1] if dates else None,
        tuple(reader_names(name for name, _ in names.most_common())),
        fingerprint,
        lede=lede,
    )
    if cached is None:
        return entry
    return _built(entry, cached, {i.article_id: len(i.article.text) for i in items})


class StoryIndex:
    """The rows of every stored story, rebuilt when the store's stories change."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings  # the brief cache is keyed by them too
        self._lock = threading.Lock()
        self._key: object = None
        self._entries: list[StoryEntry] = []

    def entries(self) -> list[StoryEntry]:
        stories = self.store.stories()
        key = (self.store.article_count(), tuple((s.story_id, s.article_ids) for s in stories))
        with self._lock:
            if key == self._key:
                return self._entries
        items = self.store.articles()  # in ingest order, as stored_brief fingerprints them
        position = {i.article_id: n for n, i in enumerate(items)}
        entries = [
            _entry(
                self.store,
                s.story_id,
                [items[position[a]] for a in sorted(s.article_ids, key=lambda a: position[a])],
                self.settings,
            )
            for s in stories
        ]
        with self._lock:
            self._key, self._entries = key, entries
        return entries

    def get(self, story_id: str) -> StoryEntry | None:
        return next((e for e in self.entries() if e.story_id == story_id), None)

    def refresh(self, story_id: str, brief: dict[str, Any]) -> None:
        """Update a story's row from its newly built brief."""
        entry = self.get(story_id)
        if entry is None:
            return
        lengths = {
            i.article_id: len(i.article.text) for i in self.store.articles(list(entry.article_ids))
        }
        updated = _built(entry, brief, lengths)
        with self._lock:
            self._entries = [updated if e.story_id == story_id else e for e in self._entries]


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """Filters of the story list. Text filters are case-insensitive substrings; a story
    matches the date range when its dated articles overlap it (undated stories never do)."""

    q: str | None = None
    since: date | None = None
    until: date | None = None
    source: str | None = None
    entity: str | None = None
    limit: int = 20
    offset: int = 0


def _matches(entry: StoryEntry, query: StoryQuery) -> bool:
    if query.since and (entry.last is None or entry.last.date() < query.since):
        return False
    if query.until and (entry.first is None or entry.first.date() > query.until):
        return False
    if query.source:
        wanted = query.source.casefold()
        if not any(wanted in s.casefold() for s in entry.sources):
            return False
    if query.entity:
        wanted = query.entity.casefold()
        if not any(wanted in name.casefold() for name in entry.entities):
            return False
    return True


def page_of_stories(index: StoryIndex, query: StoryQuery) -> dict[str, Any]:
    """``{"stories": [...], "total", "limit", "offset", "next_offset"}``, newest first.

    With ``q``, stories holding a matching article come first by their best hit (BM25), and
    each row says how many of its articles match.
    """
    # Newest first; undated stories last, in store order.
    entries = sorted(
        (e for e in index.entries() if _matches(e, query)),
        key=lambda e: -e.last.timestamp() if e.last else float("inf"),
    )
    counts: dict[str, int] | None = None
    if query.q and query.q.strip():
        rank = {a: n for n, a in enumerate(index.store.search(query.q, limit=_SEARCH_DEPTH))}
        scored = []
        counts = {}
        for entry in entries:
            hits = [rank[a] for a in entry.article_ids if a in rank]
            if hits:
                scored.append((min(hits), entry))
                counts[entry.story_id] = len(hits)
        entries = [e for _, e in sorted(scored, key=lambda pair: pair[0])]
    total = len(entries)
    window = entries[query.offset : query.offset + query.limit]
    end = query.offset + len(window)
    return {
        "stories": [e.to_dict(None if counts is None else counts[e.story_id]) for e in window],
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "next_offset": end if end < total else None,
    }
