"""What the consensus of several orders costs in story assignment, on real undated articles.

    .venv/bin/python bench/consensus_cost.py --cache DIR [--repeats 3] [--runs-of 64]

Reads the annotations cached by bench/cluster_quality.py (same ``--cache``): the 772 ECB+
documents (no stated dates) and the Timeline17 articles with their dates taken away (so all
of them are undated, the case where the consensus runs). For each set, story assignment
alone (no model runs here) in CPU seconds per article, median of ``--repeats``, with one
order (``consensus_runs`` 0) and with the defaults, interleaved: in memory in one batch
(:func:`cluster_online`, as ``brief PATH`` and ``restory``) and through the store path
(``pipeline.assign_stories`` over a SQLite store in a temporary folder, in runs of
``--runs-of``, as ``ingest`` runs). The rest of ingest (reading, the cheap pass, storing)
does not change with the setting; bench/pipeline_speed.py gives its cost per article.
Then the doubling: one batch of the first 128, 256, 512 and 1,024 undated Timeline17
articles in memory with the defaults, CPU seconds (median of ``--repeats``) and the ratio to
the step before (2.0 is linear).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import annotated, ecbplus, timeline17
from newsweave.cluster import ClusterOptions, cluster_online
from newsweave.config import load_settings
from newsweave.model import AnnotatedArticle, DateOrigin
from newsweave.pipeline import PipelineOptions, assign_stories
from newsweave.store import SQLiteStore


def undated(items: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    return [
        replace(i, article=replace(i.article, published=None, date_origin=DateOrigin.UNKNOWN))
        for i in items
    ]


def in_memory(items: Sequence[AnnotatedArticle], options: ClusterOptions) -> None:
    cluster_online(items, options)


def in_store(items: Sequence[AnnotatedArticle], options: ClusterOptions, size: int) -> float:
    """CPU seconds of assign_stories alone (storing the articles is not counted)."""
    spent = 0.0
    with tempfile.TemporaryDirectory() as folder, SQLiteStore(Path(folder) / "s.db") as store:
        for start in range(0, len(items), size):
            run = items[start : start + size]
            for item in run:
                store.add(item)
            began = time.process_time()
            assign_stories(store, run, PipelineOptions(cluster=options))
            spent += time.process_time() - began
    return spent


def cpu(fn: Callable[[], object]) -> float:
    began = time.process_time()
    fn()
    return time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs-of", type=int, default=64)
    args = parser.parse_args()
    annotate_options = load_settings(environ={}).annotate
    ecb_articles, _, _ = ecbplus()
    tl_articles, _ = timeline17()
    sets = {
        "ECB+ (undated)": annotated("ecbplus", ecb_articles, args.cache, annotate_options),
        "Timeline17, dates taken away": undated(
            annotated("timeline17", tl_articles, args.cache, annotate_options)
        ),
    }
    settings = {"one order": ClusterOptions(consensus_runs=0), "consensus": ClusterOptions()}
    print("set                            setting     memory ms/article  store ms/article")
    for name, items in sets.items():
        times: dict[str, dict[str, list[float]]] = {s: {"mem": [], "store": []} for s in settings}
        for _ in range(args.repeats):
            for label, options in settings.items():
                times[label]["mem"].append(cpu(lambda o=options, i=items: in_memory(i, o)))
                times[label]["store"].append(in_store(items, options, args.runs_of))
        for label in settings:
            mem = 1000 * statistics.median(times[label]["mem"]) / len(items)
            store = 1000 * statistics.median(times[label]["store"]) / len(items)
            print(f"{name:30} {label:11} {mem:17.2f}  {store:16.2f}")
    print(f"# {len(sets)} sets, medians of {args.repeats}; store path in runs of {args.runs_of}")
    print("undated Timeline17 articles in one batch, defaults: CPU s (ratio to the step before)")
    before = None
    timeline = sets["Timeline17, dates taken away"]
    for n in (128, 256, 512, 1024):
        part = timeline[:n]
        spent = statistics.median(
            cpu(lambda p=part: in_memory(p, ClusterOptions())) for _ in range(args.repeats)
        )
        ratio = f"x{spent / before:.2f}" if before else ""
        print(f"  {n:5d} articles  {spent:6.2f} s  {ratio}")
        before = spent


if __name__ == "__main__":
    main()
