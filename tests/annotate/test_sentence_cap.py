"""Past ``max_sentences``, an article is not parsed: only the tokenizer and the sentence
recogniser read the rest, and the article's ``errors`` say how much was read."""

from __future__ import annotations

from tests.support.calls import count_calls

from newsweave.annotate.deepparse import SenterInWindows, deep_pipeline
from newsweave.annotate.pipeline import DEEP, annotate_stream, parse_text
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, Article

CAP = 40


def _blog(lines: int) -> Article:
    """A live blog: short dated lines with figures and quotes, as a parser reads them all."""
    kinds = [
        "{k}: the council met again",
        "The fare rose {k}% on Monday, the port said.",
        "“We will vote on it,” Anna Berg said on Tuesday.",
        "- ferry {k}",
    ]
    text = "\n".join(kinds[k % 4].format(k=k) for k in range(lines))
    return make_article(text, title="Harbour live")


def _deep(article: Article) -> AnnotatedArticle:
    (item,) = annotate_stream([article], 8, 1, CAP, DEEP)
    return item


def test_the_work_past_the_cap_does_not_grow_with_the_text() -> None:
    # Past the cap only the tokenizer and the sentence recogniser read the text: the calls of
    # the deep pass but theirs are the same at both sizes. The sentence recogniser counts the
    # whole text's sentences, a window at a time (calls in proportion to the windows).
    tokenizer = deep_pipeline(CAP).tokenizer
    senter = SenterInWindows._in_windows.__code__
    _deep(_blog(20))  # models loaded
    work = []
    for article in (_blog(400), _blog(800)):
        whole = count_calls(lambda a=article: _deep(a), skip=senter)  # type: ignore[misc]
        tokens = count_calls(lambda a=article: tokenizer(parse_text(a.text)))  # type: ignore[misc]
        work.append(whole - tokens)
    assert work[1] < 1.05 * work[0], work  # parsed whole: x1.6


def test_the_cut_is_recorded_and_nothing_past_it_is_annotated() -> None:
    article = _blog(800)
    item = _deep(article)
    (note,) = item.errors
    assert note.startswith(f"limit: only the first {CAP:,} of ")
    total = int(note.split(" of ")[1].split()[0].replace(",", ""))
    assert total > 400  # the sentence recogniser counted the whole text
    assert "were parsed and annotated (AnnotateOptions.max_sentences)" in note
    end = max(s.span.end for s in item.sentences)
    assert end < len(article.text) // 4
    spans = [
        *(e.span for e in item.entities),
        *(q.span for q in item.quotes),
        *(q.span for q in item.quantities),
        *(t.span for t in item.times),
    ]
    assert all(span.end <= end for span in spans)
    assert item.times and item.quantities  # what was read is annotated


def test_an_article_under_the_cap_is_read_whole() -> None:
    article = _blog(30)
    item = _deep(article)
    assert item.errors == ()
    assert max(s.span.end for s in item.sentences) >= len(article.text.rstrip()) - 1
