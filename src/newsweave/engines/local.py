"""The in-process engine: spaCy ``nlp.pipe`` over all articles, annotators, batched vectors.

Articles are cut into chunks of ``AnnotateOptions.batch_size``; each chunk's vectors are
computed together, so every engine that keeps these chunk boundaries gives the same vectors
(padding inside a MiniLM batch changes the last bits of a vector). With ``n_process=2`` spaCy
parses in two worker processes (started once per call, for all its chunks) while this
process runs the annotators and the embedding model. Either pass (``AnnotateOptions.depth``)
runs the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from types import TracebackType

from newsweave.annotate.pipeline import WHOLE, AnnotateOptions, Pass, annotate_stream, with_vectors
from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Article


def chunks(articles: Sequence[Article], size: int) -> list[Sequence[Article]]:
    """``articles`` cut into consecutive chunks of ``size`` (the last one shorter)."""
    step = max(1, size)
    return [articles[start : start + step] for start in range(0, len(articles), step)]


def annotate_chunk(
    articles: Sequence[Article], options: AnnotateOptions, which: Pass = WHOLE
) -> list[AnnotatedArticle]:
    """The annotations and vectors (``which``) of one chunk, in order, in this process.

    This is the unit of work the distributed engine sends to a worker; models are loaded once
    per process (:mod:`newsweave.annotate.models`).
    """
    items = annotate_stream(articles, options.batch_size, 1, options.max_sentences, which)
    return with_vectors(list(items), which)


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
        self,
        articles: Sequence[Article],
        options: AnnotateOptions | None = None,
        which: Pass = WHOLE,
    ) -> Iterator[list[AnnotatedArticle]]:
        """Annotated articles (``which`` pass), one list per chunk of ``options.batch_size``,
        in input order."""
        opts = options or AnnotateOptions()
        size = max(1, opts.batch_size)
        n_process = self.n_process or opts.n_process
        if n_process <= 1 or len(articles) <= size:
            for chunk in chunks(articles, size):
                yield annotate_chunk(chunk, opts, which)
            return
        stream = annotate_stream(articles, size, n_process, opts.max_sentences, which)
        for chunk in chunks(articles, size):
            yield with_vectors(list(islice(stream, len(chunk))), which)

    def close(self) -> None:
        """Nothing to release: spaCy's worker processes end with each call."""

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
