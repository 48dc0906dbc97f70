"""Precision of the discrepancy detector on labelled real multi-outlet stories.

The stories (bench/discrepancy_data.py) are rebuilt from ../shared/data, fused by newsweave, and
every discrepancy the brief would show is matched to the hand labels in
``bench/discrepancy_labels/labels.jsonl``: same kind, and at least two of its sides fall on
labelled sides (same article, overlapping character span of the side's first citation, which is
the figure, quotation, title or date itself). Labels are references only: corpus, the corpus's
document id, newsweave article id, offsets, kind, verdict, reason category, a short reason.

Verdicts: TRUE (a real disagreement a fact-checker would want shown), FALSE (not one), MISSED
(a real disagreement the detector did not raise when it was labelled; recall is measured on
TRUE + MISSED). Flags that match no label are counted as unlabelled: label them (``--dump``
writes them with their context to a file outside the repository for reading).

One story in four (by a hash of its key) is held out: tune on ``dev``, report both.

Usage:
    .venv/bin/python bench/discrepancy_precision.py            # score the current detector
    .venv/bin/python bench/discrepancy_precision.py --dump /tmp/flags.txt [--all]
    .venv/bin/python bench/discrepancy_precision.py --build    # re-cluster and freeze stories
    .venv/bin/python bench/discrepancy_precision.py --threshold 0 --every-kind  # every flag

Prints figures; it is not a pass/fail test. From scratch it annotates ~600 articles (minutes);
later runs read the annotation cache in /tmp and take about a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import discrepancy_data as data
from newsweave.model import AnnotatedArticle, Discrepancy, Span, StoryAnalysis

LABEL_FILE = data.LABELS / "labels.jsonl"


@dataclass(frozen=True, slots=True)
class Flag:
    story: str
    held_out: bool
    kind: str
    sides: tuple[Span, ...]
    discrepancy: Discrepancy


def side_span(claim_citations: Sequence[Span]) -> Span:
    return claim_citations[0]


def fuse_stories(
    stories: Sequence[data.BenchStory], threshold: float | None, every_kind: bool
) -> list[tuple[data.BenchStory, StoryAnalysis]]:
    from newsweave.fuse import DiscrepancyOptions, fuse
    from newsweave.model import DiscrepancyKind, Story

    options = None
    if hasattr(DiscrepancyOptions, "min_confidence"):  # the detector before confidences had none
        from newsweave.fuse import FuseOptions

        defaults = DiscrepancyOptions()
        options = DiscrepancyOptions(
            min_confidence=defaults.min_confidence if threshold is None else threshold,
            kinds=tuple(k.value for k in DiscrepancyKind) if every_kind else defaults.kinds,
        )

    docs = [d for s in stories for d in s.docs]
    items = data.annotated(docs)
    cache = data.VectorCache()
    cache.install()
    out = []
    for s in stories:
        members: list[AnnotatedArticle] = [items[d.article.article_id] for d in s.docs]
        story = Story(s.key, tuple(i.article_id for i in members))
        out.append(
            (
                s,
                fuse(story, members, FuseOptions(discrepancies=options))
                if options
                else fuse(story, members),
            )
        )
        if cache.dirty and len(out) % 10 == 0:
            cache.save()
            print(f"#   fused {len(out)}/{len(stories)} stories", flush=True)
    cache.save()
    return out


def flags_of(analyses: Sequence[tuple[data.BenchStory, StoryAnalysis]]) -> list[Flag]:
    out: list[Flag] = []
    for s, analysis in analyses:
        for d in analysis.discrepancies:
            sides = tuple(side_span(c.citations) for c in d.claims if c.citations)
            out.append(Flag(s.key, s.held_out, d.kind, sides, d))
    return out


def load_labels() -> list[dict]:
    if not LABEL_FILE.exists():
        return []
    with LABEL_FILE.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _overlap(a: Span, side: dict) -> bool:
    return a.article_id == side["article_id"] and a.start < side["end"] and side["start"] < a.end


def match(flag: Flag, label: dict) -> bool:
    return hits(flag, label) >= 2


def hits(flag: Flag, label: dict) -> int:
    """How many of the flag's sides fall on distinct sides of the label (0 for another kind)."""
    if flag.kind != label["kind"]:
        return 0
    hits = 0
    used: set[int] = set()
    for sp in flag.sides:
        for k, side in enumerate(label["sides"]):
            if k not in used and _overlap(sp, side):
                used.add(k)
                hits += 1
                break
    return hits


def score(
    flags: Sequence[Flag], labels: Sequence[dict], n_stories: dict[bool, int], listing: bool = False
) -> None:
    verdicts: list[tuple[Flag, str | None]] = []
    found_labels: set[int] = set()
    for f in flags:
        # The label that fits best: most sides in common, then the same number of sides (a
        # flag that mixes several referents is judged by the label of that mixed flag).
        best: tuple[tuple[int, int], int] | None = None
        for k, lab in enumerate(labels):
            n = hits(f, lab)
            if n >= 2:
                rank = (n, -abs(len(lab["sides"]) - len(f.sides)))
                if best is None or rank > best[0]:
                    best = (rank, k)
        verdict = None
        if best is not None:
            found_labels.add(best[1])
            verdict = "TRUE" if labels[best[1]]["label"] in ("TRUE", "MISSED") else "FALSE"
        verdicts.append((f, verdict))
    if listing:
        # Every flag with its verdict, most confident first: where a threshold would cut.
        for f, v in sorted(verdicts, key=lambda fv: -fv[0].discrepancy.confidence):
            d = f.discrepancy
            print(
                f"  {d.confidence:5.3f} {v or '?':5} {'held' if f.held_out else 'dev ':4} "
                f"{f.kind:14} {d.reason[:110]}"
            )
    for part, name in ((False, "dev"), (True, "held-out"), (None, "all")):
        rows: dict[str, Counter[str]] = defaultdict(Counter)
        for f, v in verdicts:
            if part is not None and f.held_out != part:
                continue
            rows[f.kind][v or "unlabelled"] += 1
            rows["(overall)"][v or "unlabelled"] += 1
        stories = n_stories[part] if part is not None else sum(n_stories.values())
        total = rows["(overall)"]
        print(
            f"\n== {name}: {stories} stories, {sum(total.values())} flags "
            f"({sum(total.values()) / max(stories, 1):.2f} per story)"
        )
        print(f"{'kind':16} {'flags':>5} {'TRUE':>5} {'FALSE':>5} {'unlab':>5} {'precision':>9}")
        for kind in sorted(rows, key=lambda k: (k == "(overall)", k)):
            c = rows[kind]
            judged = c["TRUE"] + c["FALSE"]
            p = f"{c['TRUE'] / judged:.3f}" if judged else "-"
            print(
                f"{kind:16} {sum(c.values()):5} {c['TRUE']:5} {c['FALSE']:5} "
                f"{c['unlabelled']:5} {p:>9}"
            )
        known = [
            k
            for k, lab in enumerate(labels)
            if lab["label"] in ("TRUE", "MISSED") and (part is None or _held_out_of(lab) == part)
        ]
        hit = sum(1 for k in known if k in found_labels)
        missed = [k for k in known if labels[k]["label"] == "MISSED"]
        hit_missed = sum(1 for k in missed if k in found_labels)
        print(
            f"recall on real conflicts (TRUE + MISSED labels): {hit}/{len(known)}; "
            f"on the MISSED ones: {hit_missed}/{len(missed)}"
        )


_HELD: dict[str, bool] = {}


def _held_out_of(label: dict) -> bool:
    return _HELD.get(label["story"], False)


def dump(flags: Sequence[Flag], labels: Sequence[dict], analyses, path: Path, every: bool) -> None:
    """Unlabelled flags (or all) with each side's sentence and surroundings, for labelling."""
    texts = {i.article_id: i.article.text for _, a in analyses for i in a.items}
    docs = {d.article.article_id: d for s, _ in analyses for d in s.docs}
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for f in flags:
            if not every and any(match(f, lab) for lab in labels):
                continue
            n += 1
            d = f.discrepancy
            conf = getattr(d, "confidence", None)
            fh.write(f"### FLAG {n} story={f.story} kind={f.kind} conf={conf}\n")
            fh.write(f"topic: {d.topic}\nreason: {d.reason}\n")
            fh.write(f"evidence: {'; '.join(getattr(d, 'evidence', ()))}\n")
            for k, (sp, claim) in enumerate(zip(f.sides, d.claims, strict=False)):
                text = texts[sp.article_id]
                doc = docs[sp.article_id]
                lo = max(0, sp.start - 350)
                hi = min(len(text), sp.end + 350)
                window = (
                    text[lo : sp.start] + "[[" + text[sp.start : sp.end] + "]]" + text[sp.end : hi]
                ).replace("\n", " / ")
                fh.write(
                    f"  side {k}: {doc.corpus} {doc.doc_id} {sp.article_id} "
                    f"{sp.start}-{sp.end} src={doc.article.source}\n"
                    f"    claim: {claim.text[:300]}\n    ctx: …{window}…\n"
                )
            fh.write(
                "  SIDES_JSON "
                + json.dumps(
                    [
                        {
                            "corpus": docs[sp.article_id].corpus,
                            "doc": docs[sp.article_id].doc_id,
                            "article_id": sp.article_id,
                            "start": sp.start,
                            "end": sp.end,
                        }
                        for sp in f.sides
                    ]
                )
                + "\n\n"
            )
    print(f"# wrote {n} flags to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="cluster again and freeze stories")
    parser.add_argument(
        "--extend",
        action="store_true",
        help="add stories of corpus groups not frozen yet (more Timeline17 days too)",
    )
    parser.add_argument("--dump", type=Path, help="write unlabelled flags with context here")
    parser.add_argument("--all", action="store_true", help="--dump every flag, labelled too")
    parser.add_argument(
        "--list", action="store_true", help="print every flag with its confidence and verdict"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="confidence a flag needs to count (default: what the brief shows)",
    )
    parser.add_argument(
        "--first", type=int, default=0, help="only the first N frozen stories (93: the first set)"
    )
    parser.add_argument(
        "--skip", type=int, default=0, help="leave out the first N frozen stories (127: the added)"
    )
    parser.add_argument(
        "--every-kind", action="store_true", help="also the kinds that are off by default"
    )
    args = parser.parse_args()
    if not data.DATA.exists():
        sys.exit(f"no corpus data at {data.DATA}: this benchmark reads ../shared/data")
    began = time.perf_counter()
    if args.build or args.extend or not (data.LABELS / "stories.jsonl").exists():
        docs = data.all_docs(extra=args.extend)
        if args.extend and (data.LABELS / "stories.jsonl").exists():
            # Only corpus groups without frozen stories need parsing and clustering.
            known = {data.group_of(r) for r in data.frozen_stories()}
            docs = [d for d in docs if d.group not in known]
        items = data.annotated(docs)
        stories = data.group_stories(docs, items)
        data.freeze(stories, extend=args.extend)
        print(f"# froze {len(stories)} stories", flush=True)
    stories = data.load_stories()
    if args.first:
        stories = stories[: args.first]
    stories = stories[args.skip :]
    for s in stories:
        _HELD[s.key] = s.held_out
    analyses = fuse_stories(stories, args.threshold, args.every_kind)
    flags = flags_of(analyses)
    labels = load_labels()
    n_stories = {
        False: sum(not s.held_out for s in stories),
        True: sum(s.held_out for s in stories),
    }
    by_corpus = Counter(s.corpus for s in stories)
    print(
        f"# {len(stories)} stories ({dict(by_corpus)}), "
        f"{sum(len(s.docs) for s in stories)} articles, {len(labels)} labels"
    )
    score(flags, labels, n_stories, args.list)
    if args.dump:
        dump(flags, labels, analyses, args.dump, args.all)
    print(f"# {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
