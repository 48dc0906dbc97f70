"""The online clusterer over random arrival orders, for one set of options: the quick check.

    .venv/bin/python bench/cluster_arrivals.py --cache DIR [--arrivals 30] [--set KEY=VALUE]
        [--test] [--no-timeline] [--runs 64]

The section "random arrival orders" of bench/cluster_quality.py alone, with the options
changed by ``--set`` (cluster options, ``threshold=0.55``; repeatable), and the id order
beside it. It reads the annotations that bench caches (run it once first with the same
``--cache``). Dev topics only, unless ``--test``: options are tuned on dev, and the test
topics are looked at only to confirm a final candidate. Timeline17 (dated, never tuned on)
gives the precision across coarse topics and the number of stories (over-splitting shows
as more stories). The seeds are those of bench/cluster_quality.py (1000 + n), so two runs
with different options compare order by order (paired); the paired mean difference against
the defaults is printed with its standard error. ``--runs N`` adds the ingest path over the
same seeds: the articles shuffled (``random.Random(seed)``) and stored and assigned in runs of
N (each run sees only the stories of the runs before it), the grouping an archive arrives in.
With the consensus of several orders (the default ``consensus_runs``), a draw of orders is a
``salt`` of :meth:`OnlineClusterer.add_all` (see bench/cluster_quality.py
``ours_random_arrival``); ``--set consensus_runs=0`` gives one order alone.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster_quality import (
    DEV_TOPICS,
    annotated,
    bcubed,
    ecbplus,
    labels_of,
    near_misses_joined,
    ours_in_runs,
    ours_random_arrival,
    timeline17,
)
from newsweave.cluster import ClusterOptions, cluster_online
from newsweave.config import load_settings


def options_from(pairs: list[str]) -> ClusterOptions:
    kinds = {f.name: type(getattr(ClusterOptions(), f.name)) for f in fields(ClusterOptions)}
    changes: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in kinds:
            raise SystemExit(f"no cluster option {key!r}; known: {', '.join(sorted(kinds))}")
        changes[key] = kinds[key](value)
    return replace(ClusterOptions(), **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--arrivals", type=int, default=30)
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE[,KEY=VALUE]",
        help="one option set to try (repeat for several, each against the defaults)",
    )
    parser.add_argument("--test", action="store_true", help="also the test topics (confirm only)")
    parser.add_argument("--no-timeline", action="store_true")
    parser.add_argument("--runs", type=int, default=0, help="also ingest in runs of N (0: no)")
    args = parser.parse_args()
    base = ClusterOptions()
    started = time.process_time()
    annotate_options = load_settings(environ={}).annotate
    articles, gold, topic = ecbplus()
    items = annotated("ecbplus", articles, args.cache, annotate_options)
    dev = {i for i, t in topic.items() if t in DEV_TOPICS}
    parts = [("dev", dev)] + ([("test", set(gold) - dev)] if args.test else [])
    seeds = [1000 + n for n in range(args.arrivals)]
    baseline = [ours_random_arrival(items, base, seed) for seed in seeds]
    in_runs = [_in_runs(items, base, seed, args.runs) for seed in seeds] if args.runs else []
    tl_items = tl_gold = None
    if not args.no_timeline:
        tl_articles, tl_gold = timeline17()
        tl_items = annotated("timeline17", tl_articles, args.cache, annotate_options)
    for tried in args.set or [""]:
        options = options_from([p for p in tried.split(",") if p])
        print(f"# options changed: {tried or 'none'}")
        report(items, gold, topic, parts, options, seeds, baseline, tl_items, tl_gold)
        if args.runs:
            runs = [_in_runs(items, options, seed, args.runs) for seed in seeds]
            label = f"runs of {args.runs}, {len(runs)} shuffles"
            _spread(label, parts, gold, topic, runs, in_runs)
    print(f"# {time.process_time() - started:.0f} CPU-s")


def _in_runs(items, options: ClusterOptions, seed: int, size: int):  # type: ignore[no-untyped-def]
    order = list(items)
    random.Random(seed).shuffle(order)
    return ours_in_runs(order, options.threshold, size, options)


def _spread(label, parts, gold, topic, runs, before) -> None:  # type: ignore[no-untyped-def]
    """Mean, spread and minimum of ``runs`` on each part, paired against ``before``."""
    for name, keep in parts:
        _spread_line(f"{name} {label}", keep, gold, topic, runs, before)


def _spread_line(label, keep, gold, topic, runs, before) -> None:  # type: ignore[no-untyped-def]
    scores = np.array([bcubed(pred, gold, keep) for pred in runs])
    base = np.array([bcubed(pred, gold, keep)[2] for pred in before])
    mean, sd = scores.mean(axis=0), scores.std(axis=0)
    joined = np.mean([near_misses_joined(pred, gold, topic, keep) for pred in runs])
    diff = scores[:, 2] - base
    print(
        f"{label}  P {mean[0]:.3f} R {mean[1]:.3f} F1 {mean[2]:.3f} (sd {sd[2]:.3f}, "
        f"min {scores[:, 2].min():.3f})  near misses {joined:.3f}  paired vs defaults "
        f"{diff.mean():+.4f} (se {diff.std() / np.sqrt(len(diff)):.4f})"
    )


def report(items, gold, topic, parts, options, seeds, baseline, tl_items, tl_gold) -> None:  # type: ignore[no-untyped-def]
    """The figures of one option set (against ``baseline``, the defaults' runs)."""
    id_order = labels_of(cluster_online(items, options))
    runs = [ours_random_arrival(items, options, seed) for seed in seeds]
    for name, keep in parts:
        p, r, f = bcubed(id_order, gold, keep)
        near = near_misses_joined(id_order, gold, topic, keep)
        print(f"{name} id order          P {p:.3f} R {r:.3f} F1 {f:.3f}  near misses {near:.3f}")
        _spread_line(f"{name} {len(runs)} orders mean", keep, gold, topic, runs, baseline)
    if tl_items is not None:
        pred = labels_of(cluster_online(tl_items, options))
        p, r, f = bcubed(pred, tl_gold)
        count = len(set(pred.values()))
        print(f"timeline17 by date    P {p:.3f} R {r:.3f} F1 {f:.3f}  stories {count}")


if __name__ == "__main__":
    main()
