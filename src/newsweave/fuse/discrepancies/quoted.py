"""Quotations: the same words changed in meaning, given to another speaker, or shortened.

Two renderings are compared only when their quoted words align
(:func:`newsweave.fuse.quote_align.align`): a large share of the shorter one's content words,
in order, close together. A negation, tense or number counts only inside the aligned part, so
another sentence of the same statement, or the rest of a longer rendering, never reads as a
change. Speakers are voices (:mod:`newsweave.fuse.speakers`): an attribution is flagged only
between two named people the story tells apart, each named next to the quotation.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsweave.fuse.context import StoryContext
from newsweave.fuse.discrepancies.common import unique
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.independence import CopyGraph
from newsweave.fuse.quote_align import Alignment, align, content, meaning_change, vocabulary
from newsweave.fuse.speakers import Voice, Voices
from newsweave.model import CitedText, Discrepancy, DiscrepancyKind, Quote, Support

MIN_WORDS = 4
VARIANT_SHARE = 0.6
VARIANT_DENSITY = 0.5
SAME_WORDS_SHARE = 0.85  # attribution: (nearly) the same words
# Words that limit what a statement claims: dropping them changes its scope.
_SCOPE = re.compile(
    r"\b(?:if|unless|until|only|except|provided|as long as|so long as|before|after|by|within|"
    r"yet|for now|at least|at this point|at this time|in the next|this year|next year|"
    r"some|most|many|partly|partially|probably|possibly|may|might|could)\b"
)


@dataclass(frozen=True, slots=True)
class _Rendering:
    quote: Quote
    voice: Voice | None
    words: int


@dataclass(frozen=True, slots=True)
class _Pair:
    i: int
    j: int
    reason: str
    confidence: float
    evidence: tuple[str, ...]


def _renderings(ctx: StoryContext, voices: Voices) -> list[_Rendering]:
    out = []
    for item in ctx.items:
        for q in item.quotes:
            n = len(q.text.split())
            if n >= MIN_WORDS:
                out.append(_Rendering(q, voices.of(q), n))
    return out


def _same_voice(a: Voice | None, b: Voice | None) -> str:
    """'same', 'different' (two certain, different people) or 'unknown'."""
    if a is None or b is None:
        return "unknown"
    if a.key == b.key:
        return "same"
    if a.certain and b.certain and a.key.startswith("person:") and b.key.startswith("person:"):
        return "different"
    return "unknown"


def quote_discrepancies(
    ctx: StoryContext, graph: CopyGraph, resolver: NameResolver
) -> list[Discrepancy]:
    voices = Voices(ctx.items, resolver)
    rs = _renderings(ctx, voices)
    wording: list[_Pair] = []
    attribution: list[_Pair] = []
    shortened: list[_Pair] = []
    bags = [vocabulary(r.quote.text) for r in rs]
    for i, j in _candidates(rs, bags):
        a, b = rs[i], rs[j]
        al = align(a.quote.text, b.quote.text)
        if al is None or al.shorter < 3:
            continue
        if al.share < VARIANT_SHARE or al.density < VARIANT_DENSITY:
            continue
        voice = _same_voice(a.voice, b.voice)
        # The same words: most of both, or all of a shorter rendering of four words or more.
        same_words = al.share >= SAME_WORDS_SHARE and (
            al.shorter >= 5 or (al.shorter >= 4 and al.share >= 0.95)
        )
        if voice == "different":
            if same_words:
                attribution.append(_attribution_pair(i, j, al, a, b))
            continue
        if voice == "unknown" and a.voice is not None and b.voice is not None and same_words:
            # Two written speakers the story does not tell apart ("her agent" / a name):
            # kept with a low confidence, below any threshold that shows it.
            attribution.append(replace(_attribution_pair(i, j, al, a, b), confidence=0.15))
        change = meaning_change(al)
        if change:
            wording.append(_wording_pair(i, j, al, change, voice))
        cut = _shortened(al, a.quote.text, b.quote.text)
        if cut:
            shortened.append(_Pair(i, j, cut, 0.55 if voice == "same" else 0.4, ()))
    proxies: dict[str, list[int]] = defaultdict(list)  # spokespeople's renderings, by voice
    for k, r in enumerate(rs):
        if r.voice is not None and r.voice.proxy:
            proxies[r.voice.key].append(k)
    attribution = [_unless_spoken_for(p, rs, bags, proxies) for p in attribution]
    out: list[Discrepancy] = []
    out.extend(_merge(rs, wording, ctx, graph, DiscrepancyKind.QUOTE))
    out.extend(_merge(rs, attribution, ctx, graph, DiscrepancyKind.ATTRIBUTION))
    out.extend(_merge(rs, shortened, ctx, graph, DiscrepancyKind.SHORTENED))
    return out


def _candidates(rs: Sequence[_Rendering], bags: Sequence[set[str]]) -> list[tuple[int, int]]:
    """Pairs ``i < j`` of renderings from two articles whose vocabularies share at least
    ``VARIANT_SHARE`` of the smaller one (the aligned share can be no larger), in the order of
    the all-pairs scan, found through the words they share instead of a test of every pair.

    Words are ranked rarest first; the smaller bag of a pair that qualifies shares at least
    one of its ``m - need + 1`` rarest words with the other (it has only ``need - 1`` others,
    ``need`` the shared words required of a bag of ``m``), so each bag looks up only those.
    An empty bag has no content word, and no alignment (:func:`align`): it pairs with none.
    """
    frequency: Counter[str] = Counter(w for bag in bags for w in bag)
    holders: dict[str, list[int]] = defaultdict(list)
    for k, bag in enumerate(bags):
        for w in bag:
            holders[w].append(k)
    found: set[tuple[int, int]] = set()
    for i, bag in enumerate(bags):
        if not bag:
            continue
        need = math.ceil(VARIANT_SHARE * len(bag))
        rarest = sorted(bag, key=lambda w: (frequency[w], w))[: len(bag) - need + 1]
        for w in rarest:
            for j in holders[w]:
                if j != i and len(bags[j]) >= len(bag):
                    found.add((i, j) if i < j else (j, i))
    return [
        (i, j)
        for i, j in sorted(found)
        if rs[i].quote.span.article_id != rs[j].quote.span.article_id
        and len(bags[i] & bags[j]) >= VARIANT_SHARE * min(len(bags[i]), len(bags[j]))
    ]


def _unless_spoken_for(
    pair: _Pair, rs: Sequence[_Rendering], bags: list[set[str]], proxies: dict[str, list[int]]
) -> _Pair:
    """Two named speakers of the same words are uncertain when another source gives the words
    to a spokesperson of one of them: the other name may be that spokesperson ("her rep" /
    the rep's name). ``proxies``: the renderings of spokespeople, by the voice they speak for."""
    if pair.confidence <= 0.15:
        return pair
    names = {v.key for v in (rs[pair.i].voice, rs[pair.j].voice) if v}
    words, needed = bags[pair.i], 0.85 * len(bags[pair.i])
    for name in names:
        for k in proxies.get(name, ()):
            if k not in (pair.i, pair.j) and len(bags[k] & words) >= needed:
                return replace(pair, confidence=0.15)
    return pair


def _wording_pair(i: int, j: int, al: Alignment, change: str, voice: str) -> _Pair:
    changed = len(al.changed_a) + len(al.changed_b)
    conf = 0.2 + 0.45 * al.share + 0.25 * al.density
    if changed > 4:
        conf -= 0.2
    if voice != "same":
        conf -= 0.15
    evidence = (
        f"{al.matched} of {al.shorter} content words aligned in order",
        "same speaker" if voice == "same" else "speaker of one rendering unknown",
        f"changed words: {' '.join(al.changed_a) or '-'} / {' '.join(al.changed_b) or '-'}",
    )
    return _Pair(i, j, change, max(0.0, min(conf, 1.0)), evidence)


def _attribution_pair(i: int, j: int, al: Alignment, a: _Rendering, b: _Rendering) -> _Pair:
    conf = 0.3 + 0.5 * al.share + 0.1 * min(al.shorter, 10) / 10
    names = f"{a.voice.name if a.voice else '?'} vs {b.voice.name if b.voice else '?'}"
    return _Pair(
        i,
        j,
        f"the same words are attributed to different speakers: {names}",
        min(conf, 1.0),
        (
            f"{al.matched} of {al.shorter} content words aligned in order",
            "both speakers named next to the quotation",
        ),
    )


def _shortened(al: Alignment, a: str, b: str) -> str | None:
    """The shorter rendering drops words of the longer that limit its scope."""
    if not al.contained or al.share < 0.95:
        return None
    if len(content(list(al.words_a))) <= len(content(list(al.words_b))):
        short_words, long_words, window = al.words_a, al.words_b, al.window_b
    else:
        short_words, long_words, window = al.words_b, al.words_a, al.window_a
    dropped = list(long_words[: window[0]]) + list(long_words[window[1] :])
    # Only a few words dropped at one end: the shorter one is presented as the statement.
    if not dropped or len(dropped) > 8 or len(short_words) < 5:
        return None
    found = _SCOPE.search(" ".join(dropped))
    if not found:
        return None
    return f"a shortened rendering drops “…{' '.join(dropped)}…”, which limits what was said"


def _merge(
    rs: Sequence[_Rendering],
    pairs: Sequence[_Pair],
    ctx: StoryContext,
    graph: CopyGraph,
    kind: DiscrepancyKind,
) -> list[Discrepancy]:
    """One discrepancy per connected group of flagged pairs; one side per distinct wording
    (attribution: per speaker)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.i)] = find(p.j)
    groups: dict[int, list[_Pair]] = defaultdict(list)
    for p in pairs:
        groups[find(p.i)].append(p)
    out: list[Discrepancy] = []
    for members in groups.values():
        best = max(members, key=lambda p: p.confidence)
        idx = sorted({k for p in members for k in (p.i, p.j)})
        sides: dict[str, list[_Rendering]] = defaultdict(list)
        for k in idx:
            r = rs[k]
            key = (
                (r.voice.key if r.voice else "?")
                if kind is DiscrepancyKind.ATTRIBUTION
                else " ".join(r.quote.text.lower().split())
            )
            sides[key].append(r)
        ordered = sorted(sides.values(), key=lambda g: -len(g))
        if kind is not DiscrepancyKind.ATTRIBUTION:
            # The two renderings of the most confident pair come first.
            lead = [rs[best.i], rs[best.j]]
            ordered.sort(key=lambda g: 0 if any(r in lead for r in g) else 1)
        if len(ordered) < 2:
            continue
        first = rs[best.i]
        speaker = next((r.voice.name for r in (rs[k] for k in idx) if r.voice), "unattributed")
        opening = " ".join(first.quote.text.split()[:8])
        topic = (
            f"who said “{opening}…”"
            if kind is DiscrepancyKind.ATTRIBUTION
            else f"{speaker}'s words: “{opening}…”"
        )
        reasons = sorted({p.reason for p in members})
        out.append(
            Discrepancy(
                topic=topic,
                kind=kind.value,
                reason="; ".join(reasons),
                claims=tuple(_side(g, ctx, graph) for g in ordered),
                confidence=round(best.confidence, 3),
                evidence=best.evidence,
            )
        )
    return out


def _side(renderings: Sequence[_Rendering], ctx: StoryContext, graph: CopyGraph) -> CitedText:
    spans = [r.quote.span for r in renderings]
    sentences = unique([s for s in (ctx.sentence_at(sp) for sp in spans) if s is not None])
    first = renderings[0]
    who = first.voice.name if first.voice else (first.quote.speaker or "unattributed")
    return CitedText(
        text=f"{who}: “{first.quote.text}”",
        citations=tuple(spans) + tuple(s.span for s in sentences),
        support=Support(len({sp.article_id for sp in spans}), graph.independent(sentences)),
    )
