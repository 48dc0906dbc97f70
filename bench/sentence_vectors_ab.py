"""What the brief decides differently when sentence vectors come from another network.

The deep pass stores sentence vectors from MiniLM's float network; fuse reads them for
paraphrase links (``fuse.align.paraphrase``), whole-article rewrites
(``fuse.copies.rewrite_similarity``), summary redundancy, timeline merges, the topic tests of
the discrepancy step and the centrality that orders the facts. This bench computes, for the
same sentences, the vectors of the int8 per-channel network of article vectors
(:mod:`newsweave.annotate.quantized`) and fuses every story both ways:

- per-sentence cosine of the two networks' vectors, and the change of pair cosines;
- pair decisions at each threshold that flip (cross-article pairs; statements only for the
  paraphrase link), with ``--show N`` N of each kind printed for reading;
- stories whose fact groups (members and support of the groups of 2+ articles), whole-article
  rewrites, discrepancies, summary, timeline or brief JSON differ;
- the labelled discrepancy precision (``bench/discrepancy_precision.py``) both ways.

Stories: the frozen multi-outlet stories of ``bench/discrepancy_labels/stories.jsonl``
(Timeline17 days, ECB+ topics, PolNeAR windows; ../shared/data) and the stories of
``examples/`` as ``newsweave`` forms them.

    .venv/bin/python bench/sentence_vectors_ab.py [--show 15] [--seed 1]

Prints figures; it is not a pass/fail test. The spaCy parses are cached as the discrepancy
bench caches them (/tmp/newsweave-discrepancy-bench); the first run parses ~1,000 articles.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

import discrepancy_data as data
import discrepancy_precision as precision
from newsweave.annotate.embed import BATCH, embed_texts
from newsweave.annotate.sentences import VECTOR_STATEMENTS, is_statement, leading_sentences
from newsweave.brief.build import build_brief
from newsweave.codec import brief_to_dict
from newsweave.fuse import FuseOptions, fuse
from newsweave.fuse.context import StoryContext, build_context
from newsweave.fuse.dates import infer_dates
from newsweave.fuse.entities import normalise_entities
from newsweave.fuse.independence import build_copy_graph
from newsweave.model import AnnotatedArticle, StoryAnalysis
from newsweave.model import Story as NewsStory

ROOT = Path(__file__).resolve().parents[1]
_DEFAULTS = FuseOptions()
# The thresholds fuse compares sentence-vector cosines with (defaults of FuseOptions).
THRESHOLDS = {
    "paraphrase link": _DEFAULTS.align.paraphrase,
    "rewrite": _DEFAULTS.copies.rewrite_similarity,
    "summary redundancy": 0.72,  # fuse.summary's redundancy_semantic default
    "timeline merge": _DEFAULTS.timeline.merge_semantic,
    "discrepancy same topic": _DEFAULTS.discrepancies.same_topic,
}


def int8_vectors(item: AnnotatedArticle) -> np.ndarray:
    """The stored rows of ``item`` (the sentences the deep pass embeds) from the int8 network,
    stored as float16 as the deep pass stores them."""
    count = leading_sentences(item.sentences, VECTOR_STATEMENTS)
    texts = [s.text for s in item.sentences[:count]]
    return embed_texts(texts, batch_size=BATCH, quantized=True).astype(np.float16)


@dataclass
class Tally:
    stories: int = 0
    changed: Counter[str] = field(default_factory=Counter)
    flips: dict[str, list[tuple[float, float, str, str, str]]] = field(default_factory=dict)
    positive: Counter[str] = field(default_factory=Counter)
    cosines: list[np.ndarray] = field(default_factory=list)
    pair_shift: list[np.ndarray] = field(default_factory=list)


def context_of(items: Sequence[AnnotatedArticle]) -> StoryContext:
    normalised, _ = normalise_entities(infer_dates(items))
    return build_context(normalised)


def groups(analysis: StoryAnalysis) -> dict[frozenset[tuple[str, int]], tuple[int, int]]:
    return {
        frozenset((s.span.article_id, s.span.start) for s in g.members): (
            g.support.articles,
            g.support.independent,
        )
        for g in analysis.facts
        if g.support.articles >= 2
    }


def discrepancies(analysis: StoryAnalysis) -> set[tuple[str, tuple[tuple[str, int], ...]]]:
    return {
        (
            str(d.kind),
            tuple(
                sorted(
                    (c.citations[0].article_id, c.citations[0].start)
                    for c in d.claims
                    if c.citations
                )
            ),
        )
        for d in analysis.discrepancies
    }


def compare(key: str, a: list[AnnotatedArticle], b: list[AnnotatedArticle], tally: Tally) -> None:
    """Fuse one story both ways and count what differs."""
    story = NewsStory(key, tuple(i.article_id for i in a))
    fa, fb = fuse(story, a), fuse(story, b)
    tally.stories += 1
    ca, cb = context_of(a), context_of(b)
    ga, gb = (
        build_copy_graph(ca, _DEFAULTS.align.copy_ratio),
        build_copy_graph(cb, _DEFAULTS.align.copy_ratio),
    )
    differs = {
        "brief": brief_to_dict(build_brief(fa)) != brief_to_dict(build_brief(fb)),
        "fact groups (2+ articles)": groups(fa) != groups(fb),
        "fact order": [g.members for g in fa.facts] != [g.members for g in fb.facts],
        "rewrites": ga.rewrites != gb.rewrites,
        "discrepancies": discrepancies(fa) != discrepancies(fb),
        "summary": [c.citations for c in fa.summary] != [c.citations for c in fb.summary],
        "timeline": fa.timeline != fb.timeline,
    }
    tally.changed.update(k for k, v in differs.items() if v)
    if ca.vectors is None or cb.vectors is None:
        return
    tally.cosines.append(np.sum(ca.vectors * cb.vectors, axis=1))
    sa, sb = ca.vectors @ ca.vectors.T, cb.vectors @ cb.vectors.T
    owner = np.array(ca.owner)
    statement = np.array([is_statement(s) for s in ca.sentences])
    cross = np.triu(owner[:, None] != owner[None, :], 1)
    near = cross & (np.abs(sa - 0.75) < 0.1)
    tally.pair_shift.append((sb - sa)[near])
    for name, threshold in THRESHOLDS.items():
        mask = cross & np.outer(statement, statement) if name == "paraphrase link" else cross
        above_a, above_b = (sa >= threshold) & mask, (sb >= threshold) & mask
        tally.positive[name] += int(above_a.sum())
        for i, j in zip(*np.nonzero(above_a ^ above_b), strict=True):
            tally.flips.setdefault(name, []).append(
                (float(sa[i, j]), float(sb[i, j]), key, ca.sentences[i].text, ca.sentences[j].text)
            )


def example_stories() -> list[tuple[str, list[AnnotatedArticle]]]:
    """The stories of examples/ with their deep annotations, as ``newsweave`` briefs them."""
    from newsweave.pipeline import PipelineOptions, deepen, ingest_outcomes, read_articles
    from newsweave.store.memory import MemoryStore

    opts = PipelineOptions()
    _, outcomes = read_articles([ROOT / "examples"], opts)
    out = []
    with MemoryStore() as store:
        ingest_outcomes(outcomes, store, opts)
        for story in store.stories():
            items = deepen(store.articles(list(story.article_ids)), opts)
            if len(items) >= 2:
                out.append((f"examples:{story.story_id}", items))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="print N flipped pairs of each kind")
    parser.add_argument("--seed", type=int, default=1, help="which flipped pairs are shown")
    args = parser.parse_args()
    if not data.DATA.exists():
        sys.exit(f"no corpus data at {data.DATA}: this benchmark reads ../shared/data")
    stories = data.load_stories()
    items = data.annotated([d for s in stories for d in s.docs])
    other = {aid: replace(i, sentence_vectors=int8_vectors(i)) for aid, i in items.items()}
    tally = Tally()
    analyses: dict[str, list[tuple[data.BenchStory, StoryAnalysis]]] = {"float": [], "int8": []}
    for s in stories:
        a = [items[d.article.article_id] for d in s.docs]
        b = [other[d.article.article_id] for d in s.docs]
        compare(s.key, a, b, tally)
        story = NewsStory(s.key, tuple(i.article_id for i in a))
        analyses["float"].append((s, fuse(story, a)))
        analyses["int8"].append((s, fuse(story, b)))
    for key, members in example_stories():
        compare(
            key, members, [replace(i, sentence_vectors=int8_vectors(i)) for i in members], tally
        )
    cos = np.concatenate(tally.cosines)
    shift = np.concatenate(tally.pair_shift)
    print(f"# {tally.stories} stories; {len(cos)} sentences fuse reads")
    print(
        f"sentence cosine int8 vs float: min {cos.min():.4f}  p1 {np.percentile(cos, 1):.4f}  "
        f"median {np.median(cos):.4f}"
    )
    print(
        f"pair cosine change (cross-article pairs with float cosine 0.65..0.85, n={len(shift)}): "
        f"mean {shift.mean():+.4f}  median |change| {np.median(np.abs(shift)):.4f}  "
        f"p99 |change| {np.percentile(np.abs(shift), 99):.4f}"
    )
    for name, threshold in THRESHOLDS.items():
        flips = tally.flips.get(name, [])
        lost = sum(f[0] >= threshold for f in flips)
        print(
            f"{name} (cosine >= {threshold}): {tally.positive[name]} pairs with float vectors; "
            f"{len(flips)} flip with int8 ({lost} lost, {len(flips) - lost} gained)"
        )
    print(
        "stories that differ: "
        + ", ".join(f"{k} {tally.changed[k]}" for k in sorted(tally.changed))
        + f" (of {tally.stories})"
    )
    labels = precision.load_labels()
    counts = {False: sum(not s.held_out for s in stories), True: sum(s.held_out for s in stories)}
    for s in stories:
        precision._HELD[s.key] = s.held_out
    for name, fused in analyses.items():
        print(f"## labelled discrepancies, {name} sentence vectors")
        precision.score(precision.flags_of(fused), labels, counts, False)
    rng = random.Random(args.seed)
    for name in ("paraphrase link", "rewrite"):
        threshold = THRESHOLDS[name]
        flips = tally.flips.get(name, [])
        for kind, chosen in (
            ("linked by float only", [f for f in flips if f[0] >= threshold]),
            ("linked by int8 only", [f for f in flips if f[1] >= threshold]),
        ):
            shown = rng.sample(chosen, min(args.show, len(chosen)))
            if shown:
                print(f"\n### {name}, {kind} ({len(shown)} of {len(chosen)})")
            for fa, fb, key, ta, tb in shown:
                print(json.dumps({"float": round(fa, 4), "int8": round(fb, 4), "story": key}))
                print(f"  A: {ta}\n  B: {tb}")


if __name__ == "__main__":
    main()
