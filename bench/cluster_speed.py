"""Story assignment speed and memory at 1k, 10k and 100k stored articles.

    .venv/bin/python bench/cluster_speed.py [--n 101000] [--per-day 1000]

Needs the annotation cache written by bench/cluster_quality.py (real spaCy + MiniLM output for
~1,900 ECB+ and Timeline17 articles). No model runs here: the large streams are synthesised
from those real articles. Each synthetic *event* takes a real article's embedding, moves it
by Gaussian noise (sigma 0.35 per unit vector, renormalised) and keeps its participant keys
with a third of them swapped for made-up names; each event has 1-8 reports (geometric, mean
~3), each the event vector plus smaller noise (sigma 0.15) and a random 70% of its keys,
dated within 2 days of the event. Events are spread at ``--per-day`` reports per day.

Two paths, each in its own process (peak RSS per path):
- memory: ``OnlineClusterer.add`` per article (what one assignment costs).
- store: the ingest path, ``pipeline.assign_stories`` over a SQLite store on disk in batches
  of 1,000 (opens the active stories and the saved index, writes assignments and states).
  Storing the articles themselves (``store.add``) is not counted.
Figures: mean ms per article for the 1,000 articles that arrive after 1k, 10k and 100k are
stored, and the median over the neighbouring blocks. A second memory run puts every report
in one week (``--per-day`` = n / 7), so no story leaves the window: the ANN index alone keeps
the cost flat.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newsweave.cluster import OnlineClusterer
from newsweave.model import AnnotatedArticle, Article, DateOrigin, EntityMention, Span
from newsweave.store import SQLiteStore

CACHE = Path(tempfile.gettempdir()) / "newsweave-bench-cache"
CHECKPOINTS = (1_000, 10_000, 100_000)
BLOCK = 1_000
DAY0 = datetime(2024, 1, 1, tzinfo=UTC)


def real_items() -> list[AnnotatedArticle]:
    items: list[AnnotatedArticle] = []
    for name in ("ecbplus", "timeline17"):
        # The newest annotate version's cache (bench/cluster_quality.py keeps one per version).
        found = sorted(
            CACHE.glob(f"annotate-*/{name}-lead.sqlite"), key=lambda p: p.stat().st_mtime
        )
        path = found[-1] if found else CACHE / f"{name}-lead.sqlite"
        if path.is_file():
            with SQLiteStore(path) as store:
                items.extend(store.articles())
    if not items:
        sys.exit(f"no annotation cache in {CACHE}: run bench/cluster_quality.py first")
    print(f"# {len(items):,} real annotated articles as seeds")
    return items


def synthesize(n: int, per_day: float, seed: int = 0) -> list[AnnotatedArticle]:
    rng = np.random.default_rng(seed)
    base = real_items()
    out: list[AnnotatedArticle] = []
    event = 0
    while len(out) < n:
        src = base[int(rng.integers(len(base)))]
        center = src.embedding + rng.normal(0, 0.35 / np.sqrt(len(src.embedding)) * 8, 384)
        center /= np.linalg.norm(center)
        ents = [e for e in src.entities if e.label in ("PERSON", "ORG", "GPE", "FAC", "EVENT")]
        names = list(dict.fromkeys((e.label, e.canonical) for e in ents))[:20]
        names = [
            (label, f"Name{event}x{k}" if rng.random() < 0.33 else canonical)
            for k, (label, canonical) in enumerate(names)
        ]
        day = len(out) / per_day
        for _ in range(min(8, int(rng.geometric(0.33)))):
            if len(out) >= n:
                break
            vec = center + rng.normal(0, 0.15 / np.sqrt(384) * 8, 384)
            vec = (vec / np.linalg.norm(vec)).astype(np.float32)
            aid = hashlib.sha256(f"{seed}-{len(out)}".encode()).hexdigest()
            kept = [x for x in names if rng.random() < 0.7]
            entities = tuple(
                EntityMention(Span(aid[:16], 0, 1), c, label, c, None) for label, c in kept
            )
            published = DAY0 + timedelta(days=day + float(rng.uniform(0, 2)))
            article = Article(
                aid[:16],
                f"synthetic report {len(out)}",
                aid,
                published=published,
                date_origin=DateOrigin.HEADER,
            )
            out.append(AnnotatedArticle(article, (), entities, (), (), (), vec))
        event += 1
    # Arrival by date, as ingest orders a batch.
    out.sort(key=lambda i: i.article.published or DAY0)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, blocks: list[float], n: int) -> None:
    print(f"\n## {name}: ms per article by articles already stored")
    for mark in CHECKPOINTS:
        b = mark // BLOCK
        if b < len(blocks):
            near = blocks[max(0, b - 2) : b + 3]
            print(
                f"  {mark:>7,} stored: {blocks[b]:6.3f} ms  (median of blocks around it "
                f"{statistics.median(near):6.3f} ms)"
            )
    curve = ", ".join(f"{blocks[i]:.2f}" for i in range(0, len(blocks), max(1, len(blocks) // 12)))
    print(f"  curve (every {max(1, len(blocks) // 12)}k): {curve}")
    print(f"  peak RSS of this process: {peak_rss_mb():,.0f} MB ({n:,} articles)")


def run_memory(n: int, per_day: float) -> None:
    items = synthesize(n, per_day)
    clusterer = OnlineClusterer(track_members=False)
    blocks: list[float] = []
    for start in range(0, n, BLOCK):
        chunk = items[start : start + BLOCK]
        began = time.perf_counter()
        for item in chunk:
            clusterer.add(item)
        blocks.append((time.perf_counter() - began) * 1000 / len(chunk))
        clusterer.changed.clear()
    report(f"memory path, {per_day:,.0f} reports/day", blocks, n)
    print(f"  active stories at the end: {len(clusterer.live):,}")


def run_store(n: int, per_day: float) -> None:
    from newsweave.pipeline import assign_stories

    items = synthesize(n, per_day)
    blocks: list[float] = []
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "s.db") as store:
        for start in range(0, n, BLOCK):
            chunk = items[start : start + BLOCK]
            for item in chunk:
                store.add(item)
            began = time.perf_counter()
            assign_stories(store, chunk)
            blocks.append((time.perf_counter() - began) * 1000 / len(chunk))
        report(f"store path (assign_stories per 1,000), {per_day:,.0f} reports/day", blocks, n)
        print(f"  stories in the store: {store.info()['stories']:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=101_000)
    parser.add_argument("--per-day", type=float, default=1000.0)
    parser.add_argument("--path", choices=("memory", "store"))
    args = parser.parse_args()
    if args.path == "memory":
        run_memory(args.n, args.per_day)
        return
    if args.path == "store":
        run_store(args.n, args.per_day)
        return
    me = [sys.executable, __file__, "--n", str(args.n)]
    runs = [
        ["--path", "memory", "--per-day", str(args.per_day)],
        ["--path", "memory", "--per-day", str(args.n / 7)],
        ["--path", "store", "--per-day", str(args.per_day)],
    ]
    for extra in runs:
        subprocess.run([*me, *extra], check=True)


if __name__ == "__main__":
    main()
