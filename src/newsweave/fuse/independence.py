"""Who copied whom: shared wording between a story's articles, and independent support.

Two kinds of copying count:
- **passages**: a sentence that repeats another article's wording (a run of 10+ identical words,
  or near-identical characters) — wire copy reprinted under a new first paragraph;
- **rewrites**: an article most of whose sentences are close paraphrases, in the same order, of
  another's (a machine-translated or spun copy shares few exact words but all of the content).
The earlier publication is taken as the origin; with equal or unknown dates, the input order.
Support is counted in independent sources: sentences linked by copying count once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from newsweave.errors import OptionError
from newsweave.fuse.context import StoryContext
from newsweave.model import CopyRef, Sentence, Span

_WORDS = re.compile(r"[a-z0-9]+(?:[.%][0-9]+)?%?")


@dataclass(frozen=True, slots=True)
class CopyOptions:
    """Args:
    run: identical words in a row that make a sentence a copy of another (wire copy under
        a new first clause).
    run_share: ...or a run covering this share of the shorter sentence's words, when that
        share is still ``min_run`` words or more.
    min_words: sentences shorter than this are never called copies (too little to tell).
    pair_similarity: TF-IDF cosine below which two sentences are not even compared.
    wire_similarity: TF-IDF cosine of a lightly edited pair between two articles that already
        share copied sentences ("its tariffs" / "their tariffs")...
    wire_wording: ...and the token-sort ratio (0..100) that makes it a copy.
    rewrite_similarity: MiniLM cosine at which a sentence is a paraphrase of another's.
    rewrite_share: share of the shorter article's sentences that must be paraphrases for a
        whole article to be a rewrite (a spun or machine-translated copy).
    rewrite_min_words: sentences with fewer words are left out of the rewrite test.
    rewrite_min_sentences: articles with fewer such sentences are never called rewrites.
    """

    run: int = 10
    run_share: float = 0.8
    min_run: int = 5
    min_words: int = 5
    pair_similarity: float = 0.3
    wire_similarity: float = 0.35
    wire_wording: float = 70.0
    rewrite_similarity: float = 0.80
    rewrite_share: float = 0.5
    rewrite_min_words: int = 6
    rewrite_min_sentences: int = 3

    def __post_init__(self) -> None:
        for name in ("run_share", "pair_similarity", "wire_similarity", "rewrite_similarity"):
            _check(name, getattr(self, name), 1.0)
        _check("rewrite_share", self.rewrite_share, 1.0)
        _check("wire_wording", self.wire_wording, 100.0)
        for name in ("run", "min_run", "min_words", "rewrite_min_sentences"):
            if getattr(self, name) < 1:
                raise OptionError(
                    f"fuse.copies.{name} must be 1 or more; got {getattr(self, name)}"
                )


def _check(name: str, value: float, top: float) -> None:
    if not 0.0 <= value <= top:
        raise OptionError(f"fuse.copies.{name} must be in 0..{top:g}; got {value}")


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("’", "'"))


# No opening mark inside: "[^”]" let each of a run of openers scan to the end (quadratic).
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def copied(a: str, b: str, copy_ratio: float = 85.0, options: CopyOptions | None = None) -> bool:
    """True when one text repeats the other's wording: a run of 10+ identical words (wire copy
    under a new first clause) or near-identical characters overall (``options``: the run).

    Quotations are left out: two reporters who quote the same words have not copied each
    other.
    """
    opts = options or CopyOptions()
    a, b = _unquoted(a), _unquoted(b)
    wa, wb = words_of(a), words_of(b)
    if len(wa) < opts.min_words or len(wb) < opts.min_words:
        return False
    if not wa or not wb:
        return False
    match = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    shorter = min(len(wa), len(wb))
    if match.size >= opts.run or match.size >= opts.run_share * shorter >= opts.min_run:
        return True
    return fuzz.ratio(a.lower(), b.lower()) >= copy_ratio


@dataclass
class CopyGraph:
    """Copy relations between the sentences and articles of one story."""

    pairs: set[tuple[tuple[str, int], tuple[str, int]]] = field(default_factory=set)
    rewrites: set[frozenset[str]] = field(default_factory=set)
    copies: dict[str, list[CopyRef]] = field(default_factory=dict)

    def same_source(self, a: Sentence, b: Sentence) -> bool:
        if a.span.article_id == b.span.article_id:
            return True
        if frozenset((a.span.article_id, b.span.article_id)) in self.rewrites:
            return True
        key_a = (a.span.article_id, a.span.start)
        key_b = (b.span.article_id, b.span.start)
        return (key_a, key_b) in self.pairs or (key_b, key_a) in self.pairs

    def independent(self, members: Sequence[Sentence]) -> int:
        """Distinct sources among ``members`` once copied sentences are merged."""
        parent = list(range(len(members)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if self.same_source(members[i], members[j]):
                    parent[find(i)] = find(j)
        return len({find(i) for i in range(len(members))})


def _order(ctx: StoryContext) -> dict[str, tuple[datetime | None, int]]:
    return {item.article_id: (item.article.published, n) for n, item in enumerate(ctx.items)}


def _day_only(moment: datetime) -> bool:
    """A date without a time of day is stored as midnight: it says "some time that day"."""
    return (moment.hour, moment.minute, moment.second) == (0, 0, 0)


def earlier(a: str, b: str, order: dict[str, tuple[datetime | None, int]]) -> str:
    """The article published first; on the same day with a time unknown, the input order."""
    (da, na), (db, nb) = order[a], order[b]
    if da and db:
        if _day_only(da) or _day_only(db):
            if da.date() != db.date():
                return a if da.date() < db.date() else b
        elif da != db:
            return a if da < db else b
    return a if na < nb else b


def build_copy_graph(
    ctx: StoryContext, copy_ratio: float = 85.0, options: CopyOptions | None = None
) -> CopyGraph:
    """Who copied whom in one story; ``copy_ratio`` is ``fuse.align.copy_ratio``, ``options``
    the rest of the copy tests (``fuse.copies``)."""
    opts = options or CopyOptions()
    graph = CopyGraph()
    sents = ctx.sentences
    order = _order(ctx)
    shared: dict[tuple[str, str], list[tuple[Sentence, Sentence]]] = defaultdict(list)
    coo = ctx.tfidf.tocoo()
    for i, j, value in zip(coo.row, coo.col, coo.data, strict=True):
        if i >= j or value < opts.pair_similarity or ctx.owner[i] == ctx.owner[j]:
            continue
        a, b = sents[int(i)], sents[int(j)]
        if copied(a.text, b.text, copy_ratio, opts):
            graph.pairs.add(((a.span.article_id, a.span.start), (b.span.article_id, b.span.start)))
            shared[(a.span.article_id, b.span.article_id)].append((a, b))
    _promote_wire_edits(ctx, graph, shared, opts)
    if ctx.vectors is not None:
        _find_rewrites(ctx, graph, opts)
    # Each copied sentence is credited to the earliest article that has it.
    linked: dict[tuple[str, int], set[Sentence]] = defaultdict(set)
    by_key: dict[tuple[str, int], Sentence] = {}
    for links in shared.values():
        for a, b in links:
            for x, y in ((a, b), (b, a)):
                key = (x.span.article_id, x.span.start)
                by_key[key] = x
                linked[key].add(y)
    credited: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for key, others in linked.items():
        mine = by_key[key]
        origin = mine.span.article_id
        for other in others:
            origin = earlier(origin, other.span.article_id, order)
        if origin != mine.span.article_id:
            credited[(mine.span.article_id, origin)].append(mine.span)
    for (copier, origin), spans in sorted(credited.items()):
        ordered = tuple(sorted(set(spans), key=lambda s: s.start))
        chars = sum(s.end - s.start for s in ordered)
        graph.copies.setdefault(copier, []).append(CopyRef(origin, chars, ordered))
    for pair in graph.rewrites:
        ida, idb = sorted(pair)
        origin = earlier(ida, idb, order)
        copier = idb if origin == ida else ida
        if not any(c.from_article_id == origin for c in graph.copies.get(copier, [])):
            text = next(i.article.text for i in ctx.items if i.article_id == copier)
            graph.copies.setdefault(copier, []).append(
                CopyRef(origin, len(text), (Span(copier, 0, len(text)),))
            )
    return graph


def _promote_wire_edits(
    ctx: StoryContext,
    graph: CopyGraph,
    shared: dict[tuple[str, str], list[tuple[Sentence, Sentence]]],
    opts: CopyOptions,
) -> None:
    """Articles that share two or more copied sentences carry the same wire story: their other
    close pairs are lightly edited copies ("its tariffs on US goods" / "their tariffs for the US
    goods") rather than independent reporting."""
    related = {frozenset(k) for k, links in shared.items() if len(links) >= 2}
    if not related:
        return
    coo = ctx.tfidf.tocoo()
    for i, j, value in zip(coo.row, coo.col, coo.data, strict=True):
        if i >= j or value < opts.wire_similarity:
            continue
        a, b = ctx.sentences[int(i)], ctx.sentences[int(j)]
        key = (a.span.article_id, b.span.article_id)
        if frozenset(key) not in related or graph.same_source(a, b):
            continue
        if fuzz.token_sort_ratio(_unquoted(a.text), _unquoted(b.text)) >= opts.wire_wording:
            graph.pairs.add(((a.span.article_id, a.span.start), (b.span.article_id, b.span.start)))
            shared[key if key in shared else (key[1], key[0])].append((a, b))


def _find_rewrites(ctx: StoryContext, graph: CopyGraph, opts: CopyOptions) -> None:
    """Article pairs where most sentences of one are close paraphrases of the other's."""
    assert ctx.vectors is not None
    by_article: dict[str, list[int]] = defaultdict(list)
    for n, aid in enumerate(ctx.owner):
        if len(ctx.sentences[n].text.split()) >= opts.rewrite_min_words:
            by_article[aid].append(n)
    ids = list(by_article)
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            rows, cols = by_article[ids[x]], by_article[ids[y]]
            if not rows or not cols:
                continue
            sim = ctx.vectors[rows] @ ctx.vectors[cols].T
            matched = int((sim.max(axis=1) >= opts.rewrite_similarity).sum())
            matched_other = int((sim.max(axis=0) >= opts.rewrite_similarity).sum())
            smaller = min(len(rows), len(cols))
            if (
                min(matched, matched_other) >= opts.rewrite_share * smaller
                and smaller >= opts.rewrite_min_sentences
            ):
                graph.rewrites.add(frozenset((ids[x], ids[y])))
