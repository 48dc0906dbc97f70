"""Figures and durations: two values for one slot, and a quoted figure against the record.

Values are compared only when they fill the same slot (:mod:`newsweave.fuse.slots`: the same
measured thing, unit, time and mode) *and* say the same thing about the same referent: the
clauses around the two numbers share their content words, name no disjoint people, places or
organisations, and mention no different years. A sentence that gives several values of one
slot ("30% of adults and 55% of children") makes every comparison of its values uncertain.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsweave.fuse.context import StoryContext
from newsweave.fuse.discrepancies.common import (
    clause_at,
    clearest,
    content_words,
    stem,
    unique,
    years,
)
from newsweave.fuse.independence import CopyGraph
from newsweave.fuse.slots import GROWING, Observation, observations
from newsweave.model import CitedText, Discrepancy, DiscrepancyKind, Support

_APPROX = {"about", "some", "nearly", "almost", "around", "roughly", "approximately", "close to"}
_LOWER_BOUND = {"more than", "over", "at least", "above", "upwards of"}
_UPPER_BOUND = {"less than", "under", "fewer than", "below", "up to", "at most", "nearly"}
# People and places tell referents apart ("Mexico's toll" / "the US toll"); organisations are
# more often the source of a figure ("according to the port authority") than its subject.
# Counted things too general to name one referent without more words ("people", "cases").
_GENERIC = frozenset(
    "people person case delegate state vote voter country point percent time member "
    "superdelegate democrat republican seat".split()
)


def _qualified(a: Observation, b: Observation) -> bool:
    """Both measures say more than the bare noun, and share what they say."""
    bare = {a.head, stem(a.head), stem(a.head + "s")}
    wa = content_words(a.measure) - bare
    wb = content_words(b.measure) - bare
    return bool(wa & wb)


# Events a story has one of, whose length every report gives for the same thing.
_EVENTS = GROWING | {"trip", "truce", "ceasefire", "talks", "visit", "tour", "summit", "trial"}
_NAMED = ("PERSON", "GPE")


@dataclass(frozen=True, slots=True)
class _Referent:
    """What the clause around one figure is about."""

    words: set[str]
    names: set[str]
    years: set[str]
    crowded: bool  # the sentence gives other values of the same slot
    status: str = ""  # "confirmed" | "unconfirmed" | "" (not said)
    added: bool = False  # a count of new ones ("five new cases"), not a total
    earlier: bool = False  # an earlier state ("had been", "initial reports")
    places: set[str] = field(default_factory=set)
    authorities: set[str] = field(default_factory=set)  # organisations in the sentence
    home: set[str] = field(default_factory=set)  # places the article's lead names


def agree(a: Observation, b: Observation, tolerance: float, approx: float) -> bool:
    qa, qb = (a.qualifier or "").lower(), (b.qualifier or "").lower()
    if (qa in _LOWER_BOUND and b.value >= a.value) or (qb in _LOWER_BOUND and a.value >= b.value):
        return True
    if (qa in _UPPER_BOUND and b.value <= a.value) or (qb in _UPPER_BOUND and a.value <= b.value):
        return True
    tol = approx if qa in _APPROX or qb in _APPROX else tolerance
    return abs(a.value - b.value) <= tol * max(abs(a.value), abs(b.value), 1e-9)


def _far_apart(a: Observation, b: Observation) -> bool:
    low, high = sorted((a.value, b.value))
    return high > 5 * max(low, 1e-9)


def _rough(o: Observation) -> bool:
    """A length given in months or years is a rounded one ("five months" for 136 days)."""
    return any(w in o.text.lower() for w in ("month", "year"))


def _equal(a: Observation, b: Observation, approx: float) -> bool:
    return abs(a.value - b.value) <= approx * max(abs(a.value), abs(b.value), 1e-9)


@dataclass(frozen=True, slots=True)
class ReferentOptions:
    """Args (``fuse.discrepancies.shared_referent``, ``name_window``, ``lead_chars``):
    shared: referent score of two figures of the same authority or place (see ``pinned``).
    near: characters around a number in which its people and places are named.
    lead: characters of an article's start that say which place it is about.
    """

    shared: float = 0.5
    near: int = 80
    lead: int = 400


def _referents(
    ctx: StoryContext, obs: Sequence[Observation], opts: ReferentOptions
) -> list[_Referent]:
    # Sorted by start: the names and organisations of one sentence are found by bisection
    # (a scan of the article's names per figure was quadratic in a long article).
    names_by_article = {
        item.article_id: _by_start(
            [
                (e.span.start, e.span.end, e.canonical.lower(), e.label)
                for e in item.entities
                if e.label in _NAMED
            ]
        )
        for item in ctx.items
    }
    home = {
        item.article_id: {
            e.canonical.lower()
            for e in item.entities
            if e.label == "GPE" and e.span.start < opts.lead
        }
        for item in ctx.items
    }
    orgs_by_article = {
        item.article_id: _by_start(
            [
                (e.span.start, e.span.end, e.canonical, e.label)
                for e in item.entities
                if e.label == "ORG"
            ]
        )
        for item in ctx.items
    }
    per_sentence = Counter(
        (o.sentence.span.article_id, o.sentence.span.start, o.head, o.unit) for o in obs
    )
    out: list[_Referent] = []
    for o in obs:
        lo, hi = clause_at(o.sentence, o.span.start, o.span.end)
        base = o.sentence.span.start
        local = (
            o.sentence.text[lo : o.span.start - base]
            + " "
            + o.sentence.text[o.span.end - base : hi]
        )
        # Whose figure it is: the people and places of the comma-separated part around the
        # number ("Ted Cruz has 370, Kasich has 129 and Rubio left with 163").
        text = o.sentence.text
        seg_lo = max(lo, text.rfind(",", 0, o.span.start - base) + 1)
        comma = text.find(",", o.span.end - base)
        seg_hi = min(hi, comma if comma >= 0 else hi)
        # Near the number only: a name at the far end of a long clause is seldom its referent.
        local_start, local_end = o.span.start - base, o.span.end - base
        spans = [(max(seg_lo, local_start - opts.near), min(seg_hi, local_end + opts.near))]
        # The place a list line or a sentence opens with is every figure's place: "Canada:
        # 140 confirmed cases", "In New York City, officials say about 75 students ...".
        colon = text.rfind(":", 0, o.span.start - base)
        if colon >= 0 and len(text[:colon].split()) <= _LABEL_WORDS:
            spans.append((0, colon))
        opening = _OPENING_PLACE.match(text)
        if opening and opening.end() <= o.span.start - base:
            spans.append((0, opening.end()))
        # "... in Mexico, which also has 1,112 cases": the relative clause's antecedent;
        # "Australia has five new cases, raising its total to six": the main clause's subject.
        if _RELATIVE.match(text, seg_lo) and seg_lo > 0:
            spans.append((max(lo, text.rfind(",", 0, seg_lo - 1) + 1), seg_lo))
        elif _PARTICIPLE.match(text, seg_lo) and seg_lo > lo:
            spans.append((lo, seg_lo))
        named = [
            (name, label)
            for s, e, name, label in _within(
                names_by_article.get(o.article_id), base, base + len(text)
            )
            if any(base + x <= s and e <= base + y for x, y in spans)
        ]
        names = {name for name, _ in named}
        places = {name for name, label in named if label == "GPE"}
        key = (o.sentence.span.article_id, o.sentence.span.start, o.head, o.unit)
        words = {_SAME_WORD.get(w, w) for w in content_words(local)}
        clause = text[lo:hi].lower()
        # Confirmed or not: said in the number's own comma-separated part ("of the 101
        # suspected deaths, 19 have been confirmed" gives one of each).
        segment = text[seg_lo:seg_hi].lower()
        status = ""
        if _CONFIRMED.search(segment):
            status = "confirmed"
        elif _UNCONFIRMED.search(segment):
            status = "unconfirmed"
        authorities = {
            form
            for _, _, canonical, _ in _within(
                orgs_by_article.get(o.article_id), o.sentence.span.start, o.sentence.span.end
            )
            for form in _forms(canonical)
        }
        before = text[max(lo, o.span.start - base - 14) : o.span.start - base]
        added = bool(_ADDED.search(before + " " + o.measure))
        out.append(
            _Referent(
                words,
                names,
                years(local),
                per_sentence[key] > 1,
                status,
                added,
                bool(_EARLIER.search(clause)),
                places,
                authorities,
                home.get(o.article_id, set()),
            )
        )
    return out


_Names = tuple[list[int], list[tuple[int, int, str, str]]]


def _by_start(names: list[tuple[int, int, str, str]]) -> _Names:
    """``(start, end, name, label)`` rows sorted by start, and their starts."""
    names.sort()
    return [n[0] for n in names], names


def _within(names: _Names | None, lo: int, hi: int) -> list[tuple[int, int, str, str]]:
    """The rows of ``names`` that start in ``[lo, hi)``."""
    if names is None:
        return []
    starts, rows = names
    return rows[bisect_left(starts, lo) : bisect_left(starts, hi)]


_LABEL_WORDS = 4
# Bounded, linear patterns (one sentence at a time).
# One optional space, not a run of them: a run would be retried at each of its spaces.
_OPENING_PLACE = re.compile(r"(?:In|At|Across|Outside) [^,]{2,40},")
_RELATIVE = re.compile(r" ?(?:which|where|whose)\b")
_PARTICIPLE = re.compile(
    r" ?(?:raising|bringing|taking|pushing|lifting|leaving|putting|increasing)\b"
)
_CONFIRMED = re.compile(r"\bconfirm")
_UNCONFIRMED = re.compile(r"\b(?:suspect|estimat|probable|possible|presum|unconfirm)")
_ADDED = re.compile(r"\b(?:new|additional|further|another|other)\b", re.IGNORECASE)
_EARLIER = re.compile(
    r"\bhad (?:already |now |so far |just )?(?:been|died|killed)\b|\binitial(?:ly)?\b"
    r"|\boriginally\b|\bat first\b|\bfirst reports?\b"
)


# Words of one predicate in news writing: "died", "were killed", "the dead", "deaths".
_SAME_WORD = {w: "death" for w in ("die", "died", "dead", "kill", "death", "fatal", "perish")}


def _forms(name: str) -> set[str]:
    """An organisation's name and its acronym: "World Health Organization" -> {..., "who"}
    ("Centers for Disease Control and Prevention" -> "cdcp" and "cdc")."""
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in ("of", "for", "and", "the")]
    forms = {name.lower()}
    if len(words) >= 2:
        initials = "".join(w[0] for w in words)
        forms.add(initials)
        if len(initials) >= 4:
            forms.add(initials[:-1])
    return forms


def _elsewhere(a: _Referent, b: _Referent) -> bool:
    """``a`` names where, ``b`` does not, and ``b``'s lead is not about ``a``'s place."""
    return bool(a.places) and not b.places and not a.places <= b.home


def pinned(a: _Referent, b: _Referent) -> bool:
    """Both figures are the same authority's count ("the WHO says" / "according to the
    WHO") or the same place's ("Canada: 140 cases" / "Canada has reported 165 cases")."""
    return bool(a.authorities & b.authorities or a.places) and a.places == b.places


def same_referent(a: _Referent, b: _Referent, pinned_score: float = 0.5) -> float:
    """How surely two clauses speak of one referent (0 = surely not, 1 = surely)."""
    if a.years and b.years and not a.years & b.years:
        return 0.0  # different years are different slots
    if a.names and b.names and not a.names & b.names:
        return 0.0  # different groups, people, places
    if a.status and b.status and a.status != b.status:
        return 0.0  # confirmed deaths and suspected deaths are two counts
    if a.added != b.added:
        return 0.0  # "five new cases" is not the total
    if a.earlier != b.earlier:
        return 0.0  # "initial reports", "had been": the figure of an earlier day
    shared = len(a.words & b.words)
    if not shared:
        return 0.0
    score = float(shared) / math.sqrt(len(a.words) * len(b.words))
    if _elsewhere(a, b) or _elsewhere(b, a) or (a.places and b.places and a.places != b.places):
        # One side says where ("in Mexico") and the other's article is not about that place,
        # or one place against two: perhaps the same count, perhaps one country's against
        # the world's.
        score *= 0.5
    if shared < 2:
        score *= 0.5
    if pinned(a, b):
        # The wording says less than the shared source or subject of the figure.
        score = max(score, pinned_score)
    if a.crowded or b.crowded:
        score *= 0.5
    return score


def _comparable(a: Observation, b: Observation, graph: CopyGraph) -> bool:
    if a.article_id == b.article_id or a.unit != b.unit or a.head != b.head:
        return False
    if a.mode != b.mode or a.duration != b.duration:
        return False
    if a.duration and a.head not in GROWING:
        pass  # a trip or a truce has one length whenever it is reported
    elif a.anchor != b.anchor or a.anchor == "?":
        return False
    return not graph.same_source(a.sentence, b.sentence)


def _slot_match(a: Observation, b: Observation) -> bool:
    return (
        a.mode == b.mode
        and a.duration == b.duration
        and (a.anchor == b.anchor or (a.duration and a.head not in GROWING))
    )


def _pairs(
    ctx: StoryContext, obs: Sequence[Observation], approx: float, floor: float
) -> list[tuple[int, int]]:
    """The pairs ``i < j`` of ``obs``, in order, that :func:`figure_discrepancies` can find in
    agreement or in conflict, instead of every pair of the story.

    Both need two articles and one measured thing, unit and mode. Agreement needs equal
    values (within ``approx``): pairs near in value, found by bisection. A conflict needs
    paraphrase similarity ``floor`` or more: without sentence vectors that is TF-IDF, 0 outside
    the story's kept pairs, so only the figures of those sentence pairs; with vectors (a story
    of at most ``fuse.context.max_vectors`` sentences) every pair of sentences fuse weighs.
    """
    buckets: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for k, o in enumerate(obs):
        buckets[(o.unit, o.head, o.mode)].append(k)
    bucket_of = {k: key for key, members in buckets.items() for k in members}
    pairs: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if i != j and obs[i].article_id != obs[j].article_id:
            pairs.add((min(i, j), max(i, j)))

    for members in buckets.values():
        by_value = sorted(members, key=lambda k: obs[k].value)
        values = [obs[k].value for k in by_value]
        for p, i in enumerate(by_value):
            # |a - b| <= approx * max(|a|, |b|) bounds b to this much above a.
            v = values[p]
            reach = (
                math.inf
                if approx >= 1.0
                else approx * max(abs(v), 1e-9) / (1.0 - approx) * (1 + 1e-6) + 1e-12
            )
            for q in range(p + 1, bisect_right(values, v + reach)):
                add(i, by_value[q])
    at: dict[int, list[int]] = defaultdict(list)
    for k, o in enumerate(obs):
        position = ctx.position(o.sentence)
        if position is not None:
            at[position].append(k)
    if ctx.vectors is not None or floor <= 0.0:
        # (a sentence fuse does not weigh has similarity 0, under a floor above 0)
        for members in buckets.values():
            mine = [k for k in members if floor <= 0.0 or ctx.position(obs[k].sentence) is not None]
            for x, i in enumerate(mine):
                for j in mine[x + 1 :]:
                    add(i, j)
    else:
        for position, mine in at.items():
            for other in ctx.lexical_neighbours(position, floor):
                for i in mine:
                    for j in at.get(other, ()):
                        if bucket_of[i] == bucket_of[j]:
                            add(i, j)
    return sorted(pairs)


def figure_discrepancies(
    ctx: StoryContext,
    graph: CopyGraph,
    tolerance: float,
    approx: float,
    same_topic: float,
    referent: ReferentOptions | None = None,
) -> list[Discrepancy]:
    ropts = referent or ReferentOptions()
    obs = observations(ctx)
    refs = _referents(ctx, obs, ropts)
    # An article that gives one value for a slot states *the* figure; one that gives several
    # for clauses like this one (a list of countries, a delegate count per candidate) leaves
    # open which of them another article's value is about.
    slots: dict[tuple[str, str, str, str, str], list[int]] = defaultdict(list)
    for k, o in enumerate(obs):
        slots[(o.article_id, o.head, o.unit, o.mode, o.anchor)].append(k)
    rivalled: dict[int, bool] = {}

    def single(x: int) -> bool:
        """No other value of ``x``'s slot in its article is for the same place and referent
        (asked of the figures in a conflict only, so not every pair of one article's slot)."""
        if x not in rivalled:
            o = obs[x]
            rivalled[x] = any(
                # A rival is a value for the same place (or for no place named): "Canada:
                # 140" is no rival of "Spain: 57" nor of the world's count in the same list.
                o.value != obs[y].value
                and refs[x].places == refs[y].places
                and same_referent(refs[x], refs[y], ropts.shared) >= 0.3
                for y in slots[(o.article_id, o.head, o.unit, o.mode, o.anchor)]
            )
        return not rivalled[x]

    # The values each article gives per measured thing: a value of one article that another
    # article also gives (for some referent) explains that article's other value as the
    # figure of another referent ("a three-day trip to Japan, then five days in Korea").
    given: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for k, o in enumerate(obs):
        given[(o.article_id, o.head, o.unit)].append(k)

    def explained(x: int, y: int) -> bool:
        """Article of ``x`` also gives ``y``'s value for the same measured thing."""
        ox, oy = obs[x], obs[y]
        return any(
            k != x and obs[k].mode == oy.mode and _equal(obs[k], oy, tolerance)
            for k in given[(ox.article_id, ox.head, ox.unit)]
        )

    conflict: dict[int, dict[int, float]] = defaultdict(dict)
    agree_with: dict[int, set[int]] = defaultdict(set)
    notes: dict[tuple[int, int], str] = {}
    for i, j in _pairs(ctx, obs, approx, same_topic - 0.1):
        a, b = obs[i], obs[j]
        if a.duration and b.duration and _far_apart(a, b):
            continue  # "24 hours" and "25 years" are lengths of different things
        rounded = a.duration and (_rough(a) or _rough(b))
        same_value = agree(a, b, max(tolerance, 0.15) if rounded else tolerance, approx)
        if same_value and a.mode == b.mode:
            # One side of a discrepancy holds equal values of one referent only (a
            # bound such as "at least 72" agrees with any larger number of anything).
            if _equal(a, b, approx) and (
                a.duration or same_referent(refs[i], refs[j], ropts.shared) >= 0.34
            ):
                agree_with[i].add(j)
                agree_with[j].add(i)
        elif not same_value and _comparable(a, b, graph):
            sem = ctx.semantic(a.sentence, b.sentence)
            if sem < same_topic - 0.1:
                continue
            if explained(i, j) or explained(j, i):
                continue
            ref = same_referent(refs[i], refs[j], ropts.shared)
            if ref == 0.0:
                continue
            closeness = min(1.0, max(0.0, sem - same_topic) / 0.35)
            if a.duration and a.head in _EVENTS:
                ref = max(ref, 0.5)  # the story's trip or strike has one length
            unique_slot = ref >= 0.3 and single(i) and single(j)
            conf = 0.1 + 0.6 * ref + 0.3 * closeness
            conf = min(1.0, conf + 0.3) if unique_slot else 0.6 * conf
            # An open count ("cases") is pinned down by a shared authority or place; a
            # count of "people" never is (infected, evacuated, polled...).
            open_count = a.head in _GENERIC and not _qualified(a, b)
            pin = pinned(refs[i], refs[j]) and a.head not in ("people", "person")
            if (a.duration and a.head not in _EVENTS) or (
                not a.duration and open_count and not pin
            ):
                conf = min(conf, 0.5)  # "people", "cases": whose? too open to show
            conflict[i][j] = conflict[j][i] = conf
            notes[(i, j)] = notes[(j, i)] = (
                f"{'one value' if unique_slot else 'several values'} of the slot per "
                f"article; sentence similarity {sem:.2f}, clause overlap {ref:.2f}, "
                f"measures: {a.measure} / {b.measure}"
            )
    out: list[Discrepancy] = []
    done: set[int] = set()
    for seed in sorted(conflict, key=lambda k: (-max(conflict[k].values()), -len(conflict[k]))):
        if seed in done:
            continue
        # Two sides: the seed and its most certain conflict, each with what agrees with it.
        other = max(
            (k for k in conflict[seed] if k not in done),
            key=lambda k: conflict[seed][k],
            default=None,
        )
        if other is None:
            continue
        sides: list[list[int]] = []
        for start in (seed, other):
            side = {start} | {
                k for k in agree_with[start] if k not in done and _slot_match(obs[start], obs[k])
            }
            side -= {k for s in sides for k in s}
            sides.append(sorted(side))
            done.update(side)
        out.append(
            _figure_discrepancy(obs, sides, ctx, graph, conflict[seed][other], notes[(seed, other)])
        )
    return out


def _figure_discrepancy(
    obs: list[Observation],
    sides: list[list[int]],
    ctx: StoryContext,
    graph: CopyGraph,
    confidence: float,
    note: str,
) -> Discrepancy:
    first = obs[sides[0][0]]
    claims = []
    values = []
    for side in sides:
        members = [obs[k] for k in side]
        sentences = unique([m.sentence for m in members])
        articles = {m.article_id for m in members}
        claims.append(
            CitedText(
                text=clearest(sentences),
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
    evidence = (
        f"same measured thing ({first.head}, {first.unit}) and mode ({first.mode})",
        "same day" if not first.duration or first.head in GROWING else "one length",
        note,
    )
    return Discrepancy(
        topic=topic,
        kind=kind.value,
        reason=reason,
        claims=tuple(claims),
        confidence=round(confidence, 3),
        evidence=evidence,
    )


def record_discrepancies(
    ctx: StoryContext,
    graph: CopyGraph,
    tolerance: float,
    approx: float,
    same_topic: float,
    referent: ReferentOptions | None = None,
) -> list[Discrepancy]:
    """A figure inside someone's quotation that matches none of the values the sources
    themselves report for that measure on that day (which agree with each other)."""
    ropts = referent or ReferentOptions()
    obs = observations(ctx)
    refs = _referents(ctx, obs, ropts)
    out: list[Discrepancy] = []
    for i, claim in enumerate(obs):
        if claim.mode != "claim" or claim.duration:
            continue
        record = [
            j
            for j, o in enumerate(obs)
            if o.mode == "actual"
            and o.head == claim.head
            and o.unit == claim.unit
            and o.anchor == claim.anchor
            and not o.duration
            and ctx.semantic(o.sentence, claim.sentence) >= same_topic
            and same_referent(refs[i], refs[j], ropts.shared) >= 0.5
        ]
        if not record:
            continue
        values = [obs[j] for j in record]
        if any(agree(claim, v, tolerance, approx) for v in values):
            continue
        if not all(agree(values[0], v, tolerance, approx) for v in values[1:]):
            continue  # the record itself is not settled
        sentences = unique([v.sentence for v in values])
        articles = {v.article_id for v in values}
        conf = (
            0.4
            + 0.1 * min(len(articles), 3)
            + 0.2 * max(same_referent(refs[i], refs[j], ropts.shared) for j in record)
        )
        out.append(
            Discrepancy(
                topic=f"{claim.measure} as quoted",
                kind=DiscrepancyKind.RECORD.value,
                reason=(
                    f"a quotation gives {claim.text}; the sources report "
                    + " / ".join(dict.fromkeys(v.text for v in values))
                ),
                claims=(
                    CitedText(
                        claim.sentence.text, (claim.span, claim.sentence.span), Support(1, 1)
                    ),
                    CitedText(
                        clearest(sentences),
                        tuple(v.span for v in values) + tuple(s.span for s in sentences),
                        Support(len(articles), graph.independent(sentences)),
                    ),
                ),
                confidence=round(min(conf, 1.0), 3),
                evidence=(
                    "figure inside a quotation",
                    f"{len(articles)} article(s) report another value for the same measure",
                ),
            )
        )
    return out
