"""The feed watcher against feeds served by a local HTTP server: new entries arrive (a link-only
entry is read from its page), a restart re-ingests nothing, and an unreachable feed is reported
and retried with exponential backoff."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsweave.cli import main
from newsweave.errors import OptionError
from newsweave.fetch import FetchOptions
from newsweave.store import open_store
from newsweave.watch import WatchEvent, WatchOptions, parse_interval, watch

# Short articles of our own about a fictional ferry line.
BODIES = [
    "The Kessel ferry line added two evening crossings on Monday to carry lorries stranded by "
    "the Varnholm port strike, its operations manager Jonas Vik said at the terminal.",
    "Kessel ferry passengers faced waits of up to three hours on Tuesday as freight traffic "
    "diverted from Varnholm filled the car decks, the ferry company said in a statement.",
    "The Kessel ferry company said on Wednesday it would keep its extra crossings until the "
    "backlog of lorries from the Varnholm strike had cleared, probably by the weekend.",
]
PAGE = (
    "<html><head><title>Ferry queue grows</title></head><body><nav>Home | Ferries</nav>"
    "<article><h1>Ferry queue grows</h1><p>{}</p><p>Drivers said the wait was the longest "
    "they could remember on the Kessel route.</p></article></body></html>"
)


def item(n: int, *, link_only: bool = False, site: str = "") -> str:
    content = "" if link_only else f"<content:encoded>{BODIES[n]}</content:encoded>"
    return (
        f"<item><title>Ferry update {n}</title><guid>ferry-{n}</guid>"
        f"<link>{site}/ferry-{n}.html</link><pubDate>Mon, 1{n} Mar 2026 08:00:00 GMT</pubDate>"
        f"<description>Short teaser.</description>{content}</item>"
    )


def feed(items: list[str], etag: str) -> tuple[int, dict[str, str], bytes]:
    body = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        "<channel><title>Kessel Ferry News</title>"
        f"<link>http://example.invalid/</link>{''.join(items)}</channel></rss>"
    )
    return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, body.encode()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "watch.sqlite"


def options(**kwargs: Any) -> WatchOptions:
    return WatchOptions(fetch=FetchOptions(allow_private=True, timeout=2.0), **kwargs)


def run_once(url: str, db: Path) -> list[WatchEvent]:
    events: list[WatchEvent] = []
    with open_store(db) as store:
        watch([url], store, options(once=True), events.append)
    return events


def test_new_entries_arrive_and_a_restart_ingests_nothing_twice(
    site: Any, store_path: Path
) -> None:
    url = f"{site.url}/feed.xml"
    site.routes["/feed.xml"] = feed([item(0), item(1, link_only=True, site=site.url)], etag='"v1"')
    site.routes["/ferry-1.html"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        PAGE.format(BODIES[1]).encode(),
    )
    first = run_once(url, store_path)
    assert [e.kind for e in first] == ["new"] and first[0].ingested == 2, first[0].message
    assert site.hits("/ferry-1.html") == 1
    with open_store(store_path) as store:
        articles = store.articles()
        assert len(articles) == 2 and store.stories()
        by_title = {a.article.title: a.article for a in articles}
        assert by_title["Ferry queue grows"].url == f"{site.url}/ferry-1.html"
        assert by_title["Ferry update 0"].source == "Kessel Ferry News"
        assert all(a.article.path == url for a in articles)

    # Restart: the ETag comes back, the server answers 304, nothing is read again.
    again = run_once(url, store_path)
    assert [e.kind for e in again] == ["unchanged"]
    assert site.requests[-1][1].get("if-none-match") == '"v1"'

    # A new entry arrives (new ETag): only it is ingested.
    site.routes["/feed.xml"] = feed(
        [item(2), item(0), item(1, link_only=True, site=site.url)], etag='"v2"'
    )
    third = run_once(url, store_path)
    assert third[0].ingested == 1 and "1 new entries" in third[0].message
    assert site.hits("/ferry-1.html") == 1  # the old link-only entry was not fetched again

    # A server that ignores ETags: the entry ids still stop re-ingesting.
    status, headers, body = site.routes["/feed.xml"]
    site.routes["/feed.xml"] = (status, {"Content-Type": headers["Content-Type"]}, body)
    fourth = run_once(url, store_path)
    assert fourth[0].kind == "unchanged" and fourth[0].ingested == 0
    with open_store(store_path) as store:
        assert store.article_count() == 3


def test_unreachable_feed_is_reported_and_retried_with_backoff(store_path: Path) -> None:
    url = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    events: list[tuple[float, WatchEvent]] = []
    stop = threading.Event()

    def report(event: WatchEvent) -> None:
        events.append((time.monotonic(), event))
        if len(events) >= 4:
            stop.set()

    opts = options(every=0.05, retry_base=0.1, max_backoff=0.3)
    with open_store(store_path) as store:
        thread = threading.Thread(target=watch, args=([url], store, opts, report, stop))
        thread.start()
        thread.join(timeout=30)
    assert not thread.is_alive()
    kinds = [e.kind for _, e in events]
    assert kinds == ["error"] * 4
    assert [e.attempt for _, e in events] == [1, 2, 3, 4]
    assert [e.retry_in for _, e in events] == [0.1, 0.2, 0.3, 0.3]  # doubling, capped
    assert (
        "connection failed" in events[0][1].message and "retry 1 in 0.1 s" in events[0][1].message
    )
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(events)]
    for gap, (_, event) in zip(gaps, events, strict=False):
        assert gap >= 0.9 * (event.retry_in or 0)


def test_watch_command_reports_a_dead_feed(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "watch",
            "http://127.0.0.1:9/feed.xml",
            "--once",
            "--allow-private",
            "--db",
            str(tmp_path / "w.sqlite"),
        ],
    )
    assert result.exit_code == 1
    assert "connection failed" in result.output and "no feed could be fetched" in result.output


def test_watch_command_refuses_private_feeds_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["watch", "http://127.0.0.1:9/feed.xml", "--once", "--db", str(tmp_path / "w.sqlite")]
    )
    assert result.exit_code == 1 and "--allow-private" in result.output


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("30s", 30.0), ("5m", 300.0), ("2h", 7200.0)]
)
def test_intervals(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5m", "soon", "5x", "nan"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(OptionError, match="positive number"):
        parse_interval(text)


def test_placeholder_dates_in_one_feed_cost_neither_its_entries_nor_the_next_feed(
    site: Any, store_path: Path
) -> None:
    # Once a feed whose entries carried year 9999 or year 1 stopped the watcher: the next
    # feed was never polled.
    sentinel = [
        item(0).replace("Mon, 10 Mar 2026 08:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"),
        item(1).replace("Mon, 11 Mar 2026 08:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"),
    ]
    site.routes["/sentinel.xml"] = feed(sentinel, etag='"s1"')
    site.routes["/feed.xml"] = feed([item(2)], etag='"v1"')
    events: list[WatchEvent] = []
    with open_store(store_path) as store:
        watch([f"{site.url}/sentinel.xml", f"{site.url}/feed.xml"], store, options(once=True),
              events.append)  # fmt: skip
        articles = {a.article.title: a.article for a in store.articles()}
    assert [(e.kind, e.ingested) for e in events] == [("new", 2), ("new", 1)], events
    for title in ("Ferry update 0", "Ferry update 1"):
        published = articles[title].published
        assert published is None or 1800 <= published.year < 2200, (title, published)


def test_a_link_only_entry_with_a_placeholder_date_is_stored_undated_with_a_note(
    site: Any, store_path: Path
) -> None:
    # The page has no date, so the entry's is used: year 9999 was stored as the article's date.
    entry = item(0, link_only=True, site=site.url).replace(
        "Mon, 10 Mar 2026 08:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"
    )
    site.routes["/ferry-0.html"] = (
        200,
        {"Content-Type": "text/html"},
        PAGE.format(BODIES[0]).encode(),
    )
    site.routes["/feed.xml"] = feed([entry], etag='"p1"')
    events = run_once(f"{site.url}/feed.xml", store_path)
    assert [(e.kind, e.ingested) for e in events] == [("new", 1)], events
    with open_store(store_path) as store:
        (stored,) = store.articles()
        log = store.outcomes()
    assert stored.article.published is None
    assert any("placeholder" in (row["reason"] or "") for row in log), log
