"""The annotate stage: Article -> AnnotatedArticle.

One spaCy pass per article feeds every annotator; vectors are computed in batches.
Time expressions are resolved against the publication date; an article without one is
resolved again once its story supplies a date (:func:`newsweave.fuse.dates.infer_dates`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc

from newsweave.annotate.embed import embed_articles
from newsweave.annotate.entities import extract_entities
from newsweave.annotate.models import load_nlp
from newsweave.annotate.quantities import extract_quantities
from newsweave.annotate.quotes import extract_quotes
from newsweave.annotate.sentences import split_sentences
from newsweave.annotate.times import resolve_times
from newsweave.model import AnnotatedArticle, Article

logger = logging.getLogger("newsweave.annotate")
MAX_SENTENCES = 5_000


@dataclass(frozen=True, slots=True)
class AnnotateOptions:
    """Args:
    batch_size: articles per spaCy and embedding batch.
    n_process: spaCy worker processes (2 uses both cores of a laptop; costs ~1 s to start).
    max_sentences: sentences of one article given to the annotators; the rest of a longer
        one (a live transcript) is kept in the text but not annotated, and the article's
        ``errors`` say so. The longest article of Timeline17 has ~1,500.
    """

    batch_size: int = 32
    n_process: int = 1
    max_sentences: int = MAX_SENTENCES


def _guarded(
    name: str, errors: list[str], aid: str, fn: Callable[..., Any], *args: Any
) -> tuple[Any, ...]:
    """``tuple(fn(*args))``, or ``()`` with the failure recorded: one article's bug in one
    annotator costs that article that annotation, never the batch."""
    try:
        return tuple(fn(*args))
    except Exception as exc:  # any bug in an annotator is this article's outcome
        errors.append(_describe(name, exc))
        logger.error(
            "bug: the %s annotator failed on article %s; it is kept without them. Please "
            "report this with the article.",
            name,
            aid,
            exc_info=True,
        )
        return ()


def _describe(stage: str, exc: BaseException) -> str:
    return f"{stage}: {type(exc).__name__}: {exc}"[:300]


def _first_sentences(doc: Doc, limit: int) -> tuple[Doc, str | None]:
    """``doc`` cut after its first ``limit`` sentences (offsets unchanged), and why."""
    if not doc.has_annotation("SENT_START"):
        return doc, None  # nothing to count; the sentence annotator reports the problem
    ends = [sent.end for sent in doc.sents]
    if len(ends) <= limit:
        return doc, None
    note = (
        f"limit: only the first {limit:,} of {len(ends):,} sentences were annotated "
        "(AnnotateOptions.max_sentences); split the text or raise the limit"
    )
    return doc[: ends[max(limit, 1) - 1]].as_doc(), note


def annotate_doc(
    doc: Doc, article: Article, max_sentences: int = MAX_SENTENCES
) -> AnnotatedArticle:
    """Every annotation of one parsed article (embedding left empty).

    An annotator that raises leaves its annotations empty and its failure in ``errors``;
    an article longer than ``max_sentences`` is annotated up to there, also noted in ``errors``.
    """
    aid = article.article_id
    reference = article.published.date() if article.published else None
    doc, note = _first_sentences(doc, max_sentences)
    errors: list[str] = [note] if note else []
    return AnnotatedArticle(
        article=article,
        sentences=_guarded("sentences", errors, aid, split_sentences, doc, aid),
        entities=_guarded("entities", errors, aid, extract_entities, doc, aid),
        quotes=_guarded("quotes", errors, aid, extract_quotes, doc, aid),
        quantities=_guarded("quantities", errors, aid, extract_quantities, doc, aid),
        times=_guarded("times", errors, aid, resolve_times, doc, aid, reference),
        embedding=np.zeros(0, dtype=np.float32),
        errors=tuple(errors),
    )


def unparsed(article: Article, exc: BaseException) -> AnnotatedArticle:
    """An article the parser failed on: kept, with no annotations and the failure recorded."""
    logger.error(
        "bug: spaCy failed to parse article %s; it is kept without annotations. Please "
        "report this with the article.",
        article.article_id,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return AnnotatedArticle(
        article, (), (), (), (), (), np.zeros(0, dtype=np.float32), (_describe("parse", exc),)
    )


def annotate_stream(
    articles: Sequence[Article],
    batch_size: int,
    n_process: int = 1,
    max_sentences: int = MAX_SENTENCES,
) -> Iterator[AnnotatedArticle]:
    """One AnnotatedArticle per article, in order (embeddings left empty).

    spaCy parses in batches; when a batch fails, its articles are parsed one by one so only
    the article that broke the parser is kept unparsed, and the rest of the input goes on.
    """
    nlp = load_nlp()
    size = max(1, batch_size)
    done = 0
    while done < len(articles):
        rest = articles[done:]
        try:
            for doc in nlp.pipe((a.text for a in rest), batch_size=size, n_process=n_process):
                item = annotate_doc(doc, articles[done], max_sentences)
                done += 1
                yield item
            return
        except Exception:  # some article of the current batch broke the parser
            for article in articles[done : done + size]:
                try:
                    item = annotate_doc(nlp(article.text), article, max_sentences)
                except Exception as exc:
                    item = unparsed(article, exc)
                done += 1
                yield item


def annotate(
    articles: Sequence[Article],
    options: AnnotateOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[AnnotatedArticle]:
    """Annotate ``articles`` in order.

    Args:
        articles: cleaned articles from the ingest stage.
        options: batching and parallelism.
        progress: called with the number of articles finished since the last call.

    Returns:
        One AnnotatedArticle per input article, same order.

    Example:
        >>> from newsweave.ingest import make_article  # doctest: +SKIP
        >>> annotate([make_article("Ministers met on Sunday ...")])[0].sentences  # doctest: +SKIP
    """
    from dataclasses import replace

    opts = options or AnnotateOptions()
    out: list[AnnotatedArticle] = []
    for start in range(0, len(articles), opts.batch_size):
        batch = articles[start : start + opts.batch_size]
        annotated = list(
            annotate_stream(batch, opts.batch_size, opts.n_process, opts.max_sentences)
        )
        vectors = embed_articles(batch, batch_size=opts.batch_size)
        out.extend(
            replace(item, embedding=vec) for item, vec in zip(annotated, vectors, strict=True)
        )
        if progress:
            progress(len(batch))
    return out
