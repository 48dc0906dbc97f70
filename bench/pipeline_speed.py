"""Articles per second per stage and end to end, and peak RSS, per engine.

    .venv/bin/python bench/pipeline_speed.py                 # N = 200 and 1000, all engines
    .venv/bin/python bench/pipeline_speed.py --n 200 --engines local1 --profile

Input: the first N non-empty articles of ../shared/data/timeline17/articles.jsonl, written to
a temporary JSONL file with ``date`` as ``published`` and read back with newsweave's reader.
Each (N, engine) runs in its own process, models loaded before the clock starts (their load
time is shown apart), so peak RSS is that configuration's. Engines: ``local1`` (in process),
``local2`` (spaCy in two processes), ``dask2`` (LocalCluster, 2 worker processes).

Stages, run one after the other as ``pipeline.ingest`` runs them: read; annotate (the engine;
for local1 split into spaCy, each annotator and the embeddings); store + cluster (store.add per
article, then online assignment) -- their sum is "ingest end to end" -- and, for local1 only
(the stories are the same whatever the engine), fuse + brief of every story. CPU
is the CPU seconds of the whole process tree (workers included) per article: on a busy
machine it is steadier than wall time. Peak RSS is the process tree's (workers included).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "timeline17" / "articles.jsonl"
ENGINES = ("local1", "local2", "dask2")


class TreeMeter:
    """Samples RSS and CPU time of this process and its descendants every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self.root = psutil.Process()
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        total = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
                times = proc.cpu_times()
                self.cpu[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
        self.peak = max(self.peak, total)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def cpu_seconds(self) -> float:
        self._sample()
        return sum(self.cpu.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def write_corpus(n: int, folder: Path) -> Path:
    path = folder / f"timeline17-{n}.jsonl"
    with DATA.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        written = 0
        for line in src:
            row = json.loads(line)
            if not row["text"].strip():
                continue
            record = {"text": row["text"], "source": row["source"], "published": row["date"]}
            out.write(json.dumps(record) + "\n")
            written += 1
            if written == n:
                break
    return path


def _timed(meter: TreeMeter, fn: Any) -> tuple[Any, float, float]:
    cpu, wall = meter.cpu_seconds(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, meter.cpu_seconds() - cpu


def breakdown(articles: list[Any]) -> dict[str, float]:
    """Seconds of spaCy, each annotator and the embeddings, in this process."""
    from newsweave.annotate import entities, quantities, quotes, sentences, times
    from newsweave.annotate.embed import embed_articles
    from newsweave.annotate.models import load_nlp

    out: dict[str, float] = {}
    start = time.perf_counter()
    docs = list(load_nlp().pipe((a.text for a in articles), batch_size=32))
    out["  spaCy parse"] = time.perf_counter() - start
    steps = {
        "  sentences": lambda d, a: sentences.split_sentences(d, a.article_id),
        "  entities": lambda d, a: entities.extract_entities(d, a.article_id),
        "  quotes": lambda d, a: quotes.extract_quotes(d, a.article_id),
        "  quantities": lambda d, a: quantities.extract_quantities(d, a.article_id),
        "  times": lambda d, a: times.resolve_times(
            d, a.article_id, a.published.date() if a.published else None
        ),
    }
    for name, step in steps.items():
        start = time.perf_counter()
        for doc, article in zip(docs, articles, strict=True):
            step(doc, article)
        out[name] = time.perf_counter() - start
    start = time.perf_counter()
    embed_articles(articles)
    out["  embeddings"] = time.perf_counter() - start
    return out


def run_one(n: int, engine_name: str, profile: bool) -> dict[str, Any]:
    from newsweave.annotate.models import load_embedder, load_nlp
    from newsweave.engines import get_engine
    from newsweave.pipeline import PipelineOptions, assign_stories, read_articles, stored_brief
    from newsweave.store import open_store

    meter = TreeMeter()
    start = time.perf_counter()
    load_nlp()
    load_embedder()
    workers = 2 if engine_name != "local1" else 1
    kind = "dask" if engine_name.startswith("dask") else "local"
    engine = get_engine(kind, workers=workers)
    startup = time.perf_counter() - start
    opts = PipelineOptions()
    rows: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(n, Path(tmp))
        (articles, _), wall, cpu = _timed(meter, lambda: read_articles([corpus], opts))
        rows["read"] = (wall, cpu)

        def annotate() -> list[Any]:
            return [i for chunk in engine.annotate(articles, opts.annotate) for i in chunk]

        items, wall, cpu = _timed(meter, annotate)
        rows["annotate"] = (wall, cpu)
        engine.close()
        store = open_store(Path(tmp) / "bench.sqlite")

        def store_and_cluster() -> None:
            for item in items:
                store.add(item)
            assign_stories(store, items, opts)

        _, wall, cpu = _timed(meter, store_and_cluster)
        rows["store + cluster"] = (wall, cpu)
        stories = store.stories()

        def briefs() -> None:
            for story in stories:
                stored_brief(store, story.story_id, opts)

        if engine_name == "local1":  # the same stories whatever the engine: timed once
            _, wall, cpu = _timed(meter, briefs)
            rows["fuse + brief"] = (wall, cpu)
        store.close()
        parts: dict[str, float] = {}
        if engine_name == "local1":
            parts = breakdown(articles)
        if profile:
            from newsweave.engines.local import annotate_chunk

            sample = articles[: min(len(articles), 100)]
            profiler = cProfile.Profile()
            profiler.enable()
            annotate_chunk(sample, opts.annotate)
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(20)
    meter.stop()
    return {
        "n": len(articles),
        "engine": engine_name,
        "startup_s": startup,
        "stories": len(stories),
        "stages": rows,
        "parts": parts,
        "peak_rss_mb": meter.peak / 1e6,
    }


def _table(result: dict[str, Any]) -> None:
    n = result["n"]
    print(
        f"\n== {result['engine']}, {n} articles, {result['stories']} stories; models/cluster "
        f"start {result['startup_s']:.1f} s (not counted); peak RSS "
        f"{result['peak_rss_mb']:.0f} MB"
    )
    print(f"{'stage':<18}{'wall s':>9}{'art/s':>9}{'CPU s/art':>11}")
    total_wall = total_cpu = 0.0
    for stage, (wall, cpu) in result["stages"].items():
        if stage == "fuse + brief":
            line = f"{total_wall:>9.2f}{n / total_wall:>9.1f}{total_cpu / n:>11.3f}"
            print(f"{'ingest end to end':<18}{line}")
        total_wall += wall
        total_cpu += cpu
        print(f"{stage:<18}{wall:>9.2f}{n / wall:>9.1f}{cpu / n:>11.3f}")
        if stage == "annotate":
            for part, seconds in result["parts"].items():
                print(f"{part:<18}{seconds:>9.2f}{n / seconds:>9.1f}{'':>11}")
    label = "end to end" if "fuse + brief" in result["stages"] else "ingest end to end"
    print(f"{label:<18}{total_wall:>9.2f}{n / total_wall:>9.1f}{total_cpu / n:>11.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--profile", action="store_true", help="cProfile the annotate path")
    parser.add_argument("--one", nargs=2, metavar=("N", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1], args.profile)))
        return
    for n in args.n:
        for engine in args.engines:
            command = [sys.executable, __file__, "--one", str(n), engine]
            if args.profile and engine == "local1":
                command.append("--profile")
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{engine} {n}: failed\n{done.stderr[-2000:]}")
                continue
            if args.profile:
                print(done.stderr[-6000:])
            _table(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
