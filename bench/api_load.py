"""API under load while the feed watcher ingests: throughput, latency percentiles, errors.

Builds a store of examples/ (or reuses ``--db``), starts ``newsweave serve`` and a small local
RSS feed whose entries (short texts invented here) appear over the run, starts ``newsweave
watch FEED --every 5s --allow-private`` on the same store, then drives the API from N client
threads (one keep-alive httpx client each) mixing story lists (with and without ``q``), briefs
and article reads. Each client sends at ``--rate / --clients`` requests per second (``--rate
0``: as fast as it can) until ``--duration`` seconds or ``--requests`` in all. Latency is timed
from the moment a request is sent, so a server that falls behind the schedule shows as a lower
throughput rather than in the percentiles. Everything listens on 127.0.0.1 only, and whatever
the script started is stopped on exit, Ctrl-C or error.

The issue's target: 200 requests/s for 60 s, p99 < 200 ms, no read errors, on 2 cores.

    .venv/bin/python bench/api_load.py                      # 16 clients, 200 req/s, 60 s
    .venv/bin/python bench/api_load.py --duration 20 --rate 0
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from xml.sax.saxutils import escape

import httpx

REPO = Path(__file__).resolve().parents[1]

# Short invented reports, one per feed entry, each about its own event.
ENTRIES = [
    (
        "Brenmoor library opens a night reading room",
        "The public library in Brenmoor opened a reading room on Monday that stays open until "
        "two in the morning, the first of its kind in the province. Librarian Oskar Feld said "
        "night-shift nurses and bakers had asked for it for years. The room has forty seats, a "
        "tea kettle and a shelf of large-print novels. The city council pays for one extra "
        "guard and expects the trial to run until the end of the year.",
    ),
    (
        "Ferry between Tallby and Oster Isle cancelled for a week",
        "The ferry line between Tallby and Oster Isle will not sail until next Tuesday after a "
        "gearbox failure on its only vessel, the operator Islink said on Wednesday. About 300 "
        "islanders commute to the mainland each day. A chartered fishing boat will carry "
        "medicine and post twice a day, and the island school will teach pupils online. "
        "Islink's chief engineer Paula Hest said the spare part was being flown in from Bremen.",
    ),
    (
        "Quarry near Lindvik fined for dust",
        "An environmental court fined the Lindvik granite quarry 85,000 euros on Thursday for "
        "letting dust drift over the village of Sornes for two summers. Residents had filmed "
        "clouds of grey powder settling on washing lines and gardens. The quarry's owner, "
        "Grafton Stone, must install water sprayers by June. Judge Amira Kohl said the company "
        "had ignored three written warnings from the county inspector.",
    ),
    (
        "Rowing club wins regional eights final",
        "The Aldwater Rowing Club won the regional eights final on Saturday, beating the "
        "favourites from Kessel by half a boat length on a windy river course. Coach Dana "
        "Rusk said her crew had trained at dawn all winter. It is the club's first title since "
        "1998. The crew now qualifies for the national championship in August, where it will "
        "race against sixteen other boats.",
    ),
    (
        "Bakery chain recalls rye bread over glass fragments",
        "The bakery chain Hallmark Breads recalled three batches of its dark rye loaf on "
        "Friday after a customer in Wessing found a small piece of glass in a slice. Nobody "
        "was hurt, the company said. The loaves were sold in 42 shops with a best-before date "
        "of 20 May. Customers can return them for a full refund. The food agency is "
        "inspecting the bakery's slicing line in Harrow.",
    ),
    (
        "Observatory on Mount Kell reopens after storm repairs",
        "The observatory on Mount Kell reopened to visitors on Sunday after eight months of "
        "repairs to its dome, which a winter storm had torn open. The telescope itself was not "
        "damaged, director Jonas Pell said. Public viewing nights resume every Friday, and the "
        "first one sold out within an hour. The repairs cost 1.2 million euros, most of it "
        "paid by the regional government.",
    ),
    (
        "Tram line 4 to run every six minutes from May",
        "Trams on line 4 in Sorrel will run every six minutes instead of every ten from 2 May, "
        "the city transport company said on Tuesday. Eight new trams built in Ostrava arrived "
        "last month. Commuters had complained of crowded carriages since the new hospital "
        "opened near the line's eastern end. The company will also add a late service on "
        "Saturday nights until one o'clock.",
    ),
    (
        "Beekeepers report record honey harvest in Dalen valley",
        "Beekeepers in the Dalen valley harvested a record 180 tonnes of honey this season, "
        "their association said on Monday, helped by a warm spring and fields of flowering "
        "clover. Association chair Rolf Mender said prices would fall slightly in local shops. "
        "Members lost fewer colonies over the winter than in any year since 2015, which he put "
        "down to a new treatment against mites.",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(db: Path) -> None:
    from newsweave.pipeline import ingest
    from newsweave.store import open_store

    start = time.perf_counter()
    store = open_store(db)
    try:
        print(ingest([REPO / "examples"], store).summary_line())
    finally:
        store.close()
    print(f"built the store in {time.perf_counter() - start:.0f} s", flush=True)


def article_ids(db: Path) -> list[str]:
    from newsweave.store import open_store

    store = open_store(db)
    try:
        return [a for s in store.stories() for a in s.article_ids]
    finally:
        store.close()


def feed_xml(base: str, visible: int) -> bytes:
    """The RSS feed with the first ``visible`` entries; each links to its page."""
    items = []
    for n, (title, text) in enumerate(ENTRIES[:visible]):
        when = format_datetime(datetime(2026, 4, 1 + n, 9, 0, tzinfo=UTC))
        items.append(
            f"<item><title>{escape(title)}</title><link>{base}/news/{n}</link>"
            f'<guid isPermaLink="false">load-entry-{n}</guid><pubDate>{when}</pubDate>'
            f"<description>{escape(text)}</description></item>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Load test wire</title><link>{base}/</link><description>invented</description>"
        + "".join(items)
        + "</channel></rss>"
    )
    return body.encode("utf-8")


def page_html(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body><article>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></article></body></html>"
    ).encode()


@contextmanager
def feed_server(step: float) -> Iterator[str]:
    """A loopback RSS feed that shows one more entry every ``step`` seconds, and its pages."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.monotonic()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            visible = min(len(ENTRIES), 1 + int((time.monotonic() - started) / step))
            status, kind, body = 404, "text/plain", b"not here"
            if self.path == "/feed.xml":
                status, kind, body = 200, "application/rss+xml", feed_xml(base, visible)
            elif self.path.startswith("/news/") and self.path[6:].isdigit():
                n = int(self.path[6:])
                if n < visible:  # the watcher reads a short entry's text from its page
                    status, kind, body = 200, "text/html", page_html(*ENTRIES[n])
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", f'"v{visible}"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"{base}/feed.xml"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess logging to ``log``; SIGTERM on exit, SIGKILL if it lingers."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer within 120 s; its log is {log}")


class Load:
    """The shared schedule and results of the client threads."""

    def __init__(self, args: argparse.Namespace, stories: list[str], articles: list[str]):
        self.args = args
        self.stories = stories
        self.articles = articles
        self.lock = threading.Lock()
        self.sent = 0
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.stop = threading.Event()

    def take(self) -> bool:
        with self.lock:
            if self.sent >= self.args.requests:
                return False
            self.sent += 1
            return True

    def pick(self, rng: random.Random) -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.35:
            return "list", f"/api/stories?limit=20&offset={rng.choice((0, 0, 0, 5))}"
        if roll < 0.55:
            word = rng.choice(("strike", "port", "cranes", "union", "museum", "honey", "ferry"))
            return "list q", f"/api/stories?q={word}&limit=20"
        if roll < 0.85:
            return "brief", f"/api/stories/{rng.choice(self.stories)}"
        return "article", f"/api/articles/{rng.choice(self.articles)}"

    def client(self, url: str, seed: int, end: float) -> None:
        rng = random.Random(seed)
        interval = self.args.clients / self.args.rate if self.args.rate > 0 else 0.0
        due = time.perf_counter() + rng.random() * interval
        with httpx.Client(base_url=url, timeout=30, trust_env=False) as client:
            while not self.stop.is_set() and time.perf_counter() < end and self.take():
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                due += interval
                name, path = self.pick(rng)
                start = time.perf_counter()
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError as exc:
                    status = 0
                    with self.lock:
                        self.errors[type(exc).__name__] += 1
                elapsed = (time.perf_counter() - start) * 1000
                with self.lock:
                    self.times[name].append(elapsed)
                    if status >= 400:
                        self.errors[f"{status} ({name})"] += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(load: Load, elapsed: float, ingested: int, watch_lines: int) -> None:
    everything = [t for ts in load.times.values() for t in ts]
    print(
        f"\nrequests sent: {len(everything)} in {elapsed:.1f} s "
        f"-> {len(everything) / elapsed:.1f} req/s ({load.args.clients} clients)"
    )
    print(
        f"\n{'endpoint':<10} {'requests':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8}"
    )
    for name, values in [*sorted(load.times.items()), ("overall", everything)]:
        if values:
            print(
                f"{name:<10} {len(values):>8} {percentile(values, 0.5):>8.1f} "
                f"{percentile(values, 0.9):>8.1f} {percentile(values, 0.99):>8.1f} "
                f"{max(values):>8.1f}"
            )
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(load.errors.items())) or "none"
    print(f"\nerrors: {sum(load.errors.values())} ({errors})")
    print(
        f"articles the watcher ingested during the run: {ingested} "
        f"({watch_lines} lines of watcher output)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store of examples/ (built if missing)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--requests", type=int, default=20_000, help="requests at most")
    parser.add_argument("--rate", type=float, default=200.0, help="req/s in all; 0: no pacing")
    parser.add_argument("--feed-step", type=float, default=6.0, help="s between new entries")
    parser.add_argument("--watch-log", action="store_true", help="print the watcher's output")
    args = parser.parse_args()

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="api-load-")))
        db = args.db or tmp / "load.sqlite"
        if not db.exists():
            build_store(db)
        articles = article_ids(db)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        cli = [sys.executable, "-m", "newsweave.cli"]
        serve_log = tmp / "serve.log"
        server = stack.enter_context(
            process([*cli, "serve", "--db", str(db), "--port", str(port)], serve_log)
        )
        wait_healthy(url, server, serve_log)
        with httpx.Client(base_url=url, timeout=120, trust_env=False) as client:
            rows = client.get("/api/stories", params={"limit": 100}).json()["stories"]
            stories = [r["story_id"] for r in rows]
            for story in stories:  # the first brief of a story is built and cached
                client.get(f"/api/stories/{story}").raise_for_status()
            before = client.get("/api/health").json()["articles"]
        print(f"store: {before} articles, {len(stories)} stories; server on {url}", flush=True)

        feed = stack.enter_context(feed_server(args.feed_step))
        watch_log = tmp / "watch.log"
        watch_cmd = [*cli, "watch", feed, "--every", "5s", "--allow-private", "--db", str(db)]
        stack.enter_context(process(watch_cmd, watch_log))

        load = Load(args, stories, articles)
        end = time.perf_counter() + args.duration
        threads = [
            threading.Thread(target=load.client, args=(url, n, end), daemon=True)
            for n in range(args.clients)
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except KeyboardInterrupt:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=35)
            print("interrupted; figures so far:")
        elapsed = time.perf_counter() - start
        after = httpx.get(f"{url}/api/health", timeout=30, trust_env=False).json()["articles"]
        lines = watch_log.read_text(errors="replace").splitlines()
        report(load, elapsed, after - before, len(lines))
        if args.watch_log:
            print("\nwatcher output:", *lines, sep="\n  ")


if __name__ == "__main__":
    main()
