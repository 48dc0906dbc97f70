"""The watcher fetches the feeds of a round at once, on a few threads: a feed whose server drips
one byte every few seconds holds up only itself, two requests never go to one host at once,
and a stop signal still ends a round at once. Servers listen on loopback addresses of their
own (127.0.0.1, .2, .3), which are different hosts to the watcher."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.support.loopback import QuietHandler, drip, running

from newsweave.config import load_settings
from newsweave.errors import OptionError
from newsweave.fetch import FetchOptions
from newsweave.store import open_store
from newsweave.watch import WatchEvent, WatchOptions, watch

# Short reports of our own about a fictional tramway, one per feed, unlike each other.
BODIES = {
    "a": "The Orlen tramway reopened its northern branch on Monday after six weeks of track "
    "repairs, the city transport office said, with trams every eight minutes at peak hours.",
    "b": "Flooding in the Marrow valley closed the regional rail line between Tessa and Brune on "
    "Tuesday, and the operator Valley Rail ran replacement buses for about two thousand riders.",
    "c": "The harbour council of Lenholm approved a new fish market building on Wednesday, "
    "after fishermen complained for years that the old hall leaked in every winter storm.",
    "d": "A power cut left the Sorrel district without electricity for four hours on Thursday "
    "night; the grid company Norvolt blamed a damaged cable under the ring road works.",
}


def _feed(key: str, site: str = "", link_only: bool = False) -> bytes:
    content = "" if link_only else f"<content:encoded>{BODIES[key]}</content:encoded>"
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed {key}</title><item><title>Report {key}</title>"
        f"<guid>report-{key}</guid><link>{site}/page-{key}.html</link>"
        "<pubDate>Mon, 16 Mar 2026 08:00:00 GMT</pubDate>"
        f"<description>Teaser.</description>{content}</item></channel></rss>"
    ).encode()


def _page(key: str) -> bytes:
    article = f"<article><h1>Report {key}</h1><p>{BODIES[key]}</p></article>"
    return f"<html><body>{article}</body></html>".encode()


@dataclass
class Server:
    """One loopback host. ``/slow`` drips its feed one byte every ``gap`` seconds; ``/feed-K.xml``
    answers the feed of body K after ``delay`` seconds, ``/link-K.xml`` the same entry with
    only a link, to ``/page-K.html``. Every request is logged with its start and end."""

    url: str
    gap: float = 2.0
    delay: float = 0.0
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    active: int = 0
    most_at_once: int = 0


@contextlib.contextmanager
def serve(address: str) -> Iterator[Server]:
    try:
        server = ThreadingHTTPServer((address, 0), BaseHTTPRequestHandler)
    except OSError as exc:  # only 127.0.0.1 may be bound on some systems
        pytest.skip(f"cannot listen on {address}: {exc}")
    state = Server(f"http://{address}:{server.server_address[1]}")

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            started = time.monotonic()
            with state.lock:
                state.active += 1
                state.most_at_once = max(state.most_at_once, state.active)
            try:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer()  # the client may give up first, as it should
            finally:
                with state.lock:
                    state.active -= 1
                    state.spans.append((self.path, started, time.monotonic()))

        def _answer(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            key = name.split("-", 1)[-1].split(".", 1)[0]
            if self.path == "/slow":
                body, kind = _feed("d"), "application/rss+xml"
            elif name.startswith("page-"):
                body, kind = _page(key), "text/html"
            else:
                body, kind = _feed(key, state.url, name.startswith("link-")), "application/rss+xml"
            time.sleep(state.delay)
            self.wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\n".encode())
            self.wfile.write(f"Content-Length: {len(body)}\r\n\r\n".encode())
            if self.path != "/slow":
                self.wfile.write(body)
                return
            drip(self.wfile, body, state.gap)

    with running(server, Handler):
        yield state


def _options(deadline: float, parallel: int = 4) -> WatchOptions:
    fetch = FetchOptions(allow_private=True, timeout=3.0, deadline=deadline)
    return WatchOptions(once=True, fetch=fetch, parallel=parallel)


def _warm_models(tmp_path: Path) -> None:
    """Load the annotation models once, so that the timings below measure fetching only."""
    with serve("127.0.0.1") as server, open_store(tmp_path / "warm.sqlite") as store:
        watch([f"{server.url}/feed-a.xml"], store, _options(5.0))


def test_a_dripping_feed_holds_up_only_itself(tmp_path: Path) -> None:
    _warm_models(tmp_path)
    deadline = 8.0
    with serve("127.0.0.1") as slow, serve("127.0.0.2") as one, serve("127.0.0.3") as two:
        feeds = [f"{slow.url}/slow", f"{one.url}/feed-a.xml", f"{two.url}/link-b.xml"]
        seen: list[tuple[float, WatchEvent]] = []
        with open_store(tmp_path / "w.sqlite") as store:
            started = time.monotonic()
            watch(feeds, store, _options(deadline), lambda e: seen.append((time.monotonic(), e)))
            took = time.monotonic() - started
            titles = sorted(a.article.title or "" for a in store.articles())
    events = {e.feed: (when - started, e) for when, e in seen}
    order = [e.feed for _, e in seen]
    assert len(order) == 3 and order[-1] == feeds[0], [e.message for _, e in seen]
    for feed in feeds[1:]:
        after, event = events[feed]
        assert (event.kind, event.ingested) == ("new", 1), event.message
        # Stored long before the dripping feed's deadline (it was still being fetched).
        assert after < deadline / 2, (feed, after)
    after, event = events[feeds[0]]
    assert event.kind == "error" and "more than 8 s in all" in event.message, event.message
    assert deadline <= after < deadline + 3.0 + 2.0, after  # deadline + one read + slack
    assert took < deadline + 3.0 + 2.0, took
    assert titles == ["Report a", "Report b"], titles


def test_two_feeds_of_one_host_are_never_fetched_at_once(tmp_path: Path) -> None:
    with serve("127.0.0.2") as shared, serve("127.0.0.3") as other:
        shared.delay = other.delay = 0.5
        # Four requests to one host (two feeds, each with a page there), one to another.
        feeds = [f"{shared.url}/link-a.xml", f"{shared.url}/link-b.xml", f"{other.url}/feed-c.xml"]
        events: list[WatchEvent] = []
        with open_store(tmp_path / "w.sqlite") as store:
            watch(feeds, store, _options(10.0), events.append)
    assert sorted((e.feed, e.kind, e.ingested) for e in events) == sorted(
        (f, "new", 1) for f in feeds
    ), [e.message for e in events]
    assert len(shared.spans) == 4 and shared.most_at_once == 1, shared.spans
    # The other host was fetched while the shared one was busy: the round ran at once.
    (_, start, end), *_ = other.spans
    assert any(s < end and start < e for _, s, e in shared.spans), (other.spans, shared.spans)


def test_one_thread_fetches_the_feeds_one_after_another(tmp_path: Path) -> None:
    with serve("127.0.0.2") as one, serve("127.0.0.3") as two:
        one.delay = two.delay = 0.5
        feeds = [f"{one.url}/feed-a.xml", f"{two.url}/feed-b.xml"]
        events: list[WatchEvent] = []
        with open_store(tmp_path / "w.sqlite") as store:
            watch(feeds, store, _options(10.0, parallel=1), events.append)
    assert [(e.feed, e.kind) for e in events] == [(f, "new") for f in feeds]
    (_, _, first_end), (_, second_start, _) = one.spans[0], two.spans[0]
    assert first_end <= second_start


def test_sigterm_during_a_round_stops_at_once(tmp_path: Path) -> None:
    with serve("127.0.0.1") as slow, serve("127.0.0.2") as fast:
        slow.gap = 3.0
        env = {**os.environ, "NEWSWEAVE_DB": str(tmp_path / "w.sqlite")}
        fast_feed = f"{fast.url}/feed-a.xml"
        process = subprocess.Popen(
            [sys.executable, "-m", "newsweave.cli", "watch", "--once", "--allow-private",
             f"{slow.url}/slow", fast_feed],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        assert process.stdout is not None
        output = b""
        ends = time.monotonic() + 60
        while fast_feed.encode() not in output and time.monotonic() < ends:
            ready, _, _ = select.select([process.stdout], [], [], 1.0)
            if ready:
                output += os.read(process.stdout.fileno(), 65536)
        assert fast_feed.encode() in output, output.decode(errors="replace")
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)  # the slow feed is still dripping (30 s deadline)
        try:
            rest, _ = process.communicate(timeout=8)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("watch did not stop within 8 s of SIGTERM")
        stopped = time.monotonic() - sent
    output += rest
    text = output.decode(errors="replace")
    assert stopped < 3.0, stopped
    assert "Traceback" not in text, text
    assert "1 ingested" in text and "stopped while fetching" in text, text


@pytest.mark.parametrize("value", ["0", "33"])
def test_the_parallel_setting_is_checked(value: str) -> None:
    with pytest.raises(OptionError, match=r"'watch.parallel' setting .* from 1 to 32; got"):
        load_settings(overrides=[f"watch.parallel={value}"])


def test_watch_refuses_no_fetch_threads(tmp_path: Path) -> None:
    with open_store(tmp_path / "w.sqlite") as store, pytest.raises(OptionError, match="1 or more"):
        watch(["http://127.0.0.1:9/feed.xml"], store, _options(1.0, parallel=0))
