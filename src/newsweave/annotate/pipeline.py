"""The annotate stage: Article -> AnnotatedArticle.

One spaCy pass per article feeds every annotator; vectors are computed in batches.
Time expressions are resolved against the publication date; an article without one is
resolved again once its story supplies a date (:func:`newsweave.fuse.dates.infer_dates`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from newsweave.annotate.embed import embed_articles
from newsweave.annotate.entities import extract_entities
from newsweave.annotate.models import load_nlp
from newsweave.annotate.quantities import extract_quantities
from newsweave.annotate.quotes import extract_quotes
from newsweave.annotate.sentences import split_sentences
from newsweave.annotate.times import resolve_times
from newsweave.model import AnnotatedArticle, Article


@dataclass(frozen=True, slots=True)
class AnnotateOptions:
    """Args:
    batch_size: articles per spaCy and embedding batch.
    n_process: spaCy worker processes (2 uses both cores of a laptop; costs ~1 s to start).
    """

    batch_size: int = 32
    n_process: int = 1


def annotate_doc(doc: Doc, article: Article) -> AnnotatedArticle:
    """Every annotation of one parsed article (embedding left empty)."""
    import numpy as np

    aid = article.article_id
    reference = article.published.date() if article.published else None
    return AnnotatedArticle(
        article=article,
        sentences=tuple(split_sentences(doc, aid)),
        entities=tuple(extract_entities(doc, aid)),
        quotes=tuple(extract_quotes(doc, aid)),
        quantities=tuple(extract_quantities(doc, aid)),
        times=tuple(resolve_times(doc, aid, reference)),
        embedding=np.zeros(0, dtype=np.float32),
    )


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
    nlp = load_nlp()
    out: list[AnnotatedArticle] = []
    for start in range(0, len(articles), opts.batch_size):
        batch = articles[start : start + opts.batch_size]
        docs = nlp.pipe(
            (a.text for a in batch), batch_size=opts.batch_size, n_process=opts.n_process
        )
        annotated = [annotate_doc(doc, a) for doc, a in zip(docs, batch, strict=True)]
        vectors = embed_articles(batch, batch_size=opts.batch_size)
        out.extend(
            replace(item, embedding=vec) for item, vec in zip(annotated, vectors, strict=True)
        )
        if progress:
            progress(len(batch))
    return out
