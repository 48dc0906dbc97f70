"""What the Markdown and HTML renderings of a brief share: how sources are numbered and
described, citation markers, dates, cited passages, the coverage matrix (key fact x source,
copies marked), the per-source signals and the grouping of quotes. Both renderers take these
from here, so both outputs number and describe sources the same way.

Everything returned is plain text with control characters removed and whitespace collapsed
(``one_line``); escaping for HTML is the HTML renderer's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsweave.errors import NewsweaveError
from newsweave.fuse.readable import entity_kind as readable_kind
from newsweave.model import (
    Brief,
    DateOrigin,
    Precision,
    QuoteItem,
    SourceRef,
    SourceSignal,
    Span,
    Support,
    TimelineEntry,
)

__all__ = [
    "QUALITY_NOTE_BELOW",
    "REPRINT_SHARE",
    "Coverage",
    "CoverageCell",
    "RenderError",
    "characters_text",
    "citation_markers",
    "cited_passage",
    "copied_from",
    "copy_origin",
    "copy_regions",
    "copy_text",
    "coverage",
    "describe_published",
    "entity_kind",
    "fact_label",
    "first_reports_text",
    "group_quotes",
    "needs_quality_note",
    "one_line",
    "plural",
    "reprints",
    "short_text",
    "source_numbers",
    "story_line",
    "strip_controls",
    "support_text",
    "timeline_date",
]

REPRINT_SHARE = 0.5
"""A source whose text is at least this share of wording repeated from others is a reprint."""

QUALITY_NOTE_BELOW = 0.8
"""A source's quality score is shown when it is below this (or when it has reasons)."""


class RenderError(NewsweaveError, ValueError):
    """A brief cannot be rendered faithfully (e.g. it cites an article it does not list)."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """Drop control characters, so article text cannot send terminal escape sequences."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces, drop control characters."""
    return strip_controls(" ".join(text.split()))


def plural(count: int, word: str) -> str:
    """``1 article``, ``3 articles``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def characters_text(count: int) -> str:
    """``1 character``, ``1,330 characters``."""
    return f"{count:,} {'character' if count == 1 else 'characters'}"


def entity_kind(label: str) -> str:
    """A reader's word for an entity label: ``ORG`` -> ``organisation``."""
    return one_line(readable_kind(label))


def source_numbers(brief: Brief) -> dict[str, int]:
    """Map article id -> 1-based position in ``brief.articles`` (first one wins)."""
    numbers: dict[str, int] = {}
    for index, ref in enumerate(brief.articles, start=1):
        numbers.setdefault(ref.article_id, index)
    return numbers


def citation_markers(brief: Brief, citations: Iterable[Span]) -> list[int]:
    """Sorted, distinct source numbers of ``citations``.

    Raises:
        RenderError: a citation names an article that ``brief.articles`` does not list; a
            marker for it would point nowhere, so the brief is rejected rather than guessed.
    """
    numbers = source_numbers(brief)
    found: set[int] = set()
    for span in citations:
        number = numbers.get(span.article_id)
        if number is None:
            raise RenderError(
                f"brief {brief.story_id!r}: a citation refers to article {span.article_id!r}, "
                "which is not in brief.articles (add its SourceRef or drop the citation)"
            )
        found.add(number)
    return sorted(found)


def describe_published(ref: SourceRef) -> str:
    """``2025-10-26``, ``2025-10-26 (date inferred)`` (an estimate: from the story, the
    article's address or a date line at its top) or ``date unknown``."""
    if ref.published is None or ref.date_origin is DateOrigin.UNKNOWN:
        return "date unknown"
    day = ref.published.date().isoformat()
    if ref.date_origin.estimated:
        return f"{day} (date inferred)"
    return day


def story_line(brief: Brief) -> str:
    """``Story s1 · 3 articles, 2 outlets · 2025-10-25 to 2025-10-26 (1 undated)``."""
    outlets: set[str] = set()
    for ref in brief.articles:
        outlets.add(ref.source.casefold() if ref.source else f"\0{ref.article_id}")
    days = sorted(
        ref.published.date()
        for ref in brief.articles
        if ref.published is not None and ref.date_origin is not DateOrigin.UNKNOWN
    )
    undated = len(brief.articles) - len(days)
    if not days:
        span = "dates unknown"
    else:
        span = days[0].isoformat()
        if days[-1] != days[0]:
            span += f" to {days[-1].isoformat()}"
        if undated:
            span += f" ({undated} undated)"
    parts = [
        f"Story {one_line(brief.story_id)}",
        f"{plural(len(brief.articles), 'article')}, {plural(len(outlets), 'outlet')}",
        span,
    ]
    return " · ".join(parts)


def support_text(support: Support) -> str:
    """``(3 articles, 2 independent)``."""
    return f"({plural(support.articles, 'article')}, {support.independent} independent)"


def timeline_date(entry: TimelineEntry) -> str:
    """ISO date, with the precision when it is not a day and ``(scheduled)`` when it is."""
    text = one_line(entry.date)
    if entry.precision is not Precision.DAY:
        text += f" ({entry.precision.value})"
    if entry.scheduled:
        text += " (scheduled)"
    return text


def cited_passage(brief: Brief, span: Span) -> str | None:
    """The cited characters of the article, or ``None`` when its text is not in the brief."""
    text = brief.texts.get(span.article_id)
    if text is None or not 0 <= span.start < span.end <= len(text):
        return None
    return text[span.start : span.end]


def needs_quality_note(signal: SourceSignal) -> bool:
    """Whether a source's text quality is worth a line: a low score or a stated reason."""
    return signal.quality.score < QUALITY_NOTE_BELOW or bool(signal.quality.reasons)


def first_reports_text(count: int) -> str:
    """``first to report 3 facts``."""
    return f"first to report {plural(count, 'fact')}"


def copy_text(brief: Brief, signal: SourceSignal) -> str | None:
    """``repeats 1,330 characters of [3], 540 characters of [9]``, or ``None`` for no copies."""
    numbers = source_numbers(brief)
    parts = []
    for ref in signal.copies:
        number = numbers.get(ref.from_article_id)
        origin = f"[{number}]" if number else f"unlisted article {one_line(ref.from_article_id)}"
        parts.append(f"{characters_text(ref.chars)} of {origin}")
    return "repeats " + ", ".join(parts) if parts else None


def fact_label(index: int) -> str:
    """``F1`` for the first key fact (``index`` is 0-based)."""
    return f"F{index + 1}"


def short_text(text: str, words: int = 8, chars: int = 40) -> str:
    """The first ``words`` words of ``text`` (at most ``chars`` characters), ``…`` if cut."""
    full = one_line(text)
    kept: list[str] = []
    for word in full.split(" ")[:words]:
        if kept and len(" ".join([*kept, word])) > chars - 1:
            break
        kept.append(word)
    short = " ".join(kept)[: chars - 1]
    return full if short == full else short.rstrip(",;:– -") + "…"


def copy_regions(brief: Brief) -> dict[str, list[tuple[int, int, str]]]:
    """Per article, its copied stretches ``(start, end, origin article id)``.

    The spans of one copy relation are merged across gaps that hold only whitespace, so a
    passage spanning two copied sentences still counts as copied.
    """
    regions: dict[str, list[tuple[int, int, str]]] = {}
    for signal in brief.sources:
        text = brief.texts.get(signal.article_id)
        for ref in signal.copies:
            merged: list[list[int]] = []
            for span in sorted(ref.spans, key=lambda s: (s.start, s.end)):
                if span.article_id != signal.article_id or span.end <= span.start:
                    continue
                if merged:
                    last = merged[-1]
                    gap = text[last[1] : span.start] if text is not None else None
                    if span.start <= last[1] or (gap is not None and not gap.strip()):
                        last[1] = max(last[1], span.end)
                        continue
                merged.append([span.start, span.end])
            regions.setdefault(signal.article_id, []).extend(
                (a, b, ref.from_article_id) for a, b in merged
            )
    return regions


def copied_from(brief: Brief, spans: Iterable[Span]) -> str | None:
    """The article whose wording every one of ``spans`` repeats, or ``None``.

    All spans must lie inside copied stretches (see ``SourceSignal.copies``) of their article
    and come from the same origin; a passage only partly copied is the source's own.
    """
    return copy_origin(copy_regions(brief), spans)


def copy_origin(
    regions: dict[str, list[tuple[int, int, str]]], spans: Iterable[Span]
) -> str | None:
    """The origin every one of ``spans`` lies in, among ``regions`` (:func:`copy_regions`)."""
    origin: str | None = None
    for span in spans:
        found = next(
            (o for a, b, o in regions.get(span.article_id, ()) if a <= span.start < span.end <= b),
            None,
        )
        if found is None or (origin is not None and found != origin):
            return None
        origin = found
    return origin


def reprints(brief: Brief) -> set[str]:
    """Articles whose text is mostly (``REPRINT_SHARE``) wording repeated from other sources."""
    found: set[str] = set()
    for article_id, regions in copy_regions(brief).items():
        text = brief.texts.get(article_id)
        if not text:
            continue
        covered = reach = 0
        for start, end, _ in sorted(regions):
            start, end = max(start, reach), min(end, len(text))
            covered += max(0, end - start)
            reach = max(reach, end)
        if covered >= REPRINT_SHARE * len(text):
            found.add(article_id)
    return found


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """Whether a source reports a key fact, and whose wording it repeats when it does."""

    reported: bool
    copied_from: str | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """The key fact x source matrix: ``columns`` are ``(source number, article id)``."""

    columns: tuple[tuple[int, str], ...]
    rows: tuple[tuple[CoverageCell, ...], ...]
    single_source: tuple[int, ...]
    """Indexes of facts only one article reports."""
    one_independent: tuple[int, ...]
    """Indexes of facts several articles report, all repeating one independent source."""


def coverage(brief: Brief) -> Coverage:
    """Which source reports which key fact (the JSON ``coverage``, with copies marked)."""
    columns = tuple((n, aid) for aid, n in source_numbers(brief).items())
    regions = copy_regions(brief)
    rows = []
    for fact in brief.facts:
        by_article: dict[str, list[Span]] = {}
        for span in fact.citations:
            by_article.setdefault(span.article_id, []).append(span)
        rows.append(
            tuple(
                CoverageCell(True, copy_origin(regions, by_article[aid]))
                if aid in by_article
                else CoverageCell(False)
                for _, aid in columns
            )
        )
    return Coverage(
        columns=columns,
        rows=tuple(rows),
        single_source=tuple(i for i, f in enumerate(brief.facts) if f.support.articles == 1),
        one_independent=tuple(
            i
            for i, f in enumerate(brief.facts)
            if f.support.articles > 1 and f.support.independent <= 1
        ),
    )


def quote_note(quote: QuoteItem) -> str | None:
    """The quote's note as one line with a capital first letter, or ``None`` without one."""
    text = one_line(quote.note or "")
    return text[:1].upper() + text[1:] if text else None


def group_quotes(quotes: Sequence[QuoteItem]) -> list[tuple[str, list[QuoteItem]]]:
    """Quotes by speaker, speakers in order of first appearance, quotes in given order."""
    groups: dict[str, list[QuoteItem]] = {}
    for quote in quotes:
        speaker = one_line(quote.speaker) or "Unattributed"
        groups.setdefault(speaker, []).append(quote)
    return list(groups.items())
