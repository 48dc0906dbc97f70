"""Stores written by earlier versions still open: the JSON that the store keeps (an article's
columns, its annotations at both depths, its embedding, a story's cached brief), as recorded
in tests/golden/stored-v1.json for the example corpus, decodes, and encodes back to the same
bytes. The fixture is frozen: see tests/support/make_stored_fixture.py."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from newsweave.codec import (
    annotated_from_dict,
    annotated_to_dict,
    annotations_to_dict,
    article_to_dict,
    brief_from_dict,
    brief_to_dict,
    embedding_from_b64,
    embedding_to_b64,
)
from newsweave.model import Depth
from tests.support.golden import GOLDEN

FIXTURE = GOLDEN / "stored-v1.json"


def _compact(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


ROWS = [(depth, n, row) for depth in ("lead", "full") for n, row in enumerate(_fixture()[depth])]


@pytest.mark.parametrize(("depth", "n", "row"), ROWS, ids=[f"{d}-{n}" for d, n, _ in ROWS])
def test_stored_article_reads_and_writes_the_same_bytes(
    depth: str, n: int, row: dict[str, str]
) -> None:
    data = {"article": json.loads(row["article"]), **json.loads(row["annotations"])}
    item = annotated_from_dict(data, embedding_from_b64(row["embedding"]))
    assert item.article.text and item.entities
    assert (item.depth is Depth.FULL) == bool(item.sentences)
    assert _compact(article_to_dict(item.article)) == row["article"]
    assert _compact(annotations_to_dict(item)) == row["annotations"]
    assert embedding_to_b64(item.embedding) == row["embedding"]
    again = annotated_from_dict(json.loads(_compact(annotated_to_dict(item))), item.embedding)
    assert again == item and again.lead_entities == item.lead_entities


def test_both_depths_are_in_the_fixture() -> None:
    depths = {json.loads(r["annotations"])["depth"] for r in _fixture()["lead"]}
    assert depths == {"lead", "full"}


@pytest.mark.parametrize("story_id", sorted(_fixture()["briefs"]))
def test_cached_brief_reads_and_writes_the_same_bytes(story_id: str) -> None:
    text = _fixture()["briefs"][story_id]
    brief = brief_from_dict(json.loads(text))
    assert brief.story_id == story_id and brief.summary
    # The cache keeps no article texts; the pipeline puts them back, and so does this test.
    articles = [json.loads(r["article"]) for r in _fixture()["full"]]
    texts = {a["article_id"]: a["text"] for a in articles}
    assert _compact(brief_to_dict(replace(brief, texts=texts))) == text
    assert brief_from_dict(json.loads(_compact(brief_to_dict(brief)))) == brief
