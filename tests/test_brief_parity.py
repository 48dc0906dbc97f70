"""One brief per story whichever way in: ``brief PATH`` equals ``ingest`` + ``brief --story``.

Both paths run the cheap pass, form the stories online, then the deep pass; fuse and brief
read only what annotate stored, so an article whose date is inferred from its story gets the
same date and the same resolved time expressions from the store as from the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from newsweave.annotate.minilm import MiniLM
from newsweave.codec import brief_to_dict
from newsweave.model import Brief, DateOrigin, Depth
from newsweave.pipeline import analyze, ingest, stored_brief
from newsweave.store import SQLiteStore

from .conftest import EXAMPLES, shared_path

Briefs = dict[str, dict[str, Any]]
Both = tuple[Briefs, Briefs, dict[str, Depth], Briefs]


@pytest.fixture(scope="module")
def inputs() -> list[str]:
    return [str(EXAMPLES), str(shared_path("seeds"))]


def _by_story(briefs: Sequence[Brief]) -> Briefs:
    return {b.story_id: brief_to_dict(b) for b in briefs}


@pytest.fixture(scope="module")
def both(
    inputs: list[str], tmp_path_factory: pytest.TempPathFactory, nlp: Language, embedder: MiniLM
) -> Both:
    from_paths = _by_story(analyze(inputs))
    db = tmp_path_factory.mktemp("parity") / "store.sqlite"
    with SQLiteStore(db) as store:
        ingest(inputs, store)
        from_store = _by_story([stored_brief(store, s.story_id) for s in store.stories()])
        depths = {i.article_id: i.depth for i in store.articles()}
        again = _by_story([stored_brief(store, s.story_id) for s in store.stories()])
    return from_paths, from_store, depths, again


def test_same_stories(both: Both) -> None:
    from_paths, from_store, _, _ = both
    assert sorted(from_paths) == sorted(from_store)


def test_same_brief_for_every_story(both: Both) -> None:
    from_paths, from_store, _, _ = both
    for story_id, brief in from_paths.items():
        assert from_store[story_id] == brief, story_id


def test_inferred_dates_resolve_the_same_times(both: Both) -> None:
    from_paths, from_store, _, _ = both
    inferred = [
        (story_id, a["article_id"])
        for story_id, brief in from_paths.items()
        for a in brief["articles"]
        if a["date_origin"] == DateOrigin.INFERRED.value
    ]
    assert inferred, "the reference case has undated reports whose date the story supplies"
    for story_id, _ in inferred:
        assert from_store[story_id]["timeline"] == from_paths[story_id]["timeline"]


def test_every_briefed_article_is_deep_once(both: Both) -> None:
    _, from_store, depths, again = both
    briefed = {a["article_id"] for b in from_store.values() for a in b["articles"]}
    assert {depths[a] for a in briefed} == {Depth.FULL}
    assert again == from_store  # a second brief reads the stored deep pass: same brief


def test_single_source_stories_stay_cheap_until_briefed(
    tmp_path: Path, nlp: Language, embedder: MiniLM
) -> None:
    one = EXAMPLES / "text" / "courier-crane-inquiry.txt"  # the decoy: a story of its own
    with SQLiteStore(tmp_path / "one.sqlite") as store:
        ingest([str(one)], store)
        (item,) = store.articles()
        assert item.depth == Depth.LEAD and item.sentences == ()
        (story,) = store.stories()
        brief = stored_brief(store, story.story_id)
        (deep,) = store.articles()
        assert deep.depth == Depth.FULL and deep.sentences
        assert deep.lead_entities == item.entities
        assert brief.articles[0].article_id == item.article_id
