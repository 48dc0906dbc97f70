"""Render briefs as Markdown for a terminal or a file.

Citation markers like ``[1][3]`` refer to the numbered Sources list at the end of each brief
(the number is the article's position in ``Brief.articles``); under each source the exact
cited passages are listed in text order, so a reader can check every statement without
another tool.

The helpers below (source numbering, markers, dates, passages, the coverage matrix and the
per-source signals) are shared with the HTML renderer so that both outputs number and
describe sources the same way.

Fusion results come first where a fact-checker needs them: discrepancies right after the
story line, each side with its support; a coverage table (key fact x source) after the key
facts; and under each source its text quality, what it repeats of other sources and how many
facts it reported first. A passage inside wording copied from another source is flagged as
such, so a reader can tell a second source from a reprint.

Article text is untrusted but the Markdown is meant to be read as text: it is not escaped
for a Markdown-to-HTML converter (use :func:`newsweave.brief.render_html.render_html` for
a page). Whitespace inside article-derived text is collapsed so that no input can start a
new Markdown block.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsweave.errors import NewsweaveError, OptionError
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
    "Coverage",
    "CoverageCell",
    "RenderError",
    "citation_markers",
    "cited_passage",
    "copied_from",
    "copy_text",
    "coverage",
    "describe_published",
    "entity_kind",
    "fact_label",
    "first_reports_text",
    "group_quotes",
    "needs_quality_note",
    "one_line",
    "render_markdown",
    "reprints",
    "short_text",
    "source_numbers",
    "story_line",
    "strip_controls",
    "support_text",
    "timeline_date",
]

DEFAULT_WIDTH = 80
"""Lines are wrapped to fit an 80-column terminal; headings and URLs are never broken."""

MAX_COVERAGE_COLUMNS = 12
"""The Markdown coverage table shows at most this many sources; the rest are counted."""

REPRINT_SHARE = 0.5
"""A source whose text is at least this share of wording repeated from others is a reprint."""

QUALITY_NOTE_BELOW = 0.8
"""A source's quality score is shown when it is below this (or when it has reasons)."""


class RenderError(NewsweaveError, ValueError):
    """A brief cannot be rendered faithfully (e.g. it cites an article it does not list)."""


# --- helpers shared with render_html --------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_GLUE = "\x00"  # a space that wrapping must not break (before citation markers)


def strip_controls(text: str) -> str:
    """Drop control characters, so article text cannot send terminal escape sequences."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Collapse all whitespace (newlines included) to single spaces, drop control characters."""
    return strip_controls(" ".join(text.split()))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


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
    """``2025-10-26``, ``2025-10-26 (date inferred)`` or ``date unknown``."""
    if ref.published is None or ref.date_origin is DateOrigin.UNKNOWN:
        return "date unknown"
    day = ref.published.date().isoformat()
    if ref.date_origin is DateOrigin.INFERRED:
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
        f"{_plural(len(brief.articles), 'article')}, {_plural(len(outlets), 'outlet')}",
        span,
    ]
    return " · ".join(parts)


def support_text(support: Support) -> str:
    """``(3 articles, 2 independent)``."""
    return f"({_plural(support.articles, 'article')}, {support.independent} independent)"


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
    return f"first to report {_plural(count, 'fact')}"


def copy_text(brief: Brief, signal: SourceSignal) -> str | None:
    """``repeats 1,330 characters of [3], 540 characters of [9]``, or ``None`` for no copies."""
    numbers = source_numbers(brief)
    parts = []
    for ref in signal.copies:
        number = numbers.get(ref.from_article_id)
        origin = f"[{number}]" if number else f"unlisted article {one_line(ref.from_article_id)}"
        parts.append(f"{ref.chars:,} {'character' if ref.chars == 1 else 'characters'} of {origin}")
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


def _copy_regions(brief: Brief) -> dict[str, list[tuple[int, int, str]]]:
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
    return _origin(_copy_regions(brief), spans)


def _origin(regions: dict[str, list[tuple[int, int, str]]], spans: Iterable[Span]) -> str | None:
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
    for article_id, regions in _copy_regions(brief).items():
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
    regions = _copy_regions(brief)
    rows = []
    for fact in brief.facts:
        by_article: dict[str, list[Span]] = {}
        for span in fact.citations:
            by_article.setdefault(span.article_id, []).append(span)
        rows.append(
            tuple(
                CoverageCell(True, _origin(regions, by_article[aid]))
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


def group_quotes(quotes: Sequence[QuoteItem]) -> list[tuple[str, list[QuoteItem]]]:
    """Quotes by speaker, speakers in order of first appearance, quotes in given order."""
    groups: dict[str, list[QuoteItem]] = {}
    for quote in quotes:
        speaker = one_line(quote.speaker) or "Unattributed"
        groups.setdefault(speaker, []).append(quote)
    return list(groups.items())


# --- Markdown --------------------------------------------------------------------------------


class _Writer:
    """Collects lines and wraps list items with a hanging indent."""

    def __init__(self, width: int | None) -> None:
        self.width = width
        self.lines: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def raw(self, line: str) -> None:
        self.lines.append(line)

    def item(self, first: str, text: str, rest: str | None = None) -> None:
        """One block: ``first`` prefixes the first line, ``rest`` (spaces) the others."""
        rest = " " * len(first) if rest is None else rest
        if self.width is None:
            self.lines.append((first + text).replace(_GLUE, " "))
            return
        lines = textwrap.wrap(
            _keep_inline(text),
            width=self.width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [first.rstrip()]
        self.lines.extend(line.replace(_GLUE, " ") for line in lines)


# A word that would open a Markdown block (list, heading, quote, rule, fence, setext
# underline) if wrapping put it first on a line.
_BLOCK_START = re.compile(r"[-+*=]|\d{1,9}[.)]|#{1,6}|[-*_=]{2,}|>.*|`{3,}.*|~{3,}.*")


def _keep_inline(text: str) -> str:
    """Glue block-opening words to the word before them so no wrapped line starts with one."""
    words = text.split(" ")
    kept = words[:1]
    for word in words[1:]:
        if _BLOCK_START.fullmatch(word.split(_GLUE, 1)[0]):
            kept[-1] += _GLUE + word
        else:
            kept.append(word)
    return " ".join(kept)


def _marks(brief: Brief, citations: Iterable[Span]) -> str:
    return "".join(f"[{n}]" for n in citation_markers(brief, citations))


def _with_marks(text: str, marks: str) -> str:
    return f"{text}{_GLUE}{marks}" if marks else text


def _source_line(ref: SourceRef) -> str:
    outlet = one_line(ref.source) if ref.source else "unknown outlet"
    title = f"“{one_line(ref.title)}”" if ref.title else "(untitled)"
    parts = [outlet, title, describe_published(ref)]
    if ref.url:
        parts.append(one_line(ref.url))
    elif ref.path:
        parts.append(one_line(ref.path))
    return " — ".join(parts)


def _statement_citations(brief: Brief) -> list[Span]:
    """Citations of what the brief states (not entity mentions, which would drown them)."""
    spans: list[Span] = []
    for group in (brief.summary, brief.facts, brief.quotes, brief.timeline):
        for element in group:
            spans.extend(element.citations)
    for discrepancy in brief.discrepancies:
        for claim in discrepancy.claims:
            spans.extend(claim.citations)
    return spans


def _write_brief(out: _Writer, brief: Brief) -> None:
    out.raw(f"# {one_line(brief.headline)}")
    out.blank()
    out.item("", story_line(brief))

    if brief.discrepancies:
        out.blank()
        out.raw("## Discrepancies")
        out.blank()
        for disc in brief.discrepancies:
            head = f"**{one_line(disc.topic)}** ({one_line(disc.kind)}): {one_line(disc.reason)}"
            out.item("- ", head + f" (confidence {disc.confidence:.2f})")
            if disc.evidence:
                out.item("  - ", "evidence: " + one_line("; ".join(disc.evidence)))
            for claim in disc.claims:
                text = one_line(claim.text)
                if claim.support is not None:
                    text += " " + support_text(claim.support).replace(" ", _GLUE)
                out.item("  - ", _with_marks(text, _marks(brief, claim.citations)))

    if brief.summary:
        out.blank()
        out.raw("## Summary")
        out.blank()
        for sentence in brief.summary:
            out.item("- ", _with_marks(one_line(sentence.text), _marks(brief, sentence.citations)))

    if brief.facts:
        out.blank()
        out.raw("## Key facts")
        out.blank()
        for index, fact in enumerate(brief.facts):
            support = support_text(fact.support).replace(" ", _GLUE)
            text = f"{fact_label(index)}:{_GLUE}{one_line(fact.text)} {support}"
            out.item("- ", _with_marks(text, _marks(brief, fact.citations)))
        _write_coverage(out, brief)

    if brief.entities:
        out.blank()
        out.raw("## People and organisations")
        out.blank()
        for entity in brief.entities:
            kind = entity_kind(entity.type)
            text = f"**{one_line(entity.name)}** ({kind})"
            roles = [one_line(role) for role in entity.roles if role.strip()]
            if roles:
                text += ": " + "; ".join(roles)
            text += f" — {_plural(entity.mentions, 'mention')}"
            out.item("- ", _with_marks(text, _marks(brief, entity.citations)))

    if brief.quotes:
        out.blank()
        out.raw("## Quotes")
        for speaker, quotes in group_quotes(brief.quotes):
            out.blank()
            out.raw(f"**{speaker}**")
            out.blank()
            for quote in quotes:
                text = f"“{one_line(quote.text)}”"
                if quote.cue and quote.cue.strip():
                    text += f" — {one_line(quote.cue)}"
                out.item("- ", _with_marks(text, _marks(brief, quote.citations)))

    if brief.timeline:
        out.blank()
        out.raw("## Timeline")
        out.blank()
        for entry in brief.timeline:
            text = f"{timeline_date(entry)}: {one_line(entry.event)}"
            out.item("- ", _with_marks(text, _marks(brief, entry.citations)))

    _write_sources(out, brief)


def _cell(cell: CoverageCell) -> str:
    return "○" if cell.copied_from else "●" if cell.reported else ""


def _coverage_table(brief: Brief, table: Coverage) -> list[str]:
    """The coverage matrix as an aligned Markdown table, at most ``MAX_COVERAGE_COLUMNS``."""
    shown = table.columns[:MAX_COVERAGE_COLUMNS]
    hidden = len(table.columns) - len(shown)
    header = ["Fact", *(f"[{n}]" for n, _ in shown)]
    if hidden:
        header.append(f"+{hidden} more")
    body: list[list[str]] = []
    for index, (fact, cells) in enumerate(zip(brief.facts, table.rows, strict=True)):
        label = f"{fact_label(index)} {short_text(fact.text)}".replace("|", "\\|")
        row = [label, *(_cell(c) for c in cells[: len(shown)])]
        if hidden:
            extra = sum(c.reported for c in cells[len(shown) :])
            row.append(f"+{extra}" if extra else "")
        body.append(row)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.center(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "| " + " | ".join([first, *rest]) + " |"

    rule = "|" + "|".join(["-" * (widths[0] + 2), *(":" + "-" * w + ":" for w in widths[1:])]) + "|"
    return [line(header), rule, *(line(r) for r in body)]


def _write_coverage(out: _Writer, brief: Brief) -> None:
    """Key fact x source table, then the facts that rest on one source."""
    table = coverage(brief)
    if len(table.columns) < 2 or not brief.facts:
        return
    out.blank()
    out.raw("## Coverage")
    out.blank()
    for line in _coverage_table(brief, table):
        out.raw(line)
    out.blank()
    legend = "● reports the fact"
    if any(c.copied_from for row in table.rows for c in row):
        legend += "; ○ only in wording repeated from another source"
    if len(table.columns) > MAX_COVERAGE_COLUMNS:
        legend += "; +N: how many of the sources not shown report it"
    out.item("", legend + ".")
    if table.single_source:
        labels = ", ".join(fact_label(i) for i in table.single_source)
        out.item("", f"Reported by one source only: {labels}.")
    if table.one_independent:
        labels = ", ".join(fact_label(i) for i in table.one_independent)
        out.item("", f"One independent source, repeated by the others: {labels}.")
    copies = reprints(brief)
    if copies:
        marks = "".join(f"[{n}]" for n, aid in table.columns if aid in copies)
        out.item("", f"Mostly wording repeated from other sources: {marks}.")


def _source_signals(brief: Brief, signal: SourceSignal) -> list[str]:
    """Quality (when worth saying), copy relations and first reports of one source."""
    lines = []
    if needs_quality_note(signal):
        text = f"quality {signal.quality.score:.2f}"
        reasons = [one_line(r) for r in signal.quality.reasons if r.strip()]
        if reasons:
            text += " — " + "; ".join(reasons)
        lines.append(text)
    copies = copy_text(brief, signal)
    if copies:
        lines.append(copies)
    if signal.first_reports > 0:
        lines.append(first_reports_text(signal.first_reports))
    return lines


def _write_sources(out: _Writer, brief: Brief) -> None:
    cited: dict[str, set[tuple[int, int]]] = {}
    for span in _statement_citations(brief):
        cited.setdefault(span.article_id, set()).add((span.start, span.end))
    signals = {signal.article_id: signal for signal in brief.sources}
    regions = _copy_regions(brief)
    numbers = source_numbers(brief)
    out.blank()
    out.raw("## Sources")
    out.blank()
    seen: set[str] = set()
    for number, ref in enumerate(brief.articles, start=1):
        first = f"{number}. "
        out.item(first, _source_line(ref))
        if ref.article_id in seen:
            continue
        seen.add(ref.article_id)
        indent = " " * len(first)
        signal = signals.get(ref.article_id)
        for line in _source_signals(brief, signal) if signal else ():
            out.item(indent + "- ", line)
        for start, end in sorted(cited.get(ref.article_id, ())):
            span = Span(ref.article_id, start, end)
            passage = cited_passage(brief, span)
            if passage is None:
                out.item(indent + "- ", f"(text not available: characters {start}–{end})")
                continue
            text = f"“{one_line(passage)}”"
            origin = _origin(regions, (span,))
            if origin is not None:
                where = f"[{numbers[origin]}]" if origin in numbers else "another source"
                text += f" (repeats{_GLUE}{where})"
            out.item(indent + "- ", text)


_BLANK_RUNS = re.compile(r"\n{3,}")


def render_markdown(briefs: Sequence[Brief], *, width: int | None = DEFAULT_WIDTH) -> str:
    """Render briefs as one Markdown document, briefs separated by a horizontal rule.

    Args:
        briefs: the briefs, rendered in the given order.
        width: wrap lines to this many columns (hanging indents keep lists readable);
            ``None`` writes each paragraph or list item on one line.

    Returns:
        The Markdown text, ending in a newline; ``""`` for no briefs. The same briefs always
        give the same text.

    Raises:
        RenderError: a brief cites an article it does not list in ``Brief.articles``.
        OptionError: ``width`` is below 20.

    Example:
        >>> print(render_markdown([brief]))  # doctest: +SKIP
        # US and Ruritania agree a framework
        ...
    """
    if width is not None and width < 20:
        raise OptionError(f"The 'width' option must be None or at least 20 columns; got {width}.")
    chunks: list[str] = []
    for brief in briefs:
        out = _Writer(width)
        _write_brief(out, brief)
        chunks.append("\n".join(out.lines).strip("\n"))
    if not chunks:
        return ""
    text = "\n\n---\n\n".join(chunks) + "\n"
    return _BLANK_RUNS.sub("\n\n", text)
