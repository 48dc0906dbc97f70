"""Where independent sources disagree: figures, durations, dates, quotes, speakers, titles.

Each detector first establishes that two claims are about the same thing (the same slot and
referent of a figure, the same aligned words and voice of a quotation, the same office), then
compares them, and gives every discrepancy a confidence (0..1) with the evidence it rests on.
Only discrepancies at or above ``DiscrepancyOptions.min_confidence`` are reported, and only of
the enabled kinds: a kind that did not reach good precision on the labelled stories of
``bench/discrepancy_precision.py`` stays off by default. The list is ordered by importance x
confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsweave.fuse.context import StoryContext
from newsweave.fuse.discrepancies.dated import date_discrepancies, status_discrepancies
from newsweave.fuse.discrepancies.figures import (
    ReferentOptions,
    figure_discrepancies,
    record_discrepancies,
)
from newsweave.fuse.discrepancies.quoted import quote_discrepancies
from newsweave.fuse.discrepancies.titles import leader_discrepancies, role_discrepancies
from newsweave.fuse.entities import NameResolver
from newsweave.fuse.independence import CopyGraph
from newsweave.model import Discrepancy, DiscrepancyKind

__all__ = ["DEFAULT_KINDS", "DiscrepancyOptions", "find_discrepancies"]

K = DiscrepancyKind
DEFAULT_KINDS = frozenset({K.FIGURE, K.DURATION, K.DATE, K.QUOTE, K.ATTRIBUTION, K.ROLE})


@dataclass(frozen=True, slots=True)
class DiscrepancyOptions:
    """Args:
    same_topic: paraphrase similarity two sentences need for their figures to be compared.
    tolerance: relative difference under which two figures agree (rounding).
    approx_tolerance: the same for figures marked "about", "some", "nearly".
    same_statement: paraphrase similarity above which two dated sentences state one event.
    min_confidence: discrepancies below this confidence are not reported (chosen on the
        labelled stories for precision >= 0.9).
    kinds: the kinds reported.
    shared_referent: referent score of two figures given by the same authority ("the WHO
        says") or for the same place ("Canada: 140 cases"), however differently worded.
    name_window: characters around a number in which the people and places it counts are
        named (a name further away in a long clause is seldom its referent).
    lead_chars: characters of an article's start that say which place it is about.
    """

    same_topic: float = 0.45
    tolerance: float = 0.02
    approx_tolerance: float = 0.10
    same_statement: float = 0.88
    min_confidence: float = 0.7
    kinds: tuple[str, ...] = tuple(sorted(k.value for k in DEFAULT_KINDS))
    shared_referent: float = 0.5
    name_window: int = 80
    lead_chars: int = 400

    @property
    def referent(self) -> ReferentOptions:
        return ReferentOptions(self.shared_referent, self.name_window, self.lead_chars)


_WEIGHT = {
    K.FIGURE.value: 3,
    K.ATTRIBUTION.value: 3,
    K.RECORD.value: 3,
    K.DURATION.value: 2,
    K.QUOTE.value: 2,
    K.SHORTENED.value: 2,
    K.DATE.value: 2,
    K.STATUS.value: 2,
    K.LEADER.value: 2,
    K.ROLE.value: 1,
}


def importance(d: Discrepancy) -> float:
    return _WEIGHT.get(d.kind, 1) + sum(c.support.independent for c in d.claims if c.support)


def find_discrepancies(
    ctx: StoryContext,
    graph: CopyGraph,
    resolver: NameResolver,
    options: DiscrepancyOptions | None = None,
) -> list[Discrepancy]:
    """The story's discrepancies of the enabled kinds at or above the confidence threshold,
    most important and most certain first."""
    opts = options or DiscrepancyOptions()
    kinds = set(opts.kinds)
    found: list[Discrepancy] = []
    if kinds & {K.FIGURE.value, K.DURATION.value}:
        found += figure_discrepancies(
            ctx, graph, opts.tolerance, opts.approx_tolerance, opts.same_topic, opts.referent
        )
    if K.RECORD.value in kinds:
        found += record_discrepancies(
            ctx, graph, opts.tolerance, opts.approx_tolerance, opts.same_topic, opts.referent
        )
    if kinds & {K.QUOTE.value, K.ATTRIBUTION.value, K.SHORTENED.value}:
        found += quote_discrepancies(ctx, graph, resolver)
    if K.ROLE.value in kinds:
        found += role_discrepancies(ctx, graph)
    if K.LEADER.value in kinds:
        found += leader_discrepancies(ctx, graph, resolver)
    if K.DATE.value in kinds:
        found += date_discrepancies(ctx, graph, opts.same_statement)
    if K.STATUS.value in kinds:
        found += status_discrepancies(ctx, graph, opts.same_statement)
    shown = [d for d in found if d.kind in kinds and d.confidence >= opts.min_confidence]
    return sorted(shown, key=lambda d: (-importance(d) * d.confidence, d.topic))
