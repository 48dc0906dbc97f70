"""The store keeps both passes: cheap annotations first, the deep pass's over them once."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsweave.errors import NotFoundError
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, Depth, EntityMention, Sentence, Span
from newsweave.store import SCHEMA_VERSION, SQLiteStore

TEXT = "Harbour pilots in Estoria walked out on Monday. The port authority said talks resume."


def cheap() -> AnnotatedArticle:
    article = make_article(TEXT)
    aid = article.article_id
    name = EntityMention(Span(aid, 18, 25), "Estoria", "GPE", "Estoria")
    vector = np.full(384, 1 / np.sqrt(384), dtype=np.float32)
    return AnnotatedArticle(article, (), (name,), (), (), (), vector, depth=Depth.LEAD)


def deep(item: AnnotatedArticle) -> AnnotatedArticle:
    aid = item.article_id
    sentences = (
        Sentence(Span(aid, 0, 47), TEXT[0:47]),
        Sentence(Span(aid, 48, len(TEXT)), TEXT[48:]),
    )
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((2, 384)).astype(np.float16)
    return replace(
        item,
        sentences=sentences,
        depth=Depth.FULL,
        sentence_vectors=vectors,
        lead_entities=item.entities,
        errors=("quotes: ValueError: an invented failure",),
    )


def test_the_deep_pass_replaces_the_cheap_annotations_once(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        item = cheap()
        assert store.add(item)
        stored = store.get(item.article_id)
        assert stored.depth == Depth.LEAD and stored.sentence_vectors.shape == (0, 384)
        full = deep(item)
        store.update_annotations([full])
        back = store.get(item.article_id)
        assert back.depth == Depth.FULL and back.sentences == full.sentences
        assert back.lead_entities == item.entities
        np.testing.assert_array_equal(back.sentence_vectors, full.sentence_vectors)
        np.testing.assert_array_equal(back.embedding, item.embedding)  # the lead vector stays
        assert store.info()["annotation_errors"] == 1


def test_updating_an_unknown_article_changes_nothing(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(NotFoundError, match="add it before updating"):
            store.update_annotations([deep(cheap())])
        assert store.article_count() == 0


def test_annotations_from_before_the_two_passes_get_the_deep_pass(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with SQLiteStore(path) as store:
        store.add(replace(cheap(), depth=Depth.FULL))
    conn = sqlite3.connect(path)
    # The file as the previous schema left it: no depth in the JSON, no vectors table.
    conn.execute("UPDATE annotations SET data = json_remove(data, '$.depth')")
    conn.execute("DROP TABLE sentence_vectors")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        (item,) = store.articles()
        assert item.depth == Depth.LEAD
        store.update_annotations([deep(item)])
        assert store.get(item.article_id).depth == Depth.FULL
