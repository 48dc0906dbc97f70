"""Brief builds behind ``GET /api/stories/{id}``: one at a time per story, bounded, stoppable.

Building a brief that is not cached can take seconds (minutes for a huge story). The API never
runs it inside a request: the first request for a story starts one build in a worker thread,
every later request for the same story joins it (no second build), and each request waits at
most ``wait_s`` before it answers 202 with the build's progress (the web page polls). A build
is stopped when it runs past ``deadline_s`` (the story then answers 503 for ``retry_after_s``
instead of starting again at once) or when no client has asked for it for ``abandon_s`` (the
client left).

Stopping a thread: the analysis is pure Python over in-memory data, so the build thread is sent
an asynchronous :class:`BuildStopped` exception (``PyThreadState_SetAsyncExc``), which unwinds
it through its ``finally`` blocks and context managers (the store rolls back what it had not
committed). Python swallows an asynchronous exception that lands inside a callback it runs
for itself (a garbage-collector callback, a ``__del__``), so the reaper sends it again every
half second until the build has ended (a delivered one unwinds in microseconds: a build still
running then has lost it). Model loading runs before that window opens and is never
interrupted, so no import is left half done; C calls (a matrix product) finish before the
exception lands.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsweave.api.errors import ApiError, public_message
from newsweave.errors import NewsweaveError, NotFoundError

__all__ = ["BuildLimits", "BuildStopped", "Builds", "Job"]

log = logging.getLogger("newsweave.api")

_RESEND_S = 0.5  # a stopped build still running after this lost its BuildStopped


class BuildStopped(BaseException):
    """Raised inside a build thread to stop it (a BaseException: ``except Exception`` in the
    analysis must not swallow it)."""


@dataclass(frozen=True, slots=True)
class BuildLimits:
    """How long requests wait and builds may run, in seconds."""

    wait_s: float = 10.0
    deadline_s: float = 120.0
    abandon_s: float = 15.0
    retry_after_s: float = 300.0
    max_parallel: int = 2


@dataclass
class Job:
    """One build of one story's brief."""

    story_id: str
    articles: int
    started: float = field(default_factory=time.monotonic)
    phase: str = "waiting for a free worker"
    analysing_since: float | None = None
    last_seen: float = field(default_factory=time.monotonic)
    waiters: int = 0
    result: dict[str, Any] | None = None
    error: ApiError | None = None
    finished: float | None = None
    done: threading.Event = field(default_factory=threading.Event)
    thread_id: int | None = None
    stoppable: bool = False
    stop_reason: str | None = None
    stop_sent: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, retry_after: float) -> dict[str, Any]:
        """The 202 body: what the build is doing and since when."""
        return {
            "status": "building",
            "story_id": self.story_id,
            "phase": self.phase,
            "articles": self.articles,
            "elapsed_s": round(time.monotonic() - self.started, 1),
            "retry_after_s": retry_after,
        }


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


class Builds:
    """The running and recently finished builds, keyed by story id.

    Args:
        build: makes the brief JSON of a story (called in a worker thread).
        warm: loads what ``build`` needs before it may be stopped (the models).
        limits: see :class:`BuildLimits`.
    """

    def __init__(
        self,
        build: Callable[[str], dict[str, Any]],
        warm: Callable[[], None],
        limits: BuildLimits | None = None,
    ) -> None:
        self.build = build
        self.warm = warm
        self.limits = limits or BuildLimits()
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._slots = threading.Semaphore(self.limits.max_parallel)
        self._warm_lock = threading.Lock()
        self.started = 0
        self.stopped = 0
        self._reaper: threading.Thread | None = None
        self._closing = threading.Event()

    # --- requests -------------------------------------------------------------------------

    def join(self, story_id: str, articles: int) -> Job:
        """The build of ``story_id``: the running one, a recent failure, or a new one."""
        now = time.monotonic()
        with self._lock:
            job = self._jobs.get(story_id)
            if job is not None:
                failed_recently = (
                    job.error is not None
                    and job.stop_reason == "deadline"
                    and job.finished is not None
                    and now - job.finished < self.limits.retry_after_s
                )
                if not job.done.is_set() or failed_recently:
                    job.last_seen = now
                    job.waiters += 1
                    return job
            job = Job(story_id, articles, waiters=1)
            self._jobs[story_id] = job
            self.started += 1
        threading.Thread(
            target=self._run, args=(job,), name=f"brief {story_id}", daemon=True
        ).start()
        self._ensure_reaper()
        return job

    def leave(self, job: Job) -> None:
        with self._lock:
            job.waiters -= 1
            job.last_seen = time.monotonic()

    def forget(self, story_id: str) -> None:
        """Drop a finished build (its brief is in the store's cache now)."""
        with self._lock:
            job = self._jobs.get(story_id)
            if job is not None and job.done.is_set() and job.error is None:
                del self._jobs[story_id]

    def counts(self) -> dict[str, int]:
        with self._lock:
            running = sum(1 for j in self._jobs.values() if not j.done.is_set())
            return {"running": running, "started": self.started, "stopped": self.stopped}

    def close(self) -> None:
        """Stop every running build (server shutdown)."""
        self._closing.set()
        with self._lock:
            jobs = [j for j in self._jobs.values() if not j.done.is_set()]
        for job in jobs:
            self._stop(job, "shutdown")

    # --- the worker -----------------------------------------------------------------------

    def _run(self, job: Job) -> None:
        job.thread_id = threading.get_ident()
        try:
            try:
                with self._slots:
                    job.phase = "loading the models"
                    with self._warm_lock:
                        self.warm()
                    job.phase = f"analysing {job.articles} articles"
                    job.analysing_since = time.monotonic()
                    with job.lock:
                        job.stoppable = job.stop_reason is None
                    if job.stop_reason is not None:
                        raise BuildStopped
                    try:
                        result = self.build(job.story_id)
                    finally:
                        with job.lock:
                            job.stoppable = False
                            if job.stop_reason is not None:
                                _raise_in(job.thread_id, None)  # clear one not yet delivered
                job.result = result
            except BuildStopped:
                job.error = self._stopped_error(job)
            except NotFoundError:
                job.error = ApiError(
                    404, "not_found", f"no story {job.story_id!r}; GET /api/stories lists them"
                )
            except NewsweaveError as exc:
                log.warning("brief of %s failed: %s", job.story_id, exc)
                job.error = ApiError(500, "brief_failed", public_message(str(exc)))
            except Exception as exc:
                log.exception("brief of %s failed", job.story_id, exc_info=exc)
                job.error = ApiError(
                    500,
                    "internal",
                    f"building the brief failed ({type(exc).__name__}); the server log has "
                    "the details, please report it",
                )
        except BuildStopped:  # delivered late, after the result was in
            if job.result is None and job.error is None:
                job.error = self._stopped_error(job)
        finally:
            job.finished = time.monotonic()
            job.phase = "done"
            job.done.set()

    def _stopped_error(self, job: Job) -> ApiError:
        if job.stop_reason == "deadline":
            return ApiError(
                503,
                "brief_timeout",
                f"the brief of story {job.story_id!r} ({job.articles} articles) took longer "
                f"than {self.limits.deadline_s:g} s to build and was stopped; it will be tried "
                f"again in {self.limits.retry_after_s:g} s",
                headers={"Retry-After": str(int(self.limits.retry_after_s))},
            )
        return ApiError(
            503,
            "brief_stopped",
            f"the build of story {job.story_id!r} was stopped ({job.stop_reason or 'stopped'}); "
            "ask again to restart it",
            headers={"Retry-After": "1"},
        )

    def _stop(self, job: Job, reason: str) -> None:
        with job.lock:
            if job.stop_reason is not None or job.done.is_set():
                return
            job.stop_reason = reason
            self._deliver(job)
        self.stopped += 1
        log.warning("stopped the brief build of %s: %s", job.story_id, reason)

    @staticmethod
    def _deliver(job: Job) -> None:
        """Send BuildStopped to the build thread if it is in its stoppable window (the caller
        holds ``job.lock``, so the window cannot close meanwhile)."""
        if job.stoppable and job.thread_id is not None and not job.done.is_set():
            _raise_in(job.thread_id, BuildStopped)
            job.stop_sent = time.monotonic()

    # --- the reaper: deadlines and abandoned builds ---------------------------------------

    def _ensure_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None and self._reaper.is_alive():
                return
            self._reaper = threading.Thread(target=self._reap, name="brief reaper", daemon=True)
            self._reaper.start()

    def _reap(self) -> None:
        while not self._closing.wait(0.1):
            now = time.monotonic()
            with self._lock:
                running = [j for j in self._jobs.values() if not j.done.is_set()]
            for job in running:
                if job.stop_reason is not None:
                    sent = job.stop_sent
                    if sent is not None and now - sent > _RESEND_S:  # lost: send it again
                        with job.lock:
                            self._deliver(job)
                    continue
                since = job.analysing_since
                if since is not None and now - since > self.limits.deadline_s:
                    self._stop(job, "deadline")
                elif job.waiters <= 0 and now - job.last_seen > self.limits.abandon_s:
                    self._stop(job, "no client is waiting for it")
