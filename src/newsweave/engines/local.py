"""The in-process engine: spaCy ``nlp.pipe`` over all articles, annotators, batched vectors.

Articles are cut into chunks of ``AnnotateOptions.batch_size``; each chunk's vectors are
computed together, so every engine that keeps these chunk boundaries gives the same vectors
(padding inside a MiniLM batch changes the last bits of a vector). With ``n_process=2`` spaCy
parses in two worker processes (started once per run, not once per chunk) while this process
runs the annotators and the embedding model.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import islice
from types import TracebackType

from newsweave.annotate.embed import embed_articles
from newsweave.annotate.pipeline import AnnotateOptions, annotate_stream
from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Article


def chunks(articles: Sequence[Article], size: int) -> list[Sequence[Article]]:
    """``articles`` cut into consecutive chunks of ``size`` (the last one shorter)."""
    step = max(1, size)
    return [articles[start : start + step] for start in range(0, len(articles), step)]


def with_vectors(items: list[AnnotatedArticle], batch_size: int) -> list[AnnotatedArticle]:
    """``items`` with their article vectors, computed as one embedding batch."""
    vectors = embed_articles([item.article for item in items], batch_size=batch_size)
    return [replace(item, embedding=vec) for item, vec in zip(items, vectors, strict=True)]


def annotate_chunk(articles: Sequence[Article], options: AnnotateOptions) -> list[AnnotatedArticle]:
    """Every annotation and the vector of each article of one chunk, in order, in this process.

    This is the unit of work the distributed engine sends to a worker; models are loaded once
    per process (:mod:`newsweave.annotate.models`).
    """
    items = list(annotate_stream(articles, options.batch_size, 1, options.max_sentences))
    return with_vectors(items, options.batch_size)


class LocalEngine:
    """Annotate in this process (and, with ``n_process=2``, two spaCy worker processes).

    Args:
        n_process: spaCy parser processes; ``None`` takes ``AnnotateOptions.n_process``.

    Example:
        >>> with LocalEngine() as engine:  # doctest: +SKIP
        ...     for items in engine.annotate(articles, AnnotateOptions()):
        ...         store_them(items)
    """

    name = "local"

    def __init__(self, n_process: int | None = None) -> None:
        if n_process is not None and n_process < 1:
            raise OptionError(f"n_process must be 1 or more; got {n_process}.")
        self.n_process = n_process

    def annotate(
        self, articles: Sequence[Article], options: AnnotateOptions | None = None
    ) -> Iterator[list[AnnotatedArticle]]:
        """Annotated articles, one list per chunk of ``options.batch_size``, in input order."""
        opts = options or AnnotateOptions()
        size = max(1, opts.batch_size)
        n_process = self.n_process or opts.n_process
        if n_process <= 1 or len(articles) <= size:
            for chunk in chunks(articles, size):
                yield annotate_chunk(chunk, opts)
            return
        stream = annotate_stream(articles, size, n_process, opts.max_sentences)
        for chunk in chunks(articles, size):
            yield with_vectors(list(islice(stream, len(chunk))), opts.batch_size)

    def close(self) -> None:
        """Nothing to release: spaCy's worker processes end with each run."""

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
