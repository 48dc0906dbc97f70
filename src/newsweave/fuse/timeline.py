"""One timeline for the story: dated events from every article, the same event merged.

An event is the sentence a resolved time expression sits in. Two entries merge when they have
the same date (same precision) and their sentences share enough words, so "the meeting on
October 30" and "meet next Thursday" (resolved to the same day) become one entry with both
citations. Entries after the publication date of the articles stating them are scheduled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsweave.fuse.independence import CopyGraph, words_of
from newsweave.model import (
    AnnotatedArticle,
    Precision,
    Sentence,
    Span,
    Support,
    TimeExpr,
    TimelineEntry,
)


@dataclass(frozen=True, slots=True)
class TimelineOptions:
    """Args:
    merge_overlap: share of content words (0..1) above which two same-date events merge.
    max_entries: entries kept, best supported first, then shown in date order.
    max_scheduled: places kept for scheduled events beyond the best supported ones.
    max_per_day: events kept for one date, best supported first.
    """

    merge_overlap: float = 0.3
    max_entries: int = 30
    max_scheduled: int = 6
    max_per_day: int = 3


def date_key(expr: TimeExpr) -> str | None:
    """ISO form with the expression's precision: 2025-10-30, 2025-05, 2025, or a range."""
    if expr.start is None:
        return None
    if expr.precision == Precision.DAY:
        return expr.start.isoformat()
    if expr.precision == Precision.MONTH:
        return expr.start.isoformat()[:7]
    if expr.precision == Precision.YEAR:
        return str(expr.start.year)
    end = expr.end or expr.start
    if end == expr.start:
        return expr.start.isoformat()
    return f"{expr.start.isoformat()}/{end.isoformat()}"


@dataclass(slots=True)
class _Draft:
    key: str
    precision: Precision
    start: date
    sentences: list[Sentence]
    whens: list[TimeExpr]
    scheduled: bool


def _sentence_of(item: AnnotatedArticle, span: Span) -> Sentence | None:
    for s in item.sentences:
        if s.span.start <= span.start and span.end <= s.span.end:
            return s
    return None


def build_timeline(
    items: Sequence[AnnotatedArticle],
    graph: CopyGraph | None = None,
    quality: dict[str, float] | None = None,
    options: TimelineOptions | None = None,
) -> list[TimelineEntry]:
    """Dated events of the story in date order (earliest first)."""
    opts = options or TimelineOptions()
    quality = quality or {}
    drafts: list[_Draft] = []
    # How many articles mention each date at all: a date many reports refer to matters.
    date_refs: dict[str, set[str]] = {}
    for item in items:
        published = item.article.published.date() if item.article.published else None
        for expr in item.times:
            key = date_key(expr)
            sentence = _sentence_of(item, expr.span)
            if key is None or expr.start is None or sentence is None:
                continue
            if _in_dateline(item.article.text, expr):
                continue  # "VARNHOLM, March 14 (EPA) -" dates the report, not an event
            if len(sentence.text.split()) < 5 or _COMMENT.search(sentence.text):
                continue
            date_refs.setdefault(key, set()).add(item.article_id)
            scheduled = published is not None and expr.start > published
            for draft in drafts:
                if draft.key != key:
                    continue
                if any(
                    d.span.article_id == item.article_id and d.span == sentence.span
                    for d in draft.sentences
                ):
                    break
                if (
                    max(_overlap(sentence.text, d.text) for d in draft.sentences)
                    >= opts.merge_overlap
                ):
                    draft.sentences.append(sentence)
                    draft.whens.append(expr)
                    draft.scheduled = draft.scheduled or scheduled
                    break
            else:
                drafts.append(
                    _Draft(key, expr.precision, expr.start, [sentence], [expr], scheduled)
                )
    entries: list[TimelineEntry] = []
    for draft in drafts:
        best = max(
            range(len(draft.sentences)),
            key=lambda i: (
                quality.get(draft.sentences[i].span.article_id, 1.0),
                -len(draft.sentences[i].text),
            ),
        )
        sentence, when = draft.sentences[best], draft.whens[best]
        articles = {s.span.article_id for s in draft.sentences}
        citations = tuple(dict.fromkeys([sentence.span] + [s.span for s in draft.sentences]))
        entries.append(
            TimelineEntry(
                date=draft.key,
                precision=draft.precision,
                event=sentence.text,
                when=when.text,
                scheduled=draft.scheduled,
                support=Support(
                    len(articles), (graph or CopyGraph()).independent(_distinct(draft.sentences))
                ),
                citations=citations,
            )
        )
    # Keep the best supported events on the most referred-to dates; among equals, what is
    # scheduled (what comes next) first.
    entries.sort(
        key=lambda e: (
            -e.support.independent,
            -len(date_refs.get(e.date, ())),
            -e.support.articles,
            not e.scheduled,
            _precision_rank(e.precision),
        )
    )
    # A day keeps its best few events; a garbled copy alone does not date an event.
    per_day: dict[str, int] = {}
    capped: list[TimelineEntry] = []
    for e in entries:
        if e.support.articles == 1 and quality.get(e.citations[0].article_id, 1.0) < 0.5:
            continue
        per_day[e.date] = per_day.get(e.date, 0) + 1
        if per_day[e.date] <= opts.max_per_day:
            capped.append(e)
    entries = capped
    # What comes next matters to a reader: a few scheduled events keep a place of their own.
    reserved = min(opts.max_scheduled, opts.max_entries // 3)
    kept = entries[: opts.max_entries - reserved]
    kept += [e for e in entries[len(kept) :] if e.scheduled][:reserved]
    kept.sort(key=lambda e: (e.date[:10], _precision_rank(e.precision)))
    return kept


_DATELINE_PREFIX = re.compile(r"^[A-Z][A-Z .'’-]+,\s*$")


_AGENCY_HEADER = re.compile(r"\((?:Reuters|AP|AFP|EPA|Bloomberg|dpa|Xinhua)\)|\s\|\s")
# Reader comments and photo captions carry timestamps that are not events of the story.
_COMMENT = re.compile(r"\bwrote:|\|\s*Reply\b|^\s*At \d{1,2}:\d{2}\b|\bfile photo\b", re.I)


def _in_dateline(text: str, expr: TimeExpr) -> bool:
    line_start = text.rfind("\n", 0, expr.span.start) + 1
    prefix = text[line_start : expr.span.start]
    if _DATELINE_PREFIX.match(prefix):
        return True
    # "LONDON | Tue Mar 1, 2011 7:40 am EST LONDON (Reuters) -": a header line of the report.
    line_end = text.find("\n", expr.span.start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return (
        line_start < 200
        and bool(_AGENCY_HEADER.search(line[:160]))
        and (expr.span.start - line_start < 80)
    )


def _distinct(sentences: Sequence[Sentence]) -> list[Sentence]:
    return list({(s.span.article_id, s.span.start): s for s in sentences}.values())


def _precision_rank(precision: Precision) -> int:
    return [Precision.DAY, Precision.RANGE, Precision.WEEK, Precision.MONTH, Precision.YEAR].index(
        precision
    )


_FUNCTION_WORDS = frozenset(
    "the a an and or of to in on at for with by from that this which who will would has have had "
    "is are was were be been as it its their his her they he she we our not but after before "
    "said says also".split()
)


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the content words of two sentences."""
    wa = {w for w in words_of(a) if w not in _FUNCTION_WORDS and len(w) > 2}
    wb = {w for w in words_of(b) if w not in _FUNCTION_WORDS and len(w) > 2}
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)
