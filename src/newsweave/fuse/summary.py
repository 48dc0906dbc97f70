"""The summary: sentences that together cover the story's central facts, each fact once.

Not the top-ranked facts in a row (they tend to repeat one point), but a greedy cover: each
pick adds the most of what the summary does not yet say — who (people, organisations), where
(places), when (a date), what next (a scheduled date or a future clause), a figure — weighed
with the fact's independent support, its closeness to the whole story and how recent it is.
A candidate that says what a chosen sentence says (sentence vectors of the story context, or
TF-IDF when there are none) is skipped, so a fact told in two wordings appears once.

Order: the newest developments first when the story has moved on (a fact first reported by the
latest reports comes before the offers it superseded), the most central first among equals.
Sentences are cut to their clean part (sub-headings and reader prompts dropped,
:func:`newsweave.fuse.clauses.clean`): still verbatim, still cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsweave.annotate.sentences import quoted_share
from newsweave.fuse.align import self_contained
from newsweave.fuse.clauses import clean
from newsweave.fuse.context import StoryContext
from newsweave.fuse.quality import CLEAN
from newsweave.model import AnnotatedArticle, CitedText, FactGroup, Sentence, Span


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """Args:
    min_sentences / max_sentences: length of the summary (3..8 when the story allows).
    redundancy_semantic: sentence-vector cosine above which a candidate repeats a chosen one.
    redundancy_lexical: TF-IDF cosine above which a candidate repeats a chosen one.
    max_candidates: fact groups considered, best scored first (bounds the work).
    """

    min_sentences: int = 3
    max_sentences: int = 8
    redundancy_semantic: float = 0.72
    redundancy_lexical: float = 0.30
    max_candidates: int = 250


_FUTURE = re.compile(r"\b(?:will|is due to|are due to|is expected to|plans? to)\b")
_FIGURE = re.compile(r"\d")


@dataclass(slots=True)
class _Candidate:
    group: FactGroup
    sentence: Sentence  # the representative, cleaned
    facets: frozenset[str]
    recency: float  # 0 (first day of the story) .. 1 (its latest day)
    base: float


def _facets(
    sentence: Sentence, item: AnnotatedArticle | None, latest: date | None
) -> frozenset[str]:
    out: set[str] = set()
    if item is not None:
        s, e = sentence.span.start, sentence.span.end
        for ent in item.entities:
            if s <= ent.span.start and ent.span.end <= e and ent.label in _NAMED:
                out.add(f"{_NAMED[ent.label]}:{ent.canonical.lower()}")
        for t in item.times:
            if s <= t.span.start and t.span.end <= e and t.start is not None:
                out.add("when")
                if latest is not None and t.start > latest:
                    out.add("next")
    if _FUTURE.search(sentence.text) and latest is None:
        out.add("next")  # undated story: a future clause is the best sign of what comes next
    if _FIGURE.search(sentence.text):
        out.add("figure")
    return frozenset(out)


_NAMED = {
    "PERSON": "who",
    "ORG": "who",
    "NORP": "who",
    "GPE": "where",
    "LOC": "where",
    "FAC": "where",
}
_FACET_WEIGHT = {"when": 0.8, "next": 1.0, "figure": 0.4}


def _gain(facets: frozenset[str], covered: set[str]) -> float:
    new = facets - covered
    named = min(3, sum(1 for f in new if ":" in f)) * 0.15
    return named + sum(_FACET_WEIGHT.get(f, 0.0) for f in new)


def select_summary(
    ctx: StoryContext,
    facts: Sequence[FactGroup],
    quality: dict[str, float],
    options: SummaryOptions | None = None,
) -> list[CitedText]:
    """Summary sentences for the story (see the module docstring)."""
    opts = options or SummaryOptions()
    by_id = {i.article_id: i for i in ctx.items}
    days = sorted(i.article.published.date() for i in ctx.items if i.article.published)
    first_day, latest = (days[0], days[-1]) if days else (None, None)

    def reported(group: FactGroup) -> float:
        """How late in the story the fact was first reported, 0..1."""
        if first_day is None or latest is None or latest == first_day:
            return 0.0
        seen = [
            published.date()
            for m in group.members
            if m.span.article_id in by_id
            and (published := by_id[m.span.article_id].article.published) is not None
        ]
        if not seen:
            return 0.0
        day = min(seen)
        return (day - first_day).days / (latest - first_day).days

    candidates: list[_Candidate] = []
    for group in facts:
        if len(candidates) >= opts.max_candidates:
            break
        rep = clean(group.representative)
        if len(rep.text.split()) > 60 or len(rep.text.split()) < 6:
            continue
        if quoted_share(rep) >= 0.4 or not self_contained(rep):
            continue
        if quality.get(rep.span.article_id, 1.0) < CLEAN and group.support.independent < 2:
            continue  # a garbled report alone does not speak for the story
        recency = reported(group)
        base = (
            # support counts up to three sources: beyond that a fact is established, and
            # what is new or what it adds decides
            min(group.support.independent, 3)
            + 0.1 * group.support.articles
            + 3.0 * group.centrality
            + 2.0 * recency
        )
        facets = _facets(rep, by_id.get(rep.span.article_id), latest)
        candidates.append(_Candidate(group, rep, facets, recency, base))

    chosen: list[_Candidate] = []
    covered: set[str] = set()
    while candidates and len(chosen) < opts.max_sentences:
        best = max(candidates, key=lambda c: c.base + _gain(c.facets, covered))
        candidates.remove(best)
        if any(_repeats(ctx, best, c, opts) for c in chosen):
            continue
        if (
            best.group.support.independent < 2
            and len(chosen) >= opts.min_sentences
            and _gain(best.facets, covered) < 0.8
            and best.group.centrality < 0.65
        ):
            continue  # a single source's sentence earns its place by what it adds
        chosen.append(best)
        covered |= best.facets
    chosen.sort(key=lambda c: (-round(c.recency, 1), -c.group.centrality))
    return [
        CitedText(text=c.sentence.text, citations=_citations(c), support=c.group.support)
        for c in chosen
    ]


def _repeats(ctx: StoryContext, a: _Candidate, b: _Candidate, opts: SummaryOptions) -> bool:
    pairs = [(x, y) for x in a.group.members[:4] for y in b.group.members[:4]]
    if ctx.vectors is not None and any(
        ctx.semantic(x, y) >= opts.redundancy_semantic for x, y in pairs
    ):
        return True
    return any(ctx.lexical(x, y) >= opts.redundancy_lexical for x, y in pairs)


def _citations(c: _Candidate) -> tuple[Span, ...]:
    rep = c.sentence.span
    original = c.group.representative.span
    return (rep, *[m.span for m in c.group.members if m.span != original])
