"""Render briefs as Markdown for a terminal or a file.

Citation markers like ``[1][3]`` refer to the numbered Sources list at the end of each brief
(the number is the article's position in ``Brief.articles``); under each source the exact
cited passages are listed in text order, so a reader can check every statement without
another tool.

Source numbering, markers, dates, passages, the coverage matrix and the per-source signals
come from :mod:`newsweave.brief.view`, shared with the HTML renderer, so that both outputs
number and describe sources the same way.

Fusion results come first where a fact-checker needs them: discrepancies right after the
story line, each side with its support; a coverage table (key fact x source) after the key
facts; and under each source its text quality, what it repeats of other sources and how many
facts it reported first. A passage inside wording copied from another source is flagged as
such, so a reader can tell a second source from a reprint.
A quotation that outlets word only slightly differently carries that note on the line under it.

Article text is untrusted but the Markdown is meant to be read as text: it is not escaped
for a Markdown-to-HTML converter (use :func:`newsweave.brief.render_html.render_html` for
a page). Whitespace inside article-derived text is collapsed so that no input can start a
new Markdown block.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from newsweave.brief.view import (
    Coverage,
    CoverageCell,
    RenderError,
    citation_markers,
    cited_passage,
    copy_origin,
    copy_regions,
    copy_text,
    coverage,
    describe_published,
    entity_kind,
    fact_label,
    first_reports_text,
    group_quotes,
    needs_quality_note,
    one_line,
    plural,
    quote_note,
    reprints,
    short_text,
    source_numbers,
    story_line,
    support_text,
    timeline_date,
)
from newsweave.errors import OptionError
from newsweave.model import Brief, SourceRef, SourceSignal, Span

__all__ = ["DEFAULT_WIDTH", "MAX_COVERAGE_COLUMNS", "RenderError", "render_markdown"]

DEFAULT_WIDTH = 80
"""Lines are wrapped to fit an 80-column terminal; headings and URLs are never broken."""

MAX_COVERAGE_COLUMNS = 12
"""The Markdown coverage table shows at most this many sources; the rest are counted."""


_GLUE = "\x00"  # a space that wrapping must not break (before citation markers)


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
            text += f" — {plural(entity.mentions, 'mention')}"
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
                note = quote_note(quote)
                if note:
                    out.item("  ", f"_{note}_")

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
    regions = copy_regions(brief)
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
            origin = copy_origin(regions, (span,))
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
