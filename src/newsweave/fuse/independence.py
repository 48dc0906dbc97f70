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

from newsweave.fuse.context import StoryContext
from newsweave.model import CopyRef, Sentence, Span

_WORDS = re.compile(r"[a-z0-9]+(?:[.%][0-9]+)?%?")
COPY_RUN = 10
REWRITE_SIMILARITY = 0.80
REWRITE_SHARE = 0.5


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("’", "'"))


# No opening mark inside: "[^”]" let each of a run of openers scan to the end (quadratic).
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"]*\"")


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def copied(a: str, b: str, copy_ratio: float = 85.0) -> bool:
    """True when one text repeats the other's wording: a run of 10+ identical words (wire copy
    under a new first clause) or near-identical characters overall.

    Quotations are left out: two reporters who quote the same words have not copied each
    other.
    """
    a, b = _unquoted(a), _unquoted(b)
    wa, wb = words_of(a), words_of(b)
    if len(wa) < 5 or len(wb) < 5:
        return False
    if not wa or not wb:
        return False
    match = SequenceMatcher(None, wa, wb, autojunk=False).find_longest_match(0, len(wa), 0, len(wb))
    if match.size >= COPY_RUN or match.size >= 0.8 * min(len(wa), len(wb)) >= 5:
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


def build_copy_graph(ctx: StoryContext, copy_ratio: float = 85.0) -> CopyGraph:
    graph = CopyGraph()
    sents = ctx.sentences
    order = _order(ctx)
    shared: dict[tuple[str, str], list[tuple[Sentence, Sentence]]] = defaultdict(list)
    coo = ctx.tfidf.tocoo()
    for i, j, value in zip(coo.row, coo.col, coo.data, strict=True):
        if i >= j or value < 0.3 or ctx.owner[i] == ctx.owner[j]:
            continue
        a, b = sents[int(i)], sents[int(j)]
        if copied(a.text, b.text, copy_ratio):
            graph.pairs.add(((a.span.article_id, a.span.start), (b.span.article_id, b.span.start)))
            shared[(a.span.article_id, b.span.article_id)].append((a, b))
    _promote_wire_edits(ctx, graph, shared)
    if ctx.vectors is not None:
        _find_rewrites(ctx, graph)
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
) -> None:
    """Articles that share two or more copied sentences carry the same wire story: their other
    close pairs are lightly edited copies ("its tariffs on US goods" / "their tariffs for the US
    goods") rather than independent reporting."""
    related = {frozenset(k) for k, links in shared.items() if len(links) >= 2}
    if not related:
        return
    coo = ctx.tfidf.tocoo()
    for i, j, value in zip(coo.row, coo.col, coo.data, strict=True):
        if i >= j or value < 0.35:
            continue
        a, b = ctx.sentences[int(i)], ctx.sentences[int(j)]
        key = (a.span.article_id, b.span.article_id)
        if frozenset(key) not in related or graph.same_source(a, b):
            continue
        if fuzz.token_sort_ratio(_unquoted(a.text), _unquoted(b.text)) >= 70:
            graph.pairs.add(((a.span.article_id, a.span.start), (b.span.article_id, b.span.start)))
            shared[key if key in shared else (key[1], key[0])].append((a, b))


def _find_rewrites(ctx: StoryContext, graph: CopyGraph) -> None:
    """Article pairs where most sentences of one are close paraphrases of the other's."""
    assert ctx.vectors is not None
    by_article: dict[str, list[int]] = defaultdict(list)
    for n, aid in enumerate(ctx.owner):
        if len(ctx.sentences[n].text.split()) >= 6:
            by_article[aid].append(n)
    ids = list(by_article)
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            rows, cols = by_article[ids[x]], by_article[ids[y]]
            if not rows or not cols:
                continue
            sim = ctx.vectors[rows] @ ctx.vectors[cols].T
            matched = int((sim.max(axis=1) >= REWRITE_SIMILARITY).sum())
            matched_other = int((sim.max(axis=0) >= REWRITE_SIMILARITY).sum())
            smaller = min(len(rows), len(cols))
            if min(matched, matched_other) >= REWRITE_SHARE * smaller and smaller >= 3:
                graph.rewrites.add(frozenset((ids[x], ids[y])))
