"""The fuse stage: a story's articles -> StoryAnalysis.

Inferred dates, story-wide names, the copy graph, fact groups with independent support,
discrepancies, merged quotes, one timeline and per-source signals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newsweave.errors import OptionError
from newsweave.fuse.align import AlignOptions, align_facts
from newsweave.fuse.context import ContextOptions, build_context
from newsweave.fuse.dates import infer_dates
from newsweave.fuse.discrepancies import DiscrepancyOptions, find_discrepancies
from newsweave.fuse.entities import EntityOptions, normalise_entities, summarise_entities
from newsweave.fuse.independence import CopyGraph, CopyOptions, build_copy_graph, earlier
from newsweave.fuse.quality import QualityOptions, QualityReport, assess_story
from newsweave.fuse.quotes import QuoteOptions, merge_quotes
from newsweave.fuse.summary import SummaryOptions, select_summary
from newsweave.fuse.timeline import TimelineOptions, build_timeline
from newsweave.model import (
    AnnotatedArticle,
    FactGroup,
    Quality,
    SourceSignal,
    Story,
    StoryAnalysis,
)

__all__ = [
    "AlignOptions",
    "ContextOptions",
    "CopyOptions",
    "DiscrepancyOptions",
    "EntityOptions",
    "FuseOptions",
    "QualityOptions",
    "QuoteOptions",
    "TimelineOptions",
    "fuse",
]


@dataclass(frozen=True, slots=True)
class FuseOptions:
    """The fuse stage's settings: the sentence index, text quality, fact alignment, copy
    detection, names, quotes, discrepancy detection and the timeline."""

    context: ContextOptions = field(default_factory=ContextOptions)
    quality: QualityOptions = field(default_factory=QualityOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    copies: CopyOptions = field(default_factory=CopyOptions)
    entities: EntityOptions = field(default_factory=EntityOptions)
    quotes: QuoteOptions = field(default_factory=QuoteOptions)
    discrepancies: DiscrepancyOptions = field(default_factory=DiscrepancyOptions)
    timeline: TimelineOptions = field(default_factory=TimelineOptions)

    def __post_init__(self) -> None:
        floor = self.context.min_similarity
        # The TF-IDF pairs each reader compares against its threshold (the discrepancy tests
        # read TF-IDF when a story is too large for sentence vectors).
        readers = {
            "0.6 x fuse.align.link (the fuzzy link)": 0.6 * self.align.link,
            "fuse.copies.pair_similarity": self.copies.pair_similarity,
            "fuse.copies.wire_similarity": self.copies.wire_similarity,
            "fuse.discrepancies.same_topic - 0.1": self.discrepancies.same_topic - 0.1,
            "fuse.discrepancies.same_statement - 0.08": self.discrepancies.same_statement - 0.08,
            "the summary's redundancy_lexical": SummaryOptions().redundancy_lexical,
        }
        for name, threshold in readers.items():
            if threshold < floor:
                raise OptionError(
                    f"fuse.context.min_similarity ({floor}) is above {name} ({threshold:.3f}): "
                    "pairs that step compares would be dropped; lower "
                    "fuse.context.min_similarity or raise the other setting"
                )


def fuse(
    story: Story, items: Sequence[AnnotatedArticle], options: FuseOptions | None = None
) -> StoryAnalysis:
    """Analyse one story.

    Args:
        story: the story (its ``article_ids`` decide the order of ``items``).
        items: the story's annotated articles.
        options: thresholds of alignment, copies, names, quotes, discrepancies and timeline
            (``fuse.*`` in :mod:`newsweave.config`).

    Returns:
        The StoryAnalysis the brief is built from; ``items`` in it carry inferred
        publication dates and story-wide entity names.
    """
    opts = options or FuseOptions()
    by_id = {i.article_id: i for i in items}
    ordered = [by_id[a] for a in story.article_ids if a in by_id]
    dated = infer_dates(ordered)
    normalised, resolver = normalise_entities(dated, opts.entities)
    reports = assess_story(normalised, opts.quality)
    quality = {aid: r.score for aid, r in reports.items()}
    ctx = build_context(normalised, options=opts.context)
    graph = build_copy_graph(ctx, opts.align.copy_ratio, opts.copies)
    facts = align_facts(ctx, graph, quality, opts.align)
    return StoryAnalysis(
        story=story,
        items=tuple(normalised),
        facts=tuple(facts),
        entities=tuple(summarise_entities(normalised, resolver, opts.entities)),
        quotes=tuple(merge_quotes(normalised, resolver, quality, opts.quotes)),
        timeline=tuple(build_timeline(normalised, graph, quality, opts.timeline, context=ctx)),
        discrepancies=tuple(find_discrepancies(ctx, graph, resolver, opts.discrepancies)),
        sources=tuple(_signals(normalised, facts, graph, reports)),
        quality=quality,
        summary=tuple(select_summary(ctx, facts, quality)),
    )


def _signals(
    items: Sequence[AnnotatedArticle],
    facts: Sequence[FactGroup],
    graph: CopyGraph,
    reports: dict[str, QualityReport],
) -> list[SourceSignal]:
    order = {i.article_id: (i.article.published, n) for n, i in enumerate(items)}
    first: dict[str, int] = {i.article_id: 0 for i in items}
    for group in facts:
        if group.support.articles < 2:
            continue
        members = [m.span.article_id for m in group.members]
        if any(order[a][0] is None for a in members):
            continue  # cannot tell who was first
        leader = members[0]
        for other in members[1:]:
            leader = earlier(leader, other, order)
        first[leader] += 1
    return [
        SourceSignal(
            article_id=i.article_id,
            copies=tuple(graph.copies.get(i.article_id, ())),
            first_reports=first[i.article_id],
            quality=Quality(reports[i.article_id].score, reports[i.article_id].reasons),
        )
        for i in items
    ]
