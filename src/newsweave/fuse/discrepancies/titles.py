"""Titles: one person given offices that exclude each other, one office given two people.

A person can hold several titles at once (Senator and Majority Leader, a committee chairman
and Representative) and historical ones ("then-Senator", "former") describe another time, so
titles are a set: only two *portfolios* of one kind of office (Energy Minister / Interior
Secretary: two cabinet posts on the same day) conflict, and only when no single article gives
the person both. An office is "led" by one person: two different people given the same named
leading title ("NTC chairman", "Hamas leader") by independent sources is a discrepancy.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsweave.fuse.context import StoryContext
from newsweave.fuse.discrepancies.common import clearest, unique
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.independence import CopyGraph
from newsweave.model import CitedText, Discrepancy, DiscrepancyKind, Span, Support

_CABINET = frozenset({"minister", "secretary"})
_NOT_PORTFOLIO = frozenset(
    """
    minister secretary of the for and deputy vice prime first state us u.s. uk british
    american chinese french german russian libyan mexican federal national cabinet acting
    junior senior assistant under general permanent chief principal press
    """.split()
)
_HISTORICAL = re.compile(
    r"\b(?:then|former|ex|outgoing|late|past|previous|onetime|one-time)\b", re.IGNORECASE
)
_LEADING = frozenset(
    {
        "leader",
        "head",
        "chief",
        "chairman",
        "chairwoman",
        "chair",
        "president",
        "director",
        "commander",
        "ceo",
        "director-general",
        "secretary-general",
        "spokesman",
    }
)
_GENERIC = frozenset(
    """
    rebel opposition party union military army police tribal religious spiritual group
    world team state political local community business senior top deputy vice former new
    interim acting the a an of us u.s. white house senate house majority minority democratic
    republican
    """.split()
)
_ORDINAL = frozenset({"vice", "deputy", "assistant", "associate", "co", "co-"})


def _portfolio(role: str) -> frozenset[str] | None:
    """ "Energy Minister" -> {"energy"}; None for what is not a cabinet portfolio."""
    words = [w.lower().strip(",.") for w in role.replace("’", "'").split()]
    if _HISTORICAL.search(role) or not set(words) & _CABINET:
        return None
    if any(
        w in ("press", "general", "permanent", "-general") or w.endswith("-general") for w in words
    ):
        return None
    rest = frozenset(w for w in words if w not in _NOT_PORTFOLIO and w.isalpha())
    return rest or None


def role_discrepancies(ctx: StoryContext, graph: CopyGraph) -> list[Discrepancy]:
    """A person given two cabinet portfolios by independent sources."""
    by_person: dict[str, dict[frozenset[str], list[tuple[str, Span]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for item in ctx.items:
        for ent in item.entities:
            if ent.label == "PERSON" and ent.role:
                portfolio = _portfolio(ent.role)
                if portfolio:
                    by_person[ent.canonical][portfolio].append((ent.role, ent.span))
    out: list[Discrepancy] = []
    for person, portfolios in by_person.items():
        keys = list(portfolios)
        for x in range(len(keys)):
            for y in range(x + 1, len(keys)):
                a, b = keys[x], keys[y]
                if a & b:
                    continue  # "Foreign Minister" / "Foreign and Trade Minister": one post
                arts_a = {sp.article_id for _, sp in portfolios[a]}
                arts_b = {sp.article_id for _, sp in portfolios[b]}
                if arts_a & arts_b:
                    continue  # one article gives both: held at once
                out.append(
                    _discrepancy(
                        ctx,
                        graph,
                        f"{person}'s office",
                        DiscrepancyKind.ROLE,
                        "sources give different offices: "
                        f"{portfolios[a][0][0]} vs {portfolios[b][0][0]}",
                        [portfolios[a], portfolios[b]],
                        0.75,
                        ("two cabinet portfolios of one person", "no article gives both"),
                    )
                )
    return out


def _office(role: str) -> str | None:
    """The named office a leading title heads: "NTC chairman" -> "ntc chairman"; None for
    generic ones ("rebel leader") and ranks below the head ("vice chairman")."""
    words = [w.strip(",.") for w in role.replace("’", "'").split()]
    if not words or _HISTORICAL.search(role):
        return None
    lowered = [w.lower() for w in words]
    heads = [k for k, w in enumerate(lowered) if w in _LEADING]
    if not heads:
        return None
    head = heads[-1]
    if any(w in _ORDINAL or w.startswith(("vice-", "deputy-", "co-")) for w in lowered[: head + 1]):
        return None
    named = [w for w in words[:head] if w[:1].isupper() and w.lower() not in _GENERIC]
    if not named:
        return None
    return " ".join(lowered[: head + 1])


def leader_discrepancies(
    ctx: StoryContext, graph: CopyGraph, resolver: NameResolver
) -> list[Discrepancy]:
    """Two different people given the same named leading title by independent sources."""
    by_office: dict[str, dict[str, list[tuple[str, Span]]]] = defaultdict(lambda: defaultdict(list))
    for item in ctx.items:
        for ent in item.entities:
            if ent.label == "PERSON" and ent.role and resolver.is_person(ent.canonical):
                office = _office(ent.role)
                if office:
                    by_office[office][ent.canonical].append((ent.role, ent.span))
    out: list[Discrepancy] = []
    for office, people in by_office.items():
        if len(people) < 2:
            continue
        names = sorted(people, key=lambda n: -len(people[n]))[:2]
        arts = [{sp.article_id for _, sp in people[n]} for n in names]
        if arts[0] & arts[1]:
            continue  # one article names both: co-leaders, or a successor
        out.append(
            _discrepancy(
                ctx,
                graph,
                f"who is {office}",
                DiscrepancyKind.LEADER,
                f"sources name different people as {office}: {names[0]} vs {names[1]}",
                [people[n] for n in names],
                0.5,
                ("the same named leading title", "no article names both"),
            )
        )
    return out


def _discrepancy(
    ctx: StoryContext,
    graph: CopyGraph,
    topic: str,
    kind: DiscrepancyKind,
    reason: str,
    sides: list[list[tuple[str, Span]]],
    confidence: float,
    evidence: tuple[str, ...],
) -> Discrepancy:
    claims = []
    for uses in sides:
        sentences = unique([s for s in (ctx.sentence_at(sp) for _, sp in uses) if s])
        claims.append(
            CitedText(
                text=clearest(sentences) if sentences else uses[0][0],
                citations=tuple(sp for _, sp in uses) + tuple(s.span for s in sentences),
                support=Support(
                    len({sp.article_id for _, sp in uses}), graph.independent(sentences)
                ),
            )
        )
    return Discrepancy(topic, kind.value, reason, tuple(claims), confidence, evidence)
