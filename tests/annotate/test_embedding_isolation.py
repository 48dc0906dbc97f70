"""An article the embedder fails on is that article's outcome: kept without a vector, its
failure recorded, in a story of its own; the other articles of its chunk keep their vectors
and their stories."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsweave.annotate.embed import embed_articles
from newsweave.annotate.pipeline import CHEAP, AnnotateOptions, annotate
from newsweave.ingest import make_article
from newsweave.model import Article, IngestOutcome, IngestStatus
from newsweave.pipeline import ingest_outcomes, stored_brief
from newsweave.store import SQLiteStore

TEXTS = [
    "Firefighters in Lisbon fought a warehouse blaze on Monday night, the city's civil "
    "protection service said, and two workers were taken to hospital with burns.",
    "A fire destroyed a warehouse in Lisbon on Monday night; civil protection officials said "
    "two workers were treated in hospital for burns and the cause was being investigated.",
    "The central bank of Chile kept its main interest rate at 5.75% on Tuesday, saying "
    "inflation had slowed for a third month in a row.",
    "Voters in the Swiss canton of Bern approved a new tram line on Sunday by a wide margin, "
    "the cantonal government said after the count.",
]


def _faulty(article: Article) -> Article:
    """The article with a lone surrogate in its title, as a name that is not UTF-8 reaches
    Python (``caf\\udce9``): built by hand, past the readers' cleaning, the tokenizer of the
    real embedder cannot take it."""
    return replace(article, title="Caf\udce9 notes")


def _articles() -> list[Article]:
    articles = [make_article(t, source=f"paper-{n}") for n, t in enumerate(TEXTS)]
    articles[3] = _faulty(articles[3])
    return articles


def test_the_failure_is_real(embedder: object) -> None:
    (bad,) = [a for a in _articles() if a.title]
    with pytest.raises(Exception):  # noqa: B017 - whatever the tokenizer raises
        embed_articles([bad])


def test_one_failing_article_keeps_the_rest_of_its_chunk(
    nlp: object, embedder: object, caplog: pytest.LogCaptureFixture
) -> None:
    articles = _articles()
    with caplog.at_level(logging.ERROR, logger="newsweave.annotate"):
        items = annotate(articles, AnnotateOptions(batch_size=4), which=CHEAP)
    assert [i.article_id for i in items] == [a.article_id for a in articles]
    broken = items[3]
    assert broken.embedding.size == 0
    assert len(broken.errors) == 1 and broken.errors[0].startswith("embedding: ")
    assert broken.entities, "the annotations that succeeded are kept"
    for item, article in zip(items[:3], articles[:3], strict=True):
        assert item.errors == ()
        alone = embed_articles([article])[0]
        assert np.allclose(item.embedding, alone, atol=1e-5), item.article_id
    assert articles[3].article_id in caplog.text and "bug" in caplog.text


def test_ingest_stores_counts_and_places_the_article_without_a_vector(
    nlp: object, embedder: object, tmp_path: Path
) -> None:
    articles = _articles()
    outcomes = [IngestOutcome(f"{n}.txt", IngestStatus.INGESTED, a) for n, a in enumerate(articles)]
    with SQLiteStore(tmp_path / "db.sqlite") as store:
        report = ingest_outcomes(outcomes, store)
        assert report.summary_line().startswith("4 inputs: 4 ingested (1 annotated only in part)")
        (failed,) = [o for o in report.outcomes if o.annotation_errors]
        assert failed.where == "3.txt"
        assert failed.reason and "annotated only in part: embedding: " in failed.reason
        kept = store.get(articles[3].article_id)
        assert kept.errors == failed.annotation_errors and kept.embedding.size == 0
        home = {a: s.story_id for s in store.stories() for a in s.article_ids}
        assert sorted(home) == sorted(a.article_id for a in articles)
        fire = home[articles[0].article_id]
        assert home[articles[1].article_id] == fire, "the two fire reports share a story"
        alone = home[articles[3].article_id]
        assert alone != fire and store.story(alone).article_ids == (articles[3].article_id,)
        # A later run loads the stored stories, that one too, and goes on.
        later = make_article(
            "Lisbon firefighters said on Tuesday the warehouse fire of Monday night was "
            "started by faulty wiring; the two injured workers have left hospital.",
            source="paper-9",
        )
        again = ingest_outcomes([IngestOutcome("9.txt", IngestStatus.INGESTED, later)], store)
        assert again.counts["ingested"] == 1
        home = {a: s.story_id for s in store.stories() for a in s.article_ids}
        assert len(home) == 5 and home[later.article_id] == fire
        brief = stored_brief(store, alone)
        assert brief.story_id == alone


def test_a_sentence_vector_failure_costs_only_that_articles_vectors(
    nlp: object, embedder: object
) -> None:
    from newsweave.annotate.pipeline import WHOLE, with_sentence_vectors

    good = [make_article(t) for t in TEXTS[:3]]
    items = annotate(good, AnnotateOptions(batch_size=4), which=WHOLE)
    bare = [replace(i, sentence_vectors=np.zeros((0, 384), np.float16)) for i in items]
    # One sentence text changed by hand to hold a lone surrogate: the tokenizer refuses it.
    first = bare[1].sentences[0]
    broken = replace(bare[1], sentences=(replace(first, text=first.text + " \udce9"),))
    out = with_sentence_vectors([bare[0], broken, bare[2]])
    assert out[1].errors and out[1].errors[-1].startswith("sentence vectors: ")
    assert out[1].sentence_vectors.shape[0] == 0
    for done, item in zip((out[0], out[2]), (items[0], items[2]), strict=True):
        assert done.errors == ()
        assert done.sentence_vectors.shape == item.sentence_vectors.shape
        assert np.allclose(done.sentence_vectors, item.sentence_vectors, atol=2e-3)
