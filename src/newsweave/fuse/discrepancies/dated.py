"""Dates and status: one past event dated differently; one planned event held or not yet.

Two sentences from independent articles state the same event when they are close paraphrases
and the clauses holding their dates share most content words. A date attached to the reporting
verb ("said on Tuesday") dates the statement, not the event, and is left out. Days are
compared with days, months with months or with days (a day outside the other's month).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from newsweave.fuse.context import StoryContext
from newsweave.fuse.discrepancies.common import clause_at, content_words, overlap
from newsweave.fuse.independence import CopyGraph
from newsweave.model import (
    CitedText,
    Discrepancy,
    DiscrepancyKind,
    Precision,
    Sentence,
    Span,
    Support,
    Tense,
)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SAYING = re.compile(
    r"\b(?:said|says|told|tells|announced|stated|added|reported|wrote|tweeted|confirmed|"
    r"reporters|statement|interview|news conference|press conference)\b[^.;]{0,20}$",
    re.IGNORECASE,
)
_SAYING_AFTER = re.compile(r"^[^.;,]{0,6}\b(?:said|says|told|announced)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Dated:
    sentence: Sentence
    start: date
    end: date
    precision: Precision
    text: str
    span: Span
    words: set[str]


def _dated(ctx: StoryContext) -> list[_Dated]:
    out: list[_Dated] = []
    for item in ctx.items:
        # Times by start, so a sentence finds its own by bisection (not a scan of every time).
        times = sorted((t for t in item.times if t.start), key=lambda t: t.span.start)
        starts = [t.span.start for t in times]
        for sentence in item.sentences:
            lo = bisect_left(starts, sentence.span.start)
            inside = times[lo : bisect_left(starts, sentence.span.end, lo)]
            if len(inside) != 1:
                continue
            t = inside[0]
            if t.precision not in (Precision.DAY, Precision.MONTH) or not t.start or not t.end:
                continue
            if t.tense is not Tense.PAST or t.text.lower().startswith(("as of", "by ")):
                continue  # a past event, not a projection or a state "as of" a day
            local = t.span.start - sentence.span.start
            before = sentence.text[max(0, local - 40) : local]
            after = sentence.text[local + len(t.text) : local + len(t.text) + 20]
            if _SAYING.search(before) or _SAYING_AFTER.search(after):
                continue  # the date of the saying, not of the event
            lo, hi = clause_at(sentence, t.span.start, t.span.end)
            clause = sentence.text[lo:hi].replace(t.text, " ")
            out.append(
                _Dated(sentence, t.start, t.end, t.precision, t.text, t.span, content_words(clause))
            )
    return out


def _candidates(ctx: StoryContext, dated: list[_Dated], floor: float) -> list[tuple[int, int]]:
    """Pairs ``i < j`` of ``dated`` in order that can reach ``floor`` of paraphrase similarity.

    With sentence vectors (a story of at most ``fuse.context.max_vectors`` sentences) every
    pair; without, similarity is TF-IDF, which is 0 outside the story's kept pairs, so only
    those (a floor at or below 0 keeps every pair).
    """
    n = len(dated)
    if ctx.vectors is not None or floor <= 0.0:
        return [(i, j) for i in range(n) for j in range(i + 1, n)]
    at: dict[int, list[int]] = {}
    for k, d in enumerate(dated):
        position = ctx.position(d.sentence)
        if position is not None:
            at.setdefault(position, []).append(k)
    pairs: set[tuple[int, int]] = set()
    for position, mine in at.items():
        for other in ctx.lexical_neighbours(position, floor):
            for i in mine:
                pairs.update((min(i, j), max(i, j)) for j in at.get(other, ()))
    # Two times in one sentence are never dated (``_dated``): no pair within one sentence.
    return sorted(pairs)


def _differ(a: _Dated, b: _Dated) -> bool:
    if a.precision is Precision.DAY and b.precision is Precision.DAY:
        return a.start != b.start
    # A month against a month or a day: they differ when they do not overlap.
    return a.end < b.start or b.end < a.start


def date_discrepancies(
    ctx: StoryContext, graph: CopyGraph, same_statement: float
) -> list[Discrepancy]:
    """The same event dated differently by two articles."""
    dated = _dated(ctx)
    out: list[Discrepancy] = []
    for i, j in _candidates(ctx, dated, same_statement - 0.08):
        a, b = dated[i], dated[j]
        if a.sentence.span.article_id == b.sentence.span.article_id or not _differ(a, b):
            continue
        sem = ctx.semantic(a.sentence, b.sentence)
        if sem < same_statement - 0.08:
            continue
        local = overlap(a.words, b.words)
        if local < 0.5:
            continue
        # Different figures mean different moments of a changing situation, not one
        # event dated twice ("14 trapped on Wednesday" / "9 still trapped on Thursday").
        if set(_NUMBER.findall(a.sentence.text.replace(a.text, " "))) != set(
            _NUMBER.findall(b.sentence.text.replace(b.text, " "))
        ):
            continue
        conf = min(1.0, 0.2 + 0.5 * local + 1.5 * max(0.0, sem - same_statement + 0.08))
        out.append(_discrepancy(a, b, graph, conf, sem, local))
    return out


def _discrepancy(
    a: _Dated, b: _Dated, graph: CopyGraph, conf: float, sem: float, local: float
) -> Discrepancy:
    sides = tuple(
        CitedText(d.sentence.text, (d.span, d.sentence.span), Support(1, 1)) for d in (a, b)
    )
    # A copy that changes the date matters as much as two reporters who disagree.
    who = (
        "a copy of the same text changes the date"
        if graph.same_source(a.sentence, b.sentence)
        else "independent sources date the same statement differently"
    )
    return Discrepancy(
        topic=f"date of: {' '.join(a.sentence.text.split()[:8])}…",
        kind=DiscrepancyKind.DATE.value,
        reason=f"{who}: {a.text} ({_iso(a)}) vs {b.text} ({_iso(b)})",
        claims=sides,
        confidence=round(conf, 3),
        evidence=(
            f"paraphrase similarity {sem:.2f}",
            f"clauses of the dates share {local:.0%} of their content words",
        ),
    )


def _iso(d: _Dated) -> str:
    return d.start.isoformat() if d.precision is Precision.DAY else d.start.isoformat()[:7]


# --- status of a planned event -----------------------------------------------------------

_EVENT = re.compile(
    r"\b(?:meeting|summit|talks|vote|election|visit|trip|conference|hearing|debate|ceremony|"
    r"launch|referendum|session|negotiations|strike|rally|trial)\b",
    re.IGNORECASE,
)
_PLANNED = re.compile(
    r"\b(?:will|is|are) (?:be )?(?:scheduled|due|expected|set|planned|to be held)\b|"
    r"\bwill (?:meet|hold|take place|begin|start|vote)\b|\bplans? to (?:meet|hold|visit)\b|"
    r"\b(?:not yet|yet to be) (?:confirmed|announced|scheduled|set)\b|\bunconfirmed\b",
    re.IGNORECASE,
)
_HELD = re.compile(
    r"\b(?:was|were) held\b|\btook place\b|\b(?:met|ended|concluded|began|opened|voted)\b|"
    r"\b(?:was|were|has been|have been) (?:confirmed|announced|scheduled)\b",
    re.IGNORECASE,
)


def status_discrepancies(
    ctx: StoryContext, graph: CopyGraph, same_statement: float
) -> list[Discrepancy]:
    """One article reports a planned event as held (or confirmed), another published the same
    day as still planned (or unconfirmed)."""
    marked: list[tuple[Sentence, str, str]] = []
    published = {i.article_id: i.article.published for i in ctx.items}
    for item in ctx.items:
        for s in item.sentences:
            event = _EVENT.search(s.text)
            if not event:
                continue
            is_planned, is_held = bool(_PLANNED.search(s.text)), bool(_HELD.search(s.text))
            if is_planned != is_held:
                marked.append((s, "planned" if is_planned else "held", event.group(0).lower()))
    out: list[Discrepancy] = []
    for x in range(len(marked)):
        for y in range(x + 1, len(marked)):
            (sa, ka, ea), (sb, kb, eb) = marked[x], marked[y]
            if ka == kb or ea != eb or sa.span.article_id == sb.span.article_id:
                continue
            pa, pb = published[sa.span.article_id], published[sb.span.article_id]
            if not pa or not pb or pa.date() != pb.date():
                continue
            sem = ctx.semantic(sa, sb)
            if sem < same_statement:
                continue
            held, planned = (sa, sb) if ka == "held" else (sb, sa)
            out.append(
                Discrepancy(
                    topic=f"status of the {ea}",
                    kind=DiscrepancyKind.STATUS.value,
                    reason=f"one source reports the {ea} as held or confirmed, another "
                    "published the same day as still planned or unconfirmed",
                    claims=tuple(
                        CitedText(s.text, (s.span,), Support(1, 1)) for s in (held, planned)
                    ),
                    confidence=round(min(1.0, 0.3 + (sem - same_statement)), 3),
                    evidence=(f"paraphrase similarity {sem:.2f}", "same publication day"),
                )
            )
    return out
