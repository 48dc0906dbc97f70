"""Story ids: 128 bits of the founding article's hash, a collision detected and kept apart
(never a silent merge, never a lost article), and the 48-bit ids of older stores still valid."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from tests.cluster.test_online_cluster import QUAKE, STRIKE, article

from newsweave.cluster import ClusterOptions, OnlineClusterer, cluster_online, story_id_for
from newsweave.model import AnnotatedArticle, Story
from newsweave.pipeline import PipelineOptions, assign_stories, restory
from newsweave.store import SQLiteStore
from newsweave.store.protocol import StoryState


def twin(item: AnnotatedArticle, of: AnnotatedArticle) -> AnnotatedArticle:
    """``item`` with a content hash that shares its first 128 bits with that of ``of``."""
    digest = of.article.content_hash[:32] + item.article.content_hash[32:]
    assert digest != of.article.content_hash
    return replace(item, article=replace(item.article, content_hash=digest))


def test_ids_carry_128_bits_of_the_founding_hash() -> None:
    story_id = story_id_for(STRIKE[0].article)
    assert story_id == "s-" + STRIKE[0].article.content_hash[:32]
    assert story_id_for(STRIKE[0].article, 1) != story_id
    assert len(story_id_for(STRIKE[0].article, 1)) == len(story_id)


def test_a_collision_in_memory_keeps_both_stories_and_every_article() -> None:
    clash = twin(QUAKE[0], of=STRIKE[0])
    items = [*STRIKE, clash]
    stories = cluster_online(items)
    assert sorted(len(s.article_ids) for s in stories) == [1, len(STRIKE)]
    assert {a for s in stories for a in s.article_ids} == {i.article_id for i in items}
    assert len({s.story_id for s in stories}) == 2
    clusterer = OnlineClusterer()
    for item in items:
        clusterer.add(item)
    assert clusterer.collisions == [(story_id_for(STRIKE[0].article), clash.article_id)]


def test_a_collision_with_a_stored_quiet_story_is_detected(tmp_path: Path) -> None:
    opts = ClusterOptions(window_days=7)
    much_later = article("much later", "flood", 40, ("Dee Marr",))
    clash = twin(article("later quake", "quake", 41, ("Cy Pell",)), of=STRIKE[0])
    with SQLiteStore(tmp_path / "c.db") as store:
        for run in ([STRIKE[0]], [much_later], [clash]):
            for item in run:
                store.add(item)
            assign_stories(store, run, PipelineOptions(cluster=opts))
        stories = store.stories()
        assert len(stories) == 3
        assert store.story(story_id_for(STRIKE[0].article)).article_ids == (STRIKE[0].article_id,)
        (theirs,) = [s for s in stories if clash.article_id in s.article_ids]
        assert theirs.story_id == story_id_for(clash.article, 1)


def test_48_bit_ids_of_an_older_store_keep_working(tmp_path: Path) -> None:
    old_id = "s-" + STRIKE[0].article_id[:12]
    with SQLiteStore(tmp_path / "old.db") as store:
        for item in STRIKE[:3]:
            store.add(item)
        vectors = np.sum([i.embedding for i in STRIKE[:3]], axis=0)
        state = StoryState(
            old_id,
            0,
            3,
            vectors,
            {"vale": 3.0, "orr": 3.0},
            STRIKE[0].article.published,
            STRIKE[2].article.published,
            STRIKE[2].article.published,
        )
        store.assign([(i.article_id, old_id) for i in STRIKE[:3]], [state])
        # A new report of the same event joins the old story, which keeps its id.
        store.add(STRIKE[3])
        assign_stories(store, [STRIKE[3]])
        assert store.story(old_id).article_ids == tuple(i.article_id for i in STRIKE[:4])


def test_a_rebuilt_store_redirects_the_old_ids(tmp_path: Path) -> None:
    old_strike, old_quake = "s-" + STRIKE[0].article_id[:12], "s-" + QUAKE[0].article_id[:12]
    with SQLiteStore(tmp_path / "old.db") as store:
        for item in [*STRIKE, *QUAKE]:
            store.add(item)
        # Stories with no saved state, as a store from before incremental stories has them.
        store.replace_stories(
            [
                Story(old_strike, tuple(i.article_id for i in STRIKE)),
                Story(old_quake, tuple(i.article_id for i in QUAKE)),
            ]
        )
        restory(store)
        assert {s.story_id for s in store.stories()} == {
            story_id_for(STRIKE[0].article),
            story_id_for(QUAKE[0].article),
        }
        assert store.story(old_strike).story_id == story_id_for(STRIKE[0].article)
        assert store.story(old_quake).article_ids == tuple(i.article_id for i in QUAKE)
        assert store.story_id_taken(old_strike) and not store.story_id_taken("s-unknown")


def _planted_twin(store: SQLiteStore, path: Path) -> str:
    """Store another text under the article id that ``path``'s article will get (a 64-bit
    collision of two content hashes), as a store of 10⁹ articles may hold one."""
    from newsweave.ingest import read_inputs

    (outcome,) = list(read_inputs([path]))
    assert outcome.article is not None
    other = replace(
        outcome.article,
        text="A report about a football match that ended in a draw on Saturday afternoon.",
        content_hash="f" * 64,
    )
    planted = AnnotatedArticle(other, (), (), (), (), (), np.ones(384, dtype=np.float32))
    store.add(planted)
    assign_stories(store, [planted])
    return outcome.article.article_id


def test_an_article_id_collision_costs_neither_article_nor_the_batch(
    tmp_path: Path, nlp: object, embedder: object
) -> None:
    from newsweave.pipeline import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for i, town in enumerate(["Arden", "Belmar", "Corran"]):
        (folder / f"{i}.txt").write_text(
            f"The council of {town} voted on Tuesday to close the old bridge over the river "
            f"for {i + 2} months of repairs, its engineer said at the town hall.",
            encoding="utf-8",
        )
    with SQLiteStore(tmp_path / "db.sqlite") as store:
        taken = _planted_twin(store, folder / "1.txt")
        report = ingest([folder], store)
        assert report.counts["ingested"] == 3, report.summary_line()
        assert store.article_count() == 4
        (moved,) = [o.article for o in report.outcomes if o.where.endswith("1.txt")]
        assert moved is not None and moved.article_id != taken
        assert store.get(moved.article_id).article.text.startswith("The council of Belmar")
        assert store.get(taken).article.text.startswith("A report about a football match")
        in_stories = {a for s in store.stories() for a in s.article_ids}
        assert {o.article.article_id for o in report.outcomes if o.article} <= in_stories
