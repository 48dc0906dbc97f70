"""The timeline: one entry per event, merged across sources, bounded work."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from spacy.language import Language

from newsweave.annotate.pipeline import annotate_doc
from newsweave.fuse.clauses import clause_around, clean
from newsweave.fuse.timeline import TimelineOptions, build_timeline
from newsweave.ingest import make_article
from newsweave.model import (
    AnnotatedArticle,
    Article,
    DateOrigin,
    Precision,
    Sentence,
    Span,
    Tense,
    TimeExpr,
    TimelineEntry,
)


def _annotated(nlp: Language, text: str, day: date, source: str) -> AnnotatedArticle:
    article = make_article(
        text,
        source=source,
        published=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
        date_origin=DateOrigin.HEADER,
        language="en",
    )
    return annotate_doc(nlp(article.text), article)


# Invented reports of one invented event (a ferry strike), two outlets, two days.
REPORT_A = (
    "Ferry crews on the Lanner Strait walked out on Monday over a pay freeze. "
    "The operator, Tessel Lines, said on Tuesday that talks with the crews' union would be "
    "held on Saturday and Sunday. "
    "TALKING POINTS The union wants a 6 percent rise, the operator offers 3 percent. "
    "The union had rejected a first offer in May and a second in August."
)
REPORT_B = (
    "Tessel Lines and the ferry crews' union will meet on Saturday and Sunday for two days of "
    "talks to end the strike that began on Monday. "
    "Crews walked out on Monday after the operator froze pay for a second year."
)


@pytest.fixture(scope="module")
def entries(nlp: Language) -> list[TimelineEntry]:
    a = _annotated(nlp, REPORT_A, date(2026, 5, 12), "Strait Herald")
    b = _annotated(nlp, REPORT_B, date(2026, 5, 13), "Coast Wire")
    return build_timeline([a, b])


def test_the_walkout_is_one_entry_from_both_sources(entries: list[TimelineEntry]) -> None:
    walkout = [e for e in entries if e.date == "2026-05-11"]
    assert len(walkout) == 1, [(e.date, e.event) for e in entries]
    assert walkout[0].support.articles == 2


def test_a_two_day_event_is_one_range_not_its_days(entries: list[TimelineEntry]) -> None:
    weekend = [e for e in entries if e.date.startswith("2026-05-16") or "05-17" in e.date]
    assert [e.date for e in weekend] == ["2026-05-16/2026-05-17"], [
        (e.date, e.event) for e in entries
    ]
    assert weekend[0].precision is Precision.RANGE
    assert weekend[0].scheduled


def test_one_sentence_is_never_listed_twice(entries: list[TimelineEntry]) -> None:
    cited = [(c.article_id, c.start) for e in entries for c in e.citations]
    assert len(cited) == len(set(cited))
    events = [e.event for e in entries]
    assert len(events) == len(set(events))


def test_sub_headings_are_cut_from_event_text(entries: list[TimelineEntry]) -> None:
    assert not any("TALKING POINTS" in e.event for e in entries)


def test_a_sentence_with_two_months_is_one_entry(entries: list[TimelineEntry]) -> None:
    for e in entries:
        assert e.when in e.event
    offers = [e for e in entries if "first offer" in e.event]
    assert len(offers) == 1, [(e.date, e.event) for e in entries]
    assert offers[0].precision is Precision.MONTH


def test_clean_drops_a_heading_and_keeps_offsets() -> None:
    text = "DELICATE BALANCE Josh Vane said the two sides must first settle the dispute."
    s = Sentence(Span("a", 10, 10 + len(text)), text)
    out = clean(s)
    assert out.text == "Josh Vane said the two sides must first settle the dispute."
    assert text[out.span.start - 10 : out.span.end - 10] == out.text
    acronym = "US Treasury officials met their counterparts in Oslo on Sunday."
    assert clean(Sentence(Span("a", 0, len(acronym)), acronym)).text == acronym


def test_clause_around_keeps_the_dated_clause() -> None:
    text = (
        "The union lowered its demand on Wednesday, while the port said on Thursday that "
        "it would raise its offer."
    )
    s = Sentence(Span("a", 0, len(text)), text)
    at = text.index("on Thursday")
    got = clause_around(s, Span("a", at, at + len("on Thursday")))
    assert got.text == "while the port said on Thursday that it would raise its offer."
    assert text[got.span.start : got.span.end] == got.text


def _live_blog(n: int) -> AnnotatedArticle:
    """A live blog of ``n`` short dated sentences (built directly: no parse needed)."""
    parts, sentences, times = [], [], []
    pos = 0
    for k in range(n):
        day = date(2026, 1, 1 + k % 28)
        line = f"Update {k}: crews held rally number {k} in harbour {k % 97} on {day:%B} {day.day}."
        when = f"on {day:%B} {day.day}"
        at = pos + line.index(when)
        sentences.append(Sentence(Span("blog", pos, pos + len(line)), line))
        times.append(
            TimeExpr(Span("blog", at, at + len(when)), when, day, day, Precision.DAY, Tense.PAST)
        )
        parts.append(line)
        pos += len(line) + 1
    text = "\n".join(parts)
    article = Article("blog", text, "h", published=datetime(2026, 2, 1, tzinfo=UTC))
    return AnnotatedArticle(
        article, tuple(sentences), (), (), (), tuple(times), np.zeros(0, dtype=np.float32)
    )


def test_a_live_blog_of_ten_thousand_dated_sentences_is_bounded() -> None:
    blog = _live_blog(10_000)
    entries = build_timeline([blog])
    assert 0 < len(entries) <= TimelineOptions().max_entries
    assert len({e.date for e in entries}) == len({e.date for e in entries})


def test_events_beyond_the_cap_are_not_read() -> None:
    blog = _live_blog(500)
    entries = build_timeline([blog], options=TimelineOptions(max_events=10, max_entries=100))
    # only the first ten updates (days 1..10 of January) can appear
    assert entries and all(date.fromisoformat(e.date) <= date(2026, 1, 10) for e in entries)
