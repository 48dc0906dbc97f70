"""Timelines on Timeline17 against the journalists' timelines (tilse protocol).

For each collection (H1N1_bbc, ..., LibyaWar_reuters; one gold timeline each) the collection's
articles are one newsweave story: detokenised text (bench/_common.py), ``make_article`` with
the publication ``date`` as a header date, one spaCy pass and ``annotate_doc`` (no
embeddings), then the fuse steps the timeline needs, as ``newsweave.fuse.fuse`` runs them:
``infer_dates``, ``normalise_entities``, ``assess_story``, ``build_context(embed=False)``,
``build_copy_graph``, ``build_timeline``. Every article of a collection is used, as in the
usual Timeline17 setup (``--max-articles`` samples a collection, fixed seed, for a quicker run:
a sample thins out exactly what ranks days, the later reports that refer back to them). With
``--cache`` the parses are kept per article, so a rerun (or a sample of a parsed collection)
parses nothing.

Systems, each asked for as many dates as the gold timeline has (N; the usual TLS setup gives
every system the reference timeline's number of dates):
- newsweave: ``build_timeline`` as built, asked for N days of day-precise entries (the gold
  dates are all days), k entries per day (``max_days=N, max_per_day=k, only_days=True``).
- newsweave, N best days: ``build_timeline`` with no cap, day entries only, days ranked by the
  best independent support of their entries (then articles): the N best days.
- publication dates: the N days with most articles published; summary: the first sentence
  (8+ words) of that day's articles, in file order.
- random days (seed 0): N days drawn among the publication days; random sentences of that
  day's articles.
Every summary is cut to k sentences per day, k = the gold's mean sentences per day (rounded,
at least 1); newsweave's sentences for a day are its entries' event sentences, best supported
first.

Scores (tilse 0.2.1, ``TimelineRougeEvaluator(rouge_computation="reimpl")``, its approximate
ROUGE with stemming and ROUGE's stop word list, since the Perl ROUGE-1.5.5 it ships needs the
XML::DOM Perl module): date-selection F1 (``tilse.evaluation.dates``), ROUGE-1/2 F1 for the
``align_date_content_costs_many_to_one`` (align+ m:1), ``concat`` and ``agreement`` variants.
Predicted sentences are re-tokenised in the corpus' style before scoring.

Usage:
    .venv/bin/python bench/timeline_t17.py [--data ../shared/data/timeline17]
        [--max-articles 0] [--seed 0] [--show 5] [--cache DIR] [--tune]

``--tune`` adds the day weights' grid (:data:`GRID`): the defaults', the in-sample best and
leave-one-collection-out figures (the weights chosen on the other collections), and the
held-out collections' timelines as built with those weights, scored like the rest.

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path

from spacy.tokens import Doc, DocBin

from _common import detokenize, rouge_tokens
from newsweave.annotate.models import load_nlp
from newsweave.annotate.pipeline import DEEP_PARSE, annotate_doc, deep_docs
from newsweave.fuse.context import build_context
from newsweave.fuse.dates import infer_dates
from newsweave.fuse.entities import normalise_entities
from newsweave.fuse.independence import CopyGraph, build_copy_graph
from newsweave.fuse.quality import assess_story
from newsweave.fuse.timeline import (
    DaySignals,
    TimelineOptions,
    build_timeline,
    day_score,
    day_signals,
)
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, Article, DateOrigin, Precision, TimelineEntry

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "timeline17"
MEASURES = ("rouge_1", "rouge_2")
COLUMNS = ("dates", "date F1", "AR1 F1", "AR2 F1", "cR1 F1", "cR2 F1", "agR1", "agR2")

Summary = dict[date, list[str]]


@dataclass(frozen=True, slots=True)
class Gold:
    collection: str
    topic: str
    timeline: Summary
    mean_sentences: float


def load(data: Path, max_articles: int, seed: int) -> tuple[dict[str, list[dict]], list[Gold]]:
    articles: dict[str, list[dict]] = defaultdict(list)
    with (data / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            articles[row["collection"]].append(row)
    rng = random.Random(seed)
    for name, rows in articles.items():
        if max_articles and len(rows) > max_articles:
            picked = sorted(rng.sample(range(len(rows)), max_articles))
            articles[name] = [rows[i] for i in picked]
    golds: list[Gold] = []
    with (data / "timelines.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            timeline: Summary = defaultdict(list)
            for entry in row["entries"]:
                timeline[date.fromisoformat(entry["date"])].extend(entry["sentences"])
            mean = sum(len(v) for v in timeline.values()) / len(timeline)
            golds.append(Gold(row["collection"], row["topic"], dict(timeline), mean))
    return dict(articles), golds


def to_article(row: dict) -> Article:
    lines = [detokenize(line.split())[0] for line in row["text"].split("\n")]
    published = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC)
    return make_article(
        "\n".join(line for line in lines if line),
        source=row["source"],
        path=row["path"],
        published=published,
        date_origin=DateOrigin.HEADER,
        language="en",
    )


def annotate_collection(rows: Sequence[dict], cache: Path | None = None) -> list[AnnotatedArticle]:
    """Annotate the rows; with ``cache`` the spaCy parses are kept there (keyed by the texts),
    so a rerun after a change to the annotators after the parse costs no parsing."""
    nlp = load_nlp()
    unique: dict[str, Article] = {}
    for row in rows:
        if not row["text"].strip():
            continue  # a few files of the corpus are empty
        article = to_article(row)
        unique.setdefault(article.article_id, article)  # a few texts appear twice
    articles = list(unique.values())
    docs: list[Doc | None] = [None] * len(articles)
    paths: list[Path | None] = [None] * len(articles)
    if cache is not None:
        # one file per article, so a sample of a collection reuses the parses of another
        cache.mkdir(parents=True, exist_ok=True)
        for i, a in enumerate(articles):
            key = hashlib.sha256(a.article_id.encode()).hexdigest()[:20]
            paths[i] = path = cache / f"t17-{DEEP_PARSE}-{key}.spacy"
            if path.exists():
                docs[i] = next(iter(DocBin().from_disk(path).get_docs(nlp.vocab)))
    todo = [i for i, d in enumerate(docs) if d is None]
    parsed = deep_docs((articles[i].text for i in todo), 16)  # what the deep pass stores
    for i, doc in zip(todo, parsed, strict=True):
        docs[i] = doc
        path = paths[i]
        if path is not None:
            DocBin(store_user_data=False, docs=[doc]).to_disk(path)
    return [annotate_doc(doc, a) for doc, a in zip(docs, articles, strict=True) if doc is not None]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A collection after the fuse steps in front of the timeline."""

    items: list[AnnotatedArticle]
    graph: CopyGraph
    quality: dict[str, float]

    def timeline(self, options: TimelineOptions) -> list[TimelineEntry]:
        return build_timeline(self.items, graph=self.graph, quality=self.quality, options=options)


def prepare(items: Sequence[AnnotatedArticle]) -> Prepared:
    """The fuse steps in front of the timeline, as ``newsweave.fuse.fuse`` runs them."""
    dated = infer_dates(items)
    normalised, _ = normalise_entities(dated)
    quality = {aid: r.score for aid, r in assess_story(normalised).items()}
    graph = build_copy_graph(build_context(normalised, embed=False))
    return Prepared(list(normalised), graph, quality)


def capped(n: int, k: int, base: TimelineOptions | None = None) -> TimelineOptions:
    """N days, k events each, nothing reserved beyond them (for what is scheduled, for the
    latest day): the N days are the ranking's alone."""
    return replace(
        base or TimelineOptions(),
        max_days=n,
        max_entries=n * k,
        max_per_day=k,
        max_scheduled=0,
        max_latest=0,
        only_days=True,
    )


def _rank(entry: TimelineEntry) -> tuple[int, int]:
    return (-entry.support.independent, -entry.support.articles)


def ours_as_built(entries: Sequence[TimelineEntry], k: int) -> Summary:
    by_day: dict[date, list[TimelineEntry]] = defaultdict(list)
    for e in entries:
        if e.precision == Precision.DAY:
            by_day[date.fromisoformat(e.date)].append(e)
    return {d: [e.event for e in sorted(es, key=_rank)[:k]] for d, es in by_day.items()}


def ours_best_days(entries: Sequence[TimelineEntry], n: int, k: int) -> Summary:
    by_day = ours_as_built(entries, 10**6)
    ranked: dict[date, tuple[int, int]] = {}
    for e in entries:
        if e.precision == Precision.DAY:
            day = date.fromisoformat(e.date)
            ranked[day] = min(ranked[day], _rank(e)) if day in ranked else _rank(e)
    best = sorted(by_day, key=lambda d: (ranked[d], d))[:n]
    return {d: by_day[d][:k] for d in best}


def _first_sentence(item: AnnotatedArticle) -> str | None:
    return next((s.text for s in item.sentences if len(s.text.split()) >= 8), None)


def by_publication_day(items: Sequence[AnnotatedArticle]) -> dict[date, list[AnnotatedArticle]]:
    days: dict[date, list[AnnotatedArticle]] = defaultdict(list)
    for item in items:
        if item.article.published:
            days[item.article.published.date()].append(item)
    return days


def publication_baseline(items: Sequence[AnnotatedArticle], n: int, k: int) -> Summary:
    days = by_publication_day(items)
    best = sorted(days, key=lambda d: (-len(days[d]), d))[:n]
    out: Summary = {}
    for d in best:
        firsts = [s for s in (_first_sentence(i) for i in days[d]) if s]
        out[d] = firsts[:k]
    return out


def random_baseline(items: Sequence[AnnotatedArticle], n: int, k: int, seed: int) -> Summary:
    rng = random.Random(seed)
    days = by_publication_day(items)
    picked = rng.sample(sorted(days), min(n, len(days)))
    out: Summary = {}
    for d in picked:
        sentences = [s.text for i in days[d] for s in i.sentences if len(s.text.split()) >= 8]
        out[d] = rng.sample(sentences, min(k, len(sentences)))
    return out


def score(pred: Summary, gold: Gold) -> dict[str, float]:
    from tilse.data.timelines import GroundTruth, Timeline
    from tilse.evaluation import dates as tilse_dates
    from tilse.evaluation import rouge

    predicted = Timeline({d: [rouge_tokens(s) for s in ss] for d, ss in pred.items() if ss})
    reference = GroundTruth([Timeline(gold.timeline)])
    evaluator = rouge.TimelineRougeEvaluator(measures=set(MEASURES), rouge_computation="reimpl")
    out = {"dates": float(len(predicted.get_dates()))}
    if not predicted.get_dates():
        return out | {c: 0.0 for c in COLUMNS[1:]}
    out["date F1"] = tilse_dates.evaluate_dates(predicted, reference)["f_score"]
    variants = (
        ("A", evaluator.evaluate_align_date_content_costs_many_to_one),
        ("c", evaluator.evaluate_concat),
        ("ag", evaluator.evaluate_agreement),
    )
    for prefix, method in variants:
        result = method(predicted, reference)
        for n, measure in zip(("1", "2"), MEASURES, strict=True):
            name = f"{prefix}R{n} F1" if prefix != "ag" else f"agR{n}"
            out[name] = float(result[measure]["f_score"])
    return out


def _row(label: str, values: dict[str, float]) -> str:
    cells = [f"{values['dates']:>5.0f}"] + [f"{values[c]:>7.3f}" for c in COLUMNS[1:]]
    return f"   {label:<32}" + " ".join(cells)


# --- choosing the day weights: a small grid, leave one collection out ----------------------

# The written-date back reference is the unit (weight 1); the rest are set against it.
GRID: dict[str, tuple[float, ...]] = {
    "weight_refs_back": (0.0, 0.25, 0.5, 1.0),
    "weight_published_after": (0.0, 0.25, 0.5, 1.0, 2.0),
    "weight_published": (0.0, 0.25, 0.5, 1.0),
    "weight_refs_same": (0.0, 0.25, 0.5),
    "weight_refs_ahead": (0.0, 0.25, 0.5),
    "weight_support": (0.0, 0.25, 0.5),
}


@dataclass(frozen=True, slots=True)
class Candidates:
    """A collection's candidate days (those with a day entry), what ranks them, the gold."""

    collection: str
    days: list[tuple[date, int, int]]  # day, best independent support, its entry's articles
    signals: dict[date, DaySignals]
    gold: frozenset[date]

    def f1(self, opts: TimelineOptions) -> float:
        """Date F1 of the N days ``build_timeline(max_days=N)`` keeps (its day order)."""

        def rank(day: tuple[date, int, int]) -> tuple[float, int, date]:
            signals = self.signals.get(day[0], DaySignals())
            return (-day_score(signals, day[1], opts), -day[2], day[0])

        picked = {d for d, _, _ in sorted(self.days, key=rank)[: len(self.gold)]}
        hits = len(picked & self.gold)
        return 2 * hits / (len(picked) + len(self.gold)) if hits else 0.0


def candidates(prepared: Prepared, uncapped: Sequence[TimelineEntry], gold: Gold) -> Candidates:
    best: dict[date, tuple[int, int]] = {}
    for e in uncapped:
        if e.precision == Precision.DAY:
            day = date.fromisoformat(e.date)
            ranked = (e.support.independent, e.support.articles)
            best[day] = max(best.get(day, ranked), ranked)
    return Candidates(
        gold.collection,
        [(d, ind, arts) for d, (ind, arts) in best.items()],
        day_signals(prepared.items, prepared.graph),
        frozenset(gold.timeline),
    )


def grid() -> list[TimelineOptions]:
    base = TimelineOptions()
    names = list(GRID)
    combos: list[dict[str, float]] = [{}]
    for name in names:
        combos = [c | {name: v} for c in combos for v in GRID[name]]
    # the simplest first (fewest and smallest weights): it wins a tie
    combos.sort(key=lambda c: (sum(v > 0 for v in c.values()), sum(c.values())))
    return [replace(base, **c) for c in combos]


def _weights(opts: TimelineOptions) -> str:
    return ", ".join(
        f"{f.name.removeprefix('weight_')}={getattr(opts, f.name):g}"
        for f in fields(opts)
        if f.name.startswith("weight_") and f.name != "weight_refs"
    )


def tune(cands: Sequence[Candidates], pub: dict[str, float]) -> dict[str, TimelineOptions]:
    """Prints the defaults, the in-sample best and leave-one-collection-out; returns, per
    collection, the weights chosen without it."""
    options = grid()
    table = [[c.f1(o) for c in cands] for o in options]
    names = [c.collection for c in cands]

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values)

    def best(exclude: int | None) -> int:
        def fit(i: int) -> float:
            return mean([v for j, v in enumerate(table[i]) if j != exclude])

        return max(range(len(options)), key=lambda i: (fit(i), -i))

    print(f"\n== day weights: {len(options)} on a grid, date F1 of build_timeline(max_days=N)")
    print(f"   {'':<28}" + " ".join(f"{n[:16]:>16}" for n in names) + f" {'mean':>7}")
    print(
        f"   {'publication-date baseline':<28}"
        + " ".join(f"{pub[n]:>16.3f}" for n in names)
        + f" {mean([pub[n] for n in names]):>7.3f}"
    )
    defaults = [c.f1(TimelineOptions()) for c in cands]
    print(
        f"   {'defaults (config.py)':<28}"
        + " ".join(f"{v:>16.3f}" for v in defaults)
        + f" {mean(defaults):>7.3f}"
    )
    inside = best(None)
    print(
        f"   {'best in-sample':<28}"
        + " ".join(f"{v:>16.3f}" for v in table[inside])
        + f" {mean(table[inside]):>7.3f}"
    )
    print(f"     weights: {_weights(options[inside])}")
    chosen: dict[str, TimelineOptions] = {}
    loo: list[float] = []
    for j, name in enumerate(names):
        i = best(j)
        chosen[name] = options[i]
        loo.append(table[i][j])
        print(f"     without {name}: {_weights(options[i])} -> {table[i][j]:.3f}")
    print(
        f"   {'leave one collection out':<28}"
        + " ".join(f"{v:>16.3f}" for v in loo)
        + f" {mean(loo):>7.3f}"
    )
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--max-articles", type=int, default=0, help="per collection; 0: all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=5, help="our entries to print per topic")
    parser.add_argument("--cache", type=Path, help="folder to keep the spaCy parses in")
    parser.add_argument(
        "--tune", action="store_true", help="also the day weights' grid, in-sample and LOO"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    articles, golds = load(args.data, args.max_articles, args.seed)
    header = f"   {'system':<32}{COLUMNS[0]:>5} " + " ".join(f"{c:>7}" for c in COLUMNS[1:])
    print(
        "Timeline17: date F1; ROUGE F1 of tilse align+ m:1 (AR1/AR2), concat (cR1/cR2) and "
        f"agreement (agR1/agR2); max {args.max_articles or 'all'} articles per collection, "
        f"seed {args.seed}"
    )
    results: dict[str, dict[str, list[dict[str, float]]]] = defaultdict(lambda: defaultdict(list))
    table: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    kept: dict[str, tuple[Prepared, Gold, int, int]] = {}
    cands: list[Candidates] = []
    for gold in golds:
        rows = articles[gold.collection]
        t0 = time.perf_counter()
        items = annotate_collection(rows, args.cache)
        n, k = len(gold.timeline), max(1, round(gold.mean_sentences))
        prepared = prepare(items)
        built = prepared.timeline(capped(n, k))
        uncapped = prepared.timeline(TimelineOptions(max_entries=10**6, max_scheduled=0))
        kept[gold.collection] = (prepared, gold, n, k)
        cands.append(candidates(prepared, uncapped, gold))
        dropped = sum(e.precision != Precision.DAY for e in built)
        systems = {
            "newsweave (max_days=N)": ours_as_built(built, k),
            "newsweave (N best days)": ours_best_days(uncapped, n, k),
            "baseline: publication dates": publication_baseline(items, n, k),
            "baseline: random days (seed)": random_baseline(items, n, k, args.seed),
        }
        print(
            f"\n== {gold.collection}: {len(items)} articles of {len(rows)} used, gold {n} days, "
            f"k={k} sentences/day; newsweave built {len(built)} entries "
            f"({dropped} not day-precise, dropped), {len(uncapped)} uncapped "
            f"({time.perf_counter() - t0:.0f} s)"
        )
        print(header)
        for label, summary in systems.items():
            values = score(summary, gold)
            table[gold.collection][label] = values
            results[gold.topic][label].append(values)
            results["all"][label].append(values)
            print(_row(label, values))
        for entry in built[: args.show]:
            print(
                f"     {entry.date} [{entry.precision}, {entry.support.independent}/"
                f"{entry.support.articles}{', scheduled' if entry.scheduled else ''}] "
                f"{entry.when!r}: {entry.event[:110]}"
            )
    for topic in [t for t in results if t != "all"] + ["all"]:
        name = "mean over all timelines" if topic == "all" else f"mean over {topic} timelines"
        print(f"\n== {name}")
        print(header)
        for label, runs in results[topic].items():
            mean = {c: sum(run[c] for run in runs) / len(runs) for c in COLUMNS}
            print(_row(label, mean))
    print_table(table)
    if args.tune:
        if args.cache is not None:
            # the candidate days and their signals, to try other weights without a rerun
            dump = args.cache / f"t17-candidates-{args.max_articles}-{args.seed}.pickle"
            dump.write_bytes(pickle.dumps(cands))
        pub = {c: v[PUB]["date F1"] for c, v in table.items()}
        chosen = tune(cands, pub)
        print("\n== leave one collection out, as built (each with the weights chosen without it)")
        print(header)
        runs = []
        for name, (prepared, gold, n, k) in kept.items():
            values = score(ours_as_built(prepared.timeline(capped(n, k, chosen[name])), k), gold)
            runs.append(values)
            print(_row(name, values))
        print(_row("mean", {c: sum(r[c] for r in runs) / len(runs) for c in COLUMNS}))
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)


OURS, PUB, RANDOM = (
    "newsweave (max_days=N)",
    "baseline: publication dates",
    "baseline: random days (seed)",
)


def print_table(table: dict[str, dict[str, dict[str, float]]]) -> None:
    """One line per collection: date F1 and align+ m:1 ROUGE-1/2 of newsweave (as built)
    and of the two baselines."""
    print("\n== per collection: date F1 / AR1 F1 / AR2 F1")
    systems = (("newsweave", OURS), ("publication dates", PUB), ("random days", RANDOM))
    print(
        f"   {'collection':<18}" + "".join(f"{label:>24}" for label, _ in systems) + "  above pub"
    )
    for name, values in [*table.items(), ("mean", _mean_table(table))]:
        cells = [
            "".join(f"{values[key][c]:>8.3f}" for c in ("date F1", "AR1 F1", "AR2 F1"))
            for _, key in systems
        ]
        above = values[OURS]["date F1"] > values[PUB]["date F1"]
        print(f"   {name:<18}" + "".join(cells) + f"  {'yes' if above else 'NO'}")


def _mean_table(table: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    keys = next(iter(table.values())).keys()
    return {
        key: {c: sum(v[key][c] for v in table.values()) / len(table) for c in COLUMNS}
        for key in keys
    }


if __name__ == "__main__":
    main()
