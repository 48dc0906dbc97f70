"""An undated article whose story went quiet (in an earlier run or earlier in this one) joins
that story, judged by its content; the story stays quiet, and the search is bounded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.cluster.test_online_cluster import QUAKE, article

from newsweave.cluster import ClusterOptions, OnlineClusterer
from newsweave.model import AnnotatedArticle
from newsweave.pipeline import PipelineOptions, assign_stories
from newsweave.store import SQLiteStore

LATER = [article(f"strike later {n}", "strike", 40 + n, ("Ada Vale",)) for n in range(2)]
FLOOD = [article(f"flood {n}", "flood", 20 + n, ("Di Moss",)) for n in range(2)]
UNDATED_QUAKE = article("quake, no date", "quake", None, ("Cy Pell",))


def _runs(
    tmp_path: Path, runs: list[list[AnnotatedArticle]], options: PipelineOptions
) -> dict[str, Any]:
    with SQLiteStore(tmp_path / "s.db") as store:
        for run in runs:
            for item in run:
                store.add(item)
            assign_stories(store, run, options)
        home = {a: s.story_id for s in store.stories() for a in s.article_ids}
        active = {s.story_id for s in store.active_stories(timedelta(days=7))}
        return {"home": home, "active": active, "stories": len(store.stories())}


def test_an_undated_report_joins_its_story_closed_in_an_earlier_run(tmp_path: Path) -> None:
    found = _runs(tmp_path, [QUAKE, LATER, [UNDATED_QUAKE]], PipelineOptions())
    quake = found["home"][QUAKE[0].article_id]
    assert found["home"][UNDATED_QUAKE.article_id] == quake
    assert found["stories"] == 2
    assert quake not in found["active"], "the story stays quiet: its dates did not move"


def test_without_closed_candidates_it_would_open_a_story(tmp_path: Path) -> None:
    options = PipelineOptions(cluster=ClusterOptions(closed_candidates=0))
    found = _runs(tmp_path, [QUAKE, LATER, [UNDATED_QUAKE]], options)
    assert found["home"][UNDATED_QUAKE.article_id] != found["home"][QUAKE[0].article_id]
    assert found["stories"] == 3


def test_the_search_reaches_only_the_most_recently_quiet_stories(tmp_path: Path) -> None:
    # quake (days 1-3) went quiet before flood (days 20-21): with one candidate, only the
    # flood story is compared, and the undated quake report opens a story of its own.
    options = PipelineOptions(cluster=ClusterOptions(closed_candidates=1))
    found = _runs(tmp_path, [QUAKE, FLOOD, LATER, [UNDATED_QUAKE]], options)
    assert found["home"][UNDATED_QUAKE.article_id] not in {
        found["home"][QUAKE[0].article_id],
        found["home"][FLOOD[0].article_id],
    }
    found = _runs(tmp_path / "two", [QUAKE, FLOOD, LATER, [UNDATED_QUAKE]], PipelineOptions())
    assert found["home"][UNDATED_QUAKE.article_id] == found["home"][QUAKE[0].article_id]


def test_an_unrelated_undated_report_still_opens_its_own_story(tmp_path: Path) -> None:
    stray = article("talks, no date", "talks", None, ("Eli Roe",))
    found = _runs(tmp_path, [QUAKE, LATER, [stray]], PipelineOptions())
    assert found["stories"] == 3


def test_in_one_stream_a_story_gone_quiet_still_takes_an_undated_report() -> None:
    clusterer = OnlineClusterer(ClusterOptions(window_days=7))
    ids = [clusterer.add(item).story_id for item in QUAKE]
    assert len(set(ids)) == 1
    quake = ids[0]
    for item in LATER:
        clusterer.add(item)
    assert quake not in clusterer.live
    joined = clusterer.add(UNDATED_QUAKE)
    assert joined.story_id == quake and not joined.opened
    assert quake not in clusterer.live
    (state,) = clusterer.states([quake])
    assert state.size == len(QUAKE) + 1
    assert UNDATED_QUAKE.article_id in clusterer.members[quake]
