"""Render briefs as one self-contained HTML page.

The page has inline CSS only (no scripts, fonts, images or other requests) and a Content
Security Policy that forbids scripts, so it is safe to open from disk or send by mail.
Every citation marker is a link to a footnote that quotes the cited passage with a little
context (the cited part in ``<mark>``), its outlet and date; hovering a marker shows the
same passage from its ``title``. Article text is untrusted: everything taken from a brief
goes through :func:`html.escape`, and a URL becomes a link only when it is http(s).

The fusion results get the same treatment as in Markdown: discrepancy sides carry support
badges; a coverage matrix (key fact x source) marks facts a source only repeats in another's
wording; each source is a card with its text quality (a ``<meter>`` bar and the reasons),
what it repeats of which source (linked) and how many facts it reported first; and a cited
passage that lies in copied wording is highlighted as ``<mark class="copied">``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlsplit

from newsweave.brief.view import (
    QUALITY_NOTE_BELOW,
    characters_text,
    citation_markers,
    cited_passage,
    copied_from,
    coverage,
    describe_published,
    entity_kind,
    fact_label,
    first_reports_text,
    group_quotes,
    one_line,
    plural,
    quote_note,
    reprints,
    short_text,
    source_numbers,
    story_line,
    strip_controls,
    support_text,
    timeline_date,
)
from newsweave.fuse.quality import CLEAN
from newsweave.model import Brief, QuoteItem, SourceRef, SourceSignal, Span, Support

__all__ = ["passage_in_context", "render_html", "safe_href"]

CONTEXT_CHARS = 160
"""At most this many characters of context are shown on each side of a cited passage."""

TITLE_CHARS = 300
"""Hover text (``title``) is cut to this length; the footnote always has the full passage."""

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
# A sentence ends at . ! ? (plus closing quotes) before a space, or at a line break; not after
# an initial ("U.S.", "J.") or a common title ("Mr.", "Gen.").
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "Gen", "Gov", "Sen", "Rep")
_NOT_AFTER = "".join(f"(?<!\\b{word})" for word in _ABBREVIATIONS)
_SENTENCE_END = re.compile(rf"(?:(?<!\b[A-Z]){_NOT_AFTER}\.|[!?])[\"'”’)\]]*(?=\s)|\n")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else ``None`` (never ``javascript:``)."""
    if not url:
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def passage_in_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """``(before, cited, after)``: the cited span with the rest of its sentence(s) around it.

    Context stops at a sentence end or a line break, or after ``CONTEXT_CHARS`` characters
    at a word boundary (marked ``…``). Whitespace is collapsed for display.
    """
    lo = max(0, start - CONTEXT_CHARS)
    ends = list(_SENTENCE_END.finditer(text, lo, start))
    if ends:
        lo = ends[-1].end()
        prefix = ""
    elif lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else start
        prefix = "…"
    else:
        prefix = ""
    hi = min(len(text), end + CONTEXT_CHARS)
    found = _SENTENCE_END.search(text, end, hi)
    if found:
        hi = found.end() if found.group() != "\n" else found.start()
        suffix = ""
    elif hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else end
        suffix = "…"
    else:
        suffix = ""
    before = _display(text[lo:start]).lstrip()
    cited = _display(text[start:end])
    after = _display(text[end:hi]).rstrip()
    return prefix + before, cited, after + suffix


def _display(text: str) -> str:
    return strip_controls(re.sub(r"\s+", " ", text))


@dataclass
class _Note:
    """One footnote: the passages of one article cited by one or more statements."""

    note_id: str
    number: int
    spans: tuple[Span, ...]
    backrefs: list[str] = field(default_factory=list)


class _Notes:
    """Numbers the citation footnotes of one brief in order of first use."""

    def __init__(self, brief: Brief, prefix: str) -> None:
        self.brief = brief
        self.prefix = prefix
        self.numbers = source_numbers(brief)
        self.notes: dict[tuple[int, tuple[tuple[int, int], ...]], _Note] = {}
        self.marker_count = 0

    def markers(self, citations: Iterable[Span]) -> str:
        """HTML for the markers of one statement: one linked ``[n]`` per cited article."""
        citations = tuple(citations)
        links: list[str] = []
        for number in citation_markers(self.brief, citations):
            ref = self.brief.articles[number - 1]
            own = sorted({(s.start, s.end) for s in citations if s.article_id == ref.article_id})
            key = (number, tuple(own))
            note = self.notes.get(key)
            if note is None:
                note_id = f"{self.prefix}-n{len(self.notes) + 1}"
                spans = tuple(Span(ref.article_id, a, b) for a, b in own)
                note = self.notes[key] = _Note(note_id, number, spans)
            self.marker_count += 1
            marker_id = f"{self.prefix}-m{self.marker_count}"
            note.backrefs.append(marker_id)
            links.append(
                f'<a class="cite" id="{marker_id}" href="#{note.note_id}" '
                f'title="{_e(self._hover(ref, note.spans))}">[{number}]</a>'
            )
        if not links:
            return ""
        return ' <span class="cites">' + "".join(links) + "</span>"

    def _hover(self, ref: SourceRef, spans: tuple[Span, ...]) -> str:
        passages = [cited_passage(self.brief, span) for span in spans]
        shown = " … ".join(f"“{one_line(p)}”" for p in passages if p is not None)
        text = f"{_outlet(ref)}, {describe_published(ref)}: {shown or '(text not available)'}"
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"

    def render(self) -> str:
        if not self.notes:
            return ""
        items: list[str] = []
        for note in self.notes.values():
            ref = self.brief.articles[note.number - 1]
            if len(note.backrefs) == 1:
                back = f'<a href="#{note.backrefs[0]}" aria-label="back to the text">↩</a>'
            else:
                back = "↩" + "".join(
                    f' <a href="#{m}" aria-label="back to use {i}">{i}</a>'
                    for i, m in enumerate(note.backrefs, start=1)
                )
            quotes = "".join(self._quote(span) for span in note.spans)
            items.append(
                f'<li id="{note.note_id}"><a href="#{self.prefix}-s{note.number}">'
                f"[{note.number}]</a> {_e(_outlet(ref))} · {_e(describe_published(ref))} "
                f'<span class="back">{back}</span>{quotes}</li>'
            )
        return (
            '<section class="notes"><h3>Cited passages</h3><ol>'
            + "\n".join(items)
            + "</ol></section>"
        )

    def _quote(self, span: Span) -> str:
        text = self.brief.texts.get(span.article_id)
        if cited_passage(self.brief, span) is None or text is None:
            return (
                f'<blockquote class="muted">text not available (characters '
                f"{span.start}–{span.end})</blockquote>"
            )
        before, cited, after = passage_in_context(text, span.start, span.end)
        origin = copied_from(self.brief, (span,))
        if origin is None:
            return f"<blockquote>{_e(before)}<mark>{_e(cited)}</mark>{_e(after)}</blockquote>"
        number = self.numbers.get(origin)
        if number is None:
            whose, link = "another source", "another source"
        else:
            origin_ref = self.brief.articles[number - 1]
            whose = f"[{number}] {_outlet(origin_ref)}"
            link = f'<a href="#{self.prefix}-s{number}">{_e(whose)}</a>'
        return (
            f'<blockquote>{_e(before)}<mark class="copied" title="{_e("wording of " + whose)}">'
            f"{_e(cited)}</mark>{_e(after)}"
            f'<span class="copynote">repeats the wording of {link}</span></blockquote>'
        )


def _outlet(ref: SourceRef) -> str:
    return one_line(ref.source) if ref.source else "unknown outlet"


def _section(title: str, body: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}><h3>{_e(title)}</h3>{body}</section>"


def _badge(support: Support) -> str:
    """``2 articles · 1 independent`` as a badge; one independent source is highlighted."""
    cls = "badge weak" if support.independent <= 1 else "badge"
    text = f"{plural(support.articles, 'article')} · {support.independent} independent"
    return f' <span class="{cls}">{_e(text)}</span>'


def _discrepancies(brief: Brief, notes: _Notes) -> str:
    items = []
    for disc in brief.discrepancies:
        sides = "".join(
            f"<li>{_e(one_line(claim.text))}"
            + (_badge(claim.support) if claim.support is not None else "")
            + f"{notes.markers(claim.citations)}</li>"
            for claim in disc.claims
        )
        items.append(
            f"<li><strong>{_e(one_line(disc.topic))}</strong> "
            f'<span class="tag">{_e(one_line(disc.kind))}</span>'
            f'<span class="reason">{_e(one_line(disc.reason))}</span>'
            f'<span class="confidence">confidence {disc.confidence:.2f}</span>'
            + (
                f'<span class="evidence">evidence: {_e(one_line("; ".join(disc.evidence)))}</span>'
                if disc.evidence
                else ""
            )
            + f"<ul>{sides}</ul></li>"
        )
    return _section("Discrepancies", "<ul>" + "".join(items) + "</ul>", "discrepancies")


def _summary(brief: Brief, notes: _Notes) -> str:
    items = "".join(
        f"<li>{_e(one_line(s.text))}{notes.markers(s.citations)}</li>" for s in brief.summary
    )
    return _section("Summary", f'<ul class="summary">{items}</ul>')


def _facts(brief: Brief, notes: _Notes) -> str:
    items = "".join(
        f'<li id="{notes.prefix}-f{index + 1}"'
        + (' class="single">' if fact.support.independent <= 1 else ">")
        + f'<span class="fid">{fact_label(index)}</span> {_e(one_line(fact.text))} '
        + f'<span class="support">{_e(support_text(fact.support))}</span>'
        + f"{notes.markers(fact.citations)}</li>"
        for index, fact in enumerate(brief.facts)
    )
    return _section("Key facts", f'<ul class="facts">{items}</ul>')


def _fact_links(prefix: str, indexes: Sequence[int]) -> str:
    return ", ".join(f'<a href="#{prefix}-f{i + 1}">{fact_label(i)}</a>' for i in indexes)


def _coverage(brief: Brief, prefix: str) -> str:
    """Key fact x source matrix; a source that repeats others' wording is marked in its header."""
    table = coverage(brief)
    if len(table.columns) < 2 or not brief.facts:
        return ""
    signals = {signal.article_id: signal for signal in brief.sources}
    mostly_copied = reprints(brief)
    head = []
    for number, article_id in table.columns:
        ref = brief.articles[number - 1]
        signal = signals.get(article_id)
        label = f"[{number}] {_outlet(ref)}"
        cls = ""
        if article_id in mostly_copied:
            cls = ' class="reprint"'
            label += " — mostly wording repeated from other sources"
        elif signal is not None and signal.copies:
            cls = ' class="copied"'
            label += " — repeats some wording of other sources"
        head.append(
            f'<th scope="col"{cls}><a class="src" href="#{prefix}-s{number}" '
            f'title="{_e(label)}">[{number}]</a></th>'
        )
    numbers = source_numbers(brief)
    rows = []
    for index, (fact, cells) in enumerate(zip(brief.facts, table.rows, strict=True)):
        tds = []
        for (number, _), cell in zip(table.columns, cells, strict=True):
            if cell.copied_from is not None:
                origin = numbers.get(cell.copied_from)
                whose = f"[{origin}]" if origin else "another source"
                tds.append(
                    f'<td class="copied" title="[{number}] repeats the wording of {whose}">○</td>'
                )
            elif cell.reported:
                tds.append(f'<td class="yes" title="[{number}] reports it">●</td>')
            else:
                tds.append("<td></td>")
        single = ' class="single"' if index in table.single_source else ""
        rows.append(
            f'<tr{single}><th scope="row"><a href="#{prefix}-f{index + 1}" '
            f'title="{_e(one_line(fact.text))}">{fact_label(index)}</a> '
            f"{_e(short_text(fact.text))}</th>{''.join(tds)}</tr>"
        )
    legend = "● reports the fact"
    if any(c.copied_from for row in table.rows for c in row):
        legend += " · ○ only in wording repeated from another source"
    if mostly_copied:
        legend += " · shaded source: mostly wording repeated from others"
    if any(signals.get(aid) and signals[aid].copies for _, aid in table.columns):
        legend += " · dotted source: repeats some wording of others"
    notes = [f'<p class="legend muted">{_e(legend)}</p>']
    if table.single_source:
        notes.append(
            f"<p>Reported by one source only: {_fact_links(prefix, table.single_source)}</p>"
        )
    if table.one_independent:
        notes.append(
            "<p>One independent source, repeated by the others: "
            f"{_fact_links(prefix, table.one_independent)}</p>"
        )
    if mostly_copied:
        links = ", ".join(
            f'<a href="#{prefix}-s{number}">[{number}]</a>'
            for number, aid in table.columns
            if aid in mostly_copied
        )
        notes.append(f"<p>Mostly wording repeated from other sources: {links}</p>")
    body = (
        '<div class="scroll"><table class="matrix"><thead><tr><th scope="col">Fact</th>'
        + "".join(head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
        + "".join(notes)
    )
    return _section("Coverage", body, "coverage")


def _entities(brief: Brief, notes: _Notes) -> str:
    items = []
    for entity in brief.entities:
        kind = entity_kind(entity.type)
        roles = "; ".join(one_line(r) for r in entity.roles if r.strip())
        items.append(
            f'<li><strong>{_e(one_line(entity.name))}</strong> <span class="tag">{_e(kind)}</span>'
            + (f" {_e(roles)}" if roles else "")
            + f' <span class="muted">· {plural(entity.mentions, "mention")}</span>'
            + f"{notes.markers(entity.citations)}</li>"
        )
    return _section("People and organisations", "<ul>" + "".join(items) + "</ul>")


def _quote_item(quote: QuoteItem, notes: _Notes) -> str:
    note = quote_note(quote)
    return (
        f'<li><span class="quote">“{_e(one_line(quote.text))}”</span>'
        + (f" — {_e(one_line(quote.cue))}" if quote.cue and quote.cue.strip() else "")
        + notes.markers(quote.citations)
        + (f'<span class="quote-note">{_e(note)}</span>' if note else "")
        + "</li>"
    )


def _quotes(brief: Brief, notes: _Notes) -> str:
    parts = []
    for speaker, quotes in group_quotes(brief.quotes):
        items = "".join(_quote_item(q, notes) for q in quotes)
        parts.append(f"<h4>{_e(speaker)}</h4><ul>{items}</ul>")
    return _section("Quotes", "".join(parts))


def _timeline(brief: Brief, notes: _Notes) -> str:
    items = []
    for entry in brief.timeline:
        when = one_line(entry.when)
        items.append(
            f'<li><span class="date">{_e(timeline_date(entry))}</span><span>'
            f"{_e(one_line(entry.event))}"
            + (f' <span class="when">(“{_e(when)}”)</span>' if when else "")
            + f"{notes.markers(entry.citations)}</span></li>"
        )
    return _section("Timeline", '<ol class="timeline">' + "".join(items) + "</ol>")


def _sources(brief: Brief, prefix: str) -> str:
    signals = {signal.article_id: signal for signal in brief.sources}
    items = []
    for number, ref in enumerate(brief.articles, start=1):
        title = (
            f"“{_e(one_line(ref.title))}”" if ref.title else '<span class="muted">untitled</span>'
        )
        href = safe_href(ref.url)
        if href is not None:
            where = (
                f' <a href="{_e(href)}" rel="noopener noreferrer nofollow">{_e(one_line(href))}</a>'
            )
        elif ref.url or ref.path:
            where = f" <code>{_e(one_line(ref.url or ref.path or ''))}</code>"
        else:
            where = ""
        signal = signals.get(ref.article_id)
        card = _source_card(brief, signal, prefix) if signal is not None else ""
        items.append(
            f'<li id="{prefix}-s{number}"><p class="head"><strong>{_e(_outlet(ref))}</strong> — '
            f"{title} · {_e(describe_published(ref))}{where}</p>{card}</li>"
        )
    return _section("Sources", "<ol>" + "".join(items) + "</ol>", "sources")


def _source_card(brief: Brief, signal: SourceSignal, prefix: str) -> str:
    """Quality bar and reasons, copy relations (linked to the origin), first reports."""
    score = min(1.0, max(0.0, signal.quality.score))
    low = " low" if score < QUALITY_NOTE_BELOW else ""
    parts = [
        f'<div class="quality{low}"><meter min="0" max="1" low="{CLEAN:g}" '
        f'high="{QUALITY_NOTE_BELOW:g}" '
        f'optimum="1" value="{score:.2f}">{score:.2f}</meter> '
        f"<span>Quality {score:.2f}</span></div>"
    ]
    reasons = [one_line(r) for r in signal.quality.reasons if r.strip()]
    if reasons:
        parts.append(
            '<ul class="reasons">' + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>"
        )
    numbers = source_numbers(brief)
    copies = []
    for ref in signal.copies:
        number = numbers.get(ref.from_article_id)
        chars = characters_text(ref.chars)
        if number is None:
            origin = f"unlisted article {_e(one_line(ref.from_article_id))}"
        else:
            outlet = _outlet(brief.articles[number - 1])
            origin = f'<a href="#{prefix}-s{number}">[{number}] {_e(outlet)}</a>'
        copies.append(f"<li>Repeats {chars} of {origin}</li>")
    if copies:
        parts.append('<ul class="copies">' + "".join(copies) + "</ul>")
    if signal.first_reports > 0:
        first = first_reports_text(signal.first_reports)
        parts.append(f'<p class="first">{_e(first[:1].upper() + first[1:])}</p>')
    return '<div class="card">' + "".join(parts) + "</div>"


def _brief(brief: Brief, prefix: str) -> str:
    notes = _Notes(brief, prefix)
    parts = [
        f'<article class="brief" id="{prefix}" aria-labelledby="{prefix}-h">',
        f'<h2 id="{prefix}-h">{_e(one_line(brief.headline))}</h2>',
        f'<p class="meta">{_e(story_line(brief))}</p>',
    ]
    if brief.discrepancies:
        parts.append(_discrepancies(brief, notes))
    if brief.summary:
        parts.append(_summary(brief, notes))
    if brief.facts:
        parts.append(_facts(brief, notes))
        parts.append(_coverage(brief, prefix))
    if brief.entities:
        parts.append(_entities(brief, notes))
    if brief.quotes:
        parts.append(_quotes(brief, notes))
    if brief.timeline:
        parts.append(_timeline(brief, notes))
    parts.append(_sources(brief, prefix))
    parts.append(notes.render())
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def _toc(briefs: Sequence[Brief]) -> str:
    items = []
    for index, brief in enumerate(briefs, start=1):
        details = plural(len(brief.articles), "article")
        if brief.discrepancies:
            count = len(brief.discrepancies)
            details += f", {count} discrepanc{'y' if count == 1 else 'ies'}"
        items.append(
            f'<li><a href="#b{index}">{_e(one_line(brief.headline))}</a> '
            f'<span class="muted">· {details}</span></li>'
        )
    return (
        '<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>'
        + "".join(items)
        + "</ol></nav>"
    )


def _css() -> str:
    return resources.files("newsweave.brief").joinpath("page.css").read_text(encoding="utf-8")


def render_html(briefs: Sequence[Brief], *, title: str = "newsweave briefs") -> str:
    """Render briefs as one self-contained, responsive HTML page.

    Args:
        briefs: the briefs, in page order; a table of contents lists them when there are
            two or more.
        title: the page title (escaped like everything else).

    Returns:
        The HTML document as text. The same briefs always give the same page.

    Raises:
        RenderError: a brief cites an article it does not list in ``Brief.articles``.

    Example:
        >>> Path("briefs.html").write_text(render_html(briefs))  # doctest: +SKIP
    """
    body = [_brief(brief, f"b{index}") for index, brief in enumerate(briefs, start=1)]
    lead = plural(len(briefs), "brief") if briefs else "No briefs to show."
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(one_line(title))}</title>",
        f"<style>\n{_css()}</style>",
        "</head>",
        "<body>",
        '<div class="page">',
        f'<header><h1>{_e(one_line(title))}</h1><p class="muted">{lead}</p></header>',
        _toc(briefs) if len(briefs) > 1 else "",
        "<main>",
        *body,
        "</main>",
        "<footer>Markers like [1] link to the cited passage; the number is the source's "
        "position in the brief's Sources list.</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"
