"""The same articles give the same stories whether they come in one run or in two (in either
order) — on the example corpus and the reference case together (one run against `brief PATH`
is tests/test_brief_parity.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsweave.codec import brief_to_dict
from newsweave.model import Brief
from newsweave.pipeline import analyze_with_report, ingest, stored_brief
from newsweave.store import SQLiteStore

from .conftest import EXAMPLES, shared_path


def _by_members(briefs: list[Brief]) -> dict[frozenset[str], dict[str, Any]]:
    """Brief JSON keyed by the story's article ids (story ids depend on arrival)."""
    out: dict[frozenset[str], dict[str, Any]] = {}
    for brief in briefs:
        data = brief_to_dict(brief)
        members = frozenset(a["article_id"] for a in data["articles"])
        data.pop("story_id")
        out[members] = data
    return out


def _stored(path: Path, batches: list[list[Path]]) -> dict[frozenset[str], dict[str, Any]]:
    with SQLiteStore(path) as store:
        for batch in batches:
            ingest(batch, store)
        return _by_members([stored_brief(store, s.story_id) for s in store.stories()])


@pytest.fixture(scope="module")
def inputs() -> tuple[Path, Path]:
    return EXAMPLES, shared_path("seeds")


@pytest.fixture(scope="module")
def from_path(
    inputs: tuple[Path, Path], nlp: object, embedder: object
) -> dict[frozenset[str], Any]:
    briefs, _ = analyze_with_report(list(inputs))
    return _by_members(briefs)


@pytest.mark.parametrize("order", ["examples first", "seeds first"])
def test_two_runs_in_either_order_give_the_same_stories(
    from_path: dict[frozenset[str], Any], inputs: tuple[Path, Path], tmp_path: Path, order: str
) -> None:
    examples, seeds = inputs
    batches = [[examples], [seeds]] if order == "examples first" else [[seeds], [examples]]
    stored = _stored(tmp_path / "two.sqlite", batches)
    assert stored.keys() == from_path.keys()
    assert any(len(members) == 5 for members in stored), "the reference case is one story"
