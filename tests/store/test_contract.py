"""The contract every store backend meets: one suite, run against each entry of BACKENDS.

To add a backend, add a :class:`Backend` entry: how to open it at a path, and how to make the
file at that path look like it came from a newer newsweave.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.errors import InputError, NotFoundError, StoreError
from newsweave.model import (
    AnnotatedArticle,
    Article,
    DateOrigin,
    EntityMention,
    IngestOutcome,
    IngestStatus,
    Precision,
    Quantity,
    Quote,
    Sentence,
    Span,
    Story,
    Tense,
    TimeExpr,
)
from newsweave.store import SCHEMA_VERSION, SQLiteStore, Store, StoryState
from newsweave.store.memory import MemoryStore


@dataclass(frozen=True)
class Backend:
    name: str
    open: Callable[[Path], Store]
    stamp_newer: Callable[[Path], None] | None = None
    """None for a backend that keeps nothing on disk (no reopening, no migrations)."""


def _sqlite_stamp_newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1:d}")
    conn.close()


BACKENDS = [Backend("sqlite", SQLiteStore, _sqlite_stamp_newer), Backend("memory", MemoryStore)]
DURABLE = [b for b in BACKENDS if b.stamp_newer is not None]


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.param
    return chosen


@pytest.fixture(params=DURABLE, ids=lambda b: b.name)
def durable(request: pytest.FixtureRequest) -> Backend:
    """Backends that keep their data in a file: reopening, migrations, versions."""
    chosen: Backend = request.param
    return chosen


@pytest.fixture
def store(backend: Backend, tmp_path: Path) -> Iterator[Store]:
    opened = backend.open(tmp_path / "store.db")
    yield opened
    opened.close()


# --- test articles, built directly from the model --------------------------------------


def make(text: str, title: str | None = None, dim: int = 4, **fields: object) -> AnnotatedArticle:
    """An annotated article whose id and hash derive from its text, like ingest does."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    article = Article(article_id=digest[:16], text=text, content_hash=digest, title=title, **fields)  # type: ignore[arg-type]
    aid = article.article_id
    first = text.split(".")[0]
    return AnnotatedArticle(
        article=article,
        sentences=(Sentence(Span(aid, 0, len(first)), first),),
        entities=(EntityMention(Span(aid, 0, 3), text[:3], "PERSON", "Ada Vale", "envoy"),),
        quotes=(Quote(Span(aid, 1, 4), text[1:4], "Ada Vale", None, "said"),),
        quantities=(Quantity(Span(aid, 0, 2), text[:2], 145.0, "percent", "up to", "tariffs"),),
        times=(TimeExpr(Span(aid, 0, 1), text[:1], None, None, Precision.WEEK, Tense.FUTURE),),
        embedding=np.arange(dim, dtype=np.float32) / (len(text) or 1),
    )


def assert_same(a: AnnotatedArticle, b: AnnotatedArticle) -> None:
    assert a == b  # the embedding is excluded from dataclass equality
    assert b.embedding.dtype == np.float32
    np.testing.assert_array_equal(a.embedding, b.embedding)


PUBLISHED = datetime(2025, 10, 26, 9, 0, tzinfo=timezone(timedelta(hours=8)))
A = make(
    "Trade envoys met in Kuala Lumpur. Tariffs paused.",
    "Envoys meet",
    source="Wire",
    published=PUBLISHED,
    date_origin=DateOrigin.HEADER,
    url="https://example.org/a",
)
B = make("Soybean purchases resume after the Zürich summit.", "Soybeans back")
C = make("A quiet weekend for the markets.", None)


# --- articles --------------------------------------------------------------------------


def test_add_then_get_returns_an_equal_article(store: Store) -> None:
    assert store.add(A) is True
    assert_same(A, store.get(A.article_id))
    assert store.find_hash(A.article.content_hash) == A.article_id
    assert store.article_count() == 1


def test_add_is_idempotent_on_the_content_hash(store: Store) -> None:
    assert store.add(A) is True
    assert store.add(A) is False
    renamed = replace(A, article=replace(A.article, article_id="other-id", title="Again"))
    assert store.add(renamed) is False
    assert store.article_count() == 1
    assert store.get(A.article_id).article.title == "Envoys meet"


def test_unknown_ids_and_hashes(store: Store) -> None:
    assert store.find_hash("nope") is None
    with pytest.raises(NotFoundError, match="'nope'"):
        store.get("nope")
    with pytest.raises(LookupError):
        store.get("nope")


def test_articles_come_back_in_ingest_order(store: Store) -> None:
    for item in (C, A, B):
        store.add(item)
    assert [a.article_id for a in store.articles()] == [C.article_id, A.article_id, B.article_id]
    subset = store.articles([B.article_id, C.article_id, B.article_id])
    assert [a.article_id for a in subset] == [C.article_id, B.article_id]
    assert_same(B, subset[1])
    assert store.articles([]) == []
    with pytest.raises(NotFoundError, match="missing-one"):
        store.articles([A.article_id, "missing-one"])


@pytest.mark.parametrize(
    "embedding",
    [np.array(["0.1", "0.2"]), np.zeros((2, 2), dtype=np.float32), [0.1, 0.2]],
    ids=["strings", "matrix", "list"],
)
def test_a_failed_add_leaves_nothing_behind(store: Store, embedding: object) -> None:
    store.add(A)
    broken = replace(B, embedding=embedding)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="1-D numeric"):
        store.add(broken)
    assert store.article_count() == 1
    assert store.find_hash(B.article.content_hash) is None
    assert store.search("soybean") == []
    with pytest.raises(NotFoundError):
        store.get(B.article_id)
    assert store.add(B) is True  # the same article goes in once it is whole
    assert_same(B, store.get(B.article_id))


def test_add_many_stores_a_chunk_and_says_which_were_new(store: Store) -> None:
    store.add(A)
    twin = replace(C, article=replace(C.article, article_id="twin-of-c"))
    assert store.add_many([B, A, C, twin]) == [True, False, True, False]
    assert store.add_many([]) == []
    assert [a.article_id for a in store.articles()] == [A.article_id, B.article_id, C.article_id]
    assert_same(C, store.get(C.article_id))
    assert store.find_hash(twin.article.content_hash) == C.article_id


def test_add_many_keeps_the_articles_before_a_failing_one(store: Store) -> None:
    broken = replace(B, embedding=np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(InputError, match="1-D numeric"):
        store.add_many([A, broken, C])
    assert [a.article_id for a in store.articles()] == [A.article_id]
    assert store.find_hash(B.article.content_hash) is None
    assert store.find_hash(C.article.content_hash) is None
    assert store.search("soybean") == []
    clash = replace(C, article=replace(C.article, article_id=A.article_id))
    with pytest.raises(StoreError, match="already stored with a different content hash"):
        store.add_many([B, clash, C])
    assert [a.article_id for a in store.articles()] == [A.article_id, B.article_id]
    assert store.add_many([C]) == [True]
    assert store.article_count() == 3


def test_update_article_keeps_the_annotations(store: Store) -> None:
    store.add(B)
    inferred = datetime(2025, 10, 27, tzinfo=UTC)
    updated = replace(
        B.article, published=inferred, date_origin=DateOrigin.INFERRED, title="Soybean deal"
    )
    store.update_article(updated)
    got = store.get(B.article_id)
    assert got.article == updated
    assert got.sentences == B.sentences and got.quotes == B.quotes
    np.testing.assert_array_equal(got.embedding, B.embedding)
    assert store.search("deal") == [B.article_id]
    assert store.search("soybeans") == []  # the old title left the index


def test_update_article_refuses_new_text_and_unknown_ids(store: Store) -> None:
    store.add(B)
    with pytest.raises(StoreError, match="annotations point into that text"):
        store.update_article(replace(B.article, text="Different text."))
    with pytest.raises(NotFoundError):
        store.update_article(A.article)
    assert store.get(B.article_id).article == B.article


# --- stories and briefs ----------------------------------------------------------------


def test_stories_are_replaced_whole_and_keep_their_order(store: Store) -> None:
    for item in (A, B, C):
        store.add(item)
    first = [Story("s2", (B.article_id, A.article_id)), Story("s1", (C.article_id,))]
    store.replace_stories(first)
    assert store.stories() == first
    assert store.story("s1") == first[1]
    second = [Story("s3", (A.article_id, B.article_id, C.article_id)), Story("empty", ())]
    store.replace_stories(second)
    assert store.stories() == second
    with pytest.raises(NotFoundError, match="newsweave stories lists the ids"):
        store.story("s1")
    store.replace_stories([])
    assert store.stories() == []


def test_stories_with_unknown_articles_leave_the_old_ones(store: Store) -> None:
    store.add(A)
    store.replace_stories([Story("s1", (A.article_id,))])
    with pytest.raises(NotFoundError, match="ghost"):
        store.replace_stories([Story("s2", (A.article_id,)), Story("s3", ("ghost",))])
    with pytest.raises(StoreError, match="appears twice"):
        store.replace_stories([Story("s1", ()), Story("s1", ())])
    assert store.stories() == [Story("s1", (A.article_id,))]


def test_briefs_are_cached_per_fingerprint(store: Store) -> None:
    brief = {"story_id": "s1", "headline": "Zölle gesenkt — 145%", "facts": [{"n": 1.5}]}
    assert store.cached_brief("s1", "f1") is None
    store.save_brief("s1", "f1", brief)
    assert store.cached_brief("s1", "f1") == brief
    assert store.cached_brief("s1", "f2") is None
    store.save_brief("s1", "f2", {**brief, "headline": "new"})
    assert store.cached_brief("s1", "f1") is None
    assert store.cached_brief("s1", "f2") == {**brief, "headline": "new"}
    assert store.info()["briefs"] == 1


# --- ingest log, search, info, lifecycle -----------------------------------------------


def test_outcomes_are_logged_newest_first(store: Store) -> None:
    store.add(A)
    store.log_outcome(IngestOutcome("a.txt", IngestStatus.INGESTED, article=A.article))
    store.log_outcome(
        IngestOutcome(
            "copy.txt", IngestStatus.DUPLICATE, article=A.article, duplicate_of=A.article_id
        )
    )
    store.log_outcome(
        IngestOutcome("feed.xml entry 2", IngestStatus.REJECTED, reason="no article text found")
    )
    log = store.outcomes()
    assert [e["where"] for e in log] == ["feed.xml entry 2", "copy.txt", "a.txt"]
    assert log[0] == {
        "time": log[0]["time"],
        "where": "feed.xml entry 2",
        "status": "rejected",
        "reason": "no article text found",
        "article_id": None,
        "duplicate_of": None,
    }
    assert log[1]["duplicate_of"] == A.article_id and log[2]["article_id"] == A.article_id
    assert datetime.fromisoformat(log[0]["time"]).tzinfo is not None
    assert len(store.outcomes(limit=2)) == 2
    assert store.outcomes(limit=0) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kuala", ["A"]),
        ("envoys", ["A"]),  # title
        ("tariff*", ["A"]),
        ("zurich", ["B"]),  # diacritics folded
        ("soybean OR markets", ["B", "C"]),
        ("Kuala-Lumpur", ["A"]),  # not FTS syntax: searched as a phrase
        ('"paused', ["A"]),
        ("weekend:", ["C"]),
        ("nothing-here", []),
        ("", []),
    ],
)
def test_search(store: Store, query: str, expected: list[str]) -> None:
    names = {A.article_id: "A", B.article_id: "B", C.article_id: "C"}
    for item in (A, B, C):
        store.add(item)
    assert sorted(names[i] for i in store.search(query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "AND",
        "(",
        ")",
        "*",
        "NEAR(",
        "-",
        "title:",
        '"',
        "a AND",
        "^",
        "x OR OR y",
        "\x00",
        "😀",
        "col:x",
        "'; DROP TABLE articles; --",
    ],
)
def test_search_never_fails_on_user_input(store: Store, query: str) -> None:
    store.add(A)
    assert isinstance(store.search(query), list)
    assert store.article_count() == 1


def test_search_never_fails_on_any_text(store: Store) -> None:
    store.add(A)

    @given(st.text(max_size=30))
    @settings(max_examples=200, deadline=None)
    def search_any(query: str) -> None:
        assert isinstance(store.search(query), list)

    search_any()


def test_search_respects_the_limit(store: Store) -> None:
    for n in range(5):
        store.add(make(f"Tariff story number {n}."))
    assert len(store.search("tariff", limit=3)) == 3
    assert store.search("tariff", limit=0) == []


def test_info_reports_path_version_and_counts(store: Store, tmp_path: Path) -> None:
    store.add(A)
    store.replace_stories([Story("s1", (A.article_id,))])
    info = store.info()
    assert info["path"] == str(tmp_path / "store.db")
    assert info["schema_version"] == SCHEMA_VERSION
    assert (info["articles"], info["stories"], info["briefs"], info["outcomes"]) == (1, 1, 0, 0)


def test_closed_store_says_so(backend: Backend, tmp_path: Path) -> None:
    opened = backend.open(tmp_path / "s.db")
    opened.close()
    opened.close()  # harmless
    with pytest.raises(StoreError, match="closed"):
        opened.article_count()


def test_everything_survives_reopening(durable: Backend, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = durable.open(path)
    first.add(A)
    first.replace_stories([Story("s1", (A.article_id,))])
    first.save_brief("s1", "f", {"headline": "h"})
    first.close()
    second = durable.open(path)
    assert_same(A, second.get(A.article_id))
    assert second.stories() == [Story("s1", (A.article_id,))]
    assert second.cached_brief("s1", "f") == {"headline": "h"}
    assert second.search("kuala") == [A.article_id]
    second.close()


def test_an_empty_v0_file_is_migrated(durable: Backend, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    opened = durable.open(path)
    assert opened.info()["schema_version"] == SCHEMA_VERSION
    assert opened.add(A) is True
    opened.close()


def test_a_store_from_a_newer_version_is_refused(durable: Backend, tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    durable.open(path).close()
    assert durable.stamp_newer is not None
    durable.stamp_newer(path)
    with pytest.raises(StoreError, match=r"newer than the \d+ this newsweave understands"):
        durable.open(path)


# --- property: re-adding never duplicates ----------------------------------------------


@given(st.lists(st.text(alphabet="ab .", min_size=1, max_size=6), min_size=1, max_size=12))
@settings(max_examples=25, deadline=None)
def test_adding_twice_stores_each_distinct_text_once(texts: list[str]) -> None:
    items = [make(t) for t in texts]
    for backend in BACKENDS:
        with tempfile.TemporaryDirectory() as folder:
            opened = backend.open(Path(folder) / "p.db")
            added = [opened.add(item) for item in items + items]
            distinct = {t for t in texts}
            assert opened.article_count() == len(distinct) == sum(added)
            assert [a.article.text for a in opened.articles()] == list(dict.fromkeys(texts))
            opened.close()


# --- incremental stories ----------------------------------------------------------------


def state(story_id: str, born: int, size: int = 1, day: int | None = 26) -> StoryState:
    moment = None if day is None else datetime(2025, 10, day, tzinfo=UTC)
    return StoryState(
        story_id,
        born,
        size,
        np.full(4, float(size), dtype=np.float32),
        {"vale": 1.0 * size, "kuala lumpur": 0.3},
        moment,
        moment,
        moment,
    )


def test_assign_appends_articles_and_saves_states(store: Store) -> None:
    for item in (A, B, C):
        store.add(item)
    store.assign([(A.article_id, "s1"), (B.article_id, "s2")], [state("s1", 0), state("s2", 1)])
    store.assign([(C.article_id, "s1")], [state("s1", 0, size=2)])
    assert store.stories() == [
        Story("s1", (A.article_id, C.article_id)),
        Story("s2", (B.article_id,)),
    ]
    got = {s.story_id: s for s in store.story_states()}
    assert got["s1"].size == 2 and got["s1"].keys == {"vale": 2.0, "kuala lumpur": 0.3}
    np.testing.assert_array_equal(got["s1"].vector_sum, np.full(4, 2.0, dtype=np.float32))
    assert got["s2"].first == datetime(2025, 10, 26, tzinfo=UTC)
    assert [s.story_id for s in store.story_states(["s2", "nope"])] == ["s2"]
    assert store.stateless_stories() == []
    store.assign([(C.article_id, "s2")])  # an article lives in one story: it moves
    assert store.story("s2").article_ids == (B.article_id, C.article_id)
    assert store.story("s1").article_ids == (A.article_id,)


def test_taken_ids_and_redirects_of_replaced_ids(store: Store) -> None:
    for item in (A, B):
        store.add(item)
    store.assign([(A.article_id, "old"), (B.article_id, "young")])
    store.merge_stories("old", "young")
    assert store.story_id_taken("old") and store.story_id_taken("young")
    assert not store.story_id_taken("never")
    store.replace_stories([Story("new", (A.article_id, B.article_id))])
    store.redirect_stories([("old", "new")])  # and "young", which led to "old", follows
    assert store.resolve("old") == "new" and store.resolve("young") == "new"
    assert store.story("young") == Story("new", (A.article_id, B.article_id))
    with pytest.raises(NotFoundError, match="'gone'"):
        store.redirect_stories([("x", "gone")])


def test_assign_with_an_unknown_article_changes_nothing(store: Store) -> None:
    store.add(A)
    with pytest.raises(NotFoundError, match="ghost"):
        store.assign([(A.article_id, "s1"), ("ghost", "s1")], [state("s1", 0)])
    assert store.stories() == [] and store.story_states() == []


def test_merge_moves_articles_and_redirects(store: Store) -> None:
    for item in (A, B, C):
        store.add(item)
    store.assign(
        [(A.article_id, "old"), (B.article_id, "young"), (C.article_id, "third")],
        [state("old", 0), state("young", 1), state("third", 2)],
    )
    store.save_brief("young", "f", {"headline": "h"})
    store.merge_stories("old", "young", state("old", 0, size=2))
    assert store.story("young") == Story("old", (A.article_id, B.article_id))
    assert store.resolve("young") == "old" and store.resolve("old") == "old"
    assert store.resolve("never") == "never"
    assert store.cached_brief("young", "f") is None
    assert [s.story_id for s in store.story_states()] == ["old", "third"]
    store.merge_stories("third", "old")  # redirects follow to the end of the chain
    assert store.resolve("young") == "third"
    assert store.story("young").article_ids == (A.article_id, B.article_id, C.article_id)
    with pytest.raises(NotFoundError, match="'old'"):
        store.merge_stories("old", "third")
    with pytest.raises(StoreError, match="into itself"):
        store.merge_stories("third", "third")
    assert store.info()["stories"] == 1


def test_active_stories_keep_the_window(store: Store) -> None:
    for item in (A, B, C):
        store.add(item)
    store.assign(
        [(A.article_id, "early"), (B.article_id, "late"), (C.article_id, "undated")],
        [state("early", 0, day=1), state("late", 1, day=20), state("undated", 2, day=None)],
    )
    recent = store.active_stories(timedelta(days=7))
    assert [s.story_id for s in recent] == ["late", "undated"]
    everything = store.active_stories(timedelta(days=30))
    assert [s.story_id for s in everything] == ["early", "late", "undated"]


def test_closed_stories_are_the_most_recently_quiet_ones(store: Store) -> None:
    items = (A, B, C)
    for item in items:
        store.add(item)
    store.assign(
        [(A.article_id, "first"), (B.article_id, "second"), (C.article_id, "latest")],
        [state("first", 0, day=1), state("second", 1, day=5), state("latest", 2, day=20)],
    )
    week = timedelta(days=7)
    assert [s.story_id for s in store.closed_stories(week, 10)] == ["second", "first"]
    assert [s.story_id for s in store.closed_stories(week, 1)] == ["second"]
    assert store.closed_stories(week, 0) == []
    assert store.closed_stories(timedelta(days=30), 10) == []


def test_replaced_stories_lose_their_states(store: Store) -> None:
    store.add(A)
    store.assign([(A.article_id, "s1")], [state("s1", 0)])
    store.replace_stories([Story("s2", (A.article_id,))])
    assert store.story_states() == [] and store.stateless_stories() == ["s2"]


def test_story_states_survive_reopening(durable: Backend, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = durable.open(path)
    first.add(A)
    first.add(B)
    first.assign([(A.article_id, "s1"), (B.article_id, "s2")], [state("s1", 0), state("s2", 1)])
    first.merge_stories("s1", "s2", state("s1", 0, size=2))
    first.close()
    second = durable.open(path)
    assert second.story("s2").story_id == "s1"
    (saved,) = second.story_states()
    assert (saved.story_id, saved.born, saved.size) == ("s1", 0, 2)
    assert saved.touched == datetime(2025, 10, 26, tzinfo=UTC)
    second.close()


# --- the feed watcher's memory -----------------------------------------------------------


def test_feed_memory_keeps_entries_validators_and_failures(store: Store) -> None:
    feed = "https://news.example/feed.xml"
    assert store.feed_validators(feed) == (None, None)
    assert store.feed_seen(feed) == set()
    assert store.feed_failed(feed, "connection refused") == 1
    assert store.feed_failed(feed, "timed out") == 2
    store.remember_feed(
        feed, [("e1", "ingested", None), ("e2", "rejected", None)], "W/1", None, False
    )
    assert store.feed_seen(feed) == {"e1", "e2"}
    assert store.feed_validators(feed) == (None, None)  # an incomplete poll keeps the old ones
    assert store.feed_failed(feed, "again") == 1  # a successful poll reset the count
    store.remember_feed(feed, [("e3", "ingested", None)], "W/2", "Tue, 01 Dec 2026", True)
    assert store.feed_validators(feed) == ("W/2", "Tue, 01 Dec 2026")
    assert store.feed_seen(feed) == {"e1", "e2", "e3"}
    assert store.feed_seen("https://other.example/rss") == set()


def test_feed_memory_survives_reopening(durable: Backend, tmp_path: Path) -> None:
    path = tmp_path / "feeds.db"
    first = durable.open(path)
    first.remember_feed("f", [("e1", "ingested", None)], "etag-ü", None, True)
    first.close()
    second = durable.open(path)
    assert second.feed_seen("f") == {"e1"} and second.feed_validators("f") == ("etag-ü", None)
    path_of_index = second.story_index_path()
    assert path_of_index is not None and path_of_index.parent == tmp_path
    second.close()


def test_a_store_in_memory_keeps_nothing_on_disk(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / "label.db")
    store.add(A)
    store.remember_feed("f", [("e1", "ingested", A.article_id)], None, None, True)
    assert store.story_index_path() is None
    assert list(tmp_path.iterdir()) == []


def test_every_backend_is_every_port(store: Store) -> None:
    from newsweave.store import ArticlePort, BriefPort, FeedPort, IngestLogPort, StoryPort

    for port in (ArticlePort, StoryPort, BriefPort, IngestLogPort, FeedPort, Store):
        assert isinstance(store, port), port.__name__
