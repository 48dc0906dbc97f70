"""Near-linearity, measured: time per stage as an article and a story double in size.

    .venv/bin/python bench/doubling.py                    # articles 2k..16k words, stories 8..64
    .venv/bin/python bench/doubling.py --words 1000 --steps 3 --articles 4 --story-steps 3

Input: real text from ../shared/data/timeline17/articles.jsonl (topic H1N1, detokenised).

- Article doubling: one article of N words made of consecutive Timeline17 sentences, N
  doubling each step, in two shapes: ``prose`` (the sentences as they are) and ``live blog``
  (each sentence a line of its own with a dated time stamp, "March 3, 14:05 -", as a live
  page prints them) and ``transcript`` (each sentence a quotation said by one of 100 named
  speakers, as a live transcript of a long day). Stages: the spaCy parse, then each
  annotator on that parse (sentences, entities, quotes, quantities, times), then fuse +
  brief of the article as a story of one.
- Story doubling: a story of K dated articles of the topic, K doubling each step (annotated
  once, outside the clock); stages: fuse, brief (build_brief on the fused analysis).

Times are CPU seconds of this process (steadier than wall time on a shared machine), the
best of ``--repeat`` runs. The ratio is each step's time over the previous one's: 2.0 is
linear, 4.0 quadratic. A stage under 0.05 s is shown without a ratio (timer noise).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data" / "timeline17" / "articles.jsonl"
NOISE = 0.05
# Invented speaker names for the transcript shape (a live transcript quotes many people).
_FIRST = ["Anna", "Jonas", "Maria", "Tomas", "Elena", "Piotr", "Sara", "Ivan", "Lena", "Omar"]
_LAST = ["Berg", "Vik", "Costa", "Novak", "Reyes", "Lund", "Haas", "Moreau", "Okafor", "Sato"]

from _common import detokenize  # noqa: E402


def _records(topic: str) -> list[dict[str, Any]]:
    if not DATA.exists():
        sys.exit(f"needs {DATA} (the shared evaluation data)")
    with DATA.open(encoding="utf-8") as lines:
        return [r for r in map(json.loads, lines) if r.get("topic") == topic and r.get("text")]


def _sentences(records: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for record in records:
        for line in record["text"].split("\n"):
            if len(line.split()) >= 6:
                out.append(detokenize(line.split())[0])
    return out


def _article_text(sentences: list[str], words: int, shape: str) -> str:
    picked: list[str] = []
    count = 0
    for k in range(10**9):
        sentence = sentences[k % len(sentences)]
        if shape == "live blog":
            sentence = f"March {k % 28 + 1}, {k % 24:02d}:{k % 60:02d} - {sentence}"
        elif shape == "transcript":  # each line a quotation by one of many named speakers
            first, last = _FIRST[k % len(_FIRST)], _LAST[(k // len(_FIRST)) % len(_LAST)]
            sentence = f"“{sentence.rstrip('.')},” said {first} {last}. {last} added more."
        picked.append(sentence)
        count += len(sentence.split())
        if count >= words:
            break
    return ("\n" if shape == "live blog" else " ").join(picked)


def _best(repeat: int, fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """The least CPU time of ``repeat`` calls of ``fn(*args)``, and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.process_time()
        result = fn(*args)
        best = min(best, time.process_time() - started)
    return best, result


def _annotator_on(annotator: Callable[[Any, str], Any], doc: Any, article_id: str) -> list[Any]:
    doc.user_data.clear()  # no cache carried over from another annotator
    return list(annotator(doc, article_id))


def _fuse_and_brief(story: Any, items: list[Any]) -> Any:
    from newsweave.brief.build import build_brief
    from newsweave.fuse import fuse

    return build_brief(fuse(story, items))


def _print_table(title: str, sizes: list[int], unit: str, rows: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    head = f"{'stage':<14}" + "".join(f"{f'{s:,} {unit}':>16}" for s in sizes)
    print(head)
    for stage, times in rows.items():
        cells = []
        for k, seconds in enumerate(times):
            ratio = ""
            if k and times[k - 1] >= NOISE and seconds >= NOISE:
                ratio = f" x{seconds / times[k - 1]:.2f}"
            cells.append(f"{seconds:.2f}{'' if 'pairs' in stage else 's'}{ratio}")
        print(f"{stage:<14}" + "".join(f"{c:>16}" for c in cells))


SHAPES = ("prose", "live blog", "transcript")


def article_doubling(
    sentences: list[str], words: int, steps: int, repeat: int, shapes: tuple[str, ...] = SHAPES
) -> None:
    from newsweave.annotate.entities import extract_entities
    from newsweave.annotate.models import load_nlp
    from newsweave.annotate.pipeline import annotate_doc
    from newsweave.annotate.quantities import extract_quantities
    from newsweave.annotate.quotes import extract_quotes
    from newsweave.annotate.sentences import split_sentences
    from newsweave.annotate.times import resolve_times
    from newsweave.ingest import make_article
    from newsweave.model import DateOrigin, Story

    nlp = load_nlp()
    nlp.max_length = max(nlp.max_length, 4_000_000)
    published = datetime(2009, 5, 1, tzinfo=UTC)
    annotators: dict[str, Callable[[Any, str], Any]] = {
        "sentences": split_sentences,
        "entities": extract_entities,
        "quotes": extract_quotes,
        "quantities": extract_quantities,
        "times": lambda doc, aid: resolve_times(doc, aid, published.date()),
    }
    sizes = [words * 2**k for k in range(steps)]
    warm = make_article(_article_text(sentences, 200, "prose"), published=published)
    _fuse_and_brief(
        Story("w", (warm.article_id,)),
        [replace(annotate_doc(nlp(warm.text), warm), embedding=np.ones(384, dtype=np.float32))],
    )  # fmt: skip  (models that fuse loads lazily, outside the clock)
    for shape in shapes:
        rows: dict[str, list[float]] = {name: [] for name in ("parse", *annotators, "fuse+brief")}
        for size in sizes:
            article = make_article(
                _article_text(sentences, size, shape),
                published=published,
                date_origin=DateOrigin.HEADER,
            )
            seconds, doc = _best(repeat, nlp, article.text)
            rows["parse"].append(seconds)
            for name, annotator in annotators.items():
                rows[name].append(
                    _best(repeat, _annotator_on, annotator, doc, article.article_id)[0]
                )
            doc.user_data.clear()
            item = annotate_doc(doc, article)
            item = replace(item, embedding=np.ones(384, dtype=np.float32))
            story = Story("s", (article.article_id,))
            rows["fuse+brief"].append(_best(1, _fuse_and_brief, story, [item])[0])
            print(f"  {shape}: {size:,} words done", file=sys.stderr, flush=True)
        _print_table(f"Article doubling ({shape}), CPU s, best of {repeat}", sizes, "words", rows)


def story_doubling(records: list[dict[str, Any]], articles: int, steps: int) -> None:
    from newsweave.annotate.pipeline import annotate
    from newsweave.brief.build import build_brief
    from newsweave.fuse import fuse
    from newsweave.ingest import make_article
    from newsweave.model import DateOrigin, Story

    sizes = [articles * 2**k for k in range(steps)]
    chosen = [r for r in records if len(r["text"].split()) >= 150][: sizes[-1]]
    made = [
        make_article(
            "\n".join(detokenize(line.split())[0] for line in r["text"].split("\n") if line),
            source=r.get("source"),
            published=datetime.fromisoformat(r["date"]).replace(tzinfo=UTC),
            date_origin=DateOrigin.HEADER,
        )
        for r in chosen
    ]
    print(f"  annotating {len(made)} articles (not timed)", file=sys.stderr, flush=True)
    items = annotate(made)
    rows: dict[str, list[float]] = {"fuse": [], "brief": []}
    build_brief(fuse(Story("w", (items[0].article_id,)), items[:1]))  # lazy models, unclocked
    for size in sizes:
        members = items[:size]
        story = Story("s", tuple(i.article_id for i in members))
        seconds, analysis = _best(1, fuse, story, members)
        rows["fuse"].append(seconds)
        rows["brief"].append(_best(1, build_brief, analysis)[0])
        for name, seconds in _fuse_steps(members).items():
            rows.setdefault(name, []).append(seconds)
        print(f"  story of {size} done", file=sys.stderr, flush=True)
    _print_table("Story doubling (Timeline17 H1N1), CPU s", sizes, "articles", rows)


def _fuse_steps(items: list[Any]) -> dict[str, float]:
    """CPU s of each fuse step, run as ``fuse()`` runs them, and the story's kept TF-IDF pairs."""
    from newsweave.fuse import FuseOptions
    from newsweave.fuse.align import align_facts
    from newsweave.fuse.context import build_context
    from newsweave.fuse.dates import infer_dates
    from newsweave.fuse.discrepancies import find_discrepancies
    from newsweave.fuse.entities import normalise_entities, summarise_entities
    from newsweave.fuse.independence import build_copy_graph
    from newsweave.fuse.quality import assess_story
    from newsweave.fuse.quotes import merge_quotes
    from newsweave.fuse.summary import select_summary
    from newsweave.fuse.timeline import build_timeline

    o = FuseOptions()
    out: dict[str, float] = {}

    def step(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.process_time()
        result = fn(*args)
        out[name] = time.process_time() - start
        return result

    normalised, resolver = step("  names", normalise_entities, infer_dates(items), o.entities)
    quality = {k: r.score for k, r in assess_story(normalised, o.quality).items()}
    ctx = step("  context", build_context, normalised, True, o.context)
    graph = step("  copies", build_copy_graph, ctx, o.align.copy_ratio, o.copies)
    facts = step("  align", align_facts, ctx, graph, quality, o.align)
    step("  name list", summarise_entities, normalised, resolver, o.entities)
    step("  quotes", merge_quotes, normalised, resolver, quality, o.quotes)
    step("  timeline", build_timeline, normalised, graph, quality, o.timeline, ctx)
    step("  discrepancy", find_discrepancies, ctx, graph, resolver, o.discrepancies)
    step("  summary", select_summary, ctx, facts, quality)
    out["  (pairs, k)"] = ctx.tfidf.nnz / 1000
    return out


def _command() -> str:
    """The command line and commit that printed these figures."""
    import subprocess

    found = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    commit = found.stdout.strip() or "unknown commit"
    return f"{Path(sys.executable).name} bench/doubling.py {' '.join(sys.argv[1:])} ({commit})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=2000, help="first article size (words)")
    parser.add_argument("--steps", type=int, default=4, help="article sizes (each doubles)")
    parser.add_argument("--articles", type=int, default=8, help="first story size (articles)")
    parser.add_argument("--story-steps", type=int, default=4, help="story sizes (each doubles)")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help=f"article shapes, of {', '.join(SHAPES)}"
    )
    args = parser.parse_args()
    records = _records("H1N1")
    sentences = _sentences(records)
    print(f"command: {_command()}")
    print(f"Timeline17 H1N1: {len(records)} articles, {len(sentences):,} sentences")
    if args.steps:
        shapes = tuple(s.strip() for s in args.shapes.split(",") if s.strip())
        article_doubling(sentences, args.words, args.steps, args.repeat, shapes)
    if args.story_steps:
        story_doubling(records, args.articles, args.story_steps)


if __name__ == "__main__":
    main()
