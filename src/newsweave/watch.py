"""The feed watcher: poll RSS/Atom feeds, ingest new entries, keep the stories current.

Each poll sends the feed's ETag / Last-Modified back (an unchanged feed costs one 304), reads
the entries, skips the ids already handled, fetches the page of an entry that carries only a
link, and ingests the rest through :func:`newsweave.pipeline.ingest_outcomes`. What was seen is
kept in the store file (tables ``feed_state`` and ``feed_entries``), so a restart neither
re-fetches nor re-ingests. A feed that cannot be fetched is reported and retried with
exponential backoff; the others go on. Validators are saved only when every new entry was
handled, so an entry whose page failed for a passing reason is tried again on the next poll.

The feeds due are fetched on a few threads at once (``WatchOptions.parallel``), never two
requests at once to one host; the store is read and written only by the thread that called
:func:`watch`, which ingests each feed as soon as its fetch ends.

Example:
    >>> from newsweave.store import open_store  # doctest: +SKIP
    >>> store = open_store("news.sqlite")  # doctest: +SKIP
    >>> watch(["https://example.org/feed.xml"], store, WatchOptions(once=True))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
import queue
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsweave.errors import InputError, OptionError
from newsweave.fetch import FEED_TYPES, PAGE_TYPES, FetchError, FetchOptions, fetch
from newsweave.ingest.datehints import with_estimated_date
from newsweave.ingest.dates import placeholder_reason, unreadable_reason
from newsweave.ingest.decode import decode
from newsweave.ingest.extract import read_html
from newsweave.ingest.feed import entry_date, read_feed
from newsweave.model import DateOrigin, IngestOutcome, IngestStatus
from newsweave.pipeline import PipelineOptions, ingest_outcomes
from newsweave.store import FeedPort, Store
from newsweave.terminal import printable

logger = logging.getLogger("newsweave.watch")

__all__ = ["FeedMemory", "WatchEvent", "WatchOptions", "parse_interval", "poll_feed", "watch"]


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """How often and how carefully to poll.

    Args:
        every: seconds between polls of a healthy feed.
        once: poll each feed once and return (no retries).
        retry_base: the first retry delay after a failure; it doubles per failure in a row...
        max_backoff: ...up to this many seconds.
        fetch: limits for feeds and pages (``allow_private`` lets it reach your own network).
        pipeline: the ingest, annotate and cluster options.
        feed_deadline: seconds for fetching one feed and the pages of its link-only entries;
            pages left when it passes are fetched on the next poll.
        parallel: feeds fetched at once (never two requests at once to one host).
    """

    every: float = 300.0
    once: bool = False
    retry_base: float = 60.0
    max_backoff: float = 3600.0
    feed_deadline: float = 120.0
    parallel: int = 4
    fetch: FetchOptions = field(default_factory=FetchOptions)
    pipeline: PipelineOptions = field(default_factory=PipelineOptions)


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One thing that happened to one feed; ``message`` is the line the CLI prints.

    ``kind`` is ``"new"`` (entries ingested), ``"unchanged"``, ``"error"`` (the feed failed;
    ``retry_in`` says when it is tried again) or ``"entry-error"`` (one entry's page failed).
    """

    feed: str
    kind: str
    message: str
    ingested: int = 0
    retry_in: float | None = None
    attempt: int = 0


Report = Callable[[WatchEvent], None]


def parse_interval(text: str) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"5m"``, ``"2h"`` or ``"1d"``.

    Raises:
        OptionError: not a positive number with an optional s/m/h/d unit.
    """
    units = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
    value = text.strip().lower()
    scale = units.get(value[-1:])
    number = value[:-1] if scale is not None else value
    try:
        seconds = float(number) * (scale or 1.0)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds != seconds:  # rejects NaN too
        raise OptionError(
            f"the interval must be a positive number with an optional unit s, m, h or d "
            f"(e.g. 30s, 5m, 1h); got {text!r}"
        )
    return seconds


def _now() -> str:
    return datetime.now(UTC).isoformat()


class FeedMemory:
    """What the watcher has seen of each feed: entry ids, validators, failures in a row.

    Kept by the store (its feed methods), so it survives restarts of a store on disk.
    """

    def __init__(self, store: FeedPort) -> None:
        self._store = store

    def validators(self, feed: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the feed's last complete poll."""
        return self._store.feed_validators(feed)

    def seen(self, feed: str) -> set[str]:
        return self._store.feed_seen(feed)

    def remember(
        self,
        feed: str,
        entries: Sequence[tuple[str, str, str | None]],
        etag: str | None,
        last_modified: str | None,
        complete: bool,
    ) -> None:
        """Record handled entries ``(entry_id, status, article_id)``; the validators too when
        ``complete`` (otherwise the old ones stay, so the next poll reads the feed again)."""
        self._store.remember_feed(feed, entries, etag, last_modified, complete)

    def failed(self, feed: str, error: str) -> int:
        """Count one more failure in a row; returns the count."""
        return self._store.feed_failed(feed, error)

    def close(self) -> None:
        """Nothing to release: the store is the caller's."""


def _entry_id(entry: Any) -> str:
    for key in ("id", "guid", "link"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    title = str(entry.get("title") or "")
    summary = str(entry.get("summary") or "")
    return "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()


def _parse_entries(data: bytes) -> list[Any]:
    import feedparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    return list(parsed.get("entries") or [])


def _page_outcome(
    feed: str, entry: Any, outcome: IngestOutcome, options: WatchOptions
) -> IngestOutcome:
    """The article of a link-only entry, read from its page (the entry fills in the gaps)."""
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip():
        return outcome
    page = fetch(link, replace(options.fetch, content_types=PAGE_TYPES))
    try:
        markup = decode(page.content, page.url)
    except InputError as exc:
        return IngestOutcome(outcome.where, IngestStatus.REJECTED, reason=str(exc))
    found = read_html(markup, Path(page.url), outcome.where, options.pipeline.ingest)[0]
    if found.article is None:
        return found
    article = found.article
    published, origin = article.published, article.date_origin
    listed, stated = entry_date(entry)
    note = found.reason
    if published is None or origin.estimated:
        # The entry's date, where the page gave none: checked as a reader checks its own.
        placeholder = placeholder_reason(listed) if listed is not None else None
        if listed is not None and placeholder is None:
            published, origin = listed, DateOrigin.METADATA
        elif published is None:
            note = note or placeholder or unreadable_reason(stated)
    title = entry.get("title")
    article = replace(
        article,
        path=feed,
        url=article.url or page.url,
        title=article.title or (title if isinstance(title, str) else None),
        published=published,
        date_origin=origin,
    )
    if options.pipeline.ingest.estimate_dates:
        article = with_estimated_date(article)  # the page's address may hold the day
    return replace(found, article=article, reason=note)


@dataclass(slots=True)
class _Gathered:
    """What one feed's fetch brought back, nothing stored yet (the store is written by the
    thread that runs :func:`watch`, so the pipeline never runs twice at once).

    ``note`` is set when there is nothing to ingest (304, or no entries): then only the
    validators are saved."""

    feed: str
    etag: str | None
    last_modified: str | None
    fresh: list[tuple[str, IngestOutcome]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    complete: bool = True
    note: str | None = None


class _HostLocks:
    """One lock per host name: two requests never go to one host at once, whichever feeds
    they belong to (a feed's pages may live on another feed's host)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def hold(self, url: str, wait: float) -> Iterator[None]:
        """Hold ``url``'s host for one request, waiting at most ``wait`` seconds for it.

        Raises:
            FetchError: (transient) another request kept the host busy for all of ``wait``.
        """
        host = _host(url)
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        if not lock.acquire(timeout=max(0.0, wait)):
            raise FetchError(
                url,
                f"another request to {host} kept it busy for the {wait:g} s left to this feed "
                "(WatchOptions.feed_deadline)",
                transient=True,
            )
        try:
            yield
        finally:
            lock.release()


def _host(url: str) -> str:
    """The host name a URL is requested from (the URL itself when it has none)."""
    try:
        return (urlsplit(url).hostname or url).lower()
    except ValueError:
        return url


def poll_feed(feed: str, store: Store, memory: FeedMemory, options: WatchOptions) -> WatchEvent:
    """One poll of one feed: fetch, ingest what is new, remember it.

    Raises:
        FetchError: the feed itself could not be fetched (the caller schedules the retry).
    """
    validators = memory.validators(feed)
    gathered = _gather(feed, validators, memory.seen(feed), options, _HostLocks())
    return _store_feed(gathered, store, memory, options)


def _gather(
    feed: str,
    validators: tuple[str | None, str | None],
    seen: set[str],
    options: WatchOptions,
    hosts: _HostLocks,
    halt: threading.Event | None = None,
) -> _Gathered:
    """Fetch the feed and the pages of its new link-only entries; touches no store, so it
    can run on any thread.

    Raises:
        FetchError: the feed itself could not be fetched.
    """
    ends = time.monotonic() + options.feed_deadline
    etag, modified = validators
    headers = {}
    # A validator with non-ASCII bytes cannot be sent back in a header: poll without it.
    if etag and etag.isascii():
        headers["If-None-Match"] = etag
    if modified and modified.isascii():
        headers["If-Modified-Since"] = modified
    with hosts.hold(feed, ends - time.monotonic()), _interruptible():
        feed_options = _within(options.fetch, max(0.0, ends - time.monotonic()))
        answer = fetch(feed, replace(feed_options, content_types=FEED_TYPES), headers)
    if answer.status == 304:
        return _Gathered(feed, etag, modified, note="not modified")
    entries = _parse_entries(answer.content)
    outcomes = read_feed(answer.content, Path("feed"), feed, options.pipeline.ingest)
    if len(outcomes) != len(entries):  # no entries at all: one rejection for the whole feed
        reason = outcomes[0].reason if outcomes else "no entries"
        return _Gathered(feed, answer.etag, answer.last_modified, note=reason)
    gathered = _Gathered(feed, answer.etag, answer.last_modified)
    seen = set(seen)
    for entry, outcome in zip(entries, outcomes, strict=True):
        entry_id = _entry_id(entry)
        if entry_id in seen:
            continue
        seen.add(entry_id)
        if outcome.article is not None:
            outcome = replace(outcome, article=replace(outcome.article, path=feed))
        elif outcome.status is IngestStatus.REJECTED and "only a link" in (outcome.reason or ""):
            page = _page(feed, entry, outcome, options, ends, hosts, halt, gathered)
            if page is None:
                gathered.complete = False  # try this entry again on the next poll
                continue
            outcome = page
        gathered.fresh.append((entry_id, outcome))
    return gathered


def _page(
    feed: str,
    entry: Any,
    outcome: IngestOutcome,
    options: WatchOptions,
    ends: float,
    hosts: _HostLocks,
    halt: threading.Event | None,
    gathered: _Gathered,
) -> IngestOutcome | None:
    """The outcome of a link-only entry read from its page, or None when it is to be tried
    again on the next poll (the problem is noted in ``gathered``)."""
    if halt is not None and halt.is_set():
        gathered.problems.append(f"{outcome.where}: stopped before its page was fetched")
        return None
    if ends - time.monotonic() <= 0:
        gathered.problems.append(
            f"{outcome.where}: the feed's {options.feed_deadline:g} s "
            "(WatchOptions.feed_deadline) ran out before its page was fetched"
        )
        return None
    link = entry.get("link")
    try:
        with hosts.hold(link if isinstance(link, str) else feed, ends - time.monotonic()):
            left = max(0.0, ends - time.monotonic())
            page_options = replace(options, fetch=_within(options.fetch, left))
            with _interruptible():
                return _page_outcome(feed, entry, outcome, page_options)
    except FetchError as exc:
        gathered.problems.append(f"{outcome.where}: {exc.problem}")
        if exc.transient:
            return None
        return IngestOutcome(outcome.where, IngestStatus.REJECTED, reason=str(exc))


def _store_feed(
    gathered: _Gathered, store: Store, memory: FeedMemory, options: WatchOptions
) -> WatchEvent:
    """Ingest what one feed's fetch brought and remember it (the store's side of a poll)."""
    feed = gathered.feed
    if gathered.note is not None:
        memory.remember(feed, [], gathered.etag, gathered.last_modified, complete=True)
        return WatchEvent(feed, "unchanged", f"{feed}: {gathered.note}")
    fresh = gathered.fresh
    report = ingest_outcomes([o for _, o in fresh], store, options.pipeline)
    handled = []
    for (entry_id, _), final in zip(fresh, report.outcomes, strict=True):
        article_id = final.article.article_id if final.article else final.duplicate_of
        handled.append((entry_id, final.status.value, article_id))
    memory.remember(feed, handled, gathered.etag, gathered.last_modified, gathered.complete)
    counts = report.counts
    message = (
        f"{feed}: {len(fresh)} new entries: {counts['ingested']} ingested, "
        f"{counts['duplicate']} duplicate, {counts['rejected']} rejected"
    )
    for final in report.outcomes:
        if final.status is IngestStatus.REJECTED:
            message += f"\n  rejected: {final.where}: {final.reason}"
    for problem in gathered.problems:
        message += f"\n  will retry: {problem}"
    kind = "new" if fresh else "unchanged"
    return WatchEvent(feed, kind, message, ingested=counts["ingested"])


def _within(options: FetchOptions, seconds: float) -> FetchOptions:
    return replace(options, deadline=min(options.deadline, seconds))


class _Interrupted(BaseException):
    """SIGTERM/SIGINT arrived while a fetch was waiting on the network (not an Exception, so
    that no library's ``except Exception`` swallows it)."""


_waiting = threading.local()


@contextmanager
def _interruptible() -> Iterator[None]:
    """Mark a network wait that a stop signal may abort at once (nothing is written there)."""
    _waiting.on = True
    try:
        yield
    finally:
        _waiting.on = False


def _print(event: WatchEvent) -> None:
    for line in event.message.split("\n"):  # escapes in titles and URLs are shown, not obeyed
        print(printable(line), flush=True)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop``: a fetch waiting on the network is abandoned at once
    (it is tried again on the next start), other work of the current poll finishes; a second
    Ctrl-C aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

    def handler(signum: int, frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()
        if getattr(_waiting, "on", False):
            _waiting.on = False
            raise _Interrupted  # a slow server must not hold the stop for a whole deadline

    for s in previous:
        signal.signal(s, handler)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def watch(
    feeds: Sequence[str],
    store: Store,
    options: WatchOptions | None = None,
    report: Report = _print,
    stop: threading.Event | None = None,
) -> dict[str, int]:
    """Poll ``feeds`` until ``stop`` is set (or once, with ``options.once``).

    The feeds due are fetched ``options.parallel`` at a time, never two requests at once to
    one host; each is ingested and reported on this thread as soon as its fetch ends, so a
    slow feed holds up only itself (and the feeds on its host).

    Returns:
        Failures in a row per feed when it returned (0 for a feed whose last poll worked).

    Raises:
        OptionError: no feeds, or ``parallel`` below 1. StoreError: the store cannot keep the
            watcher's memory.
    """
    opts = options or WatchOptions()
    if not feeds:
        raise OptionError("give at least one feed URL to watch")
    if opts.parallel < 1:
        raise OptionError(
            f"WatchOptions.parallel (feeds fetched at once) must be 1 or more; got {opts.parallel}"
        )
    halt = stop or threading.Event()
    memory = FeedMemory(store)
    hosts = _HostLocks()
    feeds = list(dict.fromkeys(feeds))  # a feed given twice is polled once per round
    due = dict.fromkeys(feeds, time.monotonic())
    failures = dict.fromkeys(feeds, 0)
    try:
        with stop_on_signals(halt) if stop is None else _nothing():
            while not halt.is_set():
                now = time.monotonic()
                ready = [f for f in feeds if opts.once or due[f] <= now]
                for feed, event in _round(ready, store, memory, opts, failures, hosts, halt):
                    report(event)
                    delay = opts.every
                    if failures[feed]:
                        delay = min(opts.retry_base * 2 ** (failures[feed] - 1), opts.max_backoff)
                    due[feed] = time.monotonic() + delay
                if opts.once:
                    break
                halt.wait(max(0.0, min(due.values()) - time.monotonic()))
    finally:
        memory.close()
    return failures


@contextmanager
def _nothing() -> Iterator[None]:
    yield


_Result = tuple[str, _Gathered | Exception]


def _round(
    feeds: Sequence[str],
    store: Store,
    memory: FeedMemory,
    opts: WatchOptions,
    failures: dict[str, int],
    hosts: _HostLocks,
    halt: threading.Event,
) -> Iterator[tuple[str, WatchEvent]]:
    """Poll ``feeds`` once each; yields each feed's event as soon as it is stored.

    Fetches run on up to ``opts.parallel`` daemon threads, a feed starting only when no other
    feed of its host is being fetched (in the order given). Reading and writing the store
    stays on the calling thread. When ``halt`` is set no more fetches start, and the ones
    still running are given up (they only fetch; they end by their own deadline).
    """
    results: queue.Queue[_Result] = queue.Queue()
    waiting = list(feeds)
    running: dict[str, str] = {}  # feed -> its host
    while (waiting or running) and not halt.is_set():
        busy = set(running.values())
        for feed in list(waiting):
            if len(running) >= opts.parallel:
                break
            if _host(feed) in busy:
                continue
            waiting.remove(feed)
            try:
                validators, seen = memory.validators(feed), memory.seen(feed)
            except Exception as exc:  # the store's trouble costs this feed's poll only
                yield feed, _settle(feed, exc, memory, store, opts, failures)
                continue
            running[feed] = _host(feed)
            busy.add(running[feed])
            job = (feed, validators, seen, opts, hosts, halt, results)
            threading.Thread(
                target=_fetch_job, args=job, name="newsweave-fetch", daemon=True
            ).start()
        if not running:
            continue
        try:
            # A short wait, so that a stop (signal or ``halt``) is seen within a moment.
            feed, outcome = results.get(timeout=0.2)
        except queue.Empty:
            continue
        del running[feed]
        yield feed, _settle(feed, outcome, memory, store, opts, failures)
    for feed in running:
        yield (
            feed,
            WatchEvent(feed, "error", f"{feed}: stopped while fetching; polled again next start"),
        )


def _fetch_job(
    feed: str,
    validators: tuple[str | None, str | None],
    seen: set[str],
    opts: WatchOptions,
    hosts: _HostLocks,
    halt: threading.Event,
    results: queue.Queue[_Result],
) -> None:
    """A fetch thread's work: one feed, its result (or what went wrong) posted to ``results``."""
    outcome: _Gathered | Exception = RuntimeError("the fetch ended without a result")
    try:
        outcome = _gather(feed, validators, seen, opts, hosts, halt)
    except Exception as exc:  # handed to the watcher's thread, which reports it for this feed
        outcome = exc
    finally:
        results.put((feed, outcome))


def _settle(
    feed: str,
    outcome: _Gathered | Exception,
    memory: FeedMemory,
    store: Store,
    opts: WatchOptions,
    failures: dict[str, int],
) -> WatchEvent:
    """The event of one feed's poll: its fetch stored, or its failure counted and reported."""
    try:
        if isinstance(outcome, Exception):
            raise outcome
        event = _store_feed(outcome, store, memory, opts)
    except _Interrupted:
        return WatchEvent(feed, "error", f"{feed}: stopped while fetching; polled again next start")
    except FetchError as exc:
        failures[feed] = memory.failed(feed, exc.problem)
        if opts.once:
            return WatchEvent(feed, "error", f"{feed}: {exc.problem}", attempt=failures[feed])
        delay = min(opts.retry_base * 2 ** (failures[feed] - 1), opts.max_backoff)
        return WatchEvent(
            feed,
            "error",
            f"{feed}: {exc.problem}; retry {failures[feed]} in {delay:g} s",
            retry_in=delay,
            attempt=failures[feed],
        )
    except Exception as exc:  # a bug must cost this feed's poll, never the other feeds
        logger.error("bug: polling the feed %s failed; please report it", feed, exc_info=True)
        failures[feed] = memory.failed(feed, f"internal error: {type(exc).__name__}: {exc}")
        return WatchEvent(
            feed,
            "error",
            f"{feed}: internal error ({type(exc).__name__}: {exc}); please report it",
            attempt=failures[feed],
        )
    failures[feed] = 0
    return event
