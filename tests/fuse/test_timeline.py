"""The timeline: one entry per event, merged across sources, bounded work."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np
import pytest
from spacy.language import Language

from newsweave.annotate.pipeline import annotate_doc
from newsweave.fuse.clauses import clause_around, clean
from newsweave.fuse.timeline import TimelineOptions, build_timeline, day_signals
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


def _cpu(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def test_a_live_blog_of_ten_thousand_dated_sentences_is_bounded() -> None:
    # Entries were once compared pairwise: 1k/2k/4k sentences took 5.5/17.7/56 s. Ten times
    # the sentences must cost well under the hundred times of a pairwise scan (CPU time, with
    # a floor for timer noise on a small run).
    small, blog = _live_blog(1_000), _live_blog(10_000)
    entries = build_timeline([blog])
    assert 0 < len(entries) <= TimelineOptions().max_entries
    days = {f"2026-01-{1 + k:02d}" for k in range(28)}
    assert {e.date for e in entries} <= days
    ratio = _cpu(lambda: build_timeline([blog])) / max(_cpu(lambda: build_timeline([small])), 0.1)
    assert ratio < 30, ratio


def test_events_beyond_the_cap_are_not_read() -> None:
    blog = _live_blog(500)
    entries = build_timeline([blog], options=TimelineOptions(max_events=10, max_entries=100))
    # only the first ten updates (days 1..10 of January) can appear
    assert entries and all(date.fromisoformat(e.date) <= date(2026, 1, 10) for e in entries)


# Invented reports of one invented strike over a week and a half: the walkout (6 April) is
# what the later reports keep returning to with a written date; the council vote (9 April)
# is announced ahead (three times in one article) and is the day with most reports, all of
# them of that very day.
STRIKE_REPORTS = (
    (
        date(2026, 4, 6),
        "Harbour Post",
        "Crews at the Lanner ferry terminal walked out on Monday over a pay freeze. "
        "The union's council will vote on Thursday on whether to widen the strike. "
        "Union leaders said the vote on Thursday would be decisive. "
        "Members will be balloted again before the vote on Thursday.",
    ),
    (
        date(2026, 4, 9),
        "Coast Wire",
        "The union's council voted on Thursday to widen the strike to the freight berths.",
    ),
    (
        date(2026, 4, 9),
        "Ferry Times",
        "Delegates gathered in Lanner on Thursday for the council vote on the strike.",
    ),
    (
        date(2026, 4, 9),
        "Port Daily",
        "Freight operators said on Thursday that they feared a longer stoppage.",
    ),
    (
        date(2026, 4, 13),
        "Strait Herald",
        "The strike that began on April 6 has cancelled more than 300 sailings.",
    ),
    (
        date(2026, 4, 16),
        "Lanner Gazette",
        "Crews walked out on April 6 after the operator froze pay for a second year.",
    ),
)


@pytest.fixture(scope="module")
def strike(nlp: Language) -> list[AnnotatedArticle]:
    return [_annotated(nlp, text, day, source) for day, source, text in STRIKE_REPORTS]


def test_day_signals_count_articles_by_when_they_refer(strike: list[AnnotatedArticle]) -> None:
    ids = [a.article_id for a in strike]
    walkout = day_signals(strike)[date(2026, 4, 6)]
    assert walkout.back_dated == {ids[4], ids[5]}  # later reports, written dates
    assert walkout.same == {ids[0]}
    vote = day_signals(strike)[date(2026, 4, 9)]
    assert vote.ahead == {ids[0]}  # one article, three sentences: counted once
    assert vote.same == {ids[1], ids[2], ids[3]}
    assert not vote.back_dated and not vote.back


def test_the_day_later_reports_refer_back_to_is_the_one_kept(
    strike: list[AnnotatedArticle],
) -> None:
    kept = build_timeline(
        strike, options=TimelineOptions(max_days=1, max_scheduled=0, only_days=True)
    )
    assert kept and {e.date for e in kept} == {"2026-04-06"}
    assert all("walked out" in e.event or "began" in e.event for e in kept)


def test_a_wire_reprint_does_not_refer_back_a_second_time(nlp: Language) -> None:
    from newsweave.fuse.context import build_context
    from newsweave.fuse.independence import build_copy_graph

    wire = (
        "The strike that began on April 6 has cancelled more than 300 sailings, the operator "
        "said. Freight has piled up at the terminal and hauliers have been told to wait. "
        "The union said its members would not return until the pay freeze was lifted."
    )
    original = _annotated(nlp, wire, date(2026, 4, 13), "Coast Wire")
    reprint = _annotated(nlp, wire + " Talks are not planned.", date(2026, 4, 14), "Strait Herald")
    own = _annotated(nlp, STRIKE_REPORTS[-1][2], date(2026, 4, 16), "Lanner Gazette")
    items = [original, reprint, own]
    graph = build_copy_graph(build_context(items, embed=False))
    walkout = day_signals(items, graph)[date(2026, 4, 6)]
    assert walkout.back_dated == {original.article_id, own.article_id}
    assert len(day_signals(items)[date(2026, 4, 6)].back_dated) == 3  # no copy graph: 3


def test_the_latest_day_keeps_places_though_nothing_refers_back_to_it_yet(
    strike: list[AnnotatedArticle], nlp: Language
) -> None:
    back = _annotated(
        nlp, "Ferry crews voted on Friday to return to work.", date(2026, 4, 17), "Coast Wire"
    )
    items = [*strike, back]
    small = TimelineOptions(max_days=2, max_scheduled=0, max_per_day=1)
    assert "2026-04-17" in {e.date for e in build_timeline(items, options=small)}
    unreserved = replace(small, max_latest=0)
    assert "2026-04-17" not in {e.date for e in build_timeline(items, options=unreserved)}


def test_a_state_since_a_year_is_not_an_event_of_that_year(nlp: Language) -> None:
    report = _annotated(
        nlp,
        "The minister said she would refer the dispute to the Labour Court, a step no "
        "government has taken in a port dispute since 1998. "
        "It was the fifth round of talks since May, the mediator said on Tuesday.",
        date(2026, 3, 12),
        "Harbour Post",
    )
    entries = build_timeline([report])
    assert not any(e.date == "1998" or "since 1998" in e.event for e in entries)
    assert any("fifth round" in e.event for e in entries)  # its other dates still count
