"""An article of many short lines: the work of reading its figures grows linearly with it.

Counted, not timed: the lines of newsweave code executed (deterministic, unlike wall-clock
time on a shared machine) for an article of N short lines and one of 2N. Before the
sentence of a figure, its time expressions, names and organisations were found by bisection,
each figure scanned the article's sentences, times and names: a text of 20,000 short lines
took more than 120 s, and the counts grew x2.6 (quantities) and x3.6 (figures) from 300
to 600 lines; now x2.0 and x1.5.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING, Any

from newsweave.annotate.pipeline import annotate_doc
from newsweave.annotate.quantities import extract_quantities
from newsweave.fuse.context import build_context
from newsweave.fuse.discrepancies.figures import figure_discrepancies
from newsweave.fuse.independence import build_copy_graph
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, DateOrigin, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

SMALL = 300  # lines; the larger text has twice as many
MAX_RATIO = 2.4  # per doubling; was x2.6 (quantities) and x3.6 (figures) before the bisections
_WORDS = "council ferry harbour route mayor budget port boat fare vote".split()


def _text(lines: int) -> str:
    """Short lines of four kinds: a numbered note, a figure, a quotation, a bullet."""
    out = []
    for k in range(lines):
        word, other = _WORDS[k % len(_WORDS)], _WORDS[(k * 7) % len(_WORDS)]
        out.append(
            (
                f"{k}: {word} {other}",
                f"The {word} rose {k % 97}% on Monday.",
                f"“{word.title()} {other},” Anna Berg said.",
                f"- {word}",
            )[k % 4]
        )
    return "\n".join(out)


def _lines(fn: Callable[[], Any]) -> int:
    """Lines of newsweave code executed while ``fn`` runs."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        return local if "/newsweave/" in frame.f_code.co_filename else None

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _parsed(nlp: Language, lines: int) -> tuple[Doc, AnnotatedArticle]:
    article = make_article(
        _text(lines),
        source="Coastline Courier",
        published=datetime(2031, 4, 12, tzinfo=UTC),
        date_origin=DateOrigin.HEADER,
    )
    doc = nlp(article.text)
    return doc, annotate_doc(doc, article)


def _quantities(doc: Doc, article_id: str) -> None:
    doc.user_data.clear()  # nothing the annotators cached
    extract_quantities(doc, article_id)


def _figures(items: list[AnnotatedArticle]) -> None:
    ctx = build_context(items, embed=False)
    figure_discrepancies(ctx, build_copy_graph(ctx), 0.02, 0.1, 0.45)


def test_reading_figures_of_many_lines_is_near_linear(nlp: Language) -> None:
    (small_doc, small), (large_doc, large) = _parsed(nlp, SMALL), _parsed(nlp, 2 * SMALL)
    assert len(large.quantities) >= SMALL // 2  # a figure every four lines at least
    quantities = [
        _lines(lambda: _quantities(small_doc, small.article_id)),
        _lines(lambda: _quantities(large_doc, large.article_id)),
    ]
    figures = [_lines(lambda: _figures([small])), _lines(lambda: _figures([large]))]
    ratios = {"quantities": quantities[1] / quantities[0], "figures": figures[1] / figures[0]}
    print(f"lines executed: quantities {quantities}, figures {figures}")
    assert all(r <= MAX_RATIO for r in ratios.values()), ratios


def test_sentence_at_finds_the_sentence_that_holds_a_span(nlp: Language) -> None:
    _, item = _parsed(nlp, 40)
    ctx = build_context([item], embed=False)
    for s in item.sentences:
        assert ctx.sentence_at(s.span) is s
        inner = Span(item.article_id, s.span.start + 1, s.span.end - 1)
        assert ctx.sentence_at(inner) is s
    # A span across two sentences, or in another article, is in none.
    first, second = item.sentences[0], item.sentences[1]
    assert ctx.sentence_at(Span(item.article_id, first.span.start, second.span.end)) is None
    assert ctx.sentence_at(Span("elsewhere", first.span.start, first.span.end)) is None
