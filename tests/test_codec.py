"""The JSON shape the codec writes, and what it refuses on the way in (with the field's path)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

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
    EntitySummary,
    Fact,
    Precision,
    Quality,
    Quote,
    QuoteItem,
    Sentence,
    SourceRef,
    SourceSignal,
    Span,
    Support,
    Tense,
    TimeExpr,
    TimelineEntry,
)

# Round trips of real articles, annotations and briefs (the example corpus as the store keeps
# it) are in tests/test_stored_format.py; here: the shape of the JSON and the refusals.


def test_embedding_base64_round_trip() -> None:
    vector = np.asarray([0.25, -1.5, 3e-8, 0.0], dtype=np.float32)
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
        ({"text": None}, "Expected `str`, got `null` - at `$.text`"),
        ({"published": "2025-01-01T10:00:00"}, "has no UTC offset - at `$.published`"),
        ({"published": "yesterday"}, "Invalid RFC3339 encoded datetime - at `$.published`"),
        ({"date_origin": "guessed"}, "Invalid enum value 'guessed' - at `$.date_origin`"),
        ({"title": 3}, "Expected `str | null`, got `int` - at `$.title`"),
    ],
)
def test_malformed_article_dicts_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as info:
        codec.article_from_dict({**GOOD, **change})
    assert info.value.where == "article dict"


def test_missing_fields_and_non_objects_are_refused() -> None:
    with pytest.raises(InputError, match="missing required field `content_hash`"):
        codec.article_from_dict({k: v for k, v in GOOD.items() if k != "content_hash"})
    with pytest.raises(InputError, match="expected an object, got list"):
        codec.article_from_dict([GOOD])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ({"article_id": "a", "start": "3", "end": 5}, "Expected `int`, got `str` - at `$.start`"),
        ({"article_id": "a", "start": True, "end": 5}, "Expected `int`, got `bool` - at `$.start`"),
        ({"article_id": "a", "start": 3}, "Object missing required field `end`"),
    ],
)
def test_malformed_spans_are_refused(span: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        codec.span_from_dict(span)


def test_malformed_brief_names_the_path_of_the_field() -> None:
    data = codec.brief_to_dict(BRIEF)
    data["facts"][0]["support"] = {"articles": 3}
    with pytest.raises(
        InputError, match=re.escape("field `independent` - at `$.facts[0].support`")
    ):
        codec.brief_from_dict(data)
    data = codec.brief_to_dict(BRIEF)
    data["sources"][0]["copies"][0]["citations"][0]["end"] = "120"
    with pytest.raises(InputError, match=re.escape("at `$.sources[0].copies[0].spans[0].end`")):
        codec.brief_from_dict(data)
    data = codec.brief_to_dict(BRIEF)
    data["articles"][0]["published"] = "2025-10-26T09:30:00"
    with pytest.raises(InputError, match=re.escape("no UTC offset - at `$.articles[0].published`")):
        codec.brief_from_dict(data)


def test_malformed_stored_annotations_name_the_path() -> None:
    item = AnnotatedArticle(
        Article("a1", "He said yes.", "h1"),
        (Sentence(Span("a1", 0, 12), "He said yes."),),
        (),
        (),
        (),
        (),
        np.zeros(3, dtype=np.float32),
    )
    data = codec.annotated_to_dict(item)
    data["sentences"][0]["span"] = [0, "12"]
    with pytest.raises(InputError, match=re.escape("- at `$.sentences[0].span.end`")):
        codec.annotated_from_dict(data, item.embedding)
    data["sentences"][0]["span"] = [0]
    with pytest.raises(InputError, match=re.escape("- at `$.sentences[0].span`")):
        codec.annotated_from_dict(data, item.embedding)


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


def test_text_with_a_lone_surrogate_is_written_as_it_is() -> None:
    # A file name that was not UTF-8 reaches the model through surrogateescape.
    article = Article("a1", "text", "h1", path="caf\udce9.txt", title="x")
    data = codec.article_to_dict(article)
    assert data["path"] == "caf\udce9.txt" and data["title"] == "x"
    assert codec.article_from_dict(data) == article
    item = AnnotatedArticle(
        Article("a1", "caf\udce9 said", "h1"),
        (Sentence(Span("a1", 0, 10), "caf\udce9 said"),),
        (),
        (),
        (),
        (),
        np.zeros(1, dtype=np.float32),
    )
    assert codec.annotations_to_dict(item)["sentences"] == [
        {"span": [0, 10], "text": "caf\udce9 said"}
    ]


def test_a_quote_note_is_written_only_when_there_is_one() -> None:
    noted = QuoteItem(
        "Ada Vale",
        "We made progress",
        "said",
        (Span(A, 50, 66),),
        (CitedText("We made some progress", (Span(A, 0, 16),)),),
        note="sources word this quotation slightly differently (2 renderings)",
    )
    brief = replace(BRIEF, quotes=(noted, *BRIEF.quotes))
    data = codec.brief_to_dict(brief)
    assert data["quotes"][0]["note"] == noted.note and "note" not in data["quotes"][1]
    assert codec.brief_from_dict(json.loads(json.dumps(data))).quotes == brief.quotes
