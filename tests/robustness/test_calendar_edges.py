"""Dates that real feeds and pages send: abbreviated months, placeholder years, extreme offsets.

Each of these once crashed a whole batch; now each article is kept, with an unknown date and a
reason where its date was a placeholder.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from tests.robustness.shared_data import ecbplus_documents

from newsweave.annotate.pipeline import annotate_doc
from newsweave.annotate.times import resolve_times
from newsweave.cluster import ClusterOptions, OnlineClusterer
from newsweave.ingest import read_inputs
from newsweave.ingest.dates import placeholder_reason
from newsweave.model import AnnotatedArticle, DateOrigin, IngestStatus
from newsweave.pipeline import ingest
from newsweave.store import SQLiteStore

BODY = (
    "The harbour authority said on Tuesday that the new ferry terminal will open in December, "
    "a year later than planned. Next year the port expects 40 percent more passengers, after "
    "a slow last year. Officials met on Sept. 8 and again on Sept . 15 to review the budget."
)
LONG_BODY = (
    f"{BODY} The terminal was first promised for the spring, but a dispute over the quay wall "
    "and a shortage of steel pushed the work back twice, the authority's director told "
    "reporters at the harbour office."
)


# (reference date, expression) pairs that sit at the ends of the calendar
@pytest.mark.parametrize(
    "reference",
    [date(9999, 12, 31), date(9999, 12, 1), date(1, 1, 1), date(1, 1, 3)],
)
def test_resolver_survives_the_ends_of_the_calendar(nlp, reference: date) -> None:  # type: ignore[no-untyped-def]
    times = resolve_times(nlp(BODY), "a1", reference)
    texts = [t.text for t in times]
    assert "in December" in texts and "Next year" in texts
    for t in times:
        assert t.start is None or date.min <= t.start <= date.max


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [("They met on Sept. 8.", 9, 8), ("They met on Sept 8.", 9, 8), ("in Sept. 2024", 9, None)],
)
def test_abbreviated_september(nlp, text: str, month: int, day: int | None) -> None:  # type: ignore[no-untyped-def]
    (found,) = resolve_times(nlp(text), "a1", date(2024, 10, 1))
    assert found.start is not None and found.start.month == month
    if day:
        assert found.start.day == day


def test_tokenised_sept_with_a_space_is_not_a_crash(nlp) -> None:  # type: ignore[no-untyped-def]
    # ECB+ writes "on Sept . 8 ."; an unescaped "Sept." once matched "Sept " (KeyError).
    text = "He fought in Moscow on Sept . 8 . The rematch is set for Sept . 20 ."
    resolve_times(nlp(text), "a1", date(2012, 9, 9))


def test_the_ecbplus_articles_with_sept_annotate(nlp) -> None:  # type: ignore[no-untyped-def]
    from newsweave.ingest import make_article

    docs = [d for d in ecbplus_documents() if "Sept " in d["text"]]
    assert docs, "ECB+ has articles that write the month as 'Sept .'"
    for d in docs[:5]:
        article = make_article(d["text"], published=datetime(2012, 10, 1, tzinfo=UTC))
        item = annotate_doc(nlp(article.text), article)
        assert item.errors == (), (d["doc_id"], item.errors)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1, 1, 1, 5, tzinfo=timezone(timedelta(hours=19))),
        datetime(1500, 6, 1, tzinfo=UTC),
    ],
)
def test_placeholder_years_are_not_dates(moment: datetime) -> None:
    reason = placeholder_reason(moment)
    assert reason is not None and str(moment.year) in reason and "unknown" in reason


def _rss(pub: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Port news</title>'
        f"<item><title>Terminal delayed</title><guid>t1</guid><pubDate>{pub}</pubDate>"
        f"<description>{LONG_BODY}</description></item></channel></rss>"
    )


def _atom(updated: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Port news</title><id>urn:port</id><updated>2025-01-01T00:00:00Z</updated>"
        f"<entry><title>Terminal delayed</title><id>urn:t1</id><updated>{updated}</updated>"
        f'<content type="text">{LONG_BODY}</content></entry></feed>'
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rss9999.xml", _rss("Fri, 31 Dec 9999 23:59:59 GMT")),
        ("atom0001.atom", _atom("0001-01-01T00:00:00Z")),
    ],
)
def test_feed_placeholder_dates_read_as_unknown_with_a_reason(
    tmp_path: Path, name: str, content: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    (outcome,) = read_inputs([tmp_path / name])
    assert outcome.status is IngestStatus.INGESTED and outcome.article is not None
    assert outcome.article.published is None
    assert outcome.article.date_origin is DateOrigin.UNKNOWN
    assert outcome.reason and "placeholder" in outcome.reason


def _jsonl_lines() -> list[str]:
    lines = []
    for i in range(15):
        published = f"2025-03-{i + 1:02d}"
        if i == 4:
            published = "9999-12-31T23:59:59Z"
        if i == 9:
            published = "0001-01-01T05:00:00+19:00"
        text = (
            f"Item {i}. The harbour authority of town {i} said on Tuesday that its ferry "
            "terminal will open in December. Next year it expects more passengers, "
            "after a slow last year."
        )
        lines.append(json.dumps({"text": text, "published": published, "title": f"Port {i}"}))
    return lines


def test_jsonl_with_placeholder_dates_stores_every_row(tmp_path: Path, nlp, embedder) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "port.jsonl"
    feed.write_text("\n".join(_jsonl_lines()) + "\n", encoding="utf-8")
    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        report = ingest([feed], store)
        assert report.counts["ingested"] == 15, report.summary_line()
        assert store.article_count() == 15
        noted = [o for o in report.outcomes if o.reason]
        assert [o.where for o in noted] == [f"{feed}:line 5", f"{feed}:line 10"]
        in_stories = sum(len(s.article_ids) for s in store.stories())
        assert in_stories == 15
    finally:
        store.close()


def _item(published: datetime, seed: int) -> AnnotatedArticle:
    from newsweave.ingest import make_article

    article = make_article(f"Article {seed}: the port reopened after the storm.")
    article = replace(article, published=published, date_origin=DateOrigin.HEADER)
    vector = np.random.default_rng(seed).normal(size=16).astype(np.float32)
    return AnnotatedArticle(article, (), (), (), (), (), vector)


def test_clusterer_takes_extreme_offsets_and_year_one() -> None:
    clusterer = OnlineClusterer(ClusterOptions())
    items = [
        _item(datetime(1, 1, 1, 5, tzinfo=timezone(timedelta(hours=19))), 1),
        _item(datetime(1, 1, 1, tzinfo=UTC), 2),
        _item(datetime(2025, 5, 1, tzinfo=UTC), 3),
        _item(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), 4),
    ]
    for item in items:
        clusterer.add(item)
    ids = [i.article_id for i in items]
    assert sorted(a for s in clusterer.stories(ids) for a in s.article_ids) == sorted(ids)


def test_a_year_one_article_in_the_store_does_not_stop_later_stories(tmp_path: Path) -> None:
    from newsweave.pipeline import assign_stories

    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        old = _item(datetime(1, 1, 1, tzinfo=UTC), 1)
        store.add(old)
        assign_stories(store, [old])
        later = [
            _item(datetime(2025, 5, 1, tzinfo=UTC), 2),
            _item(datetime(2025, 5, 2, tzinfo=UTC), 3),
        ]
        for item in later:
            store.add(item)
        assign_stories(store, later)
        stored = {a for s in store.stories() for a in s.article_ids}
        assert stored == {old.article_id, *(i.article_id for i in later)}
    finally:
        store.close()


@pytest.mark.parametrize(
    "body",
    [
        {"text": LONG_BODY, "published": "0001-01-01T00:00:00Z"},
        {"html": f"<html><body><p>{LONG_BODY}</p></body></html>", "published": "9999-12-31"},
        {"text": LONG_BODY, "published": "9999-12-31T23:59:59-12:00"},  # year 10000 in UTC
    ],
)
def test_a_placeholder_date_posted_to_the_api_stays_unknown(body: dict[str, str]) -> None:
    # The API once read the body's "published" again after the reader had dropped it, and
    # stored year 1 as the article's date (the brief of its story then failed).
    from newsweave.api.submit import ArticleIn, read_submission
    from newsweave.fetch import FetchOptions
    from newsweave.ingest import IngestOptions

    outcome = read_submission(ArticleIn(**body), IngestOptions(), FetchOptions())
    assert outcome.status is IngestStatus.INGESTED and outcome.article is not None
    assert outcome.article.published is None
    assert outcome.reason and "placeholder" in outcome.reason


@pytest.mark.parametrize("kind", ["text", "html"])
def test_an_unreadable_date_posted_to_the_api_is_reported(kind: str) -> None:
    from newsweave.api.submit import ArticleIn, read_submission
    from newsweave.fetch import FetchOptions
    from newsweave.ingest import IngestOptions

    content = LONG_BODY if kind == "text" else f"<html><body><p>{LONG_BODY}</p></body></html>"
    body = ArticleIn(**{kind: content, "published": "Tue, 32 Foo 2025 25:61:00 GMT"})
    outcome = read_submission(body, IngestOptions(), FetchOptions())
    assert outcome.status is IngestStatus.INGESTED and outcome.article is not None
    assert outcome.article.published is None
    assert outcome.reason and '"Tue, 32 Foo 2025 25:61:00 GMT" was not read' in outcome.reason


def test_a_story_with_a_year_one_article_of_an_older_store_has_a_brief(nlp) -> None:  # type: ignore[no-untyped-def]
    # A store written before placeholder dates were dropped may hold year 1: its story's
    # brief must still build (the timeline once stepped back a day from date.min).
    from newsweave.fuse import fuse
    from newsweave.ingest import make_article
    from newsweave.model import Story

    items = []
    for when in (datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)):
        article = make_article(LONG_BODY, title="Terminal delayed", published=when)
        article = replace(article, published=when, date_origin=DateOrigin.HEADER)
        items.append(annotate_doc(nlp(article.text), article))
    for item in items:
        analysis = fuse(Story("s-old", (item.article_id,)), [item])
        assert analysis.items[0].article_id == item.article_id
