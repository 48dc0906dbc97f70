"""API latency on loopback: story list and brief, on the example corpus plus Timeline17.

Builds a store (examples/ and N Timeline17 articles, their ``date`` as ``published``) unless
``--db`` names one already built, starts ``newsweave serve`` in its own process, warms each
endpoint once (the first brief of a story is built and cached), then sends a bounded number of
sequential requests per endpoint over one keep-alive connection and prints median and p99.
With ``--screenshot FILE`` it also saves the example story's page as the README's picture.

    .venv/bin/python bench/api_latency.py --articles 300 --requests 500 \
        --screenshot docs/web-story.png
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
T17 = REPO.parent / "shared" / "data" / "timeline17" / "articles.jsonl"


def build_store(db: Path, articles: int) -> None:
    from newsweave.pipeline import ingest
    from newsweave.store import open_store

    rows = [json.loads(line) for line in T17.read_text(encoding="utf-8").splitlines()]
    # An even spread over the topics and outlets, in a fixed order.
    rows.sort(key=lambda r: r["id"])
    step = max(1, len(rows) // articles)
    picked = rows[::step][:articles]
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "timeline17.jsonl"
        with jsonl.open("w", encoding="utf-8") as out:
            for r in picked:
                record = {"text": r["text"], "source": r["source"], "published": r["date"]}
                out.write(json.dumps(record) + "\n")
        with open_store(db) as store:
            start = time.perf_counter()
            print(ingest([REPO / "examples"], store).summary_line())
            print(ingest([jsonl], store).summary_line())
            print(f"built the store in {time.perf_counter() - start:.0f} s", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(client: httpx.Client, path: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def screenshot(url: str, story_id: str, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    args += ["--disable-component-update", "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1200, "height": 1500})
        page.goto(f"{url}/#/story/{story_id}")
        page.wait_for_selector("#summary button.cite")
        page.locator("#summary button.cite").nth(1).click()
        page.wait_for_selector("#cite-pop .pop-text")
        page.evaluate("window.scrollTo(0, 0)")
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        browser.close()
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store already built (skips building)")
    parser.add_argument("--articles", type=int, default=300, help="Timeline17 articles")
    parser.add_argument("--requests", type=int, default=500, help="requests per endpoint")
    parser.add_argument("--screenshot", type=Path, help="save the example story's page here")
    args = parser.parse_args()

    db = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite"
    if args.db is None or not db.exists():
        build_store(db, args.articles)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "newsweave.cli", "serve", "--db", str(db), "--port"]
    start = time.perf_counter()
    server = subprocess.Popen(
        [*command, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ
    )
    try:
        with httpx.Client(base_url=url, timeout=600, trust_env=False) as client:
            while True:
                try:
                    client.get("/api/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            print(f"server answered after {time.perf_counter() - start:.1f} s")
            health = client.get("/api/health").json()
            first = time.perf_counter()
            rows = client.get("/api/stories", params={"limit": 100}).json()
            print(f"first story list (index built): {(time.perf_counter() - first) * 1000:.0f} ms")
            total = rows["total"]
            example = max(
                (r for r in rows["stories"] if "Varnholm" in " ".join(r["entities"])),
                key=lambda r: r["articles"],
            )
            biggest = max(
                (r for r in rows["stories"] if r is not example), key=lambda r: r["articles"]
            )
            first = time.perf_counter()
            client.get(f"/api/stories/{biggest['story_id']}").raise_for_status()
            built = (time.perf_counter() - first) * 1000
            print(
                f"store: {health['articles']} articles, {total} stories; first brief of the "
                f"largest Timeline17 story ({biggest['articles']} articles) built in {built:.0f} ms"
            )
            cases = [
                ("story list (20 rows)", "/api/stories?limit=20"),
                ("story list, q=search", "/api/stories?q=rebels&limit=20"),
                (f"brief ({biggest['articles']} articles)", f"/api/stories/{biggest['story_id']}"),
                (f"brief ({example['articles']} articles)", f"/api/stories/{example['story_id']}"),
            ]
            print(f"\n{'endpoint':<28} {'requests':>8} {'median ms':>10} {'p99 ms':>8}")
            for name, path in cases:
                client.get(path).raise_for_status()  # warm
                times = timed(client, path, args.requests)
                print(
                    f"{name:<28} {len(times):>8} {statistics.median(times):>10.2f} "
                    f"{p99(times):>8.2f}"
                )
            if args.screenshot:
                screenshot(url, example["story_id"], args.screenshot)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
