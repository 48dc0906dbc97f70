"""Fetching is bounded in time per URL and per feed, refuses embedded private IPv4 addresses,
and a watcher goes on to the next feed, whatever one feed does."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.support.loopback import QuietHandler, drip, running

from newsweave.fetch import FetchError, FetchOptions, UnsafeURLError, check_url, fetch
from newsweave.store import open_store
from newsweave.watch import WatchEvent, WatchOptions, watch

BODY = (
    "The Kessel ferry line added two evening crossings on Monday to carry lorries stranded by "
    "the Varnholm port strike, its operations manager Jonas Vik said at the terminal."
)


def _feed(etag: str = '"v1"') -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Kessel</title>'
        "<item><title>Ferry update</title><guid>ferry-1</guid>"
        "<pubDate>Mon, 16 Mar 2026 08:00:00 GMT</pubDate>"
        f"<content:encoded>{BODY}</content:encoded></item></channel></rss>"
    ).encode()


def _link_feed(site: str) -> str:
    items = "".join(
        f"<item><title>Ferry page {n}</title><guid>page-{n}</guid><link>{site}/page-{n}</link>"
        "<pubDate>Mon, 16 Mar 2026 08:00:00 GMT</pubDate><description>Teaser.</description></item>"
        for n in (1, 2, 3)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>L</title>{items}</channel></rss>'
    )


@dataclass
class Trickle:
    """A loopback server: ``/slow`` sends its body one byte every ``gap`` seconds, ``/slowhead``
    its headers that way; ``/feed.xml`` answers at once, with ``etag`` as its ETag bytes."""

    url: str
    gap: float = 0.3
    etag: bytes = b'"v1"'
    seen_etags: list[bytes | None] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Trickle(f"http://127.0.0.1:{server.server_address[1]}")

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer()  # the client may give up first, as it should

        def _answer(self) -> None:
            body = _feed()
            if self.path == "/links.xml":  # three link-only entries, their pages slow
                links = _link_feed(state.url).encode()
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
                self.wfile.write(f"Content-Length: {len(links)}\r\n\r\n".encode())
                self.wfile.write(links)
                return
            if self.path.startswith("/page-"):
                state.pages.append(self.path)
                page = f"<html><body><article><p>{BODY}</p></article></body></html>".encode()
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                self.wfile.write(f"Content-Length: {len(page)}\r\n\r\n".encode())
                drip(self.wfile, page, state.gap)
                return
            if self.path == "/slowhead":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                drip(self.wfile, b"X-Padding: " + b"a" * 200, state.gap)
                return
            if self.path == "/feed.xml":
                raw = self.headers.get("If-None-Match")
                state.seen_etags.append(raw.encode("latin-1") if raw else None)
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.write(b"Content-Type: application/rss+xml\r\n")
            self.wfile.write(b"ETag: " + state.etag + b"\r\n")
            self.wfile.write(f"Content-Length: {len(body)}\r\n\r\n".encode())
            if self.path != "/slow":
                self.wfile.write(body)
                return
            drip(self.wfile, body, state.gap)

    with running(server, Handler):
        yield state


FAST = FetchOptions(allow_private=True, timeout=1.0, deadline=2.0, content_types=())


@pytest.mark.parametrize("path", ["/slow", "/slowhead"])
def test_a_trickling_server_is_cut_off_at_the_deadline(trickle: Trickle, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="more than 2 s in all") as caught:
        fetch(trickle.url + path, FAST)
    assert caught.value.transient
    assert time.monotonic() - started < 2.0 + 1.0 + 1.0  # deadline + one read + slack


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "::ffff:10.0.0.1",  # IPv4-mapped
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    ],
)
def test_embedded_private_ipv4_addresses_are_refused(address: str) -> None:
    with pytest.raises(UnsafeURLError, match=r"embedded in|private|loopback|reserved"):
        check_url(f"http://[{address}]/feed.xml")


def test_a_public_6to4_address_is_not_refused_for_what_it_embeds() -> None:
    target = check_url("http://[2002:808:808::1]/feed.xml")
    assert ipaddress.ip_address(target.address).compressed == "2002:808:808::1"


def test_a_slow_feed_does_not_stop_the_next_one(trickle: Trickle, tmp_path: Path) -> None:
    events: list[WatchEvent] = []
    opts = WatchOptions(once=True, fetch=FAST)
    with open_store(tmp_path / "w.sqlite") as store:
        started = time.monotonic()
        watch([f"{trickle.url}/slow", f"{trickle.url}/feed.xml"], store, opts, events.append)
        took = time.monotonic() - started
    assert [e.kind for e in events] == ["error", "new"], [e.message for e in events]
    assert events[1].ingested == 1
    assert took < 60


def test_a_non_ascii_etag_does_not_break_later_polls(trickle: Trickle, tmp_path: Path) -> None:
    trickle.etag = '"caf\u00e9-v1"'.encode("latin-1")
    opts = WatchOptions(once=True, fetch=FAST)
    db = tmp_path / "w.sqlite"
    for _ in range(2):
        events: list[WatchEvent] = []
        with open_store(db) as store:
            watch([f"{trickle.url}/feed.xml"], store, opts, events.append)
        assert [e.kind for e in events] in (["new"], ["unchanged"]), events
    assert len(trickle.seen_etags) == 2


def test_sigterm_stops_watch_during_a_slow_fetch(trickle: Trickle, tmp_path: Path) -> None:
    trickle.gap = 2.0
    env = {**os.environ, "NEWSWEAVE_DB": str(tmp_path / "w.sqlite")}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsweave.cli", "watch", "--once", "--allow-private",
         f"{trickle.url}/slow", f"{trickle.url}/feed.xml"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(6.0)  # started, and inside the slow fetch
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=8)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("watch did not stop within 8 s of SIGTERM")
    assert b"Traceback" not in output, output.decode(errors="replace")


def test_a_feed_of_slow_pages_is_cut_off_at_the_feed_deadline(
    trickle: Trickle, tmp_path: Path
) -> None:
    # Each page alone stays within the per-URL deadline (5 s) for a while, but three of them
    # would take 15 s: the feed's own deadline (2 s) bounds them all, and the next feed is
    # polled at once. The entries not fetched are tried again on the next poll.
    fetch_options = FetchOptions(allow_private=True, timeout=1.0, deadline=5.0, content_types=())
    opts = WatchOptions(once=True, fetch=fetch_options, feed_deadline=2.0)
    events: list[WatchEvent] = []
    times: list[float] = []

    def seen(event: WatchEvent) -> None:
        events.append(event)
        times.append(time.monotonic())

    with open_store(tmp_path / "w.sqlite") as store:
        started = time.monotonic()
        watch([f"{trickle.url}/links.xml", f"{trickle.url}/feed.xml"], store, opts, seen)
    # The first feed's poll ends within its deadline + one read + slack (the second feed's
    # time is its ingest: the models load there).
    assert times[0] - started < 2.0 + 1.0 + 2.0, times[0] - started
    assert [e.kind for e in events] == ["unchanged", "new"], [e.message for e in events]
    assert "WatchOptions.feed_deadline" in events[0].message, events[0].message
    assert trickle.pages == ["/page-1"], trickle.pages  # the others were not even started
