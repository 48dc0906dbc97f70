"""The distributed engine: annotation and embedding on a Dask cluster.

Reading stays in the calling process (it is ~5 ms a page); each chunk of
``AnnotateOptions.batch_size`` articles goes to a worker as one task
(:func:`newsweave.engines.local.annotate_chunk`), and the results come back in input order, so
the clustering and the store see exactly what the local engine gives them. Each worker loads
spaCy and MiniLM once, when it joins (a worker plugin), not once per task. At most a few
chunks per worker are in flight, so an archive never sits in memory whole.

Needs ``pip install 'newsweave[dask]'``; without an address it starts a ``LocalCluster`` of
worker processes on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import logging
import os
import warnings
from collections import deque
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any

from newsweave.annotate.pipeline import WHOLE, AnnotateOptions, Pass
from newsweave.engines.local import annotate_chunk, chunks
from newsweave.errors import NewsweaveError, OptionError
from newsweave.model import AnnotatedArticle, Article

try:  # the plugin base class; without Dask the engine refuses to start (see _distributed)
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - exercised by the install-hint test
    WorkerPlugin = object  # type: ignore[assignment,misc,unused-ignore]

INSTALL_HINT = "pip install 'newsweave[dask]'"
IN_FLIGHT_PER_WORKER = 2
_runs = itertools.count()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise NewsweaveError(
            f"The dask engine needs Dask distributed, which is not installed; run {INSTALL_HINT}."
        ) from exc
    return distributed


def _load_models() -> None:
    """Load the models of both passes in this (worker) process; later tasks find them cached."""
    from newsweave.annotate.models import load_embedder, load_nlp

    load_nlp()  # one pipeline serves both passes
    load_embedder()  # article vectors
    load_embedder(quantized=False)  # sentence vectors


class _LoadModels(WorkerPlugin):
    """Worker plugin: each worker loads the models when it starts (dask's WorkerPlugin API)."""

    name = "newsweave-models"

    def setup(self, worker: Any) -> None:
        _load_models()

    def teardown(self, worker: Any) -> None:
        return None


class DaskEngine:
    """Annotate on a Dask distributed cluster.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); ``None`` starts a
            LocalCluster of ``workers`` processes on 127.0.0.1, closed with the engine.
        workers: worker processes of the LocalCluster (default: the CPU count); only without
            ``scheduler``.
        timeout: seconds to wait for the scheduler.

    Raises:
        NewsweaveError: Dask is not installed, or the scheduler cannot be reached.
        OptionError: ``workers`` is given with ``scheduler``, or is below 1.

    Example:
        >>> with DaskEngine(workers=2) as engine:  # doctest: +SKIP
        ...     report = newsweave.pipeline.ingest(["archive/"], store, engine=engine)
    """

    name = "dask"

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, *, timeout: float = 30.0
    ) -> None:
        if workers is not None and workers < 1:
            raise OptionError(f"The number of Dask workers must be 1 or more; got {workers}.")
        if workers is not None and scheduler:
            raise OptionError(
                "--workers sets the size of the local cluster; with --scheduler the cluster's "
                "own workers are used. Give one or the other."
            )
        distributed = _distributed()
        self.scheduler = scheduler
        self._cluster: Any = None
        try:
            if scheduler:
                self.client = distributed.Client(scheduler, timeout=timeout)
            else:
                # With the dashboard off the scheduler still serves HTTP on 8787 and moves
                # to a free port when another cluster holds it: that is what we want, so its
                # "port already in use" warning is not passed on.
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="Port .* is already in use")
                    self._cluster = distributed.LocalCluster(
                        n_workers=workers or os.cpu_count() or 1,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                    )
                self.client = distributed.Client(self._cluster, timeout=timeout)
            self.client.register_plugin(_LoadModels(), name=_LoadModels.name)
        except (OSError, TimeoutError) as exc:
            self._close_cluster()
            where = scheduler or "a local cluster"
            raise NewsweaveError(
                f"Cannot reach the Dask scheduler at {where} ({type(exc).__name__}: {exc}); "
                "check the address and that 'dask scheduler' runs there, or leave --scheduler "
                "out to start a local cluster."
            ) from exc

    @property
    def workers(self) -> int:
        """The number of workers the cluster has now."""
        return len(self.client.scheduler_info().get("workers", {}))

    def annotate(
        self,
        articles: Sequence[Article],
        options: AnnotateOptions | None = None,
        which: Pass = WHOLE,
    ) -> Iterator[list[AnnotatedArticle]]:
        """Annotated articles (``which`` pass), one list per chunk of ``options.batch_size``,
        in input order."""
        distributed = _distributed()
        opts = options or AnnotateOptions()
        run = next(_runs)
        window = max(1, self.workers) * IN_FLIGHT_PER_WORKER
        pending: deque[Any] = deque()
        todo = iter(enumerate(chunks(articles, opts.batch_size)))
        try:
            while True:
                while len(pending) < window:
                    step = next(todo, None)
                    if step is None:
                        break
                    index, chunk = step
                    key = f"newsweave-annotate-{os.getpid()}-{run}-{index}"
                    pending.append(
                        self.client.submit(annotate_chunk, list(chunk), opts, which, key=key)
                    )
                if not pending:
                    return
                future = pending.popleft()
                items: list[AnnotatedArticle] = future.result()
                future.release()
                yield items
        except (distributed.CancelledError, distributed.comm.CommClosedError, OSError) as exc:
            raise NewsweaveError(
                f"The Dask cluster stopped answering ({type(exc).__name__}: {exc}); the articles "
                "annotated so far are kept; run the same ingest again to add the rest."
            ) from exc
        except distributed.scheduler.KilledWorker as exc:
            raise NewsweaveError(
                f"A Dask worker died while annotating ({exc}); workers need ~700 MB each for "
                "the models: give them more memory or start fewer."
            ) from exc
        finally:
            for future in pending:
                future.cancel()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def close(self) -> None:
        """Disconnect; a LocalCluster this engine started is shut down."""
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        self._close_cluster()

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
