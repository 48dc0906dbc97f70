"""Where independent sources disagree: figures, durations, quote wording, attribution.

Only values in the same slot are compared (:mod:`newsweave.fuse.slots`), only between sources
that did not copy each other, and only when the two sentences are about the same thing. Quote
renderings are compared for changes of meaning: tense (will / would have), negation, numbers,
and a different speaker for the same words. Each discrepancy lists every side with its
citations and independent support, and a short reason.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsweave.fuse.context import StoryContext
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.independence import CopyGraph
from newsweave.fuse.slots import GROWING, Observation, observations
from newsweave.model import (
    CitedText,
    Discrepancy,
    DiscrepancyKind,
    Quote,
    Sentence,
    Span,
    Support,
)


@dataclass(frozen=True, slots=True)
class DiscrepancyOptions:
    """Args:
    same_topic: paraphrase similarity two sentences need to be compared at all.
    tolerance: relative difference under which two figures agree (rounding).
    approx_tolerance: the same for figures marked "about", "some", "nearly".
    quote_variant: fuzzy ratio (0..100) above which two quotations are renderings of one.
    same_statement: paraphrase similarity above which two dated sentences state one event.
    """

    same_topic: float = 0.45
    tolerance: float = 0.02
    approx_tolerance: float = 0.10
    quote_variant: float = 62.0
    same_statement: float = 0.88


_APPROX = {"about", "some", "nearly", "almost", "around", "roughly", "approximately", "close to"}
_LOWER_BOUND = {"more than", "over", "at least", "above", "upwards of"}
_UPPER_BOUND = {"less than", "under", "fewer than", "below", "up to", "at most", "nearly"}


def _agree(a: Observation, b: Observation, opts: DiscrepancyOptions) -> bool:
    qa, qb = (a.qualifier or "").lower(), (b.qualifier or "").lower()
    if (qa in _LOWER_BOUND and b.value >= a.value) or (qb in _LOWER_BOUND and a.value >= b.value):
        return True
    if (qa in _UPPER_BOUND and b.value <= a.value) or (qb in _UPPER_BOUND and a.value <= b.value):
        return True
    tol = opts.approx_tolerance if qa in _APPROX or qb in _APPROX else opts.tolerance
    return abs(a.value - b.value) <= tol * max(abs(a.value), abs(b.value), 1e-9)


def _comparable(
    a: Observation, b: Observation, ctx: StoryContext, graph: CopyGraph, opts: DiscrepancyOptions
) -> bool:
    if a.article_id == b.article_id or a.unit != b.unit or a.head != b.head:
        return False
    if a.mode != b.mode or a.duration != b.duration:
        return False
    if a.duration and a.head not in GROWING:
        pass  # a trip or a truce has one length whenever it is reported
    elif a.anchor != b.anchor or a.anchor == "?":
        return False
    if graph.same_source(a.sentence, b.sentence):
        return False
    return ctx.semantic(a.sentence, b.sentence) >= opts.same_topic


def figure_discrepancies(
    ctx: StoryContext, graph: CopyGraph, opts: DiscrepancyOptions
) -> list[Discrepancy]:
    obs = observations(ctx)
    conflict: dict[int, set[int]] = defaultdict(set)
    agree: dict[int, set[int]] = defaultdict(set)
    for i in range(len(obs)):
        for j in range(i + 1, len(obs)):
            a, b = obs[i], obs[j]
            if a.article_id == b.article_id or a.unit != b.unit or a.head != b.head:
                continue
            same_value = _agree(a, b, opts)
            if same_value and a.mode == b.mode:
                agree[i].add(j)
                agree[j].add(i)
            elif not same_value and _comparable(a, b, ctx, graph, opts):
                conflict[i].add(j)
                conflict[j].add(i)
    out: list[Discrepancy] = []
    done: set[int] = set()
    for seed in sorted(conflict, key=lambda k: -len(conflict[k])):
        if seed in done:
            continue
        # One side: the seed and what agrees with it; other sides: its conflicts and theirs.
        sides: list[list[int]] = []
        for start in [seed, *sorted(conflict[seed])]:
            if start in done:
                continue
            side = {start} | {
                k for k in agree[start] if k not in done and _slot_match(obs[start], obs[k])
            }
            side -= {k for s in sides for k in s}
            if side:
                sides.append(sorted(side))
                done.update(side)
        if len(sides) < 2:
            continue
        out.append(_figure_discrepancy(obs, sides, ctx, graph))
    return out


def _slot_match(a: Observation, b: Observation) -> bool:
    return (
        a.mode == b.mode
        and a.duration == b.duration
        and (a.anchor == b.anchor or (a.duration and a.head not in GROWING))
    )


def _figure_discrepancy(
    obs: list[Observation], sides: list[list[int]], ctx: StoryContext, graph: CopyGraph
) -> Discrepancy:
    first = obs[sides[0][0]]
    claims = []
    values = []
    for side in sides:
        members = [obs[k] for k in side]
        sentences = _unique([m.sentence for m in members])
        articles = {m.article_id for m in members}
        claims.append(
            CitedText(
                text=_clearest(sentences),
                citations=tuple(m.span for m in members) + tuple(s.span for s in sentences),
                support=Support(len(articles), graph.independent(sentences)),
            )
        )
        values.append(" / ".join(dict.fromkeys(m.text for m in members)))
    kind = DiscrepancyKind.DURATION if first.duration else DiscrepancyKind.FIGURE
    when = "" if first.anchor == "?" else f" on {first.anchor}"
    if first.duration and first.head not in GROWING:
        when = ""
    elif first.duration:
        when = f" as of {first.anchor}"
    written = Counter(obs[k].measure.lower() for side in sides for k in side)
    thing = written.most_common(1)[0][0] if written else first.head
    topic = f"{'length of the ' if first.duration else ''}{thing}{when}"
    reason = (
        f"independent sources give different values for the same "
        f"{'length' if first.duration else 'figure'}: " + " vs ".join(values)
    )
    return Discrepancy(topic=topic, kind=kind.value, reason=reason, claims=tuple(claims))


def _unique(sentences: Sequence[Sentence]) -> list[Sentence]:
    return list({(s.span.article_id, s.span.start): s for s in sentences}.values())


def _clearest(sentences: Sequence[Sentence]) -> str:
    return min(sentences, key=lambda s: (len(s.text) > 320, len(s.text))).text


# --- quotes ------------------------------------------------------------------------------

_NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|nobody|neither|nor|cannot)\b|n't\b")
_FUTURE = re.compile(r"\b(?:will|shall|won't|going to)\b|'ll\b")
_PAST_CONDITIONAL = re.compile(r"\b(?:would have|would not have|wouldn't have|had|'d have)\b")
_PAST = re.compile(r"\b(?:was|were|did|had)\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _meaning(text: str) -> tuple[int, bool, bool, bool, frozenset[str]]:
    t = text.lower().replace("’", "'")
    return (
        len(_NEGATION.findall(t)) % 2,
        bool(_FUTURE.search(t)),
        bool(_PAST_CONDITIONAL.search(t)),
        bool(_PAST.search(t)),
        frozenset(n.replace(",", "") for n in _NUMBER.findall(t)),
    )


def _meaning_change(a: str, b: str) -> str | None:
    """Why two renderings of one quotation differ in meaning, or None when they agree.

    When one rendering holds more of the quotation than the other, only the shared part is
    compared: the longer one's extra sentences are not a change of meaning.
    """
    short, long_ = sorted((a, b), key=len)
    if len(long_) > 1.3 * len(short):
        aligned = fuzz.partial_ratio_alignment(short.lower(), long_.lower())
        if aligned is not None and aligned.score >= 85:
            long_ = long_[aligned.dest_start : aligned.dest_end]
    ma, mb = _meaning(short), _meaning(long_)
    if ma[0] != mb[0]:
        return "one rendering negates what the other states"
    if ma[1] != mb[1] or ma[2] != mb[2] or ma[3] != mb[3]:
        return "the renderings differ in tense"
    if ma[4] and mb[4] and ma[4] != mb[4]:
        return "the renderings give different numbers"
    return None


@dataclass(frozen=True, slots=True)
class _Rendering:
    quote: Quote
    speaker: str


def quote_discrepancies(
    ctx: StoryContext, graph: CopyGraph, resolver: NameResolver, opts: DiscrepancyOptions
) -> list[Discrepancy]:
    renderings = [
        _Rendering(q, resolver.canonical(q.speaker) if q.speaker else "")
        for item in ctx.items
        for q in item.quotes
        if len(q.text.split()) >= 4
    ]
    parent = list(range(len(renderings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(renderings)):
        for j in range(i + 1, len(renderings)):
            a, b = renderings[i].quote.text.lower(), renderings[j].quote.text.lower()
            if fuzz.ratio(a, b) >= opts.quote_variant or (
                min(len(a), len(b)) >= 30 and fuzz.partial_ratio(a, b) >= 90
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[_Rendering]] = defaultdict(list)
    for i, r in enumerate(renderings):
        groups[find(i)].append(r)
    out: list[Discrepancy] = []
    for members in groups.values():
        if len({r.quote.span.article_id for r in members}) < 2:
            continue
        out.extend(_attribution(members, ctx, graph))
        out.extend(_wording(members, ctx, graph))
    return out


def _side(renderings: Sequence[_Rendering], ctx: StoryContext, graph: CopyGraph) -> CitedText:
    spans = [r.quote.span for r in renderings]
    sentences = _unique([s for s in (ctx.sentence_at(sp) for sp in spans) if s is not None])
    text = renderings[0].quote.text
    return CitedText(
        text=f"{renderings[0].speaker or 'unattributed'}: “{text}”",
        citations=tuple(spans) + tuple(s.span for s in sentences),
        support=Support(len({sp.article_id for sp in spans}), graph.independent(sentences)),
    )


def _attribution(
    members: list[_Rendering], ctx: StoryContext, graph: CopyGraph
) -> list[Discrepancy]:
    by_speaker: dict[str, list[_Rendering]] = defaultdict(list)
    for r in members:
        if r.speaker:
            by_speaker[r.speaker].append(r)
    if len(by_speaker) < 2:
        return []
    sides = [_side(rs, ctx, graph) for rs in by_speaker.values()]
    names = " vs ".join(by_speaker)
    opening = " ".join(members[0].quote.text.split()[:8])
    return [
        Discrepancy(
            topic=f"who said “{opening}…”",
            kind=DiscrepancyKind.ATTRIBUTION.value,
            reason=f"the same words are attributed to different speakers: {names}",
            claims=tuple(sides),
        )
    ]


def _wording(members: list[_Rendering], ctx: StoryContext, graph: CopyGraph) -> list[Discrepancy]:
    by_meaning: dict[tuple[object, ...], list[_Rendering]] = defaultdict(list)
    for r in members:
        by_meaning[_meaning(r.quote.text)].append(r)
    if len(by_meaning) < 2:
        return []
    groups = list(by_meaning.values())
    reasons = {
        reason
        for x in range(len(groups))
        for y in range(x + 1, len(groups))
        if (reason := _meaning_change(groups[x][0].quote.text, groups[y][0].quote.text))
    }
    if not reasons:
        return []
    speaker = next((r.speaker for r in members if r.speaker), "unattributed")
    return [
        Discrepancy(
            topic=f"{speaker}'s words: “{' '.join(members[0].quote.text.split()[:8])}…”",
            kind=DiscrepancyKind.QUOTE.value,
            reason="; ".join(sorted(reasons)),
            claims=tuple(_side(g, ctx, graph) for g in groups),
        )
    ]


# --- dates -------------------------------------------------------------------------------


def date_discrepancies(
    ctx: StoryContext, graph: CopyGraph, opts: DiscrepancyOptions
) -> list[Discrepancy]:
    """The same statement dated differently: two paraphrases from independent sources, each
    with exactly one day-precise date, and the days differ."""
    from newsweave.model import Precision

    dated: list[tuple[Sentence, str, str, Span]] = []
    for item in ctx.items:
        for sentence in item.sentences:
            days = [
                t for t in item.times if sentence.span.start <= t.span.start < sentence.span.end
            ]
            if len(days) == 1 and days[0].precision == Precision.DAY and days[0].start:
                dated.append((sentence, days[0].start.isoformat(), days[0].text, days[0].span))
    out: list[Discrepancy] = []
    seen: set[tuple[int, int]] = set()
    for i in range(len(dated)):
        for j in range(i + 1, len(dated)):
            a, b = dated[i], dated[j]
            if a[1] == b[1] or a[0].span.article_id == b[0].span.article_id:
                continue
            if ctx.semantic(a[0], b[0]) < opts.same_statement:
                continue
            # Different figures mean different moments of a changing situation, not one
            # event dated twice ("14 trapped on Wednesday" / "9 still trapped on Thursday").
            if set(_NUMBER.findall(_without(a[0].text, a[2]))) != set(
                _NUMBER.findall(_without(b[0].text, b[2]))
            ):
                continue
            if (i, j) in seen:
                continue
            seen.add((i, j))
            sides = []
            for sentence, _, _, span in (a, b):
                sides.append(CitedText(sentence.text, (span, sentence.span), Support(1, 1)))
            # A copy that changes the date matters as much as two reporters who disagree.
            who = (
                "a copy of the same text changes the date"
                if graph.same_source(a[0], b[0])
                else "independent sources date the same statement differently"
            )
            out.append(
                Discrepancy(
                    topic=f"date of: {' '.join(a[0].text.split()[:8])}…",
                    kind=DiscrepancyKind.DATE.value,
                    reason=f"{who}: {a[2]} ({a[1]}) vs {b[2]} ({b[1]})",
                    claims=tuple(sides),
                )
            )
    return out


def _without(text: str, part: str) -> str:
    return text.replace(part, " ")


# --- roles -------------------------------------------------------------------------------

_MINOR = {"of", "to", "for", "the", "and"}


def _title_head(role: str) -> str | None:
    """The role noun of a formal title ("US Trade Representative" -> "representative"); None
    for descriptions ("former Labour Court president", "union's chair")."""
    from newsweave.annotate.entities import ROLE_NOUNS

    words = role.replace("’", "'").split()
    if any(w.lower() in ("former", "ex", "acting", "interim", "outgoing") for w in words):
        return None
    if not all(w[:1].isupper() or w.lower() in _MINOR for w in words):
        return None
    heads = [w.lower() for w in words if w.lower() in ROLE_NOUNS]
    return heads[-1] if heads else None


def role_discrepancies(ctx: StoryContext, graph: CopyGraph) -> list[Discrepancy]:
    """A person given two different formal titles by independent sources."""
    by_person: dict[str, dict[str, list[tuple[str, Span]]]] = defaultdict(lambda: defaultdict(list))
    for item in ctx.items:
        for ent in item.entities:
            if ent.label == "PERSON" and ent.role:
                head = _title_head(ent.role)
                if head:
                    by_person[ent.canonical][head].append((ent.role, ent.span))
    out: list[Discrepancy] = []
    for person, heads in by_person.items():
        if len(heads) < 2:
            continue
        articles = [{sp.article_id for _, sp in v} for v in heads.values()]
        if all(a == articles[0] for a in articles) and len(articles[0]) == 1:
            continue  # one article naming two offices is not a conflict between sources
        claims = []
        for uses in heads.values():
            sentences = _unique([s for s in (ctx.sentence_at(sp) for _, sp in uses) if s])
            claims.append(
                CitedText(
                    text=_clearest(sentences) if sentences else f"{uses[0][0]} {person}",
                    citations=tuple(sp for _, sp in uses) + tuple(s.span for s in sentences),
                    support=Support(
                        len({sp.article_id for _, sp in uses}), graph.independent(sentences)
                    ),
                )
            )
        out.append(
            Discrepancy(
                topic=f"{person}'s title",
                kind=DiscrepancyKind.ROLE.value,
                reason="sources give different titles: "
                + " vs ".join(uses[0][0] for uses in heads.values()),
                claims=tuple(claims),
            )
        )
    return out


def find_discrepancies(
    ctx: StoryContext,
    graph: CopyGraph,
    resolver: NameResolver,
    options: DiscrepancyOptions | None = None,
) -> list[Discrepancy]:
    """Every discrepancy of the story, most important first (best-supported sides first)."""
    opts = options or DiscrepancyOptions()
    found = (
        figure_discrepancies(ctx, graph, opts)
        + quote_discrepancies(ctx, graph, resolver, opts)
        + role_discrepancies(ctx, graph)
        + date_discrepancies(ctx, graph, opts)
    )
    weight = {
        DiscrepancyKind.FIGURE.value: 3,
        DiscrepancyKind.ATTRIBUTION.value: 3,
        DiscrepancyKind.DURATION.value: 2,
        DiscrepancyKind.QUOTE.value: 2,
        DiscrepancyKind.DATE.value: 2,
        DiscrepancyKind.ROLE.value: 1,
    }

    def importance(d: Discrepancy) -> float:
        return weight.get(d.kind, 1) + sum(c.support.independent for c in d.claims if c.support)

    return sorted(found, key=lambda d: (-importance(d), d.topic))
