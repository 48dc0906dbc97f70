"""One article's failure in an annotator or in spaCy is that article's outcome, not the batch's."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from newsweave.annotate.pipeline import AnnotateOptions, annotate, annotate_doc
from newsweave.engines import LocalEngine
from newsweave.ingest import make_article
from newsweave.model import Article, IngestOutcome, IngestStatus
from newsweave.pipeline import ingest, ingest_outcomes
from newsweave.store import SQLiteStore

TEXT = (
    'Ministers met on Sunday in Geneva. "We agreed on the text," said Anna Berg, the envoy. '
    "Tariffs rose 5% in May."
)
MARKER = "zxqv-breaks-the-parser"


def test_a_failing_annotator_costs_the_article_only_that_annotation(nlp, caplog) -> None:  # type: ignore[no-untyped-def]
    article = make_article(TEXT)
    # A tokenised but unparsed Doc has no sentence boundaries: the sentence and quote
    # annotators fail on it, the others still work.
    with caplog.at_level(logging.ERROR, logger="newsweave.annotate"):
        item = annotate_doc(nlp.make_doc(article.text), article)
    failed = sorted(e.split(":", 1)[0] for e in item.errors)
    assert failed == ["quotes", "sentences"]
    assert all("ValueError" in e for e in item.errors)
    assert item.sentences == () and item.quotes == ()
    assert [t.text for t in item.times] == ["on Sunday", "in May"]
    assert [q.value for q in item.quantities] == [5.0]
    assert article.article_id in caplog.text and "bug" in caplog.text


def test_a_well_parsed_article_has_no_errors(nlp) -> None:  # type: ignore[no-untyped-def]
    article = make_article(TEXT)
    item = annotate_doc(nlp(article.text), article)
    assert item.errors == ()
    assert item.sentences and item.quotes and item.entities


@Language.component("newsweave_test_breaks_on_marker")
def _breaks_on_marker(doc: Doc) -> Doc:
    if MARKER in doc.text:
        raise RuntimeError("this component fails on the marker text")
    return doc


@pytest.fixture
def breaking_nlp(nlp) -> Iterator[Language]:  # type: ignore[no-untyped-def]
    """The real pipeline with one extra spaCy component that fails on one article's text."""
    nlp.add_pipe("newsweave_test_breaks_on_marker", last=True)
    try:
        yield nlp
    finally:
        nlp.remove_pipe("newsweave_test_breaks_on_marker")


def _batch() -> list[Article]:
    texts = [
        f"Report {i}: the council of district {i} met on Monday and voted 7 to {i} to close "
        "the old bridge to traffic until the repairs are done."
        for i in range(5)
    ]
    texts[2] = f"{texts[2]} {MARKER}"
    return [make_article(t) for t in texts]


def test_a_parser_failure_keeps_the_rest_of_the_batch(breaking_nlp, caplog) -> None:  # type: ignore[no-untyped-def]
    articles = _batch()
    with caplog.at_level(logging.ERROR, logger="newsweave.annotate"):
        items = annotate(articles, AnnotateOptions(batch_size=4))
    assert [i.article_id for i in items] == [a.article_id for a in articles]
    broken = items[2]
    assert broken.errors and broken.errors[0].startswith("parse: RuntimeError")
    assert broken.sentences == () and broken.embedding.shape[0] > 0
    for item in items[:2] + items[3:]:
        assert item.errors == () and item.sentences, item.article_id
    assert articles[2].article_id in caplog.text


def test_the_engine_keeps_chunk_boundaries_around_a_parser_failure(breaking_nlp) -> None:  # type: ignore[no-untyped-def]
    articles = _batch()
    with LocalEngine() as engine:
        chunks = list(engine.annotate(articles, AnnotateOptions(batch_size=2)))
    assert [len(c) for c in chunks] == [2, 2, 1]
    flat = [i for c in chunks for i in c]
    assert [bool(i.errors) for i in flat] == [False, False, True, False, False]


def test_ingest_stores_and_counts_the_article_the_parser_failed_on(
    breaking_nlp: Language, embedder: object, tmp_path: Path
) -> None:
    # One pipeline serves both passes; the cheap pass skips only the model's own components
    # it does not use, so the failing component runs there too.
    folder = tmp_path / "in"
    folder.mkdir()
    for i, article in enumerate(_batch()):
        (folder / f"{i}.txt").write_text(article.text, encoding="utf-8")
    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        report = ingest([folder], store)
        assert report.summary_line().startswith("5 inputs: 5 ingested (1 annotated only in part)")
        (failed,) = [o for o in report.outcomes if o.annotation_errors]
        assert failed.where.endswith("2.txt") and failed.article is not None
        assert failed.reason and "annotated only in part: parse: RuntimeError" in failed.reason
        assert store.info()["annotation_errors"] == 1
        assert store.get(failed.article.article_id).errors == failed.annotation_errors
        logged = [o for o in store.outcomes() if o["status"] == "ingested"]
        assert len(logged) == 5 and sum(1 for o in logged if o["reason"]) == 1
        assert sum(len(s.article_ids) for s in store.stories()) == 5
    finally:
        store.close()


def test_the_store_reports_what_it_did_not_what_was_tried(nlp, embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Two outcomes carrying one article (as two concurrent ingests or an API batch can):
    # the store inserts it once, and the second is reported and logged as a duplicate.
    article = make_article(TEXT)
    outcomes = [
        IngestOutcome("first.txt", IngestStatus.INGESTED, article),
        IngestOutcome("second.txt", IngestStatus.INGESTED, article),
    ]
    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        report = ingest_outcomes(outcomes, store)
        assert [o.status for o in report.outcomes] == [
            IngestStatus.INGESTED,
            IngestStatus.DUPLICATE,
        ]
        assert report.outcomes[1].duplicate_of == article.article_id
        statuses = sorted(o["status"] for o in store.outcomes())
        assert statuses == ["duplicate", "ingested"]
    finally:
        store.close()


def test_sentences_past_the_cap_are_not_annotated_and_the_article_says_so(nlp) -> None:  # type: ignore[no-untyped-def]
    lines = [
        f"On Monday the council met for session {i} and said it would vote." for i in range(30)
    ]
    article = make_article(" ".join(lines))
    item = annotate_doc(nlp(article.text), article, max_sentences=10)
    assert len(item.sentences) == 10
    assert item.sentences[-1].span.end <= len(" ".join(lines[:10]))
    assert all(t.span.end <= item.sentences[-1].span.end for t in item.times)
    assert len(item.times) == 10
    (note,) = item.errors
    assert note.startswith("limit: only the first 10 of 30 sentences")
    whole = annotate_doc(nlp(article.text), article)
    assert len(whole.sentences) == 30 and whole.errors == ()
