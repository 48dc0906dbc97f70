"""Engines: where the annotate stage runs (in this process, or on a Dask cluster).

An engine turns articles into annotated articles, chunk by chunk, in input order; the
clustering and the store downstream are the same whichever engine ran, so stories are too.
Choose one by name with :func:`get_engine`; the Dask one needs ``newsweave[dask]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Protocol

from newsweave.annotate.pipeline import WHOLE, AnnotateOptions, Pass
from newsweave.engines.local import LocalEngine
from newsweave.errors import OptionError
from newsweave.model import AnnotatedArticle, Article

ENGINES = ("local", "dask")


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str

    def annotate(
        self,
        articles: Sequence[Article],
        options: AnnotateOptions | None = None,
        which: Pass = WHOLE,
    ) -> Iterator[list[AnnotatedArticle]]:
        """Annotated articles of the ``which`` pass in chunks, in the order of ``articles``."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Engine: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None: ...


def get_engine(
    name: str = "local", scheduler: str | None = None, workers: int | None = None
) -> Engine:
    """The engine called ``name``: ``local`` (default) or ``dask``.

    Args:
        name: one of :data:`ENGINES`.
        scheduler: the Dask scheduler address (``dask`` only; none starts a local cluster).
        workers: ``local``: spaCy processes (``n_process``); ``dask``: local cluster workers.

    Raises:
        OptionError: an unknown name, or a scheduler for the local engine.
        NewsweaveError: Dask is missing or its scheduler cannot be reached.

    Example:
        >>> get_engine("local").name
        'local'
    """
    if name == "local":
        if scheduler:
            raise OptionError("--scheduler needs --engine dask; the local engine has none.")
        return LocalEngine(n_process=workers)
    if name == "dask":
        from newsweave.engines.dask import DaskEngine

        return DaskEngine(scheduler, workers)
    raise OptionError(f"Unknown engine {name!r}; available: {', '.join(ENGINES)}.")


__all__ = ["ENGINES", "Engine", "LocalEngine", "get_engine"]
