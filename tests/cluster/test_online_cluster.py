"""The online clusterer on built articles: joining, near misses, merges, the window, and the
store path giving the stories of one in-memory pass."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from newsweave.cluster import (
    ClusterOptions,
    OnlineClusterer,
    arrival_order,
    cluster,
    cluster_online,
    participants,
    story_id_for,
)
from newsweave.cluster.evidence import contradictions, marked
from newsweave.cluster.storyindex import StoryIndex, index_path_for
from newsweave.model import AnnotatedArticle, Article, DateOrigin, EntityMention, Span, Story
from newsweave.pipeline import PipelineOptions, assign_stories
from newsweave.store import SQLiteStore

DIM = 32
RNG = np.random.default_rng(7)
TOPICS = {name: RNG.normal(size=DIM) for name in ("strike", "quake", "talks", "flood")}
DAY0 = datetime(2026, 3, 10, tzinfo=UTC)


def article(
    name: str,
    topic: str,
    day: float | None,
    people: tuple[str, ...],
    noise: float = 0.3,
    direction: tuple[float, ...] | None = None,
) -> AnnotatedArticle:
    """A report on ``topic`` (or along ``direction``) published ``day`` days after DAY0,
    naming ``people``."""
    seed = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16)
    vector = TOPICS[topic] + noise * np.random.default_rng(seed).normal(size=DIM)
    if direction is not None:
        vector = np.zeros(DIM)
        vector[: len(direction)] = direction
    vector = (vector / np.linalg.norm(vector)).astype(np.float32)
    digest = hashlib.sha256(name.encode()).hexdigest()
    text = f"{name} " + " ".join(people)
    published = None if day is None else DAY0 + timedelta(days=day)
    aid = digest[:16]
    entities = tuple(EntityMention(Span(aid, 0, 1), p, "PERSON", p, None) for p in people)
    return AnnotatedArticle(
        Article(
            aid,
            text,
            digest,
            title=name,
            published=published,
            date_origin=DateOrigin.HEADER if published else DateOrigin.UNKNOWN,
        ),
        (),
        entities,
        (),
        (),
        (),
        vector,
    )


STRIKE = [article(f"strike {n}", "strike", n * 0.5, ("Ada Vale", "Ben Orr")) for n in range(5)]
DECOY = article("strike decoy", "strike", -35, ("Ada Vale", "Ben Orr"))
QUAKE = [article(f"quake {n}", "quake", 1 + n, ("Cy Pell",)) for n in range(3)]


def groups(stories: Sequence[Story]) -> set[frozenset[str]]:
    return {frozenset(s.article_ids) for s in stories}


def test_reports_of_one_event_join_and_the_decoy_stays_apart() -> None:
    stories = cluster_online([*STRIKE, DECOY, *QUAKE])
    assert groups(stories) == {
        frozenset(a.article_id for a in STRIKE),
        frozenset({DECOY.article_id}),
        frozenset(a.article_id for a in QUAKE),
    }
    # Largest first; ids are those of the founding (earliest) article.
    assert stories[0].story_id == story_id_for(STRIKE[0].article)
    assert stories[0].article_ids == tuple(a.article_id for a in STRIKE)


def test_arrival_order_is_by_date_undated_placed_by_content() -> None:
    first = article("first", "flood", 0, ("Dee Marr",), direction=(1.0, 0.0, 0.0))
    second = article("second", "flood", 3, ("Dee Marr",), direction=(0.95, 0.3, 0.0))
    other = article("other", "flood", 30, ("Cy Pell",), direction=(0.0, 1.0, 0.0))
    like_first = article("like first", "flood", None, ("Dee Marr",), direction=(1.0, 0.1, 0.0))
    alone = article("alone", "flood", None, ("Ed Roe",), direction=(0.0, 0.0, 1.0))
    items = [other, like_first, second, alone, first]
    # The undated report comes after the latest dated report it resembles (its story is
    # still active then); the one that resembles none comes first, before any clock moves.
    assert arrival_order(items) == [alone, first, second, like_first, other]
    assert arrival_order(items[::-1]) == arrival_order(items)


def test_ids_do_not_change_as_a_story_grows() -> None:
    clusterer = OnlineClusterer()
    first = clusterer.add(STRIKE[0])
    assert first.opened and first.story_id == story_id_for(STRIKE[0].article)
    for item in STRIKE[1:]:
        joined = clusterer.add(item)
        assert (joined.story_id, joined.opened) == (first.story_id, False)


def test_an_article_linking_two_stories_merges_them_into_the_older() -> None:
    # Two reports 60 degrees apart open two stories; one halfway between links them.
    half = np.radians(30)
    left = article("left", "flood", 0, ("Dee Marr",), direction=(np.cos(half), np.sin(half)))
    right = article("right", "flood", 0.2, ("Dee Marr",), direction=(np.cos(half), -np.sin(half)))
    bridge = article("bridge", "flood", 0.5, ("Dee Marr",), direction=(1.0, 0.0))
    # Names agree fully; vectors 60 degrees apart score 0.6 * 0.5 + 0.4 = 0.7 < 0.75.
    clusterer = OnlineClusterer(
        ClusterOptions(threshold=0.75, merge_threshold=0.75, review_size=0, embedding_weight=0.6)
    )
    a, b = clusterer.add(left), clusterer.add(right)
    assert a.story_id != b.story_id
    c = clusterer.add(bridge)
    assert c.story_id == a.story_id and c.merged == (b.story_id,)
    (story,) = clusterer.stories()
    assert story.story_id == a.story_id
    assert set(story.article_ids) == {left.article_id, right.article_id, bridge.article_id}


def test_a_merge_in_the_store_redirects_the_younger_id(tmp_path: Path) -> None:
    half = np.radians(30)
    left = article("left", "flood", 0, ("Dee Marr",), direction=(np.cos(half), np.sin(half)))
    right = article("right", "flood", 0.2, ("Dee Marr",), direction=(np.cos(half), -np.sin(half)))
    bridge = article("bridge", "flood", 0.5, ("Dee Marr",), direction=(1.0, 0.0))
    opts = PipelineOptions(
        cluster=ClusterOptions(
            threshold=0.75, merge_threshold=0.75, review_size=0, embedding_weight=0.6
        )
    )
    with SQLiteStore(tmp_path / "m.db") as store:
        for item in (left, right):
            store.add(item)
        assign_stories(store, [left, right], opts)
        assert len(store.stories()) == 2
        store.add(bridge)
        assign_stories(store, [bridge], opts)
        (story,) = store.stories()
        assert story.story_id == story_id_for(left.article)
        assert store.story(story_id_for(right.article)) == story
        assert [s.size for s in store.story_states()] == [3]


def test_quiet_stories_leave_the_active_set() -> None:
    clusterer = OnlineClusterer(ClusterOptions(window_days=7))
    old = clusterer.add(QUAKE[0])
    clusterer.add(article("much later", "strike", 40, ("Ada Vale",)))
    assert old.story_id not in clusterer.live
    assert clusterer.index is not None and old.story_id not in clusterer.index
    again = clusterer.add(article("quake again", "quake", 41, ("Cy Pell",)))
    assert again.opened  # the quiet story is not a candidate any more
    # It stays known with its last state, to be saved by the store path.
    assert [s.story_id for s in clusterer.states([old.story_id])] == [old.story_id]


def test_batch_and_stream_agree_on_clear_cases() -> None:
    items = [*STRIKE, *QUAKE]
    assert groups(cluster(items)) == groups(cluster_online(items))


@pytest.mark.parametrize("split", [1, 4, 8])
def test_the_store_path_gives_the_in_memory_stories(tmp_path: Path, split: int) -> None:
    items = [*STRIKE, DECOY, *QUAKE]
    ordered = arrival_order(items)
    with SQLiteStore(tmp_path / "s.db") as store:
        for part in (ordered[:split], ordered[split:]):
            for item in part:
                store.add(item)
            assign_stories(store, part)
        stored = store.stories()
        assert groups(stored) == groups(cluster_online(items))
        assert {s.story_id for s in stored} == {s.story_id for s in cluster_online(items)}
        assert store.stateless_stories() == []
        path = index_path_for(store.path)
        assert path is not None and path.is_file()
        active = [s.story_id for s in store.active_stories(timedelta(days=7))]
        assert StoryIndex.load(path, DIM, active) is not None
        assert StoryIndex.load(path, DIM, active[:-1]) is None  # stale: rebuilt instead


def test_options_are_checked() -> None:
    from newsweave.errors import OptionError

    with pytest.raises(OptionError, match="'window_days' option must be positive"):
        ClusterOptions(window_days=0)
    with pytest.raises(OptionError, match="'candidates'"):
        ClusterOptions(candidates=0)


def test_a_young_story_gets_a_second_look() -> None:
    # Two reports 60 degrees apart, naming the same person: neither joins the other on
    # arrival (threshold 0.75), but the second look at the young story (0.65) merges them.
    half = np.radians(30)
    left = article("left", "flood", 0, ("Dee Marr",), direction=(np.cos(half), np.sin(half)))
    right = article("right", "flood", 0.2, ("Dee Marr",), direction=(np.cos(half), -np.sin(half)))
    opts = ClusterOptions(threshold=0.75, embedding_weight=0.7, review_threshold=0.65)
    clusterer = OnlineClusterer(opts)
    a, b = clusterer.add(left), clusterer.add(right)
    assert (b.story_id, b.opened, b.merged) == (a.story_id, False, ())
    apart = OnlineClusterer(replace(opts, review_threshold=0.7))
    assert apart.add(left).story_id != apart.add(right).story_id


@pytest.mark.parametrize(
    ("lead", "years"),
    [
        ("May 2, 2013 | 5:03pm. Police said on Tuesday", {"#2013"}),
        ("In 1999 and again in 2008, the port", {"#1999", "#2008"}),
        ("a 2013-05 memo, 12,2013 tonnes, room 20130", set()),
    ],
)
def test_years_written_in_the_lead_are_evidence(lead: str, years: set[str]) -> None:
    item = article("dated in text", "flood", None, ("Dee Marr",))
    item = replace(item, article=replace(item.article, text=lead))
    found = participants(item)
    assert {k for k in found if k.startswith("#")} == years
    assert "@marr" in found  # named in the lead: central


def test_evidence_that_tells_two_sides_apart() -> None:
    assert contradictions({"@vale", "#2013"}, {"@orr", "#2013"}) == 1
    assert contradictions({"@vale", "#2013"}, {"@orr", "#2009"}) == 2
    # Nothing to set against: the other side names no central people.
    assert contradictions({"@vale"}, marked({"vale": 1.0, "#2009": 1.2})) == 0
    assert contradictions({"@vale", "@orr"}, {"@orr"}) == 0


def test_capitalised_words_and_numbers_of_the_start_are_evidence() -> None:
    item = article("word keys", "flood", None, ("Dee Marr",))
    text = "The aide Fred Lowe, 75, died on Tuesday in Biloxi. " + "x " * 900 + "Late 99"
    item = replace(item, article=replace(item.article, text=text))
    words = {k for k in participants(item) if k.startswith("~")}
    # Read from the start only; a capital that only starts a sentence is no evidence.
    assert words == {"~fred", "~lowe", "~75", "~tuesday", "~biloxi"}
    assert not any(k.startswith("~") for k in participants(item, ClusterOptions(lexical_weight=0)))


def test_a_story_keeps_a_bounded_number_of_keys() -> None:
    opts = ClusterOptions(story_keys_max=40, threshold=0.3, review_size=0)
    clusterer = OnlineClusterer(opts)
    for n in range(30):
        item = article(f"report {n}", "strike", n * 0.1, ("Ada Vale",), noise=0.05)
        words = " ".join(f"Word{chr(97 + n)}{chr(97 + k)}" for k in range(8))
        text = f"Ada Vale spoke in 2026. {words} {n}"
        clusterer.add(replace(item, article=replace(item.article, text=text)))
    (live,) = clusterer.live.values()
    assert live.size == 30
    assert len(live.keys) <= 40
    # Names, central people and years are never dropped; words that many reports share stay.
    assert {"vale", "@vale", "#2026", "~ada", "~vale", "~2026"} <= set(live.keys)
