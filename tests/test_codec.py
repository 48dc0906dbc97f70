"""The codec round-trips every stored model type losslessly, through real JSON text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave import codec
from newsweave.errors import InputError
from newsweave.model import (
    AnnotatedArticle,
    Article,
    Brief,
    CitedText,
    CopyRef,
    DateOrigin,
    Discrepancy,
    EntityMention,
    EntitySummary,
    Fact,
    Precision,
    Quality,
    Quantity,
    Quote,
    QuoteItem,
    Sentence,
    SourceRef,
    SourceSignal,
    Span,
    Story,
    Support,
    Tense,
    TimeExpr,
    TimelineEntry,
)

# --- strategies ------------------------------------------------------------------------

# Fixed offsets: a named zone comes back as its offset (see test_named_zones_keep_the_instant),
# and Python never calls a fold-dependent time equal to one in another zone.
TZS = st.sampled_from(
    [UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5, minutes=-30))]
)
text = st.text(max_size=40)
opt_text = st.none() | text
ids = st.text(alphabet="abcdef0123456789", min_size=1, max_size=12)
aware = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=TZS)
offsets = st.integers(min_value=0, max_value=10_000)


@st.composite
def spans(draw: st.DrawFn, article_id: st.SearchStrategy[str] = ids) -> Span:
    start = draw(offsets)
    return Span(draw(article_id), start, start + draw(st.integers(0, 500)))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    return Article(
        article_id=draw(ids),
        text=draw(st.text(max_size=200)),
        content_hash=draw(ids),
        title=draw(opt_text),
        source=draw(opt_text),
        url=draw(opt_text),
        path=draw(opt_text),
        published=draw(st.none() | aware),
        date_origin=draw(st.sampled_from(DateOrigin)),
        language=draw(opt_text),
        dateline=draw(opt_text),
        input_format=draw(st.sampled_from(["text", "html", "jsonl", "rss", "warc"])),
    )


@st.composite
def annotated(draw: st.DrawFn) -> AnnotatedArticle:
    article = draw(articles())
    # Mostly spans of the article itself, sometimes a span into another article.
    own = spans(st.just(article.article_id) | ids)
    opt_own = st.none() | own
    dates = st.none() | st.dates()
    return AnnotatedArticle(
        article=article,
        sentences=tuple(draw(st.lists(st.builds(Sentence, own, text), max_size=4))),
        entities=tuple(
            draw(
                st.lists(
                    st.builds(
                        EntityMention,
                        own,
                        text,
                        st.sampled_from(["PERSON", "ORG", "GPE"]),
                        text,
                        opt_text,
                    ),
                    max_size=4,
                )
            )
        ),
        quotes=tuple(
            draw(
                st.lists(
                    st.builds(Quote, own, text, opt_text, opt_own, opt_text, opt_own), max_size=3
                )
            )
        ),
        quantities=tuple(
            draw(
                st.lists(
                    st.builds(
                        Quantity, own, text, st.floats(allow_nan=False), text, opt_text, opt_text
                    ),
                    max_size=3,
                )
            )
        ),
        times=tuple(
            draw(
                st.lists(
                    st.builds(
                        TimeExpr,
                        own,
                        text,
                        dates,
                        dates,
                        st.sampled_from(Precision),
                        st.sampled_from(Tense),
                    ),
                    max_size=3,
                )
            )
        ),
        embedding=draw(
            st.lists(st.floats(width=32, allow_nan=False), max_size=8).map(
                lambda xs: np.asarray(xs, dtype=np.float32)
            )
        ),
    )


citations = st.lists(spans(), max_size=3).map(tuple)
supports = st.builds(Support, st.integers(0, 50), st.integers(0, 50))
cited = st.builds(CitedText, text, citations)


def _tuples(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


briefs = st.builds(
    Brief,
    story_id=ids,
    headline=text,
    summary=_tuples(cited),
    facts=_tuples(st.builds(Fact, text, supports, citations)),
    entities=_tuples(
        st.builds(EntitySummary, text, text, _tuples(text), st.integers(0, 99), citations)
    ),
    quotes=_tuples(st.builds(QuoteItem, text, text, opt_text, citations)),
    timeline=_tuples(
        st.builds(
            TimelineEntry,
            text,
            st.sampled_from(Precision),
            text,
            text,
            st.booleans(),
            supports,
            citations,
        )
    ),
    discrepancies=_tuples(st.builds(Discrepancy, text, text, text, _tuples(cited))),
    articles=_tuples(
        st.builds(
            SourceRef,
            ids,
            opt_text,
            opt_text,
            st.none() | aware,
            st.sampled_from(DateOrigin),
            opt_text,
            opt_text,
        )
    ),
)


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    """What a reader on the other side of a file or socket gets back."""
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


# --- round trips -----------------------------------------------------------------------


@given(articles())
def test_article_round_trip(article: Article) -> None:
    back = codec.article_from_dict(through_json(codec.article_to_dict(article)))
    assert back == article
    if article.published is not None:
        assert back.published is not None
        assert back.published.utcoffset() == article.published.utcoffset()


@given(annotated())
@settings(max_examples=60)
def test_annotated_round_trip(item: AnnotatedArticle) -> None:
    data = through_json(codec.annotated_to_dict(item))
    blob, dim = codec.embedding_to_blob(item.embedding)
    back = codec.annotated_from_dict(data, codec.embedding_from_blob(blob, dim))
    assert back == item
    assert back.embedding.dtype == np.float32
    np.testing.assert_array_equal(back.embedding, item.embedding)


@given(st.builds(Story, ids, st.lists(ids, max_size=5).map(tuple)))
def test_story_round_trip(story: Story) -> None:
    assert codec.story_from_dict(through_json(codec.story_to_dict(story))) == story


@given(briefs)
@settings(max_examples=60)
def test_brief_round_trip(brief: Brief) -> None:
    assert codec.brief_from_dict(through_json(codec.brief_to_dict(brief))) == brief


@given(st.lists(st.floats(width=32, allow_nan=False), max_size=16))
def test_embedding_base64_round_trip(values: list[float]) -> None:
    vector = np.asarray(values, dtype=np.float32)
    back = codec.embedding_from_b64(codec.embedding_to_b64(vector))
    assert back.dtype == np.float32
    np.testing.assert_array_equal(back, vector)


# --- the brief's public JSON shape -----------------------------------------------------

A = "a1"
BRIEF = Brief(
    story_id="s1",
    headline="Talks end with a framework",
    headline_article=A,
    headline_citations=(Span(A, 0, 16),),
    summary=(CitedText("Negotiators met.", (Span(A, 0, 16),)),),
    facts=(Fact("They met twice.", Support(3, 2), (Span(A, 17, 32), Span("a2", 4, 20))),),
    entities=(EntitySummary("Ada Vale", "PERSON", ("trade envoy",), 4, (Span(A, 40, 48),)),),
    quotes=(QuoteItem("Ada Vale", "We made progress", "said", (Span(A, 50, 66),)),),
    timeline=(
        TimelineEntry(
            "2025-10-30",
            Precision.DAY,
            "Leaders meet",
            "next Thursday",
            True,
            Support(2, 2),
            (Span(A, 70, 83),),
        ),
    ),
    discrepancies=(
        Discrepancy(
            "talks duration",
            "figure",
            "2 days vs 3 days",
            (
                CitedText("two days", (Span(A, 90, 98),), Support(2, 1)),
                CitedText("three days", (Span("a2", 5, 15),)),
            ),
        ),
    ),
    articles=(
        SourceRef(
            A,
            "Daily Wire Desk",
            "Talks end",
            datetime(2025, 10, 26, 9, 30, tzinfo=timezone(timedelta(hours=8))),
            DateOrigin.HEADER,
            "https://example.org/a1",
            None,
        ),
    ),
    sources=(
        SourceSignal(
            A,
            (CopyRef("a2", 120, (Span(A, 0, 120),)),),
            2,
            Quality(0.4, ("words run together: worldswhich",)),
        ),
    ),
    texts={A: "not part of the JSON"},
)

EXPECTED_SHAPE = {
    "summary": {"text", "citations"},
    "facts": {"text", "support", "citations"},
    "entities": {"name", "type", "kind", "roles", "mentions", "citations"},
    "quotes": {"speaker", "text", "cue", "citations", "variants"},
    "timeline": {"date", "precision", "event", "when", "scheduled", "support", "citations"},
    "discrepancies": {"topic", "kind", "reason", "claims", "confidence", "evidence"},
    "articles": {"article_id", "source", "title", "published", "date_origin", "url", "path"},
}


def test_brief_json_has_the_published_shape() -> None:
    data = codec.brief_to_dict(BRIEF)
    assert list(data) == [
        "story_id",
        "headline",
        "headline_article",
        "headline_citations",
        *EXPECTED_SHAPE,
        "sources",
        "coverage",
        "offsets",
    ]
    for section, keys in EXPECTED_SHAPE.items():
        assert set(data[section][0]) == keys, section
    assert data["facts"][0]["support"] == {"articles": 3, "independent": 2}
    # Each citation carries the words it cites: code points [start, end) of the article text.
    assert data["summary"][0]["citations"] == [
        {"article_id": A, "start": 0, "end": 16, "text": "not part of the "}
    ]
    assert "code points" in data["offsets"]
    assert set(data["discrepancies"][0]["claims"][0]) == {"text", "citations", "support"}
    assert data["discrepancies"][0]["claims"][0]["support"] == {"articles": 2, "independent": 1}
    assert set(data["discrepancies"][0]["claims"][1]) == {"text", "citations"}
    assert data["sources"][0]["copies"][0]["from_article_id"] == "a2"
    assert data["sources"][0]["quality"] == {
        "score": 0.4,
        "reasons": ["words run together: worldswhich"],
    }
    assert data["coverage"]["article_ids"] == [A]
    # The fact is cited inside the passage A repeats from a2 (CopyRef above).
    assert data["coverage"]["rows"][0] == {"fact": 0, "articles": [True], "copied_from": ["a2"]}
    assert data["timeline"][0]["precision"] == "day"
    assert data["articles"][0]["published"] == "2025-10-26T09:30:00+08:00"
    assert data["articles"][0]["date_origin"] == "header"
    assert "texts" not in data and '"texts"' not in json.dumps(data)  # only cited slices
    without_texts = codec.brief_to_dict(replace(BRIEF, texts={}))
    assert without_texts["summary"][0]["citations"] == [{"article_id": A, "start": 0, "end": 16}]
    assert codec.brief_from_dict(data) == BRIEF
    assert codec.brief_from_dict(data).texts == {}


def test_named_zones_keep_the_instant_and_offset() -> None:
    published = datetime(2025, 10, 26, 9, 30, tzinfo=ZoneInfo("Europe/Istanbul"))
    data = codec.article_to_dict(Article("a1", "text", "h1", published=published))
    assert data["published"] == "2025-10-26T09:30:00+03:00"
    back = codec.article_from_dict(data).published
    assert back == published and back is not None
    assert back.utcoffset() == timedelta(hours=3)


def test_own_spans_are_compact_and_foreign_spans_are_full() -> None:
    article = Article("a1", "He said yes.", "h1")
    item = AnnotatedArticle(
        article,
        (Sentence(Span("a1", 0, 12), "He said yes."),),
        (),
        (Quote(Span("a1", 8, 11), "yes", "He Lifeng", Span("a2", 0, 9), "said", Span("a1", 3, 7)),),
        (),
        (),
        np.zeros(3, dtype=np.float32),
    )
    data = codec.annotated_to_dict(item)
    assert data["sentences"][0]["span"] == [0, 12]
    assert data["quotes"][0]["speaker_span"] == {"article_id": "a2", "start": 0, "end": 9}
    assert codec.annotated_from_dict(data, item.embedding) == item


# --- refusals --------------------------------------------------------------------------

GOOD = codec.article_to_dict(
    Article("a1", "text", "h1", published=datetime(2025, 1, 1, tzinfo=UTC))
)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": None}, "field 'text' must be str"),
        ({"published": "2025-01-01T10:00:00"}, "no UTC offset"),
        ({"published": "yesterday"}, "malformed value"),
        ({"date_origin": "guessed"}, "malformed value"),
        ({"title": 3}, "field 'title' must be str/null"),
    ],
)
def test_malformed_article_dicts_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        codec.article_from_dict({**GOOD, **change})
    assert info.value.where == "article dict"


def test_missing_fields_and_non_objects_are_refused() -> None:
    with pytest.raises(InputError, match="missing field 'content_hash'"):
        codec.article_from_dict({k: v for k, v in GOOD.items() if k != "content_hash"})
    with pytest.raises(InputError, match="expected an object, got list"):
        codec.article_from_dict([GOOD])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ({"article_id": "a", "start": "3", "end": 5}, "'start' must be int"),
        ({"article_id": "a", "start": True, "end": 5}, "'start' must be int"),
        ({"article_id": "a", "start": 3}, "missing field 'end'"),
    ],
)
def test_malformed_spans_are_refused(span: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        codec.span_from_dict(span)


def test_malformed_brief_names_the_field() -> None:
    data = codec.brief_to_dict(BRIEF)
    data["facts"][0]["support"] = {"articles": 3}
    with pytest.raises(InputError, match="missing field 'independent'"):
        codec.brief_from_dict(data)


def test_naive_datetimes_are_refused_on_the_way_out() -> None:
    article = Article("a1", "text", "h1", published=datetime(2025, 1, 1))
    with pytest.raises(InputError, match="has no timezone"):
        codec.article_to_dict(article)


@pytest.mark.parametrize(
    "vector",
    [
        [0.1, 0.2],
        None,
        np.zeros((2, 3), dtype=np.float32),
        np.array(["0.1", "0.2"]),
        np.array([True, False]),
        np.float32(1.0),
    ],
    ids=["list", "none", "2-d", "strings", "bools", "scalar"],
)
def test_embeddings_must_be_numeric_vectors(vector: Any) -> None:
    with pytest.raises(InputError, match="1-D numeric numpy array"):
        codec.embedding_to_blob(vector)


def test_embedding_blob_is_little_endian_float32() -> None:
    blob, dim = codec.embedding_to_blob(np.array([1.0, -2.5], dtype=np.float64))
    assert dim == 2 and blob == np.array([1.0, -2.5], dtype="<f4").tobytes()
    with pytest.raises(InputError, match="cannot hold 3 float32 values"):
        codec.embedding_from_blob(blob, 3)
    with pytest.raises(InputError, match="not base64"):
        codec.embedding_from_b64("***")
    assert codec.embedding_from_blob(blob, 2).flags.writeable


def test_dates_and_enums_are_written_as_strings() -> None:
    item = AnnotatedArticle(
        Article("a1", "in May", "h1"),
        (),
        (),
        (),
        (),
        (
            TimeExpr(
                Span("a1", 0, 6),
                "in May",
                date(2025, 5, 1),
                date(2025, 5, 31),
                Precision.MONTH,
                Tense.PAST,
            ),
        ),
        np.zeros(1, dtype=np.float32),
    )
    assert codec.annotated_to_dict(item)["times"] == [
        {
            "span": [0, 6],
            "text": "in May",
            "start": "2025-05-01",
            "end": "2025-05-31",
            "precision": "month",
            "tense": "past",
            "rule": "",
            "lead": 0,
            "progressive": False,
            "scheduled": False,
        }
    ]
