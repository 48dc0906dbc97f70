"""Entities across articles on ECB+: our story-level name merging against the gold chains.

Each gold story (topic + subtopic: "1_ecb", "1_ecbplus") is treated as one newsweave story:
its documents are detokenised (bench/_common.py keeps where every token lands), parsed once
with spaCy, annotated with ``annotate_doc`` (no embeddings) and passed together through
``newsweave.fuse.entities.normalise_entities``; ``EntityMention.canonical`` is our cluster.

Gold: entity mentions (``is_event`` false) whose tag names a person, organisation or place:
HUMAN_PART_PER, HUMAN_PART_ORG, HUMAN_PART_GPE, LOC_GEO, LOC_FAC (tags such as
HUMAN_PART_GENERIC "they", HUMAN_PART_VEH "vessel", LOC_OTHER "bosom" are left out).
``coref_chain`` is the gold cluster (singletons have their own id). By default only mentions
in each document's ``coref_annotated_sentences`` are scored, as the ECB+ README advises: outside
them many mentions were left as singletons ("Microsoft" unlinked from the "Microsoft" chain),
which would count as merging errors (``--all-sentences`` scores them too). All text is fed to
us. The "URL" sentence 0 of the ecbplus documents is not, and its mentions are dropped.

A gold mention is *found* when one of our entity mentions in the same document overlaps its
last word, its head in ECB+ ("in Los Angeles", "the actress 's rep Jack Ketsoyan"); the
largest overlap wins. With ``--any-overlap`` any overlap counts, which also pairs a
description with a name inside it ("an upmarket jewelry store in central Paris" -> "Paris").
Detection recall is reported over all gold mentions and over
the *named* ones (at least one capitalised word that is not a pronoun or determiner: most
ECB+ person mentions are pronouns and nominals, "she", "the actress", which a name tagger
is not meant to find). B-cubed P/R/F1 is computed on the found mentions only, pooled over
stories (clusters never cross stories), for our merging and three baselines on the same
mentions:
- singletons: every mention alone (B-cubed precision is 1 by construction);
- exact: same surface text of our mention, case-sensitive;
- head: same last word of our mention, lower-cased, possessive stripped.

Usage:
    .venv/bin/python bench/entities_ecbplus.py [--data ../shared/data/ecbplus]
        [--limit-stories N] [--examples 10] [--all-sentences] [--any-overlap]

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from _common import bcubed, detokenize
from newsweave.annotate.models import load_nlp
from newsweave.annotate.pipeline import annotate_doc
from newsweave.fuse.entities import normalise_entities
from newsweave.ingest import make_article
from newsweave.model import AnnotatedArticle, EntityMention

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ecbplus"
DEV_TOPICS = frozenset({2, 5, 12, 18, 21, 23, 34, 35})
GOLD_TAGS = frozenset({"HUMAN_PART_PER", "HUMAN_PART_ORG", "HUMAN_PART_GPE", "LOC_GEO", "LOC_FAC"})
_NOT_NAMES = frozenset(
    """the a an he she it they we i you his her its their our my your him them this that these
    those there here in at on to from of for by with mr mrs ms dr""".split()
)


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    story: str
    split: str
    text: str
    offsets: dict[int, tuple[int, int]]  # gold token id -> characters in ``text``
    selected: frozenset[int]  # sentences annotated for coreference


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc_id: str
    start: int
    end: int
    chain: str
    tag: str
    text: str
    named: bool
    head: tuple[int, int]  # characters of the last word (the head of most ECB+ mentions)


@dataclass(frozen=True, slots=True)
class Found:
    """A gold mention and the mention of ours that covers it."""

    gold: GoldMention
    story: str
    split: str
    ours: EntityMention


def load_docs(data: Path) -> list[Doc]:
    docs: list[Doc] = []
    with (data / "documents.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            token_id = 0
            lines: list[str] = []
            offsets: dict[int, tuple[int, int]] = {}
            base = 0
            for sent in row["sentences"]:
                tokens = sent["text"].split(" ")
                ids = range(token_id + 1, token_id + 1 + len(tokens))
                token_id += len(tokens)
                if sent["sent_id"] == 0 and sent["text"].startswith("http"):
                    continue  # the source URL, not article text
                text, spans = detokenize([" ".join(t.split()) for t in tokens])
                if not text:
                    continue
                for tid, (s, e) in zip(ids, spans, strict=True):
                    offsets[tid] = (base + s, base + e)
                lines.append(text)
                base += len(text) + 1
            split = "dev" if row["topic"] in DEV_TOPICS else "train"
            selected = frozenset(row["coref_annotated_sentences"])
            docs.append(
                Doc(row["doc_id"], row["story_id"], split, "\n".join(lines), offsets, selected)
            )
    return docs


def _is_named(text: str) -> bool:
    return any(w[:1].isupper() and w.lower() not in _NOT_NAMES for w in text.split())


def load_gold(
    data: Path, docs: dict[str, Doc], all_sentences: bool
) -> dict[str, list[GoldMention]]:
    by_doc: dict[str, list[GoldMention]] = defaultdict(list)
    with (data / "mentions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["is_event"] or row["tag"] not in GOLD_TAGS or row["doc_id"] not in docs:
                continue
            doc = docs[row["doc_id"]]
            if not all_sentences and row["sentence"] not in doc.selected:
                continue
            spans = [doc.offsets[t] for t in row["token_ids"] if t in doc.offsets]
            if len(spans) != len(row["token_ids"]):
                continue  # in the dropped URL line
            start, end = min(s for s, _ in spans), max(e for _, e in spans)
            words = [
                doc.offsets[t]
                for t in row["token_ids"]
                if any(ch.isalnum() for ch in doc.text[slice(*doc.offsets[t])])
            ]
            head = max(words or spans)
            by_doc[doc.doc_id].append(
                GoldMention(
                    doc.doc_id,
                    start,
                    end,
                    row["coref_chain"],
                    row["tag"],
                    doc.text[start:end],
                    _is_named(row["text"]),
                    head,
                )
            )
    return by_doc


def annotate_stories(docs: list[Doc]) -> dict[str, AnnotatedArticle]:
    """doc_id -> annotated article after story-level entity normalisation."""
    nlp = load_nlp()
    annotated: dict[str, AnnotatedArticle] = {}
    parsed = nlp.pipe((d.text for d in docs), batch_size=32)
    for doc, spacy_doc in zip(docs, parsed, strict=True):
        article = make_article(doc.text, path=doc.doc_id, language="en")
        if article.text != doc.text:
            raise SystemExit(f"{doc.doc_id}: ingest changed the text; offsets would not hold")
        annotated[doc.doc_id] = annotate_doc(spacy_doc, article)
    by_story: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        by_story[doc.story].append(doc.doc_id)
    out: dict[str, AnnotatedArticle] = {}
    for doc_ids in by_story.values():
        # Two identical documents would share an article id; keep the id -> doc mapping by order.
        normalised, _ = normalise_entities([annotated[d] for d in doc_ids])
        out.update(zip(doc_ids, normalised, strict=True))
    return out


def match(
    docs: list[Doc],
    gold: dict[str, list[GoldMention]],
    items: dict[str, AnnotatedArticle],
    any_overlap: bool,
) -> tuple[list[Found], list[tuple[GoldMention, str]]]:
    """Found gold mentions, and the missed ones with their split."""
    found: list[Found] = []
    missed: list[tuple[GoldMention, str]] = []
    for doc in docs:
        ents = items[doc.doc_id].entities
        for g in gold.get(doc.doc_id, []):
            best, best_overlap = None, 0
            for ent in ents:
                overlap = min(g.end, ent.span.end) - max(g.start, ent.span.start)
                on_head = min(g.head[1], ent.span.end) > max(g.head[0], ent.span.start)
                if overlap > best_overlap and (any_overlap or on_head):
                    best, best_overlap = ent, overlap
            if best is None:
                missed.append((g, doc.split))
            else:
                found.append(Found(g, doc.story, doc.split, best))
    return found, missed


def _head(ent: EntityMention) -> str:
    words = ent.text.replace("’", "'").split()
    last = words[-1] if words else ent.text
    return last.lower().removesuffix("'s").strip(".,'")


SYSTEMS: dict[str, Callable[[Found, int], object]] = {
    "newsweave (canonical)": lambda f, i: (f.story, f.ours.canonical),
    "baseline: singletons": lambda f, i: i,
    "baseline: exact string": lambda f, i: (f.story, f.ours.text),
    "baseline: same head word": lambda f, i: (f.story, _head(f.ours)),
}


def report(name: str, found: list[Found], missed: list[tuple[GoldMention, str]]) -> None:
    total = len(found) + len(missed)
    named_total = sum(f.gold.named for f in found) + sum(g.named for g, _ in missed)
    named_found = sum(f.gold.named for f in found)
    stories = len({f.story for f in found})
    print(
        f"\n== {name}: {stories} stories, {total} gold mentions "
        f"({named_total} named), found {len(found)} ({len(found) / max(1, total):.1%}); "
        f"named found {named_found} ({named_found / max(1, named_total):.1%})"
    )
    gold_ids = [(f.story, f.gold.chain) for f in found]
    print(f"   {'B-cubed on found mentions':<28} {'P':>6} {'R':>6} {'F1':>6}")
    for system, key in SYSTEMS.items():
        pred = [key(f, i) for i, f in enumerate(found)]
        p, r, f1 = bcubed(pred, gold_ids)
        print(f"   {system:<28} {p:6.3f} {r:6.3f} {f1:6.3f}")
    named = [f for f in found if f.gold.named]
    gold_named = [(f.story, f.gold.chain) for f in named]
    p, r, f1 = bcubed([(f.story, f.ours.canonical) for f in named], gold_named)
    print(f"   {'newsweave, named only':<28} {p:6.3f} {r:6.3f} {f1:6.3f}")
    p, r, f1 = bcubed([(f.story, f.ours.text) for f in named], gold_named)
    print(f"   {'exact string, named only':<28} {p:6.3f} {r:6.3f} {f1:6.3f}")
    by_tag = Counter(f.gold.tag for f in found)
    all_tag = by_tag + Counter(g.tag for g, _ in missed)
    print(
        "   detection recall by tag: "
        + ", ".join(f"{t} {by_tag[t]}/{all_tag[t]}" for t in sorted(all_tag))
    )


def examples(found: list[Found], limit: int) -> None:
    """Most frequent errors of our merging: gold chains we split, our clusters that mix chains."""
    by_chain: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_ours: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for f in found:
        by_chain[(f.story, f.gold.chain)][f.ours.canonical] += 1
        by_ours[(f.story, f.ours.canonical)][f"{f.gold.text} <{f.gold.chain[-12:]}>"] += 1
    splits = sorted(
        ((k, c) for k, c in by_chain.items() if len(c) > 1),
        key=lambda kc: -(sum(kc[1].values()) - max(kc[1].values())),
    )
    print(f"\n-- gold chains we split (story: our clusters and counts), top {limit}")
    for (story, _), counts in splits[:limit]:
        print(f"   {story}: {dict(counts.most_common(6))}")
    mixed = [(k, c) for k, c in by_ours.items() if len({name.rsplit("<", 1)[1] for name in c}) > 1]
    mixed.sort(key=lambda kc: -(sum(kc[1].values()) - max(kc[1].values())))
    print(f"-- our clusters that mix gold chains (story/canonical: gold text <chain>), top {limit}")
    for (story, canonical), counts in mixed[:limit]:
        print(f"   {story}/{canonical!r}: {dict(counts.most_common(5))}")


def _select(items: Iterable[Found], split: str) -> list[Found]:
    return [f for f in items if f.split == split]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit-stories", type=int, default=0, help="first N stories (0: all)")
    parser.add_argument("--examples", type=int, default=10, help="error examples to print")
    parser.add_argument(
        "--any-overlap",
        action="store_true",
        help="count a gold mention as found by any overlap, not only on its last word",
    )
    parser.add_argument(
        "--all-sentences",
        action="store_true",
        help="also score mentions outside the sentences annotated for coreference",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    docs = load_docs(args.data)
    if args.limit_stories:
        keep = sorted({d.story for d in docs})[: args.limit_stories]
        docs = [d for d in docs if d.story in keep]
    gold = load_gold(args.data, {d.doc_id: d for d in docs}, args.all_sentences)
    items = annotate_stories(docs)
    found, missed = match(docs, gold, items, args.any_overlap)
    print(
        f"ECB+ entity merging: {len(docs)} documents, "
        f"{len({d.story for d in docs})} stories, gold tags {', '.join(sorted(GOLD_TAGS))}; "
        + ("all sentences" if args.all_sentences else "coreference-annotated sentences only")
    )
    for split in ("train", "dev"):
        report(split, _select(found, split), [m for m in missed if m[1] == split])
    report("overall (train+dev)", found, missed)
    if args.examples:
        examples(found, args.examples)
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
