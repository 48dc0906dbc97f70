"""Render briefs as one self-contained HTML page.

The page has inline CSS only (no scripts, fonts, images or other requests) and a Content
Security Policy that forbids scripts, so it is safe to open from disk or send by mail.
Every citation marker is a link to a footnote that quotes the cited passage with a little
context (the cited part in ``<mark>``), its outlet and date; hovering a marker shows the
same passage from its ``title``. Article text is untrusted: everything taken from a brief
goes through :func:`html.escape`, and a URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlsplit

from newsweave.brief.render_md import (
    citation_markers,
    cited_passage,
    describe_published,
    entity_kind,
    group_quotes,
    one_line,
    source_numbers,
    story_line,
    strip_controls,
    support_text,
    timeline_date,
)
from newsweave.model import Brief, SourceRef, Span

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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


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
        return f"<blockquote>{_e(before)}<mark>{_e(cited)}</mark>{_e(after)}</blockquote>"


def _outlet(ref: SourceRef) -> str:
    return one_line(ref.source) if ref.source else "unknown outlet"


def _section(title: str, body: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}><h3>{_e(title)}</h3>{body}</section>"


def _discrepancies(brief: Brief, notes: _Notes) -> str:
    items = []
    for disc in brief.discrepancies:
        sides = "".join(
            f"<li>{_e(one_line(claim.text))}{notes.markers(claim.citations)}</li>"
            for claim in disc.claims
        )
        items.append(
            f"<li><strong>{_e(one_line(disc.topic))}</strong> "
            f'<span class="tag">{_e(one_line(disc.kind))}</span>'
            f'<span class="reason">{_e(one_line(disc.reason))}</span><ul>{sides}</ul></li>'
        )
    return _section("Discrepancies", "<ul>" + "".join(items) + "</ul>", "discrepancies")


def _summary(brief: Brief, notes: _Notes) -> str:
    items = "".join(
        f"<li>{_e(one_line(s.text))}{notes.markers(s.citations)}</li>" for s in brief.summary
    )
    return _section("Summary", f'<ul class="summary">{items}</ul>')


def _facts(brief: Brief, notes: _Notes) -> str:
    items = "".join(
        ('<li class="single">' if fact.support.independent <= 1 else "<li>")
        + f"{_e(one_line(fact.text))} "
        + f'<span class="support">{_e(support_text(fact.support))}</span>'
        + f"{notes.markers(fact.citations)}</li>"
        for fact in brief.facts
    )
    return _section("Key facts", f"<ul>{items}</ul>")


def _entities(brief: Brief, notes: _Notes) -> str:
    items = []
    for entity in brief.entities:
        kind = entity_kind(entity.type)
        roles = "; ".join(one_line(r) for r in entity.roles if r.strip())
        items.append(
            f'<li><strong>{_e(one_line(entity.name))}</strong> <span class="tag">{_e(kind)}</span>'
            + (f" {_e(roles)}" if roles else "")
            + f' <span class="muted">· {_plural(entity.mentions, "mention")}</span>'
            + f"{notes.markers(entity.citations)}</li>"
        )
    return _section("People and organisations", "<ul>" + "".join(items) + "</ul>")


def _quotes(brief: Brief, notes: _Notes) -> str:
    parts = []
    for speaker, quotes in group_quotes(brief.quotes):
        items = "".join(
            f'<li><span class="quote">“{_e(one_line(q.text))}”</span>'
            + (f" — {_e(one_line(q.cue))}" if q.cue and q.cue.strip() else "")
            + f"{notes.markers(q.citations)}</li>"
            for q in quotes
        )
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
        items.append(
            f'<li id="{prefix}-s{number}"><strong>{_e(_outlet(ref))}</strong> — {title} · '
            f"{_e(describe_published(ref))}{where}</li>"
        )
    return _section("Sources", "<ol>" + "".join(items) + "</ol>", "sources")


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
        details = _plural(len(brief.articles), "article")
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
    lead = _plural(len(briefs), "brief") if briefs else "No briefs to show."
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
