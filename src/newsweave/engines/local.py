"""The in-process engine: chunks of articles annotated here, or on a pool of local processes.

Articles are cut into chunks of ``AnnotateOptions.batch_size``; each chunk's vectors are
computed together, so every engine that keeps these chunk boundaries gives the same vectors
(padding inside a MiniLM batch changes the last bits of a vector).

With ``n_process`` of 2 or more, each chunk goes whole (spaCy and MiniLM) to one of
``n_process`` forked worker processes, a few chunks per worker in flight, results in input order.
The pool starts on first use and lives as long as the engine, for every call and both passes,
so each worker loads its models once per run; this process loads none and is left to store
and cluster. One worker, one thread: on a 2-core machine two workers use both cores. A
call with no more than one chunk runs here, without starting the pool, unless the pool is
already running (an ingest's lone deep chunk goes to a worker: loading the models here would
add ~550 MB to this process); here (and with ``n_process`` 1) the embedder's threads use
every core (``AnnotateOptions.threads``).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import lru_cache
from multiprocessing.queues import Queue
from types import TracebackType

import numpy as np

from newsweave.annotate.embed import embed_articles
from newsweave.annotate.models import set_embed_threads
from newsweave.annotate.pipeline import (
    WHOLE,
    AnnotateOptions,
    Pass,
    annotate_stream,
    with_article_vectors,
    with_vectors,
)
from newsweave.errors import NewsweaveError, OptionError
from newsweave.model import AnnotatedArticle, Article

IN_FLIGHT_PER_WORKER = 2
logger = logging.getLogger("newsweave.engines")


def chunks(articles: Sequence[Article], size: int) -> list[Sequence[Article]]:
    """``articles`` cut into consecutive chunks of ``size`` (the last one shorter)."""
    step = max(1, size)
    return [articles[start : start + step] for start in range(0, len(articles), step)]


def annotate_chunk(
    articles: Sequence[Article],
    options: AnnotateOptions,
    which: Pass = WHOLE,
    overlap: bool = False,
) -> list[AnnotatedArticle]:
    """The annotations and vectors (``which``) of one chunk, in order, in this process.

    This is the unit of work the pool and the distributed engine send to a worker; models are
    loaded once per process (:mod:`newsweave.annotate.models`). With ``overlap`` (a process
    annotating alone, whose embedder may use every core) the title + lead vectors, which read
    only the articles, are computed in a thread while spaCy loads and parses: ONNX Runtime
    runs without the GIL, so a cold ``brief`` loads the embedder and encodes the leads while
    spaCy is imported. The vectors are the same (same texts, same batches).
    """
    if not (overlap and which.article_vectors):
        items = annotate_stream(
            articles, options.batch_size, 1, options.max_sentences, which, options.lead_chars
        )
        done = with_vectors(list(items), which, options.vector_pieces)
    else:
        with ThreadPoolExecutor(1, thread_name_prefix="newsweave-embed") as thread:
            leads = thread.submit(embed_articles, articles, options.vector_pieces)
            parsed = list(
                annotate_stream(
                    articles,
                    options.batch_size,
                    1,
                    options.max_sentences,
                    which,
                    options.lead_chars,
                )
            )
            done = _with_leads(parsed, leads, options.vector_pieces)
        done = with_vectors(done, replace(which, article_vectors=False), options.vector_pieces)
    release_memory()
    return done


def _with_leads(
    items: list[AnnotatedArticle], leads: Future[np.ndarray], pieces: int
) -> list[AnnotatedArticle]:
    """``items`` with the lead vectors of ``leads``; when that batch failed, the vectors as
    :func:`with_article_vectors` computes them (article by article, failures recorded)."""
    try:
        vectors = leads.result()
    except Exception:  # the batch failed: isolate the article that broke it, as without overlap
        return with_article_vectors(items, pieces)
    return [replace(i, embedding=v) for i, v in zip(items, vectors, strict=True)]


def release_memory() -> None:
    """Hand the heap's free pages back to the system (glibc only; elsewhere nothing).

    A chunk of long articles leaves tens of MB of freed spaCy and ONNX buffers in the heap,
    which glibc keeps; over a run a worker's RSS grows by the largest chunk's share each time.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def warm_up() -> None:
    """Load the models in this (worker) process, so a run's first chunk does not wait."""
    from newsweave.annotate.models import load_embedder, load_nlp

    load_nlp()
    load_embedder()


def _start_worker(ready: Queue[int] | None) -> None:
    """Pool initializer: load the models, then say so. A model that cannot load is left to
    the first task, whose error then names it (a failing initializer only breaks the pool)."""
    set_embed_threads(1)  # one thread per worker; the workers share the cores
    try:
        warm_up()
    except Exception:  # reported by the first chunk, which loads the models again
        logger.debug("models not loaded at worker start", exc_info=True)
    if ready is not None:
        ready.put(os.getpid())


class LocalEngine:
    """Annotate in this process, or on ``n_process`` local worker processes.

    Args:
        n_process: worker processes; ``None`` takes ``AnnotateOptions.n_process``; 1 works in
            this process.

    Example:
        >>> with LocalEngine(n_process=2) as engine:  # doctest: +SKIP
        ...     for items in engine.annotate(articles, AnnotateOptions()):
        ...         store_them(items)
    """

    name = "local"

    def __init__(self, n_process: int | None = None) -> None:
        if n_process is not None and n_process < 1:
            raise OptionError(f"n_process must be 1 or more; got {n_process}.")
        self.n_process = n_process
        self._pool: ProcessPoolExecutor | None = None
        self._size = 0

    def start(self, n_process: int | None = None, timeout: float = 300.0) -> None:
        """Start the worker pool and wait until each worker has loaded the models, rather
        than on the first large call (a long-running service, a benchmark)."""
        workers = n_process or self.n_process or 1
        if workers > 1:
            self._workers(workers, wait=timeout)

    def _workers(self, workers: int, wait: float | None = None) -> ProcessPoolExecutor:
        if self._pool is None or self._size != workers:
            self.close()
            # Forked workers share this process's imported modules (and its models, when it
            # has loaded them) and need no import guard in the caller's script; this process
            # runs no ONNX Runtime thread pool (one thread) and its store is never used there.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            ready: Queue[int] | None = context.Queue() if wait is not None else None
            self._pool = ProcessPoolExecutor(
                workers, mp_context=context, initializer=_start_worker, initargs=(ready,)
            )
            self._size = workers
            # With fork every worker starts at the first task; a no-op task starts them.
            self._pool.submit(os.getpid).result()
            if ready is not None:
                for _ in range(workers):
                    ready.get(timeout=wait)
        return self._pool

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
        running = self._pool is not None and self._size == n_process
        if n_process <= 1 or (len(articles) <= size and not running):
            set_embed_threads(opts.threads)  # alone here: the embedder may use every core
            for chunk in chunks(articles, size):
                yield annotate_chunk(chunk, opts, which, overlap=True)
            return
        yield from self._on_pool(self._workers(n_process), chunks(articles, size), opts, which)

    def _on_pool(
        self,
        pool: ProcessPoolExecutor,
        parts: list[Sequence[Article]],
        opts: AnnotateOptions,
        which: Pass,
    ) -> Iterator[list[AnnotatedArticle]]:
        window = max(1, self._size) * IN_FLIGHT_PER_WORKER
        pending: deque[Future[list[AnnotatedArticle]]] = deque()
        todo = iter(parts)
        try:
            while True:
                while len(pending) < window:
                    chunk = next(todo, None)
                    if chunk is None:
                        break
                    pending.append(pool.submit(annotate_chunk, list(chunk), opts, which))
                if not pending:
                    return
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            self.close()
            raise NewsweaveError(
                "A worker process died while annotating (out of memory?); the articles "
                "annotated so far are kept; run the same ingest again to add the rest, with "
                "fewer workers if it happens again."
            ) from exc
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the worker pool, if one was started."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
