"""Direct-quote extraction on PolNeAR: our extractor against textacy's ``direct_quotations``.

Gold: the attribution relations of one annotator per article whose content holds a double
quotation mark; each piece of a (discontinuous) content span that holds one is a gold
quotation, paired with the relation's source and cue. A prediction is a quotation with its
speaker. Spans are compared after trimming spaces, quote marks and edge punctuation:
exact (same characters) or overlap (share one). A relation is right when its content and its
source both match. PolNeAR marks a pronoun ("he said") as the source, while we point at the
named mention it refers to; the last row counts a pronoun source as found when the cues
overlap (PolNeAR has no coreference to check the resolution against).

Usage:
    .venv/bin/python bench/quotes_polnear.py [--split dev] [--data ../shared/data/polnear]

Prints figures; it is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from newsweave.annotate.models import load_nlp
from newsweave.annotate.pipeline import deep_docs
from newsweave.annotate.quotes import extract_quotes

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear"
MARKS = '“”"'
TRIM = " \t\n\r\u00a0“”\"‘’'.,;:!?—–-"
PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "him", "her", "them"}

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Item:
    """One quotation with its source and cue, as character ranges of the article."""

    article: str
    content: Range
    source: tuple[Range, ...]
    cue: tuple[Range, ...]
    pronoun: bool = False


def trim(text: str, r: Range) -> Range:
    start, end = r
    while start < end and text[start] in TRIM:
        start += 1
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return start, end


def overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load_gold(data: Path, split: str, texts: dict[str, str]) -> list[Item]:
    """Gold quotations of ``split``, one annotator (the first by id) per article."""
    rows = []
    with (data / "attributions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["compartment"] == split and row["article"] in texts:
                rows.append(row)
    annotator: dict[str, str] = {}
    for row in rows:
        annotator[row["article"]] = min(annotator.get(row["article"], "~"), row["annotator"])
    gold: list[Item] = []
    for row in rows:
        if row["annotator"] != annotator[row["article"]] or not row["content"]:
            continue
        text = texts[row["article"]]
        source = tuple(trim(text, (a, b)) for a, b in (row["source"] or {}).get("spans", []))
        cue = tuple((a, b) for a, b in (row["cue"] or {}).get("spans", []))
        pronoun = bool(row["source"]) and row["source"]["text"].strip().lower() in PRONOUNS
        for a, b in row["content"]["spans"]:
            if any(ch in text[a:b] for ch in MARKS) or "''" in text[a:b]:
                content = trim(text, (a, b))
                gold.append(Item(row["article"], content, source, cue, pronoun))
    return gold


def ours(doc: Doc, article: str) -> list[Item]:
    out = []
    for q in extract_quotes(doc, article):
        src = (q.speaker_span.start, q.speaker_span.end) if q.speaker_span else None
        cue = (q.cue_span.start, q.cue_span.end) if q.cue_span else None
        content = trim(doc.text, (q.span.start, q.span.end))
        out.append(Item(article, content, (src,) if src else (), (cue,) if cue else ()))
    return out


def textacy_baseline(doc: Doc, article: str) -> tuple[list[Item], int]:
    """textacy per paragraph (it bails out of a whole text with an odd number of marks)."""
    from textacy.extract.triples import direct_quotations

    out: list[Item] = []
    failed = 0
    start = 0
    bounds = [t.i + 1 for t in doc if "\n" in t.text or "\n" in t.whitespace_] + [len(doc)]
    for end in bounds:
        if end <= start:
            continue
        offset = doc[start].idx
        try:
            triples = list(direct_quotations(doc[start:end].as_doc()))
        except ValueError:
            failed += 1
            triples = []
        for t in triples:
            content = trim(doc.text, (offset + t.content.start_char, offset + t.content.end_char))
            src = (offset + t.speaker[0].idx, offset + t.speaker[-1].idx + len(t.speaker[-1]))
            cue = (offset + t.cue[0].idx, offset + t.cue[-1].idx + len(t.cue[-1]))
            out.append(Item(article, content, (src,), (cue,)))
        start = end
    return out, failed


Match = Callable[[Item, Item], bool]


def score(pred: list[Item], gold: list[Item], match: Match) -> tuple[float, float, float]:
    """P/R/F1 with one-to-one greedy matching, predictions in text order."""
    used: set[int] = set()
    hits = 0
    for p in pred:
        for k, g in enumerate(gold):
            if k not in used and g.article == p.article and match(p, g):
                used.add(k)
                hits += 1
                break
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def criteria(texts: dict[str, str]) -> Iterable[tuple[str, Match]]:
    def exact(a: Range, b: Range) -> bool:
        return a == b

    def source_exact(p: Item, g: Item) -> bool:
        return bool(p.source) and any(p.source[0] == s for s in g.source)

    def source_overlap(p: Item, g: Item) -> bool:
        return bool(p.source) and any(overlaps(p.source[0], s) for s in g.source)

    def pronoun_by_cue(p: Item, g: Item) -> bool:
        cue_hit = any(overlaps(a, b) for a in p.cue for b in g.cue)
        return source_overlap(p, g) or (g.pronoun and bool(p.source) and cue_hit)

    yield "content exact", lambda p, g: exact(p.content, g.content)
    yield "content overlap", lambda p, g: overlaps(p.content, g.content)
    yield "relation exact", lambda p, g: exact(p.content, g.content) and source_exact(p, g)
    yield "relation overlap", lambda p, g: overlaps(p.content, g.content) and source_overlap(p, g)
    yield (
        "relation overlap, pronoun by cue",
        lambda p, g: overlaps(p.content, g.content) and pronoun_by_cue(p, g),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the polnear/ folder")
    parser.add_argument("--split", default="dev", help="dev or train")
    args = parser.parse_args()
    paths = sorted((args.data / args.split / "text").glob("*.txt"))
    if not paths:
        raise SystemExit(f"Error: no articles in {args.data / args.split / 'text'}")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in paths}
    gold = load_gold(args.data, args.split, texts)
    t0 = time.perf_counter()
    docs = list(deep_docs(texts.values(), 16))  # what the deep pass stores quotes from
    t_parse = time.perf_counter() - t0
    systems: dict[str, list[Item]] = {"newsweave": [], "textacy 0.13": []}
    timings = {"newsweave": 0.0, "textacy 0.13": 0.0}
    failed = 0
    baseline_ok = True
    try:
        import textacy  # noqa: F401
    except ImportError:
        baseline_ok = False
    # textacy reads the full pipeline's parse of every sentence
    full = iter(list(load_nlp().pipe(texts.values(), batch_size=16)) if baseline_ok else [])
    for article, doc in zip(texts, docs, strict=True):
        t0 = time.perf_counter()
        systems["newsweave"].extend(ours(doc, article))
        timings["newsweave"] += time.perf_counter() - t0
        if baseline_ok:
            t0 = time.perf_counter()
            try:
                items, bad = textacy_baseline(next(full), article)
            except ImportError:
                baseline_ok = False
                continue
            systems["textacy 0.13"].extend(items)
            failed += bad
            timings["textacy 0.13"] += time.perf_counter() - t0
    if not baseline_ok:
        del systems["textacy 0.13"]
        print("textacy is not installed: baseline skipped (pip install textacy==0.13.0)")
    words = sum(len(d) for d in docs)
    print(f"PolNeAR {args.split}: {len(texts)} articles, {words} tokens, parsed in {t_parse:.1f} s")
    print(
        f"gold quotations (content pieces with a double quote mark): {len(gold)}, "
        f"with a pronoun source: {sum(g.pronoun for g in gold)}"
    )
    for name, pred in systems.items():
        print(f"{name}: {len(pred)} predicted, {timings[name]:.2f} s after parsing")
    if baseline_ok:
        print(f"textacy bailed out of {failed} paragraphs (odd number of quote marks)")
    print()
    print(f"{'criterion':34} {'system':14} {'P':>6} {'R':>6} {'F1':>6}")
    for label, match in criteria(texts):
        for name, pred in systems.items():
            p, r, f = score(pred, gold, match)
            print(f"{label:34} {name:14} {p:6.3f} {r:6.3f} {f:6.3f}")


if __name__ == "__main__":
    main()
